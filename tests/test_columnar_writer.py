"""The columnar write path (kam_xl/render/columnar.py) writes what XlsxWriter writes cell by cell, byte for byte.

Each test writes one workbook twice: once with XlsxWriter's own calls, a cell at a time in column order (as the
summary writer did before), once through columnar.add_body; every part of the two packages must be equal: the
sheets' XML (cell references, styles, types, values, cached formula values), the shared strings, the styles and
the charts' cached data.
"""
from __future__ import annotations

import math
import zipfile
from datetime import datetime

import numpy as np
import pandas as pd
import pytest

from kam_xl.render import columnar
from kam_xl.render.xlsx import add_sheet, new_workbook

FORMULA = "=IF(ISNUMBER(T[[#This Row],[A]]),T[[#This Row],[A]]*2,\"\")"


def _parts(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}


def _same(tmp_path, write_cells, write_columns) -> dict[str, bytes]:
    """Write a book both ways; assert every part equal; return the parts."""
    books = []
    for name, write in (("cells", write_cells), ("columns", write_columns)):
        path = tmp_path / f"{name}.xlsx"
        book = new_workbook(path)
        sheet = add_sheet(book, "Data")
        write(book, sheet)
        book.close()
        books.append(_parts(path))
    cells, columns = books
    assert cells.keys() == columns.keys()
    for part in cells:
        assert cells[part] == columns[part], part
    return columns


NUMBERS = pd.Series([1.5, 2.0, np.nan, -0.1, 1e20, 123456789.123456789, np.inf, 0.1 + 0.2, -3.0])
TEXTS = pd.Series(["Acme & Co", "<b>", "Acme & Co", None, " lead", "中文客户", "", "Acme & Co", "z"], dtype=object)
DATES = pd.Series(pd.to_datetime(["2026-01-31", "2025-12-01 13:45:10.250", None, "1900-03-01", "2099-12-31",
                                  "2026-02-28", "2026-03-01", "2000-02-29", "2026-10-31 23:59:59"], format="ISO8601"))
FLAGS = pd.Series([True, False, True, True, False, False, True, False, True])


def test_values_numbers_texts_dates_flags(tmp_path):
    """Numbers (%.16G; a non-finite one blank), text through the shared strings (repeats, blanks, XML
    characters, CJK), dates as serial days with their time, flags; a second format in one column."""
    def cells(book, sheet):
        money, general = book.add_format({"num_format": "#,##0.00"}), book.add_format({"bold": True})
        date = book.add_format({"num_format": "yyyy-mm-dd"})
        for i, v in enumerate(NUMBERS):
            sheet.write_number(i + 1, 0, v, money) if math.isfinite(v) else sheet.write_blank(i + 1, 0, None, money)
        for i, v in enumerate(TEXTS):
            sheet.write_string(i + 1, 1, v, general) if v is not None else sheet.write_blank(i + 1, 1, None, general)
        for i, v in enumerate(DATES):
            sheet.write_datetime(i + 1, 2, v.to_pydatetime(), date) if v is not pd.NaT else \
                sheet.write_blank(i + 1, 2, None, date)
        for i, v in enumerate(FLAGS):
            sheet.write_boolean(i + 1, 3, bool(v), general)
        sheet.write_string(0, 0, "after")   # a string written after the body is numbered after its strings

    def columns(book, sheet):
        money, general = book.add_format({"num_format": "#,##0.00"}), book.add_format({"bold": True})
        date = book.add_format({"num_format": "yyyy-mm-dd"})
        columnar.add_body(sheet, 1, 0, [columnar.typed(NUMBERS, money), columnar.texts(sheet, TEXTS, general),
                                        columnar.typed(DATES, date), columnar.typed(FLAGS, general)])
        sheet.write_string(0, 0, "after")

    parts = _same(tmp_path, cells, columns)
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    assert '<c r="A2" s="1"><v>1.5</v></c>' in sheet and '<c r="A4" s="1"/>' in sheet and "<v>1E+20</v>" in sheet
    assert '<c r="C2" s="3"><v>46053</v></c>' in sheet   # 2026-01-31: day 46,053 of Excel's calendar
    assert b"Acme &amp; Co" in parts["xl/sharedStrings.xml"]


def test_formulas_with_cached_values_and_row_kinds(tmp_path):
    """Formulas with a number, an empty (missing or non-finite), a text, an error and a flag as cached value;
    a column whose rows take different formats (a measure table: money, then %, then days)."""
    cached = [10.25, "", float("nan"), "n/a", "#DIV/0!", True, 3.0]
    mixed = [1200.5, 0.25, "text", None, 31.0, pd.Timestamp("2026-01-31"), np.int64(7)]
    kinds = ["money", "pct", "money", "pct", "days", "date", "money"]

    def formats(book):
        return {k: book.add_format({"num_format": f}) for k, f in
                (("money", "#,##0.00"), ("pct", "0.0%"), ("days", "#,##0.0"), ("date", "yyyy-mm-dd"))}

    def cells(book, sheet):
        f = formats(book)
        for i, value in enumerate(cached):
            sheet.write_formula(i + 1, 0, FORMULA, f["money"], value)
        for i, (value, kind) in enumerate(zip(mixed, kinds)):
            if isinstance(value, pd.Timestamp):
                sheet.write_datetime(i + 1, 1, value.to_pydatetime(), f[kind])
            elif isinstance(value, str):
                sheet.write_string(i + 1, 1, value, f[kind])
            elif value is None:
                sheet.write_blank(i + 1, 1, None, f[kind])
            else:
                sheet.write_number(i + 1, 1, float(value), f[kind])

    def columns(book, sheet):
        f = formats(book)
        order = list(dict.fromkeys(kinds))
        columnar.add_body(sheet, 1, 0, [
            columnar.general(sheet, cached, [f["money"]], [0] * len(cached), FORMULA),
            columnar.general(sheet, mixed, [f[k] for k in order], [order.index(k) for k in kinds])])

    sheet = _same(tmp_path, cells, columns)["xl/worksheets/sheet1.xml"].decode()
    assert '<c r="A5" s="1" t="str"><f>' in sheet and '<c r="A6" s="1" t="e">' in sheet
    assert "<v>10.25</v>" in sheet and '<c r="A7" s="1" t="b">' in sheet


def test_numeric_formula_column(tmp_path):
    values = pd.Series([1.0, np.nan, 2.5, -np.inf, 1 / 3])

    def cells(book, sheet):
        fmt = book.add_format({"bg_color": "#E2EFDA"})
        for i, v in enumerate(values):
            sheet.write_formula(i + 1, 0, FORMULA, fmt, v if math.isfinite(v) else "")

    def columns(book, sheet):
        fmt = book.add_format({"bg_color": "#E2EFDA"})
        columnar.add_body(sheet, 1, 0, [columnar.formulas(sheet, FORMULA, values, fmt)])

    sheet = _same(tmp_path, cells, columns)["xl/worksheets/sheet1.xml"].decode()
    assert "<v>0.3333333333333333</v>" in sheet and sheet.count("<v></v>") == 2


def test_body_beside_other_cells_and_under_a_chart(tmp_path):
    """A body beside cells of the same rows (the Dashboard's tiles beside its KPIs table): styles are numbered
    in the order XlsxWriter meets them, row by row; a chart over the body caches its values; the rows' spans,
    a taller row, the Excel Table over the body and its header."""
    numbers = pd.Series(np.arange(40, dtype="float64") * 1.5)
    names = pd.Series([f"C{i % 7:03d}" for i in range(40)])

    def tiles(book, sheet):
        for row in range(0, 41, 5):   # a format first used in the middle of the body's rows
            sheet.write_string(row, 0, f"tile {row}", book.add_format({"italic": True, "font_size": 9 + row % 3}))
        sheet.set_row(7, 30)

    def chart(book, sheet):
        chart = book.add_chart({"type": "column"})
        chart.add_series({"categories": ["Data", 1, 2, 40, 2], "values": ["Data", 1, 3, 40, 3]})
        sheet.insert_chart(2, 6, chart)
        sheet.add_table(0, 2, 40, 3, {"name": "T", "columns": [{"header": "Name"}, {"header": "A"}]})

    def cells(book, sheet):
        tiles(book, sheet)
        text, money = book.add_format({"bold": True}), book.add_format({"num_format": "0.0"})
        for i, v in enumerate(names):
            sheet.write_string(i + 1, 2, v, text)
        for i, v in enumerate(numbers):
            sheet.write_number(i + 1, 3, v, money)
        chart(book, sheet)

    def columns(book, sheet):
        tiles(book, sheet)
        text, money = book.add_format({"bold": True}), book.add_format({"num_format": "0.0"})
        columnar.add_body(sheet, 1, 2, [columnar.texts(sheet, names, text), columnar.typed(numbers, money)])
        chart(book, sheet)

    parts = _same(tmp_path, cells, columns)
    assert b"<c:v>58.5</c:v>" in parts["xl/charts/chart1.xml"] and b"<c:v>C006</c:v>" in parts["xl/charts/chart1.xml"]
    assert b'ref="C1:D41"' in parts["xl/tables/table1.xml"]


def test_large_body_spans_chunks(tmp_path, monkeypatch):
    """Rows made into XML a chunk at a time: a body longer than a chunk, a new format starting mid-chunk."""
    monkeypatch.setattr(columnar, "CHUNK_ROWS", 7)
    values = pd.Series(np.linspace(-5, 5, 50))
    kinds = [0 if i < 23 else 1 for i in range(50)]

    def cells(book, sheet):
        fmts = [book.add_format({"num_format": "0.00"}), book.add_format({"num_format": "0.0%"})]
        for i, v in enumerate(values):
            sheet.write_number(i + 3, 1, v, fmts[kinds[i]])

    def columns(book, sheet):
        fmts = [book.add_format({"num_format": "0.00"}), book.add_format({"num_format": "0.0%"})]
        columnar.add_body(sheet, 3, 1, [columnar.general(sheet, values.tolist(), fmts, kinds)])

    _same(tmp_path, cells, columns)


def test_text_column_with_a_number_is_left_to_the_general_path(tmp_path):
    book = new_workbook(tmp_path / "x.xlsx")
    sheet = add_sheet(book, "Data")
    assert columnar.texts(sheet, pd.Series(["a", 1.5], dtype=object), None) is None
    book.close()


@pytest.mark.parametrize("stamp", ["1900-01-01", "1900-02-28 12:00"])
def test_dates_before_march_1900_are_not_typed(stamp):
    """Excel's 29 February 1900 and time-only values: those dates go value by value through XlsxWriter."""
    assert not columnar.plain_dates(pd.Series(pd.to_datetime([stamp, "2026-01-01"], format="ISO8601")))
    assert columnar.plain_dates(pd.Series(pd.to_datetime([datetime(2026, 1, 1), None])))


def test_written_for_the_xlsxwriter_it_was_proved_against():
    """The columnar XML is XlsxWriter 3.3's, byte for byte; pyproject pins that series."""
    import xlsxwriter
    assert xlsxwriter.__version__.startswith("3.3.")


def test_a_control_character_in_a_cached_text_is_escaped_both_ways(tmp_path):
    """'a\\x01b' as a formula's cached text: XML 1.0 cannot hold \\x01, so both paths write Excel's escape
    _x0001_ (a raw one made the sheet not well-formed: the summary would not open)."""
    from xml.etree import ElementTree

    def cells(book, sheet):
        sheet.write_formula(1, 0, FORMULA, book.add_format({"bold": True}), "a\x01b")

    def columns(book, sheet):
        bold = book.add_format({"bold": True})
        columnar.add_body(sheet, 1, 0, [columnar.general(sheet, ["a\x01b"], [bold], [0], FORMULA)])

    sheet = _same(tmp_path, cells, columns)["xl/worksheets/sheet1.xml"]
    ElementTree.fromstring(sheet)   # well-formed
    assert b"<v>a_x0001_b</v>" in sheet


def test_a_body_is_refused_over_cells_already_written_or_past_the_last_row(tmp_path):
    book = new_workbook(tmp_path / "b.xlsx")
    sheet = add_sheet(book, "Data")
    sheet.write_number(3, 1, 5.0)
    plain = book.add_format({"num_format": "0.00"})
    column = columnar.typed(pd.Series([1.0, 2.0, 3.0]), plain)
    with pytest.raises(ValueError, match="row 4"):
        columnar.add_body(sheet, 2, 0, [column, columnar.typed(pd.Series([1.0, 2.0, 3.0]), plain)])
    with pytest.raises(ValueError, match="does not fit"):
        columnar.add_body(sheet, 1_048_574, 0, [columnar.typed(pd.Series([1.0, 2.0, 3.0]), plain)])
    columnar.add_body(sheet, 5, 0, [column])   # below the written cell: fine
    book.close()


def test_rows_of_every_kind_around_bodies(tmp_path, monkeypatch):
    """Body rows written a block at a time beside rows written a cell at a time: a taller, a hidden and an
    outlined row inside a block; a row with a format, a comment, a cell left of the body, and two bodies side
    by side, each row on its own; blocks of 4 rows; a formula with '%' in it."""
    monkeypatch.setattr(columnar, "CHUNK_ROWS", 4)
    numbers = pd.Series([1.5, np.nan, 3.0, np.inf, 0.1 + 0.2] * 6)
    flags = pd.Series([True, False, True] * 10)
    beside = pd.Series(np.arange(31, dtype="float64"))
    percent = '=TEXT(T[[#This Row],[A]],"0%")&"%"'

    def rows(book, sheet):
        sheet.set_row(3, 30)
        sheet.set_row(4, None, book.add_format({"italic": True}))
        sheet.set_row(5, 20, None, {"hidden": True})
        sheet.set_row(6, None, None, {"level": 1})
        sheet.write_comment(8, 0, "a note")
        sheet.write_string(12, 0, "left", book.add_format({"bold": True}))

    def cells(book, sheet):
        rows(book, sheet)
        money, flag = book.add_format({"num_format": "0.00"}), book.add_format({"bg_color": "#E2EFDA"})
        for i, v in enumerate(numbers):
            sheet.write_number(i + 1, 1, v, money) if math.isfinite(v) else sheet.write_blank(i + 1, 1, None, money)
            sheet.write_boolean(i + 1, 2, bool(flags[i]), flag)
            sheet.write_formula(i + 1, 3, percent, flag, v if math.isfinite(v) else "")
        for i, v in enumerate(beside):
            sheet.write_number(i + 10, 5, v, money)

    def columns(book, sheet):
        rows(book, sheet)
        money, flag = book.add_format({"num_format": "0.00"}), book.add_format({"bg_color": "#E2EFDA"})
        columnar.add_body(sheet, 1, 1, [columnar.typed(numbers, money), columnar.typed(flags, flag),
                                        columnar.formulas(sheet, percent, numbers, flag)])
        columnar.add_body(sheet, 10, 5, [columnar.typed(beside, money)])

    sheet = _same(tmp_path, cells, columns)["xl/worksheets/sheet1.xml"].decode()
    assert '<row r="4" spans="1:6" ht="30" customHeight="1">' in sheet and 'hidden="1"' in sheet
    assert '<c r="B3" s="1"/>' in sheet and '"%"' in sheet and '<c r="F11" s="1"><v>0</v></c>' in sheet


def test_a_cell_written_over_a_body_is_refused(tmp_path):
    book = new_workbook(tmp_path / "over.xlsx")
    sheet = add_sheet(book, "Data")
    plain = book.add_format({"num_format": "0.00"})
    columnar.add_body(sheet, 1, 0, [columnar.typed(pd.Series([1.0, 2.0, 3.0]), plain)])
    with pytest.raises(ValueError, match="row 3"):
        columnar.add_body(sheet, 2, 0, [columnar.typed(pd.Series([1.0]), plain)])
    sheet.write_number(2, 0, 5.0)
    with pytest.raises(ValueError, match="row 3"):
        book.close()


def test_texts_over_excels_longest_are_cut_as_xlsxwriter_cuts_them(tmp_path):
    """32,767 UTF-16 units at most: an emoji counts two; a text of 20,000 emoji is cut, one of 16,000 is not."""
    names = pd.Series(["x" * 40_000, "\U0001F600" * 20_000, "\U0001F600" * 16_000, "short"], dtype=object)

    def cells(book, sheet):
        bold = book.add_format({"bold": True})
        for i, v in enumerate(names):
            sheet.write_string(i + 1, 0, v, bold)

    def columns(book, sheet):
        columnar.add_body(sheet, 1, 0, [columnar.texts(sheet, names, book.add_format({"bold": True}))])

    strings = _same(tmp_path, cells, columns)["xl/sharedStrings.xml"].decode()
    assert "x" * 32_767 + "<" in strings and "\U0001F600" * 16_000 + "<" in strings
