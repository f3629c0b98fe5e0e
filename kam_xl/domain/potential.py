"""Future potential: BG/NBD + Gamma-Gamma customer lifetime value, growth,
industry outlook and wallet headroom, combined into a PotentialScore.

Time in days, money in the reporting currency. When a model cannot be fitted
the run-rate fallback below is used and DataQuality says so.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from kam_xl.contract import OUTPUTS
from kam_xl.domain.frames import minor_unit_decimals, percentile_rank, rank_descending, ratio, round_money
from kam_xl.domain.models import ParetoNBDFit, fit_bgnbd, fit_gamma_gamma, fit_pareto_nbd
from kam_xl.quality import INFO, WARNING, DataQuality

DAYS_PER_MONTH = 365.25 / 12
# Fewer repeat buyers than this and the models are not fitted (run-rate instead).
MIN_REPEAT_BUYERS = 20
MIN_CUSTOMERS = 30
# Above this |Pearson r| between repeat purchases and their mean value, Gamma-Gamma's independence is doubtful.
MAX_VALUE_CORRELATION = 0.3


def day_values(lines: pd.DataFrame, decimals: int) -> pd.Series:
    """NetRevenue per (CustomerID, Date), rounded to the minor unit: a sale and
    its full return on one day make 0, not a residue such as 5.5e-17, and the
    value is the same whichever way the day's lines were added up."""
    return round_money(lines.groupby(["CustomerID", "Date"], sort=True)["NetRevenue"].sum(), decimals)


def purchase_history(sales: pd.DataFrame, customer_ids: pd.Index, as_of: pd.Timestamp,
                     decimals: int) -> pd.DataFrame:
    """Per customer, from distinct Sales dates with positive NetRevenue up to
    AsOfDate (see :func:`day_values`): Frequency = repeat purchase days,
    RecencyDays = last - first purchase, AgeDays = AsOfDate - first purchase,
    RepeatMeanValue = mean NetRevenue of the repeat purchase days, MeanValue =
    mean over all days."""
    days = day_values(sales[sales["Date"] <= as_of], decimals)
    days = days[days > 0].reset_index()
    grouped = days.groupby("CustomerID")
    first, last = grouped["Date"].min(), grouped["Date"].max()
    count, total = grouped.size(), grouped["NetRevenue"].sum()
    first_value = grouped["NetRevenue"].first()
    out = pd.DataFrame(index=customer_ids)
    out["Frequency"] = (count - 1).reindex(customer_ids).astype("float64")
    out["RecencyDays"] = (last - first).dt.days.reindex(customer_ids).astype("float64")
    out["AgeDays"] = (as_of - first).dt.days.reindex(customer_ids).astype("float64")
    out["RepeatMeanValue"] = ratio((total - first_value).reindex(customer_ids), out["Frequency"])
    out["MeanValue"] = (total / count).reindex(customer_ids)
    return out


def monthly_discount_factors(months: int, annual_rate: float) -> np.ndarray:
    """1 / (1 + annual_rate)^(m / 12) for m = 1..months (end of each month)."""
    return 1.0 / np.power(1.0 + annual_rate, np.arange(1, months + 1) / 12.0)


def purchase_model(x, t_x, T, choice: str, dq: DataQuality):
    """(fit, reason, AIC per model fitted): the fitted purchase model, BG/NBD or
    Pareto/NBD as ``choice`` names it (reason "parameter"), or with ``choice``
    Auto the one with the lower AIC = 2 x 4 parameters - 2 LogLikelihood
    (reason "aic", an Info says which; "only" when the other did not
    converge); (None, "failed", ...) when none converges (a Warning)."""
    fits = {}
    for name, fit in (("BGNBD", fit_bgnbd), ("ParetoNBD", fit_pareto_nbd)):
        if choice in (name, "Auto"):
            model = fit(x, t_x, T)
            usable = model.converged and np.isfinite(model.log_likelihood) and all(
                np.isfinite(v) and v > 0 for v in (model.r, model.alpha))
            if name == "BGNBD" and abs(model.a - 1.0) < 1e-6:   # a = 1 divides by zero in E[Y(t)]
                usable = False
            if usable:
                fits[name] = model
            else:
                dq.add(WARNING, "Potential", "potential.model_failed", model=MODEL_NAMES[name])
    aic = {name: 8.0 - 2.0 * fit.log_likelihood for name, fit in fits.items()}
    if not fits:
        return None, "failed", aic
    best = max(fits, key=lambda name: fits[name].log_likelihood)   # equal parameter counts: AIC follows LL
    if choice == "Auto" and len(fits) > 1:
        dq.add(INFO, "Potential", "potential.model_chosen", model=MODEL_NAMES[best],
               aic=", ".join(f"{MODEL_NAMES[n]} {v:.1f}" for n, v in aic.items()))
        return fits[best], "aic", aic
    return fits[best], "only" if choice == "Auto" else "parameter", aic


MODEL_NAMES = {"BGNBD": "BG/NBD", "ParetoNBD": "Pareto/NBD"}
# The Model column of ModelParameters: BG/NBD as published (and as earlier summaries wrote it), ParetoNBD as
# the contract.
PARAMETER_MODEL = {"BGNBD": "BG/NBD", "ParetoNBD": "ParetoNBD"}


def _model_parameters(model) -> list[tuple]:
    """ModelParameters rows of the fitted purchase model (rates per day)."""
    name = PARAMETER_MODEL[model_key(model)]
    if isinstance(model, ParetoNBDFit):
        shape = [("r", model.r, "shape"), ("alpha", model.alpha, "days"), ("s", model.s, "shape"),
                 ("beta", model.beta, "days")]
    else:
        shape = [("r", model.r, "shape"), ("alpha", model.alpha, "days"), ("a", model.a, "shape"),
                 ("b", model.b, "shape")]
    return [(name, *row) for row in shape] + [(name, "LogLikelihood", model.log_likelihood, "nats"),
                                              (name, "Customers", model.customers, "count")]


# Calibration frequencies of ModelCheck: 0 .. 6 repeat purchases, then 7 or more together (as 7).
CHECK_FREQUENCIES = 7


def holdout_check(sales: pd.DataFrame, customer_ids: pd.Index, as_of: pd.Timestamp,
                  months: int, decimals: int) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """Fit each purchase model on the purchases up to AsOfDate - ``months``
    (the calibration), forecast the holdout (calibration end, AsOfDate] for
    every customer who had bought by then, E[Y(t) | x, t_x, T] with t the
    holdout's days, and compare with the purchases each made in it (distinct
    days with positive NetRevenue). ModelCheck: per Model and
    CalibrationFrequency (repeat purchases in the calibration, 7 = 7 or more):
    Customers, ActualPurchases and PredictedPurchases (means per customer in
    the holdout). ModelFit: per Model, the calibration LogLikelihood, AIC = 2 x
    4 - 2 LogLikelihood, HoldoutActualTotal, HoldoutPredictedTotal and
    HoldoutMAE (mean |actual - predicted| per customer). None when too few
    customers had bought, or repeated, by the calibration end."""
    end = as_of - pd.DateOffset(months=months)
    calibration = purchase_history(sales, customer_ids, end, decimals).dropna(subset=["Frequency"])
    x, t_x, T = (calibration[c].to_numpy() for c in ("Frequency", "RecencyDays", "AgeDays"))
    if len(calibration) < MIN_CUSTOMERS or (x > 0).sum() < MIN_REPEAT_BUYERS:
        return None
    days = day_values(sales[(sales["Date"] > end) & (sales["Date"] <= as_of)], decimals)
    actual = days[days > 0].groupby(level="CustomerID").size().reindex(calibration.index).fillna(0).to_numpy(float)
    t = float((as_of - end).days)
    frequency = np.minimum(x, CHECK_FREQUENCIES).astype(int)
    checks, fits = [], []
    for name, fit in (("BGNBD", fit_bgnbd), ("ParetoNBD", fit_pareto_nbd)):
        model = fit(x, t_x, T)
        predicted = model.expected_purchases(t, x, t_x, T)
        frame = pd.DataFrame({"f": frequency, "a": actual, "p": predicted}).groupby("f")
        checks.append(pd.DataFrame(dict(zip(OUTPUTS["ModelCheck"].names(), (
            name, frame.size().index, frame.size().to_numpy(), frame["a"].mean().to_numpy(),
            frame["p"].mean().to_numpy())))))
        fits.append((name, model.log_likelihood, 8.0 - 2.0 * model.log_likelihood, float(actual.sum()),
                     float(predicted.sum()), float(np.abs(actual - predicted).mean())))
    return pd.concat(checks, ignore_index=True), pd.DataFrame(fits, columns=OUTPUTS["ModelFit"].names())


def repeat_distribution(model, history: pd.DataFrame) -> pd.DataFrame:
    """Customers by repeat purchases in their whole history (0 .. 6, 7 = 7 or
    more): ActualCustomers as the data have them, ExpectedCustomers as the
    fitted model expects them, sum over customers of P(X(AgeDays) = n), the
    7-or-more row taking what the first seven leave."""
    buyers = history.dropna(subset=["Frequency"])
    ages = buyers["AgeDays"].to_numpy()
    expected = [float(model.count_probability(n, ages).sum()) for n in range(CHECK_FREQUENCIES)]
    expected.append(len(buyers) - sum(expected))
    actual = np.minimum(buyers["Frequency"].to_numpy(), CHECK_FREQUENCIES).astype(int)
    counts = np.bincount(actual, minlength=CHECK_FREQUENCIES + 1)
    return pd.DataFrame(dict(zip(OUTPUTS["RepeatDistribution"].names(),
                                 (model_key(model), np.arange(CHECK_FREQUENCIES + 1), counts, expected))))


def model_key(model) -> str:
    """The purchase model's name in ModelCheck and the PurchaseModel parameter."""
    return "ParetoNBD" if isinstance(model, ParetoNBDFit) else "BGNBD"


@dataclass(frozen=True)
class ModelReport:
    """What the Model sheet says: the purchase model used (BGNBD, ParetoNBD;
    None = the run rate), why (parameter | holdout | aic | only | failed | too_few),
    the holdout months checked, the AIC of each model fitted on all data, and
    its tables (ModelFit and ModelCheck with a holdout, RepeatDistribution
    with a fitted model)."""
    model: str | None
    reason: str
    holdout_months: int | None
    aic: dict[str, float]
    tables: dict[str, pd.DataFrame]


def lifetime_value(history: pd.DataFrame, gross_margin: pd.Series, months: int, discount_rate: float,
                   dq: DataQuality, model_choice: str = "BGNBD"):
    """PAlive, ExpectedPurchases over the horizon, ExpectedOrderValue and CLV
    = sum over months of expected purchases in the month x ExpectedOrderValue
    x GrossMarginPct, discounted monthly at DiscountRate.

    Fallback (run-rate), when BG/NBD cannot be fitted: expected purchases per
    day = (Frequency + 1) / max(AgeDays, 1), spread evenly; PAlive empty.
    When Gamma-Gamma cannot be fitted: ExpectedOrderValue = the customer's
    mean purchase-day value. Returns (table, ModelParameters, the ModelReport
    without its check tables, the fitted purchase model or None)."""
    buyers = history.dropna(subset=["Frequency"])
    x, t_x, T = (buyers[c].to_numpy() for c in ("Frequency", "RecencyDays", "AgeDays"))
    out = pd.DataFrame(index=history.index, columns=["PAlive", "ExpectedPurchases", "ExpectedOrderValue", "CLV"],
                       dtype="float64")
    bg, reason, aic, cumulative, parameters = _expected_purchases(x, t_x, T, months, model_choice, dq)
    if bg is not None:
        out.loc[buyers.index, "PAlive"] = bg.p_alive(x, t_x, T)
    unforecast = ~np.isfinite(cumulative[:, -1])
    if unforecast.any():   # never a blank forecast without a word
        dq.add(WARNING, "Potential", "potential.forecast_not_finite", count=int(unforecast.sum()),
               cid=str(buyers.index[unforecast][0]))
    monthly = np.diff(np.column_stack([np.zeros(len(buyers)), cumulative]), axis=1)
    out.loc[buyers.index, "ExpectedPurchases"] = cumulative[:, -1]
    order_value, value_parameters = _order_values(buyers, x, dq)
    out.loc[buyers.index, "ExpectedOrderValue"] = order_value
    margin = gross_margin.reindex(buyers.index).to_numpy()
    factors = monthly_discount_factors(months, discount_rate)
    out.loc[buyers.index, "CLV"] = (monthly @ factors) * out.loc[buyers.index, "ExpectedOrderValue"].to_numpy() * margin
    if np.isnan(margin).any():
        dq.add(INFO, "Potential", "potential.clv_no_margin", count=int(np.isnan(margin).sum()))
    models = pd.DataFrame(parameters + value_parameters, columns=OUTPUTS["ModelParameters"].names())
    models.loc[len(models)] = ("Horizon", "ForecastDays", months * DAYS_PER_MONTH, "days")
    return out, models, ModelReport(None if bg is None else model_key(bg), reason, None, aic, {}), bg


def _expected_purchases(x, t_x, T, months: int, model_choice: str, dq: DataQuality):
    """(the fitted purchase model or None, why, AIC per model, each buyer's cumulative expected purchases at
    the end of each month of the horizon, its ModelParameters rows): the model when at least MIN_CUSTOMERS
    bought and MIN_REPEAT_BUYERS repeated and it converges, else the run rate (Frequency + 1) / max(AgeDays, 1)
    purchases per day."""
    horizon_ends = np.arange(1, months + 1) * DAYS_PER_MONTH
    repeaters = int((x > 0).sum())
    bg, reason, aic = None, "too_few", {}
    if len(x) >= MIN_CUSTOMERS and repeaters >= MIN_REPEAT_BUYERS:
        bg, reason, aic = purchase_model(x, t_x, np.maximum(T, t_x), model_choice, dq)
    else:
        dq.add(WARNING, "Potential", "potential.bgnbd_skipped", buyers=len(x), repeaters=repeaters,
               min_buyers=MIN_CUSTOMERS, min_repeaters=MIN_REPEAT_BUYERS)
    if bg is not None:
        cumulative = np.column_stack([bg.expected_purchases(t, x, t_x, T) for t in horizon_ends])
        return bg, reason, aic, cumulative, _model_parameters(bg)
    rate = (x + 1.0) / np.maximum(T, 1.0)
    return (None, reason, aic, rate[:, None] * horizon_ends[None, :],
            [("RunRate", "Method", np.nan, "(Frequency + 1) / AgeDays per day")])


def _order_values(buyers: pd.DataFrame, x: np.ndarray, dq: DataQuality) -> tuple[np.ndarray, list[tuple]]:
    """(each buyer's ExpectedOrderValue, the Gamma-Gamma ModelParameters rows): Gamma-Gamma's conditional
    expectation when at least MIN_REPEAT_BUYERS repeated and it fits (q > 1), its independence of order value
    and frequency checked on the repeat buyers (Pearson r); else the buyer's mean purchase-day value."""
    mean_value = buyers["RepeatMeanValue"].to_numpy()
    gg = fit_gamma_gamma(x, mean_value) if (x > 0).sum() >= MIN_REPEAT_BUYERS else None
    if gg is not None and (not gg.converged or gg.q <= 1):
        dq.add(WARNING, "Potential", "potential.gg_failed")
        gg = None
    if gg is None:
        return buyers["MeanValue"].to_numpy(), []
    correlation = float(np.corrcoef(x[x > 0], mean_value[x > 0])[0, 1])
    if abs(correlation) > MAX_VALUE_CORRELATION:
        dq.add(WARNING, "Potential", "potential.gg_correlated", r=f"{correlation:.2f}",
               limit=f"{MAX_VALUE_CORRELATION:g}")
    rows = [("FrequencyValueCorrelation", correlation, "Pearson r"), ("p", gg.p, "shape"), ("q", gg.q, "shape"),
            ("gamma", gg.gamma, "currency"), ("LogLikelihood", gg.log_likelihood, "nats"),
            ("Customers", gg.customers, "count")]
    return gg.expected_order_value(x, np.where(x > 0, mean_value, 0.0)), [("Gamma-Gamma", *row) for row in rows]


def wallet_headroom(wallet: pd.Series, net_revenue: pd.Series, period_days: int) -> pd.Series:
    """EstimatedWallet - NetRevenue annualised (x 365 / period days), floored at 0."""
    return (wallet - net_revenue * 365.0 / period_days).clip(lower=0.0)


def potential_score(parts: pd.DataFrame, weights: dict) -> pd.Series:
    """0-100: weighted mean of the percentile ranks of each part (columns named
    as the weights' keys); missing parts are left out and the rest re-weighted."""
    ranks = parts.apply(percentile_rank)
    w = pd.Series(weights, dtype="float64").reindex(ranks.columns).fillna(0.0)
    present = ranks.notna()
    weight_sum = present.mul(w, axis=1).sum(axis=1)
    score = ranks.fillna(0.0).mul(w, axis=1).sum(axis=1) / weight_sum.where(weight_sum > 0)
    return score


def potential(sales: pd.DataFrame, customers: pd.DataFrame, gross_margin: pd.Series, revenue: pd.Series,
              prior_revenue: pd.Series, industry_outlook: pd.DataFrame | None, params, dq: DataQuality):
    """The Potential table, ModelParameters and the ModelReport (see module docstring).
    GrowthRate = NetRevenue / prior-period NetRevenue - 1 (empty when the prior
    period has none); IndustryGrowth from IndustryOutlook (fraction per year)."""
    ids = pd.Index(customers["CustomerID"], name="CustomerID")
    decimals = minor_unit_decimals(params.reporting_currency)
    history = purchase_history(sales, ids, params.as_of_date, decimals)
    check, choice = None, params.purchase_model
    if params.holdout_months:
        check = holdout_check(sales, ids, params.as_of_date, params.holdout_months, decimals)
        if check is None:
            dq.add(INFO, "Potential", "potential.no_holdout", months=params.holdout_months)
        elif choice == "Auto":   # evidence first: the lower holdout error
            fits = check[1].set_index("Model")
            choice = str(fits["HoldoutMAE"].idxmin())
            dq.add(INFO, "Potential", "potential.model_by_holdout", model=MODEL_NAMES[choice],
                   mae=", ".join(f"{MODEL_NAMES[m]} {v:.3f}" for m, v in fits["HoldoutMAE"].items()))
    value, models, report, fitted = lifetime_value(history, gross_margin, params.forecast_months,
                                                   params.discount_rate, dq, choice)
    tables = {"ModelFit": check[1], "ModelCheck": check[0]} if check is not None else {}
    if fitted is not None:
        tables["RepeatDistribution"] = repeat_distribution(fitted, history)
    by_holdout = check is not None and params.purchase_model == "Auto" and report.reason == "parameter"
    reason = "holdout" if by_holdout else report.reason
    report = replace(report, reason=reason, holdout_months=params.holdout_months if check is not None else None,
                     tables=tables)
    out = history[["Frequency", "RecencyDays", "AgeDays"]].join(value)
    out["GrowthRate"] = ratio(revenue, prior_revenue) - 1.0
    industry = customers.set_index("CustomerID")["Industry"]
    if industry_outlook is not None:
        outlook = industry_outlook.drop_duplicates("Industry").set_index("Industry")["GrowthOutlook"]
        out["IndustryGrowth"] = industry.map(outlook).reindex(ids).astype("float64")
        unknown = sorted(set(industry.dropna()) - set(outlook.index))
        if unknown:
            dq.add(INFO, "IndustryOutlook", "industry.no_outlook", industries=", ".join(map(str, unknown)))
    else:
        out["IndustryGrowth"] = np.nan
    wallet = customers.set_index("CustomerID")["EstimatedWallet"].reindex(ids)
    out["WalletHeadroom"] = wallet_headroom(wallet, revenue, params.period_days)
    parts = pd.DataFrame({"CLV": out["CLV"], "Growth": out["GrowthRate"], "Industry": out["IndustryGrowth"],
                          "Wallet": out["WalletHeadroom"], "Alive": out["PAlive"]})
    out["PotentialScore"] = potential_score(parts, params.potential_weights)
    ranked = rank_descending(out["PotentialScore"]).astype("float64")
    out["PotentialRank"] = ranked.where(out["PotentialScore"].notna())
    return out, models, report
