"""Every word the user reads, one catalogue per language: ``en.py`` and
``zh_CN.py``. A third language is one more module with the same names, added
to CATALOGUES. Nothing outside the render layer (and the app's messages)
chooses words; the core hands over canonical names, keys and numbers.
"""
from __future__ import annotations

import re
from types import ModuleType

from kam_xl.words import en, zh_CN
from kam_xl.words.figures import share

CATALOGUES: dict[str, ModuleType] = {"en": en, "zh-CN": zh_CN}


def catalogue(language: str | None) -> ModuleType:
    return CATALOGUES.get(language or "en", en)


def language_spellings() -> dict[str, str]:
    """Every spelling of a language the Language parameter takes -> its code: each catalogue's code and its
    SPELLINGS (zh, 中文, cn -> zh-CN)."""
    return {spelling: code for code, words in CATALOGUES.items() for spelling in (code, *words.SPELLINGS)}


def header(name: str, language: str = "en") -> str:
    """Display header of an output column in ``language``."""
    words = catalogue(language)
    return words.HEADERS.get(name) or words.bucket_header(name)


def sheet_title(name: str, language: str = "en") -> str:
    return catalogue(language).SHEETS.get(name, name)


def table_label(name: str, language: str = "en") -> str:
    """An input table's name as the user's language calls it (Sales, 销售); an analysis by its sheet's title
    (Potential, 客户潜力)."""
    words = catalogue(language)
    return words.TABLE_NAMES.get(name) or words.SHEETS.get(name, name)


def about_label(item: str, language: str = "en") -> str:
    """An item of About: a parameter (AsOfDate, 截止日期) or a fact of the run (PeriodDays, 期间天数)."""
    words = catalogue(language)
    return words.PARAMETERS.get(item) or words.ABOUT.get(item, item)


def model_term(term: str, language: str = "en") -> str:
    """A purchase model's parameter or unit that is a word (LogLikelihood, nats: 对数似然, 奈特); symbols stay."""
    return catalogue(language).MODEL_TERMS.get(term, term)


def in_language(english: str, chinese: str, language: str = "en") -> str:
    """The one of a pair of contract names (a column's name and its Chinese alias) the language reads."""
    return chinese if catalogue(language) is zh_CN else english


def demo_name(name: str, language: str = "en") -> str:
    """An industry, region or size of the demo book as a book in ``language`` names it (Retail, 零售)."""
    return catalogue(language).DEMO_NAMES.get(name, name)


def kpi_label(kpi: str, language: str = "en") -> str:
    return catalogue(language).KPIS.get(kpi, kpi)


def metric_label(metric: str, language: str = "en") -> str:
    return catalogue(language).METRICS.get(metric, metric)


def tile_label(kpi: str, language: str = "en") -> str:
    return catalogue(language).TILES[kpi]


def text(key: str, language: str = "en", **values) -> str:
    """A strategy, an action or a label inside a table."""
    return catalogue(language).TEXT[key].format(**values)


def ui(key: str, language: str = "en", **values) -> str:
    """A title or label of the workbook itself."""
    return catalogue(language).UI[key].format(**values)


def chart_label(name: str, language: str = "en") -> str:
    """A column's name in a chart's legend, axis or categories: in words
    (Net revenue, 1-30 days overdue), not as the column is spelled."""
    return catalogue(language).chart_label(name)


def dimension_label(name: str, language: str = "en") -> str:
    """A dimension of the monthly totals (ABCTier, Industry, AccountManager) by
    its column header; Total as the totals label."""
    return ui("totals", language) if name == "Total" else header(name, language)


def word(key: str, language: str = "en") -> str:
    return catalogue(language).WORDS[key]


def message(key: str, language: str, values: dict) -> str:
    """The data-quality message ``key`` with ``values`` filled in; a value
    that is itself a word key (prefixed ``~``) is translated too, and a table_name named as the language
    names the table."""
    words = {k: word(v[1:], language) if isinstance(v, str) and v.startswith("~") else v for k, v in values.items()}
    if isinstance(words.get("table_name"), str):   # a table by the language's name of it (Sales, 销售)
        words["table_name"] = table_label(words["table_name"], language)
    return catalogue(language).MESSAGES[key].format(**words)


def action_keys(cell: object, days: int) -> tuple[list[str], list[str]]:
    """The action keys of an Actions cell as a summary wrote it, in any
    language (``days``: the oldest aging bucket's, which one action names),
    and the phrases that are none of them."""
    if not isinstance(cell, str) or not cell.strip():
        return [], []
    by_phrase, separators = {}, set()
    for words in CATALOGUES.values():
        separators.add(words.TEXT["list.separator"].strip())
        for key, phrase in words.TEXT.items():
            if key.startswith("action."):
                by_phrase[phrase.format(days=days).strip()] = key[len("action."):]
        by_phrase.update(getattr(words, "FORMER_ACTIONS", {}))
    pattern = "|".join(re.escape(s) for s in sorted(separators, key=len, reverse=True))
    phrases = [p.strip() for p in re.split(pattern, cell) if p.strip()]
    return [by_phrase[p] for p in phrases if p in by_phrase], [p for p in phrases if p not in by_phrase]


def canonical_header(display: str) -> str:
    """The canonical column name of a display header in any language."""
    for words in CATALOGUES.values():
        for name, shown in words.HEADERS.items():
            if shown == display:
                return name
        bucket = words.bucket_canonical(display)
        if bucket:
            return bucket
    return _former(display)


def _former(display: str) -> str:
    """The canonical name of a header or label an earlier version wrote, else the text itself."""
    for words in CATALOGUES.values():
        if display in getattr(words, "FORMER_HEADERS", {}):
            return words.FORMER_HEADERS[display]
    return display


WORDED_KEYS = ("risk.", "quadrant.", "rfm.", "severity.", "choice.", "comparison.")


def canonical_value(shown: object) -> object:
    """The key of a value shown in words, in any language: a level or quadrant (高 -> High, 战略客户 ->
    Strategic), an RFM segment (重要价值客户 -> Champions), a severity (警告 -> Warning), a choice of About
    (到期日 -> DueDate), a week (第3周 -> W03), yes or no (是 -> True); else the value."""
    if not isinstance(shown, str):
        return shown
    for words in CATALOGUES.values():
        for key, phrase in words.TEXT.items():
            if key.startswith(WORDED_KEYS) and phrase == shown:
                return key.split(".", 1)[1]
        if words.TEXT.get("flag.True") == shown or words.TEXT.get("flag.False") == shown:
            return words.TEXT.get("flag.True") == shown
        week = re.fullmatch(re.escape(words.TEXT["week"]).replace(r"\{n\}", r"(\d+)").replace(r"\{n:02d\}", r"(\d+)"),
                            shown)
        if week:
            return f"W{int(week[1]):02d}"
    return shown


def _named(shown: object, dictionaries) -> str | None:
    """The name whose label is ``shown`` in the ``dictionaries(words)`` of any catalogue, else None."""
    for words in CATALOGUES.values():
        for name, label in dictionaries(words).items():
            if label == shown:
                return name
    return None


def canonical_item(shown: object) -> object:
    """The canonical name of an About item shown in any language (截止日期 -> AsOfDate), else the item."""
    return _named(shown, lambda words: {**words.ABOUT, **words.PARAMETERS}) or shown


def canonical_term(shown: object) -> object:
    """The canonical model parameter or unit of a word shown in any language (对数似然 -> LogLikelihood)."""
    return _named(shown, lambda words: words.MODEL_TERMS) or shown


def canonical_label(label: str) -> str:
    """The canonical KPI or metric name of a displayed label in any language."""
    return _named(label, lambda words: {**words.KPIS, **words.METRICS}) or _former(label)


def headers_markdown() -> str:
    """The documented Chinese names of output columns, sheets, KPIs and metrics (docs/CHINESE_NAMES.md)."""
    lines = ["# Chinese names in zh-CN summaries · 中文名称对照", "",
             "Table names stay canonical (English) in both languages; these are the display names.",
             "Aging buckets follow AgingBuckets: Overdue1_30 -> 逾期1-30天, Overdue90Plus -> 逾期90天以上, "
             "DueIn0_30 -> 30天内到期, DueAfter30 -> 30天后到期, Age0_30 -> 账龄0-30天, Age90Plus -> 账龄90天以上. "
             "Age bands of the bad-debt provision keep the names typed in ProvisionRates.", "",
             "The terms follow Chinese accounting usage: NetProfit is 客户净贡献 (a customer's contribution after "
             "cost-to-serve and the financing cost of its receivables, not the company's after-tax 净利润); "
             "ARTurnover and DSO are 应收账款周转率 and 应收账款周转天数 as in the textbook formula; "
             "PriorAllowance is 期初坏账准备 as in the 坏账准备 movement of the notes; BadDebtCharge is "
             "信用减值损失, the line a provision charge is booked to; the 90+ balance counts days overdue, so it "
             "is 最长逾期区间余额, not 账龄. Summaries written with earlier names (净利润, 应收周转天数, 钱包空间...) "
             "still read back.", ""]
    for title, names in (("Sheets · 工作表", zh_CN.SHEETS), ("Columns · 列", zh_CN.HEADERS),
                         ("KPIs · 关键指标", zh_CN.KPIS), ("Risk metrics · 风险指标", zh_CN.METRICS)):
        lines += [f"## {title}", "", "| English | 中文 |", "|---|---|"]
        lines += [f"| {en_name} | {zh} |" for en_name, zh in names.items()] + [""]
    lines += ["## RFM segments · RFM分群", "",
              "The segments of the R x FM grid (RScore 1-5 by the FM score) take the names of the eight RFM customer "
              "classes (八类客户: 重要/一般 by value, 价值/发展/保持/挽留 by recency and frequency) where they fit: "
              "recent, frequent, big buyers are 重要价值客户; big, frequent buyers whose recency slips are to be kept "
              "(重要保持客户); the biggest buyers gone quiet are to be won back (重要挽留客户); recent middling buyers "
              "to be developed (重要发展客户). Three segments the eight classes do not separate keep plain names: "
              "Hibernating 沉睡客户, New Customers 新客户, No Purchases 无购买客户. Each segment has its own name, so "
              "a summary's segments read back one to one.", "",
              "| English | 中文 | R score, FM score |", "|---|---|---|"]
    grid = {"Champions": "R 5, FM 4-5", "Loyal Customers": "R 3-4, FM 4-5", "Can't Lose Them": "R 1-2, FM 5",
            "Potential Loyalists": "R 4-5, FM 2-3", "Need Attention": "R 3, FM 3", "Promising": "R 4, FM 1",
            "About To Sleep": "R 3, FM 1-2", "At Risk": "R 1-2, FM 3-4", "Hibernating": "R 1-2, FM 1-2",
            "New Customers": "R 5, FM 1", "No Purchases": "no purchase to score"}
    lines += [f"| {segment} | {zh_CN.TEXT['rfm.' + segment]} | {cells} |" for segment, cells in grid.items()] + [""]
    lines += ["## Other words of a Chinese summary · 其他用语", "",
              "DataQuality's severities, its tables by their Chinese names (销售, 发票 ...) and its columns by their "
              "Chinese aliases (单据号 ...); the weeks of the receipts forecast 第1周 ... 第13周 (W01-W13); yes and no "
              "是 / 否 (TRUE / FALSE). About names each parameter as the Parameters table reads it in Chinese and each "
              "choice by the spelling the parameter also takes (到期日, 期初期末, BG/NBD); the results reader takes "
              "either name back. Symbols of the purchase models (r, alpha, a, b, s, beta, p, q, gamma) stay.", "",
              "| English | 中文 |", "|---|---|"]
    lines += [f"| {key.split('.', 1)[1]} | {zh_CN.TEXT[key]} |" for key in zh_CN.TEXT if key.startswith("severity.")]
    lines += [f"| {name} | {shown} |" for name, shown in {**zh_CN.ABOUT, **zh_CN.PARAMETERS}.items()]
    lines += [f"| {name} | {shown} |" for name, shown in zh_CN.MODEL_TERMS.items()] + [""]
    return "\n".join(lines)


def money_text(value: float, currency: str, language: str = "en") -> str:
    """An amount for a sentence, in a unit that suits its size and language."""
    return catalogue(language).money(value, currency)


def sentences(facts: list[tuple[str, dict]], currency: str, language: str = "en") -> list[str]:
    """The management summary in ``language`` from commentary facts. Each
    catalogue sentence gets the figures, a money formatter and a share
    formatter (12.3%); an unknown figure (None) reads as —."""
    words = catalogue(language)
    return [words.SENTENCES[key](figures, lambda v: words.money(v, currency), share) for key, figures in facts]

