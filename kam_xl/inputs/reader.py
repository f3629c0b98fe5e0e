"""Read an input workbook into :class:`Inputs` (docs/CONTRACT.md section 1).

python-calamine does the reading (fast, bounded memory, reads Excel Tables);
clean Excel Tables come straight as typed columns (kam_xl.inputs.arrow_tables).
It reports error cells as blanks, so error cells are found separately with a
scan of the sheet XML for ``t="e"`` cells. Every problem becomes a DataQuality
record pointing at the worksheet row the user sees.
"""
from __future__ import annotations

import contextlib
import csv as csv_module
import difflib
import os
import queue
import re
import threading
import unicodedata
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from types import SimpleNamespace

import numpy as np
import pandas as pd
import python_calamine
from defusedxml import DefusedXmlException, ElementTree

from kam_xl.contract import (
    DATE,
    ID,
    NUMBER,
    OUTPUT_SHEETS,
    TABLES,
    TEXT,
    TableSpec,
    accepted_names,
    file_parameters,
    normalize_name,
)
from kam_xl.inputs.arrow_tables import ArrowTables, blank_text_as_empty, hides_text, table_parts
from kam_xl.inputs.condense import Condensed, condense_sales
from kam_xl.inputs.derive import DERIVED_FROM, net_of_vat
from kam_xl.inputs.duplicates import check_duplicates
from kam_xl.inputs.ledger import (
    AMOUNT_TABLES,
    ExportTotal,
    Ledger,
    add_sums,
    combined,
    finish,
    new_ledger,
    note_dropped,
)
from kam_xl.inputs.names import CONTRACT, MAP, Names, Origin, default_names, preset_scores, without_detected
from kam_xl.inputs.params import PARAMETER_ZH, Params, parameters_from_table
from kam_xl.inputs.parsing import (
    ERROR_VALUES,
    MAX_DATE,
    MAX_MAGNITUDE,
    MIN_DATE,
    Kinds,
    ambiguous_dates,
    currency_codes,
    far_dates,
    foreign_currency,
    is_error_text,
    matches_words,
    parse_date,
    parse_id,
    parse_number,
    parse_text,
)
from kam_xl.inputs.presets import PRESETS
from kam_xl.inputs.safe_io import InputError, check_workbook_file, is_xls, sha256
from kam_xl.quality import ERROR, INFO, WARNING, DataQuality, TableSource
from kam_xl.words import CATALOGUES

ROW = "_row"  # worksheet row number the user sees, carried on every input row
# Result: the subtotal line of an SAP list (ALV).
TOTALS_WORDS = {normalize_name(w) for w in ("合计", "总计", "小计", "总额", "Total", "Totals", "Grand Total", "Subtotal",
                                           "Sum", "Result")}


@dataclass
class Inputs:
    """Typed input tables (canonical column names, plus ``_row`` and any extra
    columns the user added), the parameters, and the data-quality log."""

    tables: dict[str, pd.DataFrame]
    params: Params = field(default_factory=Params)
    dq: DataQuality = field(default_factory=DataQuality)
    source: Path | None = None
    source_sha256: str | None = None
    extra_columns: dict[str, list[str]] = field(default_factory=dict)
    fatal: list[str] = field(default_factory=list)
    language: str = "en"   # of messages: the Language parameter, else that of the input's headers
    # What was read of Sales, Invoices and Payments and every line not passed on; the export's own totals rows.
    ledgers: dict[str, Ledger] = field(default_factory=dict)
    export_totals: list[ExportTotal] = field(default_factory=list)

    def get(self, name: str) -> pd.DataFrame | None:
        return self.tables.get(name)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]


@dataclass
class _Grid:
    """A table's raw cells: header texts, data rows, and where they sit."""

    header: list
    rows: list[list] | pd.DataFrame   # cell rows, or a typed frame from a CSV/Parquet file
    first_row: int      # worksheet row number of rows[0]
    first_col: int      # 0-based column of header[0]
    sheet: str
    source: str         # 'table', 'sheet', 'range', 'frame' or 'file', for messages
    below: tuple[int, int] | None = None   # worksheet rows read from under an Excel Table
    table: str | None = None               # the Excel Table's name
    row_numbers: np.ndarray | None = None  # a file's rows when ``rows`` holds only some of its lines
    condensed: Condensed | None = None     # the file's plain lines, summed (kam_xl.inputs.condense)


@dataclass
class _LargeFile:
    """A Sales file large enough to be condensed; read once Customers is typed."""

    path: Path



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
    READ_THREADS; batch workers, whose processes are the parallelism, use 1).

    Sheets and headers are recognised by the names of kam_xl.inputs.names:
    the contract's, synonyms and every ERP preset's (only ``preset``'s when
    given), with a ColumnMap table in the workbook or in the ``column_map``
    file (.xlsx or .csv) in front; a sheet whose name says nothing is taken
    for the table whose required headers it carries.

    ``sources`` are more files (workbooks, CSV or Parquet; the departments'
    exports) whose tables join this one's: a table given by several files is
    appended with a Source column, and a document two files give is used
    once (see :func:`_merge_parts`).

    A Sales file of CONDENSE_FROM_BYTES or more (an extract beyond Excel's
    rows) has its plain lines summed per customer, day, document and sign as
    it streams in (kam_xl.inputs.condense): the figures and the findings are
    those of the lines one by one, in a fraction of the memory. Not with
    ``sources`` (whose documents are matched line by line) or ``condense=False``."""
    paths = [Path(path), *(Path(source) for source in sources)]
    names = default_names(preset)
    map_dq = DataQuality()
    if column_map is not None:
        names = _with_map_file(Path(column_map), names, map_dq)
    parts = []
    for index, source in enumerate(paths):
        part = _source_part(source, names, map_dq if index == 0 else DataQuality(), password,
                            external if index == 0 else None, threads, column_map is None, condense and not sources)
        if index == 0:
            names = without_detected(part.names)   # the main workbook's ColumnMap serves every source
        parts.append(part)
    inputs = _finish(parts, language)
    inputs.source, inputs.source_sha256 = paths[0], sha256(paths[0])
    return inputs


def _source_part(path: Path, names: Names, map_dq: DataQuality, password: str | None, external, threads,
                 map_sheet: bool, condense: bool) -> _Part:
    """One source file typed: a workbook (decrypted with ``password`` when it
    is encrypted), or a CSV/Parquet file holding one table."""
    if path.suffix.lower() in (".csv", ".txt", ".parquet"):
        return _file_part(path, names)
    if password is not None:
        from kam_xl.inputs.crypto import decrypted_copy
        with decrypted_copy(path, password) as plain:
            part = _workbook_part(plain, names, map_dq, external, threads, map_sheet, condense)
        part.path = path
        return part
    return _workbook_part(path, names, map_dq, external, threads, map_sheet, condense)


def _workbook_part(path: Path, names: Names, map_dq: DataQuality, external, threads, map_sheet: bool,
                   condense: bool) -> _Part:
    check_workbook_file(path)
    names = names.with_map([])   # a copy: the sheets claimed here are this workbook's
    book = _open(path)
    try:
        if map_sheet:
            names = _with_map(_find_grid(book, TABLES["ColumnMap"], names), names, map_dq)
        files = {name: Path(file) for name, file in (external or {}).items()}
        files.update({name: path.parent / file for name, file in _file_parameters(book, names).items()
                      if name not in files})
        sheets = list(book.sheet_names)
        names = _claim_sheets(book, names, set(files))
    except _Unreadable as exc:
        raise _ErrorCells(path).unreadable(exc) from None
    finally:
        book.close()
    grids = _workbook_grids(path, files, threads or READ_THREADS, names, condense)
    try:
        return _type_part(grids, path, sheets, names, map_dq)
    finally:
        grids.close()   # stops the reading threads at once if typing failed


def _file_part(path: Path, names: Names) -> _Part:
    """A CSV or Parquet source: the table its file name names (销售.csv,
    crm_contacts.csv: Contacts by its headers), else the one its header fits."""
    if not path.exists():
        raise InputError(f"{path}: file not found")
    stem = normalize_name(path.stem)
    spec = next((t for t in TABLES.values() if stem in names.table_aliases(t)), None)
    if spec is None:
        header = _file_header(path)
        fits = _fits(names, [header])
        if not fits or (len(fits) > 1 and fits[0][0] == fits[1][0]):
            raise InputError(f"{path}: cannot tell which table this file holds; name the file after the table "
                             f"(Sales.csv, 销售.csv ...) or give its headers in a ColumnMap")
        spec = fits[0][1]
    return _type_part([(spec, _file_grid(path, spec, names), {})], path, [path.name], names)


def _file_header(path: Path) -> list:
    if path.suffix.lower() == ".parquet":
        import pyarrow.parquet as pq
        return list(pq.read_schema(path).names)
    with path.open("rb") as handle:
        head = handle.read(1 << 16)
    first_line = head.decode(_csv_encoding(head), errors="replace").splitlines()[0] if head else ""
    return next(csv_module.reader([first_line]), [])


def _csv_encoding(head: bytes) -> str:
    """utf-8 (with or without BOM) when the bytes decode as it, else GB18030
    (GBK's superset), as Chinese Excel and ERPs save CSV."""
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3:   # a character cut at the end of the sample
            return "utf-8"
        return "gb18030"


class _SheetsOnly:
    """A calamine workbook of a legacy .xls file (BIFF8, as Kingdee K/3 and U8
    export): its sheets, and no Excel Tables (the format has none)."""

    table_names: list[str] = []

    def __init__(self, book):
        self._book = book

    def __getattr__(self, name: str):
        return getattr(self._book, name)


def _open(path: Path):
    try:
        if is_xls(path):
            return _SheetsOnly(python_calamine.CalamineWorkbook.from_path(str(path)))
        return python_calamine.CalamineWorkbook.from_path(str(path), load_tables=True)
    except python_calamine.PasswordError:
        raise InputError(f"{path}: is encrypted; give --password") from None
    except Exception as exc:  # calamine raises several types for broken files
        raise InputError(f"{path}: cannot be read as a workbook ({type(exc).__name__}: {exc})") from None
    except BaseException as exc:
        if not _is_panic(exc):
            raise
        raise InputError(f"{path}: cannot be read as a workbook (the reader stopped: {exc})") from None


# calamine releases the GIL while it parses a table, so two threads read two tables at once.
READ_THREADS = min(2, os.cpu_count() or 1)
# Typical relative row counts, to give each thread an even share of the work.
_TYPICAL_SIZE = {"Sales": 10, "Activities": 4, "Invoices": 3, "Payments": 2, "Contacts": 1}


def _lanes(names: list[str], threads: int) -> list[list[str]]:
    """Tables split over ``threads`` lanes, largest first onto the lightest lane."""
    lanes: list[list[str]] = [[] for _ in range(threads)]
    loads = [0] * threads
    for name in sorted(names, key=lambda n: -_TYPICAL_SIZE.get(n, 0)):
        lane = loads.index(min(loads))
        lanes[lane].append(name)
        loads[lane] += _TYPICAL_SIZE.get(name, 0)
    return [lane for lane in lanes if lane]


def _workbook_grids(path: Path, files: dict[str, Path], threads: int, names: Names, condense: bool):
    """Yield ``(spec, grid, error cells)`` for every table as soon as it is read.

    Each reading thread opens its own calamine workbook and works through its
    lane of tables while this thread types the tables already read."""
    error_cells = _ErrorCells(path)
    excel_tables = error_cells.tables() if ARROW_READ else {}
    ready: queue.Queue = queue.Queue()
    stop = threading.Event()

    def read(book, arrow: ArrowTables | None, spec: TableSpec):
        if spec.name in files:
            file = files[spec.name]
            if condense and spec.name == "Sales" and file.exists() and file.stat().st_size >= CONDENSE_FROM_BYTES:
                return spec, _LargeFile(file), {}
            return spec, _file_grid(file, spec, names), {}
        if arrow is not None:
            try:
                typed = _arrow_grid(arrow, book, spec, names, error_cells)
            except BaseException as exc:  # noqa: BLE001 - a shortcut only: anything odd (a panic too) is read
                if not isinstance(exc, Exception) and not _is_panic(exc):   # (or reported) cell by cell
                    raise
                typed = None
            if typed is not None:
                return spec, typed, {}
        try:
            found = _find_grid(book, spec, names, error_cells.last_row)
        except _Unreadable as exc:
            raise error_cells.unreadable(exc) from None
        # calamine reads an error cell as '', so a table without '' has none and its sheet needs no scan.
        scan = found is not None and any("" in row for row in found.rows)
        return spec, found, error_cells.for_sheet(found.sheet) if scan else {}

    def read_lane(names: list[str]) -> None:
        try:
            book = _open(path)
            arrow = _arrow_tables(path, excel_tables)
            try:
                for name in names:
                    if stop.is_set():
                        return
                    ready.put(read(book, arrow, TABLES[name]))
            finally:
                book.close()
        except BaseException as exc:  # handed to the consuming thread, which raises it
            ready.put(exc)

    wanted = [name for name in TABLES if name != "ColumnMap"]   # the map was read first
    lanes = _lanes(wanted, threads)
    with ThreadPoolExecutor(max_workers=len(lanes)) as pool:
        for lane in lanes:
            pool.submit(read_lane, lane)
        try:
            for _ in wanted:
                item = ready.get()
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            stop.set()


# Clean Excel Tables are read as typed columns (kam_xl.inputs.arrow_tables); off, every table is read cell by cell.
ARROW_READ = True


def _arrow_tables(path: Path, parts: dict) -> ArrowTables | None:
    """A thread's typed reader of the workbook's Excel Tables (``parts``,
    see _ErrorCells.tables); None without any or when fastexcel cannot open it."""
    if not parts:
        return None
    try:
        return ArrowTables(path, parts)
    except BaseException as exc:  # noqa: BLE001 - whatever fastexcel cannot open, calamine reads (or reports)
        if not isinstance(exc, Exception) and not _is_panic(exc):
            raise
        return None


def _arrow_grid(arrow: ArrowTables, book, spec: TableSpec, names: Names, error_cells: "_ErrorCells") -> _Grid | None:
    """The table as typed columns when it is an Excel Table that needs no
    cell-by-cell look (see kam_xl.inputs.arrow_tables), found as
    :func:`_find_grid` finds it; None: read it cell by cell."""
    name = _excel_table(book, spec, names)
    part = arrow.parts.get(name) if name is not None else None
    if part is None or not _names_required(spec, part.columns, names):
        return None
    used = error_cells.last_row(part.sheet)
    if used is None or used > part.last_row:   # rows typed under the table are read with it, cell by cell
        return None
    frame = arrow.frame(part)
    if frame is None:
        return None
    blank = frame.isna().any()
    if blank.any():   # a blank may be an error cell, or text read as a blank in a number or date column
        xml = error_cells.sheet_xml(part.sheet)
        typed = [c for c in frame.columns[blank] if not pd.api.types.is_string_dtype(frame[c].dtype)]
        if typed and hides_text(xml, part, typed):
            return None
        last_col = part.first_col + len(part.columns) - 1
        if any(part.first_row <= row <= part.last_row and part.first_col <= col <= last_col
               for row, col in error_cells.errors_in(xml)):
            return None
    return _Grid(list(part.columns), blank_text_as_empty(frame), part.first_row, part.first_col, part.sheet, "table",
                 table=name)


def _file_parameters(book, names: Names) -> dict[str, str]:
    """SalesFile / InvoicesFile / PaymentsFile given in the Parameters table;
    sets ``names.currency`` from ReportingCurrency, which typing amounts needs."""
    found = _find_grid(book, TABLES["Parameters"], names)
    if found is None or not found.header:
        return {}
    _note_currency(found, names)
    wanted = file_parameters()
    return {wanted[normalize_name(row[0])]: str(row[1]).strip() for row in found.rows
            if len(row) > 1 and isinstance(row[0], str) and normalize_name(row[0]) in wanted and row[1] not in ("", None)}


def _note_currency(grid: _Grid | None, names: Names) -> None:
    """The ReportingCurrency typed in a Parameters grid (checked properly, with
    a message, when the table is typed; here only a valid code is taken)."""
    keys = {normalize_name("ReportingCurrency"), normalize_name(PARAMETER_ZH["ReportingCurrency"])}
    for row in (grid.rows if grid is not None and isinstance(grid.rows, list) else []):
        if len(row) > 1 and isinstance(row[0], str) and normalize_name(row[0]) in keys:
            code = str(row[1]).strip().upper()
            if re.fullmatch(r"[A-Z]{3}", code):
                names.currency = code


def _file_grid(path: Path, spec: TableSpec, names: Names) -> _Grid:
    """A CSV or Parquet file as a typed frame (pyarrow); key and text columns
    are read as text so padded IDs keep their zeros."""
    import pyarrow as pa
    import pyarrow.csv as pa_csv
    import pyarrow.parquet as pq

    suffix = _file_suffix(path, spec)
    try:
        if suffix == ".parquet":
            table = pq.read_table(path)
        else:
            table = pa_csv.read_csv(path, **_csv_options(path, spec, names))
    except (pa.ArrowInvalid, OSError, StopIteration) as exc:
        raise InputError(f"{spec.name} file {path} cannot be read: {exc}") from None
    frame = _frame_of(table)
    return _Grid(list(frame.columns), frame, 2, 0, path.name, "file")


def _file_suffix(path: Path, spec: TableSpec) -> str:
    if not path.exists():
        raise InputError(f"{spec.name} file {path} not found")
    suffix = path.suffix.lower()
    if suffix not in (".parquet", ".csv", ".txt"):
        raise InputError(f"{spec.name} file {path}: use .csv or .parquet")
    return suffix


def _csv_options(path: Path, spec: TableSpec, names: Names) -> dict:
    """pyarrow's CSV options: the file's encoding; ID and text columns as text."""
    import pyarrow as pa
    import pyarrow.csv as pa_csv
    with path.open("rb") as handle:
        encoding = _csv_encoding(handle.read(1 << 16))
    with path.open("r", encoding="utf-8-sig" if encoding == "utf-8" else encoding, errors="replace") as handle:
        header = next(csv_module.reader([handle.readline()]))
    by_alias = {alias: c for c in spec.columns for alias in names.column_aliases(spec, c)}
    text_columns = {h: pa.string() for h in header
                    if (c := by_alias.get(normalize_name(h))) is not None and c.kind in (ID, TEXT)}
    return {"read_options": pa_csv.ReadOptions(encoding=encoding),
            "convert_options": pa_csv.ConvertOptions(column_types=text_columns, strings_can_be_null=True)}


_INDEX_COLUMN = re.compile(r"__index_level_\d+__")   # where pandas.to_parquet keeps a frame's index


def _data_columns(names: list[str]) -> list[int]:
    """The positions of a file's columns but the index pandas may have stored in it."""
    return [i for i, name in enumerate(names) if not _INDEX_COLUMN.fullmatch(name)]


def _frame_of(table) -> pd.DataFrame:
    """An Arrow table of a file as pandas (see :func:`_data_columns`)."""
    return table.select(_data_columns(table.column_names)).replace_schema_metadata(None).to_pandas()


# A Sales file at least this large (a Parquet file of some 500,000 lines, a CSV of 100,000) is condensed
# while it is read (kam_xl.inputs.condense); a smaller one is read whole, as fast and line by line.
CONDENSE_FROM_BYTES = 8 << 20


def _condensed_grid(path: Path, spec: TableSpec, names: Names, customers: pd.DataFrame | None) -> _Grid:
    """A large Sales file with its plain lines summed (see kam_xl.inputs.condense)
    and the others as read; read whole when no line can be plain for certain,
    or when streaming it finds what the whole read would type otherwise."""
    import pyarrow as pa
    import pyarrow.csv as pa_csv
    import pyarrow.parquet as pq

    suffix = _file_suffix(path, spec)
    condensed = None
    if customers is not None:
        known = customers["CustomerID"].dropna().astype(str)
        try:
            if suffix == ".parquet":
                source = pq.ParquetFile(path)
                keep = _data_columns(source.schema_arrow.names)
                schema = pa.schema([source.schema_arrow.field(i) for i in keep])
                # Row group by row group: iter_batches keeps ~17 bytes a line until the file is closed.
                batches = (batch.select(keep) for group in range(source.num_row_groups)
                           for batch in source.read_row_group(group).to_batches())
            else:
                # Types from the first block; a later value that does not fit raises, and the whole read
                # (which types from every block) takes over.
                stream = pa_csv.open_csv(path, **_csv_options(path, spec, names))
                schema, batches = stream.schema, iter(stream)
            header = [str(h).strip() for h in schema.names]
            mapped, _ = _map_headers(spec, header, names)
            local = "Currency" in mapped and "NetRevenue" in mapped and _local_header(header[mapped["NetRevenue"]])
            condensed = condense_sales(batches, schema, mapped, known, 2, local)
            if condensed is not None and "DocumentNo" in mapped and \
                    condensed.lines.column(mapped["CustomerID"]).null_count:
                condensed = None   # a bill's line without its header fields takes them from the line above it
        except Exception:  # noqa: BLE001 - a shortcut only: anything odd is read whole, and reported there
            condensed = None
    if condensed is None:
        return _file_grid(path, spec, names)
    frame = _frame_of(condensed.lines)
    return _Grid(list(frame.columns), frame, 2, 0, path.name, "file", row_numbers=condensed.rows,
                 condensed=condensed)


def _with_sums(frame: pd.DataFrame, grid: _Grid, dq: DataQuality) -> pd.DataFrame:
    """The typed lines of a condensed file with its summed plain lines, in file order."""
    condensed = grid.condensed
    sums = condensed.sums.reindex(columns=frame.columns)
    for name in frame.columns.difference(condensed.sums.columns):   # outside the contract: blank text
        sums[name] = pd.Series(np.nan, index=sums.index, dtype="str")
    merged = pd.concat([frame, sums], ignore_index=True) if len(frame) else sums
    dq.add(INFO, "Sales", "source.condensed", None, None, None, file=grid.sheet,
           plain=condensed.condensed_lines, rows=len(sums), others=len(condensed.rows))
    return merged.sort_values(ROW, kind="stable").reset_index(drop=True)


def inputs_from_frames(frames: dict[str, pd.DataFrame]) -> Inputs:
    """Validate tables given as DataFrames (headers as in a workbook, English
    or Chinese) exactly as if they had been read from sheets of those names.
    Row numbers are those of a sheet with the header in row 1."""
    by_alias = {normalize_name(name): frame for name, frame in frames.items()}
    names = default_names()

    def grid(spec: TableSpec) -> _Grid | None:
        frame = next((by_alias[a] for a in names.table_aliases(spec) if a in by_alias), None)
        if frame is None:
            return None
        cells = frame.astype("object").where(frame.notna(), None)
        rows = [[_plain(v) for v in row] for row in cells.itertuples(index=False, name=None)]
        return _Grid(list(frame.columns), rows, 2, 0, spec.name, "frame")
    map_dq = DataQuality()
    names = _with_map(grid(TABLES["ColumnMap"]), names, map_dq)
    _note_currency(grid(TABLES["Parameters"]), names)
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

    def grid(spec: TableSpec) -> _Grid | None:
        found = provider(spec.name, set(names.table_aliases(spec)))
        return _Grid(*found, "range") if found else None
    map_dq = DataQuality()
    names = _with_map(grid(TABLES["ColumnMap"]), names, map_dq)
    _note_currency(grid(TABLES["Parameters"]), names)
    return _read(((spec, grid(spec), {}) for spec in TABLES.values()), source, names=names, map_dq=map_dq)


@dataclass
class _Part:
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


def _type_part(grids, path: Path | None, sheets: list[str] | None, names: Names,
               map_dq: DataQuality | None = None) -> _Part:
    """Type the tables from ``grids``, an iterable of ``(spec, grid or None,
    error cells)`` in any order (the ColumnMap was read before; its findings
    are ``map_dq``)."""
    part = _Part(path, names, sheets, logs={name: DataQuality() for name in TABLES})
    part.logs["ColumnMap"] = map_dq or DataQuality()

    def take(spec: TableSpec, grid: _Grid, errors: dict) -> None:
        dq = part.logs[spec.name]
        books: dict = {}
        frame, extra, missing = _typed_frame(spec, grid, errors, dq, names, books)
        if missing:
            if spec.required:
                part.unusable[spec.name] = dq.records[-1]
            return
        part.tables[spec.name] = frame if grid.condensed is None else _with_sums(frame, grid, dq)
        part.extras[spec.name] = extra
        if "ledger" in books:
            part.ledgers[spec.name] = books["ledger"]
            part.totals += books["totals"]
            if grid.condensed is not None and len(grid.condensed.sums):
                sums = grid.condensed.sums
                add_sums(books["ledger"], sums[ROW], sums[books["ledger"].amount], grid.condensed.sum_lines)

    large = []
    for spec, grid, errors in grids:
        if isinstance(grid, _LargeFile):
            large.append((spec, grid))
        elif spec.name != "ColumnMap" and grid is not None:
            take(spec, grid, errors)
    for spec, file in large:   # a line is plain only for a customer of Customers, typed by now
        take(spec, _condensed_grid(file.path, spec, names, part.tables.get("Customers")), {})
    return part


def _read(grids, path: Path | None, sheets: list[str] | None = None, language: str | None = None,
          names: Names | None = None, map_dq: DataQuality | None = None) -> Inputs:
    """Type and check the tables of one source (see :func:`_type_part`)."""
    return _finish([_type_part(grids, path, sheets, names or default_names(), map_dq)], language)


def _finish(parts: list[_Part], language: str | None) -> Inputs:
    """The checks across tables, on the tables of every source together:
    required tables, parameters, VAT, documents given by two sources, keys.
    Findings are logged in table order; with several sources each finding
    names its file, and each table gets a Source column naming the file of
    each row. ``sheets`` of a source are listed when a required table is missing."""
    several = len(parts) > 1
    located = [_part_sources(part, several) for part in parts]   # the sheets are typed: this does not change
    dq = DataQuality()
    fatal: dict[str, dict] = {}
    for name, spec in TABLES.items():
        found = [part for part in parts if name in part.tables or name in part.unusable]
        if not found and name != "ColumnMap":
            if spec.required:
                sheets = [s for part in parts for s in (part.sheets or [])]
                dq.add(ERROR, name, "table.required_missing", names=accepted_names(spec),
                       sheets=", ".join(sheets) if sheets else "-")
                fatal[name] = dq.records[-1]
            elif name not in ("Parameters", "FXRates", "ProvisionRates", "Targets"):   # FXRates: only for foreign
                # amounts; ProvisionRates: a documented default stands in (said by the analysis); Targets: the
                # Attainment sheet says there are none
                dq.add(INFO, name, "table.optional_missing", names=accepted_names(spec))
        for part, sources in zip(parts, located):
            _take_log(dq, part, name, sources, several)
        if spec.required and found and all(name in part.unusable for part in found):
            fatal[name] = found[0].unusable[name]
    with_parameters = [part for part in parts if "Parameters" in part.tables]
    parameter_tables = [part.tables.pop("Parameters") for part in with_parameters]
    params = parameters_from_table(parameter_tables[0] if parameter_tables else None, dq)
    if len(parameter_tables) > 1:
        dq.add(WARNING, "Parameters", "source.parameters_ignored", None, None, None,
               first=with_parameters[0].path.name if with_parameters[0].path is not None else "-")
    for part, sources in zip(parts, located):
        part.extras.pop("Parameters", None)
        _note_names_used(part.names, sources, dq, part.path.name if several and part.path is not None else None)
        if "Sales" in part.tables:
            before, start = part.tables["Sales"], len(dq.records)
            part.tables["Sales"] = net_of_vat(before, sources.get("Sales"), params, dq)
            note_dropped(part.ledgers.get("Sales"), before, part.tables["Sales"], dq.records[start:], "vat.gross_blank")
        _local_amounts(part, sources, dq)
    tables, extras = _merge_parts(parts, located, dq) if several else (parts[0].tables, parts[0].extras)
    ledgers = _ledgers(parts)
    if not fatal:
        by_label = {part.path.name: sources for part, sources in zip(parts, located) if part.path is not None}
        locate = (lambda table, label: by_label.get(label, {}).get(table)) if several else None
        before, start = dict(tables), len(dq.records)
        _check_keys(tables, dq, locate)
        for name, ledger in ledgers.items():
            if name in before and name in tables:
                note_dropped(ledger, before[name], tables[name], dq.records[start:], "key.unknown",
                             (lambda record, key, name=name: record.get("where") == locate(name, key[0]))
                             if several else None)
        check_duplicates(tables, dq, ledgers, locate)
    tables = {name: tables[name] for name in TABLES if name in tables}
    if not fatal and tables["Sales"].empty and not tables["Customers"].empty:   # customers, but Sales left unfilled
        dq.add(ERROR, "Sales", "table.sales_empty")
    for name in [n for n, frame in tables.items() if frame.empty and not TABLES[n].required]:
        # An empty table (the template's, left unfilled) says nothing: no contact is not "no contact
        # for a year", no invoice is not "nothing owed". Analysed as absent, and said.
        del tables[name]
        if name not in ("FXRates", "ProvisionRates", "Targets", "ColumnMap", "Invoices", "Contacts"):   # (the
            # analysis says what the last two's absence skips)
            dq.add(INFO, name, "table.empty")
    language = language or params.language or header_language(dq.sources)
    for name, ledger in ledgers.items():
        finish(ledger, tables.get(name))
    ledgers = {name: ledger for name, ledger in ledgers.items() if name in tables or ledger.read_rows}
    order = list(TABLES)   # (tables are typed in the order they are read, which varies)
    totals = [ExportTotal(t.table, t.row, t.column, t.stated, t.lines, _label(part) if several else None)
              for part in parts for t in sorted(part.totals, key=lambda t: (order.index(t.table), t.row))]
    return Inputs(tables=tables, params=params, dq=dq, source=parts[0].path, extra_columns=extras,
                  fatal=[dq.message(fatal[name], language) for name in TABLES if name in fatal], language=language,
                  ledgers=ledgers, export_totals=totals)


def _label(part: _Part) -> str:
    """A source's name in the Source column."""
    return part.path.name if part.path is not None else "-"


def _ledgers(parts: list[_Part]) -> dict[str, Ledger]:
    """Each amount table's ledger, of every source together (keyed by Source and row when there are several)."""
    if len(parts) == 1:
        return {name: parts[0].ledgers[name] for name in AMOUNT_TABLES if name in parts[0].ledgers}
    return {name: combined([(_label(part), part.ledgers[name]) for part in parts if name in part.ledgers])
            for name in AMOUNT_TABLES if any(name in part.ledgers for part in parts)}


def _part_sources(part: _Part, several: bool) -> dict[str, TableSource]:
    """Where each of the part's tables sits; with several sources the sheet
    is named with its file (``[crm.xlsx]跟进记录``)."""
    sources = {}
    for log in part.logs.values():
        for table, source in log.sources.items():
            if several and part.path is not None and source.sheet != part.path.name \
                    and not source.sheet.startswith("["):
                # Excel's own way of naming a sheet in another file: [ops.xlsx]销售出库单!A2
                source = TableSource(f"[{part.path.name}]{source.sheet}", source.first_col, source.headers)
            sources[table] = source
    return sources


def _take_log(dq: DataQuality, part: _Part, table: str, sources: dict[str, TableSource], several: bool) -> None:
    """Move the part's findings on ``table`` into ``dq``; with several sources
    each record keeps where it came from (``sources``, the part's)."""
    log = part.logs[table]
    for record in log.records:
        if several and record["Table"] in sources:
            record["where"] = sources[record["Table"]]
        dq.records.append(record)
    for name, source in sources.items():
        if name in log.sources:
            dq.sources.setdefault(name, source)
            dq.lineage.append((name, source))


LOCAL_MARKS = ("本位币", "本币", "localcurrency", "loc.curr", "inlc")


def _local_amounts(part: _Part, sources: dict[str, TableSource], dq: DataQuality) -> None:
    """An ERP list exports amounts in the document currency and in the local
    one (金额(本位币), Amount in local currency); when the local amount was
    read, the row's Currency (币别, the document's) must not convert it again.
    A sheet that gave the revenue in local currency but a cost or gross amount
    only in the document's leaves that amount empty (unknown, never summed
    unconverted), with a Warning."""
    for table, amounts in (("Sales", ("NetRevenue", "GrossAmount", "COGS")), ("Invoices", ("Amount",)),
                           ("Payments", ("Amount",))):
        source = sources.get(table)
        if table not in part.tables or source is None or "Currency" not in source.headers:
            continue
        read = {a: source.header(a) for a in amounts if source.header(a)}
        local = {a for a, header in read.items() if _local_header(header)}
        main = "NetRevenue" if "NetRevenue" in read else next(iter(read), None)
        if main not in local:
            continue
        frame = part.tables[table].assign(Currency=None)
        dq.add(INFO, table, "currency.local_amounts", None, "Currency", None, header=read[main], where=source)
        for amount in sorted(set(read) - local):
            frame[amount] = np.nan
            dq.add(WARNING, table, "currency.document_amount", None, amount, None, header=read[amount],
                   local=read[main], where=source)
        part.tables[table] = frame


def _local_header(header: str) -> bool:
    """Whether an amount's header says it is in local currency (金额(本位币))."""
    return any(mark in normalize_name(header) for mark in LOCAL_MARKS)


SOURCE = "Source"   # the extra column naming each row's file when tables come from several sources
DOCUMENT_KEYS = {"Sales": "DocumentNo", "Invoices": "InvoiceNo"}


def _merge_parts(parts: list[_Part], located: list[dict[str, TableSource]],
                 dq: DataQuality) -> tuple[dict[str, pd.DataFrame], dict[str, list[str]]]:
    """Each table from every source that has it, appended in source order
    with a Source column. A document (Sales DocumentNo, Invoices InvoiceNo)
    that an earlier source already gave is the same document exported twice:
    an Error naming both files and rows, and the later rows are not used."""
    tables: dict[str, pd.DataFrame] = {}
    extras: dict[str, list[str]] = {}
    for name in TABLES:
        pieces = [(part, part.tables[name], sources) for part, sources in zip(parts, located) if name in part.tables]
        if not pieces:
            continue
        frames = []
        first_seen: dict[str, tuple[str, int]] = {}
        key = DOCUMENT_KEYS.get(name)
        for part, frame, sources in pieces:
            label = _label(part)
            frame = frame.assign(**{SOURCE: label})
            if key is not None:
                known = frame[key].notna() & frame[key].isin(list(first_seen))
                for row, document in zip(frame.loc[known, ROW], frame.loc[known, key]):
                    where = first_seen[document]
                    dq.add(ERROR, name, "source.duplicate_document", int(row), key, document,
                           first_file=where[0], first_row=where[1], where=sources.get(name))
                for document, row in zip(frame.loc[~known, key], frame.loc[~known, ROW]):
                    if pd.notna(document):
                        first_seen.setdefault(document, (label, int(row)))
                if known.any() and name in part.ledgers:
                    part.ledgers[name].reject(frame.loc[known, ROW].tolist(), "source.duplicate_document")
                frame = frame[~known]
            frames.append(frame)
        tables[name] = pd.concat(frames, ignore_index=True)
        extras[name] = list(dict.fromkeys([c for part, _, _ in pieces for c in part.extras.get(name, [])] + [SOURCE]))
    return tables, extras


def _with_map(grid: _Grid | None, names: Names, dq: DataQuality) -> Names:
    """``names`` with the ColumnMap in ``grid`` in front. A row naming an
    unknown table or column, or a header without its column, is an Error
    naming that row of the map, and the row is not used."""
    if grid is None:
        return names
    spec = TABLES["ColumnMap"]
    frame, _, missing = _typed_frame(spec, grid, {}, dq, names)
    if missing:
        return names
    tables = {normalize_name(n): t.name for t in TABLES.values() for n in (t.name, t.zh)}
    rows = []
    for row in frame.to_dict("records"):
        where = int(row[ROW])
        table = tables.get(normalize_name(row["Table"]))
        if table is None or table in ("Parameters", "ColumnMap"):
            dq.add(ERROR, spec.name, "map.unknown_table", where, "Table", row["Table"],
                   known=", ".join(t for t in TABLES if t not in ("Parameters", "ColumnMap")))
            continue
        source, column, sheet = _text(row["SourceColumn"]), _text(row["Column"]), _text(row["SourceSheet"])
        if column is not None:
            target = TABLES[table]
            found = next((c.name for c in target.columns
                          if normalize_name(column) in (normalize_name(c.name), normalize_name(c.zh))), None)
            if found is None:
                dq.add(ERROR, spec.name, "map.unknown_column", where, "Column", column, target=table,
                       known=", ".join(c.name for c in target.columns))
                continue
            column = found
        if (source is None) != (column is None) or (source is None and sheet is None):
            dq.add(ERROR, spec.name, "map.incomplete", where, "SourceColumn" if source is None else "Column",
                   source or column or sheet)
            continue
        rows.append((where, table, sheet, source, column))
    return names.with_map(rows)


def _text(value: object) -> str | None:
    return None if value is None or pd.isna(value) or not str(value).strip() else str(value).strip()


def _with_map_file(path: Path, names: Names, dq: DataQuality) -> Names:
    """A ColumnMap given as its own file: .xlsx/.xlsm (the ColumnMap sheet or
    table, else the first sheet) or .csv (UTF-8, with or without BOM, or GB18030)."""
    if not path.exists():
        raise InputError(f"column map {path}: file not found")
    spec = TABLES["ColumnMap"]
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        check_workbook_file(path)
        book = _open(path)
        try:
            grid = _find_grid(book, spec, names)
            if grid is None:
                with _reading(f"sheet '{book.sheet_names[0]}'", book.sheet_names[0]):
                    cells = book.get_sheet_by_name(book.sheet_names[0]).to_python(skip_empty_area=False)
                header, rows, offset = header_and_rows(cells)
                grid = _Grid(header, rows, offset + 2, 0, book.sheet_names[0], "sheet")
        finally:
            book.close()
    elif path.suffix.lower() in (".csv", ".txt"):
        rows = list(csv_module.reader(read_text(path).splitlines()))
        header, body, offset = header_and_rows(rows)
        grid = _Grid(header, body, offset + 2, 0, path.name, "file")
    else:
        raise InputError(f"column map {path}: use .xlsx or .csv")
    grid.sheet = path.name if grid.source == "file" else f"{path.name}!{grid.sheet}"
    return _with_map(grid, names, dq)


def read_text(path: Path) -> str:
    """A text file as Chinese Excel and ERPs save it: UTF-8 (with or without
    BOM), else GB18030 (a superset of GBK and GB2312)."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError:
            raise InputError(f"{path}: is neither UTF-8 nor GBK/GB18030 text") from None


def _claim_sheets(book, names: Names, external: set[str]) -> Names:
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
    candidates = [spec for spec in TABLES.values() if spec.name not in ("Parameters", "ColumnMap")]
    if all(spec.name in found for spec in candidates):
        return names
    outputs = {normalize_name(title) for words in CATALOGUES.values() for title in words.SHEETS.values()}
    outputs |= {normalize_name(s) for s in OUTPUT_SHEETS}
    for sheet in book.sheet_names:
        key = normalize_name(sheet)
        if key in claimed_sheets or key in outputs:
            continue
        with _reading(f"sheet '{sheet}'", sheet):
            rows = book.get_sheet_by_name(sheet).to_python(nrows=MAX_TITLE_ROWS + 1)
        fits = _fits(names, rows)
        if fits and fits[0][1].name not in found and (len(fits) == 1 or fits[0][0] > fits[1][0]):
            spec = fits[0][1]
            names.add_sheet(spec.name, sheet, Origin("detected"))
            found.add(spec.name)
    return names


def _fits(names: Names, rows: list[list]) -> list[tuple[int, TableSpec]]:
    """(columns named, table) for every table whose required columns one of
    ``rows`` names, most columns first."""
    fits = []
    for spec in TABLES.values():
        if spec.name in ("Parameters", "ColumnMap"):
            continue
        best = 0
        for row in rows:
            texts = {normalize_name(v) for v in row if isinstance(v, str)}
            present = {c.name for c in spec.columns if texts & set(names.column_aliases(spec, c))}
            if present and not _missing_required(spec, present):
                best = max(best, len(present))
        if best:
            fits.append((best, spec))
    return sorted(fits, key=lambda fit: -fit[0])


def _note_names_used(names: Names, sources: dict[str, TableSource], dq: DataQuality, file: str | None = None) -> None:
    """Say, per table, which headers were read through a synonym, a preset or
    the ColumnMap rather than the contract's own names, and which ERP the
    export looks like: a mapping is never applied silently."""
    used = {table: {column: text for column, (_, text) in source.headers.items()}
            for table, source in sources.items() if table in TABLES and table not in ("ColumnMap", "Parameters")}
    for table, columns in used.items():
        spec = TABLES[table]
        read_as = []
        for column, text in columns.items():
            origin = names.origin(spec, spec.column(column), text)
            if origin is not None and origin.kind != CONTRACT:
                how = f" (ColumnMap row {origin.row})" if origin.kind == MAP else ""
                read_as.append(f"{text} → {column}{how}")
        if read_as:
            dq.add(INFO, table, "names.read_as", None, None, None, sheet=sources[table].sheet,
                   pairs="; ".join(read_as), where=sources[table])
    ranked = sorted(preset_scores(names, used).items(), key=lambda item: -item[1])
    if names.forced_preset:
        dq.add(INFO, "Parameters", "names.preset_forced", None, None, None, title=PRESETS[names.forced_preset].title,
               where=TableSource(file) if file else None)
    elif ranked and ranked[0][1] >= 3 and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
        best, count = ranked[0]
        # said of the table whose headers the preset recognises most (its sheet, in its file): what it describes
        scores = {table: preset_scores(names, {table: used[table]})[best] for table in TABLES if table in used}
        table = max(scores, key=lambda name: scores[name])
        dq.add(INFO, table, "names.preset_detected", None, None, None, title=PRESETS[best].title,
               count=count, where=sources[table])


def header_language(sources: dict[str, TableSource]) -> str:
    """zh-CN when more of the input's recognised headers are the Chinese names
    than the English ones, else en."""
    chinese = english = 0
    for table, source in sources.items():
        for column, (_, text) in source.headers.items():
            spec = TABLES[table].column(column)
            chinese += normalize_name(text) == normalize_name(spec.zh)
            english += normalize_name(text) == normalize_name(spec.name)
    return "zh-CN" if chinese > english else "en"


def _find_grid(book, spec: TableSpec, names: Names, last_row=None) -> _Grid | None:
    """The table as an Excel Table (with the rows typed straight under it, see
    :func:`_rows_below`) or as a sheet. ``last_row(sheet)`` gives a sheet's
    last used worksheet row when it is known cheaply."""
    name = _excel_table(book, spec, names)
    if name is not None:
        with _reading(f"Excel Table '{name}'") as place:
            table = book.get_table_by_name(name)
            place.sheet = table.sheet
            row0, col0 = table.start  # the first data row (0-based), below the header
            rows = table.to_python()
            end = table.end[0] + 1    # worksheet row of the table's last row
            below = []
            used = last_row(table.sheet) if last_row else None
            if used is None or used > end:
                below = _rows_below(book.get_sheet_by_name(table.sheet), end, col0, len(table.columns))
        grid = _Grid(list(table.columns), rows + below, row0 + 1, col0, table.sheet, "table", table=name)
        if below:
            grid.below = (end + 1, end + len(below))
        return grid
    aliases = names.table_aliases(spec)
    for name in book.sheet_names:
        if normalize_name(name) in aliases:
            with _reading(f"sheet '{name}'", name):
                cells = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            header, rows, offset = header_and_rows(cells)
            return _Grid(header, rows, offset + 2, 0, name, "sheet")
    return None


def _excel_table(book, spec: TableSpec, names: Names) -> str | None:
    """The first Excel Table of the workbook named as ``spec`` may be named (None: there is none)."""
    aliases = names.table_aliases(spec)
    return next((name for name in book.table_names if normalize_name(name) in aliases), None)


class _Unreadable(Exception):
    """calamine failed on a part: where, the sheet if known, and why; ``panic``:
    the reader stopped (a Rust panic) rather than reported a damaged part."""

    def __init__(self, where: str, sheet: str | None, reason: str, panic: bool = False):
        super().__init__(where)
        self.where, self.sheet, self.reason, self.panic = where, sheet, reason, panic


def _is_panic(exc: BaseException) -> bool:
    """A Rust panic inside calamine or fastexcel (pyo3_runtime.PanicException:
    a BaseException, not an Exception, one class of that name per extension),
    e.g. 'TimeDelta::milliseconds out of bounds' for -1e308 in a date cell."""
    return type(exc).__name__ == "PanicException"


@contextlib.contextmanager
def _reading(where: str, sheet: str | None = None):
    """Yields a place whose ``sheet`` the body may set once it knows it (an Excel Table's)."""
    place = SimpleNamespace(sheet=sheet)
    try:
        yield place
    except Exception as exc:  # calamine raises XmlError, CalamineError, ValueError... for a damaged part
        raise _Unreadable(where, place.sheet, f"{type(exc).__name__}: {exc}") from None
    except BaseException as exc:
        if not _is_panic(exc):
            raise
        raise _Unreadable(where, place.sheet, f"the reader stopped: {exc}", panic=True) from None


def header_and_rows(cells: list[list]) -> tuple[list, list[list], int]:
    """A sheet's cells as (header, rows below it, index of the header row):
    the header is the first row with anything in it (title lines above a
    header are handled later, by _header_row)."""
    for index, row in enumerate(cells):
        if any(v not in ("", None) for v in row):
            return list(row), cells[index + 1:], index
    return [], [], -1


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


def _header_row(spec: TableSpec, grid: _Grid, names: Names) -> int:
    """How many rows of ``grid.rows`` to skip so that the header is the first
    row naming every required column: ERP exports put a title (and a blank
    or a date line) above the header. 0 when the given header will do."""
    if _names_required(spec, grid.header, names) or not isinstance(grid.rows, list):
        return 0
    for index, row in enumerate(grid.rows[:MAX_TITLE_ROWS]):
        if _names_required(spec, row, names):
            return index + 1
    return 0


def _names_required(spec: TableSpec, row, names: Names) -> bool:
    """Whether the cells of ``row`` name every required column of ``spec``."""
    found = {normalize_name(v) for v in row if isinstance(v, str)}
    present = {c.name for c in spec.columns if found & set(names.column_aliases(spec, c))}
    return not _missing_required(spec, present)


MAX_TITLE_ROWS = 10   # title lines looked through for the header, above the table


def _missing_required(spec: TableSpec, present) -> list:
    """Required columns not among ``present``; NetRevenue is not missing when a
    tax-inclusive GrossAmount is there to derive it from (kam_xl.inputs.derive)."""
    return [c for c in spec.columns if c.required and c.name not in present
            and not (c.name in DERIVED_FROM and DERIVED_FROM[c.name] in present and spec.name == "Sales")]


def _typed_frame(spec: TableSpec, grid: _Grid, errors: dict, dq: DataQuality, names: Names,
                 books: dict | None = None):
    """Map headers, parse every column by kind, log problems; returns
    (frame, extra column names, whether required columns are missing).
    For Sales, Invoices and Payments (see :func:`_bill_lines`): a bill's
    continuation lines get its header fields, an export's own totals rows are
    skipped and checked, and ``books`` (when given) receives the table's
    ``ledger`` and ``totals`` (kam_xl.inputs.ledger)."""
    _skip_title_rows(spec, grid, dq, names)
    header = [str(h).strip() if h not in (None, "") else "" for h in grid.header]
    width = len(header)
    raw = _raw_frame(grid, width)
    mapped, extra = _map_headers(spec, header, names)
    dq.sources[spec.name] = TableSource(grid.sheet, grid.first_col,
                                        {name: (position, header[position]) for name, position in mapped.items()})
    missing = _missing_required(spec, mapped)
    if missing:
        dq.add(ERROR, spec.name, "table.columns_missing", grid.first_row - 1, table_name=spec.name, sheet=grid.sheet,
               names="; ".join(accepted_names(spec, c) for c in missing), found=", ".join(h for h in header if h) or "-")
        return None, [], True
    _note_missing_columns(spec, mapped, extra, dq, names)
    if grid.below:
        dq.add(WARNING, spec.name, "table.rows_below", grid.below[0], name=grid.table, first=grid.below[0],
               last=grid.below[1])

    # Error cells: from the XML scan (true errors) and error text typed in cells.
    for (row, col), value in errors.items():
        position = col - grid.first_col
        if row in raw.index and 0 <= position < width:
            raw.at[row, position] = value
    kinds = {position: Kinds(raw[position]) for position in raw.columns}
    blank_rows = pd.concat([k.blank for k in kinds.values()], axis=1).all(axis=1) if width else \
        pd.Series(True, index=raw.index)
    first_record = len(dq.records)
    bills = _bill_lines(spec, grid, raw, kinds, mapped, blank_rows, dq)

    row_currency = None
    if "Currency" in mapped and spec.name != "FXRates":   # an amount may carry its own row's currency sign
        cells = raw[mapped["Currency"]]
        row_currency = currency_codes(cells)
    parsed = {c.name: _parse_column(c, raw[mapped[c.name]], kinds[mapped[c.name]], names.currency, row_currency)
              for c in spec.columns if c.name in mapped}
    key = spec.key if spec.key in mapped else None
    key_blank = kinds[mapped[key]].blank if key else pd.Series(False, index=raw.index)
    totals = _totals_rows(spec, raw, kinds, parsed, mapped[key], key_blank, bills.words if bills else None) if key \
        else pd.Series(False, index=raw.index)
    skipped = bills.words if bills is not None else pd.Series(False, index=raw.index)   # an export's totals rows
    skip = totals | key_blank | blank_rows
    frame, rejected = _typed_columns(spec, raw, kinds, parsed, mapped, key, skip, dq, names)
    rejected |= totals & ~skipped
    for column in spec.columns:
        if column.blank_key and column.name in mapped:
            _note_blank_cells(spec, column, kinds[mapped[column.name]].blank & ~skip & ~rejected, dq)
    if key:
        if bills is not None:
            _note_totals_rows(spec, bills, totals, raw[mapped[key]], dq)
        elif totals.any():
            dq.add_rows(ERROR, spec.name, pd.Series(totals[totals].index), key, raw.loc[totals, mapped[key]],
                        "row.totals")
        orphan = key_blank & ~totals & ~blank_rows
        if orphan.any():
            dq.add_rows(ERROR, spec.name, pd.Series(orphan[orphan].index), key, None, "row.key_blank")
        rejected |= orphan
    for name, position in extra.items():
        frame[name] = parse_text(raw[position], kinds[position]).astype("str")
    if bills is not None and books is not None:
        books["ledger"] = _read_ledger(spec, bills, frame, raw, mapped, blank_rows, rejected, dq.records[first_record:],
                                       names.currency)
        books["totals"] = bills.totals
    unused = rejected | blank_rows | skipped
    if unused.any():   # filtering copies every column; a clean table (the usual case) skips it
        frame = frame[~unused]
    frame.insert(0, ROW, frame.index.astype("int64"))
    return frame.reset_index(drop=True), list(extra), False


def _totals_rows(spec: TableSpec, raw: pd.DataFrame, kinds: dict, parsed: dict, key_position: int,
                 key_blank: pd.Series, words: pd.Series | None = None) -> pd.Series:
    """Rows that look like a totals line: a word such as 合计/Total in the key,
    or no key but figures, or no key and such a word in any cell (``words``,
    when they were found already)."""
    numbers_present = pd.Series(False, index=raw.index)
    for column in spec.columns:
        if column.kind == NUMBER and column.name in parsed:
            numbers_present |= parsed[column.name][0].notna()
    if words is None:
        words = _totals_words(raw, kinds, key_position, key_blank)
    return words | (key_blank & numbers_present)


# An amount table's amount columns, in order of the ledger's choice; a bill's header fields, filled down on its
# continuation lines (its number first: none on Payments, where the customer and the date make the receipt).
AMOUNT_COLUMNS = {"Sales": ("NetRevenue", "GrossAmount", "COGS"), "Invoices": ("Amount",), "Payments": ("Amount",)}
BILL_FIELDS = {"Sales": ("DocumentNo", "CustomerID", "Date", "Currency"),
               "Invoices": ("InvoiceNo", "CustomerID", "InvoiceDate", "DueDate", "Currency"),
               "Payments": ("CustomerID", "PaymentDate", "Currency")}
BILL_NUMBER = {"Sales": "DocumentNo", "Invoices": "InvoiceNo"}
BILL_DATE = {"Sales": "Date", "Invoices": "InvoiceDate", "Payments": "PaymentDate"}
HALF_CENT = 0.005


class _Running:
    """Sums of the lines read above a row, per amount column: since the header
    or since the totals row before it (an export's 合计 closes what is above it)."""

    def __init__(self, index: pd.Index, lines: pd.Series, amounts: dict[str, pd.Series], words: pd.Series,
                 condensed: Condensed | None):
        rows = index[lines.to_numpy()].to_numpy(dtype="int64")
        values = {c: a[lines].fillna(0.0).to_numpy(dtype="float64") for c, a in amounts.items()}
        if condensed is not None and len(condensed.sums):   # a condensed file's plain lines, summed
            sums = condensed.sums
            rows = np.concatenate([rows, sums[ROW].to_numpy(dtype="int64")])
            values = {c: np.concatenate([v, sums[c].fillna(0.0).to_numpy(dtype="float64") if c in sums else
                                         np.zeros(len(sums))]) for c, v in values.items()}
            order = np.argsort(rows, kind="stable")
            rows, values = rows[order], {c: v[order] for c, v in values.items()}
        self.rows = rows
        self.cumulative = {c: np.concatenate([[0.0], np.cumsum(v)]) for c, v in values.items()}
        self.words = index[words.to_numpy()].to_numpy(dtype="int64")

    def above(self, rows: np.ndarray, column: str, since_header: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """(sum, number of lines) above each of ``rows``."""
        end = np.searchsorted(self.rows, rows, side="left")
        if since_header or not len(self.words):
            start = np.zeros(len(rows), dtype="int64")
        else:
            before = np.searchsorted(self.words, rows, side="left") - 1
            previous = np.where(before >= 0, self.words[np.clip(before, 0, None)], np.iinfo("int64").min)
            start = np.searchsorted(self.rows, previous, side="right")
        cumulative = self.cumulative[column]
        return cumulative[end] - cumulative[start], end - start

    def ties(self, rows: pd.Index, amounts: dict[str, pd.Series], least: int) -> np.ndarray:
        """Whether each row states at least one amount and every amount it states is
        the sum of the (at least ``least``) lines above it since the last totals row."""
        at = rows.to_numpy(dtype="int64")
        stated_any = np.zeros(len(at), dtype=bool)
        tie = np.ones(len(at), dtype=bool)
        for column, values in amounts.items():
            stated = values[rows].to_numpy(dtype="float64")
            total, count = self.above(at, column)
            present = ~np.isnan(stated)
            stated_any |= present
            tie &= ~present | ((np.abs(stated - total) <= HALF_CENT) & (count >= least))
        return stated_any & tie


@dataclass
class _Bills:
    """An amount table's lines as an ERP exports them: the totals rows
    (``words``), each amount column as typed, the running sums, and the totals
    rows recorded (kam_xl.inputs.ledger.ExportTotal)."""

    words: pd.Series
    amounts: dict[str, pd.Series]
    running: _Running
    totals: list = field(default_factory=list)


def _as_typed(cells: pd.Series, kinds: Kinds) -> pd.Series:
    """An amount column as typed (in the cell's own currency, a sign such as US$ read off); NaN where it does
    not parse or is not finite."""
    values = parse_number(cells, kinds)[0]
    return values.where(np.isfinite(values))


def _bill_lines(spec: TableSpec, grid: _Grid, raw: pd.DataFrame, kinds: dict, mapped: dict, blank_rows: pd.Series,
                dq: DataQuality) -> _Bills | None:
    """Sales, Invoices and Payments as ERPs export them (None for other tables).

    An export's own totals rows: a word such as 合计/Total in the key, or in
    any cell of a row without a key (``words``; checked and skipped later).

    A bill's continuation lines: an ERP list saved with the bill's header
    fields (BILL_FIELDS) on its first line only. A line without the key, the
    date and the bill's number that has an amount, is no totals row (no such
    word, and its amounts are not the sum of two or more lines above it), and
    sits right under a line of a bill (one with the
    bill's number and customer, Payments: customer and date, or itself filled)
    gets the blank header fields of the bill's first line, with one Info for
    the table."""
    if spec.name not in AMOUNT_COLUMNS or spec.key not in mapped:
        return None
    amounts = {c: _as_typed(raw[mapped[c]], kinds[mapped[c]]) for c in AMOUNT_COLUMNS[spec.name] if c in mapped}
    key_blank = kinds[mapped[spec.key]].blank
    words = _totals_words(raw, kinds, mapped[spec.key], key_blank) & ~blank_rows
    running = _Running(raw.index, ~blank_rows & ~words, amounts, words, grid.condensed)
    bills = _Bills(words, amounts, running)
    number = BILL_NUMBER.get(spec.name)
    if number is not None and number not in mapped:
        return bills   # no bill number, no bills
    has_amount = pd.concat(list(amounts.values()), axis=1).notna().any(axis=1) if amounts else \
        pd.Series(False, index=raw.index)
    head_of_bill = ~key_blank & ~kinds[mapped[number or "PaymentDate"]].blank
    # (a line with its own date but no customer is a line typed without one: an Error, not the bill's)
    candidate = key_blank & kinds[mapped[BILL_DATE[spec.name]]].blank & has_amount & ~words & ~blank_rows
    if number is not None:
        candidate &= kinds[mapped[number]].blank
    if not candidate.any():
        return bills
    candidate[candidate] = ~running.ties(candidate.index[candidate], amounts, 2)   # an unmarked totals row
    continuation, head = _continuations(raw.index.to_numpy(dtype="int64"), candidate.to_numpy(),
                                        head_of_bill.to_numpy())
    if not continuation.any():
        return bills
    filled_rows = raw.index[continuation]
    heads = raw.index[head[continuation]]
    fields = [f for f in BILL_FIELDS[spec.name] if f in mapped]
    for name in fields:
        position = mapped[name]
        blank = kinds[position].blank[filled_rows].to_numpy()
        if blank.any():
            column = raw[position].copy()
            column[filled_rows[blank]] = column[heads[blank]].to_numpy()
            raw[position] = column
            kinds[position] = Kinds(raw[position])
    dq.add(INFO, spec.name, "row.bill_filled", int(filled_rows[0]), None, None, lines=int(len(filled_rows)),
           first=int(filled_rows[0]),
           fields=", ".join(dq.sources[spec.name].header(f) for f in fields))
    return bills


def _continuations(rows: np.ndarray, candidate: np.ndarray, head: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(continuation lines, the position of each one's bill head): the runs of
    ``candidate`` rows that start right under a bill's head row (the worksheet
    row just above)."""
    starts = candidate & ~np.concatenate([[False], candidate[:-1]])
    run = np.cumsum(starts) - 1                          # the run of each candidate row
    first = np.flatnonzero(starts)
    above = first - 1
    good = (above >= 0) & head[np.clip(above, 0, None)] & (rows[first] - rows[np.clip(above, 0, None)] == 1)
    continuation = candidate & good[np.clip(run, 0, None)]
    return continuation, np.where(continuation, above[np.clip(run, 0, None)], -1)


def _totals_words(raw: pd.DataFrame, kinds: dict, key_position: int, key_blank: pd.Series) -> pd.Series:
    """Rows with a word such as 合计/Total in the key, or in any cell of a row without a key."""
    totals_key = matches_words(raw[key_position], TOTALS_WORDS, kinds[key_position])
    keyless = raw[key_blank]
    totals_elsewhere = pd.Series(False, index=raw.index)
    for position in keyless.columns if len(keyless) else ():   # (most tables have a key on every row)
        totals_elsewhere[keyless.index] |= matches_words(keyless[position], TOTALS_WORDS).to_numpy()
    return totals_key | totals_elsewhere


def _money(value: float) -> str:
    return f"{value:,.2f}"


def _note_totals_rows(spec: TableSpec, bills: _Bills, totals: pd.Series, key_cells: pd.Series,
                      dq: DataQuality) -> None:
    """An export's own totals rows are skipped: an Info where each amount it
    states is the sum of the lines read above it (since the header or the
    totals row before it), else a Warning per amount that is not; each
    recorded as an ExportTotal. A row without the key but with figures that is
    no bill's line: an Error (row.totals when its amounts are the sum of the
    lines above, as an unmarked totals row's are; else row.key_blank_figures)."""
    words = bills.words
    for row in words.index[words]:
        stated = {c: float(v[row]) for c, v in bills.amounts.items() if pd.notna(v[row])}
        differ = []
        for column, value in stated.items():
            lines = float(bills.running.above(np.array([row]), column)[0][0])
            if abs(value - lines) > HALF_CENT:
                whole = float(bills.running.above(np.array([row]), column, since_header=True)[0][0])
                if abs(value - whole) <= HALF_CENT:   # a grand total under subtotals
                    lines = whole
                else:
                    differ.append((column, value, lines))
            bills.totals.append(ExportTotal(spec.name, int(row), column, value, lines))
        for column, value, lines in differ:
            dq.add(WARNING, spec.name, "row.totals_differ", int(row), column, value, stated=_money(value),
                   lines=_money(lines), difference=_money(value - lines))
        if not differ:
            dq.add(INFO, spec.name, "row.totals_skipped", int(row))
    keyless = totals & ~words
    if keyless.any():
        rows = keyless.index[keyless]
        unmarked = bills.running.ties(rows, bills.amounts, 1)
        dq.add_rows(ERROR, spec.name, pd.Series(rows[unmarked]), spec.key, key_cells[rows[unmarked]], "row.totals")
        dq.add_rows(ERROR, spec.name, pd.Series(rows[~unmarked]), spec.key, key_cells[rows[~unmarked]],
                    "row.key_blank_figures")


def _read_ledger(spec: TableSpec, bills: _Bills, frame: pd.DataFrame, raw: pd.DataFrame, mapped: dict,
                 blank_rows: pd.Series, rejected: pd.Series, records: list[dict], currency: str) -> Ledger:
    """The ledger of the lines typed (kam_xl.inputs.ledger): every line but
    blank and totals rows, its amount as typed (an amount marked with another
    currency is not used but counts at its figure), and the lines rejected,
    each with the key of the first finding that rejects it."""
    amount = "NetRevenue" if spec.name == "Sales" and "NetRevenue" in mapped else \
        ("GrossAmount" if spec.name == "Sales" else "Amount")
    read = ~blank_rows & ~bills.words
    typed = frame[amount].astype("float64")
    blank = typed.isna()
    if blank.any():
        marked = foreign_currency(raw.loc[blank, mapped[amount]], None, currency).notna()
        if marked.any():
            typed[marked[marked].index] = bills.amounts[amount][marked[marked].index]
    ledger = new_ledger(spec.name, amount, typed[read].where(np.isfinite(typed[read])))
    lost = (read & rejected).to_numpy()
    if lost.any():
        required = {c.name for c in spec.columns if c.required}
        reasons: dict[int, str] = {}
        for record in records:   # a finding on the row, or on a cell the row needs, says why it was not used
            if record["Severity"] == ERROR and record["Row"] is not None and \
                    (record["Column"] is None or record["Column"] in required or record["key"].startswith("row.")):
                reasons.setdefault(record["Row"], record["key"])
        rows = raw.index[lost]
        ledger.reject(rows.tolist(), [reasons.get(int(row), "row.not_used") for row in rows])
    return ledger


def _typed_columns(spec: TableSpec, raw: pd.DataFrame, kinds: dict, parsed: dict, mapped: dict, key: str | None,
                   skip: pd.Series, dq: DataQuality, names: Names) -> tuple[pd.DataFrame, pd.Series]:
    """Every contract column typed (an absent one empty), with its bad, out of
    range and blank required cells logged; returns (frame, rows rejected)."""
    frame = pd.DataFrame(index=raw.index)
    rejected = pd.Series(False, index=raw.index)
    for column in spec.columns:
        if column.name not in mapped:
            frame[column.name] = _empty(column.kind, raw.index)
            continue
        cells = raw[mapped[column.name]]
        values, bad, error_text = parsed[column.name]
        problem = (bad | error_text) & ~skip
        if problem.any():
            _log_bad_cells(spec, column, cells, problem, error_text, kinds[mapped[column.name]], dq, names.currency)
            if column.required:
                rejected |= problem
        out_of_range = _out_of_range(column, values) & ~skip & ~problem
        if out_of_range.any():
            _log_out_of_range(spec, column, cells, out_of_range, dq)
            if column.required:
                rejected |= out_of_range
            values = values.where(~out_of_range)
        frame[column.name] = values
        if column.required and not column.allow_blank and column.name != key:
            blank = values.isna() & ~problem & ~skip & ~out_of_range
            if blank.any():
                dq.add_rows(ERROR, spec.name, pd.Series(blank[blank].index), column.name, None, "cell.required_blank")
                rejected |= blank
    return frame, rejected


def _skip_title_rows(spec: TableSpec, grid: _Grid, dq: DataQuality, names: Names) -> None:
    """Move the grid's header down past title lines (see :func:`_header_row`), with a note naming them."""
    title_rows = _header_row(spec, grid, names)
    if not title_rows:
        return
    skipped = [grid.first_row - 1 + i for i, row in enumerate([grid.header] + grid.rows[:title_rows - 1])
               if any(v not in ("", None) for v in row)]
    grid.header, grid.rows = grid.rows[title_rows - 1], grid.rows[title_rows:]
    grid.first_row += title_rows
    dq.add(INFO, spec.name, "table.title_rows", skipped[0] if skipped else None,
           rows=", ".join(map(str, skipped)), header_row=grid.first_row - 1)


def _raw_frame(grid: _Grid, width: int) -> pd.DataFrame:
    """The grid's cells as an object frame indexed by worksheet row, without
    the formatted but empty rows at its end."""
    if isinstance(grid.rows, list):
        end = len(grid.rows)
        while end and all(v in ("", None) for v in grid.rows[end - 1]):
            end -= 1
        grid.rows = grid.rows[:end]
    if isinstance(grid.rows, pd.DataFrame):
        raw = grid.rows.set_axis(range(width), axis=1)
    elif grid.rows:
        raw = pd.DataFrame(grid.rows, dtype="object").reindex(columns=range(width))
    else:
        raw = pd.DataFrame(columns=range(width), dtype="object")
    raw.index = pd.Index(grid.row_numbers) if grid.row_numbers is not None else \
        pd.RangeIndex(grid.first_row, grid.first_row + len(raw))
    return raw


GROSS_MARKS = ("价税合计", "含税")


def _preference(spec: TableSpec, column: str, alias: str, origin: Origin) -> int:
    """Which of several headers naming one column wins: the ColumnMap's; then
    a local-currency amount (金额(本位币) over 金额: the Currency column is the
    document's); then, for what a customer owes or pays, the tax-inclusive
    amount (价税合计 over a plain 金额, which lists export net of VAT); then
    the order of the names."""
    if origin.kind == MAP:
        return 0
    if any(mark in alias for mark in LOCAL_MARKS):
        return 1
    if spec.name in ("Invoices", "Payments") and column == "Amount" and any(m in alias for m in GROSS_MARKS):
        return 2
    return 3


def _map_headers(spec: TableSpec, header: list[str], names: Names) -> tuple[dict[str, int], dict[str, int]]:
    """(contract column -> position, extra column name -> position): of the
    headers naming a column, the one whose name comes first in ``names`` maps
    it (a ColumnMap's, then the contract's, a synonym, a preset's in its order
    of preference: 金额(本位币) before 金额), the first such header when it is
    repeated; every other non-empty header is an extra column kept as text (a
    repeated name gets its position)."""
    rank = {}
    for column in spec.columns:
        aliases = names.column_aliases(spec, column)
        for order, (alias, origin) in enumerate(aliases.items()):
            rank.setdefault(alias, (column, (_preference(spec, column.name, alias, origin), order)))
    best: dict[str, tuple[int, int]] = {}
    for position, text in enumerate(header):
        found = rank.get(normalize_name(text))
        if found is not None and (found[0].name not in best or found[1] < best[found[0].name][0]):
            best[found[0].name] = (found[1], position)
    mapped = {c.name: best[c.name][1] for c in spec.columns if c.name in best}
    used = set(mapped.values())
    extra: dict[str, int] = {}
    for position, text in enumerate(header):
        if text and position not in used:
            taken = text in extra or text in {c.name for c in spec.columns}
            extra[f"{text}_{position + 1}" if taken else text] = position
    return mapped, extra


def _log_bad_cells(spec: TableSpec, column, cells: pd.Series, problem: pd.Series, error_text: pd.Series,
                   kinds: Kinds, dq: DataQuality, currency: str) -> None:
    """One record per cell that is an error value, an amount in another
    currency, or not of the column's kind."""
    rows = problem[problem].index
    errors = error_text[rows]
    effect = "~row not used" if column.required else "~cell not used"
    if errors.any():
        dq.add_rows(ERROR, spec.name, pd.Series(rows[errors.to_numpy()]), column.name, cells[rows[errors.to_numpy()]],
                    "cell.required_error" if column.required else "cell.optional_error")
    invalid = rows[~errors.to_numpy()]
    if column.kind == NUMBER and len(invalid):
        foreign = foreign_currency(cells[invalid], None, currency)
        for row, code in foreign.dropna().items():
            dq.add(ERROR, spec.name, "cell.foreign_currency", int(row), column.name, cells[row], currency=code,
                   reporting=currency, effect=effect)
        invalid = invalid[foreign.isna().to_numpy()]
    if not len(invalid):
        return
    if spec.name == "Invoices" and column.name == "DueDate":
        dq.add_rows(WARNING, spec.name, pd.Series(invalid), column.name, cells[invalid], "due_date.fallback")
    elif column.kind == DATE:
        far = far_dates(cells, kinds)[invalid].to_numpy()   # year 1, 9999, -1e308: out of range, not unreadable
        dq.add_rows(ERROR, spec.name, pd.Series(invalid[far]), column.name, cells[invalid[far]],
                    "cell.date_out_of_range", effect=effect, first=str(MIN_DATE.date()), last=str(MAX_DATE.date()))
        invalid = invalid[~far]
        ambiguous = ambiguous_dates(cells, kinds)[invalid].to_numpy()
        dq.add_rows(ERROR, spec.name, pd.Series(invalid[ambiguous]), column.name, cells[invalid[ambiguous]],
                    "cell.date_ambiguous", effect=effect)
        dq.add_rows(ERROR, spec.name, pd.Series(invalid[~ambiguous]), column.name, cells[invalid[~ambiguous]],
                    "cell.date_formats", effect=effect, formats="~date formats")
    elif column.required:
        dq.add_rows(ERROR, spec.name, pd.Series(invalid), column.name, cells[invalid], "cell.required_invalid",
                    kind="~" + column.kind)
    else:
        dq.add_rows(ERROR, spec.name, pd.Series(invalid), column.name, cells[invalid], "cell.optional_invalid")


def _out_of_range(column, values: pd.Series) -> pd.Series:
    """Numbers below the column's minimum, above its maximum, not whole
    where the column counts whole units, or of MAX_MAGNITUDE or more in size
    in any number column (1e308 pasted into an amount: no figure is that large)."""
    if column.kind != NUMBER:
        return pd.Series(False, index=values.index)
    huge = values.abs() >= MAX_MAGNITUDE
    if column.minimum is None and column.maximum is None and not column.whole:
        return huge.fillna(False).astype(bool)
    low = values < column.minimum if column.minimum is not None else False
    high = values > column.maximum if column.maximum is not None else False
    fraction = (values != np.floor(values)) & values.notna() if column.whole else False
    return pd.Series(low | high | fraction | huge, index=values.index).fillna(False).astype(bool)


def _log_out_of_range(spec: TableSpec, column, cells: pd.Series, wrong: pd.Series, dq: DataQuality) -> None:
    values = parse_number(cells[wrong])[0]
    for row, value, raw_value in zip(wrong[wrong].index, values, cells[wrong]):
        if abs(value) >= MAX_MAGNITUDE:
            dq.add(ERROR, spec.name, "cell.implausible_number", int(row), column.name, raw_value,
                   bound="10^15", effect="~row not used" if column.required else "~cell not used")
            continue
        if column.minimum is not None and value < column.minimum:
            key = "cell.required_out_of_range" if column.required else "cell.below_minimum"
        elif column.maximum is not None and value > column.maximum:
            key = "cell.above_maximum"
        else:
            key = "cell.not_whole"
        dq.add(ERROR, spec.name, key, int(row), column.name, raw_value, minimum=_plain_number(column.minimum),
               maximum=_plain_number(column.maximum))


def _plain_number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _note_missing_columns(spec: TableSpec, mapped: dict, extra: dict, dq: DataQuality, names: Names) -> None:
    """An optional column that is absent changes what can be computed: say
    what (``Column.effect``), and name a header that looks like it (成本 for
    销售成本) instead of guessing silently."""
    for column in spec.columns:
        if column.name in mapped or column.effect is None:
            continue
        accepted = accepted_names(spec, column)
        near = _near_miss(names.column_aliases(spec, column), list(extra))
        severity = WARNING if column.effect == "effect.cogs" else INFO
        if near:
            dq.add(severity, spec.name, "column.near_miss", None, column.name, near, names=accepted,
                   effect="~" + column.effect, found=near, canonical=accepted_names(spec, column))
        else:
            dq.add(severity, spec.name, "column.optional_missing", None, column.name, names=accepted,
                   effect="~" + column.effect)


def _note_blank_cells(spec: TableSpec, column, blank: pd.Series, dq: DataQuality) -> None:
    """Blank cells of a column whose figures are left empty rather than
    computed as if the cell were 0: one record per cell, or one for the column
    when every used row is blank."""
    if not blank.any():
        return
    if blank.all():
        dq.add(WARNING, spec.name, "column.all_blank", None, column.name, names=accepted_names(spec, column),
               effect="~" + column.effect)
    else:
        dq.add_rows(WARNING, spec.name, pd.Series(blank[blank].index), column.name, None, column.blank_key)


def _near_miss(aliases, headers: list[str]) -> str | None:
    """The unmapped header most like one of the column's names, if any is close."""
    best, best_score = None, 0.0
    for text in headers:
        key = normalize_name(re.sub(r"_\d+$", "", text))
        if not key:
            continue
        for alias in aliases:
            score = difflib.SequenceMatcher(None, key, alias).ratio()
            if key in alias or alias in key:
                score = max(score, 0.75)
            if score > best_score:
                best, best_score = text, score
    return best if best_score >= 0.6 else None


def _parse_column(column, cells: pd.Series, kinds: Kinds, currency: str = "CNY",
                  row_currency: pd.Series | None = None):
    """(values, bad, error_text) for one input column; error text is never a
    value, nor is an amount marked with a currency other than ``currency``
    (unless it is the one ``row_currency`` gives for its row)."""
    error_text = is_error_text(cells, kinds)
    if column.kind == NUMBER:
        values, bad = parse_number(cells, kinds)
        codes = foreign_currency(cells, kinds, currency)
        foreign = codes.notna()
        if row_currency is not None and foreign.any():
            foreign &= (codes.astype(object) != row_currency.astype(object)).to_numpy()
        if foreign.any():
            values, bad = values.where(~foreign), bad | foreign
    elif column.kind == DATE:
        values, bad = parse_date(cells, kinds)
    else:
        # pandas' Arrow-backed text: keys group, merge and dedupe several times faster than as objects.
        values = (parse_id if column.kind == ID else parse_text)(cells, kinds)
        if error_text.any():
            values = values.where(~error_text, None)
        if values.dtype != "str":
            values = values.astype("str")
        bad = pd.Series(False, index=cells.index)
    return values, bad & ~error_text, error_text


def _empty(kind: str, index: pd.Index) -> pd.Series:
    if kind == NUMBER:
        return pd.Series(np.nan, index=index, dtype="float64")
    if kind == DATE:
        return pd.Series(pd.NaT, index=index, dtype="datetime64[ns]")
    return pd.Series(None, index=index, dtype="str")


def customer_key(cid: str) -> str:
    """How an ID is matched when it is not found as typed: full-width forms
    (ＫＨ００４), case and leading zeros ignored."""
    text = unicodedata.normalize("NFKC", cid).strip().casefold()
    return text.lstrip("0") or "0"


def _check_keys(tables: dict[str, pd.DataFrame], dq: DataQuality, locate=None) -> None:
    """Duplicate customers (first kept); rows for unknown customers (with a
    'did you mean'); IDs that differ only by full-width forms, case or
    zero-padding are matched to the one customer they can mean, with a warning.
    ``locate(table, source label)`` gives where a row of a table put together
    from several files came from (its Source), so each finding names its file."""
    def place(table: str, frame: pd.DataFrame, index) -> None:
        if locate is not None and SOURCE in frame:
            dq.records[-1]["where"] = locate(table, frame.at[index, SOURCE])

    customers = tables["Customers"]
    duplicated = customers["CustomerID"].duplicated()
    if duplicated.any():
        first = customers.drop_duplicates("CustomerID").set_index("CustomerID")
        for index in duplicated[duplicated].index:
            cid = customers.at[index, "CustomerID"]
            where = first.at[cid, ROW] if SOURCE not in first else f"{first.at[cid, ROW]}, {first.at[cid, SOURCE]}"
            dq.add(ERROR, "Customers", "key.duplicate", int(customers.at[index, ROW]), "CustomerID", cid, first=where)
            place("Customers", customers, index)
        tables["Customers"] = customers[~duplicated].reset_index(drop=True)
    known = list(tables["Customers"]["CustomerID"])
    by_key: dict[str, str | None] = {}
    for cid in known:
        key = customer_key(cid)
        by_key[key] = None if key in by_key else cid   # None: two customers share the key, no guessing
    known_set = set(known)
    _check_parents(tables, known_set, by_key, dq, place)
    for name, frame in tables.items():
        if name == "Customers" or "CustomerID" not in frame:
            continue
        ids = frame["CustomerID"]
        unknown = ids.notna() & ~ids.isin(known_set)   # blank only where allowed (ProvisionRates' age bands)
        if not unknown.any():
            continue
        named = _match_names(name, ids[unknown], tables["Customers"], frame, dq)
        if named is not None:
            place(name, frame, named.index[0])
            frame.loc[named.index, "CustomerID"] = named
            ids = frame["CustomerID"]
            unknown = ids.notna() & ~ids.isin(known_set)
            if not unknown.any():
                tables[name] = frame
                continue
        rescue = {raw: by_key.get(customer_key(raw)) for raw in ids[unknown].unique()}
        rescued = ids[unknown].map(rescue)
        fixable = rescued.notna()
        fixed_index = fixable[fixable].index
        for index in fixed_index:
            raw_id, cid = ids[index], rescued[index]
            dq.add(WARNING, name, "key.matched", int(frame.at[index, ROW]), "CustomerID", raw_id, cid=cid,
                   ignoring="~" + _difference(raw_id, cid))
            place(name, frame, index)
        if len(fixed_index):
            frame.loc[fixed_index, "CustomerID"] = rescued[fixable]
        still = unknown & ~unknown.index.isin(fixed_index)
        if still.any():
            # 'did you mean' for the first distinct IDs only: a wrong Customers table would make it slow.
            suggestions = {raw: _suggest(raw, known) if i < MAX_SUGGESTED else ""
                           for i, raw in enumerate(ids[still].unique())}
            for index in still[still].index:
                raw_id, row = ids[index], int(frame.at[index, ROW])
                hint = suggestions[raw_id]
                if hint:
                    dq.add(ERROR, name, "key.unknown_suggest", row, "CustomerID", raw_id, suggestions=hint)
                else:
                    dq.add(ERROR, name, "key.unknown", row, "CustomerID", raw_id)
                place(name, frame, index)
            frame = frame[~still].reset_index(drop=True)
        tables[name] = frame


def _check_parents(tables: dict[str, pd.DataFrame], known: set, by_key: dict, dq: DataQuality, place) -> None:
    """A ParentID (集团) names the group's head customer: one spelled with
    other case, full-width forms or zero-padding, or by the head's name, is
    read as that customer's ID (a Warning says so); one that is no customer
    stays the group's name as typed (a Warning says that too), so a group is
    never split silently."""
    customers = tables["Customers"]
    parents = customers["ParentID"]
    unknown = parents.notna() & ~parents.isin(known)
    if not unknown.any():
        return
    names = customers["CustomerName"].dropna().map(normalize_name)
    unique_names = names[~names.duplicated(keep=False)]
    by_name = dict(zip(unique_names, customers.loc[unique_names.index, "CustomerID"]))
    for value in parents[unknown].unique():
        rows = parents.index[parents == value]
        cid = by_key.get(customer_key(value)) or by_name.get(normalize_name(value))
        if cid is not None:
            customers.loc[rows, "ParentID"] = cid
            dq.add(WARNING, "Customers", "key.parent_matched", int(customers.at[rows[0], ROW]), "ParentID", value,
                   cid=cid)
        else:
            dq.add(WARNING, "Customers", "key.parent_unknown", int(customers.at[rows[0], ROW]), "ParentID", value)
        place("Customers", customers, rows[0])


def _match_names(table: str, ids: pd.Series, customers: pd.DataFrame, frame: pd.DataFrame,
                 dq: DataQuality) -> pd.Series | None:
    """ERP document lists and CRM exports name the customer (客户: 华为技术)
    where the Customers table has a code: a value equal to exactly one
    customer's name (NFKC, case and spaces ignored) is that customer. Said
    once per table; a name two customers share is matched to neither."""
    names = customers["CustomerName"].dropna()
    if names.empty:
        return None
    keys = names.map(normalize_name)
    unique = keys[~keys.duplicated(keep=False)]
    by_name = dict(zip(unique, customers.loc[unique.index, "CustomerID"]))
    matched = ids.map(lambda v: by_name.get(normalize_name(v)))
    matched = matched[matched.notna()]
    if matched.empty:
        return None
    example = ids[matched.index[0]]
    dq.add(WARNING, table, "key.matched_by_name", int(frame.loc[matched.index[0], ROW]), "CustomerID", example,
           rows=len(matched), cid=matched.iloc[0])
    return matched


def _difference(raw: str, cid: str) -> str:
    """Which of full-width forms, case or leading zeros tells ``raw`` from ``cid``."""
    if unicodedata.normalize("NFKC", raw) != raw:
        return "full-width characters"
    if raw.casefold().lstrip("0") == cid.casefold().lstrip("0") and raw.lstrip("0") != cid.lstrip("0"):
        return "case"
    return "leading zeros"


MAX_SUGGESTED = 200


def _suggest(raw: str, known: list[str]) -> str:
    """Up to three known IDs close to ``raw`` ('KH003' for 'KH03', or both
    'kh003' and 'KH003' when case alone cannot tell them apart)."""
    same_key = [cid for cid in known if customer_key(cid) == customer_key(raw)]
    close = same_key or difflib.get_close_matches(raw, known, n=3, cutoff=0.75)
    return ", ".join(f"'{cid}'" for cid in close[:3])


class _ErrorCells:
    """Error cells (t="e") per sheet, found by scanning the sheet XML bytes."""

    _CELL = re.compile(rb'<c\b[^>]*?\br="([A-Z]{1,3})(\d+)"[^>]*?\bt="e"[^>]*>(?:<f\b[^>]*/>|<f\b[^>]*>.*?</f>)?<v>([^<]*)</v>', re.S)
    _CELL_T_FIRST = re.compile(rb'<c\b[^>]*?\bt="e"[^>]*?\br="([A-Z]{1,3})(\d+)"[^>]*>(?:<f\b[^>]*/>|<f\b[^>]*>.*?</f>)?<v>([^<]*)</v>', re.S)

    def __init__(self, path: Path):
        self.path = path
        self._parts: dict[str, str] | None = None
        self._sheet_parts()   # here, not in the reading threads (and unsafe XML is refused up front)

    def _sheet_parts(self) -> dict[str, str]:
        if self._parts is None and is_xls(self.path):   # a .xls has no parts: calamine reads its error cells
            self._parts = {}
        if self._parts is None:
            ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
                  "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
                  "p": "http://schemas.openxmlformats.org/package/2006/relationships"}
            try:
                with zipfile.ZipFile(self.path) as archive:
                    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
                    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
            except (DefusedXmlException, ElementTree.ParseError, KeyError) as exc:
                raise InputError(f"{self.path}: unsafe or broken workbook XML ({type(exc).__name__}); refused") from None
            targets = {r.get("Id"): r.get("Target") for r in rels.findall("p:Relationship", ns)}
            self._parts = {}
            for sheet in workbook.findall("m:sheets/m:sheet", ns):
                target = targets.get(sheet.get(f"{{{ns['r']}}}id"), "")
                part = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
                self._parts[sheet.get("name")] = part
        return self._parts

    def tables(self) -> dict:
        """The workbook's Excel Tables by name (kam_xl.inputs.arrow_tables.TablePart); {} when their parts
        cannot be read (then calamine reads the tables, or says what is damaged)."""
        try:
            with zipfile.ZipFile(self.path) as archive:
                return table_parts(archive, self._sheet_parts())
        except Exception:  # noqa: BLE001 - damaged parts: the cell-by-cell reading says what is wrong
            return {}

    _DIMENSION = re.compile(rb'<dimension\s+ref="[A-Z]{1,3}\d+(?::[A-Z]{1,3}(\d+))?"')

    def unreadable(self, failure: _Unreadable) -> InputError:
        part = self._sheet_parts().get(failure.sheet) if failure.sheet else None
        where = f"{failure.where} ({part})" if part else failure.where
        if failure.panic:
            if failure.sheet and not failure.where.startswith("sheet "):
                where += f" on sheet '{failure.sheet}'"
            far = self.far_numbers(failure.sheet) if failure.sheet else []
            if far:
                cells = ", ".join(f"{ref} holds {value}" for ref, value in far[:3]) + (" ..." if len(far) > 3 else "")
                return InputError(f"{self.path}: {where} cannot be read: cell {cells}, a number no date can be "
                                  f"(the reader stopped on it in a date-formatted cell); correct it and run again")
            return InputError(f"{self.path}: {where} cannot be read ({failure.reason}); a cell holds a value the "
                              "reader cannot take (such as a huge number formatted as a date)")
        return InputError(f"{self.path}: {where} cannot be read ({failure.reason}); the file is damaged")

    # A number of this size in a date-formatted cell stops the readers (days as i64 milliseconds overflow).
    _FAR_NUMBER = 1e11
    _NUMBER_CELL = re.compile(rb'<c\b([^>]*?)\br="([A-Z]{1,3}\d+)"([^>]*)>(?:<f\b[^>]*/>|<f\b[^>]*>.*?</f>)?'
                              rb'<v>([-+0-9.Ee]+)</v>', re.S)

    def far_numbers(self, sheet: str) -> list[tuple[str, str]]:
        """(cell, value) of the numbers of MAX_MAGNITUDE-like size (|v| >= 1e11) in a sheet's XML."""
        try:
            data = self.sheet_xml(sheet)
        except Exception:  # noqa: BLE001 - only a better message is lost
            return []
        found = []
        for before, ref, after, value in self._NUMBER_CELL.findall(data):
            if b' t="' in before + after and b' t="n"' not in before + after:
                continue
            try:
                number = float(value)
            except ValueError:
                continue
            if abs(number) >= self._FAR_NUMBER:
                found.append((ref.decode(), value.decode()))
        return found

    def last_row(self, sheet: str) -> int | None:
        """The last used worksheet row from the sheet's ``<dimension>`` (at the
        start of its XML, so only a few kilobytes are inflated); None when the
        sheet does not say."""
        part = self._sheet_parts().get(sheet)
        if part is None:
            return None
        with zipfile.ZipFile(self.path) as archive, archive.open(part) as member:
            head = member.read(4096)
        match = self._DIMENSION.search(head)
        if match is None:
            return None
        return int(match[1]) if match[1] else 1

    def for_sheet(self, sheet: str) -> dict[tuple[int, int], str]:
        return self.errors_in(self.sheet_xml(sheet))

    def sheet_xml(self, sheet: str) -> bytes:
        """The sheet's XML (b"" when the workbook does not list it)."""
        part = self._sheet_parts().get(sheet)
        if part is None:
            return b""
        with zipfile.ZipFile(self.path) as archive:
            return archive.read(part)

    def errors_in(self, data: bytes) -> dict[tuple[int, int], str]:
        """{(worksheet row, 0-based column): error value} of a sheet's XML."""
        if b't="e"' not in data:
            return {}
        found = {}
        for pattern in (self._CELL, self._CELL_T_FIRST):
            for letters, row, value in pattern.findall(data):
                col = 0
                for ch in letters.decode():
                    col = col * 26 + ord(ch) - 64
                text = value.decode("utf-8", "replace")
                found[(int(row), col - 1)] = text if text.upper() in ERROR_VALUES else "#VALUE!"
        return found
