"""Shared XlsxWriter plumbing: safe workbook options, formats and writing a
DataFrame as an Excel Table. Used by the template and the summary writer."""
from __future__ import annotations

import bisect
import io
import math
import sys
import zipfile
from unittest import mock

import numpy as np
import pandas as pd
import xlsxwriter
from xlsxwriter.exceptions import OverlappingRange
from xlsxwriter.utility import xl_range, xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

from kam_xl.render import columnar
from kam_xl.words import catalogue

# Text stays text: no string from the data ever becomes a formula, number or link.
WORKBOOK_OPTIONS = {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False,
                    "nan_inf_to_errors": False, "default_date_format": "yyyy-mm-dd"}

# FAST-style colours: inputs, calculations, outputs, headers.
INPUT_FILL, CALC_FILL, OUTPUT_FILL, HEADER_FILL = "#FFF2CC", "#E2EFDA", "#DDEBF7", "#1F4E78"
VBA_PART = "xl/vbaProject.bin"   # a workbook's macros (VBA project) inside its zip package
TAB_INPUT, TAB_OUTPUT, TAB_INFO = "#BF8F00", "#2F75B5", "#7F7F7F"

CURRENCY_SYMBOLS = {"CNY": "¥", "RMB": "¥", "USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "HKD": "HK$"}


class FormulaCacheWorksheet(Worksheet):
    """A worksheet that prepares each distinct formula text once. XlsxWriter
    rewrites every formula with ~30 regular expressions; a table column repeats
    the same structured-reference formula on every row."""

    def _prepare_formula(self, formula, expand_future_functions=False):
        cache = self.__dict__.setdefault("_prepared_formulas", {})
        key = (formula, expand_future_functions)
        if key not in cache:
            cache[key] = super()._prepare_formula(formula, expand_future_functions)
        return cache[key]

    # No infinity or NaN is ever written: the core leaves a figure it cannot compute blank, and should one slip
    # through (a ratio over a denominator of 1e-320), the cell is left blank instead of the whole write failing
    # (XlsxWriter raises on them: 'NAN/INF not supported in write_number()').
    def _write_number(self, row, col, number, cell_format=None):
        if not math.isfinite(number):
            return self._write_blank(row, col, None, cell_format)
        return super()._write_number(row, col, number, cell_format)

    def _write_formula(self, row, col, formula, cell_format=None, value=0):
        if isinstance(value, (float, np.floating)) and not math.isfinite(value):
            value = ""   # no cached result: the spreadsheet program computes it on opening
        elif isinstance(value, str):
            value = columnar.xml_text(value)
        return super()._write_formula(row, col, formula, cell_format, value)

    # XlsxWriter looks at every column of every row, twice (spans, then cells): 60,000 rows of a 15-column
    # table are 900,000 looks each. These look at the cells a row has, and at the table bodies
    # (render/columnar.py) as blocks of rows, to the same effect.
    def _calculate_spans(self):
        if self.dim_rowmin is None:
            return super()._calculate_spans()
        marks = [(row >> 4, col) for cells in (self.table, self.comments) for row, cols in cells.items()
                 if self.dim_rowmin <= row <= self.dim_rowmax for col in cols]
        marks += [(block, col) for body in self.bodies for block in range(body.first_row >> 4, (body.stop - 1 >> 4) + 1)
                  for col in (body.first_col, body.first_col + len(body.columns) - 1)]
        low, high = {}, {}
        for block, col in marks:
            low[block] = min(low.get(block, col), col)
            high[block] = max(high.get(block, col), col)
        self.row_spans = {block: f"{low[block] + 1}:{high[block] + 1}" for block in sorted(low)}

    def _write_rows(self):
        """The rows in order: a table body's rows that hold nothing else a block at a time, as XML made by
        the body; every other row as XlsxWriter writes it, a body's cells in it in their place."""
        if self.dim_rowmin is None:
            return super()._write_rows()
        self._calculate_spans()
        single = self._single_rows()
        listed = sorted(row for row in {*self.table, *self.row_info, *self.comments, *single}
                        if self.dim_rowmin <= row <= self.dim_rowmax)
        done = self.dim_rowmin
        for first, stop, body in columnar.runs(self.bodies, single):
            for row in listed[bisect.bisect_left(listed, done):bisect.bisect_left(listed, first)]:
                self._write_single_row(row)
            self.fh.write(body.rows_xml(first, stop, self._row_rests(first, stop)))
            done = stop
        for row in listed[bisect.bisect_left(listed, done):]:
            self._write_single_row(row)

    def _single_rows(self) -> set[int]:
        """Rows not written in a body's blocks: with cells or comments, a row format, or two bodies side by side."""
        rows = {*self.table, *self.comments, *(row for row, info in self.row_info.items() if info.row_format)}
        for i, one in enumerate(self.bodies):
            for other in self.bodies[i + 1:]:
                rows.update(range(max(one.first_row, other.first_row), min(one.stop, other.stop)))
        return rows

    def _write_single_row(self, row: int) -> None:
        """A row as XlsxWriter writes it, cell by cell; the cells of a body in it as one piece of XML."""
        cells = self.table.get(row) or {}
        bodies = {body.first_col: body for body in self.bodies if body.first_row <= row < body.stop}
        if any(body.holds(row, col) for body in bodies.values() for col in cells):
            raise ValueError(f"a cell written over a table body on sheet {self.name} (row {row + 1})")
        span, info = self.row_spans.get(row >> 4), self.row_info.get(row)
        if not cells and not bodies:
            if info is not None or row in self.comments:
                self._write_empty_row(row, span, info)
            return
        self._write_row(row, span, info)
        items = {**cells, **bodies}
        for col in sorted(items):
            if isinstance(items[col], columnar.Body):
                self.fh.write(items[col].cells_xml(row))
            else:
                self._write_cell(row, col, items[col])
        self._xml_end_tag("row")

    def _row_rests(self, first: int, stop: int) -> list[str]:
        """Each row's <row> tag after ``<row r="N"``, as _write_row writes it: made by it once for each kind
        of row (its span, height, hidden, outline level; a row with a format is written on its own)."""
        made, rests = {}, []
        for row in range(first, stop):
            span, info = self.row_spans.get(row >> 4), self.row_info.get(row)
            key = span if info is None else (span, info.height, info.hidden, info.level, info.collapsed)
            if key not in made:
                made[key] = self._row_tag(row, span, info)[len(f'<row r="{row + 1}"'):]
            rests.append(made[key])
        return rests

    def _row_tag(self, row, span, info) -> str:
        """The row's start tag from XlsxWriter's _write_row, which writes it to the sheet's file only."""
        written, self.fh = self.fh, io.StringIO()
        try:
            self._write_row(row, span, info)
            return self.fh.getvalue()
        finally:
            self.fh = written

    def add_table(self, first_row, first_col, last_row, last_col, options=None):
        """XlsxWriter's add_table with its overlap check made once per table, not once per cell (2M cells:
        2 s and a dictionary of 2M entries): XlsxWriter is handed the header and first row, then the table's
        ranges are set to the whole table. A table with a totals row, data or column formulas (XlsxWriter
        writes those cells itself) is added the ordinary way."""
        options = options or {}
        whole = (first_row, first_col, last_row, last_col)
        for other in self.__dict__.setdefault("_table_areas", []) + [tuple(m[:4]) for m in self.merge]:
            if _overlap(whole, other):
                raise OverlappingRange(f"Table range '{xl_range(*whole)}' overlaps '{xl_range(*other)}'.")
        self._table_areas.append(whole)
        written = {"total_row", "data"} & options.keys() or any("formula" in c for c in options.get("columns", []))
        if written or last_row <= first_row + 1:
            return super().add_table(*whole, options)
        done = super().add_table(first_row, first_col, first_row + 1, last_col, options)
        if done == 0:
            self._check_dimensions(last_row, last_col, True, True)
            table = self.tables[-1]
            table["range"] = table["a_range"] = xl_range(*whole)
            if table.get("autofilter"):
                table["autofilter"] = table["a_range"]
        return done

    @property
    def bodies(self) -> list:
        return self.__dict__.setdefault("_bodies", [])

    def _get_range_data(self, row_start, col_start, row_end, col_end):
        """A chart's cached data, body cells included (XlsxWriter reads its own cells only)."""
        if not any(body.overlaps(row_start, col_start, row_end, col_end) for body in self.bodies):
            return super()._get_range_data(row_start, col_start, row_end, col_end)
        data = []
        for row in range(row_start, row_end + 1):
            bodies = [body for body in self.bodies if body.first_row <= row < body.stop]
            if row not in self.table and not bodies:
                data.append(None)
                continue
            for col in range(col_start, col_end + 1):
                body = next((b for b in bodies if b.holds(row, col)), None)
                if body:
                    data += body.chart_value(self, row, col)
                else:   # a row with cells: an empty one is "" (XlsxWriter's None is for a row without any)
                    data += super()._get_range_data(row, col, row, col) if row in self.table else [""]
        return data


def _overlap(a: tuple, b: tuple) -> bool:
    """Whether two (first row, first col, last row, last col) areas share a cell."""
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def new_workbook(path, stored: bool = False, **options) -> xlsxwriter.Workbook:
    """A workbook with kam-xl's options; ``stored``: its parts kept uncompressed (a scratch workbook that
    splice reads once: deflating 90 MB of sheets to inflate them again costs seconds)."""
    return (StoredWorkbook if stored else xlsxwriter.Workbook)(str(path), {**WORKBOOK_OPTIONS, **options})


class _StoredZip(zipfile.ZipFile):
    def __init__(self, file, mode="r", compression=zipfile.ZIP_STORED, allowZip64=True, **options):
        super().__init__(file, mode, zipfile.ZIP_STORED, allowZip64, **options)


class StoredWorkbook(xlsxwriter.Workbook):
    """A workbook whose package stores its parts. XlsxWriter opens its zip with ZIP_DEFLATED and no option;
    while this workbook is stored (one thread) its module's ZipFile stores instead."""

    def _store_workbook(self):
        module = sys.modules[xlsxwriter.Workbook.__module__]
        with mock.patch.object(module, "ZipFile", _StoredZip):
            super()._store_workbook()


def add_sheet(book: xlsxwriter.Workbook, name: str):
    return book.add_worksheet(name, worksheet_class=FormulaCacheWorksheet)


def number_formats(currency: str, language: str) -> dict[str, str]:
    """Excel number formats by column kind."""
    symbol = CURRENCY_SYMBOLS.get(currency, currency + " ")
    date = catalogue(language).DATE_FORMAT
    return {
        "money": f'"{symbol}"#,##0.00;[Red]-"{symbol}"#,##0.00',
        "money_whole": f'"{symbol}"#,##0;[Red]-"{symbol}"#,##0',
        "pct": "0.0%", "share": "0.00%", "days": "#,##0.0", "int": "#,##0", "number": "#,##0.00",
        "ratio": "0.00", "prob": "0.000", "score": "0.0", "date": date, "month": catalogue(language).MONTH_FORMAT,
        "text": "@", "bool": "General",
        "general": "General",
    }


class Formats:
    """Lazily created cell formats keyed by (kind, extra properties)."""

    def __init__(self, book: xlsxwriter.Workbook, currency: str = "CNY", language: str = "en"):
        self.book = book
        self.numbers = number_formats(currency, language)
        self._cache: dict = {}
        self.base = {"font_name": catalogue(language).FONT, "font_size": 10}

    def get(self, kind: str = "general", **extra) -> xlsxwriter.format.Format:
        key = (kind, tuple(sorted(extra.items())))
        if key not in self._cache:
            props = {**self.base, **extra}
            if kind != "general" and "num_format" not in extra:
                props["num_format"] = self.numbers[kind]
            self._cache[key] = self.book.add_format(props)
        return self._cache[key]

    def header(self):
        return self.get("general", bold=True, font_color="#FFFFFF", bg_color=HEADER_FILL, text_wrap=True,
                        valign="vcenter", border=1)

    def title(self):
        return self.get("general", bold=True, font_size=14, font_color=HEADER_FILL)


is_missing = columnar.is_missing


def write_value(sheet, row: int, col: int, value: object, fmt=None) -> None:
    """Write one data value by type; text always as a string, never a formula."""
    if is_missing(value):
        sheet.write_blank(row, col, None, fmt)
    elif isinstance(value, (bool, np.bool_)):
        sheet.write_boolean(row, col, bool(value), fmt)
    elif isinstance(value, (int, float, np.integer, np.floating)):
        sheet.write_number(row, col, float(value), fmt)
    elif isinstance(value, (pd.Timestamp, np.datetime64)):
        sheet.write_datetime(row, col, pd.Timestamp(value).to_pydatetime(), fmt)
    elif hasattr(value, "year") and hasattr(value, "month"):
        sheet.write_datetime(row, col, value, fmt)
    else:
        sheet.write_string(row, col, str(value), fmt)


def write_column(sheet, first_row: int, col: int, values: pd.Series, fmt=None) -> None:
    """Write a column fast: numbers, dates and text in their own tight loops."""
    if pd.api.types.is_datetime64_any_dtype(values):
        for offset, value in enumerate(values.dt.to_pydatetime() if len(values) else []):
            if value is None or value is pd.NaT or (isinstance(value, float)):
                sheet.write_blank(first_row + offset, col, None, fmt)
            else:
                sheet.write_datetime(first_row + offset, col, value, fmt)
    elif pd.api.types.is_bool_dtype(values):
        for offset, value in enumerate(values.tolist()):
            sheet.write_boolean(first_row + offset, col, bool(value), fmt)
    elif pd.api.types.is_numeric_dtype(values):
        array = values.to_numpy(dtype="float64", na_value=np.nan)
        finite = np.isfinite(array)
        for offset, (value, ok) in enumerate(zip(array.tolist(), finite.tolist())):
            if ok:
                sheet.write_number(first_row + offset, col, value, fmt)
            else:
                sheet.write_blank(first_row + offset, col, None, fmt)
    else:
        for offset, value in enumerate(values.tolist()):
            write_value(sheet, first_row + offset, col, value, fmt)


def cell(row: int, col: int, absolute: bool = False) -> str:
    return xl_rowcol_to_cell(row, col, row_abs=absolute, col_abs=absolute)

