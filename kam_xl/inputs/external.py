"""Tables given outside the workbook: the one place where such a source plugs in.

A workbook's table may be replaced by one given elsewhere: today an extract
file (a CSV or Parquet file named by ``--external`` or by the Parameters
SalesFile, InvoicesFile, PaymentsFile; kam_xl.inputs.files), tomorrow a
database table (kam_xl.inputs.database). The reading threads ask
:func:`external_grid` for it; a table that may be condensed (TableSpec.condense)
and is large comes back as a LargeFile and is read by :func:`large_grid` once
Customers is typed (a line is plain only for a known customer).

A new kind of source adds its branch to both functions: ``external_grid``
returns its rows as a Grid (:func:`kam_xl.inputs.grids.frame_grid` of its
frame: typed, checked and reported as an extract file's rows are) or a
LargeFile of it, and ``large_grid`` returns its condensed Grid (as
kam_xl.inputs.condensed_files.condensed_grid does for a file: the lines that
are not plain, ``row_numbers`` and ``condensed`` set).
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from kam_xl.contract import TableSpec
from kam_xl.inputs.condensed_files import condensed_grid
from kam_xl.inputs.database import DatabaseTable, condensed_database_grid, database_grid
from kam_xl.inputs.files import file_grid
from kam_xl.inputs.grids import Grid, LargeFile
from kam_xl.inputs.names import Names


def external_grid(spec: TableSpec, given: Path | DatabaseTable, names: Names,
                  condense_from: int | None) -> Grid | LargeFile:
    """The table ``given`` outside the workbook; a LargeFile when it may be
    condensed and its file has ``condense_from`` bytes or more (None: never).
    A database table (kam_xl.inputs.database) that may be condensed always is,
    in the database, once Customers is typed."""
    if isinstance(given, DatabaseTable):
        return LargeFile(given) if condense_from is not None and spec.condense else database_grid(spec, given)
    if condense_from is not None and spec.condense and given.exists() and given.stat().st_size >= condense_from:
        return LargeFile(given)
    return file_grid(given, spec, names)


def large_grid(spec: TableSpec, large: LargeFile, names: Names, customers: pd.DataFrame | None) -> Grid:
    """A large table, condensed as it is read (``customers``: the typed Customers, if any)."""
    if isinstance(large.path, DatabaseTable):
        return condensed_database_grid(spec, large.path, customers)
    return condensed_grid(large.path, spec, names, customers)
