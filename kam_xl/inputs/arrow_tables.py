"""Excel Tables read straight into typed columns (fastexcel: calamine in Rust,
to Arrow), without a Python object per cell: the fast way in for the usual
clean table.

A table is read this way only when nothing about it needs a cell-by-cell
look, so that what the reader makes of it (values, DataQuality) is exactly
what the cell-by-cell reading would make:

- every column holds one kind of value (numbers, dates, text) or nothing, as
  fastexcel finds it over *all* rows (``schema_sample_rows=None``) with
  ``dtype_coercion="strict"``, which refuses a column of mixed kinds instead
  of converting it (its default sample of 1,000 rows would turn a text
  '1,500' far down a number column into a blank);
- the kinds are ones the reader types the same way from either source
  (numbers, dates with time, text; not booleans or durations);
- it has one header row, no totals row and no rows typed under it;
- its dates lie in 1900-2199 (outside, the reader reports the cell with its
  value as calamine gives it; a time of day reads as a date in 1899);
- it holds no error cell (fastexcel reads #N/A as a blank, as calamine does;
  the reader's scan of the sheet XML finds them, see error_cells.ErrorCells);
- no number or date column holding blanks holds text either: fastexcel reads
  the texts 'N/A', 'NA', 'null', 'None' and '#N/A' there as blanks and 'nan'
  as NaN, where the cell-by-cell reading reports them (:func:`hides_text`).

Anything else returns None and the table is read cell by cell as before.
"""
from __future__ import annotations

import logging
import posixpath
import re
from dataclasses import dataclass
from pathlib import PurePosixPath

import pandas as pd
from defusedxml import ElementTree
from openpyxl.utils import column_index_from_string, get_column_letter

from kam_xl.inputs.parsing import MAX_DATE, MIN_DATE

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_TABLE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/table"
_REF = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+):\$?([A-Z]{1,3})\$?(\d+)$")


@dataclass(frozen=True)
class TablePart:
    """Where an Excel Table sits, from its part xl/tables/tableN.xml."""

    name: str
    sheet: str
    first_row: int      # worksheet row of the first data row
    last_row: int       # worksheet row of the last row (data or totals)
    first_col: int      # 0-based column of the first column
    columns: tuple[str, ...]
    header_rows: int
    totals_rows: int


def table_parts(archive, sheet_parts: dict[str, str]) -> dict[str, TablePart]:
    """Every Excel Table of the workbook (an open ZipFile) by name;
    ``sheet_parts``: sheet name -> its part (xl/worksheets/sheetN.xml)."""
    found = {}
    members = set(archive.namelist())
    for sheet, part in sheet_parts.items():
        path = PurePosixPath(part)
        rels = str(path.parent / "_rels" / f"{path.name}.rels")
        if rels not in members:
            continue
        for rel in ElementTree.fromstring(archive.read(rels)).iter(f"{_RELS}Relationship"):
            if rel.get("Type") != _TABLE_REL or rel.get("TargetMode") == "External":
                continue
            target = rel.get("Target", "")
            table_path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(str(path.parent / target))
            if table_path not in members:
                continue
            table = ElementTree.fromstring(archive.read(table_path))
            ref = _REF.match(table.get("ref", ""))
            if ref is None:
                continue
            header_rows = int(table.get("headerRowCount", "1"))
            columns = tuple(c.get("name", "") for c in table.iter(f"{_MAIN}tableColumn"))
            name = table.get("displayName") or table.get("name", "")
            found[name] = TablePart(name, sheet, int(ref[2]) + header_rows, int(ref[4]),
                                    column_index_from_string(ref[1]) - 1, columns, header_rows,
                                    int(table.get("totalsRowCount", "0")))
    return found


class ArrowTables:
    """One reading thread's fastexcel reader of a workbook."""

    def __init__(self, path, parts: dict[str, TablePart]):
        import fastexcel   # only when a workbook is read

        # It logs each column without values ("falling back to string"): expected here, and typed as blanks.
        logging.getLogger("fastexcel").setLevel(logging.ERROR)
        self._errors = (fastexcel.FastExcelError,)
        self.reader = fastexcel.read_excel(str(path))
        self.parts = parts

    def frame(self, part: TablePart) -> pd.DataFrame | None:
        """The table's data rows as typed columns (numbers float64, dates
        datetime64, text str; columns numbered from 0), or None when it must
        be read cell by cell (see the module docstring)."""
        if part.header_rows != 1 or part.totals_rows != 0:
            return None
        try:
            table = self.reader.load_table(part.name, dtype_coercion="strict", schema_sample_rows=None).to_arrow()
        except self._errors:
            return None
        if table.num_columns != len(part.columns) or not all(map(_typed_alike, table.schema.types)):
            return None
        # Each Arrow column is released as soon as it is converted: the Arrow table and its frame are not held
        # whole at once (the 1M-line Sales table is hundreds of MB in each form).
        frame = table.to_pandas(split_blocks=True, self_destruct=True)
        del table
        frame.columns = range(len(part.columns))
        for column in frame.columns:
            dates = frame[column]
            if pd.api.types.is_datetime64_any_dtype(dates.dtype) and \
                    not dates.dropna().between(MIN_DATE, MAX_DATE).all():
                return None
        numbers = [c for c in frame.columns if pd.api.types.is_integer_dtype(frame[c].dtype)]
        if numbers:
            frame = frame.astype({c: "float64" for c in numbers})
        return frame


def blank_text_as_empty(frame: pd.DataFrame) -> pd.DataFrame:
    """Blank cells of text columns as '', as calamine gives them (messages quote a blank key cell as '')."""
    texts = [c for c in frame.columns if pd.api.types.is_string_dtype(frame[c].dtype) and frame[c].hasnans]
    return frame.fillna({c: "" for c in texts}) if texts else frame


def hides_text(xml: bytes, part: TablePart, positions) -> bool:
    """Whether a cell of the table's data rows, in the columns at
    ``positions`` (0-based in the table), holds text or an error value
    (t="s", "str", "inlineStr" or "e" in the sheet XML ``xml``)."""
    letters = b"|".join(get_column_letter(part.first_col + p + 1).encode() for p in positions)
    kinds = rb'\bt="(?:s|str|inlineStr|e)"'
    where = rb'\br="(?:' + letters + rb')(\d+)"'
    for pattern in (rb"<c\s[^>]*?" + where + rb"[^>]*?" + kinds, rb"<c\s[^>]*?" + kinds + rb"[^>]*?" + where):
        for match in re.finditer(pattern, xml):
            if part.first_row <= int(match[1]) <= part.last_row:
                return True
    return False


def _typed_alike(kind) -> bool:
    """Whether the reader types a column of this Arrow type as it types the same cells one by one."""
    import pyarrow as pa

    return (pa.types.is_floating(kind) or pa.types.is_integer(kind) or pa.types.is_timestamp(kind)
            or pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_null(kind))
