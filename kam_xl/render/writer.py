"""Write the summary workbook with XlsxWriter: every output table as an Excel
Table, derived columns as live formulas *with* cached values, a Dashboard
with KPI tiles, commentary and native charts, DataQuality and About.

The writer only renders :func:`kam_xl.render.layout.plan`; it computes no metric.
"""
from __future__ import annotations

import io
import math
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from kam_xl.analysis import Results
from kam_xl.domain.potential import MODEL_NAMES
from kam_xl.contract import ATTAINMENT_KPIS, KPI_KINDS, RATIO_KPIS, age_bucket_names, bucket_names
from kam_xl.inputs.safe_io import atomic_output
from kam_xl.render import columnar
from kam_xl.render.layout import (
    KPI_ANCHOR,
    MIN_PRINT_SCALE,
    PRINTABLE_WIDTH,
    SheetPlan,
    TablePlan,
    controls_line,
    kpi_plan,
    plan,
    sumifs_alike,
    text_width,
)
from kam_xl.render.xlsx import (
    CALC_FILL,
    TAB_INFO,
    TAB_OUTPUT,
    VBA_PART,
    Formats,
    add_sheet,
    cell,
    is_missing,
    new_workbook,
)
from kam_xl.words import (
    canonical_item,
    catalogue,
    chart_label,
    dimension_label,
    header,
    sheet_title,
    text,
    tile_label,
    ui,
)

TABLE_STYLE = "Table Style Light 9"
DASHBOARD_WIDTH = 16          # columns A..P make the printed page
TILE_KPIS = ["NetRevenue", "GrossMarginPct", "NetProfit", "NetMarginPct", "ClosingAR", "DSO", "OverdueShare",
             "Top5Share"]
# KPIs where a rise is bad news (their arrows are coloured the other way).
RISE_IS_BAD = {"ClosingAR", "DSO", "OverdueShare", "Top5Share", "LossMakingCustomers"}
PARETO_POINTS = 100
DASHBOARD_CHARTS = 9   # three rows of three; a chart without data is left out
RISK_LEVELS = ("High", "Medium", "Low")
QUADRANT_COLOURS = {"Strategic": "#2E7D32", "Develop": "#1565C0", "Maintain": "#F9A825", "Streamline": "#9E9E9E"}


def write_workbook(results: Results, path: str | Path, language: str | None = None,
                   vba_from: str | Path | None = None, protect: bool = False, scratch: bool = False) -> Path:
    """Write the summary to ``path`` atomically (an existing file is replaced
    only when the new one is complete). ``.xlsm`` needs ``vba_from``: a macro
    workbook whose VBA project is copied byte for byte. ``scratch``: the parts
    stored uncompressed, for a workbook only read back (refresh's splice)."""
    path = Path(path)
    language = language or results.params.language
    vba = _vba_project(vba_from) if path.suffix.lower() == ".xlsm" else None
    if path.suffix.lower() == ".xlsm" and vba is None:
        raise ValueError("an .xlsm summary needs an .xlsm input whose macros it keeps")
    with atomic_output(path) as temp:
        book = new_workbook(temp, stored=scratch)
        if vba is not None:
            book.add_vba_project(io.BytesIO(vba), is_stream=True)
            book.set_vba_name("ThisWorkbook")
        formats = Formats(book, results.params.reporting_currency, language)
        sheets = plan(results, language)
        dashboard = add_sheet(book, sheet_title("Dashboard", language))
        rendered = {sheet_plan.title: render_sheet(book, formats, sheet_plan, protect) for sheet_plan in sheets}
        _define_names(book, sheets)
        _receipts_chart(book, rendered, sheets, language)
        _model_charts(book, rendered, sheets, language)
        chart_data = chart_data_sheet(book, formats, results, language)
        _dashboard(book, dashboard, formats, results, sheets, chart_data, language)
        dashboard.activate()
        book.set_properties({"title": "Key-account accounting summary", "author": "kam-xl"})
        book.close()
    return path


def _vba_project(source: str | Path | None) -> bytes | None:
    if source is None or Path(source).suffix.lower() != ".xlsm":
        return None
    with zipfile.ZipFile(source) as archive:
        return archive.read(VBA_PART) if VBA_PART in archive.namelist() else None


def render_sheet(book, formats: Formats, sheet_plan: SheetPlan, protect: bool = False):
    sheet = add_sheet(book, sheet_plan.title)
    if protect:  # against accidental edits only: sheet protection is not encryption
        sheet.protect("", {"autofilter": True, "sort": True, "select_locked_cells": True,
                           "select_unlocked_cells": True, "format_columns": True})
    sheet.set_tab_color(sheet_plan.tab_color)
    sheet.write_string(0, 0, sheet_plan.title, formats.title())
    sheet.write_string(1, 0, sheet_plan.subtitle, formats.get(italic=True, font_color="#595959"))
    for offset, note in enumerate(sheet_plan.notes):
        style = formats.get(bold=True, font_color="#C00000")
        if sheet_plan.tables:
            sheet.write_string(3 + offset, 0, note, style)
        else:   # a page of notes: each wraps across the page's width, whole on one page
            sheet.merge_range(3 + offset, 0, 3 + offset, NOTE_COLUMNS - 1, note,
                              formats.get(bold=True, font_color="#C00000", text_wrap=True, valign="top"))
            sheet.set_row(3 + offset, LINE_HEIGHT * text_lines(note, NOTE_COLUMNS * DEFAULT_WIDTH * 0.9))
    _write_lines(sheet, formats, sheet_plan)
    for table in sheet_plan.tables:
        render_table(sheet, formats, table)
    for col, width in _column_widths(sheet_plan.tables).items():   # tables one below another share columns
        sheet.set_column(col, col, width)
    if sheet_plan.tables:
        sheet.freeze_panes(*sheet_plan.freeze)
    _page_setup(sheet, sheet_plan)
    return sheet


def _column_widths(tables: list[TablePlan]) -> dict[int, float]:
    """Each sheet column's width: the widest of the tables' columns in it."""
    widths: dict[int, float] = {}
    for t in tables:
        for i, c in enumerate(t.columns):
            widths[t.col + i] = max(widths.get(t.col + i, 0), c.width)
    return widths


LINE_HEIGHT = 13.5   # points per line of 10-point text
NOTE_COLUMNS = 14   # a sheet of notes only: the columns each note wraps across (one landscape page at 100 %)
DEFAULT_WIDTH = 8.43   # a column's width when nothing sets it


def _fit_wrapped_rows(sheet, table: TablePlan) -> None:
    """Rows tall enough for their wrapped text: a spreadsheet written by a
    program keeps the default height, and its second line would print over
    the next row."""
    for i, needed in enumerate(_row_lines(table)):
        if needed > 1:
            sheet.set_row(table.row + 1 + i, LINE_HEIGHT * needed)


def _row_lines(table: TablePlan) -> list[int]:
    """Lines each row of a table takes: its wrapped columns' most (1 without wrapped text)."""
    lines = [1] * table.rows
    for column in table.columns:
        if column.wrap:
            lines = [max(n, text_lines(v, column.width)) for n, v in zip(lines, column.values.tolist())]
    return lines


def _write_lines(sheet, formats: Formats, sheet_plan: SheetPlan) -> None:
    """Explanatory text under the notes, each line wrapped across the width of
    the tables below it (so it prints whole), its row as tall as the text."""
    if not sheet_plan.lines:
        return
    widths = {t.col + i: c.width for t in sheet_plan.tables for i, c in enumerate(t.columns)}   # as set, last wins
    last = max(widths, default=11)
    width = sum(widths.get(col, DEFAULT_WIDTH) for col in range(last + 1))
    style = formats.get(text_wrap=True, valign="top")
    for row, line in enumerate(sheet_plan.lines, start=3 + len(sheet_plan.notes)):
        sheet.merge_range(row, 0, row, last, line, style)
        sheet.set_row(row, LINE_HEIGHT * text_lines(line, width))


def text_lines(text: object, width: float) -> int:
    """Lines a wrapped text takes in a column ``width`` characters wide (CJK characters count double)."""
    if not isinstance(text, str) or not text:
        return 1
    return max(1, math.ceil(text_width(text) / max(width - 1, 1)))


def _page_setup(sheet, sheet_plan: SheetPlan) -> None:
    """A page a manager reads: landscape A4, the header rows (and key
    columns) repeated on every page, a page header naming the sheet, period
    and whose book it is, page numbers in the footer, and a readable scale."""
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.5)
    sheet.set_header(f"&L&8{page_text(sheet_plan.title)}&R&8{page_text(sheet_plan.subtitle)}")
    sheet.set_footer("&C&8&P / &N")
    if not sheet_plan.tables:
        return
    tables = sheet_plan.tables[:sheet_plan.printed]
    width = sum(_column_widths(tables).values())
    fits = width * MIN_PRINT_SCALE / 100 <= PRINTABLE_WIDTH
    scale = min(1.0, PRINTABLE_WIDTH / width) if fits else MIN_PRINT_SCALE / 100
    # The first table's header repeats on its pages; when that table fits on one page it is not repeated, so
    # that the pages of the tables below it show their own header alone (a page of text and charts: none).
    if not sheet_plan.lines and (len(tables) == 1 or _height(tables[0]) * scale > PRINTABLE_HEIGHT):
        sheet.repeat_rows(0, tables[0].row)
    if sheet_plan.printed:
        sheet.print_area(0, 0, max(t.row + max(t.rows, 1) for t in tables),
                         max(t.col + len(t.columns) - 1 for t in tables))
    # Each table below the first starts a page (its own rows under its own header), and so do the charts under them.
    breaks = sorted({t.row - 1 for t in tables if t.row > tables[0].row}
                    | ({_charts_row(sheet_plan)} if sheet_plan.name == "Model" else set()))
    if breaks:
        sheet.set_h_pagebreaks(breaks)
    if sheet_plan.lines or fits:   # text and charts: one page wide
        sheet.fit_to_pages(1, 0)
    else:
        sheet.set_print_scale(MIN_PRINT_SCALE)
        if sheet_plan.freeze[1]:
            sheet.repeat_columns(0, sheet_plan.freeze[1] - 1)


PRINTABLE_HEIGHT = 470   # points of a landscape A4 page between the margins, its header and footer
ROW_HEIGHT = 15   # points: a row's default height


def _height(table: TablePlan) -> float:
    """Points a table takes from the top of the sheet at 100 %: title rows, header, rows (wrapped ones taller)."""
    rows = sum(_row_lines(table))
    return (table.row + 1) * ROW_HEIGHT + max(rows * LINE_HEIGHT, table.rows * ROW_HEIGHT)


def page_text(text: str) -> str:
    """Text for a page header: '&' is its control character."""
    return text.replace("&", "&&")


def render_table(sheet, formats: Formats, table: TablePlan) -> None:
    """Values by column kind, formulas with cached values, totals above the
    header, the Excel Table itself and its highlights. The body is written a
    column at a time (render/columnar.py); the rest through XlsxWriter."""
    first = table.row + 1
    top = {"valign": "top"} if any(c.wrap for c in table.columns) else {}   # rows of wrapped text read from the top
    body = []
    for offset, column in enumerate(table.columns):
        col = table.col + offset
        sheet.set_column(col, col, column.width)
        formula = table.render(column.formula) if column.formula else None
        body.append(_body_column(sheet, formats, table, column, formula, top))
        if column.name in table.totals:
            total_formula, total_value = table.totals[column.name]
            total_style = formats.get(column.kind, bold=True, top=1)
            sheet.write_formula(table.row - 1, col, table.render(total_formula), total_style,
                                "" if is_missing(total_value) else total_value)
    columnar.add_body(sheet, first, table.col, body)
    _fit_wrapped_rows(sheet, table)
    if table.totals:
        sheet.write_string(table.row - 1, table.col, table.totals_label, formats.get(bold=True, top=1))
    sheet.add_table(table.row, table.col, table.row + max(table.rows, 1), table.col + len(table.columns) - 1, {
        "name": table.name, "style": TABLE_STYLE, "autofilter": True,
        "columns": [{"header": c.header, "header_format": formats.header()} for c in table.columns],
    })
    _highlight(sheet, formats, table)


def _body_column(sheet, formats: Formats, table: TablePlan, column, formula: str | None, top: dict) -> columnar.Column:
    """One column of a table's body. Numbers, dates and flags (NumPy types, so no pd.NA) take one format;
    so do text and formulas over numbers; otherwise each value takes the format of its kind (a measure
    table's row kind; text in a number column is text)."""
    style = {"bg_color": CALC_FILL, **top} if formula else {"text_wrap": True, **top} if column.wrap else top
    per_row = bool(table.row_kinds) and column.kind not in ("text", "pct", "bool")
    values = column.values
    numpy = isinstance(values.dtype, np.dtype) and values.dtype.kind in "fiubM"
    if not per_row and not formula and numpy:
        fmt = formats.get(_format_kind(column.kind), **top)
        if values.dtype.kind != "M" or columnar.plain_dates(values):
            return columnar.typed(values, fmt)
        return columnar.general(sheet, values.tolist(), [fmt], [0] * len(values))
    made = None
    if not per_row and formula and numpy and values.dtype.kind in "fiu":
        made = columnar.formulas(sheet, formula, values, formats.get(_format_kind(column.kind), **style))
    elif not per_row and not formula and column.kind == "text":
        made = columnar.texts(sheet, values, formats.get("general", **style))
    if made is not None:
        return made
    items = values.tolist()
    kinds: dict[str, int] = {}
    styles = []
    for i, value in enumerate(items):
        kind = table.row_kinds[i] if per_row else column.kind
        kind = "text" if kind == "text" or (kind == "number" and isinstance(value, str)) else kind
        styles.append(kinds.setdefault(kind, len(kinds)))
    fmts = [formats.get(_format_kind(kind), **style) for kind in kinds]
    if formula:
        items = ["" if is_missing(value) else _cached(value) for value in items]
    return columnar.general(sheet, items, fmts, styles, formula)


def _format_kind(kind: str) -> str:
    """The number format a column kind takes: text and flags show as typed (General)."""
    return kind if kind not in ("text", "bool") else "general"


def _cached(value):
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value)
    return value


def _highlight(sheet, formats: Formats, table: TablePlan) -> None:
    if table.rows == 0:
        return
    red = formats.book.add_format({"font_color": "#9C0006", "bg_color": "#FFC7CE"})
    amber = formats.book.add_format({"font_color": "#9C5700", "bg_color": "#FFEB9C"})
    green = formats.book.add_format({"font_color": "#006100", "bg_color": "#C6EFCE"})
    grey = formats.book.add_format({"font_color": "#595959", "bg_color": "#EDEDED"})
    fills = {"A": green, "B": amber, "C": grey, "Error": red, "Warning": amber}
    for key, fmt in (("risk.High", red), ("risk.Medium", amber), ("risk.Low", green), ("quadrant.Strategic", green),
                     ("quadrant.Develop", amber), ("quadrant.Streamline", grey), ("control_status.Break", red),
                     ("control_status.OK", green), ("control_status.NotChecked", amber), ("severity.Error", red),
                     ("severity.Warning", amber)):
        fills[text(key, table.language)] = fmt   # as the table shows them
    first, last = table.row + 1, table.row + table.rows
    for rule in table.highlight:
        col = table.position(rule["column"])
        area = (first, col, last, col)
        kind = rule["rule"]
        if kind in ("tier", "risk", "severity", "quadrant", "status"):
            for shown, fmt in fills.items():
                sheet.conditional_format(*area, {"type": "cell", "criteria": "==", "value": f'"{shown}"',
                                                 "format": fmt})
        elif kind == "negative":
            sheet.conditional_format(*area, {"type": "cell", "criteria": "<", "value": 0, "format": red})
        elif kind == "heat":
            sheet.conditional_format(*area, {"type": "3_color_scale", "min_color": "#FFFFFF", "mid_color": "#FFD966",
                                             "max_color": "#F8696B"})
        elif kind == "over_one":
            sheet.conditional_format(*area, {"type": "cell", "criteria": ">", "value": 1, "format": red})
        elif kind == "overdue_contact":
            # Highlights the days, not the TRUE/FALSE flag: LibreOffice 7.4 cannot export
            # to PDF a sheet where a conditional format matches boolean cells.
            cadence = table.position("CadenceDays")
            sheet.conditional_format(*area, {"type": "formula", "format": red, "criteria":
                                             f"=AND(ISNUMBER({cell(first, col)}),"
                                             f"{cell(first, col)}>{cell(first, cadence)})"})
        elif kind == "bar":
            sheet.conditional_format(*area, {"type": "data_bar", "bar_color": "#5B9BD5", "min_type": "num",
                                             "min_value": 0, "max_type": "num", "max_value": 100})
        elif kind == "low_alive":
            sheet.conditional_format(*area, {"type": "cell", "criteria": "between", "minimum": 0, "maximum": 0.5,
                                             "format": amber})


def _define_names(book, sheets: list[SheetPlan]) -> None:
    about = next(s for s in sheets if s.name == "About")
    table = about.tables[0]
    items = table.columns[0].values.tolist()
    row = table.row + 1 + [canonical_item(item) for item in items].index("PeriodDays")   # 期间天数 in Chinese
    book.define_name("PeriodDays", f"='{about.title}'!{cell(row, table.col + 1, absolute=True)}")


def find_table(sheets: list[SheetPlan], table_name: str) -> tuple[SheetPlan, TablePlan] | tuple[None, None]:
    for s in sheets:
        for t in s.tables:
            if t.name == table_name:
                return s, t
    return None, None


def _aging_by_risk_block(sheet, formats: Formats, p, receivables: pd.DataFrame, language: str, row: int) -> tuple:
    """Each aging bucket's balance by credit risk level, live SUMIFS over Receivables with cached values;
    returns (row, number of buckets, levels) for the chart."""
    buckets = bucket_names(p.aging_buckets) if p.aging_basis == "DueDate" else age_bucket_names(p.aging_buckets)
    levels = [text(f"risk.{level}", language) for level in RISK_LEVELS]   # as Receivables shows them
    sheet.write_string(row, 0, header("CreditRisk", language), formats.header())
    for j, level in enumerate(levels):
        sheet.write_string(row, 1 + j, level, formats.header())
    for i, bucket in enumerate(buckets):
        r = row + 1 + i
        sheet.write_string(r, 0, chart_label(bucket, language))
        for j, level in enumerate(levels):
            value = float(receivables.loc[receivables["CreditRisk"] == level, bucket].sum())
            formula = (f"=SUMIFS(Receivables[{header(bucket, language)}],"
                       f"Receivables[{header('CreditRisk', language)}],{cell(row, 1 + j, absolute=True)})")
            sheet.write_formula(r, 1 + j, formula, formats.get("money"), value)
    return row, len(buckets), levels


def chart_data_sheet(book, formats: Formats, results: Results, language: str) -> dict:
    """A small sheet of chart series: aging by credit risk (live SUMIFS with
    cached values) and profit/potential points grouped by quadrant."""
    name = ui("sheet.chart_data", language)
    sheet = add_sheet(book, name)
    sheet.set_tab_color(TAB_INFO)
    sheet.hide()   # the charts' data: not a page to read or print
    sheet.write_string(0, 0, "Chart series (kept live from the tables) · 图表数据", formats.title())
    info = {"sheet": name}
    receivables = results.tables.get("Receivables")
    row = 2
    if receivables is not None:
        info["aging"] = _aging_by_risk_block(sheet, formats, results.params, receivables, language, row)
        row += info["aging"][1] + 3
    potential = results.tables["Potential"].set_index("CustomerID")["PotentialScore"]
    profit = results.tables["Profitability"].set_index("CustomerID")["NetProfit"]
    shown = {text(f"quadrant.{q}", language): q for q in QUADRANT_COLOURS}
    quadrant = results.tables["Strategy"].set_index("CustomerID")["PortfolioQuadrant"].map(lambda q: shown.get(q, q))
    points = pd.DataFrame({"x": potential, "y": profit, "q": quadrant}).dropna(subset=["x", "y"])
    sheet.write_string(row, 0, header("PortfolioQuadrant", language), formats.header())
    sheet.write_string(row, 1, header("PotentialScore", language), formats.header())
    sheet.write_string(row, 2, header("NetProfit", language), formats.header())
    blocks = {}
    r = row + 1
    for q in QUADRANT_COLOURS:
        group = points[points["q"] == q]
        if group.empty:
            continue
        blocks[q] = (r, r + len(group) - 1)
        for x, y in zip(group["x"], group["y"]):
            sheet.write_string(r, 0, q)
            sheet.write_number(r, 1, float(x), formats.get("score"))
            sheet.write_number(r, 2, float(y), formats.get("money"))
            r += 1
    info["scatter"] = blocks
    if blocks:   # the two lines that divide the quadrants: potential 50 and the median net profit
        median = float(profit.dropna().median())
        low, high = float(points["y"].min()), float(points["y"].max())
        lines_at = r + 1
        for i, (x, y) in enumerate([(50.0, low), (50.0, high), (0.0, median), (100.0, median)]):
            sheet.write_number(lines_at + i, 1, x)
            sheet.write_number(lines_at + i, 2, y, formats.get("money"))
        info["quadrant_lines"] = lines_at
        r = lines_at + 4
    trend = results.tables.get("Trend")
    if trend is not None and len(trend):
        info["top_accounts"] = _top_accounts_block(sheet, formats, results, language, r + 2)
    sheet.set_column(0, 0, 18)
    sheet.set_column(1, 3, 16)
    return info


TOP_ACCOUNTS = 5


def _top_accounts_block(sheet, formats: Formats, results: Results, language: str, row: int) -> tuple:
    """Months down, the largest accounts (by this period's ABC basis) across:
    each one's monthly NetRevenue as a live SUMIFS over Trend."""
    months = sorted(results.tables["Trend"]["Month"].unique())
    top = results.tables["Classification"].head(TOP_ACCOUNTS)
    revenue = results.tables["Trend"].set_index(["Month", "CustomerID"])["NetRevenue"]
    live = sumifs_alike(results.tables["Trend"]["CustomerID"])
    sheet.write_string(row, 0, header("Month", language), formats.header())
    sheet.write_string(row + len(months) + 1, 0, header("CustomerID", language))
    for j, (cid, name) in enumerate(zip(top["CustomerID"], top["CustomerName"])):
        sheet.write_string(row, 1 + j, str(name) if isinstance(name, str) and name else str(cid), formats.header())
        sheet.write_string(row + len(months) + 1, 1 + j, str(cid))   # the key the sums look up
    for i, month in enumerate(months):
        r = row + 1 + i
        sheet.write_datetime(r, 0, pd.Timestamp(month).to_pydatetime(), formats.get("month"))
        for j, cid in enumerate(top["CustomerID"]):
            formula = (f"=SUMIFS(Trend[{header('NetRevenue', language)}],Trend[{header('Month', language)}],"
                       f"{cell(r, 0, absolute=True)},Trend[{header('CustomerID', language)}],"
                       f"{cell(row + len(months) + 1, 1 + j, absolute=True)})")
            value = float(revenue.get((month, cid), 0.0))
            if live:
                sheet.write_formula(r, 1 + j, formula, formats.get("money"), value)
            else:
                sheet.write_number(r, 1 + j, value, formats.get("money"))
    return row, len(months), len(top)


def _dashboard(book, sheet, formats: Formats, results: Results, sheets: list[SheetPlan], chart_data: dict,
               language: str) -> None:
    charts_top = dashboard_head(sheet, formats, results, sheets, language)
    _charts(book, sheet, results, sheets, chart_data, language, charts_top)
    last_row = charts_top + 16 * -(-DASHBOARD_CHARTS // 3) + 1
    sheet.print_area(0, 0, last_row, DASHBOARD_WIDTH - 1)
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 1)
    sheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)


def _kpi_tile(sheet, formats: Formats, results: Results, kpis, kpi: str, corner: tuple[int, int],
              language: str) -> None:
    """One KPI tile (label, this period's figure, the prior period's and the change) at ``corner``, each figure
    a formula on the KPIs table with its cached value."""
    keys = results.tables["KPIs"]["KPI"].tolist()
    this_col, prior_col, change_col = (kpis.position(c) for c in ("ThisPeriod", "PriorPeriod", "Change"))
    i = keys.index(kpi)
    kpi_row = kpis.row + 1 + i
    top, left = corner
    kind = KPI_KINDS[kpi]
    # A white edge between tiles, so one tile's figure never runs into the next one's label.
    box = {"bg_color": "#F2F2F2", "right": 5, "right_color": "#FFFFFF"}
    shown = "money_whole" if kind == "money" else kind   # a tile reads in whole units
    figures = results.tables["KPIs"].iloc[i]
    sheet.merge_range(top, left, top, left + 3, tile_label(kpi, language),
                      formats.get(bold=True, font_color="#1F4E78", indent=1, **box))
    big = formats.get(shown, font_size=20, bold=True, align="center", valign="vcenter", **box)
    _merged_formula(sheet, (top + 1, left, top + 2, left + 3), cell(kpi_row, this_col, absolute=True),
                    big, figures["ThisPeriod"])
    small = formats.get(font_color="#595959", indent=1, **box)
    sheet.write_string(top + 3, left, ui("dashboard.prior", language), small)
    _merged_formula(sheet, (top + 3, left + 1, top + 3, left + 3), cell(kpi_row, prior_col, absolute=True),
                    formats.get(shown, font_color="#595959", align="right", **box), figures["PriorPeriod"])
    sheet.write_string(top + 4, left, ui("dashboard.change", language), small)
    change_area = (top + 4, left + 1, top + 4, left + 3)
    change = cell(kpi_row, change_col, absolute=True)
    if kpi in RATIO_KPIS:   # a ratio moves by percentage points, not by a percentage of itself
        _merged_formula(sheet, change_area, f"{change}*100",
                        _arrow_format(formats, "points", box, ui("points", language)),
                        figures["Change"] * 100 if pd.notna(figures["Change"]) else None)
    else:
        _merged_formula(sheet, change_area, change, _arrow_format(formats, kind, box), figures["Change"])
    _colour_change(sheet, formats, change_area, kpi in RISE_IS_BAD)


def dashboard_head(sheet, formats: Formats, results: Results, sheets: list[SheetPlan], language: str,
                   column_width: float = 10.5) -> int:
    """The Dashboard's title, Controls line, KPI tiles (over the KPIs table right of the page) and the
    management summary, its sentences wrapped across the tiles' width; returns the row under them."""
    sheet.set_tab_color(TAB_OUTPUT)
    sheet.hide_gridlines(2)
    sheet.set_column(0, DASHBOARD_WIDTH - 1, column_width)
    sheet.write_string(0, 0, ui("dashboard.title", language),
                       formats.get(bold=True, font_size=18, font_color="#1F4E78"))
    p = results.params
    compared = ui(f"compared.{p.comparison}", language, months=p.calendar_months, days=p.period_days,
                  prior=p.prior().span, last_year=p.last_year().span)
    sheet.write_string(1, 0, f"{sheets[0].subtitle} · {compared}", formats.get(italic=True, font_color="#595959"))
    if "Controls" in results.tables:
        line, ok = controls_line(results, language)
        sheet.write_string(2, 0, line, formats.get(bold=True, font_color="#006100" if ok else "#9C0006"))

    kpis = kpi_plan(results, language, *KPI_ANCHOR)
    render_table(sheet, formats, kpis)
    keys = results.tables["KPIs"]["KPI"].tolist()
    tiles = TILE_KPIS + [k for k in ATTAINMENT_KPIS if k in keys]   # a third row with targets
    for k, kpi in enumerate(tiles):
        _kpi_tile(sheet, formats, results, kpis, kpi, (3 + (k // 4) * 6, (k % 4) * 4), language)

    comment_top = 3 + 6 * -(-len(tiles) // 4)
    sheet.write_string(comment_top, 0, ui("dashboard.summary", language),
                       formats.get(bold=True, font_size=12, font_color="#1F4E78"))
    for i, sentence in enumerate(results.commentary):
        sheet.merge_range(comment_top + 1 + i, 0, comment_top + 1 + i, DASHBOARD_WIDTH - 1, sentence,
                          formats.get(text_wrap=True, valign="top"))
        lines = text_lines(sentence, DASHBOARD_WIDTH * column_width)
        if lines > 1:   # a long sentence wraps onto rows of its own, not over the next sentence
            sheet.set_row(comment_top + 1 + i, LINE_HEIGHT * lines)
    return comment_top + 2 + max(len(results.commentary), 5)


def _merged_formula(sheet, area: tuple[int, int, int, int], reference: str, fmt, value) -> None:
    """A merged block showing one referenced cell (formula with its cached
    value); blank when that cell is blank, where a plain reference shows 0."""
    sheet.merge_range(*area, "", fmt)
    sheet.write_formula(area[0], area[1], f'=IF(ISNUMBER({reference}),{reference},"")', fmt,
                        "" if is_missing(value) else float(value))


def _arrow_format(formats: Formats, kind: str, box: dict, unit: str = ""):
    """Change shown with an arrow (its colour comes from _colour_change)."""
    body = {"money": "#,##0", "pct": "0.0%", "days": "0.0", "int": "0", "points": f'0.0" {unit}"'}[kind]
    return formats.get("general", num_format=f'"▲ "{body};"▼ "{body};"– "{body}', bold=True, align="right", **box)


def _colour_change(sheet, formats: Formats, area: tuple[int, int, int, int], rise_is_bad: bool) -> None:
    """Green when the change is good news, red when bad (conditional formats
    render the same in Excel, WPS and LibreOffice)."""
    good = formats.book.add_format({"font_color": "#1E7B34"})
    bad = formats.book.add_format({"font_color": "#C00000"})
    up, down = (bad, good) if rise_is_bad else (good, bad)
    sheet.conditional_format(*area, {"type": "cell", "criteria": ">", "value": 0, "format": up})
    sheet.conditional_format(*area, {"type": "cell", "criteria": "<", "value": 0, "format": down})


def _charts(book, sheet, results: Results, sheets: list[SheetPlan], chart_data: dict,
            language: str, top: int) -> None:
    """The Dashboard's charts, two rows of up to three; a chart without data is left out."""
    positions = [(top + 16 * (k // 3), 5 * (k % 3)) for k in range(DASHBOARD_CHARTS)]
    for spec, (row, col) in zip(dashboard_charts(results, sheets, chart_data, language), positions):
        chart = draw_chart(book, spec)
        chart.set_size({"width": 430, "height": 300})
        chart.set_chartarea({"border": {"color": "#D9D9D9"}})
        sheet.insert_chart(row, col, chart, {"x_offset": 4, "y_offset": 4})


def dashboard_charts(results: Results, sheets: list[SheetPlan], chart_data: dict, language: str) -> list[dict]:
    """The specs of the Dashboard's charts that have data, in their order: revenue and margin by month, the
    top accounts, DSO by month, Pareto, whale curve, aging, profit against potential, industry."""
    money_axis = _money_axis(language)
    specs = (*_trend_charts(sheets, chart_data, language, money_axis),
             _pareto(sheets, language, money_axis), _whale(sheets, language), _aging(chart_data, language, money_axis),
             _profit_potential(chart_data, language, money_axis), _industry(results, sheets, language, money_axis))
    return [s for s in specs if s]


def _from_zero(axis: dict, values) -> dict:
    """An axis of amounts (or of a margin) starts at zero when no value is below it: a baseline of 7,050,000
    makes a fall of 1.8 % look like halving."""
    numbers = pd.to_numeric(pd.Series(values), errors="coerce").dropna()
    return {**axis, "min": 0} if numbers.empty or numbers.min() >= 0 else axis


def _money_axis(language: str) -> dict:
    return {"num_format": "#,##0", "display_units": catalogue(language).MONEY_AXIS_UNITS,
            "display_units_visible": True, "major_gridlines": {"visible": True, "line": {"color": "#E0E0E0"}}}


def _receipts_chart(book, rendered: dict, sheets: list[SheetPlan], language: str) -> None:
    """The cash forecast's chart on the Receivables sheet, under the ExpectedReceipts table."""
    spec = _receipts(sheets, language, _money_axis(language))
    if spec is None:
        return
    sheet_plan, table = find_table(sheets, "ExpectedReceipts")
    chart = draw_chart(book, spec)
    chart.set_size({"width": 640, "height": 300})
    rendered[sheet_plan.title].insert_chart(table.row + table.rows + 3, table.col, chart, {"x_offset": 4})


def _model_charts(book, rendered: dict, sheets: list[SheetPlan], language: str) -> None:
    """The Model sheet's two charts under its tables: the forecast check
    (actual and each model's predicted purchases per customer in the holdout,
    by calibration frequency) and the repeat-purchase distribution."""
    sheet_plan = next((s for s in sheets if s.name == "Model"), None)
    if sheet_plan is None or not sheet_plan.tables:
        return
    top = _charts_row(sheet_plan)
    specs = [spec for spec in (model_check_chart(sheets, language), _repeat_distribution(sheets, language))
             if spec is not None]
    for n, spec in enumerate(specs):
        chart = draw_chart(book, spec)
        chart.set_size({"width": 520, "height": 300})
        rendered[sheet_plan.title].insert_chart(top, 8 * n, chart, {"x_offset": 4})


def _charts_row(sheet_plan: SheetPlan) -> int:
    """The row of the Model sheet's charts: under its tables."""
    return max(t.row + t.rows for t in sheet_plan.tables) + 3


def _model_rows(table: TablePlan) -> dict[str, tuple[int, int]]:
    """The first and last data row (1 = the first) of each model in a per-model table."""
    models = table.column("Model").values.tolist()
    return {m: (models.index(m) + 1, len(models) - models[::-1].index(m)) for m in dict.fromkeys(models)}


def model_check_chart(sheets: list[SheetPlan], language: str) -> dict | None:
    sheet_plan, table = find_table(sheets, "ModelCheck")
    if table is None or not table.rows:
        return None
    rows = _model_rows(table)
    first, last = next(iter(rows.values()))
    colours = ["#ED7D31", "#5B9BD5"]
    series = [{"name": ui("chart.actual", language),
               "categories": _cells(sheet_plan, table, "CalibrationFrequency", first, last),
               "values": _cells(sheet_plan, table, "ActualPurchases", first, last),
               "line": {"color": "#404040", "width": 2.25}, "marker": {"type": "circle", "size": 5}}]
    series += [{"name": ui("chart.predicted", language, model=MODEL_NAMES[m]),
                "categories": _cells(sheet_plan, table, "CalibrationFrequency", a, b),
                "values": _cells(sheet_plan, table, "PredictedPurchases", a, b),
                "line": {"color": colours[i % 2], "width": 1.5, "dash_type": "dash"}}
               for i, (m, (a, b)) in enumerate(rows.items())]
    return {"chart": {"type": "line"}, "title": ui("chart.model_check", language), "series": series,
            "x_axis": {"name": ui("chart.model_check_axis", language)}, "legend": {"position": "bottom"}}


def _repeat_distribution(sheets: list[SheetPlan], language: str) -> dict | None:
    sheet_plan, table = find_table(sheets, "RepeatDistribution")
    if table is None or not table.rows:
        return None
    model = MODEL_NAMES[table.column("Model").values.iloc[0]]
    categories = _cells(sheet_plan, table, "Frequency", 1, table.rows)
    return {"chart": {"type": "column"}, "title": ui("chart.repeat_distribution", language),
            "series": [{"name": ui("chart.actual", language), "categories": categories,
                        "values": _cells(sheet_plan, table, "ActualCustomers", 1, table.rows),
                        "fill": {"color": "#404040"}},
                       {"name": ui("chart.expected", language, model=model), "categories": categories,
                        "values": _cells(sheet_plan, table, "ExpectedCustomers", 1, table.rows),
                        "fill": {"color": "#5B9BD5"}}],
            "x_axis": {"name": ui("chart.repeat_axis", language)}, "legend": {"position": "bottom"}}


def draw_chart(book, spec: dict):
    """An XlsxWriter chart from a spec: ``chart`` (its type), ``series``,
    ``title`` and any of x_axis, y_axis, y2_axis, legend, plotarea; ``combine``,
    a second spec drawn on the same axes."""
    chart = book.add_chart(spec["chart"])
    for series in spec["series"]:
        chart.add_series(series)
    if "title" in spec:
        chart.set_title({"name": spec["title"], "name_font": {"size": 11}})
    for part in ("x_axis", "y_axis", "y2_axis", "legend", "plotarea"):
        if part in spec:
            getattr(chart, f"set_{part}")(spec[part])
    if "combine" in spec:
        chart.combine(draw_chart(book, spec["combine"]))
    return chart


def _cells(sheet: SheetPlan, table: TablePlan, column: str, first: int, last: int) -> list:
    """A series range: ``column`` of ``table``, its data rows ``first`` to ``last`` (1 = the first)."""
    return [sheet.title, table.row + first, table.position(column), table.row + last, table.position(column)]


def _trend_charts(sheets: list[SheetPlan], chart_data: dict, language: str, money_axis: dict) -> tuple:
    """Monthly revenue (columns) and gross margin (line) of the portfolio, the
    largest accounts' monthly revenue, and DSO by month (None when there is no trend)."""
    ts_sheet, ts = find_table(sheets, "TrendSummary")
    if ts is None or not ts.rows:
        return None, None, None
    months = int((ts.column("Dimension").values == ts.column("Dimension").values.iloc[0]).sum())   # the Total rows
    categories = _cells(ts_sheet, ts, "Month", 1, months)
    date_axis = {"num_format": "yyyy-mm", "num_font": {"rotation": -45, "size": 8}}
    portfolio = {"chart": {"type": "column"}, "title": ui("chart.trend_revenue", language),
                 "series": [{"name": chart_label("NetRevenue", language), "categories": categories,
                             "values": _cells(ts_sheet, ts, "NetRevenue", 1, months), "fill": {"color": "#5B9BD5"},
                             "gap": 40}],
                 "x_axis": date_axis, "y_axis": _from_zero(money_axis, ts.column("NetRevenue").values.iloc[:months]),
                 "legend": {"position": "bottom"},
                 "plotarea": {"layout": {"x": 0.16, "y": 0.14, "width": 0.68, "height": 0.5}},
                 # A margin that hardly moves must not read "27% 27% 27%": from zero, to a tenth of a percent.
                 "combine": {"chart": {"type": "line"},
                             "y2_axis": _from_zero({"num_format": "0.0%"},
                                                   ts.column("GrossMarginPct").values.iloc[:months]),
                             "series": [{"name": chart_label("GrossMarginPct", language), "categories": categories,
                                         "values": _cells(ts_sheet, ts, "GrossMarginPct", 1, months),
                                         "y2_axis": True, "line": {"color": "#C00000", "width": 2}}]}}
    dso = {"chart": {"type": "line"}, "title": ui("chart.trend_dso", language),
           "series": [{"name": chart_label("DSO", language), "categories": categories,
                       "values": _cells(ts_sheet, ts, "DSO", 1, months), "line": {"color": "#1F4E78", "width": 2},
                       "marker": {"type": "circle", "size": 4}}],
           "x_axis": date_axis, "y_axis": {"num_format": "0", "major_gridlines": {"visible": True,
                                                                                 "line": {"color": "#E0E0E0"}}},
           "legend": {"none": True}}
    top = None
    if "top_accounts" in chart_data:
        row, n_months, n_accounts = chart_data["top_accounts"]
        data = chart_data["sheet"]
        colours = ["#1F4E78", "#2E7D32", "#C00000", "#F9A825", "#7F7F7F"]
        top = {"chart": {"type": "line"}, "title": ui("chart.trend_top", language, n=n_accounts),
               "series": [{"name": [data, row, 1 + j], "categories": [data, row + 1, 0, row + n_months, 0],
                           "values": [data, row + 1, 1 + j, row + n_months, 1 + j],
                           "line": {"color": colours[j % len(colours)], "width": 1.75}} for j in range(n_accounts)],
               "x_axis": date_axis, "y_axis": {**money_axis, "min": 0},   # a customer's monthly revenue: from zero
               # room for the last month
               "plotarea": {"layout": {"x": 0.15, "y": 0.14, "width": 0.76, "height": 0.52}},
               "legend": {"position": "bottom", "font": {"size": 8}}}
    return portfolio, top, dso


def _pareto(sheets: list[SheetPlan], language: str, money_axis: dict) -> dict | None:
    """ABC basis of the top customers as columns, their cumulative share as a line."""
    cls_sheet, cls = find_table(sheets, "Classification")
    n = min(cls.rows, PARETO_POINTS)
    if not n:
        return None
    categories = _cells(cls_sheet, cls, "CustomerID", 1, n)
    return {"chart": {"type": "column"}, "title": ui("chart.pareto", language, n=n),
            "series": [{"name": chart_label("ABCBasisValue", language), "categories": categories,
                        "values": _cells(cls_sheet, cls, "ABCBasisValue", 1, n), "fill": {"color": "#5B9BD5"},
                        "gap": 30}],
            # Over 25 customers their IDs are left off the axis: LibreOffice would shrink them below a readable size
            # (it ignores a label interval); the title says how many columns there are.
            "x_axis": {"num_font": {"rotation": -45, "size": 8}} if n <= 25 else {"label_position": "none"},
            "y_axis": money_axis,
            "legend": {"position": "bottom"},
            "plotarea": {"layout": {"x": 0.13, "y": 0.14, "width": 0.72, "height": 0.58}},
            "combine": {"chart": {"type": "line"}, "y2_axis": {"num_format": "0%", "max": 1, "min": 0},
                        "series": [{"name": chart_label("ABCCumulativeShare", language), "categories": categories,
                                    "values": _cells(cls_sheet, cls, "ABCCumulativeShare", 1, n), "y2_axis": True,
                                    "line": {"color": "#C00000", "width": 2}}]}}


def _whale(sheets: list[SheetPlan], language: str) -> dict | None:
    """Cumulative profit share against cumulative customer share, by profit rank."""
    wc_sheet, wc = find_table(sheets, "WhaleCurve")
    if not wc.rows:
        return None
    return {"chart": {"type": "scatter", "subtype": "straight"}, "title": ui("chart.whale", language),
            "series": [{"name": chart_label("CumulativeProfitShare", language),
                        "categories": _cells(wc_sheet, wc, "CumulativeCustomerShare", 1, wc.rows),
                        "values": _cells(wc_sheet, wc, "CumulativeProfitShare", 1, wc.rows),
                        "line": {"color": "#2E7D32", "width": 2.25}}],
            "x_axis": {"name": chart_label("CumulativeCustomerShare", language), "num_format": "0%", "min": 0,
                       "max": 1},
            "y_axis": {"name": chart_label("CumulativeProfitShare", language), "num_format": "0%", "min": 0,
                       "major_gridlines": {"visible": True, "line": {"color": "#E0E0E0"}}},
            "plotarea": {"layout": {"x": 0.16, "y": 0.16, "width": 0.74, "height": 0.62}},   # "100%" whole at the right
            "legend": {"none": True}}


def _receipts(sheets: list[SheetPlan], language: str, money_axis: dict) -> dict | None:
    """The next 13 weeks' expected receipts as columns, the same weeks' receipts of the prior period as a line."""
    er_sheet, er = find_table(sheets, "ExpectedReceipts")
    if er is None or not er.rows:
        return None
    weeks = 13
    categories = _cells(er_sheet, er, "Bucket", 1, weeks)
    return {"chart": {"type": "column"}, "title": ui("chart.receipts", language),
            "series": [{"name": chart_label("Expected", language), "categories": categories,
                        "values": _cells(er_sheet, er, "Expected", 1, weeks), "fill": {"color": "#5B9BD5"}, "gap": 40}],
            "y_axis": _from_zero(money_axis, er.column("Expected").values.iloc[:weeks]),
            "legend": {"position": "bottom"},
            "combine": {"chart": {"type": "line"},
                        "series": [{"name": chart_label("PriorActual", language), "categories": categories,
                                    "values": _cells(er_sheet, er, "PriorActual", 1, weeks),
                                    "line": {"color": "#7F7F7F", "width": 1.5, "dash_type": "dash"}}]}}


def _aging(chart_data: dict, language: str, money_axis: dict) -> dict | None:
    """Aging buckets stacked by credit risk (from the ChartData sheet's live SUMIFS)."""
    if "aging" not in chart_data:
        return None
    row, buckets, levels = chart_data["aging"]
    data = chart_data["sheet"]
    colours = ["#C00000", "#F4B183", "#A9D18E"]   # High, Medium, Low
    return {"chart": {"type": "column", "subtype": "stacked"}, "title": ui("chart.aging", language),
            "series": [{"name": [data, row, 1 + j], "categories": [data, row + 1, 0, row + buckets, 0],
                        "values": [data, row + 1, 1 + j, row + buckets, 1 + j], "fill": {"color": colours[j]},
                        "gap": 60} for j in range(len(levels))],
            "y_axis": {**money_axis, "min": 0}, "legend": {"position": "bottom"}}


def _profit_potential(chart_data: dict, language: str, money_axis: dict) -> dict | None:
    """NetProfit against PotentialScore, one series per portfolio quadrant."""
    if not chart_data["scatter"]:   # no customer has both figures
        return None
    data = chart_data["sheet"]
    lines = chart_data["quadrant_lines"]
    divider = {"line": {"color": "#7F7F7F", "width": 1, "dash_type": "dash"}, "marker": {"type": "none"}}
    return {"chart": {"type": "scatter"}, "title": ui("chart.profit_potential", language),
            "series": [*({"name": text(f"quadrant.{q}", language), "categories": [data, r0, 1, r1, 1],
                          "values": [data, r0, 2, r1, 2],
                          "marker": {"type": "circle", "size": 6, "fill": {"color": QUADRANT_COLOURS[q]},
                                     "border": {"color": QUADRANT_COLOURS[q]}}}
                         for q, (r0, r1) in chart_data["scatter"].items()),
                       {"categories": [data, lines, 1, lines + 1, 1], "values": [data, lines, 2, lines + 1, 2],
                        **divider},
                       {"categories": [data, lines + 2, 1, lines + 3, 1], "values": [data, lines + 2, 2, lines + 3, 2],
                        **divider}],
            "x_axis": {"name": chart_label("PotentialScore", language), "min": 0, "max": 100,
                       "label_position": "low"},
            "plotarea": {"layout": {"x": 0.18, "y": 0.12, "width": 0.74, "height": 0.52}},   # "100" whole at the right
            "y_axis": {**money_axis, "name": chart_label("NetProfit", language), "label_position": "low"},
            "legend": {"position": "bottom", "delete_series": [len(chart_data["scatter"]),
                                                               len(chart_data["scatter"]) + 1]}}


def _industry(results: Results, sheets: list[SheetPlan], language: str, money_axis: dict) -> dict | None:
    """Net revenue by industry (the Industry rows of Segments)."""
    seg_sheet, seg = find_table(sheets, "Segments")
    dims = results.tables["Segments"]["Dimension"].tolist()
    industry = dimension_label("Industry", language)   # as the table shows it
    if industry not in dims:
        return None
    first, last = 1 + dims.index(industry), len(dims) - dims[::-1].index(industry)
    return {"chart": {"type": "bar"}, "title": ui("chart.industry", language),
            "series": [{"name": chart_label("NetRevenue", language),
                        "categories": _cells(seg_sheet, seg, "Segment", first, last),
                        "values": _cells(seg_sheet, seg, "NetRevenue", first, last), "fill": {"color": "#2F75B5"},
                        "gap": 40}],
            "x_axis": _from_zero(money_axis, seg.column("NetRevenue").values.iloc[first - 1:last]),
            "y_axis": {"reverse": True}, "legend": {"none": True}}
