"""The ColumnMap: which of the user's sheets and headers feed which contract
table and column (docs/IMPORT.md), given as a table in the workbook or as its
own file (.xlsx or .csv). It is read before every other table, and its names
come first (kam_xl.inputs.names.Names.with_map).
"""
from __future__ import annotations

import csv as csv_module
from pathlib import Path

import pandas as pd

from kam_xl.contract import TABLES, normalize_name
from kam_xl.inputs.error_cells import reading
from kam_xl.inputs.files import read_text
from kam_xl.inputs.grids import ROW, Grid, header_and_rows
from kam_xl.inputs.names import Names
from kam_xl.inputs.safe_io import InputError, check_workbook_file
from kam_xl.inputs.typed import typed_frame
from kam_xl.inputs.workbook import find_grid, open_workbook
from kam_xl.quality import ERROR, DataQuality


def with_map(grid: Grid | None, names: Names, dq: DataQuality) -> Names:
    """``names`` with the ColumnMap in ``grid`` in front. A row naming an
    unknown table or column, or a header without its column, is an Error
    naming that row of the map, and the row is not used."""
    if grid is None:
        return names
    spec = TABLES["ColumnMap"]
    frame, _, missing = typed_frame(spec, grid, {}, dq, names)
    if missing:
        return names
    tables = {normalize_name(n): t.name for t in TABLES.values() for n in (t.name, t.zh)}
    rows = []
    for row in frame.to_dict("records"):
        where = int(row[ROW])
        table = tables.get(normalize_name(row["Table"]))
        if table is None or TABLES[table].settings:
            dq.add(ERROR, spec.name, "map.unknown_table", where, "Table", row["Table"],
                   known=", ".join(name for name, t in TABLES.items() if not t.settings))
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
    """A map cell's text, trimmed; None when blank."""
    return None if value is None or pd.isna(value) or not str(value).strip() else str(value).strip()


def with_map_file(path: Path, names: Names, dq: DataQuality) -> Names:
    """A ColumnMap given as its own file: .xlsx/.xlsm (the ColumnMap sheet or
    table, else the first sheet) or .csv (UTF-8, with or without BOM, or GB18030)."""
    if not path.exists():
        raise InputError(f"column map {path}: file not found")
    spec = TABLES["ColumnMap"]
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        check_workbook_file(path)
        book = open_workbook(path)
        try:
            grid = find_grid(book, spec, names)
            if grid is None:
                with reading(f"sheet '{book.sheet_names[0]}'", book.sheet_names[0]):
                    cells = book.get_sheet_by_name(book.sheet_names[0]).to_python(skip_empty_area=False)
                header, rows, offset = header_and_rows(cells)
                grid = Grid(header, rows, offset + 2, 0, book.sheet_names[0], "sheet")
        finally:
            book.close()
    elif path.suffix.lower() in (".csv", ".txt"):
        rows = list(csv_module.reader(read_text(path).splitlines()))
        header, body, offset = header_and_rows(rows)
        grid = Grid(header, body, offset + 2, 0, path.name, "file")
    else:
        raise InputError(f"column map {path}: use .xlsx or .csv")
    grid.sheet = path.name if grid.source == "file" else f"{path.name}!{grid.sheet}"
    return with_map(grid, names, dq)
