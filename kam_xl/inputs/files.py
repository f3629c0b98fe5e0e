"""Extract files: a table given as a CSV or Parquet file (an ERP export beyond
Excel's 1,048,576 rows, a department's extract), read whole with pyarrow as a
typed frame. CSV as Chinese Excel and ERPs save it (UTF-8 with or without BOM,
else GB18030); key and text columns as text, so padded IDs keep their zeros.
A large Sales file is condensed as it streams in instead
(kam_xl.inputs.condensed_files).
"""
from __future__ import annotations

import csv as csv_module
import re
from pathlib import Path

import pandas as pd

from kam_xl.contract import ID, TEXT, TableSpec, normalize_name
from kam_xl.inputs.grids import Grid, frame_grid
from kam_xl.inputs.names import Names
from kam_xl.inputs.safe_io import InputError

EXTRACT_SUFFIXES = (".csv", ".txt", ".parquet")


def file_header(path: Path) -> list:
    """The header of a CSV or Parquet file (a CSV's first line)."""
    if path.suffix.lower() == ".parquet":
        import pyarrow.parquet as pq
        return list(pq.read_schema(path).names)
    with path.open("rb") as handle:
        head = handle.read(1 << 16)
    first_line = head.decode(csv_encoding(head), errors="replace").splitlines()[0] if head else ""
    return next(csv_module.reader([first_line]), [])


def csv_encoding(head: bytes) -> str:
    """utf-8 (with or without BOM) when the bytes decode as it, else GB18030
    (GBK's superset), as Chinese Excel and ERPs save CSV."""
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3:   # a character cut at the end of the sample
            return "utf-8"
        return "gb18030"


def file_grid(path: Path, spec: TableSpec, names: Names) -> Grid:
    """A CSV or Parquet file as a typed frame (pyarrow); key and text columns
    are read as text so padded IDs keep their zeros."""
    import pyarrow as pa
    import pyarrow.csv as pa_csv
    import pyarrow.parquet as pq

    suffix = file_suffix(path, spec)
    try:
        if suffix == ".parquet":
            table = pq.read_table(path)
        else:
            table = pa_csv.read_csv(path, **csv_options(path, spec, names))
    except (pa.ArrowInvalid, OSError, StopIteration) as exc:
        raise InputError(f"{spec.name} file {path} cannot be read: {exc}") from None
    return frame_grid(frame_of(table), path.name)


def file_suffix(path: Path, spec: TableSpec) -> str:
    if not path.exists():
        raise InputError(f"{spec.name} file {path} not found")
    suffix = path.suffix.lower()
    if suffix not in EXTRACT_SUFFIXES:
        raise InputError(f"{spec.name} file {path}: use .csv or .parquet")
    return suffix


def csv_options(path: Path, spec: TableSpec, names: Names) -> dict:
    """pyarrow's CSV options: the file's encoding; ID and text columns as text."""
    import pyarrow as pa
    import pyarrow.csv as pa_csv
    with path.open("rb") as handle:
        encoding = csv_encoding(handle.read(1 << 16))
    with path.open("r", encoding="utf-8-sig" if encoding == "utf-8" else encoding, errors="replace") as handle:
        header = next(csv_module.reader([handle.readline()]))
    by_alias = {alias: c for c in spec.columns for alias in names.column_aliases(spec, c)}
    text_columns = {h: pa.string() for h in header
                    if (c := by_alias.get(normalize_name(h))) is not None and c.kind in (ID, TEXT)}
    return {"read_options": pa_csv.ReadOptions(encoding=encoding),
            "convert_options": pa_csv.ConvertOptions(column_types=text_columns, strings_can_be_null=True)}


_INDEX_COLUMN = re.compile(r"__index_level_\d+__")   # where pandas.to_parquet keeps a frame's index


def data_columns(names: list[str]) -> list[int]:
    """The positions of a file's columns but the index pandas may have stored in it."""
    return [i for i, name in enumerate(names) if not _INDEX_COLUMN.fullmatch(name)]


def frame_of(table) -> pd.DataFrame:
    """An Arrow table of a file as pandas (see :func:`data_columns`)."""
    return table.select(data_columns(table.column_names)).replace_schema_metadata(None).to_pandas()


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
