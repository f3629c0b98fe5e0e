"""Where every output table goes, how each column looks, and which columns
are live formulas. Pure description: the XlsxWriter writer (headless build)
and the xlwings macro render the same plan, so the two cannot drift.

Formula templates name canonical columns: ``{GrossProfit}`` is this row's
cell of that column, ``{col:NetRevenue}`` the whole column, ``{PeriodDays}``
a defined name. They are rendered with the display headers, so structured
references stay right in a Chinese workbook too. Only functions that Excel
2016+, WPS and LibreOffice 7.4 all compute are used.
"""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field

import pandas as pd

from kam_xl.analysis import Results
from kam_xl.inputs.params import Params
from kam_xl.contract import COLUMN_KINDS, KPI_KINDS, METRIC_KINDS, TABLES, age_bucket_names, bucket_names, shown_buckets
from kam_xl.domain.frames import minor_unit_decimals, round_money
from kam_xl.render.model_page import model_lines
from kam_xl.render.xlsx import TAB_INFO, TAB_OUTPUT
from kam_xl.domain.trend import DIMENSIONS, TREND_MONEY
from kam_xl.words import (canonical_header, catalogue, dimension_label, header, kpi_label, metric_label,
                          sheet_title, text, ui)

# Text that wraps in its column (on screen and on paper) rather than running on or being cut off.
WRAPPED = {"RecommendedStrategy", "Actions", "PreviousActions", "LatestFeedback", "Message", "NextStep", "Note",
           "Control"}
TEXT_WIDTHS = {"CustomerName": 30, "RecommendedStrategy": 48, "Actions": 60, "PreviousActions": 50,
               "LatestFeedback": 34, "Message": 70, "Location": 28, "Value": 24, "Commentary": 120, "Segment": 20, "Item": 22, "Metric": 30,
               "KPI": 24, "Name": 30, "Period": 24,   # Attainment's customer or manager, "2026-01-01 – 2026-10-31"
               "Control": 36, "Note": 60, "GroupName": 30}

MONEY_WIDTH = 16

# Printed columns fit one page wide down to this scale; a wider sheet prints at it over more pages,
# its key columns repeated, rather than shrinking to an unreadable size.
MIN_PRINT_SCALE = 65
PRINTABLE_WIDTH = 125   # character widths of a landscape A4 page at 100 %
MIN_WRAPPED_WIDTH = 24   # a wrapped text column is not made narrower than this to fit the page


def text_width(value: object) -> int:
    """Character widths of a text as printed (CJK characters count double)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in value) if isinstance(value, str) else 0


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
            longest = max(text_width(v) for v in c.values.tolist()) + 2
            c.width = min(c.width, max(longest, _header_width(c.header, table.language)))
    wrapped = [c for c in table.columns if c.wrap and c.width > MIN_WRAPPED_WIDTH]
    over = width() - budget
    room = sum(c.width - MIN_WRAPPED_WIDTH for c in wrapped)
    if over > 0 and room > 0:
        share = min(1.0, over / room)
        for c in wrapped:
            c.width = math.floor(c.width - (c.width - MIN_WRAPPED_WIDTH) * share)


def _formulas(p: Params, receivables: bool = True) -> dict[str, dict[str, str]]:
    """Live formulas of derived columns. A blank input stays blank (a cell
    holding "" would compute as 0 in a plain subtraction): COGS unknown ->
    GrossProfit empty; with receivables analysed, FinancingCost unknown ->
    NetProfit empty (without, it counts as 0, as in the core), and so is a
    BadDebtCharge unknown. OverdueShare is live only where the overdue
    buckets are shown (AgingBasis DueDate)."""
    names = bucket_names(p.aging_buckets)
    by_due_date = p.aging_basis == "DueDate"
    shown = names if by_due_date else age_bucket_names(p.aging_buckets)
    all_buckets = "+".join(f"{{{n}}}" for n in shown)
    overdue = "+".join(f"{{{n}}}" for n in names[1:])
    known = ["{GrossProfit}", *(["{FinancingCost}"] if receivables else []),
             *(["{BadDebtCharge}"] if receivables and p.provision_in_net_profit else [])]
    net_known = f"AND({','.join(f'ISNUMBER({k})' for k in known)})" if len(known) > 1 else "ISNUMBER({GrossProfit})"
    bad_debt = "-{BadDebtCharge}" if receivables and p.provision_in_net_profit else ""
    receivables_formulas = {
        "OpenBalance": all_buckets,
        **({"OverdueShare": f'IF({{OpenBalance}}>0,({overdue})/{{OpenBalance}},"")'} if by_due_date else {}),
        "ARTurnover": 'IF({AverageAR}>0,{CreditSales}/{AverageAR},"")',
        "DSO": 'IF(ISNUMBER({ARTurnover}),IF({ARTurnover}>0,{PeriodDays}/{ARTurnover},""),"")',
    }
    return {
        "Profitability": {
            "GrossProfit": 'IF(ISNUMBER({COGS}),{NetRevenue}-{COGS},"")',
            "GrossMarginPct": 'IF(AND(ISNUMBER({GrossProfit}),{NetRevenue}>0),{GrossProfit}/{NetRevenue},"")',
            "NetProfit": f'IF({net_known},{{GrossProfit}}-{{CostToServe}}-{{FinancingCost}}{bad_debt},"")',
            "NetMarginPct": 'IF(AND(ISNUMBER({NetProfit}),{NetRevenue}>0),{NetProfit}/{NetRevenue},"")',
        },
        "Receivables": receivables_formulas,
        "Segments": {
            "RevenueShare": 'IF(SUMIFS({col:NetRevenue},{col:Dimension},{Dimension})>0,'
                            '{NetRevenue}/SUMIFS({col:NetRevenue},{col:Dimension},{Dimension}),"")',
            "GrossMarginPct": 'IF(AND(ISNUMBER({GrossProfit}),{NetRevenue}>0),{GrossProfit}/{NetRevenue},"")',
        },
        "KPIs": {"Change": 'IF(AND(ISNUMBER({ThisPeriod}),ISNUMBER({PriorPeriod})),{ThisPeriod}-{PriorPeriod},"")',
                 "YoYChange": 'IF(AND(ISNUMBER({ThisPeriod}),ISNUMBER({LastYear})),{ThisPeriod}-{LastYear},"")'},
    }


# Above this many customer-months the monthly totals are values: thousands of SUMIFS over as many rows
# would make every recalculation slow.
LIVE_TREND_ROWS = 20_000


def sumifs_alike(values: pd.Series) -> bool:
    """Whether SUMIFS would pick the rows of each value as pandas groups
    them: it ignores case and reads * ? ~ as wildcards, so two values that
    differ only in case, or one holding a wildcard, keep the totals as values."""
    texts = pd.Series(values.dropna().astype(str).unique())
    return not texts.str.contains(r"[*?~]").any() and texts.str.casefold().nunique() == len(texts)


def _trend_formulas(language: str) -> dict[str, str]:
    """The monthly totals as SUMIFS over the Trend table: the month's rows of
    the row's segment (a dimension's criterion is "<>", any, unless the row is
    of that dimension); empty when any of those rows is."""
    rows = "{Trend:Month},{Month}," + ",".join(
        f'{{Trend:{d}}},IF({{Dimension}}="{dimension_label(d, language)}",{{Segment}},"<>")' for d in DIMENSIONS)
    sums = {m: f'IF(COUNTIFS({rows})=COUNTIFS({rows},{{Trend:{m}}},"<>"),SUMIFS({{Trend:{m}}},{rows}),"")'
            for m in TREND_MONEY}
    return {**sums,
            "GrossMarginPct": 'IF(AND(ISNUMBER({GrossProfit}),N({NetRevenue})>0),{GrossProfit}/{NetRevenue},"")',
            "DSO": 'IF(AND(ISNUMBER({AverageAR}),N({CreditSales})>0),{Days}*{AverageAR}/{CreditSales},"")'}


# Totals shown in the row above a table's header: SUBTOTAL sums, so they follow filters.
TOTAL_COLUMNS = {
    "Profitability": ["NetRevenue", "COGS", "GrossProfit", "CostToServe", "FinancingCost", "BadDebtCharge",
                      "NetProfit"],
    "Receivables": None,  # every money column, set from the buckets
    "Provision": None,    # every money column, with one per age band
}
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


def _column(name: str, values: pd.Series, language: str, formula: str | None) -> ColumnPlan:
    textual = values.dtype == object or pd.api.types.is_string_dtype(values.dtype)   # pandas 3 keeps text as str
    kind = COLUMN_KINDS.get(name, "text" if textual else "number")
    if values.dtype == bool:
        kind = "bool"
    display = header(name, language)
    if kind == "text":
        width = TEXT_WIDTHS.get(name, 16)
    else:
        width = {"money": MONEY_WIDTH, "date": 13, "pct": 11, "bool": 12}.get(kind, 11)
    width = max(width, _header_width(display, language))
    return ColumnPlan(name, display, kind, values.reset_index(drop=True), formula, width,
                      wrap=kind == "text" and name in WRAPPED)


def _header_width(display: str, language: str) -> float:
    """The width a column needs for its header on one line (headers longer than 38 wrap)."""
    return min(len(display) * catalogue(language).CHAR_WIDTH + 2, 40)


def table_plan(name: str, frame: pd.DataFrame, row: int, col: int, language: str,
               formulas: dict[str, str] | None = None) -> TablePlan:
    formulas = formulas or {}
    columns = [_column(c, frame[c], language, formulas.get(c)) for c in frame.columns]
    return TablePlan(name, row, col, columns, language=language)


HEADER_ROW = 2  # row 1 title, row 2 totals/subtitle, row 3 header
SIDE_TABLE_GAP = 4   # rows from a table's last row to the next table's header: two blank, one totals line
CHART_ROWS = {"ExpectedReceipts": 18}   # a chart drawn under the table (300 px) before the next table
KPI_ANCHOR = (3, 17)  # the KPIs table on the Dashboard, right of the printed page (columns A..P)


def plan(results: Results, language: str | None = None) -> list[SheetPlan]:
    """The sheets of the summary workbook (Dashboard first, then the tables)."""
    language = language or results.params.language
    p = results.params
    formulas = _formulas(p, "Receivables" in results.tables)
    subtitle = ui("subtitle", language, period=p.span, as_of=p.as_of_date.date(), currency=p.reporting_currency)
    if results.audience:   # a split workbook says whose it is
        subtitle += f" · {results.audience}"

    def sheet(name: str, tables: list[tuple[str, pd.DataFrame]], row: int = HEADER_ROW, **kwargs) -> SheetPlan:
        """The first table at the top; each further table below the one before it (from column A), so that
        on paper the key columns repeated at the left of every page are those of the table printed beside them."""
        plans = []
        for table, frame in tables:
            t = table_plan(table, frame, row, 0, language, formulas.get(table))
            plans.append(t)
            row += max(len(frame), 1) + SIDE_TABLE_GAP + CHART_ROWS.get(table, 0)
        return SheetPlan(name, sheet_title(name, language), subtitle, plans, **kwargs)

    t = results.tables
    sheets = [
        sheet("Classification", [("Classification", t["Classification"]), ("Segments", t["Segments"])], freeze=(3, 2)),
        sheet("Profitability", [("Profitability", t["Profitability"]), ("WhaleCurve", t["WhaleCurve"])],
              freeze=(3, 2)),
    ]
    if "Trend" in t:
        if len(t["Trend"]) <= LIVE_TREND_ROWS and all(sumifs_alike(t["Trend"][d]) for d in DIMENSIONS):
            formulas["TrendSummary"] = _trend_formulas(language)
        sheets.append(sheet("Trend", [("TrendSummary", t["TrendSummary"]), ("Trend", t["Trend"])], freeze=(3, 3),
                            printed=1))
    if "Attainment" in t:
        sheets.append(sheet("Attainment", [("Attainment", t["Attainment"])], freeze=(3, 3)))
    else:
        sheets.append(_skipped("Attainment", "Targets", language, subtitle))
    if "ActionReview" in t:
        sheets.append(sheet("ActionReview", [("ActionReview", t["ActionReview"])], freeze=(3, 2)))
    else:
        sheets.append(SheetPlan("ActionReview", sheet_title("ActionReview", language), subtitle, [],
                                notes=[ui("review.refused" if results.dq.has("PreviousSummary") else "review.none",
                                          language)]))
    if "Receivables" in t:
        sheets.append(sheet("Receivables", [("Receivables", t["Receivables"]),
                                            *[(name, t[name]) for name in ("ExpectedReceipts", "ReceivablesByCurrency")
                                              if name in t]], freeze=(3, 2)))
    else:
        sheets.append(_skipped("Receivables", "Invoices", language, subtitle))
    if "OpenItems" in t:
        sheets.append(sheet("Collections", [("OpenItems", t["OpenItems"])], freeze=(3, 2)))
    else:
        sheets.append(_skipped("Collections", "Invoices", language, subtitle))
    if "Provision" in t:
        sheets.append(sheet("Provision", [("Provision", t["Provision"]), ("ProvisionBands", t["ProvisionBands"])]))
    else:
        sheets.append(_skipped("Provision", "Invoices", language, subtitle))
    if "Relationship" in t:
        sheets.append(sheet("Relationship", [("Relationship", t["Relationship"])]))
    else:
        sheets.append(_skipped("Relationship", "Contacts", language, subtitle))
    sheets += [
        sheet("Potential", [("Potential", t["Potential"]), ("ModelParameters", t["ModelParameters"])]),
        _model_sheet(results, language, subtitle),
        sheet("Strategy", [("Strategy", t["Strategy"])], freeze=(3, 2)),
        sheet("Risk", [("RiskSummary", _labelled(t["RiskSummary"], "Metric", metric_label, language)),
                       *([("Groups", t["Groups"])] if "Groups" in t else [])], freeze=(3, 2)),   # ParentID and GroupName repeat on Groups' pages
        sheet("DataQuality", [("DataQuality", t["DataQuality"])], tab_color=TAB_INFO, freeze=(3, 0)),
        *([sheet("Controls", [("Controls", t["Controls"])], tab_color=TAB_INFO, freeze=(3, 1))]
          if "Controls" in t else []),
        sheet("About", [("About", results.tables["About"])], tab_color=TAB_INFO, freeze=(3, 0)),
    ]
    for s in sheets:
        for table in s.tables:
            _decorate(table, results, language)
            fit_page_width(table)
    return sheets


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
    frame = _labelled(results.tables["KPIs"], "KPI", kpi_label, language)
    table = table_plan("KPIs", frame, row, col, language, _formulas(results.params)["KPIs"])
    table.row_kinds = [KPI_KINDS[k] for k in results.tables["KPIs"]["KPI"]]
    return table


def _labelled(frame: pd.DataFrame, column: str, label, language: str) -> pd.DataFrame:
    """Measure tables (KPIs, RiskSummary): the measure names in the workbook's language."""
    return frame.assign(**{column: frame[column].map(lambda k: label(k, language))})


def _skipped(name: str, missing: str, language: str, subtitle: str) -> SheetPlan:
    note = ui("skipped", language, missing=missing, missing_name=TABLES[missing].zh)
    return SheetPlan(name, sheet_title(name, language), subtitle, [], notes=[note])


def _money_columns(table: TablePlan) -> list[str]:
    return [c.name for c in table.columns if c.kind == "money"]


def _decorate(table: TablePlan, results: Results, language: str) -> None:
    """Totals above the header and the conditional highlights of each table."""
    p = results.params
    names = bucket_names(p.aging_buckets)
    shown = shown_buckets(p.aging_buckets, p.aging_basis)
    band_money = {"Receivables": shown, "Provision": list(results.figures.provision_policy["Band"])
                  if results.figures is not None and results.figures.provision_policy is not None else []}
    for column in table.columns:   # aging buckets and age bands: named by parameters, money all the same
        if column.name in band_money.get(table.name, []):
            column.kind, column.width = "money", max(column.width, MONEY_WIDTH)
    if table.name == "RiskSummary":
        table.row_kinds = [METRIC_KINDS[m] for m in results.tables["RiskSummary"]["Metric"]]
    if table.name == "ActionReview":   # Before and Now as the measure of each row reads: a share as %, money...
        table.row_kinds = ["money" if m in names else COLUMN_KINDS.get(m, "number")
                           for m in results.tables["ActionReview"]["Metric"].map(
                               lambda m: canonical_header(m) if isinstance(m, str) else None)]
    if table.name == "Controls":   # money in the currency, lines as whole numbers
        table.row_kinds = ["money" if unit == p.reporting_currency else "int"
                           for unit in results.tables["Controls"]["Unit"]]
    if table.name in TOTAL_COLUMNS:
        present = {c.name for c in table.columns}
        wanted = [c for c in TOTAL_COLUMNS[table.name] or _money_columns(table) if c in present]
        table.totals_label = ui("totals", language)
        for name in wanted:
            # Blank when any shown row is blank: a sum of the known rows would pass for the whole.
            values = table.column(name).values.to_numpy(dtype=float)
            table.totals[name] = (f'IF(SUBTOTAL(102,{{col:{name}}})=SUBTOTAL(103,{{col:CustomerID}}),'
                                  f'SUBTOTAL(109,{{col:{name}}}),"")',
                                  float(round_money(values.sum(), minor_unit_decimals(results.params.reporting_currency))))
    rules = {
        "Classification": [("ABCTier", "tier")],
        "Profitability": [("GrossProfit", "negative"), ("NetProfit", "negative"), ("NetMarginPct", "negative")],
        "Receivables": [*[(n, "heat") for n in (names[1:] if p.aging_basis == "DueDate" else shown[1:])],
                        ("CreditRisk", "risk"), ("CreditUtilization", "over_one")],
        "Relationship": [("DaysSinceContact", "overdue_contact")],
        "Potential": [("PotentialScore", "bar"), ("PAlive", "low_alive")],
        "Strategy": [("PortfolioQuadrant", "quadrant")],
        "DataQuality": [("Severity", "severity")],
        "Controls": [("Status", "status")],
        "OpenItems": [("DaysOverdue", "heat")],
        "Attainment": [("Variance", "negative")],
    }.get(table.name, [])
    table.highlight = [{"column": c, "rule": r} for c, r in rules if any(col.name == c for col in table.columns)]
