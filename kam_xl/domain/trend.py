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


def _by_month(frame: pd.DataFrame | None, date: str, value: str, months: pd.DataFrame,
              customer_ids: pd.Index) -> pd.DataFrame:
    """customer x month sums of ``value`` over rows dated in each month up to its Through date."""
    columns = pd.Index(months["Month"])
    if frame is None:
        return pd.DataFrame(0.0, index=customer_ids, columns=columns)
    dated = frame[(frame[date] >= months["Month"].iloc[0]) & (frame[date] <= months["Through"].iloc[-1])]
    month = dated[date].dt.to_period("M").dt.to_timestamp()
    sums = dated.groupby([dated["CustomerID"], month])[value].sum().unstack()
    return sums.reindex(index=customer_ids, columns=columns).fillna(0.0)


def _balances(invoices: pd.DataFrame, payments: pd.DataFrame | None, dates: pd.Series,
              customer_ids: pd.Index) -> pd.DataFrame:
    """customer x date: invoices dated <= date - payments dated <= date (the AR at the end of each date)."""
    def cumulative(frame, date, sign):
        if frame is None or frame.empty:
            return pd.DataFrame(0.0, index=customer_ids, columns=pd.Index(dates))
        position = np.searchsorted(dates.to_numpy(), frame[date].to_numpy(), side="left")
        sums = frame.assign(_at=position).groupby(["CustomerID", "_at"])["Amount"].sum().unstack(fill_value=0.0)
        sums = sums.reindex(index=customer_ids, columns=range(len(dates) + 1), fill_value=0.0).fillna(0.0)
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
    revenue = _by_month(sales, "Date", "NetRevenue", months, customer_ids)
    cost = _by_month(sales, "Date", "COGS", months, customer_ids)
    cost_unknown = _by_month(sales.assign(_unknown=sales["COGS"].isna().astype(float)), "Date", "_unknown",
                             months, customer_ids) > 0
    gross = (revenue - cost).mask(cost_unknown)
    serve = _by_month(activity_costs, "Date", "Cost", months, customer_ids)
    days = pd.Series(months["Days"].to_numpy(), index=pd.Index(months["Month"]))
    figures = {"NetRevenue": revenue, "GrossProfit": gross}
    if invoices is not None:
        closing = _balances(invoices, payments, months["Through"], customer_ids)
        opening = _balances(invoices, payments, months["Month"] - pd.Timedelta(days=1), customer_ids)
        closing.columns = opening.columns = pd.Index(months["Month"])
        average = ((opening + closing) / 2).loc[:, opening_known.to_numpy()].reindex(columns=closing.columns)
        receipts = _by_month(payments, "PaymentDate", "Amount", months, customer_ids)
        figures.update(Collections=receipts if payments is not None else receipts * np.nan,
                       CreditSales=_by_month(invoices, "InvoiceDate", "Amount", months, customer_ids),
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
