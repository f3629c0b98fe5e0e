"""kam-xl custom functions for Excel (xlwings UDFs).

Each function is a thin declaration (arguments, help text) of the function of
the same name in kam_xl.excel.functions, which does the work. Array-first: one
formula handles a whole column. Results are native dynamic arrays: in Excel
365, 2021 and 2024 they spill like any built-in array function. Excel 2016 and
2019 have no dynamic arrays: use the module ``kam_udfs_legacy`` there (the same
functions, resized by xlwings' own ``expand``). Bad input shows a short message
in the cell, never a traceback. In Excel: xlwings add-in > Import Functions
(UDF Modules = kam_udfs); the Function Wizard lists them under KAM-XL with a
description of every argument (the "name: help" lines of each docstring).
"""
from __future__ import annotations

import functools
import inspect
import re
import types

import xlwings as xw

from kam_xl.excel import functions

CATEGORY = "KAM-XL"
# Each function's undecorated body and its range arguments, for the legacy module to declare again.
DECLARED: dict[str, tuple[types.FunctionType, tuple[str, ...]]] = {}
_ARGUMENT_HELP = re.compile(r"^\s*(\w+(?:\s*,\s*\w+)*):\s+(.+)$")


def argument_help(function) -> dict[str, str]:
    """{argument: help} from the docstring's lines "name: help" (or "a, b: help")
    that name the function's own arguments."""
    arguments, found = inspect.signature(function).parameters, {}
    for line in (function.__doc__ or "").splitlines():
        match = _ARGUMENT_HELP.match(line)
        names = re.split(r"\s*,\s*", match[1]) if match else []
        if names and all(name in arguments for name in names):
            found.update(dict.fromkeys(names, match[2].strip()))
    return found


def declare(function, ranges: tuple[str, ...], legacy: bool = False):
    """The xlwings declaration of ``function``: range arguments always 2-D with
    error cells as text ('#N/A'), every argument's help, the KAM-XL category;
    with ``legacy`` (Excel 2016/2019) a copy whose result xlwings resizes."""
    if legacy:   # a separate function object: xlwings keeps its settings in the function's __dict__
        function = functools.update_wrapper(types.FunctionType(function.__code__, function.__globals__,
                                                               function.__name__, function.__defaults__,
                                                               function.__closure__), function, updated=())
        function = xw.ret(expand="table")(function)
    for name, help_text in argument_help(function).items():
        options = {"ndim": 2, "err_to_str": True} if name in ranges else {}
        function = xw.arg(name, doc=help_text[:255], **options)(function)
    return xw.func(category=CATEGORY)(function)


def kam_function(*ranges: str):
    """Declare a KAM_ function; ``ranges`` names the arguments that take cell ranges."""
    def register(function):
        body = _cell_errors(function)
        DECLARED[function.__name__] = (body, ranges)
        return declare(body, ranges)
    return register


def _cell_errors(function):
    """Turn bad input into a short message in the cell instead of a traceback."""
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except (ValueError, TypeError, KeyError) as exc:   # cells.CellInputError is a ValueError
            return f"#KAM! {function.__name__}: {exc}"
    return wrapper


@kam_function("values", "customer_ids")
def KAM_ABC(values, share_a: float = 0.8, share_b: float = 0.95, customer_ids=None):
    """ABC tier (A/B/C) of each value, in the order given.

    Ranked by value descending (ties by customer ID, or by position); A while
    the cumulative share of the values ranked above is below share_a, B below
    share_b, else C; values <= 0 are C.
    values: a column of amounts (e.g. NetRevenue)
    share_a, share_b: cumulative shares closing tiers A and B (fractions, default 0.8 and 0.95)
    customer_ids: optional column of IDs for tie-breaking
    Example: =KAM_ABC(Profitability[NetRevenue], 0.8, 0.95)
    """
    return functions.abc_tiers_of(values, share_a, share_b, customer_ids)


@kam_function("revenue", "cogs")
def KAM_GROSSMARGIN(revenue, cogs):
    """Gross margin (revenue - cogs) / revenue for each row; empty where revenue <= 0 or cogs is blank.

    Result: fraction (format as %).
    revenue: a column of net revenues
    cogs: a column of costs of goods sold, as long as revenue
    Example: =KAM_GROSSMARGIN(Sales[NetRevenue], Sales[COGS])
    """
    return functions.gross_margin(revenue, cogs)


@kam_function("credit_sales", "opening_ar", "closing_ar")
def KAM_ARTURNOVER(credit_sales, opening_ar, closing_ar):
    """Receivables turnover = credit sales / ((opening AR + closing AR) / 2), times per period.

    Empty where the average AR is <= 0.
    credit_sales: credit sales of the period (a column or one cell)
    opening_ar, closing_ar: receivables at the start and end of the period (same shape)
    Example: =KAM_ARTURNOVER(C2:C50, D2:D50, E2:E50)
    """
    return functions.receivables_turnover(credit_sales, opening_ar, closing_ar)


@kam_function("credit_sales", "opening_ar", "closing_ar")
def KAM_DSO(credit_sales, opening_ar, closing_ar, period_days: float = 365):
    """Days sales outstanding = period days / receivables turnover, in days.

    Empty where the turnover is <= 0.
    credit_sales: credit sales of the period (a column or one cell)
    opening_ar, closing_ar: receivables at the start and end of the period (same shape)
    period_days: length of the period in days (e.g. 365 or 181)
    Example: =KAM_DSO(120000, 20000, 30000, 365)  ->  76.04
    """
    return functions.days_sales_outstanding_of(credit_sales, opening_ar, closing_ar, period_days)


@kam_function("due_dates", "open_amounts")
def KAM_AGING(due_dates, open_amounts, as_of, buckets: str = "30,60,90"):
    """Open amounts by days overdue (as_of - due date) as one row: NotDue, then
    one column per bucket, e.g. 1-30, 31-60, 61-90, 90+ for "30,60,90".

    due_dates: a column of due dates; a blank one counts as not due
    open_amounts: the open amounts (currency), as long as due_dates
    as_of: the date the receivables are aged at
    buckets: upper limits of the overdue buckets in days, as text (default "30,60,90")
    Example: =KAM_AGING(Invoices[DueDate], H2:H200, Parameters!B2)
    """
    return functions.aging_of(due_dates, open_amounts, as_of, buckets)


@kam_function("amounts", "ages", "bands", "rates")
def KAM_PROVISION(amounts, ages, bands, rates):
    """Bad-debt allowance (坏账准备) per receivable = amount × the rate of its age band, in currency.

    amounts: open receivables (a column)
    ages: their ages in days (from the invoice date, 账龄)
    bands: upper limits of the age bands in days (inclusive; blank = no limit)
    rates: the rate of each band (5% or 0.05)
    Example: =KAM_PROVISION(H2:H200, I2:I200, ProvisionRates[ToDays], ProvisionRates[Rate])
    """
    return functions.provision_of(amounts, ages, bands, rates)


@kam_function("due_dates", "avg_days_late")
def KAM_EXPECTED_RECEIPT_DATE(due_dates, avg_days_late):
    """Expected receipt date = due date + the customer's average days late (whole days; blank = on time).

    due_dates: a column of due dates
    avg_days_late: average days late, one figure or one per due date
    Example: =KAM_EXPECTED_RECEIPT_DATE(OpenItems[DueDate], 12)
    """
    return functions.expected_receipt_dates(due_dates, avg_days_late)


@kam_function("recency_days", "frequency", "monetary")
def KAM_RFM(recency_days, frequency, monetary):
    """R, F and M scores 1-5 (5 best): score = ceil(5 x rank / n), ties share the highest rank.

    Result: three columns R, F, M.
    recency_days: days since the last purchase (lower is better; blank = never)
    frequency: purchase count
    monetary: revenue
    Example: =KAM_RFM(Classification[Recency], Classification[Frequency], Classification[Monetary])
    """
    return functions.rfm_scores(recency_days, frequency, monetary)


@kam_function("values")
def KAM_HHI(values):
    """Herfindahl-Hirschman index of concentration: sum of squared shares x 10,000 (0-10,000).

    values: a column of revenues; values <= 0 are left out
    Example: =KAM_HHI(Profitability[NetRevenue])
    """
    return functions.hhi(values)


@kam_function("frequency", "recency_days", "age_days")
def KAM_BGNBD_FIT(frequency, recency_days, age_days):
    """Fit the BG/NBD model (Fader, Hardie & Lee 2005) by maximum likelihood.

    Result: one row r, alpha (days), a, b.
    frequency: repeat purchase days of each customer
    recency_days: days from the first to the last purchase
    age_days: days from the first purchase to the as-of date
    Example: =KAM_BGNBD_FIT(Potential[Frequency], Potential[RecencyDays], Potential[AgeDays])
    """
    return functions.bgnbd_fit(frequency, recency_days, age_days)


@kam_function("frequency", "recency_days", "age_days")
def KAM_PARETO_FIT(frequency, recency_days, age_days):
    """Fit the Pareto/NBD model (Schmittlein, Morrison & Colombo 1987) by maximum likelihood.

    Result: one row ParetoNBD, r, alpha (days), s, beta (days); give all five cells to KAM_PALIVE or
    KAM_EXPECTED_PURCHASES.
    frequency: repeat purchase days of each customer
    recency_days: days from the first to the last purchase
    age_days: days from the first purchase to the as-of date
    Example: =KAM_PARETO_FIT(Potential[Frequency], Potential[RecencyDays], Potential[AgeDays])
    """
    return functions.pareto_fit(frequency, recency_days, age_days)


@kam_function("frequency", "recency_days", "age_days", "model_params")
def KAM_PALIVE(frequency, recency_days, age_days, model_params):
    """Probability (0-1) that each customer is still active, from BG/NBD or Pareto/NBD parameters.

    frequency: repeat purchase days of each customer
    recency_days: days from the first to the last purchase
    age_days: days from the first purchase to the as-of date
    model_params: the 4 cells r, alpha, a, b of KAM_BGNBD_FIT, or the 5 cells ParetoNBD, r, alpha, s, beta of KAM_PARETO_FIT
    Example: =KAM_PALIVE(Potential[Frequency], Potential[RecencyDays], Potential[AgeDays], M2:P2)
    """  # noqa: E501 (the wizard's help: one argument a line, as argument_help reads it)
    return functions.p_alive(frequency, recency_days, age_days, model_params)


@kam_function("frequency", "recency_days", "age_days", "model_params")
def KAM_EXPECTED_PURCHASES(frequency, recency_days, age_days, model_params, days: float = 365.25):
    """Expected purchases of each customer in the next `days` days (the model's conditional expectation).

    frequency: repeat purchase days of each customer
    recency_days: days from the first to the last purchase
    age_days: days from the first purchase to the as-of date
    model_params: r, alpha, a, b from KAM_BGNBD_FIT, or ParetoNBD, r, alpha, s, beta from KAM_PARETO_FIT
    days: the forecast horizon in days (default 365.25)
    Example: =KAM_EXPECTED_PURCHASES(Potential[Frequency], Potential[RecencyDays], Potential[AgeDays], M2:Q2, 365.25)
    """
    return functions.expected_purchases(frequency, recency_days, age_days, model_params, days)


@kam_function("sales", "activities", "activity_rates", "customers", "invoices", "payments", "parameters")
def KAM_PROFITABILITY(sales, activities=None, activity_rates=None, customers=None, invoices=None, payments=None,
                      parameters=None):
    """The Profitability table (NetRevenue ... NetProfit, ProfitRank) from whole Excel Tables.

    Pass tables with their headers (Table[#All]); all but Sales are optional.
    sales, activities, activity_rates, customers, invoices, payments, parameters: the input tables with headers
    Example: =KAM_PROFITABILITY(Sales[#All], Activities[#All], ActivityRates[#All], Customers[#All], Invoices[#All], Payments[#All], Parameters[#All])
    """  # noqa: E501 (the wizard's help: one argument a line, as argument_help reads it)
    return functions.profitability_table(sales, activities, activity_rates, customers, invoices, payments, parameters)


@kam_function("invoices", "payments", "customers", "parameters")
def KAM_RECEIVABLES(invoices, payments=None, customers=None, parameters=None):
    """The Receivables table (open balance, aging buckets, turnover, DSO, days to pay, credit risk).

    invoices, payments, customers, parameters: the input tables with headers (Table[#All]); all but Invoices optional
    Example: =KAM_RECEIVABLES(Invoices[#All], Payments[#All], Customers[#All], Parameters[#All])
    """
    return functions.receivables_table(invoices, payments, customers, parameters)


@kam_function("customers", "sales", "parameters")
def KAM_CLASSIFICATION(customers, sales, parameters=None):
    """The Classification table (ABC tiers, RFM scores and segments, portfolio quadrant).

    customers, sales, parameters: the input tables with headers (Table[#All]); Parameters optional
    Example: =KAM_CLASSIFICATION(Customers[#All], Sales[#All], Parameters[#All])
    """
    return functions.classification_table(customers, sales, parameters)


@kam_function("customers", "sales", "invoices", "payments", "activities", "activity_rates", "contacts",
              "industry_outlook", "parameters")
def KAM_TABLE(table_name: str, customers, sales, invoices=None, payments=None, activities=None, activity_rates=None,
              contacts=None, industry_outlook=None, parameters=None):
    """Any output table of kam-xl by name, e.g. Classification, Segments, Profitability, WhaleCurve,
    Receivables, Relationship, Potential, ModelParameters, Strategy, RiskSummary, KPIs, DataQuality.

    table_name: the output table's name, in quotes
    customers, sales, invoices, payments, activities, activity_rates, contacts, industry_outlook, parameters: the input tables with headers (Table[#All]); all but Customers and Sales optional
    Example: =KAM_TABLE("RiskSummary", Customers[#All], Sales[#All], Invoices[#All], Payments[#All])
    """  # noqa: E501 (the wizard's help: one argument a line, as argument_help reads it)
    return functions.output_table(table_name, customers, sales, invoices, payments, activities, activity_rates,
                                  contacts, industry_outlook, parameters)
