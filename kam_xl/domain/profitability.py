"""Customer profitability: gross profit, activity-based cost-to-serve,
financing cost of receivables, net profit and the whale curve. Money in the
reporting currency."""
from __future__ import annotations

import numpy as np
import pandas as pd

from kam_xl.contract import normalize_name
from kam_xl.domain.frames import (
    in_window,
    map_distinct,
    per_customer,
    rank_descending,
    ratio,
    round_money,
    sum_by_customer,
    total,
)
from kam_xl.quality import WARNING, DataQuality


def gross_profit(sales: pd.DataFrame, customer_ids: pd.Index, start, end, decimals: int = 2) -> pd.DataFrame:
    """NetRevenue and COGS summed over the period; GrossProfit = NetRevenue -
    COGS; GrossMarginPct = GrossProfit / NetRevenue (empty when NetRevenue <= 0).
    A customer with any line of the period whose COGS is blank has COGS and
    GrossProfit empty: its cost is unknown, not zero."""
    period = in_window(sales, "Date", start, end)
    out = pd.DataFrame(index=customer_ids)
    out["NetRevenue"] = round_money(sum_by_customer(period, "NetRevenue", customer_ids), decimals)
    cost_unknown = period["COGS"].isna().groupby(period["CustomerID"], sort=False).any()
    cogs = round_money(sum_by_customer(period, "COGS", customer_ids), decimals)
    out["COGS"] = cogs.where(~per_customer(cost_unknown, customer_ids, False).astype(bool))
    out["GrossProfit"] = round_money(out["NetRevenue"] - out["COGS"], decimals)
    out["GrossMarginPct"] = ratio(out["GrossProfit"], out["NetRevenue"])
    return out


def activity_costs(activities: pd.DataFrame, rates: pd.DataFrame | None,
                   dq: DataQuality | None = None) -> pd.DataFrame:
    """Each activity's cost = DriverQuantity x Rate + DirectCost (currency):
    Date, CustomerID, Cost. An activity with no rate costs nothing for its
    drivers and is logged once as a DataQuality warning."""
    rate_by_key = {} if rates is None else dict(zip(rates["Activity"].map(normalize_name), rates["Rate"]))
    rate = map_distinct(activities["Activity"], lambda name: rate_by_key.get(normalize_name(name))).astype("float64")
    driven = activities["DriverQuantity"].fillna(0.0) != 0
    unrated = rate.isna() & driven
    if dq is not None and unrated.any():
        keys = map_distinct(activities["Activity"], normalize_name)
        for activity, rows in activities[unrated].groupby(keys[unrated], sort=False)["_row"]:
            name = activities.loc[rows.index[0], "Activity"]
            dq.add(WARNING, "Activities", "activity.no_rate", int(rows.iloc[0]), "Activity", name, name=name,
                   count=len(rows))
    cost = activities["DriverQuantity"].fillna(0.0) * rate.fillna(0.0) + activities["DirectCost"].fillna(0.0)
    return pd.DataFrame({"Date": activities["Date"], "CustomerID": activities["CustomerID"], "Cost": cost})


def cost_to_serve(activities: pd.DataFrame | None, rates: pd.DataFrame | None, customer_ids: pd.Index,
                  start, end, dq: DataQuality | None = None, decimals: int = 2) -> pd.Series:
    """CostToServe = sum of the period's :func:`activity_costs` (an unrated
    activity warned about once). Empty when there is no Activities table."""
    if activities is None:
        return pd.Series(np.nan, index=customer_ids, dtype="float64")
    costs = activity_costs(in_window(activities, "Date", start, end), rates, dq)
    return round_money(sum_by_customer(costs, "Cost", customer_ids), decimals)


def financing_cost(average_ar: pd.Series, cost_of_capital: float, period_days: int, decimals: int = 2) -> pd.Series:
    """FinancingCost = AverageAR x CostOfCapital x period days / 365 (currency)."""
    return round_money(average_ar * cost_of_capital * period_days / 365.0, decimals)


def profitability(gross: pd.DataFrame, cost_to_serve_: pd.Series, financing_cost_: pd.Series,
                  absent: tuple[str, ...] = (), decimals: int = 2,
                  bad_debt_charge: pd.Series | None = None) -> pd.DataFrame:
    """NetProfit = GrossProfit - CostToServe - FinancingCost (- BadDebtCharge,
    the period's change in the bad-debt allowance, when given); NetMarginPct =
    NetProfit / NetRevenue; ProfitRank 1 = most profitable, ties by CustomerID.

    A part named in ``absent`` (its whole input table is missing: no
    Activities, no Invoices; DataQuality says so) counts as 0. A part unknown
    for one customer (COGS blank, opening receivables not covered by the data)
    leaves that customer's NetProfit and ProfitRank empty."""
    out = gross.copy()
    out["CostToServe"] = cost_to_serve_
    out["FinancingCost"] = financing_cost_
    parts = {name: out[name].fillna(0.0) if name in absent else out[name] for name in ("CostToServe", "FinancingCost")}
    net = out["GrossProfit"] - parts["CostToServe"] - parts["FinancingCost"]
    if bad_debt_charge is not None:
        out["BadDebtCharge"] = bad_debt_charge
        net = net - bad_debt_charge
    out["NetProfit"] = round_money(net, decimals)
    out["NetMarginPct"] = ratio(out["NetProfit"], out["NetRevenue"])
    out["ProfitRank"] = rank_descending(out["NetProfit"]).where(out["NetProfit"].notna())
    return out


def whale_curve(profit: pd.DataFrame) -> pd.DataFrame:
    """Customers by ProfitRank; CumulativeCustomerShare = position / n;
    CumulativeProfitShare = running NetProfit / total NetProfit (empty when
    the total is <= 0 or unknown for any customer). The curve rises above 1
    when loss makers exist."""
    ordered = profit.sort_values("ProfitRank")
    total_profit = total(ordered["NetProfit"])
    return pd.DataFrame({
        "ProfitRank": ordered["ProfitRank"].to_numpy(),
        "CustomerID": ordered.index.to_numpy(),
        "CumulativeCustomerShare": np.arange(1, len(ordered) + 1) / max(len(ordered), 1),
        "CumulativeProfitShare": ((ordered["NetProfit"].cumsum() / total_profit).to_numpy() if total_profit > 0
                                  else np.nan),
    })
