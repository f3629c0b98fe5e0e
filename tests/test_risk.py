"""Concentration and credit risk: revenue shares, HHI, the risk summary, group exposure; worked out by hand."""
import numpy as np
import pandas as pd
import pytest

def test_revenue_shares_only_positive_revenue_and_small_totals():
    from kam_xl.domain.risk import revenue_shares
    # positive: A 0.25, B 0.5 (C 0 and D -1 have no share); total 0.75 -> B 0.5/0.75 = 2/3, A 1/3
    shares = revenue_shares(pd.Series({"A": 0.25, "B": 0.5, "C": 0.0, "D": -1.0}))
    assert list(shares.index) == ["B", "A"]
    assert shares.tolist() == pytest.approx([2 / 3, 1 / 3], abs=1e-12)


def _summary(frame):
    return dict(zip(frame.Metric, frame.Value))


def test_risk_summary_eleven_customers_limits_and_rounding_to_the_minor_unit():
    from kam_xl.domain.risk import risk_summary
    ids = [f"K{i:02d}" for i in range(11)]
    revenue = pd.Series(100.0, index=ids)                       # 11 equal customers: each 1/11
    profit = pd.Series([-10.4] + [5.0] * 10, index=ids)         # one loss maker, -10.4
    oldest = pd.Series([1.6] + [0.0] * 10, index=ids)           # 1.6 in the oldest bucket
    utilization = pd.Series([1.0, 1.5] + [np.nan] * 9, index=ids)   # 1.0 is AT the limit, 1.5 over it
    churn = pd.Series([True, True] + [False] * 9, index=ids)
    out = _summary(risk_summary(revenue, profit, oldest, utilization, churn, decimals=0))   # e.g. JPY
    assert out["Top1Share"] == pytest.approx(1 / 11)
    assert out["Top5Share"] == pytest.approx(5 / 11)
    assert out["Top10Share"] == pytest.approx(10 / 11)         # the 10 largest of 11, not all 11
    assert out["HHI"] == pytest.approx(11 * (1 / 11) ** 2 * 10_000)   # = 909.09...
    assert out["Overdue90PlusBalance"] == 2.0                   # 1.6 rounded to 0 decimals
    assert out["CustomersOverLimit"] == 1.0                     # only utilization > 1
    assert out["LossMakingCustomers"] == 1.0
    assert out["LossMakingNetProfit"] == -10.0                  # -10.4 rounded to 0 decimals
    assert out["ChurnRiskCustomers"] == 2.0


def test_risk_summary_default_two_decimals_and_unknown_profit():
    from kam_xl.domain.risk import risk_summary
    ids = ["A", "B"]
    out = _summary(risk_summary(pd.Series([10.0, 30.0], index=ids), pd.Series([-1.0, np.nan], index=ids),
                                pd.Series([1.234, 0.0], index=ids), None, pd.Series([False, False], index=ids)))
    assert out["Top1Share"] == pytest.approx(0.75)              # 30 / 40
    assert out["Overdue90PlusBalance"] == pytest.approx(1.23, abs=1e-12)   # 2 decimals by default
    assert np.isnan(out["CustomersOverLimit"])                  # no credit data
    # B's NetProfit is unknown: the loss makers cannot be counted or summed
    assert np.isnan(out["LossMakingCustomers"]) and np.isnan(out["LossMakingNetProfit"])


def test_group_exposure_by_hand():
    """Groups GZ (Z1, Z2), B1 and A1 (each its own group). Z2's oldest overdue bucket is unknown, so GZ's
    OverdueBalance and Overdue90Plus are empty; B1 owes 30 + 20 overdue of which 20 over 90 days: 50 and 20.
    CreditUtilization = OpenBalance / CreditLimit: B1 80 / 100 = 0.8. Without receivables every balance is
    empty. Revenue: GZ 60 + 40 = 100 ties with A1's 100 and comes first (it came first), B1's 50 last."""
    from kam_xl.domain.risk import group_exposure
    ids = pd.Index(["Z1", "B1", "Z2", "A1"], name="CustomerID")
    group_of = pd.Series(["GZ", "B1", "GZ", "A1"], index=ids)
    names = pd.Series({"Z1": "Zeta One", "B1": "Beta", "Z2": "Zeta Two", "A1": "Alpha"})
    profit = pd.DataFrame({"NetRevenue": [60.0, 50.0, 40.0, 100.0], "GrossProfit": [6.0, 5.0, 4.0, 10.0],
                           "NetProfit": [1.0, 2.0, 3.0, 4.0]}, index=ids)
    ar = pd.DataFrame({"OpenBalance": [10.0, 80.0, 20.0, 0.0], "Overdue1_30": [0.0, 30.0, 5.0, 0.0],
                       "Overdue90Plus": [1.0, 20.0, np.nan, 0.0]}, index=ids)
    limit = pd.Series({"Z1": np.nan, "B1": 100.0, "Z2": 50.0, "A1": 0.0})
    table = group_exposure(group_of, names, profit, ar, limit, ["Overdue1_30", "Overdue90Plus"], 2)
    assert list(table.columns[:3]) == ["ParentID", "GroupName", "Customers"]
    out = table.set_index("ParentID")
    assert out.index.tolist() == ["GZ", "A1", "B1"]
    assert out.loc["GZ", ["Customers", "NetRevenue", "GrossProfit", "NetProfit", "OpenBalance"]].tolist() == \
        [2, 100.0, 10.0, 4.0, 30.0]
    assert np.isnan(out.loc["GZ", "OverdueBalance"]) and np.isnan(out.loc["GZ", "Overdue90Plus"])
    assert np.isnan(out.loc["GZ", "CreditLimit"]) and np.isnan(out.loc["GZ", "CreditUtilization"])   # Z1's unknown
    assert out.loc["B1", ["OverdueBalance", "Overdue90Plus", "CreditLimit", "CreditUtilization"]].tolist() == \
        [50.0, 20.0, 100.0, 0.8]
    assert out.loc["B1", "GroupName"] == "Beta" and pd.isna(out.loc["GZ", "GroupName"])
    assert out["RevenueShare"].tolist() == [0.4, 0.4, 0.2]
    bare = group_exposure(group_of, names, profit.assign(NetRevenue=[60.4, 50.0, 40.4, 100.0]), None, limit,
                          ["Overdue1_30", "Overdue90Plus"], 0)   # in yen: GZ's 100.8 is 101
    assert bare[["OpenBalance", "OverdueBalance", "Overdue90Plus", "CreditUtilization"]].isna().all().all()
    assert bare.set_index("ParentID").loc["GZ", "NetRevenue"] == 101.0
    # Many ties: largest first, ties in the order the groups first appear (a stable sort), whatever their names.
    many = pd.Index([f"C{i:02d}" for i in range(40)][::-1], name="CustomerID")
    revenue = [float((i % 3) * 100) for i in range(40)]
    wide = group_exposure(pd.Series(many, index=many), pd.Series(dtype=object),
                          pd.DataFrame({"NetRevenue": revenue, "GrossProfit": revenue, "NetProfit": revenue},
                                       index=many),
                          None, pd.Series(dtype=float), ["Overdue1_30"], 2)
    assert wide["ParentID"].tolist() == [many[i] for i in sorted(range(40), key=lambda i: -revenue[i])]
