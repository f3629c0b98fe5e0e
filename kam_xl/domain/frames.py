"""Small shared helpers for the analysis modules (pure, vectorised)."""
from __future__ import annotations

import numpy as np
import pandas as pd


def ratio(numerator, denominator) -> pd.Series:
    """numerator / denominator, empty (NaN) where the denominator is <= 0 or
    missing, or where the quotient is beyond a float (a denominator of 1e-320)."""
    if isinstance(numerator, pd.Series):
        numerator = numerator.astype("float64")
    else:
        numerator = pd.Series(numerator, dtype="float64")
    if isinstance(denominator, pd.Series):
        denominator = denominator.astype("float64")
    else:
        denominator = pd.Series(denominator, index=numerator.index, dtype="float64")
    with np.errstate(over="ignore"):
        quotient = (numerator / denominator.where(denominator > 0)).astype("float64")
    return quotient.where(np.isfinite(quotient))


# Decimals of each currency's minor unit (ISO 4217) where it is not 2.
MINOR_UNIT_DECIMALS = {"JPY": 0, "KRW": 0, "VND": 0, "CLP": 0, "ISK": 0, "UGX": 0, "PYG": 0, "XAF": 0, "XOF": 0,
                       "BHD": 3, "KWD": 3, "OMR": 3, "JOD": 3, "IQD": 3, "LYD": 3, "TND": 3}


def minor_unit_decimals(currency: str) -> int:
    """2 for CNY, USD, EUR...; 0 for JPY or KRW; 3 for KWD or BHD."""
    return MINOR_UNIT_DECIMALS.get(currency.upper(), 2)


def round_money(values, decimals: int = 2):
    """Money rounded to the currency's minor unit, as the ledger holds it
    (so 57135.01000000001 is 57135.01 and a residue of 1e-11 is 0); -0.0
    becomes 0.0. Applied where an accountant would round: each open item,
    each customer's total, and each portfolio total."""
    return np.round(values, decimals) + 0.0


def total(values: pd.Series) -> float:
    """Sum that stays empty (NaN) when any part is unknown: a total whose basis
    is incomplete is not shown as if it were complete."""
    return float(values.sum(skipna=False)) if len(values) else 0.0


def totals_by(frame: pd.DataFrame, keys: list[pd.Series], columns: list[str], sort: bool) -> pd.DataFrame:
    """Per group of ``keys`` (blank keys a group of their own), the sum of each
    of ``columns``, empty when any part is unknown (as :func:`total`)."""
    grouped = frame.groupby(keys, sort=sort, dropna=False)[columns]
    return grouped.sum().where(grouped.count().eq(grouped.size(), axis=0))


def in_window(frame: pd.DataFrame, column: str, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Rows whose ``column`` date lies in [start, end], both included."""
    dates = frame[column]
    return frame[(dates >= start) & (dates <= end)]


def per_customer(values: pd.Series, customer_ids: pd.Index, fill: float | None = 0.0) -> pd.Series:
    """Align a CustomerID-indexed series to every customer (missing -> ``fill``)."""
    aligned = values.reindex(customer_ids)
    return aligned.fillna(fill) if fill is not None else aligned


def sum_by_customer(frame: pd.DataFrame, column: str, customer_ids: pd.Index) -> pd.Series:
    return per_customer(frame.groupby("CustomerID", sort=False)[column].sum(), customer_ids)


def percentile_rank(values: pd.Series) -> pd.Series:
    """Percentile rank 0-100 among the non-missing values: 100 x rank / n, ties
    share their average rank. Missing stays missing."""
    return values.rank(method="average", pct=True) * 100.0


def rank_descending(values: pd.Series) -> pd.Series:
    """1 = largest; ties broken by CustomerID (the index) ascending; NaN last."""
    order = pd.DataFrame({"v": values, "id": values.index}).sort_values(["v", "id"], ascending=[False, True],
                                                                        na_position="last")
    ranks = pd.Series(np.arange(1, len(order) + 1), index=order.index)
    return ranks.reindex(values.index).astype("int64")


def map_distinct(values: pd.Series, function) -> pd.Series:
    """``function`` applied once per distinct value (activity names, IDs repeat a lot)."""
    codes, uniques = pd.factorize(values)
    mapped = np.array([function(u) for u in uniques] + [None], dtype=object)
    return pd.Series(mapped[codes], index=values.index)   # code -1 (missing) takes the trailing None


def first_match(left: pd.DataFrame, right: pd.DataFrame, keys: list[str]) -> np.ndarray:
    """For each row of ``left``, the position in ``right`` of the first row with the same ``keys`` (a blank
    matching a blank, as a merge matches them), -1 where none: a left merge with the first of each key's
    right rows, done on one integer per row (the keys factorised over both tables) instead of on texts."""
    both = pd.concat([right[keys], left[keys]], ignore_index=True)
    key = np.zeros(len(both), dtype=np.int64)
    for column in keys:
        codes, distinct = pd.factorize(both[column], use_na_sentinel=False)
        key, _ = pd.factorize(key * (len(distinct) + 1) + codes)   # compact again: no overflow with more keys
    right_key, left_key = key[:len(right)], key[len(right):]
    first = np.flatnonzero(~pd.Series(right_key).duplicated().to_numpy())
    found = pd.Index(right_key[first]).get_indexer(left_key)
    return np.append(first, -1)[found]   # -1, not found, takes the -1 appended
