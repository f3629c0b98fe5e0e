"""Turn cell values as finance exports write them into typed columns.

Each parser takes a pandas Series of raw cell values (what python-calamine
returns: float, int, bool, str, date, datetime, '' for blank) and returns
``(values, bad)``: the typed Series and a boolean mask of cells that were not
blank but could not be understood. Blank cells are never "bad".

Cells are grouped by Python type once per column (usually a single C-level
``infer_dtype`` pass); each group is then converted with vectorised pandas
operations, text once per distinct value.
"""
from __future__ import annotations

import datetime as dt
import decimal
import re
import unicodedata

import numpy as np
import pandas as pd

ERROR_VALUES = frozenset({
    "#N/A", "#N/A!", "#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!",
    "#GETTING_DATA", "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#UNKNOWN!",
})

# Put before a formula's text, the cell of a formula saved without its value (kam_xl.inputs.error_cells):
# its value is unknown, so it is treated as an error value, never as a blank. No cell read from a workbook
# begins with NUL (XML cannot hold one).
UNCALCULATED = "\x00"

# Earliest and latest dates accepted in an accounting book.
MIN_DATE = pd.Timestamp("1900-01-01")
MAX_DATE = pd.Timestamp("2199-12-31")
# Excel serial numbers for that range (1900 date system).
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
_MIN_SERIAL, _MAX_SERIAL = 1, 109_574
# No figure in a ledger reaches 10^15 in size: the largest companies' yearly revenue is about 10^13 in yuan or
# yen, and a single line of 10^15 would be 40 billion dollars even in dong. A number that large (1e308 typed
# or pasted, an exponent gone wrong) is a mistake: the reader refuses it as it refuses text in a number column,
# and sums of up to a billion lines below it stay far from a float's overflow (about 1.8e308).
MAX_MAGNITUDE = 1e15

_CURRENCY = re.compile(r"[¥￥$€£,，\s]|RMB|CNY|USD|EUR|HKD|GBP|JPY|元|人民币|美元|欧元|港币")
# Currency marks typed in amounts, by the currency they mean (¥ is the yen's sign as well as the yuan's).
CURRENCY_MARKS = {
    "CNY": ("¥", "￥", "RMB", "CNY", "元", "人民币"), "JPY": ("¥", "￥", "JPY", "円"),
    "USD": ("US$", "$", "USD", "美元"), "HKD": ("HK$", "HKD", "港币"), "EUR": ("€", "EUR", "欧元"),
    "GBP": ("£", "GBP"),
}
_MARK = re.compile("|".join(re.escape(m) for m in sorted({m for ms in CURRENCY_MARKS.values() for m in ms},
                                                          key=len, reverse=True)), re.IGNORECASE)


def currency_code(text: object) -> str | None:
    """The ISO code a currency cell means: 'USD', '美元', 'US$', '$' -> USD;
    any three letters as typed (upper case); None when blank or not a currency."""
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return None
    value = str(text).strip()
    if not value:
        return None
    for code, marks in CURRENCY_MARKS.items():
        if code != "JPY" and value.upper() in {m.upper() for m in marks}:
            return code
    if value.upper() in {m.upper() for m in CURRENCY_MARKS["JPY"]} | {"日元"}:
        return "JPY"
    return value.upper() if re.fullmatch(r"[A-Za-z]{3}", value) else None


def currency_codes(values: pd.Series) -> pd.Series:
    """:func:`currency_code` of each value, worked out once per distinct value and spread over the rows
    (a sales table repeats a handful of currencies, or none, over millions of lines)."""
    positions, distinct = pd.factorize(values, use_na_sentinel=False)
    found = pd.Series(distinct, dtype=values.dtype).map({v: currency_code(v) for v in distinct if pd.notna(v)})
    found = found.astype("object") if found.dtype.kind == "f" else found   # nothing known: blanks, not NaN floats
    return pd.Series(found.array.take(positions), index=values.index, name=values.name, dtype=found.dtype)


def foreign_currency(raw: pd.Series, kinds: Kinds | None, reporting: str) -> pd.Series:
    """For each text amount marked with a currency other than ``reporting``
    ('$1,000', 'USD 1,000', '€5'), that currency's code; None elsewhere. Such
    an amount is not in the reporting currency and must not be summed as it."""
    kinds = kinds or Kinds(raw)
    found = pd.Series(None, index=raw.index, dtype="object")
    if not len(kinds.text_rows):
        return found
    accepted = {m.upper() for m in CURRENCY_MARKS.get(reporting, ())}

    def marks(uniques: pd.Series) -> np.ndarray:
        def code(text: str):
            for mark in _MARK.findall(text):
                if mark.upper() not in accepted:
                    return next(c for c, ms in CURRENCY_MARKS.items() if mark.upper() in {m.upper() for m in ms})
            return None
        return np.array([code(t) for t in uniques], dtype="object")
    found[kinds.text_rows] = kinds.on_strings(marks)
    return found
_PAREN_NEGATIVE = re.compile(r"^\((.*)\)$")
_DATE_TEXT = re.compile(
    r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?\s*$"
)
_DATE_COMPACT = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})\s*$")
_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?\s*$"
# 13/03/2026 or 03/13/2026: which part is the day is decided per column (see _day_first).
_DATE_DMY = re.compile(r"^\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{4})" + _TIME)
_MONTHS = {m: i for i, names in enumerate((
    ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
    ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
    ("dec", "december")), start=1) for m in names}
_MONTH = "(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
# 5-Mar-2026, 05-Mar-26, 5 March 2026 (day first) and Mar 5, 2026 (month first).
_DATE_DAY_MONTH_NAME = re.compile(r"^\s*(\d{1,2})[-\s/.]*" + _MONTH + r"[-\s/.,]*(\d{4}|\d{2})" + _TIME, re.I)
_DATE_MONTH_NAME_DAY = re.compile(r"^\s*" + _MONTH + r"[-\s/.]*(\d{1,2})(?:st|nd|rd|th)?[\s,]+(\d{4})" + _TIME, re.I)
_TYPE_CODES = {float: 1, int: 1, np.float64: 1, np.int64: 1, dt.date: 2, dt.datetime: 2, pd.Timestamp: 2, str: 3,
               decimal.Decimal: 1,   # a database's DECIMAL/NUMERIC (Arrow decimal128); a CSV never gives one
               # Neither blank nor of any kind a column takes: TRUE in an amount, a time or a duration in a date
               # (calamine reads a negative number formatted as a date as a time of day) is a bad cell.
               bool: 4, np.bool_: 4, dt.time: 4, dt.timedelta: 4, pd.Timedelta: 4}

# The codes and distinct texts of a column without text (shared, never changed).
_NO_CODES, _NO_TEXT = np.array([], dtype=np.intp), pd.Series([], dtype="str")
# infer_dtype results that mean every cell of a column has one kind (1 number, 2 date, 3 text).
_ONE_KIND = {"floating": 1, "integer": 1, "mixed-integer-float": 1, "date": 2, "datetime": 2, "string": 3}


class Kinds:
    """Masks of a raw column by cell type, computed once per column, and the
    rows holding text (``text_rows``). Text is handled per distinct trimmed
    value (``on_strings``): keys, products and dates repeat a lot in a sales table."""

    def __init__(self, raw: pd.Series):
        if raw.dtype != object and not pd.api.types.is_string_dtype(raw.dtype):
            self._typed(raw)   # a CSV/Parquet column that already has a type
            return
        if raw.dtype == object:
            cells = raw.to_numpy()
            # One C pass finds the usual one-kind column; only mixed ones are typed cell by cell.
            kind = _ONE_KIND.get(pd.api.types.infer_dtype(cells, skipna=False))
            if kind == 2 and pd.isna(cells).any():   # infer_dtype counts None and NaT as dates
                kind = None
            codes = np.full(len(cells), kind) if kind else \
                np.fromiter((_TYPE_CODES.get(type(v), 0) for v in cells), dtype=np.int64, count=len(cells))
            positions = np.flatnonzero(codes == 3)
            factor, uniques = pd.factorize(cells[positions]) if len(positions) else (_NO_CODES, None)
        else:                  # a string column from a file: text or missing, kept in Arrow
            present = raw.notna().to_numpy()
            codes = np.where(present, 3, 0)
            positions = np.flatnonzero(present)
            factor, uniques = pd.factorize(raw if present.all() else raw.iloc[positions])
        if len(positions):
            self._uniques = pd.Series(uniques, dtype="str").str.strip()   # Arrow string kernels from here on
            filled = (self._uniques != "").to_numpy()[factor]
            if not filled.all():   # (no copies of a whole column of positions in the usual case)
                factor, positions = factor[filled], positions[filled]
        else:
            self._uniques = _NO_TEXT
        self._codes = factor
        number, date, text = codes == 1, codes == 2, np.zeros(len(raw), dtype=bool)
        text[positions] = True
        self.number = pd.Series(number, index=raw.index)
        self.date = pd.Series(date, index=raw.index)
        self.text = pd.Series(text, index=raw.index)
        self.blank = pd.Series(~(number | date | text | (codes == 4)), index=raw.index)
        self.text_rows = raw.index if len(positions) == len(raw) else raw.index[positions]

    def _typed(self, raw: pd.Series) -> None:
        present = raw.notna()
        none = pd.Series(False, index=raw.index)
        self.number = present if pd.api.types.is_numeric_dtype(raw.dtype) and raw.dtype != bool else none
        self.date = present if pd.api.types.is_datetime64_any_dtype(raw.dtype) else none
        self.text = none
        self.blank = ~(self.number | self.date)
        self.text_rows = raw.index[:0]
        self._uniques, self._codes = _NO_TEXT, _NO_CODES

    def on_strings(self, function) -> np.ndarray:
        """``function`` (a Series of distinct trimmed texts -> array) spread
        back over the text cells, in the order of ``text_rows``."""
        return np.asarray(function(self._uniques))[self._codes]

    def all_text(self, function) -> pd.Series | None:
        """When every cell is text: ``function`` (distinct trimmed texts -> str
        Series) taken back to every row without leaving Arrow; else None."""
        if len(self.text_rows) != len(self.text):
            return None
        return pd.Series(function(self._uniques).array.take(self._codes), index=self.text.index)


def is_error_text(raw: pd.Series, kinds: Kinds | None = None) -> pd.Series:
    """Cells holding an Excel error value as text (e.g. '#N/A'), or a formula without its value (UNCALCULATED)."""
    kinds = kinds or Kinds(raw)
    result = pd.Series(False, index=raw.index)
    if len(kinds.text_rows) and kinds.on_strings(lambda u: u.str.startswith(("#", UNCALCULATED))).any():
        result[kinds.text_rows] = kinds.on_strings(
            lambda u: u.str.upper().isin(ERROR_VALUES) | u.str.startswith(UNCALCULATED)).astype(bool)
    return result


def parse_number(raw: pd.Series, kinds: Kinds | None = None) -> tuple[pd.Series, pd.Series]:
    """Numbers, and text numbers such as '¥1,234.50', '1,500', '12%', '(300)'."""
    kinds = kinds or Kinds(raw)
    values = pd.Series(np.nan, index=raw.index, dtype="float64")
    values[kinds.number] = raw[kinds.number].astype("float64")
    if len(kinds.text_rows):
        def text_numbers(uniques: pd.Series) -> np.ndarray:
            cleaned = uniques.str.replace(_CURRENCY, "", regex=True)
            negative = cleaned.str.match(_PAREN_NEGATIVE).astype(bool)
            cleaned = cleaned.str.replace(_PAREN_NEGATIVE, r"\1", regex=True)
            percent = cleaned.str.endswith("%").astype(bool)
            parsed = pd.to_numeric(cleaned.str.rstrip("%"), errors="coerce").astype("float64")
            return parsed.where(~percent, parsed / 100.0).where(~negative, -parsed).to_numpy()
        values[kinds.text_rows] = kinds.on_strings(text_numbers).astype("float64")
    values = values.where(np.isfinite(values))
    return values, ~kinds.blank & values.isna()


def _from_parts(year: pd.Series, month: pd.Series, day: pd.Series) -> pd.Series:
    parts = pd.DataFrame({"year": year, "month": month, "day": day}).astype("float64")
    parts.loc[~parts["year"].between(MIN_DATE.year, MAX_DATE.year), "year"] = np.nan
    return pd.to_datetime(parts, errors="coerce").astype("datetime64[ns]")


def parse_date(raw: pd.Series, kinds: Kinds | None = None) -> tuple[pd.Series, pd.Series]:
    """Dates: Excel dates, serial numbers, and text such as '2026-03-05',
    '2026/3/5', '2026年3月5日' or '20260305'. Dates outside 1900-2199 are bad."""
    kinds = kinds or Kinds(raw)
    values = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]")
    if kinds.date.any():
        dates = raw[kinds.date]
        stamps = dates if pd.api.types.is_datetime64_any_dtype(dates.dtype) else \
            pd.Series(pd.to_datetime(dates.astype(object), errors="coerce"), index=dates.index)
        if isinstance(stamps.dtype, pd.DatetimeTZDtype):
            stamps = stamps.dt.tz_localize(None)
        stamps = stamps.where((stamps >= MIN_DATE) & (stamps <= MAX_DATE))   # before narrowing to ns
        values[kinds.date] = stamps.astype("datetime64[ns]").to_numpy()
    if kinds.number.any():
        serial = raw[kinds.number].astype("float64")
        ok = serial.between(_MIN_SERIAL, _MAX_SERIAL)
        values[kinds.number] = (_EXCEL_EPOCH + pd.to_timedelta(serial.where(ok).floordiv(1), unit="D")).to_numpy()
    if len(kinds.text_rows):
        values[kinds.text_rows] = kinds.on_strings(_text_dates).astype("datetime64[ns]")
    values = values.where((values >= MIN_DATE) & (values <= MAX_DATE))
    return values.dt.normalize(), ~kinds.blank & values.isna()


def far_dates(raw: pd.Series, kinds: Kinds | None = None) -> pd.Series:
    """Cells that are dates, or read as dates, outside MIN_DATE..MAX_DATE: a
    true date in year 1 or 9999, a number that is no serial of the range
    (-1e308, 5e6), a text date of year 1 or 9999 ('9999-12-31', '00010101')."""
    kinds = kinds or Kinds(raw)
    far = pd.Series(False, index=raw.index)
    if kinds.date.any():
        def outside(value) -> bool:
            try:
                stamp = pd.Timestamp(value)
            except (ValueError, OverflowError, TypeError):   # beyond pandas' years 1677-2262
                return True
            return bool(stamp < MIN_DATE or stamp > MAX_DATE + pd.Timedelta(days=1))
        far[kinds.date] = [outside(v) for v in raw[kinds.date]]
    if kinds.number.any():
        serial = raw[kinds.number].astype("float64")
        far[kinds.number] = (~serial.between(_MIN_SERIAL, _MAX_SERIAL + 1)).to_numpy()
    if len(kinds.text_rows):
        def far_text(uniques: pd.Series) -> np.ndarray:
            parts = uniques.str.extract(_DATE_TEXT).fillna(uniques.str.extract(_DATE_COMPACT)).astype("float64")
            month_day = parts[1].between(1, 12) & parts[2].between(1, 31)
            return (month_day & ~parts[0].between(MIN_DATE.year, MAX_DATE.year)).to_numpy()
        far[kinds.text_rows] = kinds.on_strings(far_text).astype(bool)
    return far


def _text_dates(uniques: pd.Series) -> np.ndarray:
    """Distinct date texts -> datetime64 (NaT where not understood or where
    day and month cannot be told apart, see :func:`ambiguous_dates`)."""
    parts = uniques.str.extract(_DATE_TEXT).fillna(uniques.str.extract(_DATE_COMPACT)).astype("float64")
    missing = parts[0].isna()
    if missing.any():
        rest = uniques[missing]
        numeric = rest.str.extract(_DATE_DMY).astype("float64")
        if numeric[0].notna().any():
            day_first = _day_first(numeric[0], numeric[1])
            if day_first is not None:
                day, month = (numeric[0], numeric[1]) if day_first else (numeric[1], numeric[0])
                parts.loc[missing, [0, 1, 2]] = np.column_stack([numeric[2], month, day])
        named = rest.str.extract(_DATE_DAY_MONTH_NAME)
        other = rest.str.extract(_DATE_MONTH_NAME_DAY)
        day = named[0].fillna(other[1])
        month = named[1].fillna(other[0]).str.lower().str.rstrip(".").map(_MONTHS)
        year = named[2].fillna(other[2]).astype("float64")
        year = year.where(year >= 100, year + 2000)   # two-digit years (d-mmm-yy) are this century
        found = (month.notna() & parts.loc[missing, 0].isna()).to_numpy()
        rows = rest.index[found]
        parts.loc[rows, [0, 1, 2]] = np.column_stack([year[found], month[found], day[found].astype("float64")])
    return _from_parts(parts[0], parts[1], parts[2]).to_numpy()


def _day_first(first: pd.Series, second: pd.Series) -> bool | None:
    """For dates written nn/nn/yyyy: True when a first part above 12 shows the
    column is day-first, False when a second part above 12 shows it is
    month-first; None when it cannot be told (or both are seen), unless every
    date has day = month."""
    present = first.notna() & ((first <= 12) | (second <= 12))   # 32/13/2026 is no evidence either way
    first, second = first[present], second[present]
    day_first, month_first = bool((first > 12).any()), bool((second > 12).any())
    if day_first != month_first:
        return day_first
    return True if not day_first and (first == second).all() else None


def ambiguous_dates(raw: pd.Series, kinds: Kinds | None = None) -> pd.Series:
    """Text dates nn/nn/yyyy whose column does not show which part is the day."""
    kinds = kinds or Kinds(raw)
    result = pd.Series(False, index=raw.index)
    if len(kinds.text_rows):
        def ambiguous(uniques: pd.Series) -> np.ndarray:
            numeric = uniques.str.extract(_DATE_DMY).astype("float64")
            if _day_first(numeric[0], numeric[1]) is not None:
                return np.zeros(len(uniques), dtype=bool)
            return (numeric[0].notna() & (numeric[0] != numeric[1])).to_numpy()
        result[kinds.text_rows] = kinds.on_strings(ambiguous).astype(bool)
    return result


def _trim(texts: pd.Series) -> pd.Series:
    return texts.str.replace("\u3000", " ").str.strip()


def parse_id(raw: pd.Series, kinds: Kinds | None = None) -> pd.Series:
    """Keys as text: trimmed (full-width spaces too); whole floats lose '.0'."""
    kinds = kinds or Kinds(raw)
    texts = kinds.all_text(_trim)
    if texts is not None:    # the usual key column
        empty = texts == ""
        return texts.where(~empty, None) if empty.any() else texts
    out = pd.Series(None, index=raw.index, dtype="object")
    if len(kinds.text_rows):
        out[kinds.text_rows] = kinds.on_strings(lambda u: _trim(u).to_numpy(object))
    if kinds.number.any():
        numbers = raw[kinds.number].astype("float64")
        whole = np.isfinite(numbers) & (numbers == np.floor(numbers)) & (numbers.abs() < 1e15)
        text = numbers.astype(str)
        text[whole] = numbers[whole].astype("int64").astype(str)
        out[kinds.number] = text.to_numpy(dtype=object)
    if kinds.date.any():
        out[kinds.date] = raw[kinds.date].map(lambda v: v.isoformat()[:10]).to_numpy(dtype=object)
    return out.where(out != "", None)


def parse_text(raw: pd.Series, kinds: Kinds | None = None) -> pd.Series:
    """Free text, trimmed; numbers rendered without a spurious '.0'."""
    return parse_id(raw, kinds)


def matches_words(raw: pd.Series, words: frozenset[str], kinds: Kinds | None = None) -> pd.Series:
    """Text cells equal to one of ``words`` ignoring case, spaces and '_'
    (``words`` given in that normalised form)."""
    kinds = kinds or Kinds(raw)
    result = pd.Series(False, index=raw.index)
    if len(kinds.text_rows):
        found = kinds.on_strings(lambda u: u.map(lambda v: re.sub(r"[\s_]", "", v).casefold() in words))
        result[kinds.text_rows] = found.astype(bool)
    return result


_MONTH = re.compile(r"(\d{4})\s*(?:[-/.年]\s*(\d{1,2})\s*月?|(\d{2}))(?:[-/.]0?1(?:\s+00:00(?::00)?)?)?")
_QUARTER = re.compile(r"(?:(\d{4})\s*(?:年\s*第?\s*([1-4])\s*季度?|[-\s]?\s*[Qq]\s*([1-4]))"
                      r"|[Qq]([1-4])\s*[-\s]?\s*(\d{4}))")
_YEAR = re.compile(r"(\d{4})\s*年?(?:度)?")
_RANGE = re.compile(r"\s*(?:\.\.|–|—|~|～|至|到|\bto\b)\s*")


def parse_period(text: object) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """A target's period as (first day, last day): a month ('2026-03',
    '2026/3', '2026年3月', '202603', or a date on the 1st, as Excel stores a
    typed month), a quarter ('2026Q1', '2026-Q1', '2026年第1季度'), a year
    ('2026', '2026年') or two dates ('2026-01-01 .. 2026-03-31', '~', '至').
    None when it is none of these or the range runs backwards."""
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return None
    value = unicodedata.normalize("NFKC", str(text)).strip()
    parts = [p for p in _RANGE.split(value) if p]
    if len(parts) == 2:
        dates, bad = parse_date(pd.Series(parts, dtype=object))
        if bad.any() or dates.isna().any() or dates.iloc[1] < dates.iloc[0]:
            return None
        return dates.iloc[0], dates.iloc[1]
    if match := _QUARTER.fullmatch(value):
        year, quarter = (match[1], match[2] or match[3]) if match[1] else (match[5], match[4])
        start = pd.Timestamp(int(year), 3 * int(quarter) - 2, 1)
        return start, start + pd.offsets.QuarterEnd(0)
    if match := _MONTH.fullmatch(value):
        month = int(match[2] or match[3])
        if not 1 <= month <= 12:
            return None
        start = pd.Timestamp(int(match[1]), month, 1)
        return start, start + pd.offsets.MonthEnd(0)
    if match := _YEAR.fullmatch(value):
        start = pd.Timestamp(int(match[1]), 1, 1)
        return start, pd.Timestamp(int(match[1]), 12, 31)
    return None
