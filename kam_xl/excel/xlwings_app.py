"""The refresh macro inside Excel (xlwings): read the open book's input
tables, analyse, and write the output sheets with the same layout plan as the
headless writer (kam_xl.render.layout). Charts are drawn by ``kam-xl build``; the
macro refreshes every table, the KPI table and the written summary."""
from __future__ import annotations

from pathlib import Path

from kam_xl.analysis import Results
from kam_xl.contract import normalize_name
from kam_xl.excel.cells import as_cell, as_text_value
from kam_xl.inputs.reader import header_and_rows, read_grids
from kam_xl.inputs.safe_io import sha256
from kam_xl.render.layout import KPI_ANCHOR, SheetPlan, TablePlan, controls_line, kpi_plan, plan
from kam_xl.render.localize import analyze
from kam_xl.render.xlsx import number_formats
from kam_xl.words import sheet_title, ui

DASHBOARD = "Dashboard"


def _provider(book):
    """Find an input table as an Excel Table (ListObject) or a sheet, by name or alias."""
    def find(name: str, aliases: set[str]):
        for sheet in book.sheets:
            for table in sheet.tables:
                if normalize_name(table.name) in aliases:
                    values = table.range.options(ndim=2, err_to_str=True).value
                    return values[0], values[1:], table.range.row + 1, table.range.column - 1, sheet.name
        for sheet in book.sheets:
            if normalize_name(sheet.name) in aliases:
                used = sheet.used_range
                header, rows, index = header_and_rows(used.options(ndim=2, err_to_str=True).value)
                if index >= 0:
                    return header, rows, used.row + index + 1, used.column - 1, sheet.name
        return None
    return find


def refresh_book(book, language: str | None = None) -> Results:
    """Recompute the output sheets of an open workbook; inputs are only read."""
    app = book.app
    try:
        app.status_bar = "kam-xl: reading input tables..."
        inputs = read_grids(_provider(book), Path(book.fullname))
        if inputs.source.exists():  # the file as last saved
            inputs.source_sha256 = sha256(inputs.source)
        if inputs.fatal:
            app.alert("\n".join(inputs.fatal), title="kam-xl")
            return None
        app.status_bar = "kam-xl: analysing..."
        results = analyze(inputs, {"Language": language} if language else None)
        language = language or results.params.language
        sheets = plan(results, language)
        for sheet_plan in sheets:
            app.status_bar = f"kam-xl: writing {sheet_plan.title}..."
            write_sheet(book, sheet_plan, results)
        write_dashboard(book, results, language, sheets[0].subtitle)
        errors = results.dq.count("Error")
        app.status_bar = f"kam-xl: done; {errors} data-quality errors (see the DataQuality sheet)"
        return results
    except Exception as exc:  # shown to the user in Excel, not as a traceback
        app.status_bar = False
        app.alert(f"kam-xl could not refresh: {exc}", title="kam-xl")
        raise


def _fresh_sheet(book, title: str, after=None):
    names = [s.name for s in book.sheets]
    if title in names:
        book.sheets[title].delete()
    return book.sheets.add(title, after=after or book.sheets[len(book.sheets) - 1])


def write_sheet(book, sheet_plan: SheetPlan, results: Results) -> None:
    sheet = _fresh_sheet(book, sheet_plan.title)
    sheet.range((1, 1)).value = sheet_plan.title
    sheet.range((2, 1)).value = sheet_plan.subtitle
    for offset, text in enumerate([*sheet_plan.notes, *sheet_plan.lines]):
        sheet.range((4 + offset, 1)).value = as_text_value(text)
    formats = number_formats(results.params.reporting_currency, results.params.language)
    for table in sheet_plan.tables:
        write_table(sheet, table, formats)


def write_table(sheet, table: TablePlan, formats: dict) -> None:
    """Header, values column by column, formulas, totals above the header, and the Excel Table."""
    top, left = table.row + 1, table.col + 1
    sheet.range((top, left)).value = [[as_text_value(c.header) for c in table.columns]]
    rows = max(table.rows, 1)
    for offset, column in enumerate(table.columns):
        col = left + offset
        body = sheet.range((top + 1, col), (top + rows, col))
        if column.formula:
            body.formula = [[table.render(column.formula)] for _ in range(table.rows)] or [[None]]
        else:
            body.value = [[as_text_value(as_cell(v))] for v in column.values.tolist()] or [[None]]
        if column.kind not in ("text", "bool") and not table.row_kinds:
            body.number_format = formats[column.kind]
        elif column.kind not in ("text", "pct", "bool") and not column.formula:   # each row as its measure reads
            for i, kind in enumerate(table.row_kinds[:table.rows]):
                sheet.range((top + 1 + i, col)).number_format = formats.get(kind, formats["number"])
        if column.name in table.totals:
            sheet.range((top - 1, col)).formula = table.render(table.totals[column.name][0])
    if table.totals:
        sheet.range((top - 1, left)).value = table.totals_label
    source = sheet.range((top, left), (top + rows, left + len(table.columns) - 1))
    sheet.tables.add(source=source, name=table.name)


def write_dashboard(book, results: Results, language: str, subtitle: str) -> None:
    sheet = _fresh_sheet(book, sheet_title(DASHBOARD, language), after=book.sheets[0])
    sheet.range((1, 1)).value = ui("dashboard.title", language)
    sheet.range((2, 1)).value = subtitle
    if "Controls" in results.tables:
        sheet.range((3, 1)).value = as_text_value(controls_line(results, language)[0])
    for i, sentence in enumerate(results.commentary):
        sheet.range((4 + i, 1)).value = as_text_value(sentence)
    kpis = kpi_plan(results, language, *KPI_ANCHOR)
    write_table(sheet, kpis, number_formats(results.params.reporting_currency, language))
