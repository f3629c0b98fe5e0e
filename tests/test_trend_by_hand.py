"""Month by month (kam_xl.domain.trend) on a three-customer book worked out by hand: thirteen whole months,
Feb 2024 .. Feb 2025, so the last month has a month before and a year before. C1 buys, is invoiced and pays;
C2 buys without a known cost and owes an old invoice; C3 does nothing at all but is still a customer."""
import numpy as np
import pandas as pd
import pytest

from kam_xl.domain.trend import customer_trend, trend_months, trend_summary

D = pd.Timestamp
IDS = pd.Index(["C1", "C2", "C3"], name="CustomerID")
FEB = D("2025-02-01")


def _trend_book():
    months = trend_months(D("2025-02-28"), 13)          # Feb 2024 .. Feb 2025, every month whole
    sales = pd.DataFrame({
        "Date": [D("2024-02-10"), D("2025-01-31"), D("2025-02-05"), D("2025-02-10"), D("2025-02-28")],
        "CustomerID": ["C1", "C1", "C1", "C2", "C2"],
        "NetRevenue": [100.0, 200.0, 150.0, 70.0, 30.0],     # the last on AsOfDate itself
        "COGS": [60.0, 150.0, 90.0, np.nan, 10.0]})
    costs = pd.DataFrame({"Date": [D("2025-02-20")], "CustomerID": ["C1"], "Cost": [10.0]})
    # An invoice on the last day of January: it is in February's opening balance. C2 owes 50 since June 2024.
    invoices = pd.DataFrame({"InvoiceDate": [D("2024-06-15"), D("2025-01-31"), D("2025-02-05")],
                             "CustomerID": ["C2", "C1", "C1"], "Amount": [50.0, 226.0, 169.5]})
    # C2 pays 20 of it on the first day of September 2024.
    payments = pd.DataFrame({"PaymentDate": [D("2024-09-01"), D("2025-02-20")], "CustomerID": ["C2", "C1"],
                             "Amount": [20.0, 226.0]})
    known = pd.Series(True, index=pd.Index(months["Month"]))
    return months, sales, costs, invoices, payments, known


def _month(trend, month=FEB):
    return trend[trend["Month"] == month].set_index("CustomerID")


def test_customer_trend_of_a_month_by_hand():
    months, sales, costs, invoices, payments, known = _trend_book()
    trend = customer_trend(sales, costs, invoices, payments, IDS, months, known, cost_of_capital=0.10, decimals=2)
    assert len(trend) == 39 and list(trend["CustomerID"].iloc[:3]) == ["C1", "C2", "C3"]   # month, then customer
    assert trend["Month"].iloc[0] == D("2024-02-01") and trend["Through"].iloc[0] == D("2024-02-29")
    feb = _month(trend)
    c1 = feb.loc["C1"]
    assert c1["NetRevenue"] == 150.0 and c1["GrossProfit"] == 60.0 and c1["Days"] == 28
    assert c1["GrossMarginPct"] == pytest.approx(0.4)                      # 60 / 150
    assert c1["CreditSales"] == 169.5 and c1["Collections"] == 226.0
    assert c1["ClosingAR"] == 169.5                                        # 226 + 169.5 - 226
    assert c1["AverageAR"] == pytest.approx(197.75)                        # (226 at 31 Jan + 169.5) / 2
    # Financing 197.75 x 10 % x 28 / 365 = 1.5170 -> 1.52; NetProfit 60 - 10 - 1.52
    assert c1["NetProfit"] == pytest.approx(48.48)
    assert c1["DSO"] == pytest.approx(28 * 197.75 / 169.5)                 # 32.67 days
    c2 = feb.loc["C2"]
    assert c2["NetRevenue"] == 100.0 and np.isnan(c2["GrossProfit"]) and np.isnan(c2["NetProfit"])
    assert np.isnan(c2["GrossMarginPct"]) and np.isnan(c2["DSO"])          # no credit sales this month
    assert (c2["ClosingAR"], c2["AverageAR"], c2["Collections"]) == (30.0, 30.0, 0.0)
    c3 = feb.loc["C3"]
    assert c3[["NetRevenue", "GrossProfit", "NetProfit", "Collections", "CreditSales", "ClosingAR",
               "AverageAR"]].tolist() == [0.0] * 7 and np.isnan(c3["DSO"])
    jan = _month(trend, D("2025-01-01")).loc["C1"]
    assert jan["GrossMarginPct"] == pytest.approx(0.25)                    # 50 / 200
    assert jan["AverageAR"] == pytest.approx(113.0)                        # (0 + 226 on 31 Jan) / 2
    june = _month(trend, D("2024-06-01")).loc["C2"]
    assert (june["ClosingAR"], june["AverageAR"], june["CreditSales"]) == (50.0, 25.0, 50.0)
    assert june["DSO"] == pytest.approx(30 * 25.0 / 50.0)                  # 15 days
    september = _month(trend, D("2024-09-01")).loc["C2"]
    assert (september["Collections"], september["ClosingAR"], september["AverageAR"]) == (20.0, 30.0, 40.0)
    assert _month(trend, D("2024-10-01")).loc["C2", "AverageAR"] == 30.0   # (30 + 30) / 2: the payment counts
    assert list(trend.columns) == ["CustomerID", "Month", "NetRevenue", "GrossProfit", "Collections", "CreditSales",
                                   "ClosingAR", "AverageAR", "NetProfit", "Through", "Days", "GrossMarginPct", "DSO"]
    assert trend.index.equals(pd.RangeIndex(len(trend)))
    # In whole yen: 48.48 -> 48 (financing 1.5170 -> 2), the average 197.75 -> 198
    yen = _month(customer_trend(sales, costs, invoices, payments, IDS, months, known, 0.10, decimals=0)).loc["C1"]
    assert (yen["NetProfit"], yen["AverageAR"], yen["ClosingAR"]) == (48.0, 198.0, 170.0)


def test_a_month_in_progress_counts_up_to_as_of_date():
    months = trend_months(D("2025-03-15"), 2)
    assert months.values.tolist() == [[D("2025-02-01"), D("2025-02-28"), 28], [D("2025-03-01"), D("2025-03-15"), 15]]
    sales = pd.DataFrame({"Date": [D("2025-01-31"), D("2025-02-01"), D("2025-03-15"), D("2025-03-20")],
                          "CustomerID": ["C1"] * 4, "NetRevenue": [1.0, 10.0, 100.0, 1000.0],
                          "COGS": [0.0, 5.0, 50.0, 500.0]})
    known = pd.Series(True, index=pd.Index(months["Month"]))
    trend = customer_trend(sales, None, None, None, pd.Index(["C1"]), months, known, cost_of_capital=0.1, decimals=2)
    # the first day of the first month counts, AsOfDate counts, the day after it and the month before do not
    assert trend["NetRevenue"].tolist() == [10.0, 100.0] and trend["Days"].tolist() == [28, 15]


def test_customer_trend_without_costs_payments_or_receivables():
    months, sales, costs, invoices, payments, known = _trend_book()
    # No activity costs: nothing to serve. No payments: collections unknown, every invoice still owed.
    trend = customer_trend(sales, None, invoices, None, IDS, months, known, cost_of_capital=0.10, decimals=2)
    c1 = _month(trend).loc["C1"]
    assert np.isnan(c1["Collections"]) and c1["ClosingAR"] == 395.5        # 226 + 169.5
    # Financing (226 + 395.5) / 2 = 310.75 x 10 % x 28 / 365 = 2.3838 -> 2.38; NetProfit 60 - 2.38
    assert c1["AverageAR"] == pytest.approx(310.75) and c1["NetProfit"] == pytest.approx(57.62)
    # An empty Payments table is no payments, and collections are then known to be nothing.
    none_paid = customer_trend(sales, costs, invoices, payments.iloc[:0], IDS, months, known, cost_of_capital=0.10,
                               decimals=2)
    assert _month(none_paid).loc["C1", ["Collections", "ClosingAR"]].tolist() == [0.0, 395.5]
    # Without receivables there is no financing cost: NetProfit 60 - 10
    bare = customer_trend(sales, costs, None, None, IDS, months, known, cost_of_capital=0.10, decimals=2)
    c1 = _month(bare).loc["C1"]
    assert c1["NetProfit"] == 50.0 and np.isnan(c1["AverageAR"]) and np.isnan(c1["Collections"])
    # The months before the invoices reach back: no average balance, so no financing cost and no DSO.
    unknown = known.copy()
    unknown[FEB] = False
    partial = customer_trend(sales, costs, invoices, payments, IDS, months, unknown, cost_of_capital=0.10, decimals=2)
    c1 = _month(partial).loc["C1"]
    assert np.isnan(c1["AverageAR"]) and np.isnan(c1["DSO"]) and np.isnan(c1["NetProfit"])
    assert c1["ClosingAR"] == 169.5 and _month(partial, D("2025-01-01")).loc["C1", "AverageAR"] == 113.0


def test_trend_summary_totals_order_blank_segment_and_changes_by_hand():
    months, sales, costs, invoices, payments, known = _trend_book()
    trend = customer_trend(sales, costs, invoices, payments, IDS, months, known, cost_of_capital=0.10, decimals=2)
    groups = pd.DataFrame({"CustomerID": ["C1", "C2", "C3"], "ABCTier": ["A", "B", "C"],
                           "Industry": ["Steel", "Auto", "Steel"], "AccountManager": ["Li", np.nan, "Li"]})
    table = trend_summary(trend, groups, decimals=2)
    industries = table[table["Dimension"] == "Industry"]
    assert list(industries["Segment"].iloc[[0, 13]]) == ["Auto", "Steel"]    # sorted, then by month
    assert list(industries["Month"].iloc[:2]) == [D("2024-02-01"), D("2024-03-01")]
    managers = table[table["Dimension"] == "AccountManager"]
    assert len(managers) == 26 and managers["Segment"].isna().sum() == 13   # C2 has no manager: still counted
    feb = table[(table["Dimension"] == "Total") & (table["Month"] == FEB)].iloc[0]
    assert feb["NetRevenue"] == 250.0 and np.isnan(feb["GrossProfit"])      # C2's cost is unknown
    assert feb["NetRevenueMoM"] == pytest.approx(0.25)                      # 250 / 200 - 1
    assert feb["NetRevenueYoY"] == pytest.approx(1.5)                       # 250 / 100 (Feb 2024) - 1
    assert feb["ClosingAR"] == 199.5 and feb["Days"] == 28                  # 169.5 + 30
    assert feb["Segment"] == "" and table.index.equals(pd.RangeIndex(len(table)))
    assert list(table.columns) == ["Dimension", "Segment", "Month", "Days", "NetRevenue", "GrossProfit", "NetProfit",
                                   "Collections", "CreditSales", "ClosingAR", "AverageAR", "GrossMarginPct", "DSO",
                                   "NetRevenueMoM", "NetRevenueYoY"]
    steel = industries[(industries["Month"] == FEB) & (industries["Segment"] == "Steel")].iloc[0]
    assert steel["GrossMarginPct"] == pytest.approx(0.4) and steel["NetRevenueYoY"] == pytest.approx(0.5)
    assert steel["DSO"] == pytest.approx(28 * 197.75 / 169.5)
    total = table[table["Dimension"] == "Total"].set_index("Month")
    assert total.loc[D("2024-03-01"), "NetRevenue"] == 0.0
    assert total.loc[D("2024-03-01"), "NetRevenueMoM"] == -1.0               # 0 / 100 - 1
    assert np.isnan(total.loc[D("2024-04-01"), "NetRevenueMoM"])             # nothing the month before
    # A customer the groups do not know is still in the totals, in a blank segment; whole yen when asked.
    table = trend_summary(trend, groups[groups["CustomerID"] != "C1"], decimals=0)
    industry = table[(table["Dimension"] == "Industry") & (table["Month"] == FEB)]
    assert industry["NetRevenue"].tolist() == [100.0, 0.0, 150.0]               # Auto, Steel (C3), blank (C1)
    assert industry["Segment"].isna().tolist() == [False, False, True]
    assert industry["AverageAR"].tolist() == [30.0, 0.0, 198.0]                 # C1's 197.75 in whole yen
    assert table[(table["Dimension"] == "Total") & (table["Month"] == FEB)]["NetProfit"].isna().all()
