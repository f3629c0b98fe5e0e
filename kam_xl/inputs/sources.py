"""Where the cells come from: each source the user gives becomes one typed
:class:`Part` (its tables, their findings, ledgers and export totals), before
kam_xl.inputs.combine checks the tables across one another and across sources.

The kinds of source, and their rooms:

- a workbook (.xlsx, .xlsm, .xls; decrypted first when it has a password):
  its ColumnMap, then every table read by the threads of kam_xl.inputs.threads
  (as typed columns from clean Excel Tables, else cell by cell from
  kam_xl.inputs.workbook);
- a table of the workbook given outside it, in an extract file (.csv, .txt,
  .parquet; kam_xl.inputs.files), a large Sales file condensed as it is read
  (kam_xl.inputs.condensed_files): kam_xl.inputs.external decides which;
- an extract file given as a source of its own, holding one table;
- tables handed over as frames or as an open workbook's ranges
  (kam_xl.inputs.reader.inputs_from_frames and read_grids).

Every source hands its tables to :func:`type_part` as ``(TableSpec, Grid,
error cells)``; typing (kam_xl.inputs.typed) is the same for all of them.

A database plugs in at kam_xl.inputs.external (a database table in place of a
workbook's table, as an extract file is: ``external_grid`` and ``large_grid``);
a database given as a source of its own would be one more branch of
:func:`source_part`, returning ``type_part([(TABLES[name], frame_grid(frame,
label), {}) ...], None, [label], names)``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kam_xl.contract import TABLES, TableSpec, normalize_name
from kam_xl.inputs.column_map import with_map
from kam_xl.inputs.condensed_files import with_sums
from kam_xl.inputs.database import DatabaseTable
from kam_xl.inputs.error_cells import ErrorCells, Unreadable
from kam_xl.inputs.external import large_grid
from kam_xl.inputs.files import EXTRACT_SUFFIXES, file_grid, file_header
from kam_xl.inputs.grids import ROW, Grid, LargeFile
from kam_xl.inputs.headers import tables_fitting
from kam_xl.inputs.ledger import ExportTotal, Ledger, add_sums
from kam_xl.inputs.names import Names
from kam_xl.inputs.safe_io import InputError, check_workbook_file
from kam_xl.inputs.threads import READ_THREADS, workbook_grids
from kam_xl.inputs.typed import typed_frame
from kam_xl.inputs.workbook import claim_sheets, find_grid, open_workbook, parameter_files
from kam_xl.quality import DataQuality


def source_part(path: Path, names: Names, map_dq: DataQuality, password: str | None, external, threads,
                map_sheet: bool, condense_from: int | None) -> Part:
    """One source file typed: a workbook (decrypted with ``password`` when it
    is encrypted), or a CSV/Parquet file holding one table. ``external`` maps
    tables to extract files that replace them, ``threads`` read the workbook,
    ``map_sheet``: its ColumnMap sheet is read (its findings into ``map_dq``),
    ``condense_from``: see :func:`kam_xl.inputs.threads.workbook_grids`."""
    if path.suffix.lower() in EXTRACT_SUFFIXES:
        return _file_part(path, names)
    if password is not None:
        from kam_xl.inputs.crypto import decrypted_copy
        with decrypted_copy(path, password) as plain:
            part = _workbook_part(plain, names, map_dq, external, threads, map_sheet, condense_from)
        part.path = path
        return part
    return _workbook_part(path, names, map_dq, external, threads, map_sheet, condense_from)


def _workbook_part(path: Path, names: Names, map_dq: DataQuality, external, threads, map_sheet: bool,
                   condense_from: int | None) -> Part:
    """A workbook's tables typed: its ColumnMap and Parameters first (which
    name the extract files), then every table as the reading threads hand it over."""
    check_workbook_file(path)
    names = names.with_map([])   # a copy: the sheets claimed here are this workbook's
    book = open_workbook(path)
    try:
        if map_sheet:
            names = with_map(find_grid(book, TABLES["ColumnMap"], names), names, map_dq)
        files = {name: file if isinstance(file, DatabaseTable) else Path(file)   # a database table as it is
                 for name, file in (external or {}).items()}
        files.update({name: path.parent / file for name, file in parameter_files(book, names).items()
                      if name not in files})
        sheets = list(book.sheet_names)
        names = claim_sheets(book, names, set(files))
    except BaseException as exc:
        book.close()
        if isinstance(exc, Unreadable):
            raise ErrorCells(path).unreadable(exc) from None
        raise
    grids = workbook_grids(path, files, threads or READ_THREADS, names, condense_from, book)   # takes the book
    try:
        return type_part(grids, path, sheets, names, map_dq)
    finally:
        grids.close()   # stops the reading threads at once if typing failed


def _file_part(path: Path, names: Names) -> Part:
    """A CSV or Parquet source: the table its file name names (销售.csv,
    crm_contacts.csv: Contacts by its headers), else the one its header fits."""
    if not path.exists():
        raise InputError(f"{path}: file not found")
    stem = normalize_name(path.stem)
    spec = next((t for t in TABLES.values() if stem in names.table_aliases(t)), None)
    if spec is None:
        header = file_header(path)
        fits = tables_fitting(names, [header])
        if not fits or (len(fits) > 1 and fits[0][0] == fits[1][0]):
            raise InputError(f"{path}: cannot tell which table this file holds; name the file after the table "
                             f"(Sales.csv, 销售.csv ...) or give its headers in a ColumnMap")
        spec = fits[0][1]
    return type_part([(spec, file_grid(path, spec, names), {})], path, [path.name], names)


@dataclass
class Part:
    """One source's typed tables and their findings, before the checks that
    look across tables (and across sources)."""

    path: Path | None
    names: Names
    sheets: list[str] | None = None
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    extras: dict[str, list[str]] = field(default_factory=dict)
    logs: dict[str, DataQuality] = field(default_factory=dict)
    unusable: dict[str, dict] = field(default_factory=dict)   # required table found but lacking columns
    ledgers: dict[str, Ledger] = field(default_factory=dict)   # Sales, Invoices, Payments (kam_xl.inputs.ledger)
    totals: list[ExportTotal] = field(default_factory=list)


def type_part(grids, path: Path | None, sheets: list[str] | None, names: Names,
              map_dq: DataQuality | None = None) -> Part:
    """Type the tables from ``grids``, an iterable of ``(spec, grid or None,
    error cells)`` in any order (the ColumnMap was read before; its findings
    are ``map_dq``)."""
    part = Part(path, names, sheets, logs={name: DataQuality() for name in TABLES})
    part.logs["ColumnMap"] = map_dq or DataQuality()

    def take(spec: TableSpec, grid: Grid, errors: dict) -> None:
        dq = part.logs[spec.name]
        books: dict = {}
        frame, extra, missing = typed_frame(spec, grid, errors, dq, names, books)
        if missing:
            if spec.required:
                part.unusable[spec.name] = dq.records[-1]
            return
        part.tables[spec.name] = frame if grid.condensed is None else with_sums(frame, grid, dq)
        part.extras[spec.name] = extra
        if "ledger" in books:
            part.ledgers[spec.name] = books["ledger"]
            part.totals += books["totals"]
            if grid.condensed is not None and len(grid.condensed.sums):
                sums = grid.condensed.sums
                add_sums(books["ledger"], sums[ROW], sums[books["ledger"].amount], grid.condensed.sum_lines)

    large = []
    for spec, grid, errors in grids:
        if isinstance(grid, LargeFile):
            large.append((spec, grid))
        elif spec.name != "ColumnMap" and grid is not None:
            take(spec, grid, errors)
        del grid, errors   # the cells read are typed: not held while the next table is awaited
    for spec, file in large:   # a line is plain only for a customer of Customers, typed by now
        take(spec, large_grid(spec, file, names, part.tables.get("Customers")), {})
    return part
