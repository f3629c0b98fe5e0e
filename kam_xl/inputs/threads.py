"""The reading threads of a workbook, and the fast way in for clean Excel Tables.

calamine releases the GIL while it parses a table, so READ_THREADS threads
may read the tables at once, the small first, never two large ones beyond
the largest's size (:class:`_Tables`), and hand them over in a queue while the
calling thread types those already read. A clean Excel Table comes as typed
columns (kam_xl.inputs.arrow_tables: :func:`arrow_grid`); every other table
as its cells (kam_xl.inputs.workbook). A large sheet's XML is read ahead for
error cells by a thread of its own (kam_xl.inputs.error_cells).
"""
from __future__ import annotations

import queue
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd

from kam_xl.contract import TABLES, TableSpec, normalize_name
from kam_xl.inputs.arrow_tables import ArrowTables, blank_text_as_empty, hides_text
from kam_xl.inputs.error_cells import ErrorCells, Unreadable, is_panic
from kam_xl.inputs.external import external_grid
from kam_xl.inputs.grids import Grid
from kam_xl.inputs.headers import names_required
from kam_xl.inputs.names import Names
from kam_xl.inputs.workbook import excel_table, find_grid, open_workbook


# One reading thread: the other core types the tables read and scans the sheets ahead (ErrorCells.prescan). On
# the 1M-line book (2 cores) two reading threads built 0.4-1 s faster (14.5 s against 15.0-15.7 s) but peaked at
# 1.40-1.45 GB against 1.10 GB: a second large sheet parsed beside the first. Batch workers use 1 as well.
READ_THREADS = 1
# Clean Excel Tables are read as typed columns (kam_xl.inputs.arrow_tables); off, every table is read cell by cell.
ARROW_READ = True


class _Tables:
    """The tables still to read, taken by the reading threads: the small first (the calling thread types them
    while the largest is parsed), then the large by size, never two large ones at once beyond the largest's
    size: fastexcel holds a sheet's cells whole while it parses it, so two large sheets parsed together would
    set the read's peak (1.3-1.4 GB for the 1M-line book, against 1.0 GB one at a time), while the small
    tables and the sheets that fit beside each other still go two at a time."""

    SMALL = 8 << 20   # bytes of sheet XML: a table this small is read whatever else is read

    def __init__(self, names: list[str], sizes: dict[str, int], stop: threading.Event):
        self.sizes, self.busy, self.stop = sizes, 0, stop
        self.left = sorted(names, key=lambda n: (self.large(n), -sizes.get(n, 0), -TABLES[n].typical_rows))
        self.limit = max(sizes.values(), default=0)
        self.turn = threading.Condition()

    def take(self) -> str | None:
        """The next table that fits beside those being read (waiting until one does); None when none is left
        or the reading stops."""
        with self.turn:
            while self.left and not self.stop.is_set():
                name = next((n for n in self.left if self._fits(self.sizes.get(n, 0))), None)
                if name is not None:
                    self.left.remove(name)
                    self.busy += self._weight(name)
                    return name
                self.turn.wait()
            return None

    def done(self, name: str) -> None:
        with self.turn:
            self.busy -= self._weight(name)
            self.turn.notify_all()

    def wake(self) -> None:
        """Wake the threads waiting for a table (the reading stops)."""
        with self.turn:
            self.turn.notify_all()

    def large(self, name: str) -> bool:
        return self.sizes.get(name, 0) >= self.SMALL

    def _weight(self, name: str) -> int:
        """The bytes of sheet XML a table counts for: a small table's are left out."""
        return self.sizes.get(name, 0) if self.large(name) else 0

    def _fits(self, size: int) -> bool:
        return size < self.SMALL or self.busy + size <= self.limit


class _LaneBook:
    """A reading thread's calamine workbook, taken when a table first needs it and let go before a large
    table is parsed: opening one parses the shared strings (tens of MB held in a large book), and a book of
    clean Excel Tables is read by fastexcel alone. The caller's open workbook (in ``spare``) is taken
    before a new one is opened."""

    def __init__(self, path: Path, spare: queue.SimpleQueue):
        self.path, self.spare, self.book = path, spare, None

    def get(self):
        if self.book is None:
            try:
                self.book = self.spare.get_nowait()
            except queue.Empty:
                self.book = open_workbook(self.path)
        return self.book

    def close(self) -> None:
        if self.book is not None:
            self.book.close()
            self.book = None


def workbook_grids(path: Path, files: dict[str, Path], threads: int, names: Names, condense_from: int | None,
                   book=None) -> "_Grids":
    """``(spec, grid, error cells)`` for every table as soon as it is read.

    The reading threads take the tables (:class:`_Tables`), each with a
    calamine workbook when a table needs one (the caller's open ``book`` is
    handed over: closed by a thread or by :meth:`_Grids.close`), while this
    thread types the tables already read. A table given outside the workbook
    (``files``) is read from there (see kam_xl.inputs.external, and ``condense_from``)."""
    spare: queue.SimpleQueue = queue.SimpleQueue()
    if book is not None:
        spare.put(book)
    return _Grids(_read_tables(path, files, threads, names, condense_from, spare), spare)


class _Grids:
    """The tables as they are read; :meth:`close` stops the reading (the caller's typing failed) and closes a
    workbook handed over that no thread took, even when the reading never started."""

    def __init__(self, tables, spare: queue.SimpleQueue):
        self.tables, self.spare = tables, spare

    def __iter__(self):
        return self.tables

    def close(self) -> None:
        self.tables.close()
        while True:
            try:
                self.spare.get_nowait().close()
            except queue.Empty:
                return


def _read_tables(path: Path, files: dict[str, Path], threads: int, names: Names, condense_from: int | None,
                 spare: queue.SimpleQueue):
    error_cells = ErrorCells(path)
    stop = threading.Event()
    try:
        excel_tables = error_cells.tables() if ARROW_READ else {}
        wanted = [name for name in TABLES if name != "ColumnMap"]   # the map was read first
        sheets = {name: excel_tables[named[0]].sheet for name in wanted if name not in files
                  and len(named := _named_tables(excel_tables, TABLES[name], names)) == 1}
        sizes = error_cells.sheet_sizes()
        tables = _Tables(wanted, {name: sizes.get(sheet, 0) for name, sheet in sheets.items()}, stop)
        error_cells.prescan([sheets[name] for name in tables.left if name in sheets])
        ready: queue.Queue = queue.Queue()

        def read_lane() -> None:
            book = _LaneBook(path, spare)
            try:
                arrow = open_arrow_tables(path, excel_tables)
                while (name := tables.take()) is not None:
                    try:
                        if tables.large(name):
                            book.close()
                        ready.put(_read_table(TABLES[name], book, arrow, error_cells, files, names, condense_from))
                    finally:
                        tables.done(name)
            except BaseException as exc:  # handed to the consuming thread, which raises it
                ready.put(exc)
            finally:
                book.close()

        lanes = min(threads, len(wanted))
        with ThreadPoolExecutor(max_workers=lanes) as pool:
            for _ in range(lanes):
                pool.submit(read_lane)
            try:
                for _ in wanted:
                    item = ready.get()
                    if isinstance(item, BaseException):
                        raise item
                    yield item
                    del item   # a large table's cells are not held while the next one is awaited
            finally:
                stop.set()
                tables.wake()   # before the pool waits for its threads
    finally:
        error_cells.close()


def _read_table(spec: TableSpec, book: _LaneBook, arrow: ArrowTables | None, error_cells: ErrorCells,
                files: dict[str, Path], names: Names, condense_from: int | None) -> tuple:
    """``(spec, grid, error cells)`` of one table: from its file, as typed columns, or cell by cell."""
    if spec.name in files:
        return spec, external_grid(spec, files[spec.name], names, condense_from), {}
    if arrow is not None:
        try:
            typed = arrow_grid(arrow, book, spec, names, error_cells)
        except BaseException as exc:  # noqa: BLE001 - a shortcut only: anything odd (a panic too) is read
            if not isinstance(exc, Exception) and not is_panic(exc):   # (or reported) cell by cell
                raise
            typed = None
        if typed is not None:
            return spec, typed, {}
    try:
        found = find_grid(book.get(), spec, names, error_cells.last_row)
    except Unreadable as exc:
        raise error_cells.unreadable(exc) from None
    if found is None:
        return spec, None, {}
    # calamine reads an error cell as '', so a table without '' has none and its sheet needs no scan, unless
    # the sheet's XML goes on past the rows read (calamine leaves out a last row of such cells only).
    last_read = found.first_row + len(found.rows) - 1
    scan = any("" in row for row in found.rows) or (found.source == "sheet"
                                                     and (error_cells.last_row(found.sheet) or 0) > last_read)
    errors = error_cells.for_sheet(found.sheet) if scan else {}
    if found.source == "sheet" and errors:
        width = len(found.header)
        last = max((row for row, col in errors if found.first_col <= col < found.first_col + width), default=0)
        found.rows = found.rows + [[""] * width for _ in range(last - last_read)]
    return spec, found, errors


def _named_tables(parts: dict, spec: TableSpec, names: Names) -> list[str]:
    """The Excel Tables (of ``parts``, by name) named as ``spec`` may be: when there is one, it is the one
    find_grid finds."""
    aliases = names.table_aliases(spec)
    return [name for name in parts if normalize_name(name) in aliases]


def open_arrow_tables(path: Path, parts: dict) -> ArrowTables | None:
    """A thread's typed reader of the workbook's Excel Tables (``parts``,
    see ErrorCells.tables); None without any or when fastexcel cannot open it."""
    if not parts:
        return None
    try:
        return ArrowTables(path, parts)
    except BaseException as exc:  # noqa: BLE001 - whatever fastexcel cannot open, calamine reads (or reports)
        if not isinstance(exc, Exception) and not is_panic(exc):
            raise
        return None


def arrow_grid(arrow: ArrowTables, book: _LaneBook, spec: TableSpec, names: Names,
               error_cells: ErrorCells) -> Grid | None:
    """The table as typed columns when it is an Excel Table that needs no
    cell-by-cell look (see kam_xl.inputs.arrow_tables), found as
    :func:`find_grid` finds it; None: read it cell by cell."""
    named = _named_tables(arrow.parts, spec, names)
    # Of several tables of the name, calamine says which is first.
    name = named[0] if len(named) == 1 else excel_table(book.get(), spec, names) if named else None
    part = arrow.parts.get(name) if name is not None else None
    if part is None or not names_required(spec, part.columns, names):
        return None
    used = error_cells.last_row(part.sheet)
    if used is None or used > part.last_row:   # rows typed under the table are read with it, cell by cell
        return None
    frame = arrow.frame(part)
    if frame is None:
        return None
    blank = frame.isna().any()
    if blank.any():   # a blank may be an error cell, or text read as a blank in a number or date column
        typed = [c for c in frame.columns[blank] if not pd.api.types.is_string_dtype(frame[c].dtype)]
        if error_cells.needs_scan(part.sheet, bool(typed)):
            scan = error_cells.scan(part.sheet)
            last_col = part.first_col + len(part.columns) - 1
            if any(part.first_row <= row <= part.last_row and part.first_col <= col <= last_col
                   for row, col in scan.errors):
                return None
            if typed and (scan.own_texts or error_cells.shared_strings_hide()) and any(
                    hides_text(xml, part, typed) for xml in error_cells.sheet_chunks(part.sheet)):
                return None
    return Grid(list(part.columns), blank_text_as_empty(frame), part.first_row, part.first_col, part.sheet, "table",
                table=name)
