"""The summary workbook: every table present as values, live formulas with
cached values, recalculated by LibreOffice to the same figures."""
import hashlib
import zipfile

import openpyxl
import pytest
import python_calamine
from helpers import assert_frames_match, error_cells, same

from kam_xl import analyze, read_workbook
from kam_xl.app.build import build_file
from kam_xl.authoring.template import quickstart_vba, write_template
from kam_xl.render.libreoffice import convert
from kam_xl.render.localize import restrict
from kam_xl.render.results_reader import read_results
from kam_xl.render.writer import write_workbook

CONTRACT_TABLES = ["Classification", "Segments", "Profitability", "WhaleCurve", "Receivables", "Relationship",
                   "Potential", "ModelParameters", "Strategy", "RiskSummary", "DataQuality", "About"]


@pytest.fixture(scope="module")
def built(tmp_path_factory, demo_workbook):
    out = tmp_path_factory.mktemp("built")
    results = analyze(read_workbook(demo_workbook))
    en = write_workbook(results, out / "summary_en.xlsx")
    # The Chinese book also takes the options that change formulas: NetProfit after the bad-debt charge
    # and the Receivables buckets by age from the invoice date.
    zh_results = analyze(read_workbook(demo_workbook), {"Language": "zh-CN", "ProvisionInNetProfit": "TRUE",
                                                        "AgingBasis": "InvoiceDate"})
    zh = write_workbook(zh_results, out / "summary_zh.xlsx")
    manager = results.tables["Classification"]["AccountManager"].iloc[0]  # noqa: F841 (read by query)
    ids = results.tables["Classification"].query("AccountManager == @manager")["CustomerID"]
    split_results = restrict(results, ids)
    split = write_workbook(split_results, out / "summary_split.xlsx")
    return {"en": (en, results), "zh": (zh, zh_results), "split": (split, split_results)}


@pytest.mark.parametrize("kind", ["en", "zh", "split"])
def test_every_figure_readable_without_recalculation(built, kind):
    path, results = built[kind]
    tables = read_results(path)                    # python-calamine: cached values only
    for name in CONTRACT_TABLES + ["KPIs"]:
        assert_frames_match(results.tables[name], tables[name], name)


def test_table_names_and_sheets_follow_the_contract(built):
    path, _ = built["zh"]
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[0] == "仪表板"
    where = {name: ws.title for ws in book.worksheets for name in ws.tables}
    assert where["Profitability"] == "客户盈利" and where["WhaleCurve"] == "客户盈利"
    assert where["Receivables"] == "应收账款"
    headers = [c.value for c in book["客户盈利"][3]][:6]
    assert headers == ["客户编号", "客户名称", "集团", "销售收入", "销售成本", "毛利"]
    assert "信用减值损失" in [c.value for c in book["客户盈利"][3]]
    assert [c.value for c in book["应收账款"][3]][4:8] == ["账龄0-30天", "账龄31-60天", "账龄61-90天", "账龄90天以上"]


def test_formulas_carry_cached_values(built):
    path, results = built["en"]
    book = openpyxl.load_workbook(path)
    sheet = book["Profitability"]
    assert sheet["F4"].value == ('=IF(ISNUMBER(Profitability[[#This Row],[COGS]]),'
                                 'Profitability[[#This Row],[NetRevenue]]-Profitability[[#This Row],[COGS]],"")')
    cached = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Profitability").to_python()
    assert cached[3][5] == pytest.approx(results.tables["Profitability"]["GrossProfit"].iloc[0])
    formula_functions = set()
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value.startswith("="):
                    formula_functions |= set(__import__("re").findall(r"([A-Z][A-Z0-9.]+)\(", c.value))
    assert formula_functions <= {"IF", "SUMIFS", "COUNTIFS", "SUBTOTAL", "ISNUMBER", "AND", "N"}


def test_build_never_modifies_input_and_keeps_vba(tmp_path, demo_tables):
    source = write_template(tmp_path / "Book.xlsm", demo_tables)
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    outcome = build_file(source, output=tmp_path / "Book_Summary.xlsm")
    assert outcome.exit_code == 0, outcome.message
    assert hashlib.sha256(source.read_bytes()).hexdigest() == digest
    with zipfile.ZipFile(outcome.outputs[0]) as archive:
        assert archive.read("xl/vbaProject.bin") == quickstart_vba()
    plain = build_file(source, out_dir=tmp_path / "plain")
    with zipfile.ZipFile(plain.outputs[0]) as archive:
        assert "xl/vbaProject.bin" not in archive.namelist()       # default summary is macro-free


def test_split_holds_only_that_managers_customers(built):
    path, results = built["split"]
    tables = read_results(path)
    managers = set(tables["Classification"]["AccountManager"])
    assert len(managers) == 1
    total = tables["KPIs"].set_index("KPI").loc["NetRevenue", "ThisPeriod"]
    assert total == pytest.approx(tables["Profitability"]["NetRevenue"].sum())


def _grid(path, sheet):
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    return book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)


@pytest.mark.slow(10)
@pytest.mark.libreoffice
def test_libreoffice_recalculation_matches(built, tmp_path):
    sources = [built[k][0] for k in ("en", "zh", "split")]
    recalculated = convert(sources, "xlsx", tmp_path / "recalc", recalculate=True)
    assert len(recalculated) == 3
    checked = 0
    for source, result in zip(sources, recalculated):
        assert error_cells(result) == [], f"error values in {result.name}"
        book = openpyxl.load_workbook(source)
        for ws in book.worksheets:
            formulas = [(c.row - 1, c.column - 1) for row in ws.iter_rows() for c in row
                        if isinstance(c.value, str) and c.value.startswith("=")]
            if not formulas:
                continue
            before, after = _grid(source, ws.title), _grid(result, ws.title)
            for r, c in formulas:
                assert same(before[r][c] if before[r][c] != "" else None, after[r][c], rel=1e-7), \
                    (f"{source.name}!{ws.title} row {r + 1} col {c + 1}: wrote {before[r][c]!r}, "
                     f"LibreOffice {after[r][c]!r}")
                checked += 1
    assert checked > 1000
    print(f"LibreOffice recalculated {checked} formula cells in 3 workbooks; all equal to the written values")


@pytest.mark.slow(4)
@pytest.mark.libreoffice
def test_dashboard_pdf(tmp_path, demo_workbook):
    outcome = build_file(demo_workbook, out_dir=tmp_path, pdf=True)
    pdf = [p for p in outcome.outputs if p.suffix == ".pdf"]
    assert outcome.exit_code == 0 and pdf and pdf[0].read_bytes().startswith(b"%PDF")
    assert pdf[0].read_bytes().count(b"/Type /Page\n") + pdf[0].read_bytes().count(b"/Type/Page") <= 2
