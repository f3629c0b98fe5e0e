"""Small direct checks of the domain helpers, added where mutation testing
(`make mutation`, docs/TESTING.md) showed a changed line that no other test
noticed. Every expected value is worked out by hand in the comment beside it."""
import numpy as np
import pandas as pd

from kam_xl.contract import bucket_names


def test_bucket_names_follow_the_limits():
    assert bucket_names((30, 60, 90)) == ["NotDue", "Overdue1_30", "Overdue31_60", "Overdue61_90", "Overdue90Plus"]
    assert bucket_names((15, 45)) == ["NotDue", "Overdue1_15", "Overdue16_45", "Overdue45Plus"]


def test_abc_default_cut_offs_and_missing_basis():
    from kam_xl.domain.classification import abc_tiers
    # default ShareA 0.80 / ShareB 0.95: above X 0 -> A, Y 0.80 -> B, Z 0.95 -> C
    out = abc_tiers(pd.Series({"X": 80, "Y": 15, "Z": 5}))
    assert out.ABCTier.to_dict() == {"X": "A", "Y": "B", "Z": "C"}
    # a missing basis counts as 0: C with basis 0, share 0
    out = abc_tiers(pd.Series({"X": 10.0, "Y": np.nan}))
    assert out.loc["Y", "ABCBasisValue"] == 0.0 and out.loc["Y", "ABCTier"] == "C"
    assert out.ABCShare.to_dict() == {"X": 1.0, "Y": 0.0}


def test_abc_shares_when_nothing_or_little_is_positive():
    from kam_xl.domain.classification import abc_tiers
    none = abc_tiers(pd.Series({"X": 0.0, "Y": -5.0}))       # no positive basis: shares 0, not 0/0
    assert none.ABCShare.tolist() == [0.0, 0.0] and none.ABCTier.tolist() == ["C", "C"]
    small = abc_tiers(pd.Series({"X": 0.25, "Y": 0.25}))     # total 0.5: still shares of it
    assert small.ABCShare.tolist() == [0.5, 0.5] and small.ABCTier.tolist() == ["A", "A"]
