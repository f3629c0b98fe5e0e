"""kam-xl custom functions for Excel (xlwings UDFs).

Each function is a thin wrapper: Excel values in (kam_xl.excel.cells), one call to
the analysis core, Excel values out. Array-first: one formula handles a whole
column and spills. Bad input shows a short message in the cell, never a
traceback. Installed with kam-xl as the module ``kam_udfs``; in Excel:
xlwings add-in > Import Functions (UDF Modules = kam_udfs).
"""
from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import xlwings as xw

from kam_xl.contract import bucket_names
from kam_xl.domain.classification import abc_tiers, rfm_score
from kam_xl.domain.frames import ratio
from kam_xl.domain.models import fit_bgnbd
from kam_xl.domain.models.bgnbd import BetaGeoFit
from kam_xl.domain.receivables import aging_bucket, ar_turnover, average_ar, days_sales_outstanding
from kam_xl.domain.risk import herfindahl_index
from kam_xl.excel import cells
from kam_xl.inputs.params import parse_parameter


def ranges(*names):
    """Declare arguments that take cell ranges: always 2-D, error cells as text ('#N/A')."""
    def declare(function):
        for name in reversed(names):
            function = xw.arg(name, ndim=2, err_to_str=True)(function)
        return function
    return declare


def _cell_errors(function):
    """Turn bad input into a short message in the cell instead of a traceback."""
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except cells.CellInputError as exc:
            return f"#KAM! {function.__name__}: {exc}"
        except (ValueError, TypeError, KeyError) as exc:
            return f"#KAM! {function.__name__}: {exc}"
    return wrapper


@xw.func
@ranges("values", "customer_ids")
@xw.ret(expand="table")
@_cell_errors
def KAM_ABC(values, share_a: float = 0.8, share_b: float = 0.95, customer_ids=None):
    """ABC tier (A/B/C) of each value, in the order given.

    Ranked by value descending (ties by customer ID, or by position); A while
    the cumulative share of the values ranked above is below share_a, B below
    share_b, else C; values <= 0 are C.
    values: a column of amounts (e.g. NetRevenue). share_a, share_b: fractions.
    customer_ids: optional column of IDs for tie-breaking.
    Example: =KAM_ABC(Profitability[NetRevenue], 0.8, 0.95)
    """
    basis = cells.numbers(values, "values")
    ids = [str(v) for v in cells.flatten(customer_ids)] if customer_ids is not None else \
        [f"{i:09d}" for i in range(len(basis))]
    cells.same_length(values=basis, customer_ids=pd.Series(ids))
    a, b = cells.number(share_a, "share_a", 0.8), cells.number(share_b, "share_b", 0.95)
    tiers = abc_tiers(pd.Series(basis.to_numpy(), index=ids), a, b)["ABCTier"]
    return [[tier] for tier in tiers.reindex(ids).tolist()]


@xw.func
@ranges("revenue", "cogs")
@xw.ret(expand="table")
@_cell_errors
def KAM_GROSSMARGIN(revenue, cogs):
    """Gross margin (revenue - cogs) / revenue for each row; empty where revenue <= 0.

    revenue, cogs: columns of amounts of equal length. Result: fraction (format as %).
    Example: =KAM_GROSSMARGIN(Sales[NetRevenue], Sales[COGS])
    """
    rev, cost = cells.numbers(revenue, "revenue"), cells.numbers(cogs, "cogs")
    cells.same_length(revenue=rev, cogs=cost)
    return cells.column_of(ratio(rev - cost.fillna(0.0), rev))


@xw.func
@ranges("credit_sales", "opening_ar", "closing_ar")
@xw.ret(expand="table")
@_cell_errors
def KAM_ARTURNOVER(credit_sales, opening_ar, closing_ar):
    """Receivables turnover = credit sales / ((opening AR + closing AR) / 2), times per period.

    Empty where the average AR is <= 0. Arguments: amounts (columns of equal length or single cells).
    Example: =KAM_ARTURNOVER(C2:C50, D2:D50, E2:E50)
    """
    return cells.column_of(ar_turnover(*_sales_and_average(credit_sales, opening_ar, closing_ar)))


@xw.func
@ranges("credit_sales", "opening_ar", "closing_ar")
@xw.ret(expand="table")
@_cell_errors
def KAM_DSO(credit_sales, opening_ar, closing_ar, period_days: float = 365):
    """Days sales outstanding = period days / receivables turnover, in days.

    Empty where the turnover is <= 0. period_days: length of the period (e.g. 365 or 181).
    Example: =KAM_DSO(120000, 20000, 30000, 365)  ->  76.04
    """
    turnover = ar_turnover(*_sales_and_average(credit_sales, opening_ar, closing_ar))
    return cells.column_of(days_sales_outstanding(cells.number(period_days, "period_days", 365.0), turnover))


def _sales_and_average(credit_sales, opening_ar, closing_ar):
    sales, opening, closing = (cells.numbers(v, n) for v, n in
                               ((credit_sales, "credit_sales"), (opening_ar, "opening_ar"), (closing_ar, "closing_ar")))
    cells.same_length(credit_sales=sales, opening_ar=opening, closing_ar=closing)
    return sales, average_ar(opening, closing)


@xw.func
@ranges("due_dates", "open_amounts")
@xw.ret(expand="table")
@_cell_errors
def KAM_AGING(due_dates, open_amounts, as_of, buckets: str = "30,60,90"):
    """Open amounts by days overdue (as_of - due date) as one row: NotDue, then
    one column per bucket, e.g. 1-30, 31-60, 61-90, 90+ for "30,60,90".

    due_dates, open_amounts: columns of equal length (currency); a blank due date
    counts as not due. as_of: a date.
    Example: =KAM_AGING(Invoices[DueDate], H2:H200, Parameters!B2)
    """
    due, amounts = cells.dates(due_dates, "due_dates"), cells.numbers(open_amounts, "open_amounts")
    cells.same_length(due_dates=due, open_amounts=amounts)
    as_of_date = cells.dates([as_of], "as_of").iloc[0]
    if pd.isna(as_of_date):
        raise cells.CellInputError("as_of is required")
    limits = parse_parameter("AgingBuckets", buckets)
    bucket = aging_bucket((as_of_date - due).dt.days.fillna(0), limits)  # no due date: not due
    totals = amounts.fillna(0.0).groupby(bucket, observed=False).sum().reindex(bucket_names(limits)).fillna(0.0)
    return [[float(v) for v in totals]]


@xw.func
@ranges("recency_days", "frequency", "monetary")
@xw.ret(expand="table")
@_cell_errors
def KAM_RFM(recency_days, frequency, monetary):
    """R, F and M scores 1-5 (5 best): score = ceil(5 x rank / n), ties share the highest rank.

    recency_days: days since last purchase (lower is better; blank = never).
    frequency: purchase count. monetary: revenue. Result: three columns R, F, M.
    Example: =KAM_RFM(Classification[Recency], Classification[Frequency], Classification[Monetary])
    """
    r, f, m = (cells.numbers(v, n) for v, n in ((recency_days, "recency_days"), (frequency, "frequency"),
                                                  (monetary, "monetary")))
    cells.same_length(recency_days=r, frequency=f, monetary=m)
    scores = pd.DataFrame({"R": rfm_score(r, higher_is_better=False), "F": rfm_score(f), "M": rfm_score(m)})
    return cells.table_of(scores.astype(float), header=False)


@xw.func
@ranges("values")
@_cell_errors
def KAM_HHI(values):
    """Herfindahl-Hirschman index of concentration: sum of squared shares x 10,000 (0-10,000).

    values: a column of revenues; values <= 0 are left out.
    Example: =KAM_HHI(Profitability[NetRevenue])
    """
    return herfindahl_index(cells.numbers(values, "values").fillna(0.0))


def _history(frequency, recency_days, age_days):
    x, t_x, T = (cells.numbers(v, n) for v, n in ((frequency, "frequency"), (recency_days, "recency_days"),
                                                    (age_days, "age_days")))
    cells.same_length(frequency=x, recency_days=t_x, age_days=T)
    if (x.isna() | t_x.isna() | T.isna()).any():
        raise cells.CellInputError("frequency, recency_days and age_days may not be blank")
    if (x < 0).any() or (t_x < 0).any() or (T < t_x).any():
        raise cells.CellInputError("need frequency >= 0 and 0 <= recency_days <= age_days")
    return x.to_numpy(), t_x.to_numpy(), T.to_numpy()


def _fit(parameters) -> BetaGeoFit:
    values = cells.numbers(parameters, "bgnbd_params")
    if len(values) != 4 or values.isna().any() or (values <= 0).any():
        raise cells.CellInputError("bgnbd_params must be the 4 positive values r, alpha, a, b (KAM_BGNBD_FIT)")
    r, alpha, a, b = values.tolist()
    return BetaGeoFit(r, alpha, a, b, float("nan"), True, 0)


@xw.func
@ranges("frequency", "recency_days", "age_days")
@xw.ret(expand="table")
@_cell_errors
def KAM_BGNBD_FIT(frequency, recency_days, age_days):
    """Fit the BG/NBD model (Fader, Hardie & Lee 2005) by maximum likelihood.

    frequency: repeat purchase days; recency_days: last - first purchase;
    age_days: as-of date - first purchase. Result: one row r, alpha (days), a, b.
    Example: =KAM_BGNBD_FIT(Potential[Frequency], Potential[RecencyDays], Potential[AgeDays])
    """
    fit = fit_bgnbd(*_history(frequency, recency_days, age_days))
    if not fit.converged:
        raise cells.CellInputError("the fit did not converge")
    return [[fit.r, fit.alpha, fit.a, fit.b]]


@xw.func
@ranges("frequency", "recency_days", "age_days", "bgnbd_params")
@xw.ret(expand="table")
@_cell_errors
def KAM_PALIVE(frequency, recency_days, age_days, bgnbd_params):
    """Probability (0-1) that each customer is still active, from BG/NBD parameters.

    bgnbd_params: the 4 cells r, alpha, a, b returned by KAM_BGNBD_FIT.
    Example: =KAM_PALIVE(Potential[Frequency], Potential[RecencyDays], Potential[AgeDays], M2:P2)
    """
    fit = _fit(bgnbd_params)
    return cells.column_of(pd.Series(fit.p_alive(*_history(frequency, recency_days, age_days))))


@xw.func
@ranges("frequency", "recency_days", "age_days", "bgnbd_params")
@xw.ret(expand="table")
@_cell_errors
def KAM_EXPECTED_PURCHASES(frequency, recency_days, age_days, bgnbd_params, days: float = 365.25):
    """Expected purchases of each customer in the next `days` days (BG/NBD conditional expectation).

    bgnbd_params: r, alpha, a, b from KAM_BGNBD_FIT. days: horizon in days.
    Example: =KAM_EXPECTED_PURCHASES(Potential[Frequency], Potential[RecencyDays], Potential[AgeDays], M2:P2, 365.25)
    """
    fit = _fit(bgnbd_params)
    horizon = cells.number(days, "days", 365.25)
    return cells.column_of(pd.Series(np.asarray(fit.expected_purchases(horizon, *_history(frequency, recency_days, age_days)))))


def _table_result(name: str, **tables):
    results = cells.analyze_tables(tables)
    return cells.table_of(results.tables[name])


@xw.func
@ranges("sales", "activities", "activity_rates", "customers", "invoices", "payments", "parameters")
@xw.ret(expand="table")
@_cell_errors
def KAM_PROFITABILITY(sales, activities=None, activity_rates=None, customers=None, invoices=None, payments=None,
                      parameters=None):
    """The Profitability table (NetRevenue ... NetProfit, ProfitRank) from whole Excel Tables.

    Pass tables with their headers: =KAM_PROFITABILITY(Sales[#All], Activities[#All], ActivityRates[#All],
    Customers[#All], Invoices[#All], Payments[#All], Parameters[#All]); all but Sales are optional.
    """
    return _table_result("Profitability", Sales=sales, Activities=activities, ActivityRates=activity_rates,
                         Customers=customers, Invoices=invoices, Payments=payments, Parameters=parameters)


@xw.func
@ranges("invoices", "payments", "customers", "parameters")
@xw.ret(expand="table")
@_cell_errors
def KAM_RECEIVABLES(invoices, payments=None, customers=None, parameters=None):
    """The Receivables table (open balance, aging buckets, turnover, DSO, days to pay, credit risk).

    Example: =KAM_RECEIVABLES(Invoices[#All], Payments[#All], Customers[#All], Parameters[#All])
    """
    return _table_result("Receivables", Invoices=invoices, Payments=payments, Customers=customers,
                         Parameters=parameters)


@xw.func
@ranges("customers", "sales", "parameters")
@xw.ret(expand="table")
@_cell_errors
def KAM_CLASSIFICATION(customers, sales, parameters=None):
    """The Classification table (ABC tiers, RFM scores and segments, portfolio quadrant).

    Example: =KAM_CLASSIFICATION(Customers[#All], Sales[#All], Parameters[#All])
    """
    return _table_result("Classification", Customers=customers, Sales=sales, Parameters=parameters)


@xw.func
@ranges("customers", "sales", "invoices", "payments", "activities", "activity_rates", "contacts", "industry_outlook", "parameters")
@xw.ret(expand="table")
@_cell_errors
def KAM_TABLE(table_name: str, customers, sales, invoices=None, payments=None, activities=None, activity_rates=None,
              contacts=None, industry_outlook=None, parameters=None):
    """Any output table of kam-xl by name (Classification, Segments, Profitability, WhaleCurve,
    Receivables, Relationship, Potential, ModelParameters, Strategy, RiskSummary, KPIs, DataQuality).

    Example: =KAM_TABLE("RiskSummary", Customers[#All], Sales[#All], Invoices[#All], Payments[#All])
    """
    results = cells.analyze_tables({"Customers": customers, "Sales": sales, "Invoices": invoices, "Payments": payments,
                                    "Activities": activities, "ActivityRates": activity_rates, "Contacts": contacts,
                                    "IndustryOutlook": industry_outlook, "Parameters": parameters})
    if table_name not in results.tables:
        raise cells.CellInputError(f"no table {table_name!r}; have {', '.join(results.tables)}")
    return cells.table_of(results.tables[table_name])
