"""Month by month: the figures of each customer per calendar month, and their
totals by tier, industry and account manager, so that a month end shows the
history and not one snapshot. Money in the reporting currency."""
from __future__ import annotations

import numpy as np
import pandas as pd

from kam_xl.contract import MONEY, OUTPUTS, TREND_DIMENSIONS
from kam_xl.domain.frames import ratio, round_money, totals_by

# The money summed per month (Trend's money columns); the ratios are rebuilt from the sums.
TREND_MONEY = [c.name for c in OUTPUTS["Trend"].columns if c.kind == MONEY]
DIMENSIONS = TREND_DIMENSIONS   # the monthly totals are by these columns of Classification


def trend_months(as_of: pd.Timestamp, months: int) -> pd.DataFrame:
    """The ``months`` calendar months up to the one holding AsOfDate, oldest
    first: Month (its first day), Through (its last day, or AsOfDate for the
    month in progress), Days (days in [Month, Through])."""
    last = as_of.to_period("M")
    periods = pd.period_range(last - months + 1, last, freq="M")
    starts = periods.to_timestamp(how="start")
    ends = periods.to_timestamp(how="end").normalize()
    through = ends.where(ends <= as_of, as_of)
    return pd.DataFrame({"Month": starts, "Through": through, "Days": (through - starts).days + 1})


def _grid(frame: pd.DataFrame, position: np.ndarray, size: int, values: list[str],
          customer_ids: pd.Index) -> dict[str, pd.DataFrame]:
    """customer x position (0 .. size - 1) sums of each of ``values`` over the rows of ``frame``, 0 where no
    row (or the sum is not a number); rows of other customers are left out. Summed as a groupby on the
    CustomerID and the position sums (each group's rows in their order, blanks skipped), but grouped on one
    integer per pair: the customer's place in ``customer_ids`` x size + the position."""
    columns = pd.RangeIndex(size)
    if not customer_ids.is_unique:   # a place per customer needs each customer once
        keys = [frame["CustomerID"], pd.Series(position, index=frame.index)]
        sums = frame.groupby(keys)[values].sum()
        return {v: sums[v].unstack().reindex(index=customer_ids, columns=columns).fillna(0.0) for v in values}
    # each distinct ID looked up once (a look-up of every row's text is several times slower)
    codes, distinct = pd.factorize(frame["CustomerID"])
    place = np.append(customer_ids.get_indexer(distinct), -1)[codes]   # a blank ID (code -1) is no customer's
    known = place >= 0
    key = place[known].astype(np.int64) * size + position[known]
    sums = frame.loc[known, values].groupby(key, sort=False).sum()
    result = {}
    for v in values:
        grid = np.full(len(customer_ids) * size, np.nan)
        grid[sums.index.to_numpy()] = sums[v].to_numpy()
        result[v] = pd.DataFrame(grid.reshape(len(customer_ids), size), index=customer_ids, columns=columns).fillna(0.0)
    return result


def _by_month(frame: pd.DataFrame | None, date: str, values: list[str], months: pd.DataFrame,
              customer_ids: pd.Index) -> dict[str, pd.DataFrame]:
    """customer x month sums of each of ``values`` over rows dated in each month up to its Through date."""
    columns = pd.Index(months["Month"])
    if frame is None:
        return {v: pd.DataFrame(0.0, index=customer_ids, columns=columns) for v in values}
    dated = frame[(frame[date] >= months["Month"].iloc[0]) & (frame[date] <= months["Through"].iloc[-1])]
    # the calendar month of each date: the last month starting on or before it (the months run unbroken)
    position = np.searchsorted(months["Month"].to_numpy(dtype="datetime64[ns]"),
                               dated[date].to_numpy(dtype="datetime64[ns]"), side="right") - 1
    grids = _grid(dated, position, len(months), values, customer_ids)
    for grid in grids.values():
        grid.columns = columns
    return grids


def _balances(invoices: pd.DataFrame, payments: pd.DataFrame | None, dates: pd.Series,
              customer_ids: pd.Index) -> pd.DataFrame:
    """customer x date: invoices dated <= date - payments dated <= date (the AR at the end of each date)."""
    def cumulative(frame, date, sign):
        if frame is None or frame.empty:
            return pd.DataFrame(0.0, index=customer_ids, columns=pd.Index(dates))
        position = np.searchsorted(dates.to_numpy(), frame[date].to_numpy(), side="left")
        sums = _grid(frame, position, len(dates) + 1, ["Amount"], customer_ids)["Amount"]
        running = sums.cumsum(axis=1).iloc[:, :len(dates)]
        running.columns = pd.Index(dates)
        return sign * running
    return cumulative(invoices, "InvoiceDate", 1.0) + cumulative(payments, "PaymentDate", -1.0)


def customer_trend(sales: pd.DataFrame, activity_costs: pd.DataFrame | None, invoices: pd.DataFrame | None,
                   payments: pd.DataFrame | None, customer_ids: pd.Index, months: pd.DataFrame,
                   opening_known: pd.Series, cost_of_capital: float, decimals: int) -> pd.DataFrame:
    """One row per customer and month (``months`` of :func:`trend_months`):
    NetRevenue, GrossProfit (empty when a line of the month has no COGS),
    GrossMarginPct; NetProfit = GrossProfit - CostToServe - FinancingCost,
    with FinancingCost = AverageAR x CostOfCapital x Days / 365 (a part counts
    as 0 when its whole table is absent); Collections (receipts dated in the
    month), CreditSales (invoices dated in the month), ClosingAR (at Through),
    AverageAR = (AR the day before the month + ClosingAR) / 2, and DSO = Days x
    AverageAR / CreditSales (days). Figures needing the opening balance are
    empty for months whose ``opening_known`` is False."""
    lines = _by_month(sales.assign(_unknown=sales["COGS"].isna().astype(float)), "Date",
                      ["NetRevenue", "COGS", "_unknown"], months, customer_ids)
    revenue, cost, cost_unknown = lines["NetRevenue"], lines["COGS"], lines["_unknown"] > 0
    gross = (revenue - cost).mask(cost_unknown)
    serve = _by_month(activity_costs, "Date", ["Cost"], months, customer_ids)["Cost"]
    days = pd.Series(months["Days"].to_numpy(), index=pd.Index(months["Month"]))
    figures = {"NetRevenue": revenue, "GrossProfit": gross}
    if invoices is not None:
        closing = _balances(invoices, payments, months["Through"], customer_ids)
        opening = _balances(invoices, payments, months["Month"] - pd.Timedelta(days=1), customer_ids)
        closing.columns = opening.columns = pd.Index(months["Month"])
        average = ((opening + closing) / 2).loc[:, opening_known.to_numpy()].reindex(columns=closing.columns)
        receipts = _by_month(payments, "PaymentDate", ["Amount"], months, customer_ids)["Amount"]
        figures.update(Collections=receipts if payments is not None else receipts * np.nan,
                       CreditSales=_by_month(invoices, "InvoiceDate", ["Amount"], months, customer_ids)["Amount"],
                       ClosingAR=closing, AverageAR=average)
        financing = average * cost_of_capital * days / 365.0
    else:
        financing = pd.DataFrame(0.0, index=customer_ids, columns=revenue.columns)
    figures["NetProfit"] = gross - serve - financing.round(decimals)
    long = pd.concat({name: frame.stack() for name, frame in figures.items()}, axis=1)
    long.index.names = ["CustomerID", "Month"]
    long = long.reset_index().merge(months[["Month", "Through", "Days"]], on="Month")
    for name in TREND_MONEY:
        if name not in long:
            long[name] = np.nan
    long[TREND_MONEY] = round_money(long[TREND_MONEY], decimals)
    long["GrossMarginPct"] = ratio(long["GrossProfit"], long["NetRevenue"])
    long["DSO"] = ratio(long["Days"] * long["AverageAR"], long["CreditSales"])
    return long.sort_values(["Month", "CustomerID"], kind="stable").reset_index(drop=True)


def trend_summary(trend: pd.DataFrame, groups: pd.DataFrame, decimals: int) -> pd.DataFrame:
    """The monthly totals of the portfolio (Dimension Total) and of each
    of DIMENSIONS, ABCTier, Industry and AccountManager (``groups``: CustomerID
    and those columns): the sums of TREND_MONEY (empty when any customer's figure is
    unknown), GrossMarginPct = GrossProfit / NetRevenue, DSO = Days x
    AverageAR / CreditSales, NetRevenueMoM = NetRevenue / the month before's
    - 1 and NetRevenueYoY = NetRevenue / the same month a year before - 1
    (empty where that month is not in ``trend`` or had no revenue, and for a
    month still in progress)."""
    joined = trend.merge(groups, on="CustomerID", how="left").assign(Total="")
    parts = []
    for dimension in ("Total", *DIMENSIONS):
        keys = [joined[dimension], joined["Month"]]
        days = joined.groupby(keys, sort=True, dropna=False)["Days"].first()
        sums = (pd.concat([days, totals_by(joined, keys, TREND_MONEY, sort=True)], axis=1).reset_index()
                .rename(columns={dimension: "Segment"}))
        sums.insert(0, "Dimension", dimension)
        parts.append(sums)
    table = pd.concat(parts, ignore_index=True)
    table[TREND_MONEY] = round_money(table[TREND_MONEY], decimals)
    table["GrossMarginPct"] = ratio(table["GrossProfit"], table["NetRevenue"])
    table["DSO"] = ratio(table["Days"] * table["AverageAR"], table["CreditSales"])
    revenue = table.set_index(["Dimension", "Segment", "Month"])["NetRevenue"]

    def earlier(months: int) -> pd.Series:
        keys = pd.MultiIndex.from_arrays([table["Dimension"], table["Segment"],
                                          table["Month"] - pd.DateOffset(months=months)])
        return pd.Series(revenue.reindex(keys).to_numpy(), index=table.index)
    whole = table["Days"] == table["Month"].dt.days_in_month   # a month in progress is not compared
    table["NetRevenueMoM"] = (ratio(table["NetRevenue"], earlier(1)) - 1).where(whole)
    table["NetRevenueYoY"] = (ratio(table["NetRevenue"], earlier(12)) - 1).where(whole)
    return table
