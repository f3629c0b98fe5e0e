"""Table bodies written a column at a time.

XlsxWriter spends about 7 us a cell: a Python call and a named tuple stored per cell, then a second pass
that turns each tuple into XML. A table body (values with one style per column or per row kind, formulas
with their cached values) is kept instead as its columns, and becomes sheet XML when the workbook is
closed, a block of rows at a time: each column is a template for its cells (``<c r="B%s" s="3"><v>%.16G</v></c>``)
and the block's rows are one %-formatting of the joined templates over the rows' numbers and values, done
in C. The XML is what XlsxWriter writes for the same calls, byte for byte (tests/test_columnar_writer.py): the
same cells, types, styles, shared strings and cached values. XlsxWriter still writes everything else: the
rows around the body, styles, Excel Tables, charts, defined names, print settings, and the package itself.

Shared strings are numbered when a column is added, as ``write_string`` would number them; styles get
their index when the body is first written out, in the order XlsxWriter would meet them (row by row).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import chain
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
NUMBER = "><v>%.16G</v></c>"   # a number cell after its style, as XlsxWriter's write_number formats it
# A blank in a column of numbers is formatted as NaN ('NAN'), then made an empty cell: that text follows a
# style attribute nowhere else (shared-string indices and flags are digits; cached texts follow </f>).
BLANK = "><v>NAN</v></c>"


@dataclass
class Column:
    """One column of a body: for each row the cell's style (an index into ``formats``) and its value, which
    ``template`` turns into the cell's text after its style attribute (``><v>1.5</v></c>``, `` t="s"><v>7</v></c>``,
    ``/>``); NaN under :data:`NUMBER` gives :data:`BLANK`, a blank cell."""

    formats: list
    styles: np.ndarray | None          # per row, or None: every row has formats[0]
    template: str                      # one %-placeholder, for the row's value
    values: object                     # a list or array: each row's value
    letter: str = ""

    def take(self, first: int, stop: int) -> list:
        part = self.values[first:stop]
        return part.tolist() if isinstance(part, np.ndarray) else part

    def tail(self, row: int) -> str:
        """The cell's text after its style attribute."""
        text = self.template % (self.take(row, row + 1)[0],)
        return "/>" if text == BLANK else text

    def first_uses(self) -> list[tuple[int, object]]:
        """(first row, format) of each format, in order of rows."""
        if self.styles is None:
            return [(0, self.formats[0])]
        codes, rows = np.unique(self.styles, return_index=True)
        return sorted((int(r), self.formats[int(c)]) for c, r in zip(codes, rows))

    def piece(self, first: int, stop: int) -> tuple[str, list[list]]:
        """The template of the rows' cells, its placeholders: row number, (style,) value; and the
        rows' styles and values. Only formats already numbered are asked for their index."""
        head = f'<c r="{self.letter}%s" s="'
        if self.styles is None:
            return f'{head}{self.formats[0]._get_xf_index()}"{self.template}', [self.take(first, stop)]
        styles = self.styles[first:stop]
        xf = np.zeros(len(self.formats), dtype="int64")
        for code in np.unique(styles).tolist():
            xf[code] = self.formats[code]._get_xf_index()
        return f'{head}%d"{self.template}', [xf[styles].tolist(), self.take(first, stop)]


@dataclass
class Body:
    """The rows ``first_row`` .. of a table body from ``first_col`` on; it writes its rows as XML.

    A format gets its style index at the row of its first cell, as XlsxWriter gives it: rows written one at
    a time (a Dashboard's tiles beside its KPIs table) number the formats first used in them when the body's
    cells are written, after the cells to their left; a block of rows holding only the body's cells numbers
    those first used in it, in order of rows, before it is written."""

    first_row: int
    first_col: int
    columns: list[Column]
    rows: int
    _firsts: dict[int, list] = field(default_factory=dict)

    def __post_init__(self):
        uses = sorted((row, i, fmt) for i, c in enumerate(self.columns) for row, fmt in c.first_uses())
        for row, _, fmt in uses:
            self._firsts.setdefault(row, []).append(fmt)

    @property
    def stop(self) -> int:
        return self.first_row + self.rows

    def overlaps(self, row_start: int, col_start: int, row_end: int, col_end: int) -> bool:
        return (row_start < self.first_row + self.rows and self.first_row <= row_end
                and col_start < self.first_col + len(self.columns) and self.first_col <= col_end)

    def holds(self, row: int, col: int) -> bool:
        return 0 <= row - self.first_row < self.rows and 0 <= col - self.first_col < len(self.columns)

    def rows_xml(self, first: int, stop: int, rests: list[str]) -> str:
        """Sheet rows ``first`` .. ``stop - 1``, each a <row> element: ``<row r="N"`` then its ``rests``
        (`` spans="1:9">``, as XlsxWriter writes the row's attributes) and the row's cells."""
        return self._render(first - self.first_row, stop - self.first_row, rests)

    def cells_xml(self, row: int) -> str:
        """The body's cells of sheet row ``row``, for a row written a cell at a time."""
        return self._render(row - self.first_row, row - self.first_row + 1, None)

    def _render(self, first: int, stop: int, rests: list[str] | None) -> str:
        """Body rows first .. stop - 1 (offsets); with ``rests``, each in its <row> element."""
        for offset in sorted(r for r in self._firsts if first <= r < stop):
            for fmt in self._firsts[offset]:
                fmt._get_xf_index()
        numbers = list(map(str, range(self.first_row + first + 1, self.first_row + stop + 1)))
        template, args = (['<row r="%s"%s'], [numbers, rests]) if rests is not None else ([], [])
        for column in self.columns:
            fragment, values = column.piece(first, stop)
            template.append(fragment)
            args += [numbers, *values]
        if rests is not None:
            template.append("</row>")
        text = ("".join(template) * (stop - first)) % tuple(chain.from_iterable(zip(*args)))
        return text.replace('"' + BLANK, '"/>')

    def chart_value(self, sheet, row: int, col: int) -> list:
        """The cell as XlsxWriter's ``_get_range_data`` gives it to a chart's cache (a flag: nothing)."""
        tail = self.columns[col - self.first_col].tail(row - self.first_row)
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


def runs(bodies: list[Body], single: set[int]) -> list[tuple[int, int, Body]]:
    """The bodies' rows written a block at a time, in order: (first row, stop, body), at most CHUNK_ROWS rows,
    none of the ``single`` rows (written a cell at a time)."""
    found = []
    for body in bodies:
        top = body.first_row
        for cut in sorted(r for r in single if body.first_row <= r < body.stop) + [body.stop]:
            found += [(a, min(a + CHUNK_ROWS, cut), body) for a in range(top, cut, CHUNK_ROWS)]
            top = cut + 1
    return sorted(found, key=lambda run: run[0])


def add_body(sheet, first_row: int, first_col: int, columns: list[Column]) -> None:
    """Place ``columns`` (each as long as the others) as a block of cells on ``sheet`` (a FormulaCacheWorksheet,
    which writes its bodies' rows)."""
    rows = min((len(c.values) for c in columns), default=0)
    if not columns or not rows:
        return
    for offset, column in enumerate(columns):
        column.letter = xl_col_to_name(first_col + offset)
    last_row, last_col = first_row + rows - 1, first_col + len(columns) - 1
    if sheet._check_dimensions(first_row, first_col) or sheet._check_dimensions(last_row, last_col):
        raise ValueError(f"a table body of {rows} rows from row {first_row + 1} does not fit on sheet {sheet.name}")
    taken = sorted(r for r, cells in sheet.table.items()
                   if first_row <= r <= last_row and any(first_col <= c <= last_col for c in cells))
    taken += [max(b.first_row, first_row) for b in sheet.bodies if b.overlaps(first_row, first_col, last_row, last_col)]
    if taken:   # a cell written there before would be written twice, out of order: a file Excel repairs
        raise ValueError(f"a table body on sheet {sheet.name} would cover cells already written (row {taken[0] + 1})")
    sheet.bodies.append(Body(first_row, first_col, columns, rows))


def typed(values: pd.Series, fmt) -> Column:
    """A column of NumPy numbers, flags or dates in one format: non-finite numbers and NaT blank, dates as
    Excel serial days (what ``write_datetime`` writes), flags as TRUE/FALSE."""
    kind = values.dtype.kind
    if kind == "b":
        return Column([fmt], None, ' t="b"><v>%d</v></c>', values.to_numpy())
    numbers = excel_days(values) if kind == "M" else values.to_numpy(dtype="float64", na_value=np.nan)
    return Column([fmt], None, NUMBER, np.where(np.isfinite(numbers), numbers, np.nan))


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
    tails = [f' t="s"><v>{_shared(sheet, v)}</v></c>' for v in items] + ["/>"]   # code -1 (a blank): the last
    table.count += int((~missing).sum()) - len(items)   # write_string counts every string written
    return Column([fmt], None, "%s", np.array(tails, dtype=object)[codes])


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
    cached = numbers.astype(object)   # Python floats, which %s writes as repr() does
    cached[~np.isfinite(numbers)] = ""
    return Column([fmt], None, f"><f>{text.replace('%', '%%')}</f><v>%s</v></c>", cached)


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
    return Column(formats, np.asarray(styles, dtype="int64"), "%s", tails)


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
