"""Did last month's actions work? A May summary written by kam-xl, read back, against June's figures,
worked out by hand."""
import pandas as pd
import pytest

from kam_xl.app.build import build_file
from kam_xl.authoring.template import write_template
from kam_xl.render.results_reader import read_previous, read_results
import numpy as np


def month_book(path, currency="CNY", customers=("X", "Y"), more=None):
    """X sells 1000 in May at a COGS of 1100 (a loss: margin -10 %) and 1000 in June at 800 (+20 %).
    Y sells 500 a month (COGS 300), invoiced on the 15th and never paid, on top of 2000 from January due
    02-09: more than 90 days overdue at the end of May and of June. DSO of Y: May 31 × (2000 + 2500) / 2 /
    500 = 139.5 days, June 30 × (2500 + 3000) / 2 / 500 = 165 days."""
    x, y = customers
    tables = {
        "Customers": pd.DataFrame({"CustomerID": [x, y], "CustomerName": ["Xiang", "Yuan"]}),
        "Sales": pd.DataFrame({"Date": pd.to_datetime(["2026-05-10", "2026-06-10", "2026-05-15", "2026-06-15"]),
                               "CustomerID": [x, x, y, y], "NetRevenue": [1000, 1000, 500, 500],
                               "COGS": [1100, 800, 300, 300]}),
        "Invoices": pd.DataFrame({"InvoiceNo": ["Y1", "Y2", "Y3"], "CustomerID": [y, y, y],
                                  "InvoiceDate": pd.to_datetime(["2026-01-10", "2026-05-15", "2026-06-15"]),
                                  "DueDate": pd.to_datetime(["2026-02-09", "2026-06-14", "2026-07-15"]),
                                  "Amount": [2000, 500, 500]}),
        "Parameters": pd.DataFrame({"Parameter": ["PeriodStart", "AsOfDate", "DataStart", "ReportingCurrency"],
                                    "Value": ["2026-06-01", "2026-06-30", "2026-01-01", currency]}),
    }
    tables.update(more or {})
    return write_template(path, tables)


@pytest.fixture(scope="module")
def may_summary(tmp_path_factory):
    folder = tmp_path_factory.mktemp("may")
    book = month_book(folder / "Book.xlsx")
    outcome = build_file(book, output=folder / "May.xlsx", params={"PeriodStart": "2026-05-01",
                                                                   "AsOfDate": "2026-05-31"})
    assert outcome.exit_code == 0, outcome.message
    return outcome.outputs[0]


def test_reprice_worked_and_tighten_credit_did_not(tmp_path, may_summary):
    """X was told to reprice (loss-making): its net margin went from -10 % to +20 %: improved. Y was told
    to tighten credit: its 90+ balance stayed 2000 and its DSO rose from 139.5 to 165 days: not improved."""
    book = month_book(tmp_path / "Book.xlsx")
    outcome = build_file(book, output=tmp_path / "June.xlsx", previous=may_summary)
    assert outcome.exit_code == 0, outcome.message
    tables = read_results(outcome.outputs[0])
    review = tables["ActionReview"].set_index(["CustomerID", "Metric"])
    assert review.loc[("X", "NetMarginPct"), ["Before", "Now", "Improved"]].tolist() == pytest.approx(
        [-0.1, 0.2, True])
    assert "reprice" in review.loc[("X", "NetMarginPct"), "PreviousActions"]
    assert review.loc[("Y", "Overdue90Plus"), ["Before", "Now", "Improved"]].tolist() == [2000.0, 2000.0, False]
    assert review.loc[("Y", "DSO"), ["Before", "Now"]].tolist() == pytest.approx([139.5, 165.0])
    assert pd.notna(review.loc[("Y", "DSO"), "Improved"]) and not review.loc[("Y", "DSO"), "Improved"]
    assert set(review.index) == {("X", "NetMarginPct"), ("Y", "Overdue90Plus"), ("Y", "DSO")}
    commentary = " ".join(outcome_commentary(outcome.outputs[0]))
    assert "Of 2 customers given actions last time, 1 improved on every measure targeted, 0 on some and 1 on " \
           "none." in commentary


def outcome_commentary(path):
    """The Dashboard's management summary lines (the Commentary sentences as written)."""
    import python_calamine
    rows = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    return [str(r[0]) for r in rows if r and isinstance(r[0], str)]


def test_a_chinese_previous_summary_reads_the_same(tmp_path, may_summary):
    book = month_book(tmp_path / "Book.xlsx")
    zh = build_file(book, output=tmp_path / "May_zh.xlsx", language="zh-CN",
                    params={"PeriodStart": "2026-05-01", "AsOfDate": "2026-05-31"}).outputs[0]
    english, chinese = read_previous(may_summary), read_previous(zh)
    assert chinese.customers["Actions"].tolist() == english.customers["Actions"].tolist() == [
        ["loss_making"], ["overdue_oldest"]]
    assert chinese.customers[["NetMarginPct", "Oldest", "DSO"]].equals(english.customers[["NetMarginPct", "Oldest",
                                                                                            "DSO"]])
    # the Chinese summary shows quadrants in words (战略客户...); they read back as the same keys
    assert chinese.customers["PortfolioQuadrant"].tolist() == english.customers["PortfolioQuadrant"].tolist()
    assert set(read_results(zh)["Receivables"]["CreditRisk"]) <= {"高", "中", "低"}


@pytest.mark.parametrize("currency, customers, says", [
    ("USD", ("X", "Y"), "The previous summary is in CNY, this one in USD"),
    ("CNY", ("P", "Q"), "The previous summary has none of these customers")])
def test_a_summary_of_another_book_is_refused_in_plain_words(tmp_path, may_summary, currency, customers, says):
    book = month_book(tmp_path / "Other.xlsx", currency, customers)
    outcome = build_file(book, output=tmp_path / "Other_June.xlsx", previous=may_summary)
    tables = read_results(outcome.outputs[0])
    assert outcome.exit_code == 1 and "ActionReview" not in tables
    errors = tables["DataQuality"].query("Severity == 'Error'")
    assert errors["Message"].str.contains(says).any()


def test_without_a_previous_summary_the_sheet_says_how(tmp_path):
    import python_calamine
    outcome = build_file(month_book(tmp_path / "Book.xlsx"), output=tmp_path / "June.xlsx")
    sheet = python_calamine.CalamineWorkbook.from_path(str(outcome.outputs[0])).get_sheet_by_name("ActionReview")
    assert "--previous" in " ".join(str(v) for row in sheet.to_python() for v in row)


def test_summaries_written_with_earlier_chinese_names_still_read_back():
    from kam_xl.words import canonical_header, canonical_label, header
    assert header("NetProfit", "zh-CN") == "客户净贡献" and header("DSO", "zh-CN") == "应收账款周转天数"
    assert [canonical_header(h) for h in ("净利润", "应收周转天数", "钱包空间", "组合象限")] == [
        "NetProfit", "DSO", "WalletHeadroom", "PortfolioQuadrant"]
    assert canonical_label("最长账龄逾期余额") == "Overdue90PlusBalance"


def test_no_row_for_a_customer_whose_empty_quadrant_stayed_empty():
    from kam_xl.domain.review import action_review
    previous = pd.DataFrame({"ABCTier": ["A"], "PortfolioQuadrant": [None], "Actions": [[]]}, index=["X"])
    current = pd.DataFrame({"ABCTier": ["A"], "PortfolioQuadrant": [float("nan")]}, index=["X"])
    assert action_review(previous, current, "Overdue90Plus").empty
    moved = current.assign(PortfolioQuadrant=["Develop"])
    assert action_review(previous, moved, "Overdue90Plus")["Quadrant"].tolist() == ["Develop"]


def test_chinese_headers_are_unique_so_every_column_reads_back():
    from kam_xl.words import zh_CN
    shown = list(zh_CN.HEADERS.values())
    assert len(shown) == len(set(shown)), [h for h in shown if shown.count(h) > 1]


def contacted_and_limited_book(path):
    """The month book with contacts and Y's credit limit of 1,000. X is first contacted on 06-06: never
    contacted at the end of May (cadence breached), 24 days at the end of June. Y was last contacted on
    01-05: 146 days at 05-31, 176 at 06-30. Y owes 2,000 + 500 = 2,500 at 05-31 (250 % of its limit:
    over it) and 3,000 at 06-30 (300 %)."""
    return month_book(path, more={
        "Customers": pd.DataFrame({"CustomerID": ["X", "Y"], "CustomerName": ["Xiang", "Yuan"],
                                   "CreditLimit": [None, 1000]}),
        "Contacts": pd.DataFrame({"Date": pd.to_datetime(["2026-01-05", "2026-06-06"]), "CustomerID": ["Y", "X"],
                                  "Channel": ["Visit", "Visit"]})})


@pytest.fixture(scope="module")
def contacted_review(tmp_path_factory):
    """May's summary of the contacted book read back as --previous by June's."""
    folder = tmp_path_factory.mktemp("contacted")
    book = contacted_and_limited_book(folder / "Book.xlsx")
    may = build_file(book, output=folder / "May.xlsx", params={"PeriodStart": "2026-05-01", "AsOfDate": "2026-05-31"})
    assert may.exit_code == 0, may.message
    june = build_file(book, output=folder / "June.xlsx", previous=may.outputs[0])
    assert june.exit_code == 0, june.message
    return june.outputs[0]


def test_never_contacted_then_contacted_since_is_an_improvement(contacted_review):
    """X: DaysSinceContact blank (never contacted) -> 24 days: improved. Y: 146 -> 176 days: not improved.
    Was: X's Improved blank (cannot be judged), as if nothing were known."""
    review = read_results(contacted_review)["ActionReview"].set_index(["CustomerID", "Metric"])
    x = review.loc[("X", "DaysSinceContact")]
    assert pd.isna(x["Before"]) and x["Now"] == 24 and x["Improved"] == True   # noqa: E712 (a stored TRUE)
    assert review.loc[("Y", "DaysSinceContact"), ["Before", "Now", "Improved"]].tolist() == [146, 176, False]


def test_the_rule_for_a_measure_that_went_from_none_to_some():
    from kam_xl.domain.review import action_review
    previous = pd.DataFrame({"ABCTier": ["A", "A", "A"], "PortfolioQuadrant": ["Develop"] * 3,
                             "Actions": [["cadence_breached"], ["cadence_breached"], ["low_satisfaction"]],
                             "DaysSinceContact": [float("nan"), 40.0, float("nan")],
                             "AvgSatisfaction": [float("nan"), float("nan"), float("nan")]}, index=["N", "K", "S"])
    current = pd.DataFrame({"ABCTier": ["A", "A", "A"], "PortfolioQuadrant": ["Develop"] * 3,
                            "DaysSinceContact": [24.0, float("nan"), 3.0], "AvgSatisfaction": [float("nan"), 4.0, 4.0]},
                           index=["N", "K", "S"])
    review = action_review(previous, current, "Overdue90Plus").set_index("CustomerID")
    assert review.loc["N", "Improved"] is True            # never contacted -> contacted 24 days ago
    assert review.loc["K", "Improved"] is None            # 40 days -> no contact on record: not judged
    assert review.loc["S", "Improved"] is None            # satisfaction unknown then: a blank is not the worst


@pytest.mark.parametrize("language", ["en", "zh-CN"])
def test_shares_in_the_review_read_as_percentages(tmp_path, contacted_review, language):
    """Y's CreditUtilization 2.5 -> 3.0 shows as 250% -> 300% (per row: DSO and the 90+ balance are not %)."""
    import openpyxl
    book = contacted_and_limited_book(tmp_path / "Book.xlsx")
    may = build_file(book, output=tmp_path / "May.xlsx", language=language,
                     params={"PeriodStart": "2026-05-01", "AsOfDate": "2026-05-31"}).outputs[0]
    june = build_file(book, output=tmp_path / "June.xlsx", language=language, previous=may).outputs[0]
    review = read_results(june)["ActionReview"]
    sheet = openpyxl.load_workbook(june)["ActionReview" if language == "en" else "措施复核"]
    rows = {(r[0].value, r[7].value): r for r in sheet.iter_rows() if r[0].value in ("X", "Y")}
    shown = {"en": ("CreditUtilization", "DSO", "DaysSinceContact"), "zh-CN": ("信用额度使用率", "应收账款周转天数",
                                                                               "距上次联系天数")}[language]
    utilization, dso, contact = (rows[("Y", metric)] for metric in shown)
    assert [utilization[8].value, utilization[9].value] == [2.5, 3.0]
    assert "%" in utilization[8].number_format and "%" in utilization[9].number_format
    assert "%" not in dso[8].number_format and "%" not in contact[9].number_format
    assert set(review["Metric"]) >= {"CreditUtilization", "DSO", "DaysSinceContact"}


def test_action_review_every_column_by_hand():
    """action_review on hand-made summaries: X (loss-making and a visit due) improved its margin, not its
    contacts; Y (no actions) moved from B to A, so it is listed without a measure; Z (no actions, nothing
    moved) is not; W (churn alert) bought twice since; V left the book (its measures unknown now)."""
    from kam_xl.domain.review import action_review
    previous = pd.DataFrame({
        "ABCTier": ["A", "B", "C", "A", "B"], "PortfolioQuadrant": ["Strategic", "Develop", "Streamline",
                                                                     "Maintain", "Develop"],
        "Actions": [["loss_making", "cadence_breached"], [], [], ["churn_alert"], ["over_limit"]],
        "NetMarginPct": [-0.1, 0.2, 0.1, 0.3, 0.1], "DaysSinceContact": [40.0, 5.0, 5.0, 3.0, 8.0],
        "CreditUtilization": [0.5, 0.5, 0.5, 0.5, 1.2],
    }, index=pd.Index(["X", "Y", "Z", "W", "V"], name="CustomerID"))
    current = pd.DataFrame({
        "ABCTier": ["A", "A", "C", "A"], "PortfolioQuadrant": ["Develop", "Develop", "Streamline", "Maintain"],
        "NetMarginPct": [0.05, 0.2, 0.1, 0.3], "DaysSinceContact": [55.0, 5.0, 5.0, 3.0],
        "PurchasesSince": [1.0, 0.0, 0.0, 2.0],
    }, index=pd.Index(["X", "Y", "Z", "W"], name="CustomerID"))
    table = action_review(previous, current, "Overdue90Plus")
    assert table.columns.tolist() == ["CustomerID", "PreviousTier", "Tier", "PreviousQuadrant", "Quadrant",
                                      "PreviousActions", "Metric", "Before", "Now", "Improved"]
    rows = [tuple(None if (isinstance(v, float) and np.isnan(v)) else v for v in row)
            for row in table.itertuples(index=False)]
    assert rows == [
        ("X", "A", "A", "Strategic", "Develop", "loss_making,cadence_breached", "NetMarginPct", -0.1, 0.05, True),
        ("X", "A", "A", "Strategic", "Develop", "loss_making,cadence_breached", "DaysSinceContact", 40.0, 55.0,
         False),
        ("Y", "B", "A", "Develop", "Develop", "", None, None, None, None),
        ("W", "A", "A", "Maintain", "Maintain", "churn_alert", "PurchasesSince", None, 2.0, True),
        ("V", "B", None, "Develop", None, "over_limit", "CreditUtilization", 1.2, None, None),
    ]
    assert table["Before"].dtype == table["Now"].dtype == np.float64            # numbers, written as numbers


def test_a_churn_alert_customer_who_bought_again_counts_as_improved():
    """W had a churn alert and bought twice since: its one measure improved, so the review counts it under
    'all'; X improved its margin but not its contacts ('some'); U, also alerted, bought nothing ('none')."""
    from kam_xl.domain.review import action_review, review_facts
    previous = pd.DataFrame({
        "ABCTier": ["A", "A", "B"], "PortfolioQuadrant": ["Strategic", "Maintain", "Develop"],
        "Actions": [["loss_making", "cadence_breached"], ["churn_alert"], ["churn_alert"]],
        "NetMarginPct": [-0.1, 0.3, 0.2], "DaysSinceContact": [40.0, 3.0, 9.0],
    }, index=pd.Index(["X", "W", "U"], name="CustomerID"))
    current = pd.DataFrame({
        "ABCTier": ["A", "A", "B"], "PortfolioQuadrant": ["Develop", "Maintain", "Develop"],
        "NetMarginPct": [0.05, 0.3, 0.2], "DaysSinceContact": [55.0, 3.0, 9.0],
        "PurchasesSince": [1.0, 2.0, 0.0],
    }, index=pd.Index(["X", "W", "U"], name="CustomerID"))
    review = action_review(previous, current, "Overdue90Plus")
    assert review.set_index("CustomerID").loc["W", "Improved"] is True
    assert review_facts(review) == {"customers": 3, "all": 1, "some": 1, "none": 1, "unknown": 0}
