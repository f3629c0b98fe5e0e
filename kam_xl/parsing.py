"""Turn cell values as finance exports write them into typed columns.

Each parser takes a pandas Series of raw cell values (what python-calamine
returns: float, int, bool, str, date, datetime, '' for blank) and returns
``(values, bad)``: the typed Series and a boolean mask of cells that were not
blank but could not be understood. Blank cells are never "bad".
"""
from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd

ERROR_VALUES = frozenset({
    "#N/A", "#N/A!", "#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!",
    "#GETTING_DATA", "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#UNKNOWN!",
})

# Earliest and latest dates accepted in an accounting book.
MIN_DATE = pd.Timestamp("1900-01-01")
MAX_DATE = pd.Timestamp("2199-12-31")
# Excel serial numbers for that range (1900 date system).
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
_MIN_SERIAL, _MAX_SERIAL = 1, 109_574

_CURRENCY = re.compile(r"[¥￥$€£,，\s]|RMB|CNY|USD|EUR|元")
_PAREN_NEGATIVE = re.compile(r"^\((.*)\)$")
_DATE_TEXT = re.compile(
    r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?\s*$"
)
_DATE_COMPACT = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})\s*$")


def is_blank(raw: pd.Series) -> pd.Series:
    """True where a cell is empty (None, NaN, '' or only white space)."""
    as_text = raw.map(lambda v: v.strip() == "" if isinstance(v, str) else v is None)
    return as_text.astype(bool) | raw.isna()


def is_error_text(raw: pd.Series) -> pd.Series:
    return raw.map(lambda v: isinstance(v, str) and v.strip().upper() in ERROR_VALUES).astype(bool)


def parse_number(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Numbers, and text numbers such as '¥1,234.50', '1,500', '12%', '(300)'."""
    blank = is_blank(raw)
    numeric = raw.map(lambda v: isinstance(v, (int, float, np.number)) and not isinstance(v, bool))
    values = pd.Series(np.nan, index=raw.index, dtype="float64")
    values[numeric] = raw[numeric].astype("float64")
    text = ~numeric & ~blank & raw.map(lambda v: isinstance(v, str)).astype(bool)
    if text.any():
        cleaned = raw[text].astype(str).str.strip()
        cleaned = cleaned.str.replace(_CURRENCY, "", regex=True)
        negative = cleaned.str.match(_PAREN_NEGATIVE)
        cleaned = cleaned.str.replace(_PAREN_NEGATIVE, r"\1", regex=True)
        percent = cleaned.str.endswith("%")
        cleaned = cleaned.str.rstrip("%")
        parsed = pd.to_numeric(cleaned, errors="coerce")
        parsed = parsed.where(~percent, parsed / 100.0).where(~negative, -parsed)
        values[text] = parsed.astype("float64")
    values = values.where(np.isfinite(values))
    bad = ~blank & values.isna()
    return values, bad


def _from_parts(year: pd.Series, month: pd.Series, day: pd.Series) -> pd.Series:
    parts = pd.DataFrame({"year": year, "month": month, "day": day}).astype("float64")
    parts.loc[~parts["year"].between(MIN_DATE.year, MAX_DATE.year), "year"] = np.nan
    return pd.to_datetime(parts, errors="coerce").astype("datetime64[ns]")


def parse_date(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Dates: Excel dates, serial numbers, and text such as '2026-03-05',
    '2026/3/5', '2026年3月5日' or '20260305'. Dates outside 1900-2199 are bad."""
    blank = is_blank(raw)
    values = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]")
    is_date = raw.map(lambda v: isinstance(v, (dt.date, pd.Timestamp))).astype(bool)
    if is_date.any():
        values[is_date] = pd.to_datetime(
            raw[is_date].map(lambda v: dt.date(v.year, v.month, v.day) if MIN_DATE.year <= v.year <= MAX_DATE.year else None),
            errors="coerce")
    numeric = raw.map(lambda v: isinstance(v, (int, float, np.number)) and not isinstance(v, bool)).astype(bool)
    if numeric.any():
        serial = raw[numeric].astype("float64")
        ok = serial.between(_MIN_SERIAL, _MAX_SERIAL)
        values[numeric] = (_EXCEL_EPOCH + pd.to_timedelta(serial.where(ok).floordiv(1), unit="D")).values
    text = raw.map(lambda v: isinstance(v, str)).astype(bool) & ~blank
    if text.any():
        strings = raw[text].astype(str)
        parts = strings.str.extract(_DATE_TEXT)
        compact = strings.str.extract(_DATE_COMPACT)
        parts = parts.fillna(compact)
        values[text] = _from_parts(parts[0], parts[1], parts[2]).values
    values = values.where((values >= MIN_DATE) & (values <= MAX_DATE))
    bad = ~blank & values.isna()
    return values.dt.normalize(), bad


def parse_id(raw: pd.Series) -> pd.Series:
    """Keys as text: trimmed (full-width spaces too); whole floats lose '.0'."""
    def one(v: object) -> object:
        if v is None or (isinstance(v, float) and np.isnan(v)):
            return None
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        if isinstance(v, (dt.date, pd.Timestamp)):
            v = v.isoformat()[:10]
        text = str(v).replace("\u3000", " ").strip()
        return text or None
    return raw.map(one).astype("object")


def parse_text(raw: pd.Series) -> pd.Series:
    """Free text, trimmed; numbers rendered without a spurious '.0'."""
    return parse_id(raw)
