"""Month by month (kam_xl.domain.trend) on a two-customer book worked out by hand: thirteen whole months,
Feb 2024 .. Feb 2025, so the last month has a month before and a year before."""
import numpy as np
import pandas as pd
import pytest

from kam_xl.domain.trend import customer_trend, trend_months, trend_summary

D = pd.Timestamp

def _trend_book():
    months = trend_months(D("2025-02-28"), 13)          # Feb 2024 .. Feb 2025, every month whole
    sales = pd.DataFrame({
        "Date": [D("2024-02-10"), D("2025-01-31"), D("2025-02-05"), D("2025-02-10")],
        "CustomerID": ["C1", "C1", "C1", "C2"],
        "NetRevenue": [100.0, 200.0, 150.0, 70.0],
        "COGS": [60.0, 150.0, 90.0, np.nan]})
    costs = pd.DataFrame({"Date": [D("2025-02-20")], "CustomerID": ["C1"], "Cost": [10.0]})
    # An invoice on the last day of January: it is in February's opening balance.
    invoices = pd.DataFrame({"InvoiceDate": [D("2025-01-31"), D("2025-02-05")], "CustomerID": ["C1", "C1"],
                             "Amount": [226.0, 169.5]})
    payments = pd.DataFrame({"PaymentDate": [D("2025-02-20")], "CustomerID": ["C1"], "Amount": [226.0]})
    known = pd.Series(True, index=pd.Index(months["Month"]))
    return months, sales, costs, invoices, payments, known


def test_customer_trend_of_a_month_by_hand():
    months, sales, costs, invoices, payments, known = _trend_book()
    ids = pd.Index(["C1", "C2"], name="CustomerID")
    trend = customer_trend(sales, costs, invoices, payments, ids, months, known, cost_of_capital=0.10)
    assert len(trend) == 26 and list(trend["CustomerID"].iloc[:2]) == ["C1", "C2"]   # month, then customer
    feb = trend[trend["Month"] == D("2025-02-01")].set_index("CustomerID")
    c1 = feb.loc["C1"]
    assert c1["NetRevenue"] == 150.0 and c1["GrossProfit"] == 60.0
    assert c1["GrossMarginPct"] == pytest.approx(0.4)                      # 60 / 150
    assert c1["CreditSales"] == 169.5 and c1["Collections"] == 226.0
    assert c1["ClosingAR"] == 169.5                                        # 226 + 169.5 - 226
    assert c1["AverageAR"] == pytest.approx(197.75)                        # (226 at 31 Jan + 169.5) / 2
    # Financing 197.75 x 10 % x 28 / 365 = 1.5170 -> 1.52; NetProfit 60 - 10 - 1.52
    assert c1["NetProfit"] == pytest.approx(48.48)
    assert c1["DSO"] == pytest.approx(28 * 197.75 / 169.5)                 # 32.67 days
    c2 = feb.loc["C2"]
    assert c2["NetRevenue"] == 70.0 and np.isnan(c2["GrossProfit"]) and np.isnan(c2["NetProfit"])
    assert np.isnan(c2["GrossMarginPct"]) and np.isnan(c2["DSO"])          # no credit sales
    jan = trend[(trend["Month"] == D("2025-01-01")) & (trend["CustomerID"] == "C1")].iloc[0]
    assert jan["GrossMarginPct"] == pytest.approx(0.25)                    # 50 / 200
    assert jan["AverageAR"] == pytest.approx(113.0)                        # (0 + 226) / 2
    # Without receivables there is no financing cost: NetProfit 60 - 10
    bare = customer_trend(sales, costs, None, None, ids, months, known, cost_of_capital=0.10)
    c1 = bare[(bare["Month"] == D("2025-02-01")) & (bare["CustomerID"] == "C1")].iloc[0]
    assert c1["NetProfit"] == 50.0 and np.isnan(c1["AverageAR"]) and np.isnan(c1["Collections"])


def test_trend_summary_totals_order_blank_segment_and_changes_by_hand():
    months, sales, costs, invoices, payments, known = _trend_book()
    ids = pd.Index(["C1", "C2"], name="CustomerID")
    trend = customer_trend(sales, costs, invoices, payments, ids, months, known, cost_of_capital=0.10)
    groups = pd.DataFrame({"CustomerID": ["C1", "C2"], "ABCTier": ["A", "B"], "Industry": ["Steel", "Auto"],
                           "AccountManager": ["Li", np.nan]})
    table = trend_summary(trend, groups)
    industries = table[table["Dimension"] == "Industry"]
    assert list(industries["Segment"].iloc[[0, 13]]) == ["Auto", "Steel"]    # sorted, then by month
    assert list(industries["Month"].iloc[:2]) == [D("2024-02-01"), D("2024-03-01")]
    managers = table[table["Dimension"] == "AccountManager"]
    assert len(managers) == 26 and managers["Segment"].isna().sum() == 13   # C2 has no manager: still counted
    feb = table[(table["Dimension"] == "Total") & (table["Month"] == D("2025-02-01"))].iloc[0]
    assert feb["NetRevenue"] == 220.0 and np.isnan(feb["GrossProfit"])      # C2's cost is unknown
    assert feb["NetRevenueMoM"] == pytest.approx(0.1)                       # 220 / 200 - 1
    assert feb["NetRevenueYoY"] == pytest.approx(1.2)                       # 220 / 100 (Feb 2024) - 1
    steel = industries[(industries["Month"] == D("2025-02-01")) & (industries["Segment"] == "Steel")].iloc[0]
    assert steel["GrossMarginPct"] == pytest.approx(0.4) and steel["NetRevenueYoY"] == pytest.approx(0.5)
    assert steel["DSO"] == pytest.approx(28 * 197.75 / 169.5)
