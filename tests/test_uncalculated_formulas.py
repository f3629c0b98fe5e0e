"""A formula saved without its calculated value is an unknown, never a blank.

openpyxl (and so pandas' ``to_excel``) writes any text that starts with "="
as a formula with an empty value, and so do some ERP export libraries for
their totals formulas. calamine and fastexcel read such a cell as empty: a
customer name ``=1+1 贸易`` vanished and an amount ``=100*2`` read as blank
("NetRevenue is blank"), with no word of the formula. Each must be named,
sheet, row and header, with the formula shown, in English and Chinese.
"""
from __future__ import annotations

import re
import zipfile

import openpyxl
import xlsxwriter
from openpyxl.worksheet.table import Table

from helpers import write_book
from kam_xl import read_workbook
from kam_xl.inputs.error_cells import ErrorCells


def _records(inputs, language="en"):
    frame = inputs.dq.frame(language)
    found = frame[frame.Value.astype("str").str.startswith("=")]
    return sorted(found[["Table", "Row", "Column", "Value", "Message", "Location"]].values.tolist())


def test_formulas_without_values_on_a_plain_sheet_are_named_not_read_as_blank(tmp_path):
    path = write_book(tmp_path / "script.xlsx", {
        "Customers": [["CustomerID", "CustomerName", "KeyContact"], ["C1", "=1+1 贸易", "=B2&\"x\""],
                      ["C2", "Beta", "Wu"]],
        "Sales": [["Date", "CustomerID", "NetRevenue"], ["2026-01-05", "C1", "=100*2"], ["2026-01-06", "C2", 50],
                  ["2026-01-07", "=A1", 70]],
    })
    inputs = read_workbook(path)
    found = _records(inputs)
    assert [(t, r, c, v) for t, r, c, v, _, _ in found] == [
        ("Customers", 2, "CustomerName", "=1+1 贸易"),
        ("Customers", 2, "KeyContact", '=B2&"x"'),    # a column outside the contract, carried as text
        ("Sales", 2, "NetRevenue", "=100*2"),
        ("Sales", 4, "CustomerID", "=A1"),
    ]
    messages = {(t, c): (m, where) for t, _, c, _, m, where in found}
    assert messages["Sales", "NetRevenue"][0].startswith("NetRevenue: a formula saved without its value")
    assert messages["Sales", "NetRevenue"][0].endswith("row not used")
    assert messages["Customers", "CustomerName"][0].endswith("cell not used")
    assert messages["Sales", "CustomerID"][1] == "Sales!B4 CustomerID"
    # Neither the blank-cell message nor a made-up value: the two rows with a formula in a required cell are out.
    assert not inputs.dq.frame().Message.str.contains("is blank").any()
    assert inputs["Sales"]["NetRevenue"].tolist() == [50]
    customers = inputs["Customers"].set_index("CustomerID")
    assert customers.loc["C1", "CustomerName"] is None or customers["CustomerName"].isna()["C1"]
    assert customers.loc["C1", "KeyContact"] is None or customers["KeyContact"].isna()["C1"]
    assert customers.loc["C2", "KeyContact"] == "Wu"
    zh = {v: m for _, _, _, v, m, _ in _records(inputs, "zh-CN")}
    assert "：公式没有计算结果" in zh["=100*2"] and zh["=100*2"].endswith("该行未使用")
    assert zh["=1+1 贸易"].endswith("该单元格未使用")


def test_formulas_without_values_in_an_excel_table_are_named(tmp_path):
    path = tmp_path / "table.xlsx"
    book = openpyxl.Workbook()
    customers = book.active
    customers.title = "Customers"
    for row in [["CustomerID", "CustomerName", "Region"], ["C1", "=1+1 贸易", '="East"'], ["C2", "Beta", "West"]]:
        customers.append(row)
    customers.add_table(Table(displayName="Customers", ref="A1:C3"))
    sales = book.create_sheet("Sales")
    for row in [["Date", "CustomerID", "NetRevenue"], ["2026-01-05", "C1", "=100*2"], ["2026-01-06", "C2", 50]]:
        sales.append(row)
    sales.add_table(Table(displayName="Sales", ref="A1:C3"))
    book.save(path)
    inputs = read_workbook(path)
    assert [(t, r, c, v) for t, r, c, v, _, _ in _records(inputs)] == [
        ("Customers", 2, "CustomerName", "=1+1 贸易"), ("Customers", 2, "Region", '="East"'),
        ("Sales", 2, "NetRevenue", "=100*2")]
    assert inputs["Sales"]["NetRevenue"].tolist() == [50]


def test_a_calculated_empty_text_and_calculated_values_stay_as_they_are(tmp_path):
    # Excel stores a formula whose result is "" as t="str" with an empty value: a calculated blank, said nothing of.
    path = tmp_path / "calculated.xlsx"
    book = xlsxwriter.Workbook(path)
    book.add_worksheet("Customers").write_column(0, 0, ["CustomerID", "C1"])
    customers = book.get_worksheet_by_name("Customers")
    customers.write(0, 1, "CustomerName")
    customers.write_formula(1, 1, '=""', None, "")
    sales = book.add_worksheet("Sales")
    sales.write_row(0, 0, ["Date", "CustomerID", "NetRevenue"])
    sales.write_row(1, 0, ["2026-01-05", "C1"])
    sales.write_formula(1, 2, "=100*2", None, 200)
    book.close()
    _as_excel_stores_an_empty_text(path, "xl/worksheets/sheet1.xml")
    inputs = read_workbook(path)
    assert _records(inputs) == []
    assert inputs["Sales"]["NetRevenue"].tolist() == [200]


def _as_excel_stores_an_empty_text(path, part):
    """XlsxWriter stores the value "" without Excel's t="str"; put it as Excel saves it."""
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members[part] = members[part].replace(b'<c r="B2"><f>""</f><v></v></c>', b'<c r="B2" t="str"><f>""</f><v></v></c>')
    assert b't="str"' in members[part]
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def test_the_scan_finds_only_cells_without_a_value():
    xml = (b'<row r="1"><c r="A1"><f>X</f><v>1</v></c><c r="B1"><f>Y&amp;"&#36152;"</f></c>'
           b'<c r="C1" t="str"><f>""</f><v></v></c><c r="D1"><f>Z</f><v></v></c><c r="E1" t="n"><f>W</f><v/></c>'
           b'<c r="F1"><f t="shared" si="0"/></c><c r="G1" t="e"><f>1/0</f><v>#DIV/0!</v></c>'
           b'<c r="H1" t="str"><f>U</f></c><c r="I1">\n  <f>T</f>\n  <v></v>\n</c>'
           b'<c r="AA1" s="3"><f>V</f><v>2</v></c></row>')
    found = ErrorCells.errors_in(xml)
    assert found == {(1, 1): '\x00=Y&"贸"', (1, 3): "\x00=Z", (1, 4): "\x00=W", (1, 5): "\x00=",
                     (1, 6): "#DIV/0!", (1, 7): "\x00=U", (1, 8): "\x00=T"}


def test_a_last_row_of_formulas_without_values_is_not_dropped_as_empty(tmp_path):
    path = write_book(tmp_path / "last.xlsx", {
        "Customers": [["CustomerID"], ["C1"]],
        "Sales": [["Date", "CustomerID", "NetRevenue"], ["2026-01-05", "C1", 10], ["=A2", "=B2", "=C2*2"]]})
    found = [(t, r, c) for t, r, c, _, _, _ in _records(read_workbook(path))]
    assert found == [("Sales", 3, "CustomerID"), ("Sales", 3, "Date"), ("Sales", 3, "NetRevenue")]


def test_the_safety_count_tells_the_reader_which_large_sheets_need_no_scan(tmp_path, monkeypatch):
    # The safety check inflates a large sheet's XML anyway (safe_io); what it learns there (an error cell, a
    # formula) spares the reader a second pass. Counted in blocks of 7 bytes, every tag and t="e" is still seen.
    from kam_xl.inputs import safe_io
    monkeypatch.setattr(safe_io, "SCANNED_FROM", 0)
    monkeypatch.setattr(safe_io, "SCANNED_RATIO", 0)
    monkeypatch.setattr(safe_io, "_BLOCK", 7)
    book = xlsxwriter.Workbook(tmp_path / "errors.xlsx")
    book.add_worksheet("Customers").write_column(0, 0, ["CustomerID", "A"])
    sales = book.add_worksheet("Sales")
    sales.add_table(0, 0, 3, 3, {"name": "Sales", "columns": [{"header": h} for h in
                                                             ("Date", "CustomerID", "NetRevenue", "Currency")],
                                 "data": [["2026-01-02", "A", 10], ["2026-01-03", "A", 7], ["2026-01-04", "A", 5]]})
    sales.write_formula(2, 3, "=NA()", None, "#N/A")   # in a column otherwise blank: read by fastexcel as a blank
    book.close()
    clean = write_book(tmp_path / "clean.xlsx", {
        "Customers": [["CustomerID"], ["A"]], "Sales": [["Date", "CustomerID", "NetRevenue"], ["2026-01-02", "A", 1]]})
    inputs = read_workbook(tmp_path / "errors.xlsx")
    errors = inputs.dq.frame().query("Severity == 'Error'")
    assert errors[["Row", "Column", "Value"]].values.tolist() == [[3, "Currency", "#N/A"]]
    with zipfile.ZipFile(tmp_path / "errors.xlsx") as archive:
        crc = archive.getinfo("xl/worksheets/sheet2.xml").CRC
    facts = safe_io.scanned_part(tmp_path / "errors.xlsx", "xl/worksheets/sheet2.xml", crc)
    assert safe_io.scanned_part(tmp_path / "errors.xlsx", "xl/worksheets/sheet2.xml", crc + 1) is None
    with zipfile.ZipFile(tmp_path / "errors.xlsx") as archive:   # the same counted over the whole XML at once
        xml = archive.read("xl/worksheets/sheet2.xml").decode()
    cells, values = len(re.findall(r"<c[\s/>]", xml)), len(re.findall(r"<(?:v|is|f)[\s/>]", xml))
    assert facts == (cells, values, 1, True, False) and cells == 4 + 3 * 3 + 1
    read_workbook(clean)
    # openpyxl writes inline strings: a typed column with blanks there is still looked at, an error cell anyway.
    assert not ErrorCells(clean).needs_scan("Sales", False) and ErrorCells(clean).needs_scan("Sales", True)
    assert ErrorCells(tmp_path / "errors.xlsx").needs_scan("Sales", False)
    for text in ("none", "N/A", "_x004E_/A"):   # shared strings, as Excel saves: "N/A" is read as a blank, and
        # _x004E_ is Excel's escape of "N"
        book = xlsxwriter.Workbook(tmp_path / f"{text[0]}.xlsx")
        book.add_worksheet("Sales").write_row(0, 0, ["Date", "CustomerID", "NetRevenue", text])
        book.close()
        read_workbook(tmp_path / f"{text[0]}.xlsx")   # (no Customers: an InputError later would not matter)
        assert ErrorCells(tmp_path / f"{text[0]}.xlsx").needs_scan("Sales", True) == (text != "none")
