"""What each KAM_ cell formula computes: Excel values in (kam_xl.excel.cells),
one call to the core, Excel values out. Array-first: one formula handles a
whole column. Bad input raises cells.CellInputError with a short message.
udfs/kam_udfs.py declares these for Excel through xlwings, thinly; the
Examples sheet caches their results.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from kam_xl.contract import bucket_names
from kam_xl.domain.classification import abc_tiers, rfm_score
from kam_xl.domain.frames import ratio
from kam_xl.domain.models import BetaGeoFit, ParetoNBDFit, fit_bgnbd, fit_pareto_nbd
from kam_xl.domain.receivables import aging_bucket, ar_turnover, average_ar, days_sales_outstanding, provision_band
from kam_xl.domain.risk import herfindahl_index
from kam_xl.excel import cells
from kam_xl.inputs.params import parse_parameter


def abc_tiers_of(values, share_a: float = 0.8, share_b: float = 0.95, customer_ids=None):
    """ABC tier (A/B/C) of each value, in the order given."""
    basis = cells.numbers(values, "values")
    ids = [str(v) for v in cells.flatten(customer_ids)] if customer_ids is not None else \
        [f"{i:09d}" for i in range(len(basis))]
    cells.same_length(values=basis, customer_ids=pd.Series(ids))
    a, b = cells.positive(share_a, "share_a", 0.8, 1.0), cells.positive(share_b, "share_b", 0.95, 1.0)
    tiers = abc_tiers(pd.Series(basis.to_numpy(), index=ids), a, b)["ABCTier"]
    return [[tier] for tier in tiers.reindex(ids).tolist()]


def gross_margin(revenue, cogs):
    """Gross margin (revenue - cogs) / revenue for each row; empty where revenue <= 0 or cogs is blank."""
    rev, cost = cells.numbers(revenue, "revenue"), cells.numbers(cogs, "cogs")
    cells.same_length(revenue=rev, cogs=cost)
    return cells.column_of(ratio(rev - cost, rev))


def receivables_turnover(credit_sales, opening_ar, closing_ar):
    """Receivables turnover = credit sales / ((opening AR + closing AR) / 2), times per period."""
    return cells.column_of(ar_turnover(*_sales_and_average(credit_sales, opening_ar, closing_ar)))


def days_sales_outstanding_of(credit_sales, opening_ar, closing_ar, period_days: float = 365):
    """Days sales outstanding = period days / receivables turnover, in days."""
    turnover = ar_turnover(*_sales_and_average(credit_sales, opening_ar, closing_ar))
    return cells.column_of(days_sales_outstanding(cells.positive(period_days, "period_days", 365.0), turnover))


def aging_of(due_dates, open_amounts, as_of, buckets: str = "30,60,90"):
    """Open amounts by days overdue (as_of - due date) as one row: NotDue, then one column per bucket."""
    due, amounts = cells.dates(due_dates, "due_dates"), cells.numbers(open_amounts, "open_amounts")
    cells.same_length(due_dates=due, open_amounts=amounts)
    as_of_date = cells.dates([as_of], "as_of").iloc[0]
    if pd.isna(as_of_date):
        raise cells.CellInputError("as_of is required")
    limits = parse_parameter("AgingBuckets", buckets)
    bucket = aging_bucket((as_of_date - due).dt.days.fillna(0), limits)  # no due date: not due
    totals = amounts.fillna(0.0).groupby(bucket, observed=False).sum().reindex(bucket_names(limits)).fillna(0.0)
    return [[float(v) for v in totals]]


def provision_of(amounts, ages, band_days, rates):
    """Bad-debt allowance per amount = amount × the rate of the band its age
    (days) falls in: the first band whose upper limit (days, inclusive) is >=
    the age; a blank limit is the open-ended last band."""
    money, age = cells.numbers(amounts, "amounts"), cells.numbers(ages, "ages")
    cells.same_length(amounts=money, ages=age)
    limits, rate = cells.numbers(band_days, "bands"), cells.numbers(rates, "rates")
    cells.same_length(bands=limits, rates=rate)
    if rate.isna().any() or (rate < 0).any() or (rate > 1).any():
        raise cells.CellInputError("rates must be fractions from 0 to 1 (5% or 0.05)")
    policy = pd.DataFrame({"ToDays": limits, "Rate": rate}).sort_values("ToDays", na_position="last")
    band = provision_band(age, policy.reset_index(drop=True))
    allowance = money * policy["Rate"].reset_index(drop=True).reindex(band.to_numpy()).to_numpy()
    return cells.column_of(allowance.where(age.notna() & (band < len(policy))))


def expected_receipt_dates(due_dates, avg_days_late):
    """Expected receipt date = due date + the customer's average days late
    (rounded to whole days; blank = 0, paid on time)."""
    due, late = cells.dates(due_dates, "due_dates"), cells.numbers(avg_days_late, "avg_days_late")
    if len(late) == 1 and len(due) > 1:   # one figure for every invoice of the customer
        late = pd.Series(late.iloc[0], index=due.index)
    cells.same_length(due_dates=due, avg_days_late=late)
    return cells.column_of(due + pd.to_timedelta(late.fillna(0.0).round().to_numpy(), unit="D"))


def rfm_scores(recency_days, frequency, monetary):
    """R, F and M scores 1-5 (5 best): score = ceil(5 x rank / n), ties share the highest rank."""
    r, f, m = (cells.numbers(v, n) for v, n in ((recency_days, "recency_days"), (frequency, "frequency"),
                                                  (monetary, "monetary")))
    cells.same_length(recency_days=r, frequency=f, monetary=m)
    scores = pd.DataFrame({"R": rfm_score(r, higher_is_better=False), "F": rfm_score(f), "M": rfm_score(m)})
    return cells.table_of(scores.astype(float), header=False)


def hhi(values):
    """Herfindahl-Hirschman index of concentration: sum of squared shares x 10,000 (0-10,000)."""
    return herfindahl_index(cells.numbers(values, "values").fillna(0.0))


def bgnbd_fit(frequency, recency_days, age_days):
    """Fit the BG/NBD model (Fader, Hardie & Lee 2005) by maximum likelihood: r, alpha (days), a, b."""
    fit = _converged(fit_bgnbd, frequency, recency_days, age_days)
    return [[fit.r, fit.alpha, fit.a, fit.b]]


def pareto_fit(frequency, recency_days, age_days):
    """Fit the Pareto/NBD model (Schmittlein, Morrison & Colombo 1987) by maximum
    likelihood: one row, the model's name then r, alpha (days), s, beta (days),
    so that KAM_PALIVE and KAM_EXPECTED_PURCHASES know which model the cells hold."""
    fit = _converged(fit_pareto_nbd, frequency, recency_days, age_days)
    return [[PARETO_LABEL, fit.r, fit.alpha, fit.s, fit.beta]]


def _converged(fit_model, frequency, recency_days, age_days):
    """The model fitted to the cells' histories (once for the same cells, see
    cells.cached); a message in the cell when it does not converge."""
    history = _history(frequency, recency_days, age_days)
    fit = cells.cached(fit_model.__name__, {"history": tuple(np.asarray(h).tobytes() for h in history)},
                       lambda: fit_model(*history))
    if not fit.converged:
        raise cells.CellInputError("the fit did not converge")
    return fit


def p_alive(frequency, recency_days, age_days, model_params):
    """Probability (0-1) that each customer is still active, from BG/NBD or Pareto/NBD parameters."""
    fit = _fit(model_params)
    return cells.column_of(pd.Series(fit.p_alive(*_history(frequency, recency_days, age_days))))


def expected_purchases(frequency, recency_days, age_days, model_params, days: float = 365.25):
    """Expected purchases of each customer in the next `days` days (the model's conditional expectation)."""
    fit = _fit(model_params)
    horizon = cells.positive(days, "days", 365.25)
    expected = fit.expected_purchases(horizon, *_history(frequency, recency_days, age_days))
    return cells.column_of(pd.Series(np.asarray(expected)))


def profitability_table(sales, activities=None, activity_rates=None, customers=None, invoices=None, payments=None,
                      parameters=None):
    """The Profitability table (NetRevenue ... NetProfit, ProfitRank) from whole Excel Tables."""
    return _table_result("Profitability", Sales=sales, Activities=activities, ActivityRates=activity_rates,
                         Customers=customers, Invoices=invoices, Payments=payments, Parameters=parameters)


def receivables_table(invoices, payments=None, customers=None, parameters=None):
    """The Receivables table (open balance, aging buckets, turnover, DSO, days to pay, credit risk)."""
    return _table_result("Receivables", Invoices=invoices, Payments=payments, Customers=customers,
                         Parameters=parameters)


def classification_table(customers, sales, parameters=None):
    """The Classification table (ABC tiers, RFM scores and segments, portfolio quadrant)."""
    return _table_result("Classification", Customers=customers, Sales=sales, Parameters=parameters)


def output_table(table_name: str, customers, sales, invoices=None, payments=None, activities=None, activity_rates=None,
              contacts=None, industry_outlook=None, parameters=None):
    """Any output table of kam-xl by name (Classification, Segments, Profitability, WhaleCurve,"""
    results = cells.analyze_tables({"Customers": customers, "Sales": sales, "Invoices": invoices, "Payments": payments,
                                    "Activities": activities, "ActivityRates": activity_rates, "Contacts": contacts,
                                    "IndustryOutlook": industry_outlook, "Parameters": parameters})
    if table_name not in results.tables:
        raise cells.CellInputError(f"no table {table_name!r}; have {', '.join(results.tables)}")
    return cells.table_of(results.tables[table_name])


def _sales_and_average(credit_sales, opening_ar, closing_ar):
    sales, opening, closing = (cells.numbers(v, n) for v, n in
                               ((credit_sales, "credit_sales"), (opening_ar, "opening_ar"), (closing_ar, "closing_ar")))
    cells.same_length(credit_sales=sales, opening_ar=opening, closing_ar=closing)
    return sales, average_ar(opening, closing)


def _history(frequency, recency_days, age_days):
    x, t_x, T = (cells.numbers(v, n) for v, n in ((frequency, "frequency"), (recency_days, "recency_days"),
                                                    (age_days, "age_days")))
    cells.same_length(frequency=x, recency_days=t_x, age_days=T)
    if (x.isna() | t_x.isna() | T.isna()).any():
        raise cells.CellInputError("frequency, recency_days and age_days may not be blank")
    if (x < 0).any() or (t_x < 0).any() or (T < t_x).any():
        raise cells.CellInputError("need frequency >= 0 and 0 <= recency_days <= age_days")
    return x.to_numpy(), t_x.to_numpy(), T.to_numpy()


PARETO_LABEL = "ParetoNBD"
# What the first cell of a parameter range may say; four bare numbers are BG/NBD's (KAM_BGNBD_FIT).
MODEL_LABELS = {"BGNBD": BetaGeoFit, "BG/NBD": BetaGeoFit, "PARETONBD": ParetoNBDFit, "PARETO/NBD": ParetoNBDFit}


def _fit(parameters) -> BetaGeoFit | ParetoNBDFit:
    """The model in a parameter range: r, alpha, a, b (KAM_BGNBD_FIT), or a
    model's name followed by its four parameters (KAM_PARETO_FIT)."""
    raw = cells.flatten(parameters)
    model = BetaGeoFit
    if raw and isinstance(raw[0], str) and not raw[0].strip().startswith("#"):
        model = MODEL_LABELS.get(raw[0].strip().upper().replace(" ", ""))
        if model is None:
            raise cells.CellInputError(f"model_params: unknown model '{raw[0]}' (BGNBD or ParetoNBD)")
        raw = raw[1:]
    values = cells.numbers(raw, "model_params")
    if len(values) != 4 or values.isna().any() or (values <= 0).any():
        raise cells.CellInputError("model_params must be the 4 positive values r, alpha, a, b (KAM_BGNBD_FIT) "
                                   "or the row ParetoNBD, r, alpha, s, beta (KAM_PARETO_FIT)")
    return model(*values.tolist(), float("nan"), True, 0)


def _table_result(name: str, **tables):
    results = cells.analyze_tables(tables)
    return cells.table_of(results.tables[name])
