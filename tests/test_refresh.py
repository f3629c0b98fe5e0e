"""`kam-xl refresh`: outputs recomputed in place, everything else carried over unchanged."""
import io
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from helpers import assert_frames_match, error_cells

from kam_xl import analyze, read_workbook
from kam_xl.app.build import refresh_file
from kam_xl.authoring.template import quickstart_vba, write_template
from kam_xl.render.libreoffice import convert
from kam_xl.render.results_reader import read_results
from kam_xl.render.splice import _Package, _sheet_parts, copy_compressed


def sheet_xml(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {a["name"]: archive.read(part) for a, part in _sheet_parts(_Package(archive))}


@pytest.fixture(scope="module")
def filled_book(tmp_path_factory, demo_tables) -> Path:
    path = write_template(tmp_path_factory.mktemp("filled") / "Book.xlsm", demo_tables)
    wb = openpyxl.load_workbook(path, keep_vba=True)          # a user adds a sheet of their own
    notes = wb.create_sheet("MyNotes")
    notes["A1"] = "Q3 review"
    notes["B2"] = "=SUM(Customers[CreditLimit])"
    wb.save(path)
    return path


@pytest.fixture
def book(tmp_path, filled_book) -> Path:
    """Each test refreshes its own copy of the filled book (made once per module)."""
    return Path(shutil.copy(filled_book, tmp_path / filled_book.name))


def test_refresh_in_place(book):
    before = book.read_bytes()
    inputs_before = sheet_xml(book)
    with zipfile.ZipFile(book) as archive:
        parts_before = {n: archive.read(n) for n in archive.namelist()}
        sizes_before = {i.filename: i.compress_size for i in archive.infolist()}
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
        assert archive.testzip() is None
        for name, data in parts_before.items():                         # every other part carried over as is
            if name not in edited:
                assert archive.read(name) == data, name
                assert archive.getinfo(name).compress_size == sizes_before[name], name   # copied, not re-deflated
    expected = analyze(read_workbook(backup))
    tables = read_results(book)
    for name in ("Classification", "Profitability", "Receivables", "Potential", "RiskSummary", "KPIs"):
        assert_frames_match(expected.tables[name], tables[name], name)


class _Unseekable(io.RawIOBase):
    """A write-only stream: zipfile then writes data descriptors after each member, as Excel does."""

    def __init__(self):
        self.buffer = io.BytesIO()

    def writable(self):
        return True

    def write(self, data):
        return self.buffer.write(data)


def test_copy_compressed_keeps_bytes_and_drops_data_descriptors(tmp_path):
    stream = _Unseekable()
    contents = {"a.xml": b"<x>" + b"kam" * 50_000 + b"</x>", "b/客户.xml": "客户".encode() * 999,
                "c.bin": bytes(range(256)) * 40, "empty.txt": b""}
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as source:
        for name, data in contents.items():
            source.writestr(name, data, compress_type=zipfile.ZIP_STORED if name == "c.bin" else zipfile.ZIP_DEFLATED)
    source_path = tmp_path / "source.zip"
    source_path.write_bytes(stream.buffer.getvalue())
    copied = tmp_path / "copied.zip"
    with zipfile.ZipFile(source_path) as source, zipfile.ZipFile(copied, "w", zipfile.ZIP_DEFLATED) as out:
        assert all(info.flag_bits & 0x08 for info in source.infolist())          # the source has descriptors
        for info in source.infolist():
            copy_compressed(source, info, out)
        out.writestr("added.xml", b"<new/>")   # and ordinary writes still work after
    with zipfile.ZipFile(copied) as result, zipfile.ZipFile(source_path) as source:
        assert result.testzip() is None
        assert result.namelist() == [*contents, "added.xml"]
        for name, data in contents.items():
            info, original = result.getinfo(name), source.getinfo(name)
            assert result.read(name) == data
            assert ((info.CRC, info.compress_size, info.compress_type)
                    == (original.CRC, original.compress_size, original.compress_type))
            assert not info.flag_bits & 0x08


@pytest.mark.slow(5)
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


@pytest.mark.slow(12)
@pytest.mark.libreoffice
def test_refreshed_workbook_recalculates_cleanly(book, tmp_path):
    refresh_file(book)
    recalculated = convert([book], "xlsx", tmp_path / "lo", recalculate=True)[0]
    assert error_cells(recalculated) == []
    tables = read_results(recalculated)
    expected = analyze(read_workbook(book))
    assert_frames_match(expected.tables["Profitability"], tables["Profitability"], "Profitability")


def test_refresh_a_workbook_whose_sheets_declare_their_own_namespace(tmp_path, demo_tables):
    """Some writers (openpyxl with lxml) declare the r: prefix on each <sheet> rather than on the root; the
    sheets the refresh adds must declare it too, or the workbook XML no longer parses (found in review)."""
    import re
    import xml.etree.ElementTree as ET
    source = write_template(tmp_path / "Source.xlsx", demo_tables)
    book = tmp_path / "Local.xlsx"
    r = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info.filename)
            if info.filename == "xl/workbook.xml":
                text = data.decode().replace(" " + r, "", 1)
                assert r not in text
                data = re.sub(r"<sheet ", f"<sheet {r} ", text).encode()
            new.writestr(info, data)
    assert refresh_file(book).exit_code == 0
    with zipfile.ZipFile(book) as archive:
        for name in archive.namelist():
            if name.endswith((".xml", ".rels")):
                ET.fromstring(archive.read(name))
    assert len(read_results(book)["Profitability"]) == 80
