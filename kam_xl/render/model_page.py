"""The Model sheet's sentences: which purchase model forecasts, why, how well it
did on the holdout, and what its parameters mean, in the workbook's language.

The numbers come from the analysis (ModelReport, ModelParameters, ModelFit);
this module only says them.
"""
from __future__ import annotations

import pandas as pd

from kam_xl.analysis import Results
from kam_xl.domain.potential import (
    DAYS_PER_MONTH,
    MAX_VALUE_CORRELATION,
    MIN_CUSTOMERS,
    MIN_REPEAT_BUYERS,
    MODEL_NAMES,
    PARAMETER_MODEL,
)
from kam_xl.words import canonical_term, ui


def model_lines(results: Results, language: str) -> list[str]:
    """The Model sheet's text, one cell per line: the model used and why, the
    holdout result, the parameters in words, Gamma-Gamma's check, how to read it."""
    report = results.figures.model_report if results.figures is not None else None
    if report is None:
        return []
    t, p = results.tables, results.params
    say = lambda key, **values: ui(f"model.{key}", language, **values)   # noqa: E731
    fits = t["ModelFit"].set_index("Model") if "ModelFit" in t else None
    lines = []
    if report.model is None:
        lines.append(say(report.reason, buyers=MIN_CUSTOMERS, repeaters=MIN_REPEAT_BUYERS))
    else:
        name = MODEL_NAMES[report.model]
        other = next(m for m in MODEL_NAMES if m != report.model)
        if report.reason == "holdout":
            lines.append(say("holdout", model=name, other=MODEL_NAMES[other], months=report.holdout_months,
                             mae=fits.loc[report.model, "HoldoutMAE"], other_mae=fits.loc[other, "HoldoutMAE"]))
        elif report.reason == "aic":
            lines.append(say("aic", model=name, other=MODEL_NAMES[other], aic=report.aic[report.model],
                             other_aic=report.aic[other]))
        else:   # "parameter", or "only": with Auto the other model did not converge
            lines.append(say(report.reason, model=name, other=MODEL_NAMES[other]))
    if fits is not None and report.holdout_months:
        # the model used, else the one asked for (with Auto, BG/NBD): the check still says how it forecast
        checked = report.model or (p.purchase_model if p.purchase_model in MODEL_NAMES else "BGNBD")
        row = fits.loc[checked]
        end = (p.as_of_date - pd.DateOffset(months=report.holdout_months)).date()
        actual, predicted = row["HoldoutActualTotal"], row["HoldoutPredictedTotal"]
        lines.append(say("holdout_result", model=MODEL_NAMES[checked], end=end, months=report.holdout_months,
                         as_of=p.as_of_date.date(), predicted=predicted, actual=actual,
                         gap=f"{predicted / actual - 1:+.1%}" if actual else "–"))
    elif report.model is not None:
        lines.append(say("no_holdout"))
    lines += _parameter_lines(t["ModelParameters"], report.model, say)
    lines.append(say("read.palive", months=p.forecast_months))
    lines += [say(key) for key, table in (("read.check", "ModelCheck"), ("read.distribution", "RepeatDistribution"))
              if table in t]
    return lines


def _values(parameters: pd.DataFrame, model: str) -> dict[str, float]:
    rows = parameters[parameters["Model"] == model]
    return dict(zip(rows["Parameter"].map(canonical_term), rows["Value"]))   # a summary's words back to names


def _parameter_lines(parameters: pd.DataFrame, model: str | None, say) -> list[str]:
    """The fitted parameters as a controller reads them: purchases a month while
    active, how customers drop out, the value of a repeat purchase."""
    lines = []
    if model is not None:
        v = _values(parameters, PARAMETER_MODEL[model])
        rate = v["r"] / v["alpha"] * DAYS_PER_MONTH
        if model == "BGNBD":
            lines.append(say("bgnbd", rate=rate, r=v["r"], alpha=v["alpha"], a=v["a"], b=v["b"],
                             drop=v["a"] / (v["a"] + v["b"])))
        else:
            lines.append(say("paretonbd", rate=rate, r=v["r"], alpha=v["alpha"], s=v["s"], beta=v["beta"],
                             drop=v["s"] / v["beta"] * DAYS_PER_MONTH))
    gg = _values(parameters, "Gamma-Gamma")
    if "p" in gg:
        lines.append(say("gamma_gamma", value=gg["p"] * gg["gamma"] / (gg["q"] - 1.0), p=gg["p"], q=gg["q"],
                         gamma=gg["gamma"]))
        r = gg["FrequencyValueCorrelation"]
        lines.append(say("correlated" if abs(r) > MAX_VALUE_CORRELATION else "independent", r=r,
                         limit=MAX_VALUE_CORRELATION))
    return lines
