"""Profitability: gross profit in the window, activity-based cost-to-serve, financing cost, net profit and
the whale curve; worked out by hand."""
import numpy as np
import pandas as pd
import pytest

D = pd.Timestamp


def test_financing_cost_rounded_to_the_minor_unit():
    from kam_xl.domain.profitability import financing_cost
    ar = pd.Series({"A": 1000.0})
    # 1000 x 0.10 x 181 / 365 = 18100 / 365 = 49.5890...
    assert financing_cost(ar, 0.10, 181)["A"] == pytest.approx(49.59, abs=1e-9)            # 2 decimals by default
    assert financing_cost(ar, 0.10, 181, decimals=0)["A"] == 50.0                          # JPY: whole yen
    assert financing_cost(ar, 0.10, 181, decimals=3)["A"] == pytest.approx(49.589, abs=1e-9)


def _sales(rows):
    return pd.DataFrame(rows, columns=["Date", "CustomerID", "NetRevenue", "COGS"])


def test_gross_profit_window_rounding_and_unknown_cost():
    from kam_xl.domain.profitability import gross_profit
    ids = pd.Index(["A", "B", "C"])
    sales = _sales([
        (D("2026-01-01"), "A", 100.004, 60.001),     # on PeriodStart: in
        (D("2026-06-30"), "A", 50.0, 30.0),          # on PeriodEnd: in
        (D("2025-12-31"), "A", 999.0, 1.0),          # before the period: out
        (D("2026-03-01"), "B", 20.0, np.nan),        # blank COGS: B's cost unknown
        (D("2026-03-02"), "B", 5.0, 1.0),
    ])
    out = gross_profit(sales, ids, D("2026-01-01"), D("2026-06-30"))
    # A: NetRevenue 150.004 -> 150.00, COGS 90.001 -> 90.00, GP 60, margin 60/150 = 0.4
    assert out.loc["A"].tolist() == pytest.approx([150.0, 90.0, 60.0, 0.4], abs=1e-9)
    # B: NetRevenue 25; COGS and GP empty, margin empty
    assert out.loc["B", "NetRevenue"] == 25.0
    assert out.loc[["B"], ["COGS", "GrossProfit", "GrossMarginPct"]].isna().all().all()
    # C: nothing -> 0, 0, 0, margin empty (NetRevenue 0)
    assert out.loc["C"].tolist()[:3] == [0.0, 0.0, 0.0] and np.isnan(out.loc["C", "GrossMarginPct"])
    three = gross_profit(sales, ids, D("2026-01-01"), D("2026-06-30"), decimals=3)
    assert three.loc["A", "NetRevenue"] == pytest.approx(150.004, abs=1e-9)
    assert three.loc["A", "COGS"] == pytest.approx(90.001, abs=1e-9)
    assert three.loc["A", "GrossProfit"] == pytest.approx(60.003, abs=1e-9)    # 150.004 - 90.001


def _activities(rows):
    frame = pd.DataFrame(rows, columns=["Date", "CustomerID", "Activity", "DriverQuantity", "DirectCost"])
    frame["_row"] = range(5, 5 + len(frame))                     # worksheet rows 5, 6, ...
    return frame


def test_cost_to_serve_rates_direct_costs_and_unrated_warning():
    from kam_xl.domain.profitability import cost_to_serve
    from kam_xl.quality import DataQuality
    ids = pd.Index(["A", "B", "C"])
    activities = _activities([
        (D("2026-02-01"), "A", "Visit", 3, np.nan),       # 3 x 0.333 = 0.999
        (D("2026-02-02"), "A", "Rebate", 0, 5.0),         # direct cost only, no driver: no warning
        (D("2026-02-03"), "B", "Order", 2, 1.0),          # no rate: drivers 0, direct 1; warned
        (D("2026-02-04"), "B", "ORDER", 4, np.nan),       # same activity (other spelling): count 2
        (D("2026-02-04"), "B", "Order", np.nan, 0.5),     # no rate but no quantity: not warned
        (D("2026-02-04"), "B", "Gift", 0, 0.5),           # no rate, quantity 0: not warned
        (D("2026-02-04"), "B", "Call", 1, 0.0),           # no rate: a second warning, after Order's
        (D("2026-02-05"), "B", " visit ", np.nan, 2.0),   # no quantity: 0 x rate + 2
        (D("2025-12-31"), "C", "Visit", 100, 100.0),      # outside the period
    ])
    rates = pd.DataFrame({"Activity": ["VISIT", "Rebate"], "Rate": [0.333, 7.0]})
    dq = DataQuality()
    out = cost_to_serve(activities, rates, ids, D("2026-01-01"), D("2026-06-30"), dq)
    # A: 0.999 + 5 = 5.999 -> 6.00; B: 1 + 0.5 + 0.5 + 2 = 4; C: 0
    assert out.to_dict() == {"A": pytest.approx(6.0, abs=1e-9), "B": 4.0, "C": 0.0}
    assert [r["values"]["name"] for r in dq.records] == ["Order", "Call"]     # in order of appearance
    record = dq.records[0]
    assert (record["Severity"], record["Table"], record["Row"], record["Column"], record["Value"]) == \
        ("Warning", "Activities", 7, "Activity", "Order")
    assert record["key"] == "activity.no_rate" and record["values"] == {"name": "Order", "count": 2}
    three = cost_to_serve(activities, rates, ids, D("2026-01-01"), D("2026-06-30"), None, decimals=3)
    assert three["A"] == pytest.approx(5.999, abs=1e-9)          # and no DataQuality needed
    none = cost_to_serve(None, rates, ids, D("2026-01-01"), D("2026-06-30"))
    assert none.dtype == np.float64 and list(none.index) == list(ids) and none.isna().all()
    unrated = cost_to_serve(activities, None, ids, D("2026-01-01"), D("2026-06-30"))
    assert unrated.to_dict() == {"A": 5.0, "B": 4.0, "C": 0.0}    # no rates table: direct costs only


def test_profitability_absent_parts_rounding_and_rank():
    from kam_xl.domain.profitability import profitability
    gross = pd.DataFrame({"NetRevenue": [100.0, 50.0, 10.0], "GrossProfit": [40.0, 20.0, 5.0]}, index=["A", "B", "C"])
    cts = pd.Series({"A": 10.004, "B": np.nan, "C": 1.0})
    fin = pd.Series({"A": 1.0, "B": 1.0, "C": np.nan})
    out = profitability(gross, cts, fin)
    # A: 40 - 10.004 - 1 = 28.996 -> 29.00; B and C: a part unknown -> empty, no rank
    assert out.NetProfit["A"] == pytest.approx(29.0, abs=1e-9) and out.NetProfit[["B", "C"]].isna().all()
    assert out.ProfitRank["A"] == 1 and out.ProfitRank[["B", "C"]].isna().all()
    assert out.NetMarginPct["A"] == pytest.approx(0.29)
    # no Activities table at all: CostToServe counts as 0 (B: 20 - 0 - 1 = 19); C's financing still unknown
    absent = profitability(gross, cts, fin, absent=("CostToServe",), decimals=3)
    assert absent.NetProfit["A"] == pytest.approx(28.996, abs=1e-9)
    assert absent.NetProfit["B"] == 19.0 and np.isnan(absent.NetProfit["C"])
    assert absent.ProfitRank[["A", "B"]].tolist() == [1, 2] and np.isnan(absent.ProfitRank["C"])
    both = profitability(gross, cts, fin, absent=("CostToServe", "FinancingCost"))
    assert both.NetProfit.to_dict() == {"A": pytest.approx(29.0, abs=1e-9), "B": 19.0, "C": 4.0}
    assert both.CostToServe.isna().tolist() == [False, True, False]   # the part itself stays empty


def test_whale_curve_shares_and_non_positive_total():
    from kam_xl.domain.profitability import whale_curve
    profit = pd.DataFrame({"NetProfit": [30.0, -10.0, 80.0], "ProfitRank": [2, 3, 1]}, index=["A", "B", "C"])
    out = whale_curve(profit)
    assert out.CustomerID.tolist() == ["C", "A", "B"] and out.ProfitRank.tolist() == [1, 2, 3]
    assert out.CumulativeCustomerShare.tolist() == pytest.approx([1 / 3, 2 / 3, 1.0])
    # total 100: 80/100, 110/100 (above 1 with a loss maker), 100/100
    assert out.CumulativeProfitShare.tolist() == pytest.approx([0.8, 1.1, 1.0])
    losing = whale_curve(pd.DataFrame({"NetProfit": [-5.0, 5.0], "ProfitRank": [2, 1]}, index=["A", "B"]))
    assert losing.CumulativeProfitShare.isna().all()                   # total 0: no shares
    nothing = pd.Series([], dtype="float64")
    empty = whale_curve(pd.DataFrame({"NetProfit": nothing, "ProfitRank": nothing}))
    assert len(empty) == 0
    one = whale_curve(pd.DataFrame({"NetProfit": [0.5], "ProfitRank": [1]}, index=["A"]))
    assert one.CumulativeCustomerShare.tolist() == [1.0]              # 1 of 1
    assert one.CumulativeProfitShare.tolist() == [1.0]                # 0.5 / 0.5: a small total still counts
