"""Strategy: churn risk, the action flags and their words, effort shares, wallet headroom; worked out by hand."""
import numpy as np
import pandas as pd
import pytest

def test_churn_risk_only_a_and_b_below_one_half():
    from kam_xl.domain.strategy import churn_risk
    tiers = pd.Series({"P": "A", "Q": "B", "R": "B", "S": "C", "T": "A"})
    p_alive = pd.Series({"P": 0.4, "Q": 0.3, "R": 0.5, "S": 0.1, "T": np.nan})
    # A 0.4 < 0.5 yes; B 0.3 yes; B exactly 0.5 no; C never; unknown PAlive no
    assert churn_risk(tiers, p_alive).to_dict() == {"P": True, "Q": True, "R": False, "S": False, "T": False}


def test_action_flags_thresholds_and_boolean_result():
    from kam_xl.domain.strategy import action_flags
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
    assert all(dtype == np.dtype(bool) for dtype in flags.dtypes)
    # The flag names are the action keys the words catalogues translate (action.churn_alert ...).
    assert list(flags.columns) == ["loss_making", "overdue_oldest", "over_limit", "churn_alert", "cadence_breached",
                                   "follow_up_overdue", "revenue_decline", "low_satisfaction", "wallet_headroom"]
    assert flags.loc["X"].all()                   # every flag on for X
    assert not flags.loc["Y"].any()               # every boundary value of Y is not flagged


def test_action_flags_without_optional_tables():
    from kam_xl.domain.strategy import action_flags
    # no receivables, relationship, prior period, model or wallet columns: only loss_making can be on
    flags = action_flags(pd.DataFrame({"NetProfit": [-1.0, 2.0]}, index=["X", "Y"]), None)
    assert flags.loss_making.tolist() == [True, False]
    assert not flags.drop(columns="loss_making").to_numpy().any()
    assert all(dtype == np.dtype(bool) for dtype in flags.dtypes) and list(flags.index) == ["X", "Y"]


def test_action_flags_unknown_relationship_flags_are_off():
    from kam_xl.domain.strategy import action_flags
    # a customer with no relationship row has CadenceBreached/FollowUpOverdue missing: not flagged
    frame = pd.DataFrame({"NetProfit": [1.0, 1.0], "CadenceBreached": [np.nan, True],
                          "FollowUpOverdue": [np.nan, True]}, index=["X", "Y"])
    flags = action_flags(frame, None)
    assert flags.cadence_breached.tolist() == [False, True]
    assert flags.follow_up_overdue.tolist() == [False, True]


LOSS_EN = "Loss-making: reprice or cut cost-to-serve"            # i18n table, action.loss_making


LOSS_ZH = "亏损：重新定价或降低服务成本"


def test_actions_keys_then_words_separator_and_days():
    from kam_xl.domain.strategy import actions
    from kam_xl.render.localize import actions_text
    flags = pd.DataFrame({"loss_making": [True, False], "overdue_oldest": [True, False]}, index=["X", "Y"])
    out = actions(flags)                                               # the core hands over keys, in flag order
    assert out.to_dict() == {"X": "loss_making,overdue_oldest", "Y": ""}
    assert actions_text(out["X"], 60, "en") == LOSS_EN + "; Over 60 days overdue: tighten credit and chase payment"
    assert actions_text(out["X"], 60, "zh-CN") == LOSS_ZH + "；逾期超过60天：收紧信用并催收"        # full-width ;
    assert actions_text(out["Y"], 60, "en") == ""


def test_effort_shares_without_contacts_or_weight():
    from kam_xl.domain.strategy import effort_shares
    ids = ["X", "Y"]
    # contacts 1 and 3 of 4 -> 0.25, 0.75; NetProfit 10 < 20 -> percentile 50, 100;
    # PotentialScore missing (0) and 50 -> weights (50 + 0)/2 = 25 and (100 + 50)/2 = 75 -> 0.25, 0.75
    out = effort_shares(pd.Series([1.0, 3.0], index=ids), pd.Series([10.0, 20.0], index=ids),
                        pd.Series([np.nan, 50.0], index=ids))
    assert out.CurrentEffortShare.tolist() == [0.25, 0.75]
    assert out.SuggestedEffortShare.tolist() == [0.25, 0.75]
    # no contacts at all and nothing known about value or potential: both shares empty, not 0/0
    none = effort_shares(pd.Series([0.0, 0.0], index=ids), pd.Series([np.nan, np.nan], index=ids),
                         pd.Series([np.nan, np.nan], index=ids))
    assert none.isna().all().all() and list(none.columns) == ["CurrentEffortShare", "SuggestedEffortShare"]


def test_strategy_table_without_contacts_and_in_chinese():
    from kam_xl.words import text
    from kam_xl.domain.strategy import strategy
    joined = pd.DataFrame({"PortfolioQuadrant": ["Develop", None], "NetProfit": [-1.0, np.nan],
                           "PotentialScore": [60.0, np.nan]}, index=["X", "Y"])
    out = strategy(joined, None)
    assert list(out.columns) == ["PortfolioQuadrant", "RecommendedStrategy", "Actions",
                                 "CurrentEffortShare", "SuggestedEffortShare"]
    assert out.PortfolioQuadrant.tolist()[0] == "Develop" and pd.isna(out.PortfolioQuadrant["Y"])
    # the strategy's key is its quadrant; the words come at the edge
    assert out.RecommendedStrategy["X"] == "Develop" and pd.isna(out.RecommendedStrategy["Y"])
    assert text("strategy.Develop", "zh-CN").startswith("培育发展")
    assert out.Actions.to_dict() == {"X": "loss_making", "Y": ""}
    assert out.CurrentEffortShare.isna().all()                        # no Contacts column: no contacts at all
    # X: percentile of NetProfit 100 (the only known), PotentialScore 60 -> 80; Y: 0 -> shares 1, 0
    assert out.SuggestedEffortShare.tolist() == [1.0, 0.0]


def test_strategy_table_with_contacts_and_oldest_bucket():
    from kam_xl.domain.strategy import strategy
    joined = pd.DataFrame({"PortfolioQuadrant": ["Maintain", "Streamline"], "NetProfit": [5.0, 1.0],
                           "PotentialScore": [0.0, 0.0], "Contacts": [3, 1], "Overdue60Plus": [10.0, 0.0]},
                          index=["X", "Y"])
    out = strategy(joined, "Overdue60Plus")
    assert out.Actions.to_dict() == {"X": "overdue_oldest", "Y": ""}
    assert out.CurrentEffortShare.tolist() == [0.75, 0.25]                 # 3 and 1 of 4 contacts
    # NetProfit 5 > 1 -> percentile 100 and 50, PotentialScore 0 -> weights 50 and 25 -> 2/3, 1/3
    assert out.SuggestedEffortShare.tolist() == pytest.approx([2 / 3, 1 / 3])


def test_effort_shares_of_one_contact_and_small_weights():
    from kam_xl.domain.strategy import effort_shares
    ids = ["X", "Y"]
    # one contact in all: X has it all; NetProfit unknown, PotentialScore 0.5 each -> weights 0.25 each -> 1/2
    out = effort_shares(pd.Series([1.0, 0.0], index=ids), pd.Series([np.nan, np.nan], index=ids),
                        pd.Series([0.5, 0.5], index=ids))
    assert out.CurrentEffortShare.tolist() == [1.0, 0.0]
    assert out.SuggestedEffortShare.tolist() == [0.5, 0.5]


def test_wallet_headroom_flag_against_negative_revenue():
    from kam_xl.domain.strategy import action_flags
    # no headroom (0) and NetRevenue -5 (clipped to 0): 0 > 0 is false -> not flagged
    frame = pd.DataFrame({"NetProfit": [1.0], "WalletHeadroom": [0.0], "NetRevenue": [-5.0]}, index=["X"])
    assert not action_flags(frame, None).wallet_headroom["X"]
