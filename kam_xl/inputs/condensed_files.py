"""Condensed files: a Sales extract large enough (CONDENSE_FROM_BYTES, in
kam_xl.inputs.reader) to be summed as it streams in (kam_xl.inputs.condense).
Its plain lines are summed per customer, day, document and sign; every other
line is typed one by one, as a smaller file's are; the figures and the
findings are those of the lines one by one, in a fraction of the memory.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from kam_xl.contract import TableSpec
from kam_xl.inputs.condense import condense_sales
from kam_xl.inputs.files import csv_options, data_columns, file_grid, file_suffix, frame_of
from kam_xl.inputs.grids import ROW, Grid
from kam_xl.inputs.headers import local_header, map_headers
from kam_xl.inputs.names import Names
from kam_xl.quality import INFO, DataQuality


def condensed_grid(path: Path, spec: TableSpec, names: Names, customers: pd.DataFrame | None) -> Grid:
    """A large Sales file with its plain lines summed (see kam_xl.inputs.condense)
    and the others as read; read whole when no line can be plain for certain,
    or when streaming it finds what the whole read would type otherwise."""
    import pyarrow as pa
    import pyarrow.csv as pa_csv
    import pyarrow.parquet as pq

    suffix = file_suffix(path, spec)
    condensed = None
    if customers is not None:
        known = customers["CustomerID"].dropna().astype(str)
        try:
            if suffix == ".parquet":
                source = pq.ParquetFile(path)
                keep = data_columns(source.schema_arrow.names)
                schema = pa.schema([source.schema_arrow.field(i) for i in keep])
                # Row group by row group: iter_batches keeps ~17 bytes a line until the file is closed.
                batches = (batch.select(keep) for group in range(source.num_row_groups)
                           for batch in source.read_row_group(group).to_batches())
            else:
                # Types from the first block; a later value that does not fit raises, and the whole read
                # (which types from every block) takes over.
                stream = pa_csv.open_csv(path, **csv_options(path, spec, names))
                schema, batches = stream.schema, iter(stream)
            header = [str(h).strip() for h in schema.names]
            mapped, _ = map_headers(spec, header, names)
            local = "Currency" in mapped and "NetRevenue" in mapped and local_header(header[mapped["NetRevenue"]])
            condensed = condense_sales(batches, schema, mapped, known, 2, local)
            if condensed is not None and "DocumentNo" in mapped and \
                    condensed.lines.column(mapped["CustomerID"]).null_count:
                condensed = None   # a bill's line without its header fields takes them from the line above it
        except Exception:  # noqa: BLE001 - a shortcut only: anything odd is read whole, and reported there
            condensed = None
    if condensed is None:
        return file_grid(path, spec, names)
    frame = frame_of(condensed.lines)
    return Grid(list(frame.columns), frame, 2, 0, path.name, "file", row_numbers=condensed.rows,
                condensed=condensed)


def with_sums(frame: pd.DataFrame, grid: Grid, dq: DataQuality) -> pd.DataFrame:
    """The typed lines of a condensed file with its summed plain lines, in file order."""
    condensed = grid.condensed
    sums = condensed.sums.reindex(columns=frame.columns)
    for name in frame.columns.difference(condensed.sums.columns):   # outside the contract: blank text
        sums[name] = pd.Series(np.nan, index=sums.index, dtype="str")
    merged = pd.concat([frame, sums], ignore_index=True) if len(frame) else sums
    dq.add(INFO, "Sales", "source.condensed", None, None, None, file=grid.sheet,
           plain=condensed.condensed_lines, rows=len(sums), others=len(condensed.rows))
    return merged.sort_values(ROW, kind="stable").reset_index(drop=True)
