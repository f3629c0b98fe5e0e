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


def header(name: str, language: str = "en") -> str:
    """Display header of an output column in ``language``."""
    words = catalogue(language)
    return words.HEADERS.get(name) or words.bucket_header(name)


def sheet_title(name: str, language: str = "en") -> str:
    return catalogue(language).SHEETS.get(name, name)


def table_label(name: str, language: str = "en") -> str:
    """An input table's name as the user's language calls it (Sales, 销售)."""
    return catalogue(language).TABLE_NAMES.get(name, name)


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
    that is itself a word key (prefixed ``~``) is translated too."""
    words = {k: word(v[1:], language) if isinstance(v, str) and v.startswith("~") else v for k, v in values.items()}
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


def canonical_value(shown: object) -> object:
    """The key of a level or quadrant shown in words (高 -> High, 战略客户 -> Strategic), else the value."""
    for words in CATALOGUES.values():
        for key, phrase in words.TEXT.items():
            if key.startswith(("risk.", "quadrant.")) and phrase == shown:
                return key.split(".", 1)[1]
    return shown


def canonical_label(label: str) -> str:
    """The canonical KPI or metric name of a displayed label in any language."""
    for words in CATALOGUES.values():
        for name, shown in {**words.KPIS, **words.METRICS}.items():
            if shown == label:
                return name
    return _former(label)


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

