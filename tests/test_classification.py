"""Classification: ABC tiers, RFM scores and segments, the portfolio quadrant and Segments; worked out by hand."""
import numpy as np
import pandas as pd
import pytest

D = pd.Timestamp


def test_rfm_score_ranks_ties_and_missing():
    from kam_xl.domain.classification import rfm_score
    values = pd.Series({"a": 10.0, "b": 20.0, "c": 20.0, "d": np.nan, "e": 5.0})
    # higher is better: missing -> -inf rank 1; 5 -> 2; 10 -> 3; 20, 20 -> both 5 (max); n = 5: score = rank
    assert rfm_score(values).to_dict() == {"a": 3, "b": 5, "c": 5, "d": 1, "e": 2}
    # lower is better (recency): keys -10, -20, -20, -inf, -5 -> ranks 4, 3, 3, 1, 5
    assert rfm_score(values, higher_is_better=False).to_dict() == {"a": 4, "b": 3, "c": 3, "d": 1, "e": 5}
    # n = 7, ranks 1..7: ceil(5 r / 7) = 1, 2, 3, 3, 4, 5, 5
    seven = rfm_score(pd.Series([1.0, 2, 3, 4, 5, 6, 7]))
    assert seven.tolist() == [1, 2, 3, 3, 4, 5, 5] and seven.dtype == np.int64
    assert rfm_score(pd.Series([2.0, 1.0])).tolist() == [5, 3]              # ceil(5 x 2/2), ceil(5 x 1/2)
    empty = rfm_score(pd.Series([], dtype="float64"))
    assert len(empty) == 0 and empty.dtype == np.int64


def test_rfm_documents_returns_and_recency():
    from kam_xl.domain.classification import rfm
    sales = pd.DataFrame([
        (D("2026-02-01"), "A", "D1", 100.0),
        (D("2026-02-03"), "A", "D1", -20.0),     # same document: 80, dated 02-03
        (D("2026-05-01"), "A", "D2", 50.0),
        (D("2026-05-02"), "A", "D2", -50.0),     # fully returned: not a purchase
        (D("2026-06-30"), "A", None, 10.0),      # no DocumentNo: one document for the day, on AsOfDate
        (D("2026-07-05"), "A", "D9", 500.0),     # after AsOfDate: ignored
        (D("2025-12-20"), "B", "D3", 40.0),      # before the period: recency only
    ], columns=["Date", "CustomerID", "DocumentNo", "NetRevenue"])
    out = rfm(sales, pd.Index(["A", "B", "C"]), D("2026-06-30"), D("2026-01-01"), D("2026-06-30"), 2)
    # Recency: A 0 days; B 2025-12-20 -> 2026-06-30 = 11 + 181 = 192; C none
    assert out.Recency.tolist()[:2] == [0.0, 192.0] and np.isnan(out.Recency["C"])
    # A: D1 and the 06-30 document
    assert out.Frequency.to_dict() == {"A": 2, "B": 0, "C": 0} and out.Frequency.dtype == np.int64
    assert out.Monetary.to_dict() == {"A": 90.0, "B": 0.0, "C": 0.0}      # 100 - 20 + 50 - 50 + 10
    # n = 3. R keys 0, -192, -inf -> ranks 3, 2, 1 -> 5, 4, 2; F 2, 0, 0 -> ranks 3, 2, 2 -> 5, 4, 4; M likewise
    assert out.RScore.to_dict() == {"A": 5, "B": 4, "C": 2}
    assert out.FScore.to_dict() == {"A": 5, "B": 4, "C": 4}
    assert out.MScore.to_dict() == {"A": 5, "B": 4, "C": 4}
    # A: R 5, FM 5 -> Champions; B: R 4, FM 4 -> Loyal Customers; C never bought
    assert out.RFMSegment.to_dict() == {"A": "Champions", "B": "Loyal Customers", "C": "No Purchases"}


def test_rfm_segment_rounds_fm_half_up():
    from kam_xl.domain.classification import rfm_segment
    idx = ["p", "q", "r"]
    out = rfm_segment(pd.Series([1, 5, 3], index=idx), pd.Series([2, 1, 5], index=idx),
                      pd.Series([3, 1, 5], index=idx), pd.Series([True, True, False], index=idx))
    # p: FM (2 + 3)/2 = 2.5 -> 3, R 1 -> At Risk; q: FM 1, R 5 -> New Customers; r: no purchase
    assert out.to_dict() == {"p": "At Risk", "q": "New Customers", "r": "No Purchases"}


def test_portfolio_quadrant_all_four_and_unknown_profit():
    from kam_xl.domain.classification import portfolio_quadrant
    net = pd.Series({"A": 10.0, "B": 20.0, "C": 30.0, "D": 40.0, "E": np.nan, "F": 5.0})
    pot = pd.Series({"A": 50.0, "B": 50.0, "C": 10.0, "D": np.nan, "E": 90.0, "F": 0.0})
    # percentile of the 5 known NetProfits: F 20, A 40, B 60, C 80, D 100
    out = portfolio_quadrant(net, pot)
    assert pd.isna(out["E"])                                             # NetProfit unknown: no quadrant
    assert out.drop("E").to_dict() == {"A": "Develop", "B": "Strategic", "C": "Maintain", "D": "Maintain",
                                       "F": "Streamline"}


def test_segments_totals_blank_label_and_unknown_parts():
    from kam_xl.domain.classification import segments
    customers = pd.DataFrame({"CustomerID": ["A", "B", "C"], "Industry": ["Retail", "Retail", None],
                              "Size": ["Large", "Small", "Small"], "Region": ["East", "East", "West"]})
    profit = pd.DataFrame({"NetRevenue": [100.004, 50.0, -10.0], "GrossProfit": [40.0, np.nan, -5.0],
                           "NetProfit": [20.0, 10.0, -8.0]}, index=["A", "B", "C"])
    out = segments(customers, profit)
    assert list(out.columns) == ["Dimension", "Segment", "Customers", "NetRevenue", "GrossProfit", "NetProfit",
                                 "RevenueShare", "GrossMarginPct"]
    assert list(zip(out.Dimension, out.Segment.fillna("—"))) == [
        ("Industry", "Retail"), ("Industry", "—"), ("Size", "Large"), ("Size", "Small"),
        ("Region", "East"), ("Region", "West")]       # by NetRevenue, largest first; a blank segment stays empty
    assert out.Customers.tolist() == [2, 1, 1, 2, 2, 1]
    assert out.NetRevenue.tolist() == pytest.approx([150.0, -10.0, 100.0, 40.0, 150.0, -10.0], abs=1e-9)
    assert out.NetProfit.tolist() == pytest.approx([30.0, -8.0, 20.0, 2.0, 30.0, -8.0])
    # GrossProfit unknown for B: Retail, Small and East totals are empty
    assert out.GrossProfit.isna().tolist() == [True, False, False, True, True, False]
    # RevenueShare on the total NetRevenue 140.004; GrossMarginPct only where NetRevenue > 0 and GP known
    assert out.RevenueShare.tolist() == pytest.approx([150.0 / 140.004, -10 / 140.004, 100 / 140.004,
                                                      40 / 140.004, 150 / 140.004, -10 / 140.004])
    assert out.GrossMarginPct.isna().tolist() == [True, True, False, True, True, True]
    assert out.GrossMarginPct[2] == pytest.approx(0.4)
    other = segments(customers, profit, decimals=3)
    assert pd.isna(other.Segment[1]) and other.NetRevenue[0] == pytest.approx(150.004, abs=1e-9)
    losing = segments(customers, profit.assign(NetRevenue=[-1.0, -2.0, -3.0]))
    assert losing.RevenueShare.isna().all()                             # total NetRevenue <= 0: no shares


def test_abc_tiers_order_cut_offs_and_custom_shares():
    from kam_xl.domain.classification import abc_tiers
    basis = pd.Series({"b": 30.0, "a": 30.0, "c": 40.0, "d": -5.0})
    out = abc_tiers(basis, share_a=0.5, share_b=0.75)
    # order c 40, then the tie a before b, then d; positive total 100
    assert list(out.index) == ["c", "a", "b", "d"]
    assert out.ABCShare.tolist() == pytest.approx([0.4, 0.3, 0.3, 0.0])
    assert out.ABCCumulativeShare.tolist() == pytest.approx([0.4, 0.7, 1.0, 1.0])
    # above: 0 < 0.5 A; 0.4 < 0.5 A; 0.7 < 0.75 B; d has basis <= 0 -> C
    assert out.ABCTier.tolist() == ["A", "A", "B", "C"]
    assert out.ABCBasisValue.tolist() == [40.0, 30.0, 30.0, -5.0]


def test_rfm_zero_and_small_documents():
    from kam_xl.domain.classification import rfm, rfm_score
    sales = pd.DataFrame([
        (D("2025-12-20"), "B", "D3", 40.0),
        (D("2026-01-10"), "B", "D4", 30.0),
        (D("2026-01-11"), "B", "D4", -30.0),     # D4 nets to 0: no purchase, for recency or frequency
        (D("2026-06-01"), "E", "D5", 0.5),       # a small purchase is a purchase
    ], columns=["Date", "CustomerID", "DocumentNo", "NetRevenue"])
    out = rfm(sales, pd.Index(["B", "E"]), D("2026-06-30"), D("2026-01-01"), D("2026-06-30"), 2)
    assert out.Recency.to_dict() == {"B": 192.0, "E": 29.0}              # 12-20 -> 06-30; 06-01 -> 06-30
    assert out.Frequency.to_dict() == {"B": 0, "E": 1}
    assert rfm_score(pd.Series([3.0])).tolist() == [5]                   # one customer: rank 1 of 1 -> 5


def test_a_document_or_day_returned_in_full_is_no_purchase_whatever_the_float_residue():
    """0.1 + 0.2 - 0.3 is 2.8e-17 in binary floating point, not 0 (even added exactly: the three doubles are
    not the decimals). Summed to the fen, the document and the day are 0: no purchase. Before the rounding,
    both counted, and how the lines were grouped first could change the count."""
    from kam_xl.domain.classification import rfm
    from kam_xl.domain.potential import purchase_history
    sales = pd.DataFrame([
        (D("2026-02-01"), "A", "D1", 100.0),     # A's first purchase
        (D("2026-03-01"), "A", "D2", 0.1),       # D2, one day: 0.1 + 0.2 - 0.3 = 0
        (D("2026-03-01"), "A", "D2", 0.2),
        (D("2026-03-01"), "A", "D2", -0.3),
        (D("2026-04-01"), "A", "D3", 0.5),       # a small purchase is a purchase
    ], columns=["Date", "CustomerID", "DocumentNo", "NetRevenue"])
    assert sales["NetRevenue"].iloc[1:4].sum() > 0   # the residue the rounding removes
    out = rfm(sales, pd.Index(["A"]), D("2026-06-30"), D("2026-01-01"), D("2026-06-30"), 2)
    assert out.loc["A", "Frequency"] == 2 and out.loc["A", "Recency"] == 90.0   # D1 and D3; 04-01 -> 06-30
    assert out.loc["A", "Monetary"] == 100.5
    history = purchase_history(sales, pd.Index(["A"]), D("2026-06-30"), 2).loc["A"]
    assert history[["Frequency", "RecencyDays"]].tolist() == [1.0, 59.0]   # 02-01 and 04-01, not 03-01
    # In yen (no minor unit) each document and day is summed to the whole yen: 100.4 is 100, 0.4 is 0.
    yen = pd.DataFrame([(D("2026-02-01"), "A", "D1", 100.4), (D("2026-03-01"), "A", "D2", 0.4)],
                       columns=["Date", "CustomerID", "DocumentNo", "NetRevenue"])
    out = rfm(yen, pd.Index(["A"]), D("2026-06-30"), D("2026-01-01"), D("2026-06-30"), 0)
    assert out.loc["A", "Monetary"] == 101.0 and out.loc["A", "Frequency"] == 1   # 100.8 yen; D2 is 0 yen: no purchase
    assert purchase_history(yen, pd.Index(["A"]), D("2026-06-30"), 0).loc["A", "MeanValue"] == 100.0


def test_lines_without_a_document_number_are_one_document_per_day_a_century_apart_too():
    """F's lines have no DocumentNo: each date is its own document. A sale in 1926 and a return in 2026 are
    two documents (a two-digit year would make them one, netting 50 and dated 2026): the last purchase is
    the 1926 one, 36,646 days before AsOfDate."""
    from kam_xl.domain.classification import rfm
    sales = pd.DataFrame([(D("1926-03-01"), "F", None, 100.0), (D("2026-03-01"), "F", None, -50.0)],
                         columns=["Date", "CustomerID", "DocumentNo", "NetRevenue"])
    out = rfm(sales, pd.Index(["F"]), D("2026-06-30"), D("2026-01-01"), D("2026-06-30"), 2)
    assert out.loc["F", "Recency"] == (D("2026-06-30") - D("1926-03-01")).days == 36_646


def test_segments_ties_and_zero_or_small_total_revenue():
    from kam_xl.domain.classification import segments
    customers = pd.DataFrame({"CustomerID": ["A", "B"], "Industry": ["Steel", "Retail"],
                              "Size": ["Small", "Large"], "Region": ["West", "East"]})
    zero = segments(customers, pd.DataFrame({"NetRevenue": [10.0, -10.0], "GrossProfit": [1.0, 1.0],
                                             "NetProfit": [1.0, 1.0]}, index=["A", "B"]))
    assert zero.RevenueShare.isna().all()                                # total 0: no shares (not 10/0)
    small = segments(customers, pd.DataFrame({"NetRevenue": [0.25, 0.25], "GrossProfit": [0.1, 0.1],
                                              "NetProfit": [0.1, 0.1]}, index=["A", "B"]))
    assert small.RevenueShare.tolist() == [0.5] * 6                      # 0.25 / 0.5
    # equal NetRevenue: segments keep the order in which they first appear (Steel before Retail)
    assert small.Segment.tolist() == ["Steel", "Retail", "Small", "Large", "West", "East"]


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
