"""Targets and attainment (目标达成): how much of each customer's and each
account manager's target for revenue, gross profit and collections was
reached, in the period and year to date. Money in the reporting currency."""
from __future__ import annotations

import numpy as np
import pandas as pd

from kam_xl.domain.frames import in_window, ratio, round_money

MEASURES = ("Revenue", "GrossProfit", "Collections")


def windows(period_start: pd.Timestamp, period_end: pd.Timestamp) -> list[tuple[str, pd.Timestamp, pd.Timestamp]]:
    """The report's windows: Period = [PeriodStart, PeriodEnd]; YearToDate =
    [1 January of PeriodEnd's year, PeriodEnd]."""
    return [("Period", period_start, period_end), ("YearToDate", pd.Timestamp(period_end.year, 1, 1), period_end)]


def actuals(sales: pd.DataFrame, payments: pd.DataFrame | None, start: pd.Timestamp,
            end: pd.Timestamp, customer_ids: pd.Index, decimals: int = 2) -> pd.DataFrame:
    """Per customer over [start, end]: Revenue = Σ NetRevenue, GrossProfit =
    Σ (NetRevenue - COGS) (empty when a line has no COGS), Collections = Σ
    receipts (empty without Payments)."""
    lines = in_window(sales, "Date", start, end)
    by_customer = lines.groupby("CustomerID")
    revenue = by_customer["NetRevenue"].sum().reindex(customer_ids).fillna(0.0)
    cost = by_customer["COGS"].sum().reindex(customer_ids).fillna(0.0)
    cost_unknown = lines["COGS"].isna().groupby(lines["CustomerID"]).any().reindex(customer_ids).fillna(False)
    table = pd.DataFrame({"Revenue": revenue, "GrossProfit": (revenue - cost).where(~cost_unknown.astype(bool))},
                         index=customer_ids)
    if payments is None:
        table["Collections"] = np.nan
    else:
        received = in_window(payments, "PaymentDate", start, end).groupby("CustomerID")["Amount"].sum()
        table["Collections"] = received.reindex(customer_ids).fillna(0.0)
    return round_money(table, decimals)


def attainment(targets: pd.DataFrame, sales: pd.DataFrame, payments: pd.DataFrame | None, managers: pd.Series,
               names: pd.Series, period_start: pd.Timestamp, period_end: pd.Timestamp,
               covered=lambda measure, start, end: True, decimals: int = 2) -> pd.DataFrame:
    """One row per level (Customer | AccountManager), key, window (see
    :func:`windows`) and measure with a target there. ``targets``: Level, Key,
    Start, End and the MEASURES (one key's periods for a measure do not
    overlap); ``managers``: CustomerID -> AccountManager; ``names``:
    CustomerID -> CustomerName. The targets counted in a window are those
    whose period lies wholly in it: Target = their sum; Actual = the measure
    over those same periods, for the customer or summed over the manager's
    customers (empty when ``covered`` says the data do not cover a period, or
    a customer's gross profit is unknown); Period = from the first counted
    period's start to the last one's end; Attainment = Actual / Target
    (fraction, empty when Target <= 0); Variance = Actual - Target."""
    customer_ids = pd.Index(managers.index, name="CustomerID")
    cache: dict = {}

    def actual(level: str, key: str, measure: str, start: pd.Timestamp, end: pd.Timestamp) -> float:
        if not covered(measure, start, end):
            return np.nan
        if (start, end) not in cache:
            by_customer = actuals(sales, payments, start, end, customer_ids, decimals)
            cache[start, end] = (by_customer, by_customer.groupby(managers).agg(
                lambda v: v.sum() if v.notna().all() else np.nan))
        by_customer, by_manager = cache[start, end]
        return (by_customer if level == "Customer" else by_manager)[measure].get(key, np.nan)

    rows = []
    for window, start, end in windows(period_start, period_end):
        inside = targets[(targets["Start"] >= start) & (targets["End"] <= end)]
        for (level, key), group in inside.groupby(["Level", "Key"], sort=False):
            for measure in MEASURES:
                counted = group[group[measure].notna()]
                if counted.empty:
                    continue
                done = sum(actual(level, key, measure, s, e) for s, e in zip(counted["Start"], counted["End"]))
                rows.append((level, key, names.get(key, key) if level == "Customer" else key, window,
                             f"{counted['Start'].min().date()} – {counted['End'].max().date()}", measure,
                             float(counted[measure].sum()), done))
    table = pd.DataFrame(rows, columns=["Level", "Key", "Name", "Window", "Period", "Measure", "Target", "Actual"])
    table[["Target", "Actual"]] = round_money(table[["Target", "Actual"]].astype("float64"), decimals)
    table["Attainment"] = ratio(table["Actual"], table["Target"])
    table["Variance"] = round_money(table["Actual"] - table["Target"], decimals)
    return table
