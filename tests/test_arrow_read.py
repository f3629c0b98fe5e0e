"""Excel Tables read as typed Arrow columns (kam_xl.inputs.arrow_tables) give exactly what the cell-by-cell
reading gives: the same typed tables (values and dtypes), the same DataQuality records, messages and places.
Every book here is read both ways; each case also says whether its table may take the typed way at all,
so a case cannot pass by never using it. The cases are fastexcel's known traps: a text number or a text
date below its 1,000-row type sample, error cells (read as blanks), leading-zero and numeric IDs, booleans,
times of day, rows typed under a table, the 1904 date system, dates before March 1900 and a long
shared-string table."""
import datetime as dt
import re

import openpyxl
import pandas as pd
import pytest
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import CALENDAR_MAC_1904
from openpyxl.worksheet.table import Table
from test_reader import messy_chinese_workbook

from kam_xl import read_workbook
from kam_xl.authoring import demo
from kam_xl.authoring.template import write_template
from kam_xl.inputs import threads

ROWS = 1_200   # beyond fastexcel's default type sample of 1,000 rows


def read_both_ways(path, monkeypatch) -> tuple:
    """(inputs, tables read as typed columns); asserts the two readings agree."""
    typed = []
    real = threads.arrow_grid

    def spy(*args):
        grid = real(*args)
        if grid is not None:
            typed.append(grid.table)
        return grid
    monkeypatch.setattr(threads, "arrow_grid", spy)
    fast = read_workbook(path)
    monkeypatch.setattr(threads, "ARROW_READ", False)
    slow = read_workbook(path)
    monkeypatch.setattr(threads, "ARROW_READ", True)
    assert sorted(fast.tables) == sorted(slow.tables)
    for name in slow.tables:
        pd.testing.assert_frame_equal(fast.tables[name], slow.tables[name], obj=name)
    assert fast.dq.records == slow.dq.records
    pd.testing.assert_frame_equal(fast.dq.frame(), slow.dq.frame())
    assert fast.fatal == slow.fatal
    return fast, set(typed)


def book(path, sales_rows, customers=(("C001", "Alpha"), ("C002", "Beta")), sales_header=None, setup=None):
    """Customers and Sales as Excel Tables (openpyxl), ``sales_rows`` of (Date, CustomerID, DocumentNo,
    NetRevenue, COGS)."""
    wb = openpyxl.Workbook()
    if setup:
        setup(wb)
    ws = wb.active
    ws.title = "Customers"
    ws.append(["CustomerID", "CustomerName"])
    for row in customers:
        ws.append(list(row))
    ws.add_table(Table(displayName="Customers", ref=f"A1:B{len(customers) + 1}"))
    sales = wb.create_sheet("Sales")
    header = sales_header or ["Date", "CustomerID", "DocumentNo", "NetRevenue", "COGS"]
    sales.append(header)
    for row in sales_rows:
        sales.append(list(row))
    sales.add_table(Table(displayName="Sales", ref=f"A1:{get_column_letter(len(header))}{len(sales_rows) + 1}"))
    params = wb.create_sheet("Parameters")
    params.append(["Parameter", "Value"])
    params.append(["AsOfDate", dt.datetime(2026, 6, 30)])
    wb.save(path)
    return path


def lines(n=ROWS, customer=lambda i: "C001" if i % 2 else "C002"):
    return [[dt.datetime(2026, 1, 1) + dt.timedelta(days=i % 170), customer(i), f"D{i:05d}", 100.0 + i, 60.0 + i]
            for i in range(n)]


def with_cell(rows, index, position, value):
    rows[index][position] = value
    return rows


def test_the_demo_book_reads_the_same_and_typed(tmp_path, monkeypatch):
    path = write_template(tmp_path / "demo.xlsx", demo.generate(customers=40, lines_per_customer=30.0, seed=4))
    inputs, typed = read_both_ways(path, monkeypatch)
    assert {"Customers", "Sales", "Invoices", "Payments", "Activities", "Contacts"} <= typed
    assert len(inputs["Sales"]) > 1_000


def test_the_chinese_demo_book_reads_the_same_and_typed(tmp_path, monkeypatch):
    tables = demo.generate(customers=30, lines_per_customer=20.0, seed=5)
    path = write_template(tmp_path / "演示.xlsx", tables, language="zh-CN")
    inputs, typed = read_both_ways(path, monkeypatch)
    assert len(typed) >= 5 and inputs.dq.sources["Sales"].headers["CustomerID"] == (1, "客户编号")


def test_the_messy_chinese_book_reads_the_same(tmp_path, monkeypatch):
    inputs, typed = read_both_ways(messy_chinese_workbook(tmp_path / "客户台账.xlsx"), monkeypatch)
    assert "销售" not in typed        # text numbers and dates, an #N/A and a totals row: cell by cell
    assert inputs.dq.records          # and every one of its problems is still reported


def test_error_cells_in_a_table_are_still_named(tmp_path, monkeypatch):
    rows = lines()
    path = tmp_path / "errors.xlsx"
    book(path, rows)
    wb = openpyxl.load_workbook(path)
    cell = wb["Sales"]["E1101"]
    cell.value, cell.data_type = "#N/A", "e"
    wb.save(path)
    inputs, typed = read_both_ways(path, monkeypatch)
    assert "Sales" not in typed and "Customers" in typed
    found = inputs.dq.frame().query("Table == 'Sales' and Value == '#N/A'")[["Row", "Column"]].values.tolist()
    assert found == [[1101, "COGS"]]


@pytest.mark.parametrize("case, rows, typed_sales", [
    ("clean", lines(), True),
    ("a text number below the type sample", with_cell(lines(), 1_100, 3, "1,500"), False),
    ("a text date below the type sample", with_cell(lines(), 1_100, 0, "2026/3/5"), False),
    ("a word in a number column", with_cell(lines(), 1_150, 4, "n/a"), False),
    ("a boolean in a number column", with_cell(lines(), 5, 4, True), False),
    ("a time of day in a date column", with_cell(lines(), 7, 0, dt.time(13, 30)), False),
    ("a number as a document number", with_cell(lines(), 1_190, 2, 12345.0), False),
    ("blank required cells and a blank row", with_cell(with_cell(lines(), 3, 3, None), 9, 1, None), True),
    ("dates in January and February 1900", with_cell(with_cell(lines(), 2, 0, dt.datetime(1900, 1, 15)),
                                                     4, 0, dt.datetime(1900, 2, 28)), True),
    ("a date in 2250", with_cell(lines(), 4, 0, dt.datetime(2250, 1, 1)), False),
    ("a text 'N/A' in a number column with blanks", with_cell(with_cell(lines(), 3, 4, None), 1_110, 4, "N/A"), False),
    ("a text 'nan' in a number column", with_cell(lines(), 1_120, 3, "nan"), False),
    ("a text 'null' in a date column", with_cell(lines(), 1_130, 0, "null"), False),
    ("thirty thousand distinct texts", lines(30_000), True),
])
def test_sales_cases_read_the_same(tmp_path, monkeypatch, case, rows, typed_sales):
    path = book(tmp_path / "case.xlsx", rows)
    inputs, typed = read_both_ways(path, monkeypatch)
    assert ("Sales" in typed) == typed_sales, case
    assert "Customers" in typed


def test_an_error_in_a_text_column_and_a_column_of_booleans(tmp_path, monkeypatch):
    path = book(tmp_path / "text_error.xlsx", lines())
    wb = openpyxl.load_workbook(path)
    cell = wb["Sales"]["C1150"]                      # DocumentNo
    cell.value, cell.data_type = "#REF!", "e"
    wb.save(path)
    inputs, typed = read_both_ways(path, monkeypatch)
    assert "Sales" not in typed
    assert inputs.dq.frame().query("Value == '#REF!'")[["Row", "Column"]].values.tolist() == [[1150, "DocumentNo"]]
    flags = book(tmp_path / "flags.xlsx", [row + [i % 3 == 0] for i, row in enumerate(lines())],
                 sales_header=["Date", "CustomerID", "DocumentNo", "NetRevenue", "COGS", "Checked"])
    inputs, typed = read_both_ways(flags, monkeypatch)
    assert "Sales" not in typed and "Checked" in inputs["Sales"]


def test_leading_zero_and_numeric_ids(tmp_path, monkeypatch):
    zeros = book(tmp_path / "zeros.xlsx", lines(customer=lambda i: "00123"), customers=[("00123", "Zero")])
    inputs, typed = read_both_ways(zeros, monkeypatch)
    assert {"Sales", "Customers"} <= typed and set(inputs["Sales"]["CustomerID"]) == {"00123"}
    numeric = book(tmp_path / "numeric.xlsx", lines(customer=lambda i: 10001.0 + i % 3),
                   customers=[(10001.0, "A"), (10002.0, "B"), (10003.0, "C")])
    inputs, typed = read_both_ways(numeric, monkeypatch)
    assert {"Sales", "Customers"} <= typed
    assert sorted(set(inputs["Sales"]["CustomerID"])) == ["10001", "10002", "10003"]


def test_rows_typed_under_a_table_are_read_with_it(tmp_path, monkeypatch):
    path = book(tmp_path / "below.xlsx", lines(20))
    wb = openpyxl.load_workbook(path)
    wb["Sales"].append([dt.datetime(2026, 2, 1), "C001", "D99999", 5.0, 1.0])   # the Table does not grow
    wb.save(path)
    inputs, typed = read_both_ways(path, monkeypatch)
    assert "Sales" not in typed and len(inputs["Sales"]) == 21


def test_a_table_with_a_totals_row(tmp_path, monkeypatch):
    rows = lines(30) + [["Total", None, None, 99999.0, None]]
    path = book(tmp_path / "totals.xlsx", rows)
    wb = openpyxl.load_workbook(path)
    wb["Sales"].tables["Sales"].totalsRowCount = 1
    wb.save(path)
    inputs, typed = read_both_ways(path, monkeypatch)
    assert "Sales" not in typed and len(inputs["Sales"]) == 30


def test_the_1904_date_system(tmp_path, monkeypatch):
    def mac(wb):
        wb.epoch = CALENDAR_MAC_1904
    path = book(tmp_path / "mac.xlsx", lines(50), setup=mac)
    inputs, typed = read_both_ways(path, monkeypatch)
    assert "Sales" in typed
    assert inputs["Sales"]["Date"].iloc[0] == pd.Timestamp("2026-01-01")


def _xlsxwriter_book(path, put_text):
    """Customers and Sales as Excel Tables written by XlsxWriter (shared strings, as Excel saves), COGS with
    blanks; ``put_text(book, sheet, row, col)`` writes a text into COGS of one line."""
    import xlsxwriter
    book = xlsxwriter.Workbook(path)
    customers = book.add_worksheet("Customers")
    customers.add_table(0, 0, 2, 1, {"name": "Customers", "columns": [{"header": "CustomerID"},
                                                                       {"header": "CustomerName"}],
                                     "data": [["C001", "Alpha"], ["C002", "Beta"]]})
    rows = [[f"2026-01-{1 + i % 28:02d}", "C001" if i % 2 else "C002", f"D{i:05d}", 100.0 + i,
             None if i % 7 == 0 else 60.0 + i] for i in range(ROWS)]
    sales = book.add_worksheet("Sales")
    sales.add_table(0, 0, ROWS, 4, {"name": "Sales", "data": rows, "columns": [
        {"header": h} for h in ("Date", "CustomerID", "DocumentNo", "NetRevenue", "COGS")]})
    if put_text is not None:
        put_text(book, sales, 1_111, 4)
    book.close()
    return path


@pytest.mark.parametrize("how", ["shared string", "rich text spelling it", "formula text", "no such text"])
def test_a_text_read_as_a_blank_is_found_however_the_file_holds_it(tmp_path, monkeypatch, how):
    # The reader looks for such texts cell by cell only when the file may hold one (ErrorCells.needs_scan):
    # the shared strings hold one of them or may spell one, or the sheet holds its own texts.
    def put(book, sheet, row, col):
        bold = book.add_format({"bold": True})
        if how == "shared string":
            sheet.write_string(row, col, "N/A")
        elif how == "rich text spelling it":
            sheet.write_rich_string(row, col, bold, "N", "/A")
        elif how == "formula text":
            sheet.write_formula(row, col, '="nu"&"ll"', None, "null")
    path = _xlsxwriter_book(tmp_path / "hidden.xlsx", put if how != "no such text" else None)
    inputs, typed = read_both_ways(path, monkeypatch)
    assert ("Sales" in typed) == (how == "no such text")
    if how != "no such text":
        assert inputs.dq.frame().query("Column == 'COGS' and Row == 1112 and Severity == 'Error'").shape[0] == 1


def test_fastexcel_reads_exactly_these_texts_as_blanks(tmp_path):
    """ErrorCells._HIDDEN_TEXTS is the list fastexcel (0.21) treats as missing in a number column; a near miss
    makes it refuse the column (then the table is read cell by cell). Should fastexcel change, this fails."""
    import fastexcel
    import xlsxwriter
    from html import unescape

    from kam_xl.inputs.error_cells import ErrorCells
    hidden = {unescape(t) for t in ErrorCells._HIDDEN_TEXTS}
    near = ["na", "NONE", "none", " N/A", "N/A ", "-", "nil", "NaT", "#NULL!", "Null", "NAN", "inf", "n.a.", "无"]
    read_as_blank = set()
    for i, text in enumerate(sorted(hidden) + near):
        path = tmp_path / f"t{i}.xlsx"
        book = xlsxwriter.Workbook(path)
        sheet = book.add_worksheet("S")
        sheet.add_table(0, 0, 3, 0, {"name": "T", "columns": [{"header": "a"}], "data": [[1.0], [2.0], [3.0]]})
        sheet.write_string(2, 0, text)
        book.close()
        try:
            column = fastexcel.read_excel(str(path)).load_table("T", dtype_coercion="strict",
                                                                schema_sample_rows=None).to_pandas()["a"]
        except Exception:  # noqa: BLE001 - refused: not read as a blank
            continue
        if column.dtype == "float64" and pd.isna(column[1]):
            read_as_blank.add(text)
    assert read_as_blank == hidden


@pytest.mark.parametrize("how", ["shared string", "error cell", "no such text"])
def test_sheets_scanned_ahead_in_small_pieces_give_the_same(tmp_path, monkeypatch, how):
    # A large sheet's XML is read ahead by a thread of its own (ErrorCells.prescan) in pieces of CHUNK bytes;
    # with pieces of 2 KB this book's sheets are read that way, and each piece boundary cuts rows.
    from kam_xl.inputs.error_cells import ErrorCells
    monkeypatch.setattr(ErrorCells, "CHUNK", 2048)
    prescanned = []
    real = ErrorCells.prescan
    monkeypatch.setattr(ErrorCells, "prescan", lambda self, sheets: (prescanned.extend(sheets), real(self, sheets)))

    def put(book, sheet, row, col):
        if how == "shared string":
            sheet.write_string(row, col, "N/A")
        elif how == "error cell":
            sheet.write_formula(row, col, "=1/0", None, "#DIV/0!")
    path = _xlsxwriter_book(tmp_path / "ahead.xlsx", put)
    inputs, typed = read_both_ways(path, monkeypatch)
    assert "Sales" in prescanned and ("Sales" in typed) == (how == "no such text")
    assert inputs.dq.frame().query("Column == 'COGS' and Severity == 'Error'").Row.tolist() == \
        ([] if how == "no such text" else [1112])


def test_several_reading_threads_read_the_same_and_never_two_large_sheets_past_the_largest(demo_workbook,
                                                                                             monkeypatch):
    # read_workbook(threads=N) takes the tables from one queue (threads._Tables): here every sheet of the demo
    # counts as large, so the budget (the largest sheet's XML) decides what is parsed beside what.
    monkeypatch.setattr(threads._Tables, "SMALL", 1)
    seen, reading = [], set()
    real_take, real_done = threads._Tables.take, threads._Tables.done

    def take(self):
        name = real_take(self)
        reading.add(name)
        seen.append((self.busy, self.limit, len(reading)))
        return name

    def done(self, name):
        reading.discard(name)
        real_done(self, name)
    monkeypatch.setattr(threads._Tables, "take", take)
    monkeypatch.setattr(threads._Tables, "done", done)
    one, several = read_workbook(demo_workbook, threads=1), read_workbook(demo_workbook, threads=3)
    for name in one.tables:
        pd.testing.assert_frame_equal(one.tables[name], several.tables[name], obj=name)
    assert one.dq.records == several.dq.records
    assert seen and all(busy <= limit for busy, limit, _ in seen)
    assert max(count for _, _, count in seen) >= 2   # and yet small enough tables were read two at a time


def test_a_text_kept_in_the_sheet_is_looked_at_on_a_sheet_the_safety_check_counted(tmp_path, monkeypatch):
    # SheetJS writes texts as t="str" cells without a formula. On a sheet the safety check counted (here every
    # sheet, thresholds lowered), a text 'N/A' kept so in a number column must still be found, not read as blank.
    import zipfile

    from kam_xl.inputs import safe_io
    monkeypatch.setattr(safe_io, "SCANNED_FROM", 0)
    monkeypatch.setattr(safe_io, "SCANNED_RATIO", 0)
    path = _xlsxwriter_book(tmp_path / "sheetjs.xlsx", None)
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    sheet = "xl/worksheets/sheet2.xml"
    cell = re.search(rb'<c r="E1113"[^>]*><v>[^<]*</v></c>', members[sheet])[0]
    members[sheet] = members[sheet].replace(cell, b'<c r="E1113" t="str"><v>N/A</v></c>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    inputs, typed = read_both_ways(path, monkeypatch)
    assert "Sales" not in typed
    assert inputs.dq.frame().query("Column == 'COGS' and Severity == 'Error'").Row.tolist() == [1113]
