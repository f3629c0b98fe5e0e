"""The analysis as the user reads it: the core's keys and facts put into the
words of the summary's language (kam_xl.words). ``analyze`` and ``restrict``
here are the ones the package exports and every edge uses."""
from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pandas as pd

from kam_xl import analysis
from kam_xl.analysis import Results
from kam_xl.domain.strategy import ACTION_SEPARATOR
from kam_xl.inputs.params import FOLLOW_UP_STEPS
from kam_xl.domain.trend import DIMENSIONS
from kam_xl.words import about_label, catalogue, dimension_label, header, model_term, sentences, table_label, text, word


# About's parameters whose values are one of a few keys (kam_xl.inputs.params.CHOICES).
ABOUT_CHOICES = ("AgingBasis", "AverageARMethod", "PurchaseModel")
WEEK = re.compile(r"W\d\d")   # a week of the receipts forecast (kam_xl.domain.receivables)
# Columns whose values are keys shown in words: CreditRisk High/Medium/Low, the portfolio quadrants.
WORDED_VALUES = {"CreditRisk": "risk", "PortfolioQuadrant": "quadrant", "PreviousQuadrant": "quadrant",
                 "Quadrant": "quadrant", "FollowUpOverdue": "flag", "CadenceBreached": "flag", "Improved": "flag"}


def localized(results: Results) -> Results:
    """Strategies and actions in words, the blank segment labelled, the
    commentary written, and the Commentary and DataQuality tables added (after
    KPIs), all in ``results.params.language``."""
    p = results.params
    language = p.language
    tables: dict[str, pd.DataFrame] = {}
    summary = sentences(results.facts, p.reporting_currency, language)
    for name, frame in results.tables.items():
        if name == "Controls":   # worded below, after DataQuality
            continue
        frame = table_in_words(name, frame, language, p.aging_buckets[-1])
        if catalogue(language).VALUES_IN_WORDS:   # levels, quadrants and yes/no flags in words
            frame = frame.assign(**{column: frame[column].map(lambda v, k=key: text(f"{k}.{v}", language)
                                                              if isinstance(v, (str, bool)) else v)
                                    for column, key in WORDED_VALUES.items() if column in frame})
        if name == "About":   # the worded tables stand before About, as in the workbook
            tables["Commentary"] = pd.DataFrame({"Commentary": summary})
            tables["DataQuality"] = results.dq.frame(language, private=results.private)
            if "Controls" in results.tables:
                tables["Controls"] = controls_text(results.tables["Controls"], p.reporting_currency, language)
        tables[name] = frame
    return dataclasses.replace(results, tables=tables, commentary=summary)


def table_in_words(name: str, frame: pd.DataFrame, language: str, days: int) -> pd.DataFrame:
    """The keys of one output table in the words of ``language`` (``days``: the oldest aging bucket's, which
    an action and the forecast's last rows name)."""
    if name == "Strategy":
        return frame.assign(
            RecommendedStrategy=frame["RecommendedStrategy"].map(
                lambda q: text(f"strategy.{q}", language) if isinstance(q, str) else None),
            Actions=frame["Actions"].map(lambda keys: actions_text(keys, days, language)))
    if name == "OpenItems":   # the step each level calls for, in words
        return frame.assign(NextStep=frame["FollowUpLevel"].map(
            lambda level: text(f"followup.{FOLLOW_UP_STEPS[level - 1]}", language) if level > 0 else
            text("followup.not_due", language)))
    if name == "ExpectedReceipts":   # the weeks (W01, 第1周) and the two rows past the weeks and months
        return frame.assign(Bucket=frame["Bucket"].map(
            lambda b: text(f"forecast.{b}", language, days=days) if b in ("Later", "Doubtful") else
            text("week", language, n=int(b[1:])) if WEEK.fullmatch(str(b)) else b),
            Granularity=frame["Granularity"].map(lambda g: text(f"granularity.{g}", language)))
    if name == "Classification":   # RFM segments by the names the language gives them
        return frame.assign(RFMSegment=frame["RFMSegment"].map(
            lambda segment: text(f"rfm.{segment}", language) if isinstance(segment, str) else segment))
    if name == "ModelParameters":   # parameters and units that are words; the symbols (r, alpha ...) stay
        return frame.assign(**{c: frame[c].map(lambda v: model_term(v, language) if isinstance(v, str) else v)
                               for c in ("Model", "Parameter", "Unit")})
    if name == "About":   # items by the language's names, and the values that are keys in words
        return frame.assign(Item=frame["Item"].map(lambda item: about_label(item, language)),
                            Value=[about_value(item, value, language)
                                   for item, value in zip(frame["Item"], frame["Value"])])
    if name == "Provision":
        return frame.assign(Method=frame["Method"].map(lambda m: text(f"provision.{m}", language)))
    if name == "ProvisionBands":   # the default policy's bands have names in each language
        return frame.assign(Band=frame["Band"].map(lambda band: header(band, language)))
    if name == "Attainment" and catalogue(language).VALUES_IN_WORDS:   # else the contract's values
        return frame.assign(**{c: frame[c].map(lambda v, c=c: text(f"attainment.{v}", language))
                               for c in ("Level", "Window", "Measure")})
    if name == "ActionReview":   # last period's actions and the measures in words
        return frame.assign(
            PreviousActions=frame["PreviousActions"].map(lambda keys: actions_text(keys, days, language)),
            Metric=frame["Metric"].map(lambda m: header(m, language) if isinstance(m, str) else m))
    if name in ("Segments", "TrendSummary"):   # dimensions in words; a blank segment labelled as in Trend
        return frame.assign(Segment=frame["Segment"].fillna(text("blank", language)),
                            Dimension=frame["Dimension"].map(lambda d: dimension_label(d, language)))
    if name == "Trend":   # labelled so the monthly totals can sum by them (SUMIFS skips no blank)
        return frame.assign(**{d: frame[d].fillna(text("blank", language)) for d in DIMENSIONS})
    return frame


def about_value(item: str, value: object, language: str) -> object:
    """A value of About in words where it is a key: the comparison (months, 之前相同月数的自然月), a choice
    (DueDate, 到期日: the spelling the Parameters table also reads), the ABC basis as its column, yes or no."""
    if item == "Comparison":
        return text(f"comparison.{value}", language)
    if item in ABOUT_CHOICES and isinstance(value, str) and value:
        return text(f"choice.{value}", language)
    if item == "ABCBasis":
        return header(str(value), language)
    if item == "PotentialWeights" and isinstance(value, str):   # CLV 0.4 ... -> 客户终身价值 0.4 ... (read back alike)
        return re.sub(r"[A-Za-z]+", lambda part: catalogue(language).WEIGHTS.get(part[0], part[0]), value)
    if value in ("TRUE", "FALSE") and catalogue(language).VALUES_IN_WORDS:   # else TRUE / FALSE, as typed
        return text(f"flag.{value == 'TRUE'}", language)
    return value


def controls_text(frame: pd.DataFrame, currency: str, language: str) -> pd.DataFrame:
    """The Controls table in words: what each control reconciles, its table,
    unit (the currency, or lines), status and note."""
    def note(key: str, facts: dict) -> str:
        if "parts" in facts:   # lines read = where they went + rejected
            parts = text("list.separator", language).join(
                text(f"control_part.{name}", language, rows=rows, amount=amount)
                for name, rows, amount in facts["parts"])
            return text("control_note.lines", language, **{**facts, "parts": parts})
        return text(f"control_note.{key}", language, **facts)
    return frame.assign(
        Control=frame["Control"].map(lambda key: word(f"control.{key}", language)),
        Table=frame["Table"].map(lambda name: table_label(name, language)),
        Unit=frame["Unit"].map(lambda unit: currency if unit == "money" else text("control_unit.count", language)),
        Status=frame["Status"].map(lambda status: text(f"control_status.{status}", language)),
        Note=[note(key, facts) for key, facts in zip(frame["Control"], frame["Note"])])


def actions_text(keys: str, oldest_bucket_days: int, language: str) -> str:
    """The actions of one customer (keys joined by ACTION_SEPARATOR) in words,
    in the order given, separated as the language separates list items."""
    return text("list.separator", language).join(
        text(f"action.{key}", language, days=oldest_bucket_days) for key in keys.split(ACTION_SEPARATOR) if key)


def analyze(inputs, params=None, previous=None) -> Results:
    """Every output table (see :func:`kam_xl.analysis.compute`) in the words of
    the summary's language; About's RunTime is now."""
    run_time = dt.datetime.now().isoformat(timespec="seconds")
    return localized(analysis.compute(inputs, params, previous, run_time=run_time))


def restrict(results: Results, customer_ids, audience: str | None = None) -> Results:
    """The summary of some customers only (see :func:`kam_xl.analysis.for_customers`)."""
    return localized(analysis.for_customers(results, customer_ids, audience))
