"""Where every output table goes, how each column looks, and which columns
are live formulas. Pure description: the XlsxWriter writer (headless build)
and the xlwings macro render the same plan, so the two cannot drift.

What each column is (its kind, formula, total, highlight and width) is the
contract's (kam_xl.contract.outputs); this module places the tables on their
sheets, fills the formulas' slots from the parameters and sizes the columns.
Formulas are rendered with the display headers, so structured references stay
right in a Chinese workbook too. Only functions that Excel 2016+, WPS and
LibreOffice 7.4 all compute are used.
"""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field

import pandas as pd

from kam_xl.analysis import Results
from kam_xl.inputs.params import Params
from kam_xl.contract import (
    COLUMN_KINDS,
    MONEY,
    OUTPUTS,
    TABLES,
    TREND_DIMENSIONS,
    OutputColumn,
    age_bucket_names,
    aging_runs,
    bucket_names,
    output_column,
)
from kam_xl.domain.frames import minor_unit_decimals, round_money
from kam_xl.render.model_page import model_lines
from kam_xl.render.xlsx import TAB_INFO, TAB_OUTPUT
from kam_xl.words import (canonical_header, catalogue, dimension_label, header, kpi_label, metric_label,
                          sheet_title, text, ui)

MONEY_WIDTH = 16

# Printed columns fit one page wide down to this scale; a wider sheet prints at it over more pages,
# its key columns repeated, rather than shrinking to an unreadable size.
MIN_PRINT_SCALE = 65
PRINTABLE_WIDTH = 125   # character widths of a landscape A4 page at 100 %
MIN_WRAPPED_WIDTH = 24   # a wrapped text column is not made narrower than this to fit the page


def text_width(value: object) -> int:
    """Character widths of a text as printed (CJK characters count double; no ASCII character is wide)."""
    if not isinstance(value, str):
        return 0
    if value.isascii():
        return len(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in value)


def fit_page_width(table: TablePlan, budget: float = PRINTABLE_WIDTH * 100 / MIN_PRINT_SCALE) -> None:
    """Columns chosen for the page: a table wider than one page at the smallest print scale first narrows
    its plain text columns to their longest value (never below the header's width), then its wrapped text
    columns (down to MIN_WRAPPED_WIDTH), so that its rows print on one page wide whenever they can."""
    def width() -> float:
        return sum(c.width for c in table.columns)
    if width() <= budget:
        return
    for c in table.columns:
        if c.kind == "text" and not c.wrap and len(c.values):
            longest = max(map(text_width, set(c.values.tolist()))) + 2   # each distinct value once
            c.width = min(c.width, max(longest, _header_width(c.header, table.language)))
    wrapped = [c for c in table.columns if c.wrap and c.width > MIN_WRAPPED_WIDTH]
    over = width() - budget
    room = sum(c.width - MIN_WRAPPED_WIDTH for c in wrapped)
    if over > 0 and room > 0:
        share = min(1.0, over / room)
        for c in wrapped:
            c.width = math.floor(c.width - (c.width - MIN_WRAPPED_WIDTH) * share)


def formula_slots(p: Params, receivables: bool = True, language: str = "en") -> dict[str, str | None]:
    """What the contract's formula slots ({@name}) read in this book. A blank input stays blank (a cell holding
    "" would compute as 0 in a plain subtraction): COGS unknown -> GrossProfit empty; with receivables analysed,
    FinancingCost unknown -> NetProfit empty (without, it counts as 0, as in the core), and so is a BadDebtCharge
    unknown. OverdueShare is live only where the overdue buckets are shown (AgingBasis DueDate). A monthly total
    sums the Trend rows of its month and segment (a dimension's criterion is "<>", any, unless the row is of
    that dimension)."""
    names = bucket_names(p.aging_buckets)
    by_due_date = p.aging_basis == "DueDate"
    bad_debt = receivables and p.provision_in_net_profit
    known = [f"ISNUMBER({{{k}}})" for k in ("GrossProfit", *(["FinancingCost"] if receivables else []),
                                            *(["BadDebtCharge"] if bad_debt else []))]
    return {
        "aging": "+".join(f"{{{n}}}" for n in (names if by_due_date else age_bucket_names(p.aging_buckets))),
        "overdue": "+".join(f"{{{n}}}" for n in names[1:]) if by_due_date else None,
        "net_known": f"AND({','.join(known)})" if len(known) > 1 else known[0],
        "bad_debt": "-{BadDebtCharge}" if bad_debt else "",
        "trend_rows": "{Trend:Month},{Month}," + ",".join(
            f'{{Trend:{d}}},IF({{Dimension}}="{dimension_label(d, language)}",{{Segment}},"<>")'
            for d in TREND_DIMENSIONS),
    }


def _formulas(p: Params, receivables: bool = True, language: str = "en") -> dict[str, dict[str, str]]:
    """The live formula of each derived column (OutputColumn.formula), its slots filled for this book; a
    formula whose slot has no value here is left out (the column holds values)."""
    slots = formula_slots(p, receivables, language)
    formulas: dict[str, dict[str, str]] = {}
    for table in OUTPUTS.values():
        for column in table.columns:
            needed = re.findall(r"\{@(\w+)\}", column.formula or "")
            if column.formula and all(slots[s] is not None for s in needed):
                formulas.setdefault(table.name, {})[column.name] = re.sub(
                    r"\{@(\w+)\}", lambda m: slots[m.group(1)], column.formula)
    return formulas


# Above this many customer-months the monthly totals are values: thousands of SUMIFS over as many rows
# would make every recalculation slow.
LIVE_TREND_ROWS = 20_000


def sumifs_alike(values: pd.Series) -> bool:
    """Whether SUMIFS would pick the rows of each value as pandas groups
    them: it ignores case and reads * ? ~ as wildcards, so two values that
    differ only in case, or one holding a wildcard, keep the totals as values."""
    texts = pd.Series(values.dropna().astype(str).unique())
    return not texts.str.contains(r"[*?~]").any() and texts.str.casefold().nunique() == len(texts)


DEFINED_NAMES = {"PeriodDays": ("About", "PeriodDays")}


@dataclass
class ColumnPlan:
    name: str
    header: str
    kind: str
    values: pd.Series
    formula: str | None = None
    width: float = 12.0
    wrap: bool = False   # long text (actions, feedback, messages) wraps instead of being cut off


@dataclass
class TablePlan:
    name: str
    row: int            # 0-based row of the header
    col: int            # 0-based column of the first column
    columns: list[ColumnPlan]
    row_kinds: list[str] | None = None   # per-row kind for measure tables (KPIs, RiskSummary)
    language: str = "en"
    totals: dict[str, tuple[str, float]] = field(default_factory=dict)  # column -> (formula, value)
    totals_label: str = "Total"
    highlight: list[dict] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return len(self.columns[0].values) if self.columns else 0

    def column(self, name: str) -> ColumnPlan:
        return next(c for c in self.columns if c.name == name)

    def position(self, name: str) -> int:
        return self.col + next(i for i, c in enumerate(self.columns) if c.name == name)

    def render(self, template: str) -> str:
        """A formula template as Excel formula text (with the leading '=')."""
        def replace(match: re.Match) -> str:
            token = match.group(1)
            if token in DEFINED_NAMES:
                return token
            if token.startswith("col:"):
                return f"{self.name}[{_escape(self.column(token[4:]).header)}]"
            if ":" in token:   # another table's column: {Trend:NetRevenue}
                table, column = token.split(":")
                return f"{table}[{_escape(header(column, self.language))}]"
            return f"{self.name}[[#This Row],[{_escape(self.column(token).header)}]]"
        return "=" + re.sub(r"\{([^{}]+)\}", replace, template)


@dataclass
class SheetPlan:
    name: str
    title: str
    subtitle: str
    tables: list[TablePlan]
    tab_color: str = TAB_OUTPUT
    notes: list[str] = field(default_factory=list)   # warnings (red), from row 4
    lines: list[str] = field(default_factory=list)   # explanatory text, after the notes; tables below
    freeze: tuple[int, int] = (3, 1)
    printed: int | None = None   # only the first tables print (the rest is detail to filter on screen)


def _escape(name: str) -> str:
    """Structured-reference escaping of special characters in a header."""
    return re.sub(r"([\[\]#'])", r"'\1", name)


def _column(spec: OutputColumn | None, name: str, values: pd.Series, language: str,
            formula: str | None) -> ColumnPlan:
    """A column as its spec reads (a column the contract does not name: text or a plain number by its values)."""
    textual = values.dtype == object or pd.api.types.is_string_dtype(values.dtype)   # pandas 3 keeps text as str
    kind = spec.kind if spec is not None and spec.kind else "text" if textual else "number"
    if values.dtype == bool:
        kind = "bool"
    display = header(name, language)
    if kind == "text":
        width = spec.width if spec is not None and spec.width else 16
    else:
        width = {"money": MONEY_WIDTH, "date": 13, "pct": 11, "bool": 12}.get(kind, 11)
    width = max(width, _header_width(display, language))
    return ColumnPlan(name, display, kind, values.reset_index(drop=True), formula, width,
                      wrap=kind == "text" and spec is not None and spec.wrap)


def _header_width(display: str, language: str) -> float:
    """The width a column needs for its header on one line (headers longer than 38 wrap)."""
    return min(len(display) * catalogue(language).CHAR_WIDTH + 2, 40)


def _specs(name: str, columns, runs: dict[str, list[str]] | None) -> dict[str, OutputColumn]:
    """The contract's columns of table ``name`` as written with ``columns`` (parameter-named runs from ``runs``);
    a column it does not list reads as the contract reads that name elsewhere (the pack's extracts)."""
    listed = {c.name: c for c in OUTPUTS[name].expand(runs, optional=columns)} if name in OUTPUTS else {}
    return {c: listed.get(c) or output_column(c) for c in columns}


def table_plan(name: str, frame: pd.DataFrame, row: int, col: int, language: str,
               formulas: dict[str, str] | None = None, runs: dict[str, list[str]] | None = None) -> TablePlan:
    formulas = formulas or {}
    specs = _specs(name, list(frame.columns), runs)
    columns = [_column(specs[c], c, frame[c], language, formulas.get(c)) for c in frame.columns]
    return TablePlan(name, row, col, columns, language=language)


HEADER_ROW = 2  # row 1 title, row 2 totals/subtitle, row 3 header
SIDE_TABLE_GAP = 4   # rows from a table's last row to the next table's header: two blank, one totals line
CHART_ROWS = {"ExpectedReceipts": 18}   # a chart drawn under the table (300 px) before the next table
KPI_ANCHOR = (3, 17)  # the KPIs table on the Dashboard, right of the printed page (columns A..P)


def plan(results: Results, language: str | None = None) -> list[SheetPlan]:
    """The sheets of the summary workbook (Dashboard first, then the tables): a sheet whose first table was
    not computed says which input table it needs, or is left out (Trend, Controls)."""
    language = language or results.params.language
    t = results.tables
    formulas = _formulas(results.params, "Receivables" in t, language)
    if "Trend" in t and not (len(t["Trend"]) <= LIVE_TREND_ROWS
                             and all(sumifs_alike(t["Trend"][d]) for d in TREND_DIMENSIONS)):
        del formulas["TrendSummary"]
    subtitle = _subtitle(results, language)
    runs = _runs(results)

    def sheet(name: str, tables: list[str], missing: str | None = None, **kwargs) -> SheetPlan | None:
        if tables[0] not in t:
            return _skipped(name, missing, language, subtitle) if missing else None
        frames = [(n, _labelled(n, t[n], language)) for n in tables if n in t]
        return _stacked(name, frames, language, subtitle, formulas, runs, **kwargs)

    sheets = [
        sheet("Classification", ["Classification", "Segments"], freeze=(3, 2)),
        sheet("Profitability", ["Profitability", "WhaleCurve"], freeze=(3, 2)),
        sheet("Trend", ["TrendSummary", "Trend"], freeze=(3, 3), printed=1),
        sheet("Attainment", ["Attainment"], "Targets", freeze=(3, 3)),
        sheet("ActionReview", ["ActionReview"], freeze=(3, 2)) or SheetPlan(
            "ActionReview", sheet_title("ActionReview", language), subtitle, [],
            notes=[ui("review.refused" if results.dq.has("PreviousSummary") else "review.none", language)]),
        sheet("Receivables", ["Receivables", "ExpectedReceipts", "ReceivablesByCurrency"], "Invoices",
              freeze=(3, 2)),
        sheet("Collections", ["OpenItems"], "Invoices", freeze=(3, 2)),
        sheet("Provision", ["Provision", "ProvisionBands"], "Invoices"),
        sheet("Relationship", ["Relationship"], "Contacts"),
        sheet("Potential", ["Potential", "ModelParameters"]),
        _model_sheet(results, language, subtitle),
        sheet("Strategy", ["Strategy"], freeze=(3, 2)),
        sheet("Risk", ["RiskSummary", "Groups"], freeze=(3, 2)),   # ParentID and GroupName repeat on Groups' pages
        sheet("DataQuality", ["DataQuality"], tab_color=TAB_INFO, freeze=(3, 0)),
        sheet("Controls", ["Controls"], tab_color=TAB_INFO, freeze=(3, 1)),
        sheet("About", ["About"], tab_color=TAB_INFO, freeze=(3, 0)),
    ]
    sheets = [s for s in sheets if s is not None]
    for s in sheets:
        for table in s.tables:
            _decorate(table, results, language, runs)
            fit_page_width(table)
    return sheets


def _subtitle(results: Results, language: str) -> str:
    """The period, AsOfDate and currency under each sheet's title; a split workbook also says whose it is."""
    p = results.params
    subtitle = ui("subtitle", language, period=p.span, as_of=p.as_of_date.date(), currency=p.reporting_currency)
    return f"{subtitle} · {results.audience}" if results.audience else subtitle


def _runs(results: Results) -> dict[str, list[str]]:
    """The columns the parameters name (OutputColumn.named_by): the aging buckets and the provision's age bands."""
    p = results.params
    policy = results.figures.provision_policy if results.figures is not None else None
    return {**aging_runs(p.aging_buckets, p.aging_basis), "AgeBands": [] if policy is None else list(policy["Band"])}


def _stacked(name: str, tables: list[tuple[str, pd.DataFrame]], language: str, subtitle: str,
             formulas: dict[str, dict[str, str]], runs: dict[str, list[str]], **kwargs) -> SheetPlan:
    """The first table at the top; each further table below the one before it (from column A), so that
    on paper the key columns repeated at the left of every page are those of the table printed beside them."""
    plans, row = [], HEADER_ROW
    for table, frame in tables:
        plans.append(table_plan(table, frame, row, 0, language, formulas.get(table), runs))
        row += max(len(frame), 1) + SIDE_TABLE_GAP + CHART_ROWS.get(table, 0)
    return SheetPlan(name, sheet_title(name, language), subtitle, plans, **kwargs)


def _model_sheet(results: Results, language: str, subtitle: str) -> SheetPlan:
    """The purchase model in words (rows 4 on), ModelFit under them, then
    ModelCheck and RepeatDistribution side by side (the charts go under them)."""
    lines = model_lines(results, language)
    t = results.tables
    row, tables = 3 + len(lines) + 1, []
    if "ModelFit" in t:
        tables.append(table_plan("ModelFit", t["ModelFit"], row, 0, language))
        row += len(t["ModelFit"]) + 3
    col = 0
    for name in ("ModelCheck", "RepeatDistribution"):
        if name in t:
            tables.append(table_plan(name, t[name], row, col, language))
            col += len(t[name].columns) + 1
    return SheetPlan("Model", sheet_title("Model", language), subtitle, tables, lines=lines, freeze=(0, 0))


def controls_line(results: Results, language: str) -> tuple[str, bool]:
    """The Dashboard's one line on the Controls (both writers: XlsxWriter and the refresh macro): all tie, how
    many break, or how many could not be checked; and whether all tie."""
    shown = results.tables["Controls"]["Status"]
    n = len(shown)
    breaks = int((shown == text("control_status.Break", language)).sum())
    unchecked = int((shown == text("control_status.NotChecked", language)).sum())
    if breaks:
        return ui("dashboard.controls_break", language, breaks=breaks, n=n), False
    if unchecked:
        return ui("dashboard.controls_unchecked", language, ok=n - unchecked, unchecked=unchecked, n=n), False
    return ui("dashboard.controls_tie", language, n=n), True


def kpi_plan(results: Results, language: str, row: int, col: int) -> TablePlan:
    table = table_plan("KPIs", _labelled("KPIs", results.tables["KPIs"], language), row, col, language,
                       _formulas(results.params)["KPIs"])
    table.row_kinds = _row_kinds("KPIs", results)
    return table


# Tables of measures (OutputTable.measures): each measure's name in the workbook's language.
MEASURE_LABELS = {"KPIs": kpi_label, "RiskSummary": metric_label}


def _labelled(name: str, frame: pd.DataFrame, language: str) -> pd.DataFrame:
    """A table of measures with the measure names in the workbook's language; any other table as it is."""
    if name not in MEASURE_LABELS:
        return frame
    column = next(c.name for c in OUTPUTS[name].columns if c.holds == "measure")
    return frame.assign(**{column: frame[column].map(lambda k: MEASURE_LABELS[name](k, language))})


def _skipped(name: str, missing: str, language: str, subtitle: str) -> SheetPlan:
    note = ui("skipped", language, missing=missing, missing_name=TABLES[missing].zh)
    return SheetPlan(name, sheet_title(name, language), subtitle, [], notes=[note])


def _row_kinds(name: str, results: Results) -> list[str] | None:
    """How each row's figures read where a table's rows are different measures: KPIs and RiskSummary by
    measure; ActionReview's Before and Now as the column the row reviews (a share as %, money...);
    Controls' money in the currency and lines as whole numbers. None for the other tables."""
    p, frame, spec = results.params, results.tables[name], OUTPUTS.get(name)
    if spec is not None and spec.measures:
        return [spec.measures[m] for m in frame[next(c.name for c in spec.columns if c.holds == "measure")]]
    if spec is not None and any(c.holds == "column" for c in spec.columns):
        kinds = {**COLUMN_KINDS, **dict.fromkeys(bucket_names(p.aging_buckets), MONEY)}
        held = frame[next(c.name for c in spec.columns if c.holds == "column")]
        return [kinds.get(canonical_header(m) if isinstance(m, str) else None, "number") for m in held]
    if name == "Controls":
        return ["money" if unit == p.reporting_currency else "int" for unit in frame["Unit"]]
    return None


def _decorate(table: TablePlan, results: Results, language: str, runs: dict[str, list[str]]) -> None:
    """The row kinds, the totals above the header and the conditional highlights of each table, as the
    contract's columns say."""
    specs = _specs(table.name, [c.name for c in table.columns], runs)
    row_kinds = _row_kinds(table.name, results)
    if row_kinds is not None:
        table.row_kinds = row_kinds
    if table.name in OUTPUTS and any(c.total for c in OUTPUTS[table.name].columns):
        table.totals_label = ui("totals", language)
    decimals = minor_unit_decimals(results.params.reporting_currency)
    for column in table.columns:
        spec = specs[column.name]
        if spec is not None and spec.total:
            # Blank when any shown row is blank: a sum of the known rows would pass for the whole.
            name, values = column.name, column.values.to_numpy(dtype=float)
            table.totals[name] = (f'IF(SUBTOTAL(102,{{col:{name}}})=SUBTOTAL(103,{{col:CustomerID}}),'
                                  f'SUBTOTAL(109,{{col:{name}}}),"")', float(round_money(values.sum(), decimals)))
        if spec is not None and spec.highlight:
            table.highlight.append({"column": column.name, "rule": spec.highlight})
