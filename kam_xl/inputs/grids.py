"""The cells of one table as they arrive, wherever they come from: a :class:`Grid`.

Every source (a workbook's Excel Table or sheet, an extract file, a condensed
file, an open workbook's ranges, frames; later a database) hands its tables
over as grids; kam_xl.inputs.typed types them all the same way, so a value
reads the same, and is reported the same, whatever its source.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from kam_xl.inputs.condense import Condensed


ROW = "_row"  # worksheet row number the user sees, carried on every input row


@dataclass
class Grid:
    """A table's raw cells: header texts, data rows, and where they sit."""

    header: list
    rows: list[list] | pd.DataFrame   # cell rows, or a typed frame from a CSV/Parquet file
    first_row: int      # worksheet row number of rows[0]
    first_col: int      # 0-based column of header[0]
    sheet: str
    source: str         # 'table', 'sheet', 'range', 'frame', 'file' or 'database' (About names the latter)
    below: tuple[int, int] | None = None   # worksheet rows read from under an Excel Table
    table: str | None = None               # the Excel Table's name
    row_numbers: np.ndarray | None = None  # a file's rows when ``rows`` holds only some of its lines
    condensed: Condensed | None = None     # the file's plain lines, summed (kam_xl.inputs.condense)


@dataclass
class LargeFile:
    """A Sales file large enough to be condensed; read once Customers is typed."""

    path: Path


SOURCE = "Source"   # the extra column naming each row's file when tables come from several sources


def frame_grid(frame: pd.DataFrame, label: str, source: str = "file") -> Grid:
    """A table handed over whole as a typed frame (an extract file's, a
    database query's), its rows numbered as a sheet's with the header in row 1;
    ``label`` names it in messages (the file's name, a database's URL and table)."""
    return Grid(list(frame.columns), frame, 2, 0, label, source)


def header_and_rows(cells: list[list]) -> tuple[list, list[list], int]:
    """A sheet's cells as (header, rows below it, index of the header row):
    the header is the first row with anything in it (title lines above a
    header are handled later, by kam_xl.inputs.headers.skip_title_rows)."""
    for index, row in enumerate(cells):
        if any(v not in ("", None) for v in row):
            return list(row), cells[index + 1:], index
    return [], [], -1
