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
# A DocumentNo is plain when it is not empty and holds no character outside printable ASCII without space: said
# without anchors, which engines read differently (Java's and ICU's $ also match before a final newline).
NOT_PRINTABLE = r"[^\x21-\x7e]"
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
    plain for certain (a text Date or NetRevenue column, numbers as text).

    Both steps are the ibis expressions of :func:`plain_test` and
    :func:`condensed_rows`, run by an embedded DuckDB: the test batch by
    batch, the sums over the stream of plain lines."""
    import duckdb
    import ibis
    import pyarrow as pa

    if not summable(schema, columns, currency_ignored):
        return None
    projected = projected_schema(columns, currency_ignored)
    lines = ibis.table(ibis.Schema.from_pyarrow(projected), name="batch_lines")
    known = ibis.table({"CustomerID": "string"}, name="known_ids")
    test_sql = ibis.to_sql(lines.select(plain=plain_test(lines, known.CustomerID, set(columns), currency_ignored)),
                           dialect="duckdb")
    kept: list = []
    kept_rows: list[np.ndarray] = []
    state = {"row": first_row, "currency": False}

    def plain_batches(tester) -> Iterator:
        for batch in batches:
            rows = np.arange(state["row"], state["row"] + batch.num_rows, dtype="int64")
            state["row"] += batch.num_rows
            every = _projected(batch, rows, columns, projected)
            tester.register("batch_lines", every)
            mask = tester.sql(test_sql).to_arrow_table().column("plain").to_numpy(zero_copy_only=False)
            tester.unregister("batch_lines")
            if not mask.all():
                other = batch.filter(pa.array(~mask))
                kept.append(other)
                kept_rows.append(rows[~mask])
                if "Currency" in columns and not currency_ignored:
                    state["currency"] |= other.column(columns["Currency"]).null_count < other.num_rows
            yield every.filter(pa.array(mask)).drop_columns([c for c in ("Currency",) if c in every.schema.names])

    plain_schema = pa.schema([f for f in projected if f.name != "Currency"])
    with duckdb.connect() as db, duckdb.connect() as tester:
        tester.execute("SET threads = 1")
        tester.register("known_ids", pa.table({"CustomerID": pa.array(sorted(set(known_ids)), pa.string())}))
        db.execute(f"SET memory_limit = '{DUCKDB_MEMORY}'")
        db.execute("SET threads = 1")   # sums added in file order: the same figures on every run
        db.register("plain_lines", pa.RecordBatchReader.from_batches(plain_schema, plain_batches(tester)))
        backend = ibis.duckdb.from_connection(db)
        sums = backend.to_pyarrow(condensed_rows(backend.table("plain_lines"), precise=True))
    if state["currency"] or pa.compute.any(sums.column("repeated")).as_py():
        # a line repeating another of its document in every column is said line by line (reading it whole)
        return None
    lines = pa.Table.from_batches(kept, schema=schema) if kept else schema.empty_table()
    rows = np.concatenate(kept_rows) if kept_rows else np.empty(0, dtype="int64")
    return condensed_of(lines, rows, sums)


def condensed_of(lines, rows: np.ndarray, sums) -> Condensed:
    """The Condensed of the lines kept (an Arrow table, their row numbers) and the summed rows (an Arrow
    table of :func:`condensed_rows`)."""
    import pyarrow as pa
    return Condensed(lines, rows, typed_sums(sums), int(pa.compute.sum(sums.column("lines")).as_py() or 0),
                     sums.column("lines").to_numpy(zero_copy_only=False).astype("int64"))


def summable(schema, columns: dict[str, int], currency_ignored: bool) -> bool:
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


def plain_test(lines, known, present: set[str], currency_ignored: bool):
    """Whether each line of ``lines`` (an ibis table of :func:`projected_schema`'s columns) is plain (see the
    module), never null: ``known`` is the column of the Customers' IDs, ``present`` the contract columns the
    source has (an absent column is not tested). One expression for DuckDB, PostgreSQL and Spark."""
    import ibis

    def finite(values):   # and below MAX_MAGNITUDE in size: a larger figure is reported line by line
        # NaN and infinities fail the comparison in every engine here (NaN sorts above every number), and SQL
        # Server, whose floats have neither, has no isnan/isinf to call
        return values.notnull() & (values.cast("float64").abs() < MAX_MAGNITUDE)

    def blank_or(values, test):
        return values.isnull() | test(values)

    plain = lines.CustomerID.isin(known) & lines.Day.notnull() & \
        lines.Day.between(ibis.date(FIRST_DAY), ibis.date(LAST_DAY)) & finite(lines.NetRevenue)
    if "COGS" in present:
        plain &= finite(lines.COGS)
    for name in ("Quantity", "GrossAmount"):
        if name in present:
            plain &= blank_or(lines[name], finite)
    if "TaxRate" in present:
        plain &= blank_or(lines.TaxRate, lambda v: finite(v) & (v >= 0.0) & (v <= 100.0))
    if "DocumentNo" in present:
        plain &= blank_or(lines.DocumentNo, lambda v: (v.length() > 0) & ~v.re_search(NOT_PRINTABLE))
    if "Currency" in present and not currency_ignored:
        plain &= lines.Currency.isnull()
    return plain.fill_null(False)


def condensed_rows(plain, precise: bool, rows_of_values: bool = True):
    """The plain lines (an ibis table of :func:`projected_schema`'s columns) summed per CustomerID, day,
    DocumentNo and sign of NetRevenue: the row number of the first line (when the lines have one), the
    sums of the amounts (blank when a line's is), Product and TaxRate when every line agrees (else blank),
    the number of lines, and whether a line repeats another of its document in every column.
    ``precise``: compensated (Kahan) sums, DuckDB's fsum, in the order the lines come (the file path: the
    figures of the lines read one by one, to the last bit); elsewhere the backend's own sum (to the cent).
    ``rows_of_values``: the engine counts distinct rows of values (SQL Server and MySQL do not: there a
    line's values are compared as text, which may take two lines for one, never one for two)."""
    total = _fsum if precise else (lambda values: values.sum())

    def agreed(values):
        return (values.count() == plain.count()) & (values.min() == values.max())

    def complete(values):
        return (values.count() == plain.count()).ifelse(total(values), None)

    repeats = plain.count() > _line_values(plain, rows_of_values).nunique()
    first = {"_row": plain._row.min()} if "_row" in plain.columns else {}
    return plain.group_by(CustomerID=plain.CustomerID, Date=plain.Day, DocumentNo=plain.DocumentNo,
                          positive=plain.NetRevenue > 0).aggregate(
        **first, Product=agreed(plain.Product).ifelse(plain.Product.min(), None),
        Quantity=complete(plain.Quantity), NetRevenue=total(plain.NetRevenue), COGS=complete(plain.COGS),
        GrossAmount=complete(plain.GrossAmount), TaxRate=agreed(plain.TaxRate).ifelse(plain.TaxRate.min(), None),
        lines=plain.count(), repeated=plain.DocumentNo.notnull().any() & repeats)


def _line_values(plain, rows_of_values: bool):
    """A line's own values, those a repeated line shares with another of its document: a row of them, or
    their text joined by a separator no figure or product code holds."""
    import ibis
    names = ("Product", *SUMMED, "TaxRate")
    if rows_of_values:
        return ibis.struct({name: plain[name] for name in names})
    return ibis.literal("\x1f").join([plain[name].cast("string").fill_null("\x1e") for name in names])


def _fsum(values):
    import ibis

    @ibis.udf.agg.builtin(name="fsum")
    def fsum(x: float) -> float:   # DuckDB's compensated sum
        ...
    return fsum(values)


def projected_schema(columns: dict[str, int] | None = None, currency_ignored: bool = True):
    """The columns the plain test and the sums read, Currency only when the lines' currencies count."""
    import pyarrow as pa
    currency = [("Currency", pa.string())] if columns and "Currency" in columns and not currency_ignored else []
    return pa.schema([("_row", pa.int64()), ("CustomerID", pa.string()), ("Day", pa.date32()),
                      ("DocumentNo", pa.string()), ("Product", pa.string()), ("TaxRate", pa.float64()),
                      *((name, pa.float64()) for name in SUMMED), *currency])


def _projected(batch, rows: np.ndarray, columns: dict[str, int], schema):
    """The lines of a batch in the columns of ``schema`` (:func:`projected_schema`; absent ones blank); Day is
    the Date floored to its day, as the reader types it."""
    import pyarrow as pa
    arrays = [pa.array(rows, pa.int64())]
    for field in list(schema)[1:]:
        name = "Date" if field.name == "Day" else field.name
        if name in columns:
            arrays.append(pa.compute.cast(batch.column(columns[name]), field.type))
        else:
            arrays.append(pa.nulls(batch.num_rows, field.type))
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


def typed_sums(sums) -> pd.DataFrame:
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
