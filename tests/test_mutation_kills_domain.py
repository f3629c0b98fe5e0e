"""Direct checks added where mutation testing (`make mutation`, docs/TESTING.md) showed a changed
line in the domain run that no other test noticed. Every expected value is worked out by hand in the
comment beside it."""
import numpy as np
import pandas as pd
import pytest

D = pd.Timestamp
NaT = pd.NaT


# ----- relationship ------------------------------------------------------------------------

def _contacts(rows):
    frame = pd.DataFrame(rows, columns=["Date", "CustomerID", "Satisfaction", "Feedback", "NextFollowUp"])
    frame["_row"] = range(len(frame))
    return frame


def test_relationship_contact_on_as_of_date_and_follow_up_boundaries():
    from kam_xl.relationship import relationship
    as_of, start, end = D("2026-06-30"), D("2026-01-01"), D("2026-06-30")
    contacts = _contacts([
        # X: an old contact whose follow-up (04-01) is past, then a contact ON AsOfDate: it counts
        # (Date <= AsOfDate), so LastContact is 06-30, 0 days ago, 2 contacts, follow-up answered.
        (D("2026-03-01"), "X", 4, None, D("2026-04-01")),
        (D("2026-06-30"), "X", 2, None, NaT),
        # Y: follow-up due exactly on AsOfDate: not yet overdue ("before AsOfDate" only).
        (D("2026-06-10"), "Y", 5, "fine", D("2026-06-30")),
        # Z: follow-up on the contact's own day: a contact came on the follow-up date -> not overdue.
        (D("2026-05-15"), "Z", 3, None, D("2026-05-15")),
    ])
    tiers = pd.Series({"X": "A", "Y": "B", "Z": "C"})
    out = relationship(contacts, tiers, {"A": 30, "B": 60, "C": 90}, as_of, start, end)
    assert out.LastContact.to_dict() == {"X": D("2026-06-30"), "Y": D("2026-06-10"), "Z": D("2026-05-15")}
    # 06-30 - 06-30 = 0; 06-30 - 06-10 = 20; 05-15 -> 05-31 is 16, + 30 June days = 46
    assert out.DaysSinceContact.to_dict() == {"X": 0.0, "Y": 20.0, "Z": 46.0}
    assert out.Contacts.to_dict() == {"X": 2, "Y": 1, "Z": 1}
    assert out.Contacts.dtype == np.int64                                  # a count, never 2.0
    assert out.AvgSatisfaction.to_dict() == {"X": (4 + 2) / 2, "Y": 5.0, "Z": 3.0}
    assert out.FollowUpOverdue.tolist() == [False, False, False]
    assert out.CadenceBreached.tolist() == [False, False, False]           # 0 <= 30, 20 <= 60, 46 <= 90


# ----- risk --------------------------------------------------------------------------------

def test_revenue_shares_only_positive_revenue_and_small_totals():
    from kam_xl.risk import revenue_shares
    # positive: A 0.25, B 0.5 (C 0 and D -1 have no share); total 0.75 -> B 0.5/0.75 = 2/3, A 1/3
    shares = revenue_shares(pd.Series({"A": 0.25, "B": 0.5, "C": 0.0, "D": -1.0}))
    assert list(shares.index) == ["B", "A"]
    assert shares.tolist() == pytest.approx([2 / 3, 1 / 3], abs=1e-12)


def _summary(frame):
    return dict(zip(frame.Metric, frame.Value))


def test_risk_summary_eleven_customers_limits_and_rounding_to_the_minor_unit():
    from kam_xl.risk import risk_summary
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
    from kam_xl.risk import risk_summary
    ids = ["A", "B"]
    out = _summary(risk_summary(pd.Series([10.0, 30.0], index=ids), pd.Series([-1.0, np.nan], index=ids),
                                pd.Series([1.234, 0.0], index=ids), None, pd.Series([False, False], index=ids)))
    assert out["Top1Share"] == pytest.approx(0.75)              # 30 / 40
    assert out["Overdue90PlusBalance"] == pytest.approx(1.23, abs=1e-12)   # 2 decimals by default
    assert np.isnan(out["CustomersOverLimit"])                  # no credit data
    # B's NetProfit is unknown: the loss makers cannot be counted or summed
    assert np.isnan(out["LossMakingCustomers"]) and np.isnan(out["LossMakingNetProfit"])


# ----- profitability -----------------------------------------------------------------------

def test_financing_cost_rounded_to_the_minor_unit():
    from kam_xl.profitability import financing_cost
    ar = pd.Series({"A": 1000.0})
    # 1000 x 0.10 x 181 / 365 = 18100 / 365 = 49.5890...
    assert financing_cost(ar, 0.10, 181)["A"] == pytest.approx(49.59, abs=1e-9)            # 2 decimals by default
    assert financing_cost(ar, 0.10, 181, decimals=0)["A"] == 50.0                          # JPY: whole yen
    assert financing_cost(ar, 0.10, 181, decimals=3)["A"] == pytest.approx(49.589, abs=1e-9)


# ----- strategy ----------------------------------------------------------------------------

def test_churn_risk_only_a_and_b_below_one_half():
    from kam_xl.strategy import churn_risk
    tiers = pd.Series({"P": "A", "Q": "B", "R": "B", "S": "C", "T": "A"})
    p_alive = pd.Series({"P": 0.4, "Q": 0.3, "R": 0.5, "S": 0.1, "T": np.nan})
    # A 0.4 < 0.5 yes; B 0.3 yes; B exactly 0.5 no; C never; unknown PAlive no
    assert churn_risk(tiers, p_alive).to_dict() == {"P": True, "Q": True, "R": False, "S": False, "T": False}


def test_action_flags_thresholds_and_boolean_result():
    from kam_xl.strategy import action_flags
    frame = pd.DataFrame({
        "NetProfit":         [-0.01, 0.0],
        "Overdue90Plus":     [0.006, 0.005],     # more than half a minor unit flags; exactly 0.005 does not
        "CreditUtilization": [1.01, 1.0],        # over the limit only above 1
        "ABCTier":           ["B", "A"],
        "PAlive":            [0.49, 0.5],
        "CadenceBreached":   [True, False],
        "FollowUpOverdue":   [True, False],
        "GrowthRate":        [-0.21, -0.20],     # a decline of MORE than 20 %
        "AvgSatisfaction":   [2.9, 3.0],         # below 3
        "WalletHeadroom":    [0.01, 0.0],        # headroom above NetRevenue (clipped at 0)
        "NetRevenue":        [-5.0, 0.0],
    }, index=["X", "Y"])
    flags = action_flags(frame, "Overdue90Plus")
    assert (flags.dtypes == bool).all()
    assert flags.loc["X"].all()                   # every flag on for X
    assert not flags.loc["Y"].any()               # every boundary value of Y is not flagged


def test_action_flags_without_optional_tables():
    from kam_xl.strategy import action_flags
    # no receivables, relationship, prior period, model or wallet columns: only loss_making can be on
    flags = action_flags(pd.DataFrame({"NetProfit": [-1.0, 2.0]}, index=["X", "Y"]), None)
    assert flags.loss_making.tolist() == [True, False]
    assert not flags.drop(columns="loss_making").to_numpy().any()
    assert (flags.dtypes == bool).all() and list(flags.index) == ["X", "Y"]
