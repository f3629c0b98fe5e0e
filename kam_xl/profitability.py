"""Customer profitability: gross profit, activity-based cost-to-serve,
financing cost of receivables, net profit and the whale curve. Money in the
reporting currency."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .frames import in_window, map_distinct, ratio, rank_descending, sum_by_customer
from .quality import WARNING, DataQuality
from .schema import normalize_name


def gross_profit(sales: pd.DataFrame, customer_ids: pd.Index, start, end) -> pd.DataFrame:
    """NetRevenue and COGS summed over the period; GrossProfit = NetRevenue -
    COGS; GrossMarginPct = GrossProfit / NetRevenue (empty when NetRevenue <= 0)."""
    period = in_window(sales, "Date", start, end)
    out = pd.DataFrame(index=customer_ids)
    out["NetRevenue"] = sum_by_customer(period, "NetRevenue", customer_ids)
    out["COGS"] = sum_by_customer(period.assign(COGS=period["COGS"].fillna(0.0)), "COGS", customer_ids)
    out["GrossProfit"] = out["NetRevenue"] - out["COGS"]
    out["GrossMarginPct"] = ratio(out["GrossProfit"], out["NetRevenue"])
    return out


def cost_to_serve(activities: pd.DataFrame | None, rates: pd.DataFrame | None, customer_ids: pd.Index,
                  start, end, dq: DataQuality | None = None) -> pd.Series:
    """CostToServe = sum(DriverQuantity x Rate) + sum(DirectCost) over the
    period's activities. An activity with no rate costs nothing for its
    drivers and is logged once as a DataQuality warning. Empty when there is
    no Activities table."""
    if activities is None:
        return pd.Series(np.nan, index=customer_ids, dtype="float64")
    period = in_window(activities, "Date", start, end)
    rate_by_key = {} if rates is None else dict(zip(rates["Activity"].map(normalize_name), rates["Rate"]))
    keys = map_distinct(period["Activity"], normalize_name)
    rate = keys.map(rate_by_key).astype("float64")
    driven = period["DriverQuantity"].fillna(0.0) != 0
    unrated = rate.isna() & driven
    if dq is not None and unrated.any():
        for activity, rows in period[unrated].groupby(keys[unrated], sort=False)["_row"]:
            name = period.loc[rows.index[0], "Activity"]
            dq.add(WARNING, "Activities", "activity.no_rate", int(rows.iloc[0]), "Activity", name, name=name,
                   count=len(rows))
    cost = period["DriverQuantity"].fillna(0.0) * rate.fillna(0.0) + period["DirectCost"].fillna(0.0)
    return sum_by_customer(period.assign(_cost=cost), "_cost", customer_ids)


def financing_cost(average_ar: pd.Series, cost_of_capital: float, period_days: int) -> pd.Series:
    """FinancingCost = AverageAR x CostOfCapital x period days / 365 (currency)."""
    return average_ar * cost_of_capital * period_days / 365.0


def profitability(gross: pd.DataFrame, cost_to_serve_: pd.Series, financing_cost_: pd.Series) -> pd.DataFrame:
    """NetProfit = GrossProfit - CostToServe - FinancingCost (a missing part
    counts as 0); NetMarginPct = NetProfit / NetRevenue; ProfitRank 1 = most
    profitable, ties by CustomerID."""
    out = gross.copy()
    out["CostToServe"] = cost_to_serve_
    out["FinancingCost"] = financing_cost_
    out["NetProfit"] = out["GrossProfit"] - out["CostToServe"].fillna(0.0) - out["FinancingCost"].fillna(0.0)
    out["NetMarginPct"] = ratio(out["NetProfit"], out["NetRevenue"])
    out["ProfitRank"] = rank_descending(out["NetProfit"])
    return out


def whale_curve(profit: pd.DataFrame) -> pd.DataFrame:
    """Customers by ProfitRank; CumulativeCustomerShare = position / n;
    CumulativeProfitShare = running NetProfit / total NetProfit (empty when
    the total is <= 0). The curve rises above 1 when loss makers exist."""
    ordered = profit.sort_values("ProfitRank")
    total = ordered["NetProfit"].sum()
    return pd.DataFrame({
        "ProfitRank": ordered["ProfitRank"].to_numpy(),
        "CustomerID": ordered.index.to_numpy(),
        "CumulativeCustomerShare": np.arange(1, len(ordered) + 1) / max(len(ordered), 1),
        "CumulativeProfitShare": (ordered["NetProfit"].cumsum() / total).to_numpy() if total > 0 else np.nan,
    })
