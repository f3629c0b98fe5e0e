"""Read an input workbook into :class:`Inputs` (docs/CONTRACT.md section 1):
the front door of kam_xl.inputs, whose rooms are

- where the cells come from (kam_xl.inputs.sources, the one place a new kind
  of source plugs in): workbook grids (workbook, with the reading threads of
  threads, clean Excel Tables as typed Arrow columns through arrow_tables),
  extract files (files), condensed files (condensed_files), and here: frames
  and an open workbook's ranges; every table arrives as a grids.Grid;
- typing and parsing (typed, with parsing for cell values and bills for the
  amount tables' bills, totals rows and ledger);
- headers and maps (headers, column_map, names, presets);
- checks across tables and sources (combine, keys, duplicates);
- hostile-file guards (safe_io; error_cells for what a damaged part does and
  for the error cells calamine reads as blanks).

Every problem becomes a DataQuality record pointing at the worksheet row the
user sees. What a table needs that others do not is said by the flags of its
TableSpec (kam_xl.contract.tables), not by lists of table names.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from kam_xl.contract import TABLES, TableSpec, normalize_name
from kam_xl.inputs.column_map import with_map, with_map_file
from kam_xl.inputs.combine import Inputs, finish_inputs
from kam_xl.inputs.grids import Grid, header_and_rows  # noqa: F401 - header_and_rows: for the xlwings macro
from kam_xl.inputs.names import Names, default_names, without_detected
from kam_xl.inputs.safe_io import sha256
from kam_xl.inputs.sources import source_part, type_part
from kam_xl.inputs.workbook import note_currency
from kam_xl.quality import DataQuality

# A Sales file at least this large (a Parquet file of some 500,000 lines, a CSV of 100,000) is condensed
# while it is read (kam_xl.inputs.condense); a smaller one is read whole, as fast and line by line.
CONDENSE_FROM_BYTES = 8 << 20


def read_workbook(path: str | Path, password: str | None = None,
                  external: dict[str, str | Path] | None = None, language: str | None = None,
                  threads: int | None = None, preset: str | None = None,
                  column_map: str | Path | None = None, sources=(), condense: bool = True) -> Inputs:
    """Read and validate an input workbook (.xlsx/.xlsm); never writes to it.
    Messages are in ``language`` when given, else in that of the Language
    parameter, else in that of the input's headers.

    ``external`` maps Sales, Invoices or Payments to a CSV or Parquet file that
    replaces that table (for ERP extracts beyond Excel's 1,048,576 rows); the
    Parameters SalesFile, InvoicesFile and PaymentsFile do the same, relative
    to the workbook's folder. ``threads`` read tables at once (default
    kam_xl.inputs.threads.READ_THREADS; batch workers, whose processes are the parallelism, use 1).

    Sheets and headers are recognised by the names of kam_xl.inputs.names:
    the contract's, synonyms and every ERP preset's (only ``preset``'s when
    given), with a ColumnMap table in the workbook or in the ``column_map``
    file (.xlsx or .csv) in front; a sheet whose name says nothing is taken
    for the table whose required headers it carries.

    ``sources`` are more files (workbooks, CSV or Parquet; the departments'
    exports) whose tables join this one's: a table given by several files is
    appended with a Source column, and a document two files give is used
    once (see kam_xl.inputs.combine).

    A Sales file of CONDENSE_FROM_BYTES or more (an extract beyond Excel's
    rows) has its plain lines summed per customer, day, document and sign as
    it streams in (kam_xl.inputs.condense): the figures and the findings are
    those of the lines one by one, in a fraction of the memory. Not with
    ``sources`` (whose documents are matched line by line) or ``condense=False``."""
    paths = [Path(path), *(Path(source) for source in sources)]
    condense_from = CONDENSE_FROM_BYTES if condense and not sources else None
    names = default_names(preset)
    map_dq = DataQuality()
    if column_map is not None:
        names = with_map_file(Path(column_map), names, map_dq)
    parts = []
    for index, source in enumerate(paths):
        part = source_part(source, names, map_dq if index == 0 else DataQuality(), password,
                           external if index == 0 else None, threads, column_map is None, condense_from)
        if index == 0:
            names = without_detected(part.names)   # the main workbook's ColumnMap serves every source
        parts.append(part)
    inputs = finish_inputs(parts, language)
    inputs.source, inputs.source_sha256 = paths[0], sha256(paths[0])
    return inputs


def inputs_from_frames(frames: dict[str, pd.DataFrame]) -> Inputs:
    """Validate tables given as DataFrames (headers as in a workbook, English
    or Chinese) exactly as if they had been read from sheets of those names.
    Row numbers are those of a sheet with the header in row 1."""
    by_alias = {normalize_name(name): frame for name, frame in frames.items()}
    names = default_names()

    def grid(spec: TableSpec) -> Grid | None:
        frame = next((by_alias[a] for a in names.table_aliases(spec) if a in by_alias), None)
        if frame is None:
            return None
        cells = frame.astype("object").where(frame.notna(), None)
        rows = [[_plain(v) for v in row] for row in cells.itertuples(index=False, name=None)]
        return Grid(list(frame.columns), rows, 2, 0, spec.name, "frame")
    map_dq = DataQuality()
    names = with_map(grid(TABLES["ColumnMap"]), names, map_dq)
    note_currency(grid(TABLES["Parameters"]), names)
    return _read(((spec, grid(spec), {}) for spec in TABLES.values()), None, names=names, map_dq=map_dq)


def _plain(value: object) -> object:
    """A DataFrame cell as calamine would hand it over."""
    if value is None:
        return ""
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, np.generic):
        return value.item()
    return value


def read_grids(provider, source: Path | None = None) -> Inputs:
    """Validate tables handed over as cell grids by ``provider(name, aliases)``,
    which returns ``(header, rows, first_row, first_col, sheet)`` or None. Used by
    the xlwings macro to read an open workbook exactly as a file is read."""
    names = default_names()

    def grid(spec: TableSpec) -> Grid | None:
        found = provider(spec.name, set(names.table_aliases(spec)))
        return Grid(*found, "range") if found else None
    map_dq = DataQuality()
    names = with_map(grid(TABLES["ColumnMap"]), names, map_dq)
    note_currency(grid(TABLES["Parameters"]), names)
    return _read(((spec, grid(spec), {}) for spec in TABLES.values()), source, names=names, map_dq=map_dq)


def _read(grids, path: Path | None, sheets: list[str] | None = None, language: str | None = None,
          names: Names | None = None, map_dq: DataQuality | None = None) -> Inputs:
    """Type and check the tables of one source (see :func:`type_part`)."""
    return finish_inputs([type_part(grids, path, sheets, names or default_names(), map_dq)], language)
