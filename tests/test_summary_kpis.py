"""The period KPIs and the commentary sentences at their boundaries; worked out by hand."""
import numpy as np
import pandas as pd
import pytest

def _kpi_inputs(revenue, gross=None, net=None, open_balance=(100.0,), overdue=(40.0,), credit_sales=(10.0,),
                average=(5.0,)):
    n = len(revenue)
    ids = [f"K{i}" for i in range(n)]
    profit = pd.DataFrame({"NetRevenue": revenue, "GrossProfit": gross if gross is not None else [0.0] * n,
                           "NetProfit": net if net is not None else [0.0] * n}, index=ids)
    m = len(open_balance)
    receivables = pd.DataFrame({"OpenBalance": open_balance, "NotDue": [0.0] * m, "Overdue1_30": overdue,
                                "Overdue31_60": [0.0] * m, "Overdue61_90": [0.0] * m, "Overdue90Plus": [0.0] * m,
                                "OverdueShare": [np.nan] * m, "CreditSales": credit_sales, "AverageAR": average},
                               index=[f"K{i}" for i in range(m)])
    return profit, receivables, pd.Series(["A"] * n, index=ids)


def test_period_kpis_round_to_the_given_minor_unit_and_default_to_two_decimals():
    from kam_xl.domain.summary import period_kpis
    profit, receivables, tiers = _kpi_inputs([1000.456], [300.456], [100.456], open_balance=(500.456,),
                                             overdue=(200.456,))
    yen = period_kpis(profit, receivables, tiers, 365, decimals=0)
    assert [yen[k] for k in ("NetRevenue", "GrossProfit", "NetProfit", "ClosingAR")] == [1000.0, 300.0, 100.0, 500.0]
    assert yen["OverdueShare"] == 200.0 / 500.0
    default = period_kpis(profit, receivables, tiers, 365)
    assert [default[k] for k in ("NetRevenue", "GrossProfit", "NetProfit", "ClosingAR")] == \
        [1000.46, 300.46, 100.46, 500.46]


def test_period_kpis_at_revenue_balance_and_sales_boundaries():
    from kam_xl.domain.summary import period_kpis
    # revenue 0: no margins (not a division by zero); 0.5 is revenue all the same (a margin, one active customer)
    zero = period_kpis(*_kpi_inputs([0.0], [0.0], [0.0]), 365)
    assert np.isnan(zero["GrossMarginPct"]) and np.isnan(zero["NetMarginPct"]) and zero["ActiveCustomers"] == 0
    half = period_kpis(*_kpi_inputs([0.5], [0.25], [0.1], open_balance=(0.5,), overdue=(0.25,), credit_sales=(0.5,),
                                    average=(0.25,)), 365)
    assert half["GrossMarginPct"] == 0.5 and half["NetMarginPct"] == pytest.approx(0.2)
    assert half["ActiveCustomers"] == 1 and half["OverdueShare"] == 0.5
    assert half["DSO"] == pytest.approx(365 * 0.25 / 0.5)
    none_open = period_kpis(*_kpi_inputs([10.0], open_balance=(0.0,), overdue=(0.0,), average=(0.0,)), 365)
    assert np.isnan(none_open["OverdueShare"]) and np.isnan(none_open["DSO"])   # nothing owed: no share, no DSO


def test_period_kpis_overdue_total_is_empty_when_a_customer_is_unknown():
    from kam_xl.domain.summary import period_kpis
    profit, receivables, tiers = _kpi_inputs([10.0, 20.0], open_balance=(100.0, 50.0), overdue=(40.0, 10.0),
                                             credit_sales=(10.0, 5.0), average=(5.0, 5.0))
    receivables.loc["K1", ["NotDue", "Overdue1_30", "Overdue31_60", "Overdue61_90", "Overdue90Plus"]] = np.nan
    assert np.isnan(period_kpis(profit, receivables, tiers, 365)["OverdueShare"])


def _facts(this: dict, prior: dict, risk: dict, model_fitted=None, profit=None):
    from kam_xl.domain.summary import commentary_facts
    base = {"NetRevenue": 100.0, "GrossProfit": 40.0, "GrossMarginPct": 0.4, "NetMarginPct": 0.1, "ClosingAR": np.nan,
            "DSO": np.nan, "OverdueShare": np.nan, "TierACustomers": 1, "TierBCustomers": 0, "TierCCustomers": 0}
    kpis = pd.DataFrame({"KPI": list(base), "ThisPeriod": [this.get(k, v) for k, v in base.items()],
                         "PriorPeriod": [prior.get(k, v) for k, v in base.items()]})
    metrics = {"Top1Share": 1.0, "Top5Share": 1.0, "HHI": 10000.0, "LossMakingCustomers": 0.0,
               "Overdue90PlusBalance": 0.0, "CustomersOverLimit": 0.0, "ChurnRiskCustomers": 0.0, **risk}
    risk_table = pd.DataFrame({"Metric": list(metrics), "Value": list(metrics.values())})
    profit = profit if profit is not None else pd.DataFrame({"NetProfit": [10.0], "GrossProfit": [40.0]}, index=["K1"])
    args = (kpis, risk_table, profit, pd.Series({"K1": "Alpha"}))
    return dict(commentary_facts(*args) if model_fitted is None else commentary_facts(*args, model_fitted=model_fitted))


def test_commentary_with_no_prior_revenue_and_unknown_parts_said_as_unknown():
    facts = _facts({}, {"NetRevenue": 0.0, "GrossMarginPct": np.nan}, {})
    assert facts["revenue.no_prior_revenue"] == {"revenue": 100.0}
    assert facts["margin"]["points"] is None                       # no prior margin: unknown, not NaN
    assert "churn" in facts                                        # a fitted model is the default
    half = _facts({}, {"NetRevenue": 0.5}, {})
    assert half["revenue.change"]["change"] == pytest.approx(100.0 / 0.5 - 1)
    unknown = _facts({"NetMarginPct": np.nan, "ClosingAR": 500.0}, {}, {})
    assert unknown["margin"]["net_margin"] is None
    assert unknown["receivables"]["dso"] is None and unknown["receivables"]["overdue"] is None


def test_commentary_margin_unknown_only_when_profit_is_unknown_and_over_limit_only_when_any():
    # revenue 0 with a known gross profit: no margin sentence, and the profit is not "not totalled"
    facts = _facts({"NetRevenue": 0.0, "GrossProfit": 0.0, "GrossMarginPct": np.nan}, {}, {})
    assert "margin" not in facts and "profit.not_totalled" not in facts
    assert "over_limit" not in facts                               # 0 customers over their limit: nothing said
    assert _facts({}, {}, {"CustomersOverLimit": 2.0})["over_limit"] == {"customers": 2.0}
    assert "churn" not in _facts({}, {}, {}, model_fitted=False)


def test_overdue_share_is_empty_for_a_nil_or_credit_balance():
    from kam_xl.domain.summary import period_kpis
    # a credit balance (-10) with 5 overdue, and a nil balance where 40 overdue is offset by a 40 credit
    credit = period_kpis(*_kpi_inputs([10.0], open_balance=(-10.0,), overdue=(5.0,)), 365)
    nil = period_kpis(*_kpi_inputs([10.0], open_balance=(0.0,), overdue=(40.0,)), 365)
    assert np.isnan(credit["OverdueShare"]) and np.isnan(nil["OverdueShare"])
