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


def _readme_text(path) -> str:
    book = openpyxl.load_workbook(path)
    sheet = book["说明"] if "说明" in book.sheetnames else book["ReadMe"]
    return "\n".join(str(row[0].value) for row in sheet.iter_rows() if row[0].value)


def test_the_readme_points_only_to_sheets_the_template_has(tmp_path):
    """`kam-xl new` writes no Examples sheet: the 说明 sheet said "见 Examples 表" all the same. Without it the
    text says how to get one (--calc); with it, it names the sheet as written (公式示例 in Chinese)."""
    from kam_xl.authoring.examples import write_examples
    for language in ("zh-CN", "en"):
        blank = write_template(tmp_path / f"blank_{language}.xlsx", language=language)
        text = _readme_text(blank)
        assert "Examples sheet;" not in text and "见 Examples 表" not in text and "see the Examples sheet" not in text
        assert "kam-xl new --calc" in text and "公式示例" in text
        assert not {"Examples", "公式示例"} & set(openpyxl.load_workbook(blank).sheetnames)
    calc = write_template(tmp_path / "calc_zh.xlsx", language="zh-CN", examples=write_examples)
    assert "公式示例" in openpyxl.load_workbook(calc).sheetnames
    text = _readme_text(calc)
    assert "示例见“公式示例”表。" in text and "see the 公式示例 sheet." in text and "--calc" not in text


def test_the_demo_says_its_records_are_complete_so_the_prior_boxes_are_filled(tmp_path, demo_workbook):
    """The demo's records start on 2024-11-01, the prior period's first day: without DataStart the opening
    receivables of the prior period counted as unknown, and the Dashboard's prior boxes for net contribution,
    net margin and DSO were blank. DataStart 2024-11-01 says nothing was owed before it."""
    import python_calamine

    from kam_xl.app.build import build_file
    from kam_xl.authoring import demo
    from kam_xl.render.results_reader import read_results
    assert demo.generate(customers=5, seed=1)["Parameters"].set_index("Parameter").loc["DataStart", "Value"] == \
        "2024-11-01"
    summary = build_file(demo_workbook, output=tmp_path / "Demo_summary.xlsx").outputs[0]
    kpis = read_results(summary)["KPIs"].set_index("KPI")
    for kpi in ("NetProfit", "NetMarginPct", "DSO"):
        assert isinstance(kpis.loc[kpi, "PriorPeriod"], float), kpi
    rows = python_calamine.CalamineWorkbook.from_path(str(summary)).get_sheet_by_index(0).to_python()
    # the prior boxes under Net profit after cost-to-serve (J7), Net margin (N7) and DSO (F13)
    assert rows[6][8] == "Prior" and rows[6][12] == "Prior" and rows[12][4] == "Prior"
    assert all(isinstance(value, float) for value in (rows[6][9], rows[6][13], rows[12][5]))
    messages = read_results(summary)["DataQuality"]["Message"]
    assert not messages.str.contains("Set the DataStart parameter", na=False).any()


def test_a_third_language_is_one_catalogue_file(monkeypatch, tmp_path):
    """A catalogue with the English one's names, registered in kam_xl.words.CATALOGUES, is all a third language
    needs: the Language parameter takes its code and its spellings, and the template is written with its sheet
    names, its help beside the English and the Chinese (each line of the ReadMe, each header's comment, each cell
    check) and its Parameters sheet. No module outside kam_xl/words/ names a language."""
    import types

    import pandas as pd

    from kam_xl.inputs.params import parameters_from_table
    from kam_xl.quality import DataQuality
    from kam_xl.words import CATALOGUES, en
    third = types.ModuleType("kam_xl.words.xx")
    vars(third).update({name: value for name, value in vars(en).items() if not name.startswith("__")})
    third.SPELLINGS = ("third",)
    third.TEMPLATE = {key: f"XX {text}" for key, text in en.TEMPLATE.items()}
    third.COLUMN_HELP = {"CustomerID": "XX the customer's code"}
    third.PARAMETER_HELP = {"AsOfDate": "XX balances date"}
    monkeypatch.setitem(CATALOGUES, "xx", third)

    dq = DataQuality()
    table = pd.DataFrame({"Parameter": ["Language"], "Value": ["Third"], "_row": [2]})
    assert parameters_from_table(table, dq).language == "xx" and not dq.records

    book = openpyxl.load_workbook(write_template(tmp_path / "third.xlsx", language="xx"))
    readme = [row[0] for row in book["XX ReadMe"].iter_rows(values_only=True)]
    assert readme[0] == ("kam-xl · Key-account accounting summary 大客户管理会计汇总 "
                         "XX kam-xl · Key-account accounting summary")
    assert readme[3:6] == [en.TEMPLATE["readme.purpose"], CATALOGUES["zh-CN"].TEMPLATE["readme.purpose"],
                           "XX " + en.TEMPLATE["readme.purpose"]]
    comment = book["Customers"]["A1"].comment.text
    assert comment.splitlines() == ["CustomerID · 客户编号", "Required · 必填 · XX Required",
                                    en.COLUMN_HELP["CustomerID"], CATALOGUES["zh-CN"].COLUMN_HELP["CustomerID"],
                                    "XX the customer's code"]
    parameters = book["Parameters"]
    assert [c.value for c in parameters[1]] == ["XX Parameter", "XX Value", "XX Description"]
    assert [row for row in parameters.iter_rows(values_only=True) if row[0] == "AsOfDate"][0][2] == "XX balances date"
    checks = {v.error for v in book["Sales"].data_validations.dataValidation}
    assert "Enter a date · 请输入日期 · XX Enter a date" in checks

    # and the summary is written in it (here the English words the catalogue copied), the About sheet saying so
    from kam_xl import analyze
    from kam_xl.authoring.demo import generate
    from kam_xl.inputs.reader import inputs_from_frames
    results = analyze(inputs_from_frames(generate(customers=30, language="xx")))
    assert results.params.language == "xx" and results["Commentary"]["Commentary"].str.len().gt(0).all()
    about = results["About"].set_index("Item")["Value"]
    assert about["Language"] == "xx" and about["ReportingCurrency"] == "CNY"
