"""A Chinese summary is Chinese throughout (issue 30 item 3): no English UI word and no contract name in any cell
a reader sees (the sheets shown, their columns not hidden), only the user's own data (customer names, English
industry names typed in the book) and the proper names of methods (ABC, RFM, BG/NBD, Gamma-Gamma, AIC, HHI).
Canonical names stay where formulas and the results reader need them: the Excel Table names, the hidden chart
data. And the Chinese summary still reads back: as --previous, and with read_results."""
import re

import openpyxl
import pandas as pd
import pytest

from kam_xl.app.build import build_file
from kam_xl.authoring.template import write_template
from kam_xl.render.results_reader import read_previous, read_results

# Written by hand from the English summary of the demo: the words a Chinese reader must not meet.
ENGLISH = [
    # DataQuality severities, tables and columns
    "Error", "Warning", "Info", "Sales", "Invoices", "Payments", "Customers", "ProvisionRates", "Potential",
    "PreviousSummary", "CustomerID", "DocumentNo", "NetRevenue",
    # About: its items and the parameters by their contract names, and values as keys
    "Tool", "Version", "RunTime", "InputFile", "InputSHA256", "PeriodDays", "Comparison", "PriorPeriod",
    "LastYearPeriod", "AsOfDate", "PeriodStart", "PeriodEnd", "ReportingCurrency", "ABCBasis", "ABCShareA",
    "AgingBuckets", "AgingBasis", "AverageARMethod", "CostOfCapital", "ForecastMonths", "DiscountRate",
    "ContactCadenceDays", "DataStart", "MinCoverage", "VATRate", "FollowUpLevels", "ProvisionInNetProfit",
    "TrendMonths", "PurchaseModel", "HoldoutMonths", "DueDate", "OpeningClosing", "months", "Growth", "Wallet",
    "Alive",
    # yes and no
    "TRUE", "FALSE", "True", "False",
    # RFM segments
    "Champions", "Loyal Customers", "Potential Loyalists", "New Customers", "Promising", "Need Attention",
    "About To Sleep", "At Risk", "Can't Lose Them", "Hibernating", "No Purchases",
    # the model's terms
    "shape", "nats", "LogLikelihood", "Pearson r", "FrequencyValueCorrelation", "ForecastDays", "Horizon",
    "count", "currency", "days", "ModelCheck", "RepeatDistribution",
]
WEEKS = re.compile(r"\bW\d\d\b")   # W01 .. W13, the weeks of the receipts forecast


def english_words(path) -> list[tuple[str, str, str]]:
    """(sheet, cell, word) for every listed English word in a cell a reader sees."""
    book = openpyxl.load_workbook(path, data_only=True)
    patterns = [(w, re.compile(r"(?<![A-Za-z])" + re.escape(w) + r"(?![A-Za-z])")) for w in ENGLISH]
    found = []
    for sheet in book.worksheets:
        if sheet.sheet_state != "visible":
            continue
        hidden = {letter for letter, dimension in sheet.column_dimensions.items() if dimension.hidden}
        for row in sheet.iter_rows():
            for cell in row:
                value = cell.value
                if isinstance(value, bool):
                    value = str(value).upper()
                if not isinstance(value, str) or cell.column_letter in hidden:
                    continue
                found += [(sheet.title, cell.coordinate, w) for w, p in patterns if p.search(value)]
                found += [(sheet.title, cell.coordinate, m) for m in WEEKS.findall(value)]
    return found


def with_a_reused_document(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The demo with one more sales line whose DocumentNo another customer used on another day: a Warning in
    DataQuality, in the table Sales and the column DocumentNo (the demo itself has none)."""
    sales = tables["Sales"]
    first, other = sales.iloc[0], sales[sales["CustomerID"] != sales.iloc[0]["CustomerID"]].iloc[0]
    reused = other.copy()
    reused["DocumentNo"], reused["Date"] = first["DocumentNo"], first["Date"] + pd.Timedelta(days=1)
    return {**tables, "Sales": pd.concat([sales, reused.to_frame().T], ignore_index=True).astype(sales.dtypes)}


@pytest.fixture(scope="module")
def chinese(tmp_path_factory, demo_tables):
    """The demo as a Chinese user keeps it (Chinese sheets and headers, one document number used twice),
    summarised in Chinese for September and then for the year to October with September's summary as --previous."""
    folder = tmp_path_factory.mktemp("zh")
    book = write_template(folder / "演示台账.xlsx", with_a_reused_document(demo_tables), language="zh-CN")
    september = build_file(book, output=folder / "九月汇总.xlsx", language="zh-CN",
                           params={"AsOfDate": "2026-09-30"})
    assert september.exit_code == 0, september.message
    october = build_file(book, output=folder / "十月汇总.xlsx", language="zh-CN", previous=september.outputs[0])
    assert october.exit_code == 0, october.message
    return september.outputs[0], october.outputs[0]


def test_no_english_word_in_a_cell_a_chinese_reader_sees(chinese):
    """Was (the demo, before issue 30): Warning and Info, Sales and DocumentNo on 数据质量; every parameter by
    its contract name on 关于 (AsOfDate, HoldoutMonths ...) with FALSE, DueDate, OpeningClosing; Champions,
    At Risk ... as RFM segments; W01-W13 on 应收账款; shape, nats, LogLikelihood and Pearson r on 客户潜力;
    PurchaseModel, HoldoutMonths, ModelCheck and RepeatDistribution in the model's sentences."""
    for summary in chinese:
        found = english_words(summary)
        assert not found, f"{len(found)} English words, e.g. {sorted(set(w for _, _, w in found))}: {found[:20]}"


def test_the_listed_words_are_found_in_an_english_summary(tmp_path, demo_tables):
    """The check itself finds what it looks for: the English summary of the same demo is full of them."""
    book = write_template(tmp_path / "Demo.xlsx", with_a_reused_document(demo_tables))
    english = build_file(book, output=tmp_path / "Demo_en.xlsx").outputs[0]
    words = {w for _, _, w in english_words(english)}
    assert {"Warning", "Info", "Sales", "AsOfDate", "HoldoutMonths", "FALSE", "Champions", "W01", "W13", "shape",
            "nats", "LogLikelihood", "Pearson r"} <= words


def test_the_chinese_words_chosen(chinese):
    """By hand: severities, an input table and its column, the weeks, yes/no, About's items and the RFM names."""
    tables = read_results(chinese[1])
    dq = tables["DataQuality"]
    assert set(dq["Severity"]) <= {"错误", "警告", "提示"} and "警告" in set(dq["Severity"])
    duplicate = dq[dq["Message"].str.contains("该单据号也用于", na=False)].iloc[0]
    assert (duplicate["Table"], duplicate["Column"]) == ("销售", "单据号")
    assert duplicate["Location"].startswith("销售!") and duplicate["Location"].endswith(" 单据号")
    weeks = tables["ExpectedReceipts"]["Bucket"].tolist()
    assert weeks[:3] == ["第1周", "第2周", "第3周"] and "第13周" in weeks
    shown = openpyxl.load_workbook(chinese[1])["关于"]
    about = {row[0].value: row[1].value for row in shown.iter_rows(min_row=4) if row[0].value}
    assert about["截止日期"] == "2026-10-31" and about["坏账计入客户净贡献"] == "否" and about["期间天数"] == 365
    assert about["账龄起算日"] == "到期日" and about["平均应收计算方法"] == "期初期末" and about["购买模型"] == "BG/NBD"
    assert about["比较期间"] == "之前相同月数的自然月" and about["数据起始日期"] == "2024-11-01"
    assert about["潜力权重"] == "客户终身价值 0.4, 收入增长 0.2, 行业增速 0.15, 可争取采购额 0.15, 活跃概率 0.1"
    segments = set(tables["Classification"]["RFMSegment"])
    assert segments <= {"重要价值客户", "重要保持客户", "重要挽留客户", "重要发展客户", "一般价值客户", "一般发展客户",
                        "一般保持客户", "一般挽留客户", "沉睡客户", "新客户", "无购买客户"}
    # Champions, Loyal, At Risk, Hibernating
    assert {"重要价值客户", "重要保持客户", "一般挽留客户", "沉睡客户"} <= segments
    units = set(tables["ModelParameters"]["Unit"])
    assert {"形状参数", "天", "奈特"} <= units


def test_a_chinese_summary_reads_back_as_the_previous_one(chinese):
    """September's Chinese summary as --previous: its AsOfDate, currency and buckets from 关于 by their Chinese
    names, each customer's actions as keys; October's review of them is there."""
    previous = read_previous(chinese[0])
    assert previous.as_of == pd.Timestamp("2026-09-30") and previous.currency == "CNY"
    assert previous.oldest == "Overdue90Plus" and not previous.unknown_actions
    assert previous.customers["Actions"].map(len).sum() > 0
    review = read_results(chinese[1])["ActionReview"]
    assert len(review) and review["Metric"].dropna().isin(
        ["NetMarginPct", "Overdue90Plus", "DSO", "CreditUtilization", "DaysSinceContact", "NetRevenue",
         "AvgSatisfaction", "PurchasesSince"]).all()
    assert set(review["Improved"].dropna()) <= {"是", "否"}


def test_defined_name_period_days_points_at_its_value(chinese):
    """PeriodDays (used by the DSO formulas) names the value of 期间天数 on 关于."""
    book = openpyxl.load_workbook(chinese[1])
    sheet, cell = next(iter(book.defined_names["PeriodDays"].destinations))
    target = book[sheet][cell.replace("$", "")]
    assert target.value == 365 and book[sheet].cell(target.row, target.column - 1).value == "期间天数"


def test_the_command_line_says_a_chinese_summary_in_chinese(tmp_path, demo_workbook):
    """Was: "ok demo.xlsx: 80 customers, 0 errors, 2 warnings -> …" whatever the summary's language."""
    from click.testing import CliRunner

    from kam_xl.app.cli import main
    chinese = CliRunner().invoke(main, ["build", str(demo_workbook), "--lang", "zh-CN", "--out-dir", str(tmp_path)])
    assert chinese.exit_code == 0, chinese.output
    assert chinese.output.startswith("完成 ") and "80 家客户，错误 0 条，警告 0 条 -> " in chinese.output
    assert not re.search(r"\bok\b|customers|errors|warnings", chinese.output)
    english = CliRunner().invoke(main, ["build", str(demo_workbook), "--out-dir", str(tmp_path / "en")])
    assert english.output.startswith("ok ") and "80 customers, 0 errors, 0 warnings -> " in english.output


def test_refresh_says_a_chinese_summary_in_chinese(tmp_path, demo_workbook):
    """Was: "refreshed 演示.xlsx: 80 customers, 0 errors, 2 warnings; backup …"."""
    import shutil

    from click.testing import CliRunner

    from kam_xl.app.cli import main
    book = shutil.copy(demo_workbook, tmp_path / "演示.xlsx")
    result = CliRunner().invoke(main, ["refresh", str(book), "--lang", "zh-CN"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("已刷新 ") and "80 家客户，错误 0 条，警告 0 条；备份 演示.backup-" in result.output


def test_about_s_chinese_values_read_back_as_parameters():
    """What About shows in Chinese can be typed in the Parameters table: the weights by their Chinese names,
    the choices by their Chinese spellings, 否 for FALSE."""
    from kam_xl.inputs.params import parameters_from_table
    from kam_xl.quality import DataQuality
    dq = DataQuality()
    table = pd.DataFrame({"Parameter": ["潜力权重", "账龄起算日", "平均应收计算方法", "坏账计入客户净贡献", "购买模型"],
                          "Value": ["客户终身价值 0.5, 收入增长 0.1, 行业增速 0.1, 可争取采购额 0.2, 活跃概率 0.1",
                                    "到期日", "期初期末", "否", "BG/NBD"], "_row": [2, 3, 4, 5, 6]})
    params = parameters_from_table(table, dq)
    assert not dq.records
    assert params.potential_weights == {"CLV": 0.5, "Growth": 0.1, "Industry": 0.1, "Wallet": 0.2, "Alive": 0.1}
    assert (params.aging_basis, params.average_ar_method, params.provision_in_net_profit, params.purchase_model) == (
        "DueDate", "OpeningClosing", False, "BGNBD")
