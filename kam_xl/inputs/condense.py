"""Sales lines from a large Parquet or CSV file, summed before they become pandas rows.

Ten million sales lines do not fit in memory as pandas rows, and the analysis
does not need them one by one: every figure it takes from Sales is a sum of
NetRevenue, COGS and Quantity per customer over days, documents or months,
plus whether a day or a document had a positive line. So the lines of one
customer, day, document and sign of NetRevenue can be summed first without
changing a figure, *provided* reading them one by one would neither have
changed nor questioned any of them. Such a line is *plain*:

- its CustomerID is, exactly, the ID of a customer of the Customers table
  (an ID typed with spaces, another case or zero-padding is matched with a
  Warning per line; an unknown one is an Error per line);
- its Date is a date (or a time stamp without time zone) in 1900-2199;
- NetRevenue is a finite number, and so is COGS when the file has a COGS
  column (a blank cost is a Warning per line and makes its month unknown);
  Quantity and GrossAmount are finite or blank, a TaxRate is 0-100 or blank;
- its DocumentNo is blank or printable ASCII without spaces (typed as it is);
- it has no Currency, or the file's NetRevenue is already in local currency
  (金额(本位币): the reader then ignores the Currency of every line). A line in
  a currency is converted and rounded one by one, and so is every line of
  the table once any line has one: if a line that is not plain has a
  currency, nothing is summed.

Plain lines stream through DuckDB, which sums them per (CustomerID, day,
DocumentNo, NetRevenue > 0) with compensated (Kahan) summation in file
order (one thread, so every run gives the same last bit); every other
line is kept as read, with its row number, and typed and checked exactly
like a line of a small file. A summed row carries the row number of its
first line, so it sorts where that line was. Columns no figure reads
(Product and TaxRate) keep their value when all the row's lines agree and
are blank otherwise, columns outside the contract are blank; Quantity and
GrossAmount are blank when any line's is."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kam_xl.inputs.parsing import MAX_MAGNITUDE

# The plain test's bounds: those of kam_xl.inputs.parsing (dates) and of the Sales contract (TaxRate).
FIRST_DAY, LAST_DAY = "1900-01-01", "2199-12-31"
PRINTABLE = r"^[\x21-\x7e]+$"
SUMMED = ("NetRevenue", "COGS", "Quantity", "GrossAmount")
# DuckDB's own working memory; beyond it, it spills to its temporary directory.
DUCKDB_MEMORY = "512MB"


@dataclass
class Condensed:
    """The lines of a file that are not plain (an Arrow table of its own
    columns, and their row numbers), and the plain lines summed (a typed
    frame: _row, the contract's Sales columns)."""

    lines: object            # pyarrow.Table
    rows: np.ndarray         # row number of each of ``lines``
    sums: pd.DataFrame
    condensed_lines: int     # plain lines summed into ``sums``
    sum_lines: np.ndarray | None = None   # how many plain lines each row of ``sums`` is the sum of


def condense_sales(batches: Iterable, schema, columns: dict[str, int], known_ids: Iterable[str],
                   first_row: int, currency_ignored: bool) -> Condensed | None:
    """Split the record ``batches`` (of ``schema``) of a Sales file into
    lines that are not plain and the sums of the plain ones (see the module).
    ``columns`` maps contract columns to the file's columns (their
    positions, as the reader maps the headers); the first line
    is row ``first_row``. None when the file's column types leave no line
    plain for certain (a text Date or NetRevenue column, numbers as text)."""
    import duckdb
    import pyarrow as pa

    if not _summable(schema, columns, currency_ignored):
        return None
    known = pa.array(sorted(set(known_ids)), pa.string())
    projected = _projected_schema()
    kept: list = []
    kept_rows: list[np.ndarray] = []
    state = {"row": first_row, "currency": False}

    def plain_batches() -> Iterator:
        for batch in batches:
            rows = np.arange(state["row"], state["row"] + batch.num_rows, dtype="int64")
            state["row"] += batch.num_rows
            day = pa.compute.cast(batch.column(columns["Date"]), pa.date32())   # a time of day floored, as read
            plain = _plain(batch, day, columns, known, currency_ignored)
            mask = plain.to_numpy(zero_copy_only=False)
            other = batch.filter(pa.compute.invert(plain))
            if other.num_rows:
                kept.append(other)
                kept_rows.append(rows[~mask])
                if "Currency" in columns and not currency_ignored:
                    state["currency"] |= other.column(columns["Currency"]).null_count < other.num_rows
            yield _projected(batch.filter(plain), day.filter(plain), rows[mask], columns, projected)

    reader = pa.RecordBatchReader.from_batches(projected, plain_batches())
    with duckdb.connect() as db:
        db.execute(f"SET memory_limit = '{DUCKDB_MEMORY}'")
        db.execute("SET threads = 1")   # sums added in file order: the same figures on every run
        db.register("plain_lines", reader)
        sums = db.sql(_SUM_QUERY).to_arrow_table()
    if state["currency"] or pa.compute.any(sums.column("repeated")).as_py():
        # a line repeating another of its document in every column is said line by line (reading it whole)
        return None
    lines = pa.Table.from_batches(kept, schema=schema) if kept else schema.empty_table()
    rows = np.concatenate(kept_rows) if kept_rows else np.empty(0, dtype="int64")
    return Condensed(lines, rows, _typed_sums(sums), int(pa.compute.sum(sums.column("lines")).as_py() or 0),
                     sums.column("lines").to_numpy(zero_copy_only=False).astype("int64"))


def _summable(schema, columns: dict[str, int], currency_ignored: bool) -> bool:
    """Whether the file's types let any line be plain: a date or time-stamp
    Date, numeric amounts, text IDs (a column of another type is read cell by
    cell, line by line, as before). A column of blanks only is of any kind."""
    import pyarrow.types as t

    if not {"NetRevenue", "Date", "CustomerID"} <= set(columns):
        return False   # VAT derivation (NetRevenue from GrossAmount) rounds line by line; a missing column is fatal
    kind = {name: schema.field(position).type for name, position in columns.items()}

    def text(name: str) -> bool:
        return t.is_string(kind[name]) or t.is_large_string(kind[name])

    date = kind["Date"]
    if not (t.is_date(date) or (t.is_timestamp(date) and date.tz is None)) or not text("CustomerID"):
        return False
    numbers = [n for n in (*SUMMED, "TaxRate") if n in kind]
    texts = [n for n in ("DocumentNo", "Product", *(() if currency_ignored else ("Currency",))) if n in kind]
    return all(t.is_null(kind[n]) or t.is_integer(kind[n]) or t.is_floating(kind[n]) for n in numbers) and \
        all(t.is_null(kind[n]) or text(n) for n in texts)


def _plain(batch, day, columns: dict[str, int], known, currency_ignored: bool):
    """The plain lines of ``batch`` (a boolean Arrow array, never null); ``day``: its Dates as days."""
    import pyarrow as pa
    import pyarrow.compute as pc

    def col(name: str):
        return batch.column(columns[name])

    def finite(values):   # and below MAX_MAGNITUDE in size: a larger figure is reported line by line
        values = pc.cast(values, pa.float64())
        return pc.and_kleene(pc.and_kleene(pc.is_valid(values), pc.is_finite(values)),
                             pc.less(pc.abs(values), MAX_MAGNITUDE))

    def blank_or(values, test):
        return pc.or_kleene(pc.is_null(values), test(values)) if values.null_count < len(values) else \
            pa.array(np.ones(len(values), dtype=bool))

    plain = pc.and_kleene(pc.is_in(pc.cast(col("CustomerID"), pa.string()), value_set=known), pc.is_valid(day))
    plain = pc.and_kleene(plain, pc.and_kleene(pc.greater_equal(day, pa.scalar(pd.Timestamp(FIRST_DAY).date())),
                                               pc.less_equal(day, pa.scalar(pd.Timestamp(LAST_DAY).date()))))
    plain = pc.and_kleene(plain, finite(col("NetRevenue")))
    if "COGS" in columns:
        plain = pc.and_kleene(plain, finite(col("COGS")))
    for name in ("Quantity", "GrossAmount"):
        if name in columns:
            plain = pc.and_kleene(plain, blank_or(col(name), finite))
    if "TaxRate" in columns:
        rate = pc.cast(col("TaxRate"), pa.float64())
        plain = pc.and_kleene(plain, blank_or(rate, lambda v: pc.and_kleene(
            finite(v), pc.and_kleene(pc.greater_equal(v, 0.0), pc.less_equal(v, 100.0)))))
    if "DocumentNo" in columns:
        plain = pc.and_kleene(plain, blank_or(col("DocumentNo"), lambda v: pc.match_substring_regex(
            pc.cast(v, pa.string()), PRINTABLE)))
    if "Currency" in columns and not currency_ignored:
        plain = pc.and_kleene(plain, pc.is_null(col("Currency")))
    return pc.fill_null(plain, False)


def _projected_schema():
    import pyarrow as pa
    return pa.schema([("_row", pa.int64()), ("CustomerID", pa.string()), ("Day", pa.date32()),
                      ("DocumentNo", pa.string()), ("Product", pa.string()), ("TaxRate", pa.float64()),
                      *((name, pa.float64()) for name in SUMMED)])


def _projected(batch, day, rows: np.ndarray, columns: dict[str, int], schema):
    """The plain lines of a batch (``day``: their Dates as days) in the
    columns of ``schema`` (:func:`_projected_schema`; absent ones blank)."""
    import pyarrow as pa
    arrays = [pa.array(rows, pa.int64())]
    for field in list(schema)[1:]:
        if field.name == "Day":
            arrays.append(day)
        elif field.name in columns:
            arrays.append(pa.compute.cast(batch.column(columns[field.name]), field.type))
        else:
            arrays.append(pa.nulls(batch.num_rows, field.type))
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


def _agreed(column: str) -> str:
    """A column's value when every line of the group has the same one, else blank."""
    return f"CASE WHEN count({column}) = count(*) AND min({column}) = max({column}) THEN min({column}) END"


def _complete_sum(column: str) -> str:
    """The sum, blank when any line's value is blank."""
    return f"CASE WHEN count({column}) = count(*) THEN fsum({column}) END"


_SUM_QUERY = f"""
SELECT min(_row) AS _row, Day AS Date, CustomerID, DocumentNo, {_agreed("Product")} AS Product,
       {_complete_sum("Quantity")} AS Quantity, fsum(NetRevenue) AS NetRevenue,
       {_complete_sum("COGS")} AS COGS, {_complete_sum("GrossAmount")} AS GrossAmount,
       {_agreed("TaxRate")} AS TaxRate, count(*) AS lines,
       DocumentNo IS NOT NULL AND count(*) > count(DISTINCT (Product, Quantity, NetRevenue, COGS, GrossAmount,
                                                             TaxRate)) AS repeated
FROM plain_lines
GROUP BY CustomerID, Day, DocumentNo, NetRevenue > 0
"""


def _typed_sums(sums) -> pd.DataFrame:
    """The summed rows as the reader types Sales (datetime64[ns] dates, text
    as pandas strings, amounts as float64); the reader puts them in the order
    of their first lines, among the lines read one by one."""
    frame = sums.to_pandas(date_as_object=False)
    out = pd.DataFrame({
        "_row": frame["_row"].astype("int64"),
        "Date": pd.to_datetime(frame["Date"]).astype("datetime64[ns]"),
        **{name: frame[name] for name in ("CustomerID", "DocumentNo", "Product")},
        **{name: frame[name].astype("float64") for name in ("Quantity", "NetRevenue", "COGS", "GrossAmount",
                                                             "TaxRate")},
        "Currency": pd.Series(np.nan, index=frame.index, dtype="str"),
    })
    return out
