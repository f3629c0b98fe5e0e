"""The management pack: a short workbook laid out for paper (A4 landscape, 100 % scale, columns chosen
for the page), which LibreOffice turns into the pack PDF beside the summary (kam_xl.app.build.export_pack).

Its pages: the Dashboard (tiles and the management summary), its charts, the customers that matter (top
by net contribution and the loss-makers), receivables (aging, provision, the top of the chase list),
targets (when set), last period's actions each with its verdict (when reviewed), the forecast check
(when the model was checked on a holdout) and one block on data quality and the Controls. The tables the
charts draw on are written as hidden sheets (values, as the summary shows them); the writer's own
chart, tile and table code draws every piece, so the pack and the summary cannot read differently.
"""
from __future__ import annotations

import copy
from pathlib import Path

import pandas as pd

from kam_xl.analysis import Results
from kam_xl.contract import shown_buckets
from kam_xl.render import writer
from kam_xl.render.layout import SheetPlan, controls_line, plan, table_plan
from kam_xl.render.model_page import model_lines
from kam_xl.render.xlsx import Formats, add_sheet, new_workbook
from kam_xl.words import catalogue, chart_label, header, sheet_title, ui

TOP, LOSS, CHASE, ACTIONS, TARGETS, FINDINGS = 10, 10, 15, 16, 24, 8
CHART_SOURCES = ("Classification", "Profitability", "Trend", "Receivables", "Model")   # hidden: what charts draw on
CHARTS_PER_PAGE = 4   # two rows of two: each chart wide enough for its labels and legend at full size
CHART_SIZE, CHART_STEP = (500, 318), (510, 326)   # pixels: 2 x 510 fits a landscape A4 page at 100 %
NAME_WIDTH = 26
# Rows of 10-pt text a landscape A4 page holds at 100 % (about 516 pt between the margins, 15 pt a row).
PAGE_ROWS = 33


def write_pack_workbook(results: Results, path: str | Path, language: str | None = None) -> Path:
    """The pack workbook at ``path`` (its visible sheets are the pack's pages, in order)."""
    language = language or results.params.language
    path = Path(path)
    book = new_workbook(path)
    formats = Formats(book, results.params.reporting_currency, language)
    sheets = plan(results, language)
    subtitle = sheets[0].subtitle
    dashboard = add_sheet(book, "pack1")
    chart_pages = [add_sheet(book, f"pack{2 + i}") for i in range(2)]
    pages = [_customers, _receivables, _targets, _actions, _forecast, _quality]
    page_sheets = {page: add_sheet(book, f"pack{4 + i}") for i, page in enumerate(pages)}
    for sheet_plan in sheets:   # the charts' sources, as values
        if sheet_plan.name in CHART_SOURCES:
            writer.render_sheet(book, formats, _values_only(sheet_plan)).hide()
    chart_data = writer.chart_data_sheet(book, formats, results, language)

    bottom = writer.dashboard_head(dashboard, formats, results, sheets, language, column_width=7.6)
    _page(dashboard, ui("dashboard.title", language), subtitle, one_page=True)
    dashboard.print_area(0, 0, bottom - 1, writer.DASHBOARD_WIDTH - 1)

    specs = writer.dashboard_charts(results, sheets, chart_data, language)
    for n, charts in enumerate(chart_pages):
        page_specs = specs[n * CHARTS_PER_PAGE:(n + 1) * CHARTS_PER_PAGE]
        if not page_specs:
            charts.hide()
            continue
        charts.hide_gridlines(2)
        charts.write_string(0, 0, ui("pack.charts", language), formats.title())
        for k, spec in enumerate(page_specs):
            chart = writer.draw_chart(book, spec)
            chart.set_size({"width": CHART_SIZE[0], "height": CHART_SIZE[1]})
            chart.set_chartarea({"border": {"color": "#D9D9D9"}})
            charts.insert_chart(2, 0, chart, {"x_offset": 2 + CHART_STEP[0] * (k % 2),
                                              "y_offset": CHART_STEP[1] * (k // 2)})
        charts.print_area(0, 0, 2 + 2 * CHART_STEP[1] // 20 + 1, 2 * CHART_STEP[0] // 64)
        _page(charts, ui("pack.charts", language), subtitle, one_page=True)

    for page, sheet in page_sheets.items():
        if page(sheet, formats, results, sheets, language, book):
            _page(sheet, sheet.pack_title, subtitle)
        else:
            sheet.hide()
    dashboard.activate()
    book.set_properties({"title": ui("pack.title", language), "author": "kam-xl"})
    book.close()
    return path


def _values_only(sheet_plan: SheetPlan) -> SheetPlan:
    """A sheet plan whose tables hold values only (no formulas, no totals): a hidden source for the charts."""
    values = copy.copy(sheet_plan)
    values.tables, values.printed = [], None   # a print area would make LibreOffice print the hidden sheet
    for t in sheet_plan.tables:
        table = copy.copy(t)
        table.columns = [copy.copy(c) for c in t.columns]
        for c in table.columns:
            c.formula = None
        table.totals, table.highlight = {}, []
        values.tables.append(table)
    return values


def _page(sheet, title: str, subtitle: str, one_page: bool = False) -> None:
    """A pack page: A4 landscape at full size (one page wide; the Dashboard and charts one page in all)."""
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.5)
    sheet.set_header(f"&L&8{writer.page_text(title)}&R&8{writer.page_text(subtitle)}")
    sheet.set_footer("&C&8&P / &N")
    sheet.fit_to_pages(1, 1 if one_page else 0)


def _heading(sheet, formats: Formats, row: int, words: str, size: int = 12) -> None:
    sheet.write_string(row, 0, words, formats.get(bold=True, font_size=size, font_color="#1F4E78"))


def _start(sheet, formats: Formats, title: str, results: Results, sheets: list[SheetPlan]) -> int:
    sheet.pack_title = title
    sheet.hide_gridlines(2)
    sheet.write_string(0, 0, title, formats.title())
    sheet.write_string(1, 0, sheets[0].subtitle, formats.get(italic=True, font_color="#595959"))
    return 3


def _table(sheet, formats: Formats, name: str, frame: pd.DataFrame, row: int, language: str,
           widths: dict | None = None, kinds: dict | None = None, headers: dict | None = None) -> int:
    """A pack table at ``row`` (its header); returns the row under it and a blank line."""
    table = table_plan(name, frame.reset_index(drop=True), row, 0, language)
    for c in table.columns:
        c.kind = (kinds or {}).get(c.name, c.kind)
        c.width = (widths or {}).get(c.name, c.width)
        c.header = (headers or {}).get(c.name, c.header)
        c.wrap = c.wrap or c.name in (widths or {}) and c.kind == "text" and c.name not in ("CustomerName",)
    writer.render_table(sheet, formats, table)
    return row + max(len(frame), 1) + 2


def _customers(sheet, formats: Formats, results: Results, sheets, language: str, book) -> bool:
    """The top customers by net contribution and the loss-makers: name, tier, revenue, margin, net
    contribution, DSO and overdue."""
    t = results.tables
    frame = t["Profitability"][["CustomerID", "CustomerName", "NetRevenue", "GrossMarginPct", "NetProfit"]]
    frame = frame.merge(t["Classification"][["CustomerID", "ABCTier"]], on="CustomerID", how="left")
    if "Receivables" in t:   # the open balance and the share of it overdue, as the Receivables sheet shows them
        rec = t["Receivables"]
        frame = frame.merge(rec[[c for c in ("CustomerID", "DSO", "OpenBalance", "OverdueShare") if c in rec]],
                            on="CustomerID", how="left")
    columns = [c for c in ("CustomerID", "CustomerName", "ABCTier", "NetRevenue", "GrossMarginPct", "NetProfit", "DSO",
                           "OpenBalance", "OverdueShare") if c in frame.columns]
    frame = frame[columns]
    widths = {"CustomerName": NAME_WIDTH}
    row = _start(sheet, formats, ui("pack.customers", language), results, sheets)
    top = frame[frame["NetProfit"] > 0].sort_values("NetProfit", ascending=False).head(TOP)
    _heading(sheet, formats, row, ui("pack.top", language, n=len(top)))
    row = _table(sheet, formats, "PackTop", top, row + 2, language, widths) + 1
    loss = frame[frame["NetProfit"] < 0].sort_values("NetProfit")
    _heading(sheet, formats, row, ui("pack.loss", language, n=len(loss), shown=min(len(loss), LOSS)))
    if len(loss):
        _table(sheet, formats, "PackLoss", loss.head(LOSS), row + 2, language, widths)
    return True


def _receivables(sheet, formats: Formats, results: Results, sheets, language: str, book) -> bool:
    """Aging totals with their shares, the provision, and the top of the chase list."""
    t, p = results.tables, results.params
    if "Receivables" not in t:
        return False
    row = _start(sheet, formats, ui("pack.receivables", language), results, sheets)
    buckets = [b for b in shown_buckets(p.aging_buckets, p.aging_basis) if b in t["Receivables"].columns]
    amounts = t["Receivables"][buckets].sum()
    total = float(amounts.sum())
    aging = pd.DataFrame({"Bucket": [chart_label(b, language) for b in buckets], "OpenBalance": amounts.to_numpy(),
                          "RevenueShare": (amounts / total).to_numpy() if total else [float("nan")] * len(buckets)})
    _heading(sheet, formats, row, ui("pack.aging", language))
    after_aging = _table(sheet, formats, "PackAging", aging, row + 2, language, kinds={"RevenueShare": "pct"},
                         headers={"Bucket": ui("pack.bucket", language), "RevenueShare": ui("pack.share", language)},
                         widths={"Bucket": 24})
    if "Provision" in t:   # beside the aging block: a few figures, not a table keyed by customer
        prov = t["Provision"]
        figures = [c for c in ("GrossReceivable", "Allowance", "NetReceivable", "Charge") if c in prov.columns]
        col = 5
        sheet.write_string(row, col, ui("pack.provision", language),
                           formats.get(bold=True, font_size=12, font_color="#1F4E78"))
        for i, name in enumerate(figures):
            sheet.write_string(row + 2 + i, col, header(name, language), formats.get())
            sheet.write_number(row + 2 + i, col + 2, float(prov[name].sum()), formats.get("money"))
        sheet.set_column(col, col + 1, 12)
        sheet.set_column(col + 2, col + 2, 16)
    row = after_aging + 1
    if "OpenItems" in t and len(t["OpenItems"]):
        items = t["OpenItems"]
        columns = [c for c in ("CustomerID", "CustomerName", "InvoiceNo", "DueDate", "OpenAmount", "DaysOverdue",
                               "NextStep") if c in items.columns]
        chase = items[columns].head(CHASE)
        _heading(sheet, formats, row, ui("pack.chase", language, n=len(chase), total=len(items)))
        _table(sheet, formats, "PackChase", chase, row + 2, language,
               widths={"CustomerName": NAME_WIDTH, "NextStep": 34})
    return True


def _targets(sheet, formats: Formats, results: Results, sheets, language: str, book) -> bool:
    t = results.tables
    if "Attainment" not in t or not len(t["Attainment"]):
        return False
    frame = t["Attainment"]
    # the window (this period, the year to date) tells a key's two rows of one measure apart
    columns = [c for c in ("Level", "Name", "Window", "Measure", "Target", "Actual", "Attainment", "Variance")
               if c in frame]
    row = _start(sheet, formats, ui("pack.targets", language), results, sheets)
    shown = frame[columns].head(TARGETS)
    if len(frame) > len(shown):
        sheet.write_string(row, 0, ui("pack.more", language, shown=len(shown), total=len(frame),
                                      sheet=sheet_title("Attainment", language)), formats.get(italic=True))
        row += 1
    _table(sheet, formats, "PackTargets", shown, row + 1, language)
    return True


def _actions(sheet, formats: Formats, results: Results, sheets, language: str, book) -> bool:
    """Last period's actions, each on one line with its verdict (and the figures it rests on)."""
    source, review = writer.find_table(sheets, "ActionReview")
    if review is None or not review.rows:
        return False
    row = _start(sheet, formats, ui("pack.actions", language), results, sheets)
    frame = results.tables["ActionReview"]
    flags = catalogue(language).TEXT   # a flag may be shown in words (是 / 否)
    said = {True: True, False: False, flags.get("flag.True", True): True, flags.get("flag.False", False): False}
    improved = (frame["Improved"] if "Improved" in frame else pd.Series([pd.NA] * len(frame))).map(
        lambda v: said.get(v) if not pd.isna(v) else None)
    counts = {"yes": int((improved == True).sum()), "no": int((improved == False).sum())}  # noqa: E712
    sheet.write_string(row, 0, ui("pack.actions_counts", language, n=len(frame), yes=counts["yes"], no=counts["no"],
                                  open=len(frame) - counts["yes"] - counts["no"]), formats.get())
    row += 1
    if len(frame) > ACTIONS:
        sheet.write_string(row, 0, ui("pack.more", language, shown=ACTIONS, total=len(frame),
                                      sheet=sheet_title("ActionReview", language)), formats.get(italic=True))
        row += 1
    keep = [c for c in ("CustomerName", "PreviousActions", "Metric", "Before", "Now", "Improved")
            if any(col.name == c for col in review.columns)]
    table = copy.copy(review)
    table.name, table.row, table.col = "PackActions", row + 1, 0
    table.columns = [copy.copy(review.column(c)) for c in keep]
    n = min(ACTIONS, review.rows)
    verdicts = {True: ui("pack.verdict_yes", language), False: ui("pack.verdict_no", language)}
    for c in table.columns:
        c.values = c.values.iloc[:n].reset_index(drop=True)
        if c.name == "Improved":   # the verdict in words, on the action's line
            c.values = improved.iloc[:n].reset_index(drop=True).map(
                lambda v: verdicts.get(v, ui("pack.verdict_open", language))).astype(object)
            c.kind, c.width, c.header = "text", 14, ui("pack.verdict", language)
        elif c.name == "PreviousActions":
            c.width, c.wrap = 44, True
        elif c.name == "CustomerName":
            c.width = 30
        elif c.name == "Metric":
            c.width = 18
    table.row_kinds = review.row_kinds[:n] if review.row_kinds else None
    table.totals, table.highlight = {}, []
    writer.render_table(sheet, formats, table)
    return True


def _forecast(sheet, formats: Formats, results: Results, sheets, language: str, book) -> bool:
    """The forecast check: its chart and two sentences (the model used and why; how it did on the holdout)."""
    spec = writer.model_check_chart(sheets, language)
    if spec is None:
        return False
    row = _start(sheet, formats, ui("pack.forecast", language), results, sheets)
    sheet.set_column(0, 15, 7.6)
    for line in model_lines(results, language)[:2]:
        sheet.merge_range(row, 0, row, 15, line, formats.get(text_wrap=True, valign="top"))
        sheet.set_row(row, writer.LINE_HEIGHT * writer.text_lines(line, 16 * 7.6))
        row += 1
    chart = writer.draw_chart(book, spec)
    chart.set_size({"width": 760, "height": 380})
    sheet.insert_chart(row + 1, 0, chart, {"x_offset": 4})
    return True


def _quality(sheet, formats: Formats, results: Results, sheets, language: str, book) -> bool:
    """Data quality and the Controls on one page: whether the report ties to its ledgers (the Controls), the
    findings by severity, and as many of the errors and warnings in words as the page holds."""
    t = results.tables
    row = _start(sheet, formats, ui("pack.quality", language), results, sheets)
    if "Controls" in t:
        line, ok = controls_line(results, language)
        sheet.write_string(row, 0, line, formats.get(bold=True, font_color="#006100" if ok else "#9C0006"))
        row += 1
    dq = results.dq
    sheet.write_string(row, 0, ui("pack.dq_counts", language, errors=dq.count("Error"), warnings=dq.count("Warning"),
                                  info=dq.count("Info")), formats.get())
    row += 2
    if "Controls" in t:   # first: whether the summary ties is what the page is signed on
        controls = t["Controls"][[c for c in ("Control", "Status", "Difference") if c in t["Controls"]]]
        row = _table(sheet, formats, "PackControls", controls, row, language, widths={"Control": 70},
                     kinds={"Difference": "number"})
    findings = t["DataQuality"].reset_index(drop=True)
    is_serious = [r.get("Severity") in ("Error", "Warning") for r in dq.records]   # the table's rows, in order
    serious = findings[is_serious].head(FINDINGS) if len(is_serious) == len(findings) else findings.head(0)
    # As many as the page holds below the Controls (a table running onto a second page loses its header).
    lines = serious["Message"].map(lambda text: writer.text_lines(text, 70)).cumsum()
    shown = serious[(lines <= PAGE_ROWS - row - 2).to_numpy()]
    total = dq.count("Error") + dq.count("Warning")
    if len(shown):
        if len(shown) < total:
            sheet.write_string(row, 0, ui("pack.more", language, shown=len(shown), total=total,
                                          sheet=sheet_title("DataQuality", language)), formats.get(italic=True))
            row += 1
        # The message first: it shares column A's width with the Control names above.
        _table(sheet, formats, "PackFindings", shown[["Message", "Severity", "Table"]], row, language,
               widths={"Message": 70})
    return True


