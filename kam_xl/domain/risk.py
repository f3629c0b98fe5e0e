"""Portfolio risk: concentration, overdue exposure, limits, loss makers, churn."""
from __future__ import annotations

import numpy as np
import pandas as pd

from kam_xl.domain.frames import ratio, round_money, total, totals_by


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
                 credit_utilization: pd.Series | None, churn: pd.Series, decimals: int = 2,
                 group_revenue: pd.Series | None = None) -> pd.DataFrame:
    """Concentration (Top-N shares, HHI) by customer and by group (集团: a
    group buying through five subsidiaries is one risk; ``group_revenue`` is
    NetRevenue per group, by customer when None), the oldest-bucket balance,
    customers over their limit, loss makers (count and NetProfit; empty when
    NetProfit is unknown for any customer) and churn risks."""
    loss = net_profit[net_profit < 0]
    known = net_profit.notna().all()
    groups = net_revenue if group_revenue is None else group_revenue
    rows = [
        ("Top1Share", top_share(net_revenue, 1)),
        ("Top5Share", top_share(net_revenue, 5)),
        ("Top10Share", top_share(net_revenue, 10)),
        ("HHI", herfindahl_index(net_revenue)),
        ("GroupTop1Share", top_share(groups, 1)),
        ("GroupTop5Share", top_share(groups, 5)),
        ("GroupHHI", herfindahl_index(groups)),
        ("Overdue90PlusBalance",
         round_money(total(overdue_oldest), decimals) if overdue_oldest is not None else np.nan),
        ("CustomersOverLimit", float((credit_utilization > 1).sum()) if credit_utilization is not None else np.nan),
        ("LossMakingCustomers", float(len(loss)) if known else np.nan),
        ("LossMakingNetProfit", round_money(loss.sum(), decimals) if known else np.nan),
        ("ChurnRiskCustomers", float(churn.sum())),
    ]
    return pd.DataFrame(rows, columns=["Metric", "Value"])


def group_exposure(group_of: pd.Series, names: pd.Series, profit: pd.DataFrame, receivables: pd.DataFrame | None,
                   credit_limit: pd.Series, overdue_columns: list[str], decimals: int) -> pd.DataFrame:
    """One row per customer group (``group_of``: CustomerID -> ParentID, a
    customer without a ParentID being its own group), largest NetRevenue
    first. GroupName is the name of the customer whose ID is the ParentID, if
    it is one. NetRevenue, GrossProfit, NetProfit, OpenBalance, OverdueBalance
    (all the overdue buckets), the oldest bucket (``overdue_columns[-1]``,
    Overdue90Plus by default) and CreditLimit are sums over the members
    (currency), each empty when any member's figure is unknown;
    RevenueShare = NetRevenue / Σ NetRevenue; CreditUtilization =
    OpenBalance / CreditLimit (fraction; empty when the limit is 0 or unknown)."""
    oldest = overdue_columns[-1]
    members = pd.DataFrame({"ParentID": group_of}).join(profit[["NetRevenue", "GrossProfit", "NetProfit"]])
    if receivables is not None:
        members["OpenBalance"] = receivables["OpenBalance"]
        members["OverdueBalance"] = receivables[overdue_columns].sum(axis=1, skipna=False)
        members[oldest] = receivables[oldest]
    else:
        members["OpenBalance"] = members["OverdueBalance"] = members[oldest] = np.nan
    members["CreditLimit"] = credit_limit.reindex(members.index)
    money = ["NetRevenue", "GrossProfit", "NetProfit", "OpenBalance", "OverdueBalance", oldest, "CreditLimit"]
    group = members["ParentID"]
    table = (pd.concat([members.groupby(group, sort=False).size().rename("Customers"),
                        totals_by(members, [group], money, sort=False)], axis=1)
             .sort_values("NetRevenue", ascending=False, kind="stable").reset_index())
    table[money] = round_money(table[money], decimals)
    table.insert(1, "GroupName", table["ParentID"].map(names))
    revenue = profit["NetRevenue"].sum()
    table["RevenueShare"] = table["NetRevenue"] / revenue if revenue > 0 else np.nan
    table["CreditUtilization"] = ratio(table["OpenBalance"], table["CreditLimit"])
    return table
