"""Month by month, worked out by hand on the small book (tests/conftest.py): AsOfDate 2026-06-30,
DataStart 2025-07-01, CostOfCapital 6 %, Visit 100 and Order 10 per driver."""
import pandas as pd
import pytest
from conftest import small_book

from kam_xl import analyze
from kam_xl.inputs.reader import inputs_from_frames

D = pd.Timestamp


def test_each_customer_month_by_hand(small_inputs):
    """A1 in December 2025: INV0 400 on 12-01, nothing owed before: ClosingAR 400, AverageAR 200, DSO =
    31 × 200 / 400 = 15.5 days; a visit (100) and FinancingCost 200 × 6 % × 31 / 365 = 1.02: NetProfit
    -101.02. January: revenue 1000, COGS 600; INV1 1130 billed, INV0's 400 collected: ClosingAR 1130,
    AverageAR 765, DSO 31 × 765 / 1130; 3 orders (30) and 765 × 6 % × 31 / 365 = 3.90: NetProfit 366.10."""
    trend = analyze(small_inputs)["Trend"].set_index(["CustomerID", "Month"])
    december, january = trend.loc[("A1", D("2025-12-01"))], trend.loc[("A1", D("2026-01-01"))]
    assert december[["NetRevenue", "CreditSales", "Collections", "ClosingAR", "AverageAR", "NetProfit"]].tolist() == [
        0.0, 400.0, 0.0, 400.0, 200.0, -101.02]
    assert december["DSO"] == pytest.approx(15.5)
    assert january[["NetRevenue", "GrossProfit", "Collections", "CreditSales", "ClosingAR", "AverageAR",
                    "NetProfit"]].tolist() == [1000.0, 400.0, 400.0, 1130.0, 1130.0, 765.0, 366.10]
    assert january["DSO"] == pytest.approx(31 * 765 / 1130)
    assert january[["ABCTier", "Industry", "AccountManager", "Days"]].tolist() == ["A", "Retail", "Li", 31]
    months = sorted(set(trend.index.get_level_values("Month")))
    assert months[0] == D("2025-07-01") and months[-1] == D("2026-06-01") and len(months) == 12


def test_monthly_totals_and_changes_by_hand(small_inputs):
    """The portfolio: January NetProfit 366.10 (A1) - 2.04 (B2: INV4 800, AverageAR 400, 400 × 6 % × 31 /
    365) = 364.06; revenue 1000 in January, 500 in February (B2), 1800 in March: month on month -50 % and
    +260 %. Li (A1 and B2) in February: 500."""
    summary = analyze(small_inputs)["TrendSummary"]
    total = summary[summary["Dimension"] == "Total"].set_index("Month")
    assert total.loc[D("2026-01-01"), "NetProfit"] == 364.06
    assert total.loc[[D("2026-01-01"), D("2026-02-01"), D("2026-03-01")], "NetRevenue"].tolist() == [
        1000.0, 500.0, 1800.0]
    assert total.loc[D("2026-02-01"), "NetRevenueMoM"] == pytest.approx(-0.5)
    assert total.loc[D("2026-03-01"), "NetRevenueMoM"] == pytest.approx(2.6)
    assert pd.isna(total.loc[D("2026-01-01"), "NetRevenueMoM"])          # December had no revenue
    li = summary[(summary["Dimension"] == "AccountManager") & (summary["Segment"] == "Li")].set_index("Month")
    assert li.loc[D("2026-02-01"), "NetRevenue"] == 500.0
    assert set(summary["Dimension"]) == {"Total", "ABCTier", "Industry", "AccountManager"}


def test_the_trend_runs_only_where_the_data_reach_and_a_month_in_progress_is_not_compared():
    """Without DataStart the sales begin on 2025-10-01: nine months, said. With AsOfDate 06-15 June is in
    progress (15 days): shown, but its month-on-month change is left empty."""
    book = small_book()
    book["Parameters"] = book["Parameters"][book["Parameters"]["Parameter"] != "DataStart"]
    results = analyze(inputs_from_frames(book), {"AsOfDate": "2026-06-15", "PeriodEnd": "2026-06-15"})
    total = results["TrendSummary"].query("Dimension == 'Total'").set_index("Month")
    assert total.index[0] == D("2025-10-01") and len(total) == 9
    assert total.loc[D("2026-06-01"), "Days"] == 15 and pd.isna(total.loc[D("2026-06-01"), "NetRevenueMoM"])
    assert "The trend shows 9 of the 12 months" in " ".join(results["DataQuality"]["Message"])


def test_trend_months_parameter(small_inputs):
    trend = analyze(small_inputs, {"TrendMonths": "3"})["Trend"]
    assert sorted(set(trend["Month"])) == [D("2026-04-01"), D("2026-05-01"), D("2026-06-01")]


def test_segments_sumifs_would_merge_are_kept_as_values(small_inputs):
    """SUMIFS ignores case and reads * ? ~ as wildcards: 'Retail' and 'retail' would be summed together, so
    the monthly totals are written as values; with distinct names they are live formulas."""
    from kam_xl.render.layout import plan, sumifs_alike
    assert sumifs_alike(pd.Series(["Retail", "Steel"])) and not sumifs_alike(pd.Series(["Retail", "retail"]))
    assert not sumifs_alike(pd.Series(["Ret*"]))
    live = {c.name for s in plan(analyze(small_inputs)) for t in s.tables if t.name == "TrendSummary"
            for c in t.columns if c.formula}
    assert "NetRevenue" in live
    small_inputs.tables["Customers"].loc[2, "Industry"] = "retail"
    values = {c.name for s in plan(analyze(small_inputs)) for t in s.tables if t.name == "TrendSummary"
              for c in t.columns if c.formula}
    assert "NetRevenue" not in values
