"""The committed template is current, keeps xlwings' VBA, and reads back as an empty book."""
import hashlib
import sys
import zipfile
from pathlib import Path

import openpyxl

from kam_xl import read_workbook
from kam_xl.authoring.template import quickstart_vba, write_template

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "workbook"))
import build_template  # noqa: E402


def test_committed_template_is_current(tmp_path):
    fresh = build_template.build(tmp_path / "KAM_Summary.xlsm")
    committed = ROOT / "workbook" / "KAM_Summary.xlsm"
    assert hashlib.sha256(fresh.read_bytes()).hexdigest() == hashlib.sha256(committed.read_bytes()).hexdigest(), \
        "workbook/KAM_Summary.xlsm is stale: run `make template` and commit it"
    assert (ROOT / "workbook" / "KAM_Summary.py").read_text() == (tmp_path / "KAM_Summary.py").read_text()


def test_template_keeps_the_xlwings_vba_byte_for_byte():
    with zipfile.ZipFile(ROOT / "workbook" / "KAM_Summary.xlsm") as archive:
        assert archive.read("xl/vbaProject.bin") == quickstart_vba()
        workbook_xml = archive.read("xl/workbook.xml").decode()
    assert 'codeName="ThisWorkbook"' in workbook_xml


def test_template_structure():
    book = openpyxl.load_workbook(ROOT / "workbook" / "KAM_Summary.xlsm", keep_vba=True)
    assert book.sheetnames[0] == "ReadMe" and "xlwings.conf" in book.sheetnames and "Examples" in book.sheetnames
    tables = {name for ws in book.worksheets for name in ws.tables}
    assert {"Customers", "Sales", "Invoices", "Payments", "Activities", "ActivityRates", "Contacts",
            "IndustryOutlook", "Parameters"} <= tables
    sales = book["Sales"]
    assert sales["A1"].comment is not None and "Required" in sales["A1"].comment.text
    rules = {str(dv.sqref).split(":")[0]: dv.type for dv in sales.data_validations.dataValidation}
    assert rules.get("A2") == "date"
    contacts = book["Contacts"]
    satisfaction = [dv for dv in contacts.data_validations.dataValidation if str(dv.sqref).startswith("E2")]
    assert satisfaction and (satisfaction[0].formula1, satisfaction[0].formula2) == ("1", "5")
    conf = dict((r[0], r[1]) for r in book["xlwings.conf"].iter_rows(max_row=5, values_only=True))
    assert conf["UDF Modules"] == "kam_udfs"
    assert book["ReadMe"].sheet_properties.codeName == "Sheet1"


def test_blank_template_reads_without_errors(tmp_path):
    inputs = read_workbook(write_template(tmp_path / "blank.xlsx", language="zh-CN"))
    assert not inputs.fatal and inputs.dq.count("Error") == 0
    assert inputs.params.language == "zh-CN"
    assert list(inputs["Customers"].columns[:3]) == ["_row", "CustomerID", "CustomerName"]


def test_chinese_names_are_documented():
    from kam_xl.words import headers_markdown
    assert (ROOT / "docs" / "CHINESE_NAMES.md").read_text(encoding="utf-8") == headers_markdown()
