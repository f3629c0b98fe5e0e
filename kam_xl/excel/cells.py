"""Excel-shaped values in and out, for cell formulas (xlwings UDFs) and the
refresh macro: 2-D lists with None for blanks, floats, datetimes and error
strings. Validation happens here, at the edge; the maths stays in the core."""
from __future__ import annotations

import datetime as dt
import math
from collections import OrderedDict

import numpy as np
import pandas as pd

from kam_xl.analysis import Results
from kam_xl.contract import TABLES
from kam_xl.inputs.parsing import ERROR_VALUES, parse_date, parse_number
from kam_xl.inputs.reader import inputs_from_frames
from kam_xl.render.localize import analyze

# Text starting with one of these is read as a formula by spreadsheet programs.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def as_text_value(value):
    """A value to *type* into a cell through Excel's object model (xlwings):
    text that Excel would parse as a formula gets a leading apostrophe, which
    Excel stores as a text prefix, not as part of the text."""
    if isinstance(value, str) and value[:1] in FORMULA_PREFIXES:
        return "'" + value
    return value


class CellInputError(ValueError):
    """Bad input to a cell formula; the message is shown in the cell."""


def flatten(values) -> list:
    """A range (2-D list), a row or column (1-D list) or one value as a flat list."""
    if not isinstance(values, (list, tuple)):
        return [values]
    if values and isinstance(values[0], (list, tuple)):
        return [v for row in values for v in row]
    return list(values)


def _check(raw: list, bad: pd.Series, name: str, what: str) -> None:
    for position, (value, is_bad) in enumerate(zip(raw, bad)):
        if isinstance(value, str) and value.strip().upper() in ERROR_VALUES:
            raise CellInputError(f"{name} item {position + 1} is {value.strip()}")
        if is_bad:
            raise CellInputError(f"{name} item {position + 1} ('{value}') is not {what}")


def numbers(values, name: str) -> pd.Series:
    """A column of numbers; blanks become NaN, text numbers ('1,500', '12%') are read."""
    raw = flatten(values)
    parsed, bad = parse_number(pd.Series(raw, dtype="object"))
    _check(raw, bad, name, "a number")
    return parsed


def dates(values, name: str) -> pd.Series:
    raw = flatten(values)
    parsed, bad = parse_date(pd.Series(raw, dtype="object"))
    _check(raw, bad, name, "a date")
    return parsed


def number(value, name: str, default: float | None = None) -> float:
    if value is None or value == "":
        if default is None:
            raise CellInputError(f"{name} is required")
        return default
    series = numbers([value], name)
    return float(series.iloc[0])


def positive(value, name: str, default: float, most: float | None = None) -> float:
    """A number that must be above 0 (and at most ``most``): a period, a horizon, a share. A 0 is refused,
    since LibreOffice Calc hands an add-in a blank single cell as 0 where Excel gives no value."""
    given = number(value, name, default)
    if not given > 0 or (most is not None and given > most):
        raise CellInputError(f"{name} must be more than 0" + (f" and at most {most:g}" if most is not None else "")
                             + f", not {given:g}")
    return given


def same_length(**columns: pd.Series) -> int:
    lengths = {name: len(c) for name, c in columns.items()}
    if len(set(lengths.values())) > 1:
        raise CellInputError("ranges differ in size: " + ", ".join(f"{k} {v}" for k, v in lengths.items()))
    return next(iter(lengths.values()))


def as_cell(value):
    """A Python value as Excel shows it: NaN/NaT -> blank, numpy -> float, Timestamp -> datetime."""
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, float, np.integer, np.floating)):
        return None if math.isnan(float(value)) else float(value)
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value


def column_of(series: pd.Series) -> list[list]:
    """A Series as an Excel column (n x 1)."""
    return [[as_cell(v)] for v in series.tolist()]


def table_of(frame: pd.DataFrame, header: bool = True) -> list[list]:
    """A DataFrame as a 2-D range with its header row."""
    rows = [[as_cell(v) for v in row] for row in frame.itertuples(index=False, name=None)]
    return ([list(frame.columns)] if header else []) + rows


def frame_of(values, name: str) -> pd.DataFrame | None:
    """An Excel Table given as Table[#All]: header row then data rows."""
    if values is None:
        return None
    if not isinstance(values, (list, tuple)) or not values or not isinstance(values[0], (list, tuple)):
        raise CellInputError(f"{name}: give the whole table with its header, e.g. {name}[#All]")
    header, rows = values[0], values[1:]
    if any(h in (None, "") for h in header):
        raise CellInputError(f"{name}: the first row must be the header")
    return pd.DataFrame([list(r) for r in rows], columns=[str(h) for h in header], dtype="object")


# Excel calls every formula on its own: a sheet with ten table formulas over the same Tables would analyse
# ten times. The last few results are kept, keyed by the cell values they came from (and the day, since a
# book without AsOfDate is analysed as of today). The key holds the values themselves, so a hit is an
# equal input, never merely an equal hash. Results are only read, never modified.
CACHE_SIZE = 4
_cache: OrderedDict[tuple, object] = OrderedDict()


def _frozen(value):
    """A range (2-D list), a row or column, or one value, as a hashable tuple."""
    if isinstance(value, (list, tuple)):
        return tuple(tuple(v) if isinstance(v, (list, tuple)) else v for v in value)
    return value


def cached(kind: str, arguments: dict, compute):
    """``compute()``, or its result for the same ``kind`` and argument values from a recent call."""
    key = (kind, dt.date.today(), *((name, _frozen(value)) for name, value in sorted(arguments.items())))
    if key in _cache:
        _cache.move_to_end(key)
        return _cache[key]
    result = compute()
    _cache[key] = result
    while len(_cache) > CACHE_SIZE:
        _cache.popitem(last=False)
    return result


def analyze_tables(tables: dict[str, object], params: dict | None = None) -> Results:
    """Run the analysis on Excel Tables passed as ranges ([#All]), or give the
    result of a recent call on the same cells (see :func:`cached`). Without a
    Customers table the customers are the IDs found in the other tables."""
    return cached("analysis", {**tables, "": _frozen(sorted((params or {}).items()))},
                  lambda: _analyze_tables(tables, params))


def _analyze_tables(tables: dict[str, object], params: dict | None) -> Results:
    frames = {name: frame_of(values, name) for name, values in tables.items() if values is not None}
    if "Customers" not in frames:
        ids: list = []
        key = TABLES["Customers"].column("CustomerID")
        for frame in frames.values():
            for column in frame.columns:
                if column.replace(" ", "").lower() in (key.name.lower(), key.zh):
                    ids += [v for v in frame[column].tolist() if v not in (None, "")]
        frames["Customers"] = pd.DataFrame({"CustomerID": list(dict.fromkeys(ids))})
    if "Sales" not in frames:
        frames["Sales"] = pd.DataFrame(columns=["Date", "CustomerID", "NetRevenue"])
    inputs = inputs_from_frames(frames)
    if inputs.fatal:
        raise CellInputError(inputs.fatal[0])
    return analyze(inputs, params)


# LibreOffice Calc hands add-in functions nested tuples, empty cells as "" (or nothing) and dates as serial numbers
# from this day; it shows a result only as numbers and text.
CALC_EPOCH = dt.datetime(1899, 12, 30)
# The Calc add-in's UNO implementation name; Calc stores its functions in a workbook as ORG.KAMXL.KAMXL.<name>.
CALC_ADDIN = "org.kamxl.KamXL"


def from_calc(value):
    """A Calc add-in argument as the functions take Excel's: tuples of rows -> 2-D list, "" -> blank."""
    if isinstance(value, tuple):
        return [[None if v == "" else v for v in row] if isinstance(row, tuple) else row for row in value]
    return None if value == "" else value


def to_calc(result) -> tuple[tuple, ...]:
    """A function's result as Calc takes it: rows of values (one value is one row of one), blank -> "",
    dates -> serial numbers."""
    def cell(v):
        if v is None:
            return ""
        if isinstance(v, dt.datetime):
            return (v - CALC_EPOCH) / dt.timedelta(days=1)
        return v
    rows = result if isinstance(result, list) else [[result]]
    return tuple(tuple(cell(v) for v in row) for row in rows)
