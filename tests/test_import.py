"""Real data in: ERP and CRM exports read through presets, synonyms and column maps,
VAT taken out of tax-inclusive amounts. Every figure is worked out by hand in the comments."""
import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from helpers import write_book
from kam_xl import analyze, read_workbook
from kam_xl.app.cli import main
from kam_xl.contract import TABLES, normalize_name
from kam_xl.inputs.names import SYNONYMS, default_names
from kam_xl.inputs.presets import PRESETS

AS_OF = {"AsOfDate": "2026-11-30", "PeriodStart": "2026-01-01"}


def kingdee_exports(path):
    """Kingdee 云星空 list exports as finance saves them: one sheet per list, the
    list title above the header, text amounts, customers by name on documents."""
    book = openpyxl.Workbook()
    customers = book.active
    customers.title = "客户"
    customers.append(["客户编码", "客户名称", "行业", "信用额度"])
    customers.append(["C001", "华为技术", "通信", 500000])
    customers.append(["C002", "美的集团", "家电", 300000])
    sales = book.create_sheet("销售出库单")
    sales.append(["销售出库单列表"])
    sales.append([])
    sales.append(["单据编号", "日期", "客户", "物料名称", "实发数量", "价税合计", "税率(%)", "总成本"])
    sales.append(["XSCKD001", "2026-10-05", "华为技术", "服务器", 2, "11,300.00", 13, 8000])   # net 11300/1.13 = 10000
    sales.append(["XSCKD002", "2026-10-20", "美的集团", "交换机", 1, "5,450.00", 9, 4000])     # net 5450/1.09 = 5000
    sales.append(["XSCKD003", "2026-11-02", "C001", "服务器", 1, "5,650.00", None, 4100])     # VATRate 13 %: 5000
    sales.append(["合计", None, None, None, 4, "22,400.00", None, 16100])                     # totals: not used
    receivable = book.create_sheet("应收单")
    receivable.append(["单据编号", "客户", "业务日期", "到期日", "价税合计"])
    receivable.append(["AR001", "华为技术", "2026-10-05", "2026-11-04", 11300])
    receivable.append(["AR002", "美的集团", "2026-10-20", "2026-11-19", 5450])
    receipts = book.create_sheet("收款单")
    receipts.append(["单据编号", "往来单位", "业务日期", "表体-实收金额"])
    receipts.append(["SKD001", "华为技术", "2026-11-01", 11300])
    follow_ups = book.create_sheet("跟进记录")
    follow_ups.append(["客户名称", "跟进时间", "跟进方式", "跟进人", "跟进内容"])
    follow_ups.append(["华为技术", "2026-11-10", "拜访", "张三", "对交付满意"])
    book.save(path)
    return path


def test_kingdee_exports_build_with_hand_figures(tmp_path):
    inputs = read_workbook(kingdee_exports(tmp_path / "金蝶导出.xlsx"))
    assert not inputs.fatal
    sales = inputs["Sales"].set_index("DocumentNo")
    assert sales["NetRevenue"].to_dict() == {"XSCKD001": 10000.0, "XSCKD002": 5000.0, "XSCKD003": 5000.0}
    assert sales["CustomerID"].tolist() == ["C001", "C002", "C001"]           # names matched to codes
    results = analyze(inputs, AS_OF)
    profit = results["Profitability"].set_index("CustomerID")
    # C001: 10000 + 5000 revenue, 8000 + 4100 cost; C002: 5000 and 4000.
    assert profit.loc["C001", ["NetRevenue", "COGS", "GrossProfit"]].tolist() == [15000.0, 12100.0, 2900.0]
    assert profit.loc["C002", ["NetRevenue", "COGS", "GrossProfit"]].tolist() == [5000.0, 4000.0, 1000.0]
    receivables = results["Receivables"].set_index("CustomerID")
    # AR001 11300 paid in full on 11-01; AR002 5450 due 11-19 is 11 days overdue on 11-30.
    assert receivables.loc["C001", "OpenBalance"] == 0
    assert receivables.loc["C002", ["OpenBalance", "Overdue1_30"]].tolist() == [5450.0, 5450.0]
    assert results["Relationship"].set_index("CustomerID").loc["C001", "DaysSinceContact"] == 20
    messages = inputs.dq.frame("en")
    info = " | ".join(messages["Message"])
    assert "look like Kingdee" in info
    assert "derived net of VAT from the tax-inclusive '价税合计' for 3 lines" in info
    assert "on 2, ÷ (1 + the VATRate parameter, 13%) on 1 without a rate" in info
    assert not (messages["Severity"] == "Error").any()                       # the 合计 line ties: an Info (issue 29)
    totals = messages[messages["Message"].str.startswith("The export's own totals row")]
    assert totals["Location"].tolist() == ["销售出库单!7:7"]                    # the 合计 line, row 7
    named = messages[messages["Message"].str.contains("name the customer")]
    assert set(named["Table"]) == {"Sales", "Invoices", "Payments", "Contacts"}


def test_gross_amount_is_never_revenue_when_net_is_given(tmp_path):
    """Yonyou U8 exports carry both: 本币无税金额 is the revenue, 本币价税合计 only rides along."""
    path = tmp_path / "用友.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "客户档案"
    book.active.append(["客户编码", "客户名称", "所属行业", "信用额度", "信用期限", "专管业务员", "客户总公司编码"])
    book.active.append(["010001", "上汽集团", "汽车", 800000, 60, "李四", None])
    book.active.append(["010002", "上汽通用", "汽车", 200000, 30, "李四", "010001"])
    sales = book.create_sheet("销售发票")
    sales.append(["发票号", "开票日期", "客户编码", "存货名称", "数量", "本币无税金额", "本币价税合计", "税率"])
    sales.append(["FP01", "2026-06-01", "010001", "轮毂", 10, 8000, 9040, 13])
    sales.append(["FP02", "2026-06-15", "010002", "轮毂", 5, 4000, 4520, 13])
    book.save(path)
    inputs = read_workbook(path)
    assert inputs["Sales"]["NetRevenue"].tolist() == [8000.0, 4000.0]
    assert inputs["Customers"]["PaymentTermsDays"].tolist() == [60.0, 30.0]
    assert inputs["Customers"]["AccountManager"].tolist() == ["李四", "李四"]
    assert inputs["Customers"]["ParentID"].tolist()[1] == "010001"
    assert inputs["Customers"]["CustomerID"].tolist() == ["010001", "010002"]   # leading zeros kept
    info = " | ".join(inputs.dq.frame("en")["Message"])
    assert "look like Yonyou" in info and "derived net of VAT" not in info


def test_sap_fbl5n_line_items_as_invoices(tmp_path):
    path = tmp_path / "sap.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "Customers"
    book.active.append(["Customer", "Name 1"])
    book.active.append(["100045", "Siemens AG"])
    sales = book.create_sheet("VF05")
    sales.append(["Billing Document", "Billing Date", "Sold-To Party", "Material Description", "Net Value"])
    sales.append(["90000001", "2026-05-02", "100045", "Pump", 12000])
    items = book.create_sheet("FBL5N")
    items.append(["Account", "Document Number", "Document Date", "Net due date", "Amount in local currency"])
    items.append(["100045", "1800000011", "2026-05-02", "2026-06-01", 13560])
    items.append([None, None, "Result", None, 13560])            # the ALV subtotal line
    book.save(path)
    inputs = read_workbook(path, preset="sap")
    assert inputs["Invoices"][["InvoiceNo", "Amount"]].values.tolist() == [["1800000011", 13560.0]]
    assert inputs["Invoices"]["DueDate"].iloc[0] == pd.Timestamp("2026-06-01")
    assert inputs["Sales"]["NetRevenue"].tolist() == [12000.0]
    messages = inputs.dq.frame("en")
    assert "Preset SAP ECC" in " | ".join(messages["Message"])
    totals = messages[messages["Message"].str.startswith("The export's own totals row")]   # it ties (issue 29)
    assert totals[["Table", "Row"]].values.tolist() == [["Invoices", 3]]


def test_a_sheet_named_sheet1_is_taken_for_the_table_its_headers_fit(tmp_path):
    path = write_book(tmp_path / "export.xlsx", {
        "客户": [["客户编码", "客户名称"], ["K1", "甲"]],
        "Sheet1": [["单据编号", "业务日期", "客户编码", "不含税金额"], ["D1", "2026-03-01", "K1", 100]],
        # a date and a customer only: fits Contacts best
        "Sheet2": [["跟进时间", "客户编码", "跟进方式"], ["2026-03-02", "K1", "电话"]]})
    inputs = read_workbook(path)
    assert inputs["Sales"]["NetRevenue"].tolist() == [100.0]
    assert inputs["Contacts"]["Channel"].tolist() == ["电话"]
    assert inputs.dq.sources["Sales"].sheet == "Sheet1" and inputs.dq.sources["Contacts"].sheet == "Sheet2"


def _own_headers_book(path, with_map_sheet: bool):
    book = openpyxl.Workbook()
    book.active.title = "客户名单"
    book.active.append(["客户代号", "名字"])
    book.active.append(["K1", "甲"])
    sheet = book.create_sheet("出货明细")
    sheet.append(["出货日", "客户代号", "收入(元)"])
    sheet.append(["2026-03-01", "K1", 250])
    if with_map_sheet:
        mapping = book.create_sheet("列映射")
        mapping.append(["表", "来源工作表", "来源列", "列"])
        for row in MAP_ROWS:
            mapping.append(row)
    book.save(path)
    return path


MAP_ROWS = [
    ["客户", "客户名单", None, None],                 # row 2: the sheet holding Customers
    ["Customers", None, "客户代号", "CustomerID"],
    ["Customers", None, "名字", "客户名称"],           # Chinese column names work too
    ["销售", "出货明细", "出货日", "Date"],
    ["Sales", None, "客户代号", "CustomerID"],
    ["Sales", None, "收入(元)", "NetRevenue"],
    ["Salez", None, "x", "Date"],                     # row 8: unknown table
    ["Sales", None, "毛利", "Profit"],                # row 9: unknown column
    ["Sales", None, "数量2", None],                   # row 10: no column
]


def _check_mapped(inputs):
    assert not inputs.fatal, inputs.fatal
    assert inputs["Customers"]["CustomerName"].tolist() == ["甲"]
    assert inputs["Sales"]["NetRevenue"].tolist() == [250.0]
    errors = inputs.dq.frame("en")
    errors = errors[(errors["Severity"] == "Error") & (errors["Table"] == "ColumnMap")]
    assert errors["Row"].tolist() == [8, 9, 10]
    assert errors["Message"].iloc[0].startswith("ColumnMap: no table of that name")
    assert "Sales has no column of that name" in errors["Message"].iloc[1]


def test_a_column_map_in_the_workbook(tmp_path):
    inputs = read_workbook(_own_headers_book(tmp_path / "own.xlsx", True))
    _check_mapped(inputs)
    info = " | ".join(inputs.dq.frame("en")["Message"])
    assert "收入(元) → NetRevenue (ColumnMap row 7)" in info


def test_a_column_map_file_in_gbk_and_validate_shows_where_each_column_came_from(tmp_path):
    book = _own_headers_book(tmp_path / "own.xlsx", False)
    map_file = tmp_path / "map.csv"
    lines = ["Table,SourceSheet,SourceColumn,Column", *(",".join("" if v is None else v for v in row)
                                                         for row in MAP_ROWS)]
    map_file.write_bytes("\r\n".join(lines).encode("gbk"))          # as Chinese Excel saves CSV
    _check_mapped(read_workbook(book, column_map=map_file))
    result = CliRunner().invoke(main, ["validate", str(book), "--map", str(map_file), "--lang", "en"])
    assert result.exit_code == 1, result.output
    assert "Where each column came from" in result.output
    assert "NetRevenue   │ 出货明细 │ 收入(元)" in result.output
    assert "map.csv!B8 SourceSheet" in result.output or "map.csv!A8 Table" in result.output


def test_no_name_means_two_columns_of_one_table():
    """A synonym or preset header naming two columns of one table would be read as either."""
    names = default_names()
    for spec in TABLES.values():
        owners = {}
        for column in spec.columns:
            for alias in names.column_aliases(spec, column):
                assert owners.setdefault(alias, column.name) == column.name, (spec.name, alias)
    for table, columns in SYNONYMS.items():
        assert set(columns) <= {c.name for c in TABLES[table].columns}
    for preset in PRESETS.values():
        for table, columns in preset.columns.items():
            assert set(columns) <= {c.name for c in TABLES[table].columns}, (preset.key, table)


@pytest.mark.parametrize("header", ["客户编码", "客户代码", "客户号"])
def test_common_chinese_customer_code_headers(tmp_path, header):
    path = tmp_path / "b.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "客户"
    book.active.append([header, "客户名称"])
    book.active.append(["K1", "甲"])
    sales = book.create_sheet("销售")
    sales.append(["单据编号", "业务日期", header, "物料名称", "实发数量", "销售收入"])
    sales.append(["D1", "2026-03-01", "K1", "螺丝", 3, 90])
    book.save(path)
    inputs = read_workbook(path)
    assert inputs["Sales"][["CustomerID", "Quantity", "NetRevenue"]].values.tolist() == [["K1", 3.0, 90.0]]
    assert normalize_name(inputs.dq.sources["Sales"].header("CustomerID")) == normalize_name(header)


def test_a_dollar_amount_is_an_error_row_and_in_no_cny_total(tmp_path):
    """'$1,000' used to be read as 1,000 yuan. Now the line is an Error and no CNY figure holds it."""
    path = write_book(tmp_path / "mixed.xlsx", {
        "Customers": [["CustomerID", "CustomerName"], ["K1", "Alpha"]],
        "Sales": [["Date", "CustomerID", "NetRevenue", "COGS"],
                  ["2026-03-01", "K1", "¥2,000", "1,500"],        # yuan, the reporting currency
                  ["2026-03-02", "K1", "$1,000", 600],            # dollars: row not used
                  ["2026-03-03", "K1", "USD 500", 300],           # dollars: row not used
                  ["2026-03-04", "K1", 800, "€100"]],             # cost in euros: cost unknown, never 0
        "Invoices": [["InvoiceNo", "CustomerID", "InvoiceDate", "Amount"],
                     ["I1", "K1", "2026-03-01", "2,260元"], ["I2", "K1", "2026-03-02", "US$1,130"]]})
    inputs = read_workbook(path)
    assert inputs["Sales"]["NetRevenue"].tolist() == [2000.0, 800.0]
    assert inputs["Invoices"]["Amount"].tolist() == [2260.0]
    errors = inputs.dq.frame("en")
    errors = errors[errors["Message"].str.startswith("Amount in")]
    assert errors[["Row", "Column", "Value"]].values.tolist() == [
        [3, "NetRevenue", "$1,000"], [4, "NetRevenue", "USD 500"], [5, "COGS", "€100"], [3, "Amount", "US$1,130"]]
    assert "Amount in USD by its sign, not in the reporting currency CNY" in errors["Message"].iloc[0]
    results = analyze(inputs, {"AsOfDate": "2026-03-31", "PeriodStart": "2026-01-01"})
    profit = results["Profitability"].set_index("CustomerID").loc["K1"]
    assert profit["NetRevenue"] == 2800.0 and pd.isna(profit["COGS"]) and pd.isna(profit["GrossProfit"])
    assert results["Receivables"].set_index("CustomerID").loc["K1", "OpenBalance"] == 2260.0


def test_dollars_are_the_reporting_currency_of_a_dollar_book():
    from kam_xl.inputs.reader import inputs_from_frames
    frames = {"Customers": pd.DataFrame({"CustomerID": ["K1"]}),
              "Sales": pd.DataFrame({"Date": ["2026-03-01", "2026-03-02"], "CustomerID": ["K1", "K1"],
                                     "NetRevenue": ["$1,000", "¥7,000"]}),
              "Parameters": pd.DataFrame({"Parameter": ["ReportingCurrency"], "Value": ["USD"]})}
    inputs = inputs_from_frames(frames)
    assert inputs["Sales"]["NetRevenue"].tolist() == [1000.0]
    assert "Amount in CNY by its sign, not in the reporting currency USD" in " ".join(inputs.dq.frame("en")["Message"])


def test_new_preset_template_carries_the_systems_headers_and_reads_back(tmp_path):
    path = tmp_path / "金蝶模板.xlsx"
    assert CliRunner().invoke(main, ["new", str(path), "--lang", "zh-CN", "--preset", "kingdee"]).exit_code == 0
    book = openpyxl.load_workbook(path)
    sales = book["销售出库单"]
    headers = [c.value for c in sales[1]]
    assert headers[:4] == ["日期", "客户编码", "单据编号", "物料名称"] and "价税合计(本位币)" in headers
    assert [c.value for c in book["客户列表"][1]][:2] == ["客户编码", "客户名称"]
    row = {"日期": "2026-05-01", "客户编码": "C1", "单据编号": "D1", "金额(本位币)": 900, "总成本(本位币)": 700}
    sales.append([row.get(h) for h in headers])
    book["客户列表"].append(["C1", "甲"])
    book.save(path)
    inputs = read_workbook(path)
    assert inputs["Sales"][["CustomerID", "NetRevenue", "COGS"]].values.tolist() == [["C1", 900.0, 700.0]]


def test_import_doc_lists_every_preset_column_and_synonym():
    from pathlib import Path

    from kam_xl.inputs.presets import import_markdown
    doc = (Path(__file__).resolve().parent.parent / "docs" / "IMPORT.md").read_text(encoding="utf-8")
    assert import_markdown() in doc


def three_departments(folder):
    """Finance's Kingdee workbook (customers with a group of three subsidiaries, sales outbound list,
    receipts, parameters), finance's receivables list saved as GBK CSV with a dollar invoice, the sales
    team's CRM follow-ups, and operations' own sales outbound export repeating one document."""
    finance = openpyxl.Workbook()
    customers = finance.active
    customers.title = "客户"
    customers.append(["客户编码", "客户名称", "行业", "信用额度", "对应集团客户"])
    for row in (["G01", "华润集团", "零售", 100000, None], ["S01", "华润万家", "零售", 50000, "G01"],
                ["S02", "华润置地", "地产", 50000, "G01"], ["S03", "华润医药", "医药", 20000, "G01"],
                ["C09", "美的集团", "家电", 80000, None]):
        customers.append(row)
    sales = finance.create_sheet("销售出库单")
    sales.append(["销售出库单列表"])
    sales.append(["单据编号", "日期", "客户", "物料名称", "实发数量", "价税合计", "税率(%)", "总成本"])
    sales.append(["XS01", "2026-09-05", "华润万家", "商品A", 10, "11,300.00", 13, 7000])   # net 10000
    sales.append(["XS02", "2026-09-15", "华润置地", "商品B", 5, "5,450.00", 9, 3500])      # net 5000
    sales.append(["XS03", "2026-10-02", "S03", "商品A", 2, "2,260.00", 13, 1500])          # net 2000
    sales.append(["XS04", "2026-10-20", "美的集团", "商品C", 1, "3,390", None, 2500])      # VATRate: 3000
    receipts = finance.create_sheet("收款单")
    receipts.append(["单据编号", "往来单位", "业务日期", "表体-实收金额"])
    receipts.append(["SK01", "华润万家", "2026-10-01", "11,300.00"])
    parameters = finance.create_sheet("参数")
    parameters.append(["参数", "值"])
    parameters.append(["截止日期", "2026-10-31"])
    parameters.append(["期间开始", "2026-01-01"])
    finance.save(folder / "finance.xlsx")
    receivable = ["单据编号,客户,业务日期,到期日,价税合计", "AR01,华润万家,2026-09-05,2026-10-05,11300",
                  "AR02,华润置地,2026-09-15,2026-10-15,\"5,450\"", "AR03,美的集团,2026-10-20,2026-11-19,$500"]
    (folder / "应收单.csv").write_bytes("\r\n".join(receivable).encode("gbk"))
    crm = openpyxl.Workbook()
    crm.active.title = "跟进记录"
    crm.active.append(["客户名称", "跟进时间", "跟进方式", "跟进人", "跟进内容"])
    crm.active.append(["华润万家", "2026-10-25", "拜访", "王五", "年度框架续签"])
    crm.save(folder / "crm_contacts.xlsx")
    ops = openpyxl.Workbook()
    ops.active.title = "销售出库单"
    ops.active.append(["单据编号", "日期", "客户", "物料名称", "实发数量", "价税合计", "税率(%)", "总成本"])
    ops.active.append(["XS04", "2026-10-20", "美的集团", "商品C", 1, "3,390", None, 2500])   # finance has it
    ops.active.append(["XS05", "2026-10-28", "华润医药", "商品B", 1, "1,130", 13, 800])     # net 1000
    ops.save(folder / "ops.xlsx")
    return folder / "finance.xlsx", [folder / "应收单.csv", folder / "crm_contacts.xlsx", folder / "ops.xlsx"]


def test_three_departments_build_one_summary_with_hand_figures(tmp_path):
    main_file, sources = three_departments(tmp_path)
    inputs = read_workbook(main_file, sources=sources)
    assert not inputs.fatal
    results = analyze(inputs)
    profit = results["Profitability"].set_index("CustomerID")
    # Net of VAT: S01 11300/1.13; S02 5450/1.09; S03 2260/1.13 + 1130/1.13 (ops); C09 3390/1.13 once.
    assert profit["NetRevenue"].to_dict() == {"S01": 10000.0, "S02": 5000.0, "S03": 3000.0, "C09": 3000.0,
                                              "G01": 0.0}
    assert profit["GrossProfit"].to_dict() == {"S01": 3000.0, "S02": 1500.0, "S03": 700.0, "C09": 500.0, "G01": 0.0}
    sales = inputs["Sales"]
    assert sales.groupby("Source")["DocumentNo"].apply(list).to_dict() == {
        "finance.xlsx": ["XS01", "XS02", "XS03", "XS04"], "ops.xlsx": ["XS05"]}
    receivables = results["Receivables"].set_index("CustomerID")
    # AR01 paid 10-01; AR02 5450 due 10-15 is 16 days overdue on 10-31; AR03 in dollars is not used.
    assert receivables.loc["S02", ["OpenBalance", "Overdue1_30"]].tolist() == [5450.0, 5450.0]
    assert receivables["OpenBalance"].sum() == 5450.0
    groups = results["Groups"].set_index("ParentID")
    # G01 with its three subsidiaries: 10000 + 5000 + 3000 revenue, 3000 + 1500 + 700 gross profit,
    # limits 100000 + 50000 + 50000 + 20000, 5450 open and overdue.
    assert groups.loc["G01", ["Customers", "NetRevenue", "GrossProfit", "OpenBalance", "OverdueBalance",
                              "CreditLimit"]].tolist() == [4, 18000.0, 5200.0, 5450.0, 5450.0, 220000.0]
    risk = results["RiskSummary"].set_index("Metric")["Value"]
    assert abs(risk["GroupHHI"] - (18 ** 2 + 3 ** 2) / 21 ** 2 * 10_000) < 1e-9
    assert abs(risk["GroupTop1Share"] - 18 / 21) < 1e-12
    assert results["Relationship"].set_index("CustomerID").loc["S01", "DaysSinceContact"] == 6
    messages = inputs.dq.frame("en")
    duplicate = messages[messages["Message"].str.startswith("The same document")]
    assert duplicate[["Row", "Value", "Location"]].values.tolist() == [[2, "XS04", "[ops.xlsx]销售出库单!A2 单据编号"]]
    assert "finance.xlsx (row 6)" in duplicate["Message"].iloc[0]
    dollar = messages[messages["Message"].str.startswith("Amount in USD")]
    assert dollar["Location"].tolist() == ["应收单.csv!E4 价税合计"]


def test_a_project_file_runs_the_month_end_in_one_command(tmp_path):
    three_departments(tmp_path)
    (tmp_path / "kam.toml").write_text(
        'inputs = ["finance.xlsx"]\nsources = ["应收单.csv", "crm_contacts.xlsx", "ops.xlsx"]\n'
        'out_dir = "月结"\nlang = "zh-CN"\n\n[parameters]\nAsOfDate = 2026-10-31\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--config", str(tmp_path / "kam.toml")])
    assert result.exit_code == 1, result.output            # rows were rejected: the duplicate and the dollars
    summary = tmp_path / "月结" / "finance_Summary.xlsx"
    assert summary.exists()
    from kam_xl.render.results_reader import read_results
    back = read_results(summary)
    assert back["Profitability"].set_index("CustomerID")["NetRevenue"].sum() == 21000.0
    assert set(back["Groups"]["ParentID"]) == {"G01", "C09"}
    (tmp_path / "bad.toml").write_text('inputs = ["finance.xlsx"]\noutdir = "x"\n', encoding="utf-8")
    wrong = CliRunner().invoke(main, ["build", "--config", str(tmp_path / "bad.toml")])
    assert wrong.exit_code == 2 and "unknown setting(s) outdir" in wrong.output
    (tmp_path / "bad.toml").write_text('inputs = ["finance.xlsx"]\npreset = "kingdom"\n', encoding="utf-8")
    wrong = CliRunner().invoke(main, ["build", "--config", str(tmp_path / "bad.toml")])
    assert wrong.exit_code == 2 and "preset 'kingdom' is not one of kingdee, yonyou, sap, crm" in wrong.output


def test_currencies_convert_at_the_dates_rate_and_balances_at_the_closing_rate():
    """USD at 7.10 from 2026-01-01, 7.20 from 04-01 and 7.25 from 06-30 (AsOfDate)."""
    from kam_xl.inputs.reader import inputs_from_frames
    frames = {
        "Customers": pd.DataFrame({"CustomerID": ["K1", "K2"], "CustomerName": ["甲", "Acme Inc."]}),
        "FXRates": pd.DataFrame({"Date": ["2026-01-01", "2026-04-01", "2026-06-30"], "Currency": ["USD"] * 3,
                                 "Rate": [7.10, 7.20, 7.25]}),
        "Sales": pd.DataFrame({
            "Date": ["2026-02-10", "2026-05-05", "2026-03-01", "2026-03-02"], "CustomerID": ["K2", "K2", "K1", "K2"],
            "NetRevenue": [1000, "$500", 5000, "€100"], "COGS": [600, 300, 3000, 50],
            "Currency": ["USD", "美元", None, "EUR"]}),                       # no EUR rate: the line is not used
        "Invoices": pd.DataFrame({
            "InvoiceNo": ["I1", "I2", "I3", "I4"], "CustomerID": ["K2", "K2", "K1", "K2"],
            "InvoiceDate": ["2026-02-10", "2026-05-05", "2026-03-01", "2026-06-01"],
            "DueDate": ["2026-03-12", "2026-06-04", "2026-03-31", "2026-07-01"],
            "Amount": [1130, 565, 5650, 100], "Currency": ["USD", "USD", "CNY", "GBP"]}),   # no GBP rate
        "Payments": pd.DataFrame({"InvoiceNo": ["I1", "I3"], "CustomerID": ["K2", "K1"],
                                  "PaymentDate": ["2026-03-10", "2026-04-01"], "Amount": [1130, 5650],
                                  "Currency": ["USD", None]}),
        "Parameters": pd.DataFrame({"Parameter": ["AsOfDate", "PeriodStart"], "Value": ["2026-06-30", "2026-01-01"]}),
    }
    inputs = inputs_from_frames(frames)
    results = analyze(inputs)
    profit = results["Profitability"].set_index("CustomerID")
    # K2: 1000 × 7.10 + 500 × 7.20 = 10700 revenue; 600 × 7.10 + 300 × 7.20 = 6420 cost.
    assert profit.loc["K2", ["NetRevenue", "COGS", "GrossProfit"]].tolist() == [10700.0, 6420.0, 4280.0]
    assert profit.loc["K1", "NetRevenue"] == 5000.0
    receivables = results["Receivables"].set_index("CustomerID")
    # I2: 565 USD open, at the closing rate 7.25 = 4096.25, due 06-04: 26 days overdue.
    assert receivables.loc["K2", ["OpenBalance", "Overdue1_30"]].tolist() == [4096.25, 4096.25]
    assert receivables.loc["K1", "OpenBalance"] == 0
    assert results["ReceivablesByCurrency"].values.tolist() == [["K2", "USD", 565.0, 7.25, 4096.25]]
    messages = results["DataQuality"]
    errors = messages[messages["Severity"] == "Error"]
    assert errors[["Table", "Row", "Value"]].values.tolist() == [["Sales", 5, "EUR"], ["Invoices", 5, "GBP"]]
    assert "No FXRates rate of EUR on or before 2026-03-02" in errors["Message"].iloc[0]
    info = " | ".join(messages["Message"])
    assert "2 line(s) in USD converted to CNY at the rate of each line's date" in info
    assert "2 line(s) in USD converted to CNY at the closing rate of AsOfDate" in info


def test_sources_in_utf8_with_bom_and_parquet(tmp_path):
    """A Payments CSV saved by Excel as 'CSV UTF-8' (with BOM) and Contacts as Parquet join the workbook."""
    main_file = write_book(tmp_path / "main.xlsx", {
        "客户": [["客户编码", "客户名称"], ["K1", "甲"]],
        "销售": [["单据编号", "业务日期", "客户编码", "销售收入"], ["D1", "2026-03-01", "K1", 100]],
        "应收单": [["单据编号", "客户编码", "业务日期", "价税合计"], ["AR1", "K1", "2026-03-01", 113]]})
    (tmp_path / "收款.csv").write_bytes("客户编码,收款日期,收款金额\r\nK1,2026-03-20,113\r\n".encode("utf-8-sig"))
    pd.DataFrame({"Date": [pd.Timestamp("2026-03-25")], "CustomerID": ["K1"], "Channel": ["visit"]}).to_parquet(
        tmp_path / "crm.parquet")
    inputs = read_workbook(main_file, sources=[tmp_path / "收款.csv", tmp_path / "crm.parquet"])
    assert inputs["Payments"][["CustomerID", "Amount", "Source"]].values.tolist() == [["K1", 113.0, "收款.csv"]]
    assert inputs["Contacts"]["Channel"].tolist() == ["visit"]                 # taken by its headers
    results = analyze(inputs, {"AsOfDate": "2026-03-31"})
    assert results["Receivables"].set_index("CustomerID").loc["K1", "OpenBalance"] == 0


def test_key_findings_name_the_file_the_row_came_from(tmp_path):
    """With several files a row number alone is ambiguous: an unknown customer on operations' sheet and a
    customer that finance already listed must point at operations' file."""
    main_file, sources = three_departments(tmp_path)
    ops = openpyxl.load_workbook(tmp_path / "ops.xlsx")
    ops["销售出库单"].append(["XS06", "2026-10-29", "无名公司", "商品B", 1, "1,130", 13, 800])     # row 4
    ops.create_sheet("客户").append(["客户编码", "客户名称"])
    ops["客户"].append(["C09", "美的集团（重复）"])                                              # row 2
    ops.save(tmp_path / "ops.xlsx")
    messages = read_workbook(main_file, sources=sources).dq.frame("en")
    unknown = messages[messages["Message"].str.startswith("CustomerID is not in Customers")]
    assert unknown["Location"].tolist() == ["[ops.xlsx]销售出库单!C4 客户"]
    duplicate = messages[messages["Message"].str.startswith("Duplicate CustomerID")]
    assert duplicate["Location"].tolist() == ["[ops.xlsx]客户!A2 客户编码"]
    assert "(row 6, finance.xlsx)" in duplicate["Message"].iloc[0]


def test_review_findings_stay_fixed(tmp_path):
    """Found by review: refused foreign lines must not come back; each file's VAT derivation uses its own
    headers; a receipt without a currency is in its invoice's; a guessed sheet stays with its workbook."""
    from kam_xl.inputs.reader import inputs_from_frames
    frames = {"Customers": pd.DataFrame({"CustomerID": ["K1"]}),
              "Sales": pd.DataFrame({"Date": ["2026-03-01"], "CustomerID": ["K1"], "NetRevenue": [100]}),
              "Invoices": pd.DataFrame({"InvoiceNo": ["U1", "U2"], "CustomerID": ["K1", "K1"],
                                        "InvoiceDate": ["2026-03-01", "2026-03-02"], "Amount": [1000, 50],
                                        "Currency": ["USD", "CNY"]}),
              "Parameters": pd.DataFrame({"Parameter": ["AsOfDate"], "Value": ["2026-03-31"]})}
    results = analyze(inputs_from_frames(frames))        # no FXRates: the USD invoice is refused...
    assert results["Receivables"].set_index("CustomerID").loc["K1", "OpenBalance"] == 50.0   # ...and stays out
    frames["FXRates"] = pd.DataFrame({"Date": ["2026-01-01"], "Currency": ["USD"], "Rate": [7.0]})
    frames["Payments"] = pd.DataFrame({"InvoiceNo": ["U1"], "CustomerID": ["K1"], "PaymentDate": ["2026-03-10"],
                                       "Amount": [1000]})          # no currency: the invoice's dollars
    results = analyze(inputs_from_frames(frames))
    assert results["Receivables"].set_index("CustomerID").loc["K1", "OpenBalance"] == 50.0
    main_file = write_book(tmp_path / "m.xlsx", {
        "客户": [["客户编码", "客户名称"], ["K1", "甲"]],
        "Sheet1": [["单据编号", "业务日期", "客户编码", "不含税金额"], ["D1", "2026-03-01", "K1", 100]]})
    crm = write_book(tmp_path / "crm.xlsx",
                     {"Sheet1": [["跟进时间", "客户编码", "跟进方式"], ["2026-03-02", "K1", "电话"]]})
    (tmp_path / "销售.csv").write_text("单据编号,业务日期,客户编码,价税合计,税率(%)\nD2,2026-03-05,K1,226,13\n",
                                     encoding="utf-8")
    inputs = read_workbook(main_file, sources=[crm, tmp_path / "销售.csv"])
    assert inputs["Contacts"]["Channel"].tolist() == ["电话"]                 # crm's Sheet1 is not Sales
    assert inputs["Sales"].set_index("DocumentNo")["NetRevenue"].to_dict() == {"D1": 100.0, "D2": 200.0}
