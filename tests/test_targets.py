"""Targets and attainment (目标达成) worked out by hand on a three-month book: the report is the first
quarter of 2026 (AsOfDate 03-31), so the period and the year to date are the same quarter."""
import pandas as pd
import pytest

from kam_xl import analyze
from kam_xl.inputs.parsing import parse_period
from kam_xl.inputs.reader import inputs_from_frames


def book(targets: pd.DataFrame):
    """K1 (Li) sells 1000, 1200 and 900 in January to March (COGS 600, 700, 500); K2 (Li) 500 in January and
    800 in March (COGS 300, 500); K3 (Wang) 2000 a month (COGS 1500, 1500, 1600). Receipts: K1 1000 in
    February and 1500 in March, K2 400 in March, K3 2000 in January and 2000 in March."""
    rows = [("K1", "2026-01-15", 1000, 600), ("K1", "2026-02-15", 1200, 700), ("K1", "2026-03-15", 900, 500),
            ("K2", "2026-01-20", 500, 300), ("K2", "2026-03-20", 800, 500),
            ("K3", "2026-01-10", 2000, 1500), ("K3", "2026-02-10", 2000, 1500), ("K3", "2026-03-10", 2000, 1600)]
    sales = pd.DataFrame(rows, columns=["CustomerID", "Date", "NetRevenue", "COGS"])
    invoices = pd.DataFrame({"InvoiceNo": [f"I{i}" for i in range(len(rows))], "CustomerID": sales["CustomerID"],
                             "InvoiceDate": sales["Date"], "Amount": sales["NetRevenue"]})
    payments = pd.DataFrame({"CustomerID": ["K1", "K1", "K2", "K3", "K3"],
                             "PaymentDate": ["2026-02-20", "2026-03-20", "2026-03-25", "2026-01-25", "2026-03-25"],
                             "Amount": [1000, 1500, 400, 2000, 2000]})
    return inputs_from_frames({
        "Customers": pd.DataFrame({"CustomerID": ["K1", "K2", "K3"], "CustomerName": ["Kai", "Kun", "Kong"],
                                   "AccountManager": ["Li", "Li", "Wang"]}),
        "Sales": sales, "Invoices": invoices, "Payments": payments, "目标": targets,
        "Parameters": pd.DataFrame({"Parameter": ["PeriodStart", "PeriodEnd", "DataStart"],
                                    "Value": ["2026-01-01", "2026-03-31", "2026-01-01"]})})


TARGETS = pd.DataFrame({
    "客户编号": ["K1", "K1", "K1", "K1", None, None, "K2", None, "K3"],
    "客户经理": [None, None, None, None, "li ", "Wang", None, "Zhao", None],
    "期间": ["2026-01", "2026-02", "2026年3月", "2026Q1", "2026Q1", "2026 Q1", "2026-04", "2026Q1", "Mar"],
    "收入目标": [1000, 1000, 1000, None, 5000, 6000, 700, 100, 10],
    "毛利目标": [None, None, 400, None, None, None, None, None, None],
    "回款目标": [None, None, None, 3000, None, 5000, None, None, None]})


def test_attainment_and_variance_by_hand():
    """K1 revenue: targets 1000 a month, actual 1000 + 1200 + 900 = 3100: 103.33 %, +100. K1 gross profit:
    a target for March only (400), so the actual is March's, 900 - 500 = 400: 100 %. K1 collections: 3000
    for the quarter, 2500 received: 83.33 %, -500. Li (K1 and K2, 'li ' as typed) revenue 5000 against
    3100 + 1300 = 4400: 88 %, -600. Wang: revenue 6000 of 6000, collections 4000 of 5000. K2's April target
    lies outside the quarter and is not counted."""
    table = analyze(book(TARGETS))["Attainment"]
    period = table[table["Window"] == "Period"].set_index(["Key", "Measure"])
    assert period.loc[("K1", "Revenue"), ["Target", "Actual", "Variance"]].tolist() == [3000.0, 3100.0, 100.0]
    assert period.loc[("K1", "Revenue"), "Attainment"] == pytest.approx(3100 / 3000)
    assert period.loc[("K1", "GrossProfit"), ["Target", "Actual", "Attainment", "Period"]].tolist() == [
        400.0, 400.0, 1.0, "2026-03-01 – 2026-03-31"]
    assert period.loc[("K1", "Collections"), ["Target", "Actual", "Variance"]].tolist() == [3000.0, 2500.0, -500.0]
    assert period.loc[("Li", "Revenue"), ["Level", "Target", "Actual", "Variance"]].tolist() == [
        "AccountManager", 5000.0, 4400.0, -600.0]
    assert period.loc[("Wang", "Revenue"), "Attainment"] == 1.0
    assert period.loc[("Wang", "Collections"), ["Actual", "Attainment"]].tolist() == [4000.0, 0.8]
    assert "K2" not in period.index.get_level_values("Key")
    assert period.loc[("K1", "Revenue"), "Name"] == "Kai"
    ytd = table[table["Window"] == "YearToDate"].set_index(["Key", "Measure"])
    assert ytd.loc[("K1", "Revenue"), "Actual"] == 3100.0          # the quarter is the year so far


def test_rows_that_cannot_be_used_are_named():
    dq = analyze(book(TARGETS))["DataQuality"].query("Table == 'Targets'")
    assert dq[["Severity", "Row", "Column"]].values.tolist() == [
        ["Error", 10, "Period"], ["Error", 9, "AccountManager"]]


def test_the_core_receives_only_the_usable_targets_typed():
    """inputs.policies.targets_table: the Targets rows as the core takes them. Of the nine rows typed, 'Mar'
    (row 10) is no period and Zhao (row 9) manages no customer: named in that order and left out; 'li ' is the
    manager Li as Customers spells it; each period is its first and last day; K2's April target is kept (it is
    only outside this quarter)."""
    from kam_xl.inputs.policies import targets_table
    from kam_xl.quality import DataQuality
    D = pd.Timestamp
    typed = TARGETS.set_axis(["CustomerID", "AccountManager", "Period", "Revenue", "GrossProfit", "Collections"],
                             axis=1).assign(_row=range(2, 11))
    dq = DataQuality()
    table = targets_table(typed, pd.Series(["Li", "Li", "Wang"], index=["K1", "K2", "K3"]),
                          ("Revenue", "GrossProfit", "Collections"), D("2026-01-01"), D("2026-03-31"), dq)
    assert [(r["key"], r["Row"]) for r in dq.records] == [("targets.period", 10), ("targets.unknown_manager", 9)]
    assert table[["Level", "Key"]].values.tolist() == [["Customer", "K1"]] * 4 + [
        ["AccountManager", "Li"], ["AccountManager", "Wang"], ["Customer", "K2"]]
    assert table["Start"].tolist() == [D("2026-01-01"), D("2026-02-01"), D("2026-03-01")] + [D("2026-01-01")] * 3 + [
        D("2026-04-01")]
    assert table["End"].tolist() == [D("2026-01-31"), D("2026-02-28")] + [D("2026-03-31")] * 4 + [D("2026-04-30")]
    assert table["Revenue"].tolist()[:3] == [1000, 1000, 1000] and table["Collections"].tolist()[3] == 3000


def test_overlapping_targets_of_one_key_are_not_counted_twice():
    targets = pd.concat([TARGETS.iloc[:3], pd.DataFrame({"客户编号": ["K1"], "期间": ["2026Q1"], "收入目标": [9999]})],
                        ignore_index=True)
    results = analyze(book(targets))
    period = results["Attainment"].query("Window == 'Period'").set_index(["Key", "Measure"])
    assert period.loc[("K1", "Revenue"), "Target"] == 3000.0
    errors = results["DataQuality"].query("Table == 'Targets' and Severity == 'Error'")
    assert errors["Row"].tolist() == [5] and "This revenue target's period overlaps" in errors["Message"].iloc[0]
    chinese = analyze(book(targets), {"Language": "zh-CN"})["DataQuality"].query("Table == '目标'")
    # the measure is named too
    assert chinese["Message"].tolist() == ["该销售收入目标的期间与同一客户或客户经理之前的目标重叠：未使用"]


def test_keys_with_periods_that_share_a_day():
    """Only keys with two periods sharing a day are checked row by row: periods that touch on one day
    (to 1 February, from 1 February), the same month twice, a later row starting earlier than a row above
    it; not months that follow each other, nor the same month for another key or level."""
    from kam_xl.inputs.policies import overlapping_keys
    D = pd.Timestamp
    rows = pd.DataFrame([
        ("Customer", "A", D("2026-01-01"), D("2026-02-01")), ("Customer", "A", D("2026-02-01"), D("2026-02-28")),
        ("Customer", "B", D("2026-01-01"), D("2026-01-31")), ("Customer", "B", D("2026-02-01"), D("2026-02-28")),
        ("Customer", "C", D("2026-03-01"), D("2026-03-31")), ("Customer", "C", D("2026-01-01"), D("2026-03-01")),
        ("Customer", "D", D("2026-05-01"), D("2026-05-31")), ("Customer", "D", D("2026-05-01"), D("2026-05-31")),
        ("AccountManager", "A", D("2026-01-01"), D("2026-01-31")), ("Customer", "E", D("2026-01-01"), D("2026-01-31")),
        ("Customer", "G", D("2026-03-01"), D("2026-03-31")), ("Customer", "G", D("2026-01-01"), D("2026-01-31")),
    ], columns=["Level", "Key", "Start", "End"], index=range(10, 22))
    assert overlapping_keys(rows).tolist() == [True, True, False, False, True, True, True, True, False, False,
                                               False, False]
    assert overlapping_keys(rows).index.tolist() == list(range(10, 22))


def test_commentary_and_each_managers_own_attainment():
    """Customers' revenue targets only: K1 3100 of 3000 = 103.3 %. In Wang's workbook only Wang's rows."""
    from kam_xl.render.localize import restrict
    results = analyze(book(TARGETS))
    assert "Revenue reached 103.3% of target." in results.commentary
    kpis = results["KPIs"].set_index("KPI")
    # the customers' targets total the book where they exist: revenue 3100 / 3000; collections K1 2500 / 3000
    assert kpis.loc["RevenueAttainment", "ThisPeriod"] == pytest.approx(3100 / 3000)
    assert kpis.loc["CollectionsAttainment", "ThisPeriod"] == pytest.approx(2500 / 3000)
    assert pd.isna(kpis.loc["RevenueAttainment", "PriorPeriod"])
    wang = restrict(results, ["K3"])["Attainment"]
    assert set(wang["Key"]) == {"Wang"}


@pytest.mark.parametrize("text, start, end", [
    ("2026-03", "2026-03-01", "2026-03-31"), ("2026年3月", "2026-03-01", "2026-03-31"),
    ("2026-3", "2026-03-01", "2026-03-31"), ("2026-03-01 00:00:00", "2026-03-01", "2026-03-31"),
    ("2026Q2", "2026-04-01", "2026-06-30"), ("2026年第3季度", "2026-07-01", "2026-09-30"),
    ("2026", "2026-01-01", "2026-12-31"), ("2026-01-01 .. 2026-02-15", "2026-01-01", "2026-02-15"),
    ("2026/1/1 至 2026/6/30", "2026-01-01", "2026-06-30")])
def test_target_periods(text, start, end):
    assert parse_period(text) == (pd.Timestamp(start), pd.Timestamp(end))


@pytest.mark.parametrize("text", ["Mar", "2026-03-05", "2026-13", "2026-06-30 ~ 2026-01-01", ""])
def test_periods_not_understood(text):
    assert parse_period(text) is None


def test_a_workbook_split_by_region_shows_no_manager_total_it_cannot_show_whole():
    """Li's customers K1 and K2 are in two regions: a Region workbook holds only some of them, so Li's
    attainment (summed over both) stays out of it; the customers' own rows stay in."""
    from kam_xl.render.localize import restrict
    inputs = book(TARGETS)
    inputs.tables["Customers"]["Region"] = ["East", "West", "East"]
    east = restrict(analyze(inputs), ["K1", "K3"], "Region: East")["Attainment"]
    assert "Li" not in set(east["Key"]) and {"K1", "Wang"} <= set(east["Key"])
