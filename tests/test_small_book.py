"""Every metric on a book small enough to check with a calculator (conftest.small_book)."""
import os

import numpy as np
import pandas as pd
import pytest
from conftest import small_book

from kam_xl import analyze
from kam_xl.inputs.reader import inputs_from_frames

approx = pytest.approx


# Once per module (no test here changes the results); per test for the mutation run (docs/TESTING.md).
FIXTURE_SCOPE = "function" if os.environ.get("KAM_XL_FRESH_FIXTURES") else "module"


@pytest.fixture(scope=FIXTURE_SCOPE)
def results():
    return analyze(inputs_from_frames(small_book()))


def row(results, table, cid):
    frame = results[table]
    return frame.set_index("CustomerID").loc[cid]


def test_period_parameters(results):
    p = results.params
    assert (p.as_of_date, p.period_start, p.period_end) == (pd.Timestamp("2026-06-30"), pd.Timestamp("2026-01-01"),
                                                            pd.Timestamp("2026-06-30"))
    assert p.period_days == 181
    # Six whole calendar months: compared with the six calendar months before (184 days), not the 181 days before
    assert p.comparison == "months"
    assert (p.prior().period_start, p.prior().period_end) == (pd.Timestamp("2025-07-01"), pd.Timestamp("2025-12-31"))
    assert (p.last_year().period_start, p.last_year().period_end) == (pd.Timestamp("2025-01-01"),
                                                                      pd.Timestamp("2025-06-30"))


def test_gross_profit_with_returns(results):
    a = row(results, "Profitability", "A1")
    assert (a.NetRevenue, a.COGS, a.GrossProfit) == (2800, 1580, 1220)   # 1000+2000-200, 600+1100-120
    assert a.GrossMarginPct == approx(1220 / 2800)
    d = row(results, "Profitability", "D4")                                # sale fully returned
    assert (d.NetRevenue, d.GrossProfit) == (0, 0) and np.isnan(d.GrossMarginPct)
    c = row(results, "Profitability", "C3")                                # no sales at all
    assert c.NetRevenue == 0 and np.isnan(c.NetMarginPct)


def test_cost_to_serve_and_missing_rate_warning(results):
    assert row(results, "Profitability", "A1").CostToServe == 3 * 10 + 2 * 100 + 50   # Dec visit is outside
    assert row(results, "Profitability", "B2").CostToServe == 2 * 10                 # unknown activity costs 0 ...
    dq = results["DataQuality"]
    warned = dq[(dq.Severity == "Warning") & (dq.Table == "Activities")]
    # ... with a warning
    assert len(warned) == 1 and warned.iloc[0].Value == "Unknown activity" and warned.iloc[0].Row == 7


def test_financing_cost_net_profit_and_rank(results):
    a = row(results, "Profitability", "A1")
    assert a.FinancingCost == 28.25                    # 949.5 x 0.06 x 181 / 365 = 28.2509, to the cent
    assert a.NetProfit == approx(1220 - 280 - 28.25)
    b = row(results, "Profitability", "B2")
    assert b.FinancingCost == 11.16                                      # 375 x 0.06 x 181 / 365 = 11.1575
    assert b.NetProfit == approx(250 - 20 - 11.16)
    ranks = results["Profitability"].set_index("CustomerID").ProfitRank
    assert ranks.to_dict() == {"A1": 1, "B2": 2, "C3": 3, "D4": 4}         # C3/D4 tie at 0: by ID


def test_receivables_aging_with_credits_oldest_first(results):
    a = row(results, "Receivables", "A1")
    # INV2 1260 open (due 04-14, 77 days), INV3 565 not due, credit note 226 and unapplied 100
    # are set against INV2 first.
    assert a.OpenBalance == approx(1260 + 565 - 226 - 100)
    assert (a.NotDue, a.Overdue1_30, a.Overdue31_60, a.Overdue61_90, a.Overdue90Plus) == approx((565, 0, 0, 934, 0))
    assert a.OverdueShare == approx(934 / 1499)
    assert a.CreditSales == approx(1130 + 2260 - 226 + 565)
    assert a.AverageAR == approx((400 + 1499) / 2)
    assert a.ARTurnover == approx(3729 / 949.5)
    assert a.DSO == approx(181 * 949.5 / 3729)
    assert a.AvgDaysToPay == approx((400 * 50 + 500 * 41 + 630 * 74 + 1000 * 66) / 2530)
    assert a.AvgDaysLate == approx((400 * 20 + 500 * 11 + 630 * 44 + 1000 * 36) / 2530)
    assert a.CreditUtilization == approx(0.1499)
    assert a.CreditRisk == "Medium"


def test_receivables_unknown_invoice_is_unapplied_and_over_limit(results):
    b = row(results, "Receivables", "B2")
    assert b.OpenBalance == approx(750) and b.Overdue90Plus == approx(750)   # due 03-06, 116 days
    assert b.DSO == approx(181 * 375 / 800)
    assert np.isnan(b.AvgDaysToPay)
    assert b.CreditUtilization == approx(1.5) and b.CreditRisk == "High"
    c = row(results, "Receivables", "C3")
    assert c.OpenBalance == 0 and np.isnan(c.OverdueShare) and np.isnan(c.DSO) and c.CreditRisk == "Low"


def test_classification_abc_rfm(results):
    cls = results["Classification"]
    assert cls.CustomerID.tolist() == ["A1", "B2", "C3", "D4"]
    assert cls.ABCTier.tolist() == ["A", "A", "C", "C"]                  # B2 starts at 0.7 < 0.8
    assert cls.ABCShare.tolist() == approx([0.7, 0.3, 0, 0])
    a = cls.set_index("CustomerID").loc["A1"]
    assert (a.Recency, a.Frequency, a.Monetary) == (107, 2, 2800)       # last purchase 03-15; R1 is a return
    d = cls.set_index("CustomerID").loc["D4"]
    assert (d.Frequency, d.Monetary) == (1, 0)                           # S5 was a purchase document
    assert cls.set_index("CustomerID").loc["C3"].RFMSegment == "No Purchases"


def test_lines_without_a_document_number_count_one_document_per_day():
    from kam_xl.domain.classification import rfm
    D = pd.Timestamp
    sales = pd.DataFrame({"Date": [D("2026-02-01"), D("2026-02-01"), D("2026-02-03"), D("2026-02-03")],
                          "CustomerID": ["A", "A", "A", "A"],
                          "DocumentNo": pd.Series([None, None, None, "X9"], dtype="str"),
                          "NetRevenue": [10.0, 5.0, 7.0, 1.0]})
    out = rfm(sales, pd.Index(["A"], name="CustomerID"), D("2026-02-10"), D("2026-01-01"), D("2026-02-10"), 2).loc["A"]
    # 02-01 (two lines, one document), 02-03 without a number, and X9: three documents
    assert (out.Frequency, out.Monetary, out.Recency) == (3, 23.0, 7)


def test_relationship(results):
    a = row(results, "Relationship", "A1")
    assert a.LastContact == pd.Timestamp("2026-06-10") and a.DaysSinceContact == 20
    assert (a.Contacts, a.AvgSatisfaction, a.LatestFeedback) == (2, 3.0, "ok")
    assert a.NextFollowUp == pd.Timestamp("2026-06-25") and bool(a.FollowUpOverdue)
    assert (a.CadenceDays, bool(a.CadenceBreached)) == (30, False)
    b = row(results, "Relationship", "B2")
    assert (b.DaysSinceContact, b.Contacts, bool(b.CadenceBreached)) == (211, 0, True)
    assert np.isnan(b.AvgSatisfaction) and not bool(b.FollowUpOverdue)
    c = row(results, "Relationship", "C3")
    assert pd.isna(c.LastContact) and bool(c.CadenceBreached) and c.CadenceDays == 90


def test_potential_run_rate_fallback(results):
    a = row(results, "Potential", "A1")
    assert (a.Frequency, a.RecencyDays, a.AgeDays) == (2, 165, 272)      # days 2025-10-01, 01-10, 03-15
    assert np.isnan(a.PAlive)                                            # no model, no invented PAlive
    assert a.ExpectedPurchases == approx(3 / 272 * 365.25)
    assert a.ExpectedOrderValue == approx(5000 / 3)
    monthly = 3 / 272 * 365.25 / 12
    discount = sum(1.1 ** (-m / 12) for m in range(1, 13))
    assert a.CLV == approx(monthly * 5000 / 3 * (1220 / 2800) * discount)
    assert a.GrowthRate == approx(2800 / 2000 - 1)
    assert a.IndustryGrowth == 0.05
    assert a.WalletHeadroom == approx(10000 - 2800 * 365 / 181)
    assert np.isnan(row(results, "Potential", "B2").GrowthRate)          # no prior-period revenue
    dq = results["DataQuality"]
    assert dq.Message.str.contains("BG/NBD not fitted").any()
    assert results["ModelParameters"].Model.tolist()[0] == "RunRate"
    from kam_xl.render.layout import plan
    model = next(s for s in plan(results) if s.name == "Model")
    assert model.lines[0] == ("Too few customers to fit a purchase model (at least 30 buyers and 20 repeat buyers are "
                              "needed): ExpectedPurchases use each customer's run rate, (Frequency + 1) / AgeDays, "
                              "and PAlive is blank.")
    assert model.tables == [] and len(model.lines) == 2   # no check, no parameters, no charts to explain


def test_risk_and_kpis(results):
    risk = results["RiskSummary"].set_index("Metric").Value
    assert risk.Top1Share == approx(0.7) and risk.Top5Share == approx(1.0)
    assert risk.HHI == approx((0.49 + 0.09) * 10000)
    assert risk.Overdue90PlusBalance == approx(750)
    assert risk.CustomersOverLimit == 1
    assert risk.LossMakingCustomers == 0
    kpis = results["KPIs"].set_index("KPI")
    assert kpis.loc["NetRevenue"].ThisPeriod == 4000 and kpis.loc["NetRevenue"].PriorPeriod == 2000
    assert kpis.loc["NetRevenue"].ChangePct == approx(1.0)
    assert kpis.loc["ClosingAR"].ThisPeriod == approx(1499 + 750)
    assert kpis.loc["DSO"].ThisPeriod == approx(181 * (949.5 + 375) / (3729 + 800))
    assert kpis.loc["ActiveCustomers"].ThisPeriod == 2
    assert 5 <= len(results.commentary) <= 8


def test_strategy_actions_from_flags(results):
    s = results["Strategy"].set_index("CustomerID")
    assert "Over credit limit" in s.loc["B2"].Actions and "90 days overdue" in s.loc["B2"].Actions
    assert "Follow-up overdue" in s.loc["A1"].Actions
    assert s.CurrentEffortShare.to_dict() == approx({"A1": 1.0, "B2": 0.0, "C3": 0.0, "D4": 0.0})
    assert s.SuggestedEffortShare.sum() == approx(1.0)


def test_chinese_texts(small_inputs):
    zh = analyze(small_inputs, {"Language": "zh-CN"})
    assert "超出信用额度" in zh["Strategy"].set_index("CustomerID").loc["B2"].Actions
    assert zh.commentary[0].startswith("本期销售收入")
