"""Table bodies written a column at a time.

XlsxWriter spends about 7 us a cell: a Python call and a named tuple stored per cell, then a second pass
that turns each tuple into XML. A table body (values with one style per column or per row kind, formulas
with their cached values) is kept instead as its columns, and becomes sheet XML when the workbook is
closed, a block of rows at a time, one list comprehension per column. The XML is what XlsxWriter writes for
the same calls, byte for byte (tests/test_columnar_writer.py): the same cells, types, styles, shared strings
and cached values. XlsxWriter still writes everything else: the rows around the body, styles, Excel Tables,
charts, defined names, print settings, and the package itself.

Shared strings are numbered when a column is added, as ``write_string`` would number them; styles get
their index when the body is first written out, in the order XlsxWriter would meet them (row by row).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from xml.sax.saxutils import unescape

import numpy as np
import pandas as pd
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import _utf16_len, _utf16_truncate, re_dynamic_function
from xlsxwriter.xmlwriter import XMLwriter

CHUNK_ROWS = 8192   # rows turned into XML at a time: the text of one chunk is held, not the whole body's
ERROR_CODES = ("#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!")
EPOCH = np.datetime64("1899-12-31T00:00:00", "us")   # XlsxWriter's epoch (Excel's day 1 is 1900-01-01)
FIRST_PLAIN_DAY = pd.Timestamp("1900-03-01")   # from here on, no 1900 leap-year or time-only adjustment
US_PER_DAY = 86_400_000_000


@dataclass
class Column:
    """One column of a body: for each row the cell's style (an index into ``formats``) and the cell's text
    after its style attribute (``><v>1.5</v></c>``, `` t="s"><v>7</v></c>``, ``/>``), made on demand."""

    formats: list
    styles: np.ndarray | None          # per row, or None: every row has formats[0]
    tails: object                      # callable (first, stop) -> list[str], or a list of every row's tail
    letter: str = ""

    def tail(self, first: int, stop: int) -> list[str]:
        return self.tails[first:stop] if isinstance(self.tails, list) else self.tails(first, stop)

    def first_uses(self) -> list[tuple[int, object]]:
        """(first row, format) of each format, in order of rows."""
        if self.styles is None:
            return [(0, self.formats[0])]
        codes, rows = np.unique(self.styles, return_index=True)
        return sorted((int(r), self.formats[int(c)]) for c, r in zip(codes, rows))

    def cells(self, numbers: list[str], first: int, stop: int) -> list[str]:
        head = f'<c r="{self.letter}'
        tails = self.tail(first, stop)
        if self.styles is None:
            middle = f'" s="{self.formats[0]._get_xf_index()}"'
            return [f"{head}{n}{middle}{t}" for n, t in zip(numbers, tails)]
        styles = self.styles[first:stop].tolist()
        xf = {s: self.formats[s]._get_xf_index() for s in set(styles)}   # the chunk's: each numbered at its row
        return [f'{head}{n}" s="{xf[s]}"{t}' for n, s, t in zip(numbers, styles, tails)]


@dataclass
class Body:
    """The rows ``first_row`` .. of a table body from ``first_col`` on; it writes its rows' cells as XML.

    A format gets its style index at the row of its first cell, as XlsxWriter gives it, so that cells of
    the same rows outside the body (a Dashboard's tiles beside its KPIs table) keep their order: rows are
    made into XML in chunks that start at each such row."""

    first_row: int
    first_col: int
    columns: list[Column]
    rows: int
    _chunk: tuple[int, int, list[str]] = (0, 0, [])
    _firsts: dict[int, list] = field(default_factory=dict)

    def __post_init__(self):
        uses = sorted((row, i, fmt) for i, c in enumerate(self.columns) for row, fmt in c.first_uses())
        for row, _, fmt in uses:
            self._firsts.setdefault(row, []).append(fmt)

    def overlaps(self, row_start: int, col_start: int, row_end: int, col_end: int) -> bool:
        return (row_start < self.first_row + self.rows and self.first_row <= row_end
                and col_start < self.first_col + len(self.columns) and self.first_col <= col_end)

    def holds(self, row: int, col: int) -> bool:
        return 0 <= row - self.first_row < self.rows and 0 <= col - self.first_col < len(self.columns)

    def row_xml(self, row: int) -> str:
        offset = row - self.first_row
        first, stop, made = self._chunk
        if not first <= offset < stop:
            for fmt in self._firsts.get(offset, ()):
                fmt._get_xf_index()
            stop = min([offset + CHUNK_ROWS, self.rows] + [r for r in self._firsts if r > offset])
            self._chunk = first, stop, made = offset, stop, self._render(offset, stop)
        return made[offset - first]

    def _render(self, first: int, stop: int) -> list[str]:
        numbers = [str(self.first_row + r + 1) for r in range(first, stop)]
        parts = [c.cells(numbers, first, stop) for c in self.columns]
        return ["".join(row) for row in zip(*parts)]

    def chart_value(self, sheet, row: int, col: int) -> list:
        """The cell as XlsxWriter's ``_get_range_data`` gives it to a chart's cache (a flag: nothing)."""
        i = row - self.first_row
        tail = self.columns[col - self.first_col].tail(i, i + 1)[0]
        if tail == "/>":
            return [""]
        value = tail[tail.rindex("<v>") + 3:tail.rindex("</v>")]
        if "<f>" in tail:
            if tail.startswith(' t="b"'):
                return [value == "1"]
            return [unescape(value)]
        if tail.startswith(' t="s"'):
            return [sheet.str_table._get_shared_string(int(value))]
        return [] if tail.startswith(' t="b"') else [value.replace("E", "e")]


class BodyRow:
    """The marker XlsxWriter keeps in a body row's first cell: the whole row's cells."""

    __slots__ = ("body",)
    format = None

    def __init__(self, body: Body):
        self.body = body


class BodyEnd:
    """The marker in a body row's last cell (so the row's span is right): written by the first."""

    __slots__ = ()
    format = None


BODY_END = BodyEnd()


def add_body(sheet, first_row: int, first_col: int, columns: list[Column]) -> None:
    """Place ``columns`` (each as long as the others) as a block of cells on ``sheet`` (a ColumnarWorksheet)."""
    rows = min((c.styles.size if c.styles is not None else _length(c) for c in columns), default=0)
    if not columns or not rows:
        return
    for offset, column in enumerate(columns):
        column.letter = xl_col_to_name(first_col + offset)
    body = Body(first_row, first_col, columns, rows)
    last_col = first_col + len(columns) - 1
    if sheet._check_dimensions(first_row, first_col) or sheet._check_dimensions(first_row + rows - 1, last_col):
        raise ValueError(f"a table body of {rows} rows from row {first_row + 1} does not fit on sheet {sheet.name}")
    taken = [r for r in range(first_row, first_row + rows)
             if any(first_col <= c <= last_col for c in sheet.table.get(r, ()))]
    if taken:   # a cell written there before would be written twice, out of order: a file Excel repairs
        raise ValueError(f"a table body on sheet {sheet.name} would cover cells already written (row {taken[0] + 1})")
    sheet.bodies.append(body)
    marker = BodyRow(body)
    for row in range(first_row, first_row + rows):
        cells = sheet.table[row]
        cells[first_col] = marker
        if last_col != first_col:
            cells[last_col] = BODY_END


def _length(column: Column) -> int:
    return len(column.tails) if isinstance(column.tails, list) else column.tails.length


class _Tails:
    """Tails made from arrays a chunk at a time; ``make(first, stop)`` -> list[str]."""

    def __init__(self, length: int, make):
        self.length, self.make = length, make

    def __call__(self, first: int, stop: int) -> list[str]:
        return self.make(first, stop)


def _number_tails(numbers: np.ndarray, blank: np.ndarray) -> _Tails:
    """``><v>x</v></c>`` with XlsxWriter's %.16G, or ``/>`` (a blank with its style) where ``blank``."""
    def make(first, stop):
        values, empty = numbers[first:stop].tolist(), blank[first:stop].tolist()
        return ["/>" if e else f"><v>{v:.16G}</v></c>" for v, e in zip(values, empty)]
    return _Tails(len(numbers), make)


def typed(values: pd.Series, fmt) -> Column:
    """A column of NumPy numbers, flags or dates in one format: non-finite numbers and NaT blank, dates as
    Excel serial days (what ``write_datetime`` writes), flags as TRUE/FALSE."""
    kind = values.dtype.kind
    if kind == "b":
        flags = values.to_numpy()
        return Column([fmt], None, _Tails(len(flags), lambda a, b: [
            ' t="b"><v>1</v></c>' if f else ' t="b"><v>0</v></c>' for f in flags[a:b].tolist()]))
    if kind == "M":
        serial = excel_days(values)
        return Column([fmt], None, _number_tails(serial, np.isnan(serial)))
    numbers = values.to_numpy(dtype="float64", na_value=np.nan)
    return Column([fmt], None, _number_tails(numbers, ~np.isfinite(numbers)))


def excel_days(values: pd.Series) -> np.ndarray:
    """Datetimes as Excel serial days (float; NaN for NaT), computed as XlsxWriter's
    ``_datetime_to_excel_datetime`` does for a naive datetime (whole microseconds; days since 1899-12-31 plus
    the day's fraction, plus one from 1900-03-01 for Excel's 29 February 1900)."""
    micro = values.to_numpy().astype("datetime64[us]")
    missing = np.isnat(micro)
    delta = (micro - EPOCH).astype("int64")
    days = delta // US_PER_DAY
    rest = delta - days * US_PER_DAY
    serial = days + ((rest // 1_000_000).astype("float64") + (rest % 1_000_000).astype("float64") / 1e6) / 86400
    serial = np.where(serial > 59, serial + 1, serial)
    return np.where(missing, np.nan, serial)


def plain_dates(values: pd.Series) -> bool:
    """Whether a datetime column can be written by :func:`typed`: naive, none before 1 March 1900."""
    return values.dt.tz is None and not (values.dropna() < FIRST_PLAIN_DAY).any()


def texts(sheet, values: pd.Series, fmt) -> Column | None:
    """A column of text (or blanks) in one format, its strings numbered in the shared-string table now, in
    row order, as ``write_string`` numbers them. None when a value is not a string."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    items = uniques.tolist() if isinstance(uniques, pd.Index) else list(uniques)
    if not all(isinstance(v, str) for v in items):
        return None
    missing = codes < 0
    if missing.any() and not values[missing].map(is_missing).all():
        return None   # factorize calls more things missing than a blank cell (none seen so far)
    table = sheet.str_table
    index = np.array([_shared(sheet, v) for v in items] + [-1], dtype="int64")
    table.count += int((~missing).sum()) - len(items)   # write_string counts every string written
    return Column([fmt], None, [f' t="s"><v>{i}</v></c>' if i >= 0 else "/>" for i in index[codes].tolist()])


def _shared(sheet, text: str) -> int:
    if len(text) > sheet.xls_strmax // 2 and _utf16_len(text) > sheet.xls_strmax:
        text = _utf16_truncate(text, sheet.xls_strmax)
    return sheet.str_table._get_shared_string_index(text)


def formulas(sheet, formula: str, values: pd.Series, fmt) -> Column | None:
    """A formula column with NumPy numbers as cached values (a blank or non-finite one is left empty, for the
    spreadsheet program to compute). None when the formula is one XlsxWriter writes another way."""
    text = _formula_text(sheet, formula)
    if text is None:
        return None
    numbers = values.to_numpy(dtype="float64", na_value=np.nan)
    ok = np.isfinite(numbers)

    def make(first, stop):
        return [f"><f>{text}</f><v>{v!r}</v></c>" if k else f"><f>{text}</f><v></v></c>"
                for v, k in zip(numbers[first:stop].tolist(), ok[first:stop].tolist())]
    return Column([fmt], None, _Tails(len(numbers), make))


def _formula_text(sheet, formula: str) -> str | None:
    """The formula as it stands in the cell's <f> (prepared once, escaped); None for dynamic or array formulas."""
    if not formula or re_dynamic_function.search(formula) or (formula.startswith("{") and formula.endswith("}")):
        return None
    return sheet._escape_data(sheet._prepare_formula(formula))


def general(sheet, values: list, formats: list, styles: list[int], formula: str | None = None) -> Column:
    """Any values, each row in its own format (``formats[styles[i]]``), as ``write_value`` writes them, or as
    the cached values of ``formula``."""
    if formula is None:
        tails = [_value_tail(sheet, v) for v in values]
    else:
        text = _formula_text(sheet, formula)
        if text is None:
            raise ValueError(f"a dynamic or array formula in a table body: {formula}")
        tails = [_formula_tail(text, v) for v in values]
    return Column(formats, np.asarray(styles, dtype="int64"), tails)


def is_missing(value: object) -> bool:
    """None, NaN, NaT and pd.NA (a blank cell)."""
    return value is None or value is pd.NaT or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _value_tail(sheet, value: object) -> str:
    """One value as ``write_value`` writes it: blank, flag, number (non-finite: blank), date, else text."""
    if is_missing(value):
        return "/>"
    if isinstance(value, (bool, np.bool_)):
        return f' t="b"><v>{1 if value else 0}</v></c>'
    if isinstance(value, (int, float, np.integer, np.floating)):
        number = float(value)
        return f"><v>{number:.16G}</v></c>" if math.isfinite(number) else "/>"
    if isinstance(value, (pd.Timestamp, np.datetime64)):
        value = pd.Timestamp(value).to_pydatetime()
    if hasattr(value, "year") and hasattr(value, "month"):
        return f"><v>{sheet._convert_date_time(value):.16G}</v></c>"
    return f' t="s"><v>{_shared(sheet, str(value))}</v></c>'


def xml_text(value: str) -> str:
    """A cached text with its control characters as Excel's _xHHHH_ escapes (as shared strings carry them):
    XML 1.0 cannot hold them, and a summary that is not well-formed does not open."""
    return XMLwriter._escape_control_characters(value)


def _formula_tail(text: str, value: object) -> str:
    """A formula cell's cached value as XlsxWriter writes it: a flag (t="b"), text (t="str", an error code
    t="e"), empty, or anything else as Python prints it."""
    if isinstance(value, float) and not math.isfinite(value):
        value = ""
    if isinstance(value, bool):
        return f' t="b"><f>{text}</f><v>{1 if value else 0}</v></c>'
    if isinstance(value, str):
        kind = "" if value == "" else ' t="e"' if value in ERROR_CODES else ' t="str"'
        escaped = xml_text(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return f"{kind}><f>{text}</f><v>{escaped}</v></c>"
    return f"><f>{text}</f><v>{value}</v></c>"
