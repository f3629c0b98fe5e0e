"""Trust: no row silently dropped, no figure faked, every message in the user's words.

Each test fills a workbook the way a person or a script does, runs what the
user runs, and checks the figures and the exact message (issue "Trust").
"""
import datetime as dt
import os

import numpy as np
import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import small_book

from kam_xl import analyze, read_workbook
from kam_xl.app.build import build_file
from kam_xl.app.cli import main
from kam_xl.domain.summary import commentary_facts
from kam_xl.inputs.reader import inputs_from_frames
from kam_xl.render.results_reader import read_results
from kam_xl.words import money_text, sentences

D = pd.Timestamp


@pytest.fixture
def runner():
    return CliRunner()


def new_template(runner, path, lang="en"):
    result = runner.invoke(main, ["new", str(path), "--lang", lang])
    assert result.exit_code == 0, result.output
    return path


def minimal_book(customers, sales, invoices=None, parameters=None):
    frames = {"Customers": pd.DataFrame(customers), "Sales": pd.DataFrame(sales)}
    if invoices is not None:
        frames["Invoices"] = pd.DataFrame(invoices)
    if parameters is not None:
        frames["Parameters"] = pd.DataFrame(list(parameters.items()), columns=["Parameter", "Value"])
    return inputs_from_frames(frames)


# 1. Rows under an Excel Table --------------------------------------------------------------

def test_rows_appended_under_the_template_tables_are_all_read(runner, tmp_path):
    book_path = new_template(runner, tmp_path / "kam.xlsx")
    book = openpyxl.load_workbook(book_path)
    assert book["Customers"].tables["Customers"].ref == "A1:L2"    # header and one blank row
    for i in range(15):
        book["Customers"].append([f"K{i:02d}", f"Customer {i}", "Retail", None, None, "Li", 100000, 30])
    for i in range(200):
        book["Sales"].append([dt.datetime(2026, 1, 1) + dt.timedelta(days=i), f"K{i % 15:02d}", f"S{i}", None,
                              None, 100.0 + i, 60.0])
    book.save(book_path)
    # openpyxl's append writes row 2 (inside each table) and the rest below it: rows 3-16 and 3-201.
    result = runner.invoke(main, ["build", str(book_path), "-o", str(tmp_path / "out.xlsx")])
    assert result.exit_code == 0, result.output
    assert "15 customers" in result.output
    tables = read_results(tmp_path / "out.xlsx")
    profit = tables["Profitability"]
    assert len(profit) == 15
    assert profit["NetRevenue"].sum() == pytest.approx(sum(100.0 + i for i in range(200)))
    dq = tables["DataQuality"]
    below = dq[dq["Message"].str.contains("below the Excel Table", na=False)]
    assert below[["Severity", "Table", "Row"]].values.tolist() == [["Warning", "Customers", 3], ["Warning", "Sales", 3]]
    assert "Rows 3-16 below the Excel Table 'Customers'" in below["Message"].iloc[0]
    assert "Rows 3-201 below the Excel Table 'Sales'" in below["Message"].iloc[1]


def test_rows_under_a_table_stop_at_the_first_empty_row(tmp_path):
    path = tmp_path / "gap.xlsx"
    book = openpyxl.Workbook()
    customers = book.active
    customers.title = "Customers"
    customers.append(["Notes above"])
    customers.append([])
    customers.append([None, "CustomerID", "CustomerName"])   # table at B3:C4, not at A1
    customers.append([None, "A", "Alpha"])
    customers.add_table(openpyxl.worksheet.table.Table(displayName="Customers", ref="B3:C4"))
    customers.append([None, "B", "Beta"])                     # row 5: under the table, read
    customers.append([])                                      # row 6 empty: the table's rows end
    customers.append([None, "Totals are elsewhere", "x"])     # row 7: not part of it
    sales = book.create_sheet("Sales")
    sales.append(["Date", "CustomerID", "NetRevenue", "COGS"])
    sales.append(["2026-01-05", "B", 10, 4])
    book.save(path)
    inputs = read_workbook(path)
    assert inputs["Customers"]["CustomerID"].tolist() == ["A", "B"]
    assert inputs["Customers"]["_row"].tolist() == [4, 5]


# 2. A missing optional column is not faked ---------------------------------------------------

def test_renamed_cost_column_leaves_gross_profit_empty_and_names_the_header(runner, tmp_path):
    book_path = new_template(runner, tmp_path / "台账.xlsx", "zh-CN")
    book = openpyxl.load_workbook(book_path)
    sheet = book["销售"]
    assert sheet["G1"].value == "销售成本"
    sheet["G1"].value = "成本"                                    # as Excel renames it: the cell and the table column
    sheet.tables["Sales"].tableColumns[6].name = "成本"
    book["客户"].append(["KH001", "甲公司", "制造业"])
    sheet.append(["2026-03-05", "KH001", "D1", None, None, 1000, 600])
    sheet.append(["2026-03-06", "KH001", "D2", None, None, 500, 300])
    book.save(book_path)
    result = runner.invoke(main, ["build", str(book_path), "-o", str(tmp_path / "汇总.xlsx")])
    assert result.exit_code == 0, result.output
    tables = read_results(tmp_path / "汇总.xlsx")
    row = tables["Profitability"].iloc[0]
    assert row["NetRevenue"] == 1500
    for column in ("COGS", "GrossProfit", "GrossMarginPct", "NetProfit", "NetMarginPct"):
        assert pd.isna(row[column]), column
    dq = tables["DataQuality"]
    found = dq[dq["Column"] == "销售成本"].iloc[0]   # a Chinese summary: the column and severity in Chinese
    assert found["Severity"] == "警告" and found["Value"] == "成本"
    assert found["Message"] == ("没有 'COGS' / '销售成本' 列：毛利、毛利率、客户净贡献和客户终身价值留空"
                                "（不会按零成本计算）。表头“成本”是否就是这一列？请改名为 'COGS' / '销售成本' 以便使用")
    kpis = tables["KPIs"].set_index("KPI")
    assert pd.isna(kpis.loc["GrossProfit", "ThisPeriod"]) and pd.isna(kpis.loc["GrossMarginPct", "ThisPeriod"])


def test_blank_cost_cells_make_that_customer_unknown_not_free():
    inputs = minimal_book({"CustomerID": ["A", "B"]},
                          {"Date": [D("2026-03-01")] * 3, "CustomerID": ["A", "A", "B"],
                           "NetRevenue": [100.0, 50.0, 80.0], "COGS": [60.0, None, 30.0]},
                          parameters={"AsOfDate": "2026-03-31"})
    results = analyze(inputs)
    profit = results["Profitability"].set_index("CustomerID")
    assert pd.isna(profit.loc["A", "GrossProfit"]) and pd.isna(profit.loc["A", "NetProfit"])
    assert profit.loc["B", "GrossProfit"] == 50
    dq = results["DataQuality"]
    blank = dq[(dq["Column"] == "COGS") & (dq["Severity"] == "Warning")]
    assert blank["Row"].tolist() == [3]
    assert pd.isna(results["KPIs"].set_index("KPI").loc["GrossProfit", "ThisPeriod"])   # not 50 passed off as the total
    segments = results["Segments"]
    assert segments["GrossProfit"].isna().all()
    assert pd.isna(results["RiskSummary"].set_index("Metric").loc["LossMakingCustomers", "Value"])
    assert any("not totalled" in s for s in results.commentary)


def test_an_empty_sales_table_is_an_error_not_a_summary_of_zeros():
    """The template with Customers filled but Sales left empty (a forgotten paste or SalesFile): the summary
    would say revenue 0.00 for everyone as if it were a result. It says the table is empty, in both
    languages, and the build exits 1; rows all rejected leave an empty table too, and say so."""
    empty = minimal_book({"CustomerID": ["A"]}, {"Date": [], "CustomerID": [], "NetRevenue": []},
                         parameters={"AsOfDate": "2026-03-31"})
    assert [(r["Severity"], r["Table"]) for r in empty.dq.records if r["key"] == "table.sales_empty"] == \
        [("Error", "Sales")]
    assert analyze(empty).exit_code == 1
    assert "Sales has no rows" in empty.dq.message(
        next(r for r in empty.dq.records if r["key"] == "table.sales_empty"), "en")
    rejected = minimal_book({"CustomerID": ["A"]}, {"Date": [D("2026-03-01")], "CustomerID": ["Z"],
                                                   "NetRevenue": [10.0]}, parameters={"AsOfDate": "2026-03-31"})
    assert [r["key"] for r in rejected.dq.records if r["Table"] == "Sales" and r["Severity"] == "Error"] == \
        ["key.unknown", "table.sales_empty"]
    filled = minimal_book({"CustomerID": ["A"]}, {"Date": [D("2026-03-01")], "CustomerID": ["A"],
                                                 "NetRevenue": [10.0]}, parameters={"AsOfDate": "2026-03-31"})
    assert not [r for r in filled.dq.records if r["key"] == "table.sales_empty"]


# 3. A prior period the data do not cover ---------------------------------------------------

def _growth_book(data_start=None):
    # Data from 2025-01-01; the period 2025-04-01 .. 2026-03-29 (363 days) has a prior period
    # 2024-04-03 .. 2025-03-31, of which the data cover 90 days of 363 (25 %).
    sales = {"Date": [D("2025-01-01"), D("2025-02-01"), D("2025-06-01"), D("2026-01-10")],
             "CustomerID": ["A", "A", "A", "A"], "DocumentNo": ["1", "2", "3", "4"],
             "NetRevenue": [100.0, 100.0, 300.0, 378.0], "COGS": [50.0, 50.0, 150.0, 189.0]}
    invoices = {"InvoiceNo": ["I1", "I2"], "CustomerID": ["A", "A"], "InvoiceDate": [D("2025-01-01"), D("2025-06-01")],
                "DueDate": [D("2025-01-31"), D("2025-07-01")], "Amount": [113.0, 339.0]}
    parameters = {"AsOfDate": "2026-03-29", "PeriodStart": "2025-04-01"}
    if data_start:
        parameters["DataStart"] = data_start
    return minimal_book({"CustomerID": ["A"], "CustomerName": ["Alpha"]}, sales, invoices, parameters)


def test_prior_period_before_the_data_is_not_compared():
    results = analyze(_growth_book())
    assert pd.isna(results["Potential"]["GrowthRate"].iloc[0])
    kpis = results["KPIs"].set_index("KPI")
    for kpi in ("NetRevenue", "GrossProfit", "ActiveCustomers", "Top5Share", "TierACustomers", "DSO"):
        assert pd.isna(kpis.loc[kpi, "PriorPeriod"]) and pd.isna(kpis.loc[kpi, "Change"]), kpi
    assert kpis.loc["NetRevenue", "ThisPeriod"] == 678
    dq = results["DataQuality"]
    notes = dq[dq["Message"].str.contains("of the prior period", na=False)]
    assert notes["Table"].tolist() == ["Sales", "Invoices"]
    assert notes["Message"].iloc[0].startswith("The data cover 25% of the prior period 2024-04-03 - 2025-03-31 "
                                               "(Sales from 2025-01-01); below 95%")
    assert results.commentary[0] == ("Net revenue was CNY 678.00; the data do not cover the prior period, "
                                     "so no comparison is made.")


def test_declared_data_start_makes_the_prior_period_comparable():
    results = analyze(_growth_book(data_start="2024-04-01"))
    # Records complete from 2024-04-01: prior revenue 200, this period 678, growth 239 %.
    assert results["Potential"]["GrowthRate"].iloc[0] == pytest.approx(678 / 200 - 1)
    kpis = results["KPIs"].set_index("KPI")
    assert kpis.loc["NetRevenue", "PriorPeriod"] == 200 and kpis.loc["NetRevenue", "Change"] == 478


def test_opening_receivables_before_the_data_are_unknown():
    # Invoices start inside this period: its opening balance is not in the data.
    inputs = minimal_book({"CustomerID": ["A"]},
                          {"Date": [D("2026-02-01")], "CustomerID": ["A"], "NetRevenue": [100.0], "COGS": [40.0]},
                          {"InvoiceNo": ["I1"], "CustomerID": ["A"], "InvoiceDate": [D("2026-02-01")],
                           "DueDate": [D("2026-03-01")], "Amount": [113.0]},
                          {"AsOfDate": "2026-03-31", "PeriodStart": "2026-01-01"})
    results = analyze(inputs)
    ar = results["Receivables"].iloc[0]
    assert ar["OpenBalance"] == 113 and ar["CreditSales"] == 113
    assert pd.isna(ar["AverageAR"]) and pd.isna(ar["DSO"]) and pd.isna(ar["ARTurnover"])
    profit = results["Profitability"].iloc[0]
    assert pd.isna(profit["FinancingCost"]) and pd.isna(profit["NetProfit"]) and profit["GrossProfit"] == 60
    dq = results["DataQuality"]
    assert dq["Message"].str.startswith("The invoices begin on 2026-02-01, so the receivables owed at the start "
                                        "of this period (2026-01-01) are not in the data").any()


# 4. Rounding residue -----------------------------------------------------------------------

def test_paid_invoices_leave_no_residue_and_money_is_to_the_cent():
    # 0.1 + 0.2 style sums: 57,135.01 billed in three lines, paid in three other amounts.
    inputs = minimal_book(
        {"CustomerID": ["A", "B"], "CreditLimit": [1000, 1000]},
        {"Date": [D("2026-01-10")] * 3, "CustomerID": ["A", "A", "B"], "NetRevenue": [57000.1, 134.91, 0.3],
         "COGS": [0.1, 0.2, 0.1]},
        {"InvoiceNo": ["I1", "I2"], "CustomerID": ["A", "B"], "InvoiceDate": [D("2025-09-01"), D("2025-09-01")],
         "DueDate": [D("2025-10-01"), D("2025-10-01")], "Amount": [0.3, 100.0]},
        {"AsOfDate": "2026-03-31", "PeriodStart": "2026-01-01"})
    payments = pd.DataFrame({"InvoiceNo": ["I1", "I1", "I2"], "CustomerID": ["A", "A", "B"],
                             "PaymentDate": [D("2026-01-05")] * 3, "Amount": [0.1, 0.2, 100.0]})
    inputs = inputs_from_frames({**{k: v.drop(columns="_row") for k, v in inputs.tables.items()},
                                 "Payments": payments,
                                 "Parameters": pd.DataFrame({"Parameter": ["AsOfDate", "PeriodStart"],
                                                             "Value": ["2026-03-31", "2026-01-01"]})})
    results = analyze(inputs)
    ar = results["Receivables"].set_index("CustomerID")
    assert ar.loc["A", "OpenBalance"] == 0 and ar.loc["A", "Overdue90Plus"] == 0     # not 5.55e-17
    assert np.signbit(ar[["OpenBalance", "NotDue", "Overdue90Plus"]].to_numpy()).sum() == 0   # no -0.00
    assert pd.isna(ar.loc["A", "OverdueShare"]) and ar.loc["A", "CreditRisk"] == "Low"
    profit = results["Profitability"].set_index("CustomerID")
    assert profit.loc["A", "NetRevenue"] == 57135.01                                   # not 57135.01000000001
    assert profit.loc["A", "GrossProfit"] == 57134.71
    assert results["KPIs"].set_index("KPI").loc["NetRevenue", "ThisPeriod"] == 57135.31


def test_yen_has_no_minor_unit():
    inputs = minimal_book({"CustomerID": ["A"]},
                          {"Date": [D("2026-01-10")], "CustomerID": ["A"], "NetRevenue": [1000.4], "COGS": [0.0]},
                          parameters={"AsOfDate": "2026-03-31", "ReportingCurrency": "JPY"})
    assert analyze(inputs)["Profitability"]["NetRevenue"].iloc[0] == 1000


# 5. Messages in the user's words -----------------------------------------------------------

def test_chinese_summary_shows_chinese_messages_with_the_users_sheet_and_header(runner, tmp_path):
    book_path = new_template(runner, tmp_path / "台账.xlsx", "zh-CN")
    book = openpyxl.load_workbook(book_path)
    book["客户"].append(["KH001", "甲公司", "制造业"])
    sales = book["销售"]
    sales.append(["2026-03-05", "KH001", "D1", None, None, 1000, 600])
    sales.append(["2026-03-06", "KH001", "D2", None, None, "一千", 300])      # F3: not a number
    book.save(book_path)
    result = runner.invoke(main, ["build", str(book_path), "-o", str(tmp_path / "汇总.xlsx")])
    assert result.exit_code == 1, result.output
    dq = read_results(tmp_path / "汇总.xlsx")["DataQuality"]
    bad = dq[(dq["Row"] == 3) & (dq["Severity"] == "错误")].iloc[0]
    assert (bad["Table"], bad["Column"], bad["Value"]) == ("销售", "销售收入", "一千")
    assert bad["Message"] == "销售收入：不是有效的数字；该行未使用"
    assert bad["Location"] == "销售!F3 销售收入"


def test_a_date_not_understood_is_explained_in_chinese_whole():
    """The accepted date forms are part of the message, in the message's language (they were English inside a
    Chinese sentence)."""
    tables = small_book()
    tables["Sales"] = tables["Sales"].astype({"Date": object})
    tables["Sales"].loc[0, "Date"] = "昨天"
    dq = inputs_from_frames(tables).dq
    assert dq.frame("zh-CN").query("Row == 2")["Message"].tolist() == [
        "Date：无法识别的日期（可用格式：2026-03-05、2026/3/5、2026年3月5日、20260305、5-Mar-2026、Mar 5, 2026、"
        "13/03/2026 或 03/13/2026（该列能看出哪一部分是日时））；该行未使用"]
    assert "when the column shows which part is the day" in dq.frame("en").query("Row == 2")["Message"].iloc[0]


def test_english_and_chinese_forms_of_every_message():
    from kam_xl.words import en, zh_CN
    pairs = {**{k: (v, zh_CN.MESSAGES[k]) for k, v in en.MESSAGES.items()},
             **{k: (v, zh_CN.WORDS[k]) for k, v in en.WORDS.items()}}
    assert set(en.MESSAGES) == set(zh_CN.MESSAGES) and set(en.WORDS) == set(zh_CN.WORDS)
    for key, (english, chinese) in pairs.items():
        assert english and chinese and english != chinese, key
        assert any("\u4e00" <= ch <= "\u9fff" for ch in chinese), key
        assert sorted(_fields(english)) == sorted(_fields(chinese)), key


def _fields(template):
    import string
    return [name for _, name, _, _ in string.Formatter().parse(template) if name]


# 6. Commentary that does not mislead -------------------------------------------------------

def test_commentary_units_plurals_and_no_statement_about_a_model_that_did_not_run():
    assert money_text(-465.43, "CNY", "zh-CN") == "-465.43元"
    assert money_text(-123456, "CNY", "zh-CN") == "-12.3万元"
    assert money_text(3.456e8, "CNY", "zh-CN") == "3.46亿元"
    assert money_text(465.43, "USD", "en") == "USD 465.43"
    kpis = pd.DataFrame({"KPI": ["NetRevenue", "GrossMarginPct", "NetMarginPct", "GrossProfit", "ClosingAR", "DSO",
                                 "OverdueShare", "TierACustomers", "TierBCustomers", "TierCCustomers"],
                         "ThisPeriod": [1000, 0.3, -0.1, 300, np.nan, np.nan, np.nan, 1, 0, 1],
                         "PriorPeriod": [800, 0.25, 0.1, 200, np.nan, np.nan, np.nan, 1, 0, 1]})
    risk = pd.DataFrame({"Metric": ["Top1Share", "Top5Share", "HHI", "LossMakingCustomers", "CustomersOverLimit",
                                    "ChurnRiskCustomers", "Overdue90PlusBalance"],
                         "Value": [0.9, 1.0, 8200, 1, 1, 0, np.nan]})
    profit = pd.DataFrame({"NetProfit": [-465.43, 500.0]}, index=pd.Index(["L", "W"], name="CustomerID"))
    names = pd.Series({"L": "亏损公司", "W": "盈利公司"})
    facts = commentary_facts(kpis, risk, profit, names, model_fitted=False)
    zh = sentences(facts, "CNY", "zh-CN")
    assert "1家客户扣除服务成本和资金占用成本后亏损，合计-465.43元；亏损最多的是亏损公司（-465.43元）。" in zh
    assert not any("活跃概率" in s for s in zh)
    en = sentences(facts, "CNY", "en")
    assert any(s.startswith("1 customer loses money after cost-to-serve, CNY -465.43 in total") for s in en)
    assert "1 customer is over its credit limit." in en
    assert not any("probability of being active" in s for s in en)
    assert en[-1] == "There is 1 A, 0 B and 1 C customers this period."


def test_small_book_commentary_says_nothing_about_churn(small_inputs):
    results = analyze(small_inputs)   # four customers: the purchase model falls back to the run rate
    assert results["Potential"]["PAlive"].isna().all()
    assert not any("probability of being active" in s for s in results.commentary)


# 7. Unchecked values -----------------------------------------------------------------------

def test_negative_limits_and_terms_are_errors_not_figures():
    inputs = minimal_book({"CustomerID": ["A", "B"], "CreditLimit": [-5000, 1000], "PaymentTermsDays": [30, -10]},
                          {"Date": [D("2026-01-10")], "CustomerID": ["A"], "NetRevenue": [10.0], "COGS": [5.0]})
    customers = inputs["Customers"].set_index("CustomerID")
    assert pd.isna(customers.loc["A", "CreditLimit"]) and pd.isna(customers.loc["B", "PaymentTermsDays"])
    dq = inputs.dq.frame()
    errors = dq[dq["Severity"] == "Error"][["Row", "Column", "Value", "Message"]].values.tolist()
    assert errors == [[2, "CreditLimit", "-5000", "CreditLimit must be 0 or more; cell not used"],
                      [3, "PaymentTermsDays", "-10", "PaymentTermsDays must be 0 or more; cell not used"]]


def test_full_width_and_case_ids_are_matched_with_a_warning_or_suggested():
    inputs = minimal_book({"CustomerID": ["KH004", "KH003", "AB100", "ab100"]},
                          {"Date": [D("2026-01-10")] * 5,
                           "CustomerID": ["ＫＨ００４", "kh003", "Ab100", "KH030", "KH004"],
                           "NetRevenue": [10.0] * 5, "COGS": [5.0] * 5})
    assert inputs["Sales"]["CustomerID"].tolist() == ["KH004", "KH003", "KH004"]
    dq = inputs.dq.frame()
    rows = dq[(dq["Table"] == "Sales") & dq["Row"].notna()][["Severity", "Row", "Value", "Message"]].values.tolist()
    assert rows == [
        ["Warning", 2, "ＫＨ００４", "CustomerID matched to 'KH004' ignoring full-width characters"],
        ["Warning", 3, "kh003", "CustomerID matched to 'KH003' ignoring upper/lower case"],
        ["Error", 4, "Ab100", "CustomerID is not in Customers; did you mean 'AB100', 'ab100'? Row not used"],
        ["Error", 5, "KH030", "CustomerID is not in Customers; did you mean 'KH004', 'KH003'? Row not used"],
    ]


def test_dates_in_day_month_forms_and_the_accepted_formats_named():
    inputs = minimal_book({"CustomerID": ["A"]},
                          {"Date": ["13/03/2026", "5-Mar-2026", "Mar 5, 2026", "2026年3月5日", "32/13/2026"],
                           "CustomerID": ["A"] * 5, "NetRevenue": [1.0] * 5, "COGS": [0.5] * 5})
    assert inputs["Sales"]["Date"].dt.strftime("%Y-%m-%d").tolist() == ["2026-03-13", "2026-03-05", "2026-03-05",
                                                                        "2026-03-05"]
    message = inputs.dq.frame().query("Severity == 'Error'").iloc[0]["Message"]
    assert message.startswith("Date: not a date kam-xl understands (2026-03-05, 2026/3/5, 2026年3月5日, 20260305, "
                              "5-Mar-2026")
    ambiguous = minimal_book({"CustomerID": ["A"]},
                             {"Date": ["03/04/2026", "05/06/2026"], "CustomerID": ["A"] * 2,
                              "NetRevenue": [1.0] * 2, "COGS": [0.5] * 2})
    assert ambiguous["Sales"].empty
    errors = ambiguous.dq.frame().query("Severity == 'Error'")
    assert errors["Message"].str.contains("day and month cannot be told apart").tolist() == [True, True, False]
    assert errors["Message"].iloc[-1].startswith("Sales has no rows")   # every line refused: said as such


def test_title_rows_above_an_erp_header_are_skipped(tmp_path):
    path = tmp_path / "erp.xlsx"
    book = openpyxl.Workbook()
    customers = book.active
    customers.title = "客户"
    customers.append(["客户编号", "客户名称"])
    customers.append(["KH001", "甲公司"])
    sales = book.create_sheet("销售")
    sales.append(["2026年3月销售明细表"])
    sales.append(["制表日期：2026-04-01"])
    sales.append([])
    sales.append(["日期", "客户编号", "销售收入", "销售成本"])
    sales.append(["2026-03-05", "KH001", 1000, 600])
    book.save(path)
    inputs = read_workbook(path)
    assert not inputs.fatal
    assert inputs["Sales"]["_row"].tolist() == [5]
    note = inputs.dq.frame("zh-CN").query("Table == '销售' and Severity == '提示'")["Message"].tolist()
    assert "表头（第 4 行）上方的第 1, 2 行视为标题，已跳过" in note


def test_missing_sheet_lists_the_sheets_there_are(tmp_path):
    path = tmp_path / "book.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "Customers"
    book.active.append(["CustomerID"])
    book.create_sheet("Sheet9").append(["单据编号"])
    book.save(path)
    inputs = read_workbook(path)
    assert inputs.fatal == ["Required table 'Sales' / '销售' not found (as an Excel Table or a sheet); "
                            "sheets in the file: Customers, Sheet9"]
    book["Sheet9"].title = "销售出库单"   # Kingdee's name for the sales outbound list is known
    book.save(path)
    assert read_workbook(path).fatal[0].startswith("Sales (sheet '销售出库单') lacks required column(s) 'Date'")


def test_csv_saved_as_xlsx_gets_one_message_that_says_what_to_do(runner, tmp_path):
    fake = tmp_path / "销售.xlsx"
    fake.write_text("日期,客户编号,销售收入\n2026-03-05,KH001,1000\n", encoding="utf-8-sig")
    result = runner.invoke(main, ["build", str(fake), "--out-dir", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert result.output.count("is a CSV or text file") == 1
    assert "save it as .xlsx" in result.output
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


# 8. Writing over an open summary -----------------------------------------------------------

def test_build_refuses_a_summary_open_elsewhere_and_keeps_it(runner, tmp_path, demo_workbook):
    target = tmp_path / "Summary.xlsx"
    target.write_bytes(b"the summary the manager has open")
    (tmp_path / ".~lock.Summary.xlsx#").write_text("lock")
    result = runner.invoke(main, ["build", str(demo_workbook), "-o", str(target)])
    assert result.exit_code == 2
    assert "is open in a spreadsheet program (lock file .~lock.Summary.xlsx#); close it and retry" in result.output
    assert target.read_bytes() == b"the summary the manager has open"


def test_a_refused_replacement_is_one_plain_message(tmp_path, demo_workbook, monkeypatch):
    target = tmp_path / "Summary.xlsx"
    target.write_bytes(b"old summary")

    def refuse(*_):
        raise PermissionError(13, "Permission denied")
    monkeypatch.setattr(os, "replace", refuse)   # what Windows does when the file is open
    outcome = build_file(demo_workbook, output=target)
    assert outcome.exit_code == 2 and outcome.outputs == []
    assert outcome.message.startswith(f"{target}: cannot be written (it is open in another program")
    assert ".tmp" not in outcome.message and "Errno" not in outcome.message
    assert target.read_bytes() == b"old summary"
    assert [p.name for p in tmp_path.iterdir()] == ["Summary.xlsx"]   # no temporary file left behind


# 9. analyze() returns named DataFrames -----------------------------------------------------

def test_results_read_like_named_dataframes(small_inputs):
    results = analyze(small_inputs)
    assert isinstance(results["Profitability"], pd.DataFrame)
    names = list(results)
    assert names[:4] == ["Classification", "Segments", "Profitability", "WhaleCurve"]
    assert dict(results.items())["Strategy"] is results["Strategy"] and len(results) == len(names)
    assert "Receivables" in results and "Nope" not in results and results.get("Nope") is None


def test_a_period_the_data_only_partly_cover_is_said_to_be_partial():
    # A year's period chosen: 12 months to AsOfDate 2026-03-31 (2025-04-01 .. 2026-03-31, 365 days); the sales
    # begin on 2026-01-01, 90 days before the end: 25 %. (Not given, the period of this short ledger would start
    # where it begins, 2026-01-01: tests/test_month_end_periods.py.)
    inputs = minimal_book({"CustomerID": ["A"]},
                          {"Date": [D("2026-01-01"), D("2026-03-31")], "CustomerID": ["A", "A"],
                           "NetRevenue": [100.0, 50.0], "COGS": [60.0, 30.0]}, None, {"PeriodStart": "2025-04-01"})
    results = analyze(inputs)
    assert results["Profitability"]["NetRevenue"].iloc[0] == 150
    dq = results["DataQuality"]
    partial = dq[dq["Message"].str.startswith("The data cover only", na=False)]
    assert partial[["Severity", "Table"]].values.tolist() == [["Warning", "Sales"]]
    assert partial["Message"].iloc[0].startswith("The data cover only 25% of this period 2025-04-01 - 2026-03-31 "
                                                 "(Sales from 2026-01-01)")


def test_the_gross_margin_formula_leaves_a_blank_cost_blank():
    from kam_xl.excel.functions import gross_margin
    # 100 revenue with cost 60 -> 40 %; 200 revenue with no cost given -> unknown, not 100 %.
    assert gross_margin([[100.0], [200.0]], [[60.0], [None]]) == [[0.4], [None]]
