"""Every column of every output table against hand arithmetic (tests/oracle_book.py).

Each expected value is derived here from the definitions in docs/DEFINITIONS.md, not from the
code's output: money with pytest.approx(abs=0.01), counts, tiers, scores and
flags exactly. Period 2025-07-01 .. 2026-06-30 = 365 days, so FinancingCost =
AverageAR x 0.06 and annualising is x 1.
"""
import math
import os
import re

import numpy as np
import pandas as pd
import pytest
from oracle_book import oracle_book

from kam_xl import analyze
from kam_xl.inputs.reader import inputs_from_frames
from kam_xl.words import text

# `make mutation` sets KAM_XL_FRESH_FIXTURES: mutmut picks the tests to run for a mutant by which
# tests called the mutated function, so every test must call analyze() itself there.
FIXTURE_SCOPE = "function" if os.environ.get("KAM_XL_FRESH_FIXTURES") else "module"

D = pd.Timestamp
IDS = [f"C{i:02d}" for i in range(1, 11)]


def money(value):
    return pytest.approx(value, abs=0.01)


def ratio(value):
    return pytest.approx(value, rel=1e-6, abs=1e-9)


@pytest.fixture(scope=FIXTURE_SCOPE)
def results():
    return analyze(inputs_from_frames(oracle_book()))


def table(results, name):
    return results[name].set_index("CustomerID")


def column(results, name, col):
    return table(results, name)[col].reindex(IDS)


def assert_column(actual: pd.Series, expected: dict, kind):
    """expected: CustomerID -> value (None = blank)."""
    for cid, want in expected.items():
        got = actual.loc[cid]
        if want is None:
            assert pd.isna(got), f"{actual.name}[{cid}] should be blank, is {got!r}"
        else:
            assert not pd.isna(got), f"{actual.name}[{cid}] is blank, expected {want!r}"
            assert got == kind(want), f"{actual.name}[{cid}]: {got!r} != {want!r}"


def exact(v):
    return v


# ----- hand figures shared by several tables ------------------------------------------------
# Period sales (NetRevenue, COGS) per customer; returns net, C07's return exceeds its sales.
REVENUE = {"C01": 4 * 800 + 800, "C02": 4 * 1000, "C03": 400 + 400 + 200, "C04": 300 + 200, "C05": 150 + 150,
           "C06": 100 + 50, "C07": 60 + 40 - 300, "C08": 0, "C09": 50, "C10": 0}
COGS = {"C01": 5 * 400, "C02": 4 * 600, "C03": 300 + 300 + 150, "C04": 150 + 100, "C05": 200, "C06": 50 + 25,
        "C07": 36 + 24 - 180, "C08": 0, "C09": 20, "C10": 0}
GP = {k: REVENUE[k] - COGS[k] for k in IDS}
# Activities in the period: C01 2 visits (PeriodStart) + rebate 100, C07 5 orders, C09 1 visit (AsOfDate).
CTS = {"C01": 2 * 100 + 100, "C02": 0, "C03": 0, "C04": 0, "C05": 0, "C06": 0, "C07": 5 * 10, "C08": 0,
       "C09": 1 * 100, "C10": 0}
# AverageAR = (AR at 2025-06-30 + AR at 2026-06-30) / 2
AVG_AR = {"C01": (0 + 1270) / 2,            # all seven invoices in 2026
          "C02": (600 + 2000) / 2,           # J1 open at 2025-06-30 (J0 paid); J3 open at the end
          "C10": (-500 + -500) / 2}          # prepayment on 2025-06-01
FIN = {k: AVG_AR.get(k, 0.0) * 0.06 * 365 / 365 for k in IDS}
NP = {k: GP[k] - CTS[k] - FIN[k] for k in IDS}
# NP: C01 1661.9, C02 1522, C03 250, C04 250, C05 100, C06 75, C07 -130, C08 0, C09 -70, C10 30
# Percentile rank of NetProfit (average ties): ascending C07 C09 C08 C10 C06 C05 (C03 C04) C02 C01
VALUE_PCT = {"C07": 10, "C09": 20, "C08": 30, "C10": 40, "C06": 50, "C05": 60, "C03": 75, "C04": 75,
             "C02": 90, "C01": 100}
PRIOR_REVENUE = {"C01": 2000, "C02": 4000, "C04": 1000, "C06": 100, "C08": 500}
S12 = sum(1.1 ** (-m / 12) for m in range(1, 13))          # monthly discount factors, 12 months at 10 %
# Run-rate potential: (x + 1 purchase days, AgeDays, mean purchase-day value); purchase days are all history.
RUN = {"C01": (6, 729, 6000 / 6),      # 2024-07-01 .. 2026-06-30
       "C02": (5, 486, 8000 / 5),      # 2025-03-01 ..
       "C03": (3, 202, 1000 / 3),      # 2025-12-10 ..
       "C04": (3, 637, 1500 / 3),      # 2024-10-01 ..
       "C05": (2, 211, 300 / 2),       # 2025-12-01 ..
       "C06": (3, 365, 250 / 3),       # 2025-06-30 ..
       "C07": (2, 302, 100 / 2),       # 2025-09-01; the return day is not a purchase day
       "C08": (1, 486, 500.0),         # 2025-03-01 only
       "C09": (1, 150, 50.0)}          # 2026-01-31 only


def clv(cid):
    days, age, value = RUN[cid]
    margin = GP[cid] / REVENUE[cid]
    return days / age * (365.25 / 12) * S12 * value * margin


# Percentile ranks of the PotentialScore parts (PAlive is empty without a fitted model):
# CLV among the 7 with a margin: C09 < C06 < C05 < C04 < C03 < C01 < C02 -> k/7
CLV_PCT = {"C09": 100 / 7, "C06": 200 / 7, "C05": 300 / 7, "C04": 400 / 7, "C03": 500 / 7, "C01": 600 / 7, "C02": 100.0}
GROWTH_PCT = {"C08": 20, "C04": 40, "C02": 60, "C06": 80, "C01": 100}          # -1, -0.5, 0, 0.5, 1
INDUSTRY_PCT = {"Steel": 20, "Chemicals": 50, "Retail": 85}                      # ranks 1-3, 4-6, 7-10
WALLET_PCT = {"C02": 100 / 3, "C04": 200 / 3, "C01": 100.0}                      # headroom 0, 1500, 6000
INDUSTRY = {"C01": "Retail", "C02": "Retail", "C03": "Steel", "C04": "Retail", "C05": "Chemicals", "C06": "Retail",
            "C07": "Chemicals", "C08": "Steel", "C09": "Steel", "C10": "Chemicals"}


def potential_score(cid):
    parts = [(0.4, CLV_PCT.get(cid)), (0.2, GROWTH_PCT.get(cid)), (0.15, INDUSTRY_PCT[INDUSTRY[cid]]),
             (0.15, WALLET_PCT.get(cid))]
    present = [(w, v) for w, v in parts if v is not None]
    return sum(w * v for w, v in present) / sum(w for w, _ in present)


# ----- Profitability, WhaleCurve, Segments ----------------------------------------------------

def test_profitability_every_column(results):
    assert_column(column(results, "Profitability", "NetRevenue"), REVENUE, money)
    assert_column(column(results, "Profitability", "COGS"), COGS, money)
    assert_column(column(results, "Profitability", "GrossProfit"), GP, money)
    assert_column(column(results, "Profitability", "GrossMarginPct"), {
        "C01": 0.5, "C02": 0.4, "C03": 0.25, "C09": 30 / 50,
        "C07": None,        # NetRevenue -200: negative revenue has no margin
        "C08": None, "C10": None}, ratio)
    assert_column(column(results, "Profitability", "CostToServe"), CTS, money)
    assert_column(column(results, "Profitability", "FinancingCost"), {
        "C01": 635 * 0.06, "C02": 1300 * 0.06, "C10": -500 * 0.06, "C03": 0}, money)
    assert_column(column(results, "Profitability", "NetProfit"), {
        "C01": 2000 - 300 - 38.1, "C02": 1600 - 78, "C07": -80 - 50, "C09": 30 - 100, "C10": 0 - 0 + 30,
        "C08": 0}, money)
    assert_column(column(results, "Profitability", "NetMarginPct"), {
        "C01": 1661.9 / 4000, "C09": -70 / 50, "C07": None, "C10": None}, ratio)
    ranks = column(results, "Profitability", "ProfitRank")
    # C03 and C04 tie at 250: by CustomerID; C10 (30) above C08 (0)
    assert ranks.to_dict() == {"C01": 1, "C02": 2, "C03": 3, "C04": 4, "C05": 5, "C06": 6, "C10": 7, "C08": 8,
                               "C09": 9, "C07": 10}


def test_whale_curve(results):
    whale = results["WhaleCurve"]
    order = ["C01", "C02", "C03", "C04", "C05", "C06", "C10", "C08", "C09", "C07"]
    assert whale.CustomerID.tolist() == order
    assert whale.ProfitRank.tolist() == list(range(1, 11))
    assert whale.CumulativeCustomerShare.tolist() == ratio([k / 10 for k in range(1, 11)])
    total = 3688.9                                            # sum of NP
    assert sum(NP.values()) == pytest.approx(total)
    running = np.cumsum([1661.9, 1522, 250, 250, 100, 75, 30, 0, -70, -130])
    assert whale.CumulativeProfitShare.tolist() == pytest.approx(list(running / total), abs=1e-5)
    assert whale.CumulativeProfitShare.max() == pytest.approx(3888.9 / total, abs=1e-5)   # above 1: loss makers


def test_segments(results):
    seg = results["Segments"]
    assert seg.Dimension.tolist() == ["Industry"] * 3 + ["Size"] * 4 + ["Region"] * 3
    assert seg.Segment.tolist() == ["Retail", "Steel", "Chemicals", "Large", "Medium", text("blank"), "Small",
                                    "East", "West", "North"]                  # NetRevenue descending
    assert seg.Customers.tolist() == [4, 3, 3, 2, 3, 1, 4, 4, 4, 2]
    total = 9800
    expected = {  # NetRevenue, GrossProfit, NetProfit
        "Retail": (4000 + 4000 + 500 + 150, 2000 + 1600 + 250 + 75, 1661.9 + 1522 + 250 + 75),
        "Steel": (1000 + 0 + 50, 250 + 0 + 30, 250 + 0 - 70),
        "Chemicals": (300 - 200 + 0, 100 - 80 + 0, 100 - 130 + 30),
        "Large": (8000, 3600, 1661.9 + 1522),
        "Medium": (1000 + 500 + 300, 250 + 250 + 100, 250 + 250 + 100),
        text("blank"): (50, 30, -70),                                           # C09 has no Size
        "Small": (150 - 200 + 0 + 0, 75 - 80, 75 - 130 + 0 + 30),
        "East": (4000 + 1000 + 300 + 50, 2000 + 250 + 100 + 30, 1661.9 + 250 + 100 - 70),
        "West": (4000 + 500 + 150 + 0, 1600 + 250 + 75, 1522 + 250 + 75),
        "North": (-200, -80, -130 + 30),
    }
    for _, r in seg.iterrows():
        nr, gp, np_ = expected[r.Segment]
        assert (r.NetRevenue, r.GrossProfit, r.NetProfit) == (money(nr), money(gp), money(np_)), r.Segment
        assert r.RevenueShare == ratio(nr / total), r.Segment
        if nr > 0:
            assert r.GrossMarginPct == ratio(gp / nr), r.Segment
        else:
            assert pd.isna(r.GrossMarginPct), r.Segment                         # Small -50, North -200


# ----- Classification ----------------------------------------------------------------------

def test_abc_tiers_at_the_cut_offs(results):
    cls = results["Classification"]
    # basis descending, ties by ID; zero and negative bases last
    assert cls.CustomerID.tolist() == ["C01", "C02", "C03", "C04", "C05", "C06", "C09", "C08", "C10", "C07"]
    c = cls.set_index("CustomerID")
    assert c.ABCBasisValue.to_dict() == {k: money(REVENUE[k]) for k in IDS}
    shares = {"C01": 0.4, "C02": 0.4, "C03": 0.1, "C04": 0.05, "C05": 0.03, "C06": 0.015, "C09": 0.005,
              "C08": 0, "C10": 0, "C07": 0}                                      # of 10,000 positive revenue
    assert c.ABCShare.to_dict() == {k: ratio(v) for k, v in shares.items()}
    assert c.ABCCumulativeShare.tolist() == pytest.approx([0.4, 0.8, 0.9, 0.95, 0.98, 0.995, 1, 1, 1, 1])
    # C03: customers above hold exactly 0.80 -> not below ShareA -> B.  C05: 0.95 above -> C.
    assert c.ABCTier.to_dict() == {"C01": "A", "C02": "A", "C03": "B", "C04": "B", "C05": "C", "C06": "C",
                                   "C09": "C", "C08": "C", "C10": "C", "C07": "C"}
    assert c.loc["C01", "CustomerName"] == "Alpha" and c.loc["C10", "Region"] == "North"
    assert c.loc["C02", "AccountManager"] == "Bob" and c.loc["C05", "Industry"] == "Chemicals"
    assert c.loc["C03", "Size"] == "Medium" and pd.isna(c.loc["C09", "Size"])


def test_rfm_scores_with_a_four_way_tie(results):
    c = table(results, "Classification").reindex(IDS)
    # Recency = 2026-06-30 - last purchase document (C07: its return is not a purchase; C10 never bought)
    assert_column(c.Recency, {"C01": 0, "C02": 10, "C03": 20, "C04": 60, "C05": 90, "C06": 120, "C07": 272,
                              "C08": 486, "C09": 150, "C10": None}, exact)
    # Frequency = purchase documents in the period: C04..C07 tie at 2 (C06's PeriodStart sale counts,
    # its prior-period sale on 06-30 does not)
    assert c.Frequency.to_dict() == {"C01": 5, "C02": 4, "C03": 3, "C04": 2, "C05": 2, "C06": 2, "C07": 2,
                                     "C08": 0, "C09": 1, "C10": 0}
    assert c.Monetary.to_dict() == {k: money(REVENUE[k]) for k in IDS}
    # Score = ceil(5 x rank / 10), ties take the highest rank.
    # R (most recent best; never bought ranks 1): C10 1, C08 2, C07 3, C09 4, C06 5, C05 6, C04 7, C03 8, C02 9, C01 10
    assert c.RScore.to_dict() == {"C10": 1, "C08": 1, "C07": 2, "C09": 2, "C06": 3, "C05": 3, "C04": 4, "C03": 4,
                                  "C02": 5, "C01": 5}
    # F: C08/C10 tie at ranks 1-2 -> 2 -> 1; C09 rank 3 -> 2; C04-C07 tie at ranks 4-7 -> 7 -> ceil(3.5) = 4
    # (average rank 5.5 would give 3); C03 rank 8 -> 4; C02 9 -> 5; C01 10 -> 5
    assert c.FScore.to_dict() == {"C08": 1, "C10": 1, "C09": 2, "C04": 4, "C05": 4, "C06": 4, "C07": 4, "C03": 4,
                                  "C02": 5, "C01": 5}
    # M: C07 -200 rank 1; C08/C10 0 ranks 2-3 -> 3 -> 2; C09 4 -> 2; C06 5 -> 3; C05 6 -> 3; C04 7 -> 4; C03 8 -> 4;
    # C01/C02 ranks 9-10 -> 5
    assert c.MScore.to_dict() == {"C07": 1, "C08": 2, "C10": 2, "C09": 2, "C06": 3, "C05": 3, "C04": 4, "C03": 4,
                                  "C02": 5, "C01": 5}
    # FM = round-half-up((F + M) / 2); C07: (4 + 1) / 2 = 2.5 -> 3, R 2 -> At Risk (banker's 2 would be Hibernating)
    # C05: (4 + 3) / 2 = 3.5 -> 4, R 3 -> Loyal Customers
    assert c.RFMSegment.to_dict() == {
        "C01": "Champions", "C02": "Champions", "C03": "Loyal Customers", "C04": "Loyal Customers",
        "C05": "Loyal Customers", "C06": "Loyal Customers", "C07": "At Risk", "C08": "Hibernating",
        "C09": "Hibernating", "C10": "No Purchases"}


def test_portfolio_quadrant_at_the_50_boundary(results):
    c = column(results, "Classification", "PortfolioQuadrant")
    s = column(results, "Strategy", "PortfolioQuadrant")
    score = {k: potential_score(k) for k in IDS}
    assert score["C07"] == 50 and score["C10"] == 50                          # Industry only, ranks 4-6 of 10
    assert VALUE_PCT["C06"] == 50                                             # NetProfit 5th of 10
    expected = {}
    for k in IDS:
        high_value, high_potential = VALUE_PCT[k] >= 50, score[k] >= 50
        expected[k] = ("Strategic" if high_value and high_potential else "Develop" if high_potential
                       else "Maintain" if high_value else "Streamline")
    assert expected["C06"] == "Strategic" and expected["C07"] == "Develop" and expected["C05"] == "Maintain"
    assert c.to_dict() == expected and s.to_dict() == expected


# ----- Receivables -------------------------------------------------------------------------

def test_aging_boundaries_and_negative_balances(results):
    r = table(results, "Receivables").reindex(IDS)
    # C01, days overdue on 2026-06-30: I00 0 (NotDue), I30 30, I31 31, I60 60, I61 61, I90 90, I91 91 (terms 30)
    a = r.loc["C01"]
    assert (a.NotDue, a.Overdue1_30, a.Overdue31_60, a.Overdue61_90, a.Overdue90Plus) == (
        money(10), money(20), money(40 + 80), money(160 + 320), money(640))
    assert a.OpenBalance == money(1270)
    assert a.OverdueShare == ratio((1270 - 10) / 1270)
    b = r.loc["C02"]                                 # J3 due 2026-07-01: -1 days, NotDue
    assert (b.OpenBalance, b.NotDue, b.Overdue1_30 + b.Overdue31_60 + b.Overdue61_90 + b.Overdue90Plus) == (
        money(2000), money(2000), money(0))
    assert b.OverdueShare == 0
    j = r.loc["C10"]                                 # unapplied prepayment: negative balance, stays in NotDue
    assert (j.OpenBalance, j.NotDue, j.Overdue90Plus) == (money(-500), money(-500), money(0))
    assert pd.isna(j.OverdueShare)                   # balance <= 0: no share
    assert pd.isna(r.loc["C03"].OverdueShare)        # 0 / 0


def test_turnover_dso_days_to_pay_utilization_risk(results):
    r = table(results, "Receivables").reindex(IDS)
    assert_column(r.CreditSales, {"C01": 1270, "C02": 1000 + 2000, "C10": 0, "C05": 0}, money)
    # opening AR is taken on 2025-06-30: J2 (dated PeriodStart) is not in it
    assert_column(r.AverageAR, {**AVG_AR, "C03": 0}, money)
    assert_column(r.ARTurnover, {"C01": 1270 / 635, "C02": 3000 / 1300, "C10": None, "C03": None}, ratio)
    assert_column(r.DSO, {"C01": 365 / 2, "C02": 365 * 1300 / 3000, "C10": None, "C03": None}, ratio)
    # payments in the period: J1 600 on 07-10 (39 days from 06-01, 10 after due 06-30),
    # J2 1000 on 08-15 (45 days from 07-01, 15 after due 07-31); J0 was paid in the prior period
    assert_column(r.AvgDaysToPay, {"C02": (600 * 39 + 1000 * 45) / 1600, "C01": None, "C10": None}, ratio)
    assert_column(r.AvgDaysLate, {"C02": (600 * 10 + 1000 * 15) / 1600, "C01": None}, ratio)
    assert_column(r.CreditUtilization, {"C01": 1270 / 1000, "C02": 2000 / 4000, "C10": None}, ratio)
    assert r.CreditRisk.to_dict() == {**{k: "Low" for k in IDS}, "C01": "High"}


# ----- Relationship ------------------------------------------------------------------------

def test_relationship_cadence_boundaries(results):
    r = table(results, "Relationship").reindex(IDS)
    assert_column(r.LastContact, {"C01": D("2026-05-31"), "C02": D("2026-05-30"), "C03": D("2026-06-20"),
                                  "C04": D("2026-05-01"), "C05": D("2026-04-01"),
                                  "C06": None}, exact)                         # C06's contact is after AsOfDate
    assert_column(r.DaysSinceContact, {"C01": 30, "C02": 31, "C03": 10, "C04": 60, "C05": 90, "C06": None}, exact)
    assert r.Contacts.to_dict() == {**{k: 0 for k in IDS}, "C01": 2, "C02": 1, "C03": 1, "C04": 2, "C05": 1}
    assert_column(r.AvgSatisfaction, {"C01": (4 + 3) / 2, "C02": 4, "C03": 2, "C04": (4 + 5) / 2, "C05": 3,
                                      "C06": None}, ratio)
    assert_column(r.LatestFeedback, {"C01": "good", "C02": "ok", "C03": "late deliveries", "C04": "fine",
                                     "C05": None, "C06": None}, exact)
    assert_column(r.NextFollowUp, {"C01": D("2026-07-15"), "C02": D("2026-06-15"), "C04": None}, exact)
    assert r.FollowUpOverdue.astype(bool).to_dict() == {**{k: False for k in IDS}, "C02": True}
    # tiers A: C01 C02; B: C03 C04; C: the rest -> cadence 30 / 60 / 90
    assert r.CadenceDays.to_dict() == {k: 30 if k in ("C01", "C02") else 60 if k in ("C03", "C04") else 90
                                       for k in IDS}
    # exactly at the cadence is kept: C01 30/30, C04 60/60, C05 90/90; C02 31 > 30; never contacted: breached
    assert r.CadenceBreached.astype(bool).to_dict() == {
        "C01": False, "C02": True, "C03": False, "C04": False, "C05": False,
        "C06": True, "C07": True, "C08": True, "C09": True, "C10": True}


# ----- Potential ---------------------------------------------------------------------------

def test_potential_run_rate_columns(results):
    p = table(results, "Potential").reindex(IDS)
    assert_column(p.Frequency, {k: RUN[k][0] - 1 for k in RUN} | {"C10": None}, exact)
    assert_column(p.RecencyDays, {"C01": 729, "C02": 476, "C03": 182, "C04": 577, "C05": 121, "C06": 245,
                                  "C07": 30, "C08": 0, "C09": 0, "C10": None}, exact)
    assert_column(p.AgeDays, {k: RUN[k][1] for k in RUN} | {"C10": None}, exact)
    assert p.PAlive.isna().all()
    assert_column(p.ExpectedPurchases, {k: RUN[k][0] / RUN[k][1] * 365.25 for k in RUN} | {"C10": None}, ratio)
    assert_column(p.ExpectedOrderValue, {k: RUN[k][2] for k in RUN} | {"C10": None}, money)
    assert_column(p.CLV, {k: clv(k) for k in CLV_PCT} | {"C07": None, "C08": None, "C10": None}, money)
    assert clv("C01") == pytest.approx(1427.99, abs=0.01) and clv("C02") == pytest.approx(2284.79, abs=0.01)
    assert_column(p.GrowthRate, {k: REVENUE[k] / v - 1 for k, v in PRIOR_REVENUE.items()}
                  | {"C03": None, "C07": None, "C09": None, "C10": None}, ratio)
    assert p.GrowthRate.loc["C06"] == ratio(0.5) and p.GrowthRate.loc["C08"] == -1
    assert p.IndustryGrowth.to_dict() == {k: {"Retail": 0.05, "Steel": -0.02, "Chemicals": 0.03}[INDUSTRY[k]]
                                          for k in IDS}
    assert_column(p.WalletHeadroom, {"C01": 10000 - 4000 * 365 / 365, "C02": 0,       # 3000 - 4000 floored
                                     "C04": 2000 - 500, "C03": None}, money)
    assert_column(p.PotentialScore, {k: potential_score(k) for k in IDS}, ratio)
    assert p.PotentialScore.loc["C01"] == pytest.approx((0.4 * 600 / 7 + 20 + 12.75 + 15) / 0.9)
    # descending score, ties (C07 = C10 = 50) by ID
    assert p.PotentialRank.to_dict() == {"C01": 1, "C02": 2, "C04": 3, "C03": 4, "C06": 5, "C07": 6, "C10": 7,
                                         "C05": 8, "C08": 9, "C09": 10}


def test_model_parameters_run_rate(results):
    m = results["ModelParameters"]
    assert m.Model.tolist() == ["RunRate", "Horizon"]
    assert m.set_index("Parameter").loc["ForecastDays"].Value == pytest.approx(12 * 365.25 / 12)
    dq = results["DataQuality"]
    assert len(dq[(dq.Severity == "Warning") & (dq.Table == "Potential")]) == 1     # not fitted
    assert len(dq[(dq.Severity == "Info") & (dq.Table == "Potential")]) == 1        # CLV blank for C07, C08
    assert not (dq.Severity == "Error").any()


# ----- Strategy ----------------------------------------------------------------------------

FLAGS = {  # flag -> customers, each derived above
    "loss_making": {"C07", "C09"},                        # NetProfit -130, -70
    "overdue_oldest": {"C01"},                            # 640 over 90 days
    "over_limit": {"C01"},                                # 1270 / 1000
    "churn_alert": set(),                                 # no PAlive without a model
    "cadence_breached": {"C02", "C06", "C07", "C08", "C09", "C10"},
    "follow_up_overdue": {"C02"},                         # 06-15 < AsOfDate, no later contact
    "revenue_decline": {"C04", "C08"},                    # -50 %, -100 % (C02 0 %, above -20 %)
    "low_satisfaction": {"C03"},                          # 2 < 3; C05's 3 is not below
    "wallet_headroom": {"C01", "C04"},                    # 6000 > 4000, 1500 > 500; C02 0
}


def test_strategy_actions_per_flag(results):
    s = table(results, "Strategy").reindex(IDS)
    for cid in IDS:
        want = [text(f"action.{flag}", "en", days=90) for flag, who in FLAGS.items() if cid in who]
        got = [a for a in s.Actions.loc[cid].split("; ") if a]
        assert got == want, cid
    quadrant = column(results, "Classification", "PortfolioQuadrant")
    for cid in IDS:
        assert s.RecommendedStrategy.loc[cid] == text(f"strategy.{quadrant.loc[cid]}", "en")


def test_effort_shares(results):
    s = table(results, "Strategy").reindex(IDS)
    contacts = {"C01": 2, "C02": 1, "C03": 1, "C04": 2, "C05": 1}              # 7 in the period
    assert s.CurrentEffortShare.to_dict() == {k: ratio(contacts.get(k, 0) / 7) for k in IDS}
    weight = {k: (VALUE_PCT[k] + potential_score(k)) / 2 for k in IDS}
    total = sum(weight.values())
    assert s.SuggestedEffortShare.to_dict() == {k: ratio(weight[k] / total) for k in IDS}
    assert weight["C10"] == (40 + 50) / 2


# ----- RiskSummary, KPIs, commentary, About --------------------------------------------------

def test_risk_summary(results):
    risk = results["RiskSummary"].set_index("Metric").Value
    shares = [0.4, 0.4, 0.1, 0.05, 0.03, 0.015, 0.005]
    assert risk.Top1Share == ratio(0.4)
    assert risk.Top5Share == ratio(0.98)
    assert risk.Top10Share == ratio(1.0)
    assert risk.HHI == pytest.approx(sum(x * x for x in shares) * 10000)         # 3336.5
    assert risk.Overdue90PlusBalance == money(640)
    assert risk.CustomersOverLimit == 1
    assert risk.LossMakingCustomers == 2
    assert risk.LossMakingNetProfit == money(-130 - 70)
    assert risk.ChurnRiskCustomers == 0


# Prior period 2024-07-01 .. 2025-06-30, balances as of 2025-06-30.
PRIOR_GP = 1000 + 1000 + 500 + 50 + 200                   # C01 C02 C04 C06 C08
# C02: 2 visits, AvgAR 300; C10 AvgAR -250
PRIOR_NP = 1000 + (1000 - 200 - 300 * 0.06) + 500 + 50 + 200 + (0 - 0 + 250 * 0.06)
THIS_NP = sum(NP.values())
KPI = {  # KPI: (this, prior)
    "ActiveCustomers": (7, 5),
    "NetRevenue": (9800, 7600),
    "GrossProfit": (4225, PRIOR_GP),
    "GrossMarginPct": (4225 / 9800, PRIOR_GP / 7600),
    "NetProfit": (THIS_NP, PRIOR_NP),
    "NetMarginPct": (THIS_NP / 9800, PRIOR_NP / 7600),
    "ClosingAR": (1270 + 2000 - 500, 600 - 500),            # prior: J1 open, C10 prepayment
    "DSO": (365 * (635 + 1300 - 500) / (1270 + 3000), 365 * (300 - 250) / (500 + 600)),
    "OverdueShare": (1260 / 2770, 0 / 100),                 # prior: J1 due on the prior AsOfDate is NotDue
    "Top5Share": (0.98, 1.0),
    "TierACustomers": (2, 3),                               # prior: C02 4000, C01 2000, C04 1000 (above 0.789)
    "TierBCustomers": (2, 1),                               # prior: C08 (above 7000/7600)
    "TierCCustomers": (6, 6),
    "LossMakingCustomers": (2, 0),
}
RATIO_KPIS = {"GrossMarginPct", "NetMarginPct", "OverdueShare", "Top5Share"}


def test_kpis_this_prior_and_change(results):
    k = results["KPIs"].set_index("KPI")
    assert list(k.index) == list(KPI)
    assert PRIOR_NP == pytest.approx(2547)
    for name, (this, prior) in KPI.items():
        row = k.loc[name]
        assert row.ThisPeriod == pytest.approx(this, abs=0.01), name
        assert row.PriorPeriod == pytest.approx(prior, abs=0.01), name
        assert row.Change == pytest.approx(this - prior, abs=0.01), name
        if name in RATIO_KPIS or prior == 0:
            assert pd.isna(row.ChangePct), name
        else:
            assert row.ChangePct == pytest.approx((this - prior) / abs(prior), rel=1e-6), name
    assert k.loc["ClosingAR"].ChangePct == pytest.approx(26.7)


def numbers(sentence):
    return [float(n.replace(",", "")) for n in re.findall(r"-?\d[\d,]*(?:\.\d+)?", sentence)]


def has_numbers(sentences, wanted):
    """Some sentence contains the wanted numbers in this order (wording may change)."""
    for s in sentences:
        found = numbers(s)
        it = iter(found)
        if all(any(math.isclose(w, f, abs_tol=1e-9) for f in it) for w in wanted):
            return True
    return False


def test_commentary_numbers(results):
    c = results.commentary
    assert 5 <= len(c) <= 8
    assert has_numbers(c, [9800, 28.9])                     # revenue, up 2200 / 7600
    assert has_numbers(c, [43.1, 6.9, 37.6])                # margin, +(4225/9800 - 2750/7600) points, net margin
    assert has_numbers(c, [40.0, 98.0])                     # top 1, top 5
    assert has_numbers(c, [2, -200, -130])                  # two loss makers, total, largest (Golf)
    assert any("Golf" in s for s in c)
    assert has_numbers(c, [2770, 123, 45.5, 640])           # AR, DSO 122.7, overdue 1260/2770, oldest bucket
    assert has_numbers(c, [1]) and any("credit limit" in s for s in c)
    assert has_numbers(c, [2, 2, 6])                        # tiers A B C
    assert not any("-" in s and "%" in s and "down" in s for s in c)


def test_about(results):
    about = results["About"].set_index("Item").Value
    assert about.Customers == 10 and about.PeriodDays == 365
    assert about.PriorPeriod.startswith("2024-07-01") and about.PriorPeriod.endswith("2025-06-30")
