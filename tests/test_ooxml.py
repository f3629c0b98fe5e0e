"""Excel opens every file kam-xl writes without "We found a problem with some content".

LibreOffice forgives what Excel repairs, so each kind of workbook kam-xl
writes is validated against the Office Open XML schemas with openxml-audit (a
pure-Python port of the Open XML SDK's validator), and against the rules a
schema cannot see: table names and display names unique in the workbook, each
table's header cells equal to its column names, defined names that point at
sheets that exist. The validators are first shown to catch planted errors.
"""
import html
import io
import posixpath
import re
import shutil
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import python_calamine
from openpyxl.utils import range_boundaries
from openxml_audit import OpenXmlValidator

from kam_xl.app.build import build_file, refresh_file
from kam_xl.authoring import demo
from kam_xl.authoring.template import write_template
from kam_xl.inputs.crypto import decrypted_copy
from kam_xl.render import columnar
from kam_xl.render.xlsx import add_sheet, new_workbook

TEMPLATE = Path(__file__).resolve().parent.parent / "workbook" / "KAM_Summary.xlsm"
VALIDATOR = OpenXmlValidator()


def schema_findings(path: Path) -> list[str]:
    result = VALIDATOR.validate(str(path))
    return [str(e) for e in result.errors]


def semantic_findings(path: Path) -> list[str]:
    """What Excel repairs although the schema allows it, read from the package itself (openpyxl refuses some
    of these files outright, so it cannot be the judge)."""
    findings, names = [], {}
    with zipfile.ZipFile(path) as archive:
        workbook = archive.read("xl/workbook.xml").decode()
        targets = _relationships(archive, "xl/workbook.xml")
        sheets = {html.unescape(_attr(tag, "name")): targets[_attr(tag, "r:id")]
                  for tag in re.findall(r"<sheet\b[^>]*>", workbook)}
        cells = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(path.read_bytes()))
        for title, part in sheets.items():
            rows = None
            for table_part in _relationships(archive, part).values():
                if not re.match(r"xl/tables/table\d+\.xml$", table_part):
                    continue
                xml = archive.read(table_part).decode()
                tag = re.search(r"<table\b[^>]*>", xml)[0]
                name, ref = _attr(tag, "name"), _attr(tag, "ref")
                for key in {name.lower(), _attr(tag, "displayName").lower()}:
                    if key in names:
                        findings.append(f"{title}: table {name} has the name of {names[key]}")
                    names[key] = f"{title}!{name}"
                rows = rows or cells.get_sheet_by_name(title).to_python(skip_empty_area=False)
                first_col, row, last_col, _ = range_boundaries(ref)
                header = rows[row - 1] if row <= len(rows) else []
                shown = [str(header[c - 1]) if c <= len(header) else "" for c in range(first_col, last_col + 1)]
                columns = [html.unescape(c) for c in re.findall(r'<tableColumn\b[^>]*?name="([^"]*)"', xml)]
                if shown != columns:
                    findings.append(f"{title}: table {name} headers {shown} are not its columns {columns}")
        for match in re.finditer(r"<definedName\b([^>]*)>([^<]*)</definedName>", workbook):
            formula = html.unescape(match[2])
            if "#REF!" in formula:
                findings.append(f"defined name {_attr(match[1], 'name')} is broken: {formula}")
            for quoted, plain in re.findall(r"(?:'((?:[^']|'')+)'|([^\s'!=(),:]+))!", formula):
                sheet = quoted.replace("''", "'") if quoted else plain
                if sheet not in sheets:
                    findings.append(f"defined name {_attr(match[1], 'name')} points at missing sheet {sheet}")
    return findings


def _attr(tag: str, name: str) -> str:
    found = re.search(rf'\s{re.escape(name)}="([^"]*)"', tag)
    return found[1] if found else ""


def _relationships(archive: zipfile.ZipFile, part: str) -> dict[str, str]:
    """{relationship id: target part} of a part."""
    folder, base = posixpath.split(part)
    rels = f"{folder}/_rels/{base}.rels"
    if rels not in archive.namelist():
        return {}
    return {_attr(tag, "Id"): posixpath.normpath(posixpath.join(folder, _attr(tag, "Target"))).lstrip("/")
            for tag in re.findall(r"<Relationship\b[^>]*>", archive.read(rels).decode())}   # "/xl/..." is absolute


def findings(path: Path) -> list[str]:
    return schema_findings(path) + semantic_findings(path)


def _rezip(source: Path, target: Path, change) -> Path:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info, change(info.filename, old.read(info.filename)))
    return target


@pytest.fixture(scope="module")
def demo_input(tmp_path_factory):
    """A demo book just large enough for both purchase models and the holdout check (40 buyers): the schema
    checks do not get stronger with more rows, only slower (the validator reads every cell)."""
    tables = demo.generate(customers=40, lines_per_customer=15.0, seed=11)
    return write_template(tmp_path_factory.mktemp("ooxml") / "Demo.xlsm", tables)


@pytest.fixture(scope="module")
def summary(demo_input):
    outcome = build_file(demo_input, output=demo_input.with_name("Summary.xlsx"),
                         params={"HoldoutMonths": "6", "PurchaseModel": "Auto"})
    assert outcome.exit_code == 0, outcome.message
    return outcome.outputs[0]


def test_the_validators_catch_planted_errors(summary, tmp_path):
    """An element out of order and a bad attribute value (schema), two tables of one name and a header that
    is not its column's name (semantic): each is found; the unplanted summary has no finding."""
    with zipfile.ZipFile(summary) as archive:
        sheet = next(n for n in archive.namelist() if n.startswith("xl/worksheets/sheet") and
                     b"<cols>" in archive.read(n))
        tables = sorted(n for n in archive.namelist() if re.match(r"xl/tables/table\d+\.xml$", n))
        first = re.search(rb'displayName="([^"]+)"', archive.read(tables[0]))[1]
        second = re.search(rb'displayName="([^"]+)"', archive.read(tables[1]))[1]

    def out_of_order(name, data):
        if name != sheet:
            return data
        cols = re.search(rb"<cols>.*?</cols>", data)[0]
        return data.replace(cols, b"", 1).replace(b"</sheetData>", b"</sheetData>" + cols, 1)
    planted = _rezip(summary, tmp_path / "order.xlsx", out_of_order)
    assert any("Unexpected element 'cols'" in f for f in schema_findings(planted))
    planted = _rezip(summary, tmp_path / "attr.xlsx",
                     lambda n, d: d.replace(b' t="s"', b' t="zz"', 1) if n == sheet else d)
    assert any("Invalid value for attribute 't'" in f for f in schema_findings(planted))
    planted = _rezip(summary, tmp_path / "names.xlsx", lambda n, d: d.replace(
        b'"' + second + b'"', b'"' + first + b'"') if n == tables[1] else d)
    assert schema_findings(planted) == []                                   # the schema cannot see it ...
    assert any("has the name of" in f for f in semantic_findings(planted))  # ... this check does
    planted = _rezip(summary, tmp_path / "header.xlsx", lambda n, d: re.sub(
        rb'<tableColumn id="1" name="[^"]+"', b'<tableColumn id="1" name="Renamed"', d, count=1)
        if n == tables[0] else d)
    assert any("are not its columns" in f for f in semantic_findings(planted))
    planted = _rezip(summary, tmp_path / "defined.xlsx", lambda n, d: d.replace(
        b"</definedNames>", b'<definedName name="Broken">Nowhere!$A$1</definedName></definedNames>')
        if n == "xl/workbook.xml" else d)
    assert "defined name Broken points at missing sheet Nowhere" in semantic_findings(planted)
    assert findings(summary) == []


KINDS = ["template", "template zh-CN", "committed template", "demo input", "summary", "summary zh-CN",
         "split summaries", "encrypted summary", "protected summary", "refreshed workbook", "columnar bodies"]


def test_summary_tables_are_written_by_the_columnar_path(demo_input, tmp_path, monkeypatch):
    """The summaries validated here have their table bodies from render/columnar.py (the write path of issue
    32), every table's: the schema checks below are checks of that path."""
    bodies = []
    real = columnar.add_body
    monkeypatch.setattr(columnar, "add_body", lambda sheet, *args: bodies.append(sheet.name) or real(sheet, *args))
    outcome = build_file(demo_input, output=tmp_path / "Columnar.xlsx")
    with zipfile.ZipFile(outcome.outputs[0]) as archive:
        tables = [n for n in archive.namelist() if re.match(r"xl/tables/table\d+\.xml$", n)]
    assert len(bodies) == len(tables) > 20


def _columnar_bodies(path: Path) -> Path:
    """Every kind of cell the columnar path writes: numbers, blanks, text, dates with times, flags, formulas
    with number, empty, text, error and flag cached values, rows of different formats, under an Excel Table."""
    book = new_workbook(path)
    sheet = add_sheet(book, "Bodies")
    money, pct = book.add_format({"num_format": "#,##0.00"}), book.add_format({"num_format": "0.0%"})
    text, when = book.add_format({"bold": True}), book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    formula = "=IF(ISNUMBER(Bodies[[#This Row],[Amount]]),Bodies[[#This Row],[Amount]]*2,\"\")"
    columnar.add_body(sheet, 1, 0, [
        columnar.typed(pd.Series([1.5, np.nan, 1e20, -2.0, 0.1]), money),
        columnar.texts(sheet, pd.Series(["A & B", None, "<x>", "中文", "A & B"], dtype=object), text),
        columnar.typed(pd.Series(pd.to_datetime(["2026-01-31 10:30", None, "2000-02-29", "2026-03-01", "2099-12-31"],
                                                format="ISO8601")), when),
        columnar.typed(pd.Series([True, False, True, False, True]), text),
        columnar.general(sheet, [3.0, "", "n/a", "#N/A", True], [money], [0] * 5, formula),
        columnar.general(sheet, [0.25, 1200.0, "text", None, 7], [pct, money], [0, 1, 1, 0, 1])])
    sheet.add_table(0, 0, 5, 5, {"name": "Bodies", "columns": [{"header": h} for h in
                                                               ("Amount", "Name", "When", "Flag", "Twice", "Measure")]})
    book.close()
    return path


@pytest.mark.slow(4)
@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_of_workbook_validates(kind, demo_input, summary, tmp_path, capsys):
    """Each kind of file kam-xl writes has no finding; the count of files and findings is printed."""
    params = {"HoldoutMonths": "6", "PurchaseModel": "Auto"}
    if kind == "template":
        files = [write_template(tmp_path / "Template.xlsm")]
    elif kind == "template zh-CN":
        files = [write_template(tmp_path / "模板.xlsm", language="zh-CN")]
    elif kind == "committed template":
        files = [TEMPLATE]
    elif kind == "demo input":
        files = [demo_input]
    elif kind == "summary":
        files = [summary]
    elif kind == "summary zh-CN":
        files = build_file(demo_input, output=tmp_path / "汇总.xlsx", language="zh-CN", params=params).outputs
    elif kind == "split summaries":
        files = build_file(demo_input, out_dir=tmp_path, split_by="AccountManager").outputs[:2]
    elif kind == "encrypted summary":
        [encrypted] = build_file(demo_input, output=tmp_path / "Locked.xlsx", encrypt_password="pw").outputs
        with decrypted_copy(encrypted, "pw") as plain:
            files = [shutil.copy(plain, tmp_path / "Unlocked.xlsx")]
    elif kind == "protected summary":
        files = build_file(demo_input, output=tmp_path / "Protected.xlsx", protect=True).outputs
    elif kind == "columnar bodies":
        files = [_columnar_bodies(tmp_path / "Columnar.xlsx")]
    else:
        book = Path(shutil.copy(demo_input, tmp_path / "Book.xlsm"))
        assert refresh_file(book).exit_code == 0
        assert refresh_file(book, language="zh-CN").exit_code == 0        # refreshed again, other language
        files = [book]
    assert files
    found = {Path(f).name: findings(Path(f)) for f in files}
    with capsys.disabled():
        print(f"\nOOXML {kind}: {len(files)} file(s), {sum(map(len, found.values()))} findings")
    assert found == {name: [] for name in found}
