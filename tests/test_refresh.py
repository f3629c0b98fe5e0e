"""`kam-xl refresh`: outputs recomputed in place, everything else carried over unchanged."""
import zipfile

import openpyxl
import pytest

from helpers import assert_frames_match, error_cells
from kam_xl import analyze, read_workbook
from kam_xl.build import refresh_file
from kam_xl.libreoffice import convert
from kam_xl.results_reader import read_results
from kam_xl.splice import _sheet_parts, _Package
from kam_xl.template import quickstart_vba, write_template


def sheet_xml(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {a["name"]: archive.read(part) for a, part in _sheet_parts(_Package(archive))}


@pytest.fixture
def book(tmp_path, demo_tables):
    path = write_template(tmp_path / "Book.xlsm", demo_tables)
    wb = openpyxl.load_workbook(path, keep_vba=True)          # a user adds a sheet of their own
    notes = wb.create_sheet("MyNotes")
    notes["A1"] = "Q3 review"
    notes["B2"] = "=SUM(Customers[CreditLimit])"
    wb.save(path)
    return path


def test_refresh_in_place(book):
    before = book.read_bytes()
    inputs_before = sheet_xml(book)
    with zipfile.ZipFile(book) as archive:
        parts_before = {n: archive.read(n) for n in archive.namelist()}
    outcome = refresh_file(book)
    assert outcome.exit_code == 0, outcome.message
    backup = outcome.outputs[1]
    assert backup.read_bytes() == before                                 # backup first, identical
    after = sheet_xml(book)
    for name, xml in inputs_before.items():
        assert after[name] == xml, f"sheet {name} changed"                # inputs and user sheets untouched
    edited = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml", "xl/styles.xml"}
    with zipfile.ZipFile(book) as archive:
        assert archive.read("xl/vbaProject.bin") == quickstart_vba()     # VBA byte-identical
        for name, data in parts_before.items():                         # every other part carried over as is
            if name not in edited:
                assert archive.read(name) == data, name
    expected = analyze(read_workbook(backup))
    tables = read_results(book)
    for name in ("Classification", "Profitability", "Receivables", "Potential", "RiskSummary", "KPIs"):
        assert_frames_match(expected.tables[name], tables[name], name)


def test_refresh_twice_and_switch_language(book):
    assert refresh_file(book).exit_code == 0
    assert refresh_file(book, language="zh-CN").exit_code == 0
    names = openpyxl.load_workbook(book, keep_vba=True).sheetnames
    assert "Dashboard" not in names and "仪表板" in names and names.count("客户盈利") == 1
    assert names[: names.index("MyNotes") + 1][-1] == "MyNotes"
    assert len(read_results(book)["Profitability"]) == 80


def test_refresh_refuses_a_clashing_user_table(tmp_path, demo_tables):
    path = write_template(tmp_path / "Clash.xlsx", demo_tables)
    wb = openpyxl.load_workbook(path)
    ws = wb.create_sheet("Mine")
    ws.append(["a"])
    ws.append([1])
    ws.add_table(openpyxl.worksheet.table.Table(displayName="Strategy", ref="A1:A2"))
    wb.save(path)
    before = path.read_bytes()
    outcome = refresh_file(path)
    assert outcome.exit_code == 2 and "Strategy" in outcome.message
    assert path.read_bytes() == before


@pytest.mark.libreoffice
def test_refreshed_workbook_recalculates_cleanly(book, tmp_path):
    refresh_file(book)
    recalculated = convert([book], "xlsx", tmp_path / "lo", recalculate=True)[0]
    assert error_cells(recalculated) == []
    tables = read_results(recalculated)
    expected = analyze(read_workbook(book))
    assert_frames_match(expected.tables["Profitability"], tables["Profitability"], "Profitability")
