"""Portfolio risk: concentration, overdue exposure, limits, loss makers, churn."""
from __future__ import annotations

import numpy as np
import pandas as pd

from kam_xl.domain.frames import round_money, total


def revenue_shares(net_revenue: pd.Series) -> pd.Series:
    """Each customer's share of total positive NetRevenue, largest first
    (customers with NetRevenue <= 0 have no share)."""
    positive = net_revenue[net_revenue > 0].sort_values(ascending=False)
    total = positive.sum()
    return positive / total if total > 0 else positive


def top_share(net_revenue: pd.Series, n: int) -> float:
    """Share of revenue of the n largest customers (fraction)."""
    return float(revenue_shares(net_revenue).head(n).sum())


def herfindahl_index(net_revenue: pd.Series) -> float:
    """HHI = sum of squared revenue shares x 10,000 (0-10,000)."""
    shares = revenue_shares(net_revenue)
    return float((shares ** 2).sum() * 10_000)


def risk_summary(net_revenue: pd.Series, net_profit: pd.Series, overdue_oldest: pd.Series | None,
                 credit_utilization: pd.Series | None, churn: pd.Series, decimals: int = 2) -> pd.DataFrame:
    """Concentration (Top-N shares, HHI), the oldest-bucket balance, customers
    over their limit, loss makers (count and NetProfit; empty when NetProfit
    is unknown for any customer) and churn risks."""
    loss = net_profit[net_profit < 0]
    known = net_profit.notna().all()
    rows = [
        ("Top1Share", top_share(net_revenue, 1)),
        ("Top5Share", top_share(net_revenue, 5)),
        ("Top10Share", top_share(net_revenue, 10)),
        ("HHI", herfindahl_index(net_revenue)),
        ("Overdue90PlusBalance", round_money(total(overdue_oldest), decimals) if overdue_oldest is not None else np.nan),
        ("CustomersOverLimit", float((credit_utilization > 1).sum()) if credit_utilization is not None else np.nan),
        ("LossMakingCustomers", float(len(loss)) if known else np.nan),
        ("LossMakingNetProfit", round_money(loss.sum(), decimals) if known else np.nan),
        ("ChurnRiskCustomers", float(churn.sum())),
    ]
    return pd.DataFrame(rows, columns=["Metric", "Value"])
