"""Targets and attainment (目标达成): how much of each customer's and each
account manager's target for revenue, gross profit and collections was
reached, in the period and year to date. Money in the reporting currency."""
from __future__ import annotations

import numpy as np
import pandas as pd

from kam_xl.domain.frames import in_window, ratio, round_money, totals_by

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
    actual = _Actuals(sales, payments, managers, covered, decimals)
    name_of = names.to_dict()
    rows = []
    for window, start, end in windows(period_start, period_end):
        inside = targets[(targets["Start"] >= start) & (targets["End"] <= end)]
        # One line per target and measure, grouped by key (in order of first appearance) and measure.
        lines = (inside.assign(_key=inside.groupby(["Level", "Key"], sort=False).ngroup())
                 .melt(id_vars=["_key", "Level", "Key", "Start", "End"], value_vars=list(MEASURES),
                       var_name="Measure", value_name="Target").dropna(subset=["Target"]))
        lines["_measure"] = lines["Measure"].map(MEASURES.index)
        lines = lines.sort_values(["_key", "_measure"], kind="stable").reset_index(drop=True)
        if lines.empty:
            continue
        key, measure = lines["_key"].to_numpy(), lines["_measure"].to_numpy()
        first = np.flatnonzero(np.r_[True, (key[1:] != key[:-1]) | (measure[1:] != measure[:-1])])
        # Summed line by line in order, as sum() would (an unknown line leaves the sum unknown).
        target = np.add.reduceat(lines["Target"].to_numpy(dtype="float64"), first)
        done = np.add.reduceat(actual.of(lines), first)
        since = pd.DatetimeIndex(np.minimum.reduceat(lines["Start"].to_numpy(), first)).date
        until = pd.DatetimeIndex(np.maximum.reduceat(lines["End"].to_numpy(), first)).date
        heads = lines.iloc[first]
        rows += [(level, key, name_of.get(key, key) if level == "Customer" else key, window, f"{a} – {b}", measure,
                  float(t), d) for level, key, measure, a, b, t, d in
                 zip(heads["Level"], heads["Key"], heads["Measure"], since, until, target, done)]
    table = pd.DataFrame(rows, columns=["Level", "Key", "Name", "Window", "Period", "Measure", "Target", "Actual"])
    table[["Target", "Actual"]] = round_money(table[["Target", "Actual"]].astype("float64"), decimals)
    table["Attainment"] = ratio(table["Actual"], table["Target"])
    table["Variance"] = round_money(table["Actual"] - table["Target"], decimals)
    return table


class _Actuals:
    """Each target line's measure over its own period: for its customer, or
    summed over the manager's customers (empty when a part is unknown, when
    the key is unknown, or when ``covered`` says the data do not cover the
    period). The figures of each period are worked out once."""

    def __init__(self, sales, payments, managers: pd.Series, covered, decimals: int):
        self.sales, self.payments, self.managers, self.covered, self.decimals = \
            sales, payments, managers, covered, decimals
        self.periods: dict = {}

    def of(self, lines: pd.DataFrame) -> np.ndarray:
        """The actual of each of ``lines`` (Level, Key, Start, End and _measure, the measure's position in
        MEASURES; a RangeIndex)."""
        values = np.full(len(lines), np.nan)
        for (start, end), part in lines.groupby(["Start", "End"], sort=False):
            shown = np.array([self.covered(m, start, end) for m in MEASURES])[part["_measure"].to_numpy()]
            if not shown.any():
                continue
            for level, rows in part[shown].groupby("Level", sort=False):
                table = self._figures(start, end)[level].reindex(rows["Key"].to_numpy())
                values[rows.index] = table.to_numpy()[np.arange(len(rows)), rows["_measure"].to_numpy()]
        return values

    def _figures(self, start: pd.Timestamp, end: pd.Timestamp) -> dict[str, pd.DataFrame]:
        if (start, end) not in self.periods:
            by_customer = actuals(self.sales, self.payments, start, end,
                                  pd.Index(self.managers.index, name="CustomerID"), self.decimals)[list(MEASURES)]
            self.periods[start, end] = {"Customer": by_customer, "AccountManager": totals_by(
                by_customer, [self.managers], list(MEASURES), sort=False)}
        return self.periods[start, end]
