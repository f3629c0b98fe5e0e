"""Workbook grids: where a workbook's cells come from (python-calamine).

A table is an Excel Table of its name (with rows typed straight under it) or
the sheet of its name, whose first non-empty row is the header; a sheet whose
name says nothing is claimed by its headers (:func:`claim_sheets`). A legacy
.xls has sheets only. The reading threads are kam_xl.inputs.threads'; what a
damaged part does is said by kam_xl.inputs.error_cells.
"""
from __future__ import annotations

import re
from pathlib import Path

import python_calamine

from kam_xl.contract import OUTPUT_SHEETS, TABLES, TableSpec, file_parameters, normalize_name
from kam_xl.inputs.error_cells import is_panic, reading
from kam_xl.inputs.grids import Grid, header_and_rows
from kam_xl.inputs.headers import MAX_TITLE_ROWS, tables_fitting
from kam_xl.inputs.names import Names, Origin
from kam_xl.inputs.params import PARAMETER_ZH
from kam_xl.inputs.safe_io import InputError, is_xls
from kam_xl.words import CATALOGUES


class _SheetsOnly:
    """A calamine workbook of a legacy .xls file (BIFF8, as Kingdee K/3 and U8
    export): its sheets, and no Excel Tables (the format has none)."""

    table_names: list[str] = []

    def __init__(self, book):
        self._book = book

    def __getattr__(self, name: str):
        return getattr(self._book, name)


def open_workbook(path: Path):
    """The workbook as calamine reads it; an InputError when it cannot be (encrypted, broken)."""
    try:
        if is_xls(path):
            return _SheetsOnly(python_calamine.CalamineWorkbook.from_path(str(path)))
        return python_calamine.CalamineWorkbook.from_path(str(path), load_tables=True)
    except python_calamine.PasswordError:
        raise InputError(f"{path}: is encrypted; give --password") from None
    except Exception as exc:  # calamine raises several types for broken files
        raise InputError(f"{path}: cannot be read as a workbook ({type(exc).__name__}: {exc})") from None
    except BaseException as exc:
        if not is_panic(exc):
            raise
        raise InputError(f"{path}: cannot be read as a workbook (the reader stopped: {exc})") from None


def parameter_files(book, names: Names) -> dict[str, str]:
    """SalesFile / InvoicesFile / PaymentsFile given in the Parameters table;
    sets ``names.currency`` from ReportingCurrency, which typing amounts needs."""
    found = find_grid(book, TABLES["Parameters"], names)
    if found is None or not found.header:
        return {}
    note_currency(found, names)
    wanted = file_parameters()
    return {wanted[normalize_name(row[0])]: str(row[1]).strip() for row in found.rows
            if len(row) > 1 and isinstance(row[0], str) and normalize_name(row[0]) in wanted
            and row[1] not in ("", None)}


def note_currency(grid: Grid | None, names: Names) -> None:
    """The ReportingCurrency typed in a Parameters grid (checked properly, with
    a message, when the table is typed; here only a valid code is taken)."""
    keys = {normalize_name("ReportingCurrency"), normalize_name(PARAMETER_ZH["ReportingCurrency"])}
    for row in (grid.rows if grid is not None and isinstance(grid.rows, list) else []):
        if len(row) > 1 and isinstance(row[0], str) and normalize_name(row[0]) in keys:
            code = str(row[1]).strip().upper()
            if re.fullmatch(r"[A-Z]{3}", code):
                names.currency = code


def claim_sheets(book, names: Names, external: set[str]) -> Names:
    """Sheets whose names say nothing (Sheet1, an export's list name) taken for
    a table not found by name, when their header (or one of the first rows)
    names every required column of that table and more of its columns than of
    any other table's (a sales sheet has a date and a customer, as contacts do)."""
    found = set(external)
    claimed_sheets = set()
    for spec in TABLES.values():
        aliases = names.table_aliases(spec)
        for name in [*book.table_names, *book.sheet_names]:
            if normalize_name(name) in aliases:
                found.add(spec.name)
                claimed_sheets.add(normalize_name(name))
    candidates = [spec for spec in TABLES.values() if not spec.settings]
    if all(spec.name in found for spec in candidates):
        return names
    outputs = {normalize_name(title) for words in CATALOGUES.values() for title in words.SHEETS.values()}
    outputs |= {normalize_name(s) for s in OUTPUT_SHEETS}
    for sheet in book.sheet_names:
        key = normalize_name(sheet)
        if key in claimed_sheets or key in outputs:
            continue
        with reading(f"sheet '{sheet}'", sheet):
            rows = book.get_sheet_by_name(sheet).to_python(nrows=MAX_TITLE_ROWS + 1)
        fits = tables_fitting(names, rows)
        if fits and fits[0][1].name not in found and (len(fits) == 1 or fits[0][0] > fits[1][0]):
            spec = fits[0][1]
            names.add_sheet(spec.name, sheet, Origin("detected"))
            found.add(spec.name)
    return names


def find_grid(book, spec: TableSpec, names: Names, last_row=None) -> Grid | None:
    """The table as an Excel Table (with the rows typed straight under it, see
    :func:`_rows_below`) or as a sheet. ``last_row(sheet)`` gives a sheet's
    last used worksheet row when it is known cheaply."""
    name = excel_table(book, spec, names)
    if name is not None:
        with reading(f"Excel Table '{name}'") as place:
            table = book.get_table_by_name(name)
            place.sheet = table.sheet
            row0, col0 = table.start  # the first data row (0-based), below the header
            rows = table.to_python()
            end = table.end[0] + 1    # worksheet row of the table's last row
            below = []
            used = last_row(table.sheet) if last_row else None
            if used is None or used > end:
                below = _rows_below(book.get_sheet_by_name(table.sheet), end, col0, len(table.columns))
        grid = Grid(list(table.columns), rows + below, row0 + 1, col0, table.sheet, "table", table=name)
        if below:
            grid.below = (end + 1, end + len(below))
        return grid
    aliases = names.table_aliases(spec)
    for name in book.sheet_names:
        if normalize_name(name) in aliases:
            with reading(f"sheet '{name}'", name):
                cells = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            header, rows, offset = header_and_rows(cells)
            return Grid(header, rows, offset + 2, 0, name, "sheet")
    return None


def excel_table(book, spec: TableSpec, names: Names) -> str | None:
    """The first Excel Table of the workbook named as ``spec`` may be named (None: there is none)."""
    aliases = names.table_aliases(spec)
    return next((name for name in book.table_names if normalize_name(name) in aliases), None)


def _rows_below(sheet, end: int, first_col: int, width: int) -> list[list]:
    """Rows directly under an Excel Table (worksheet rows after ``end``) up to
    the first empty one, within the table's columns. Tables do not grow when
    rows are appended by openpyxl or pandas, typed in LibreOffice, or pasted
    in some programs; those rows are the user's data all the same."""
    cells = sheet.to_python(skip_empty_area=False)
    below = []
    for row in cells[end:]:
        part = list(row[first_col:first_col + width])
        if all(v in ("", None) for v in part):
            break
        below.append(part + [""] * (width - len(part)))
    return below
