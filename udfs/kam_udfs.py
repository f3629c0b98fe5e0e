"""kam-xl custom functions for Excel (xlwings UDFs).

Each function is a thin declaration (arguments, help text) of the function of
the same name in kam_xl.excel.functions, which does the work. Array-first: one formula handles a whole
column and spills. Bad input shows a short message in the cell, never a
traceback. Installed with kam-xl as the module ``kam_udfs``; in Excel:
xlwings add-in > Import Functions (UDF Modules = kam_udfs).
"""
from __future__ import annotations

import functools

import xlwings as xw

from kam_xl.excel import cells, functions


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
    return functions.abc_tiers_of(values, share_a, share_b, customer_ids)


@xw.func
@ranges("revenue", "cogs")
@xw.ret(expand="table")
@_cell_errors
def KAM_GROSSMARGIN(revenue, cogs):
    """Gross margin (revenue - cogs) / revenue for each row; empty where revenue <= 0 or cogs is blank.

    revenue, cogs: columns of amounts of equal length. Result: fraction (format as %).
    Example: =KAM_GROSSMARGIN(Sales[NetRevenue], Sales[COGS])
    """
    return functions.gross_margin(revenue, cogs)


@xw.func
@ranges("credit_sales", "opening_ar", "closing_ar")
@xw.ret(expand="table")
@_cell_errors
def KAM_ARTURNOVER(credit_sales, opening_ar, closing_ar):
    """Receivables turnover = credit sales / ((opening AR + closing AR) / 2), times per period.

    Empty where the average AR is <= 0. Arguments: amounts (columns of equal length or single cells).
    Example: =KAM_ARTURNOVER(C2:C50, D2:D50, E2:E50)
    """
    return functions.receivables_turnover(credit_sales, opening_ar, closing_ar)


@xw.func
@ranges("credit_sales", "opening_ar", "closing_ar")
@xw.ret(expand="table")
@_cell_errors
def KAM_DSO(credit_sales, opening_ar, closing_ar, period_days: float = 365):
    """Days sales outstanding = period days / receivables turnover, in days.

    Empty where the turnover is <= 0. period_days: length of the period (e.g. 365 or 181).
    Example: =KAM_DSO(120000, 20000, 30000, 365)  ->  76.04
    """
    return functions.days_sales_outstanding_of(credit_sales, opening_ar, closing_ar, period_days)


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
    return functions.aging_of(due_dates, open_amounts, as_of, buckets)


@xw.func
@ranges("amounts", "ages", "bands", "rates")
@xw.ret(expand="table")
@_cell_errors
def KAM_PROVISION(amounts, ages, bands, rates):
    """Bad-debt allowance (坏账准备) per receivable = amount × the rate of its age band, in currency.

    amounts: open receivables; ages: their ages in days (from the invoice date, 账龄);
    bands: upper limits of the bands in days (inclusive; blank = no limit); rates: 5% or 0.05 per band.
    Example: =KAM_PROVISION(H2:H200, I2:I200, ProvisionRates[ToDays], ProvisionRates[Rate])
    """
    return functions.provision_of(amounts, ages, bands, rates)


@xw.func
@ranges("due_dates", "avg_days_late")
@xw.ret(expand="table")
@_cell_errors
def KAM_EXPECTED_RECEIPT_DATE(due_dates, avg_days_late):
    """Expected receipt date = due date + the customer's average days late (whole days; blank = on time).

    due_dates: a column of dates; avg_days_late: one figure, or one per due date.
    Example: =KAM_EXPECTED_RECEIPT_DATE(OpenItems[DueDate], 12)
    """
    return functions.expected_receipt_dates(due_dates, avg_days_late)


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
    return functions.rfm_scores(recency_days, frequency, monetary)


@xw.func
@ranges("values")
@_cell_errors
def KAM_HHI(values):
    """Herfindahl-Hirschman index of concentration: sum of squared shares x 10,000 (0-10,000).

    values: a column of revenues; values <= 0 are left out.
    Example: =KAM_HHI(Profitability[NetRevenue])
    """
    return functions.hhi(values)


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
    return functions.bgnbd_fit(frequency, recency_days, age_days)


@xw.func
@ranges("frequency", "recency_days", "age_days")
@xw.ret(expand="table")
@_cell_errors
def KAM_PARETO_FIT(frequency, recency_days, age_days):
    """Fit the Pareto/NBD model (Schmittlein, Morrison & Colombo 1987) by maximum likelihood.

    Arguments as KAM_BGNBD_FIT. Result: one row ParetoNBD, r, alpha (days), s, beta (days); give all
    five cells to KAM_PALIVE or KAM_EXPECTED_PURCHASES.
    Example: =KAM_PARETO_FIT(Potential[Frequency], Potential[RecencyDays], Potential[AgeDays])
    """
    return functions.pareto_fit(frequency, recency_days, age_days)


@xw.func
@ranges("frequency", "recency_days", "age_days", "model_params")
@xw.ret(expand="table")
@_cell_errors
def KAM_PALIVE(frequency, recency_days, age_days, model_params):
    """Probability (0-1) that each customer is still active, from BG/NBD or Pareto/NBD parameters.

    model_params: the 4 cells r, alpha, a, b returned by KAM_BGNBD_FIT, or the 5 cells
    ParetoNBD, r, alpha, s, beta returned by KAM_PARETO_FIT.
    Example: =KAM_PALIVE(Potential[Frequency], Potential[RecencyDays], Potential[AgeDays], M2:P2)
    """
    return functions.p_alive(frequency, recency_days, age_days, model_params)


@xw.func
@ranges("frequency", "recency_days", "age_days", "model_params")
@xw.ret(expand="table")
@_cell_errors
def KAM_EXPECTED_PURCHASES(frequency, recency_days, age_days, model_params, days: float = 365.25):
    """Expected purchases of each customer in the next `days` days (the model's conditional expectation).

    model_params: r, alpha, a, b from KAM_BGNBD_FIT, or ParetoNBD, r, alpha, s, beta from
    KAM_PARETO_FIT. days: horizon in days.
    Example: =KAM_EXPECTED_PURCHASES(Potential[Frequency], Potential[RecencyDays], Potential[AgeDays], M2:Q2, 365.25)
    """
    return functions.expected_purchases(frequency, recency_days, age_days, model_params, days)


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
    return functions.profitability_table(sales, activities, activity_rates, customers, invoices, payments, parameters)


@xw.func
@ranges("invoices", "payments", "customers", "parameters")
@xw.ret(expand="table")
@_cell_errors
def KAM_RECEIVABLES(invoices, payments=None, customers=None, parameters=None):
    """The Receivables table (open balance, aging buckets, turnover, DSO, days to pay, credit risk).

    Example: =KAM_RECEIVABLES(Invoices[#All], Payments[#All], Customers[#All], Parameters[#All])
    """
    return functions.receivables_table(invoices, payments, customers, parameters)


@xw.func
@ranges("customers", "sales", "parameters")
@xw.ret(expand="table")
@_cell_errors
def KAM_CLASSIFICATION(customers, sales, parameters=None):
    """The Classification table (ABC tiers, RFM scores and segments, portfolio quadrant).

    Example: =KAM_CLASSIFICATION(Customers[#All], Sales[#All], Parameters[#All])
    """
    return functions.classification_table(customers, sales, parameters)


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
    return functions.output_table(table_name, customers, sales, invoices, payments, activities, activity_rates, contacts, industry_outlook, parameters)
