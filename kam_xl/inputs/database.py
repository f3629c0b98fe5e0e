"""Contract tables read from a database or a Spark cluster (kam.toml's ``[tables.<Table>]``).

```toml
[tables.Sales]
url = "postgresql://reader@erp-copy.example.com:5432/ledgers"   # no password: KAM_XL_DB_PASSWORD or .pgpass
table = "sales_lines"          # or: query = "SELECT ... FROM ..."   or (Spark, DuckDB): parquet = "sales/"
preset = "kingdee"             # optional: the ERP's column names, as for a file
map = { CustomerID = "cust_code", NetRevenue = "amount_lc" }   # optional: contract column = source column
```

Every source is reached through ibis (one expression language over DuckDB, PostgreSQL, SQL Server, MySQL,
Oracle, Spark and more), so the condense step is written once (kam_xl.inputs.condense) and runs where the
lines are. A table is handed to the reader as an Arrow table, the way a Parquet file is: the same header
mapping, typing, checks and ledger follow. Sales is condensed in the source: only the summed rows and the
lines that are not plain travel.

The password is never in a file: the URL names the user, the password comes from KAM_XL_DB_PASSWORD or the
driver's own mechanism (.pgpass, a DSN, integrated login). A URL that carries one is refused. Every
failure is one line naming the table and the host, in the user's language, never the driver's traceback.
"""
from __future__ import annotations

import hashlib
import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

import numpy as np

from kam_xl.contract import TABLES
from kam_xl.inputs.safe_io import InputError

PASSWORD_VARIABLE = "KAM_XL_DB_PASSWORD"
SPARK_MASTER = re.compile(r"^(spark://|sc://|local(\[[0-9*]+\])?$|yarn$|k8s://)")
SCHEMES = {"postgresql": "postgres", "postgres": "postgres", "mssql": "mssql", "sqlserver": "mssql",
           "mysql": "mysql", "oracle": "oracle", "duckdb": "duckdb"}
FIRST_ROW = 2   # a source's first line is numbered as a sheet's first row under its header
CONNECT_SECONDS = 10
# Backends whose default collations compare text without case and trailing spaces (SQL Server, MySQL): the plain
# test's isin and the sums' group_by would take 'a1' and 'A1 ' for 'A1', so Sales is read whole there.
CASE_BLIND = {"mssql", "mysql"}


@dataclass(frozen=True)
class DatabaseTable:
    """One contract table read from a database: where, which rows, and how its columns are named."""

    table: str                          # the contract table (Sales, Customers ...)
    url: str                            # the source, without a password
    name: str | None = None             # the source's table (schema.table)
    query: str | None = None            # or a query
    parquet: Path | str | None = None   # or a Parquet dataset (a folder of partitions) read by Spark or DuckDB
    preset: str | None = None
    columns: dict[str, str] = field(default_factory=dict)   # contract column -> the source's column
    language: str = "en"

    @property
    def host(self) -> str:
        """Where the table lives, for messages: host[:port] (or the Spark master without its settings)."""
        if SPARK_MASTER.match(self.url):
            return safe_url(self.url)
        parts = urlsplit(self.url)
        return parts.hostname + (f":{parts.port}" if parts.port else "") if parts.hostname else safe_url(self.url)

    @property
    def label(self) -> str:
        """The table as messages and About name it: the URL's scheme, user, host, port and path (never its
        password, query or Spark settings), and the table."""
        what = self.name or (safe_url(str(self.parquet)) if self.parquet else "query")
        return f"{safe_url(self.url)} {what}"


def table_settings(table: str, value: object, folder: Path, language: str = "en") -> DatabaseTable:
    """A ``[tables.<table>]`` section of kam.toml as a DatabaseTable (an InputError naming what is wrong)."""
    where = f"[tables.{table}]"
    if table not in TABLES or table == "ColumnMap":
        raise InputError(f"{where}: {table} is not a table of the contract ({', '.join(TABLES)})")
    if not isinstance(value, dict):
        raise InputError(f"{where}: give url and table (or query) under it")
    unknown = sorted(set(value) - {"url", "table", "query", "parquet", "preset", "map"})
    if unknown:
        raise InputError(f"{where}: unknown setting(s) {', '.join(unknown)}; known: map, parquet, preset, query, "
                         "table, url")
    if not all(isinstance(value.get(k, ""), str) for k in ("url", "table", "query", "parquet", "preset")):
        raise InputError(f"{where}: url, table, query, parquet and preset are text")
    url = value.get("url", "")
    if not url:
        raise InputError(f"{where}: url is missing")
    _checked_url(where, url)
    given = [k for k in ("table", "query", "parquet") if value.get(k)]
    if len(given) != 1:
        raise InputError(f"{where}: give one of table, query or parquet")
    columns = value.get("map", {})
    if not isinstance(columns, dict) or not all(isinstance(v, str) for v in columns.values()):
        raise InputError(f"{where}: map is a table of ContractColumn = \"source column\"")
    spec = TABLES[table]
    wrong = sorted(set(columns) - {c.name for c in spec.columns})
    if wrong:
        raise InputError(f"{where}: map names {', '.join(wrong)}, not columns of {table}")
    if url.startswith("duckdb://"):
        url = _duckdb_url(where, url, folder)
    if not SPARK_MASTER.match(url) and urlsplit(url).scheme.split("+")[0] not in SCHEMES:
        raise InputError(f"{where}: url must start with one of {', '.join(sorted(SCHEMES))}:// or name a Spark "
                         "master (spark://, sc://, local[2])")
    if "://" in value.get("parquet", ""):
        _checked_url(f"{where} parquet", value["parquet"])
    return DatabaseTable(table, url, value.get("table"), value.get("query"),
                         _dataset(value.get("parquet"), folder), value.get("preset"),
                         dict(columns), language)


def _duckdb_url(where: str, url: str, folder: Path | None) -> str:
    """A ``duckdb://<file>`` URL with its file relative to kam.toml's folder (as a parquet dataset is); a file
    that is not there is refused (DuckDB would create an empty one)."""
    path = url.removeprefix("duckdb://")
    if path in ("", ":memory:"):
        return url
    file = Path(path) if Path(path).is_absolute() or folder is None else Path(folder) / path
    if not file.is_file():
        raise InputError(f"{where}: no DuckDB database file {file}; check url in kam.toml")
    return f"duckdb://{file}"


def _dataset(where: str | None, folder: Path) -> Path | str | None:
    """A Parquet dataset: a path relative to kam.toml, or a URL the engine reads (hdfs://, s3a://, abfss://)."""
    if not where:
        return None
    return where if "://" in where else folder / where


def safe_url(url: str) -> str:
    """The URL as messages and About show it: scheme, user, host, port and path only (no password, no query,
    no Spark Connect ``;settings``, no fragment); a Spark master such as local[2] as it is."""
    if "://" not in url:
        return url
    parts = urlsplit(url.split(";", 1)[0])
    user = f"{parts.username}@" if parts.username else ""
    return f"{parts.scheme}://{user}{parts.netloc.rsplit('@', 1)[-1]}{parts.path}"


SECRET_KEY = re.compile(r"pass|pwd|secret|token|sig|key", re.IGNORECASE)
# query keys that would connect elsewhere than the URL says (the messages name the URL's host and user)
TARGET_KEYS = {"host", "hostaddr", "user", "port", "dbname", "database"}


def _settings(url: str) -> list[tuple[str, str]]:
    """The driver's settings a URL carries: its query's, Spark Connect's ``;key=value`` after the path, and
    those inside an ODBC connection string (``odbc_connect``, ``key=value;key=value``)."""
    given = parse_qsl(urlsplit(url).query, keep_blank_values=True)
    given += [tuple(p.split("=", 1)) if "=" in p else (p, "") for p in url.split("?")[0].split(";")[1:] if p]
    given += [tuple(p.split("=", 1)) if "=" in p else (p, "") for _, value in list(given)
              for p in unquote(value).split(";")[1 if "=" not in unquote(value).split(";")[0] else 0:] if p.strip()]
    return [(key.strip(), value) for key, value in given]


def _checked_url(where: str, url: str) -> None:
    """Refuse, in one line that never repeats the secret, a URL with a password, token or key (before the
    host or among its settings), or with a query setting that moves the connection elsewhere."""
    if SPARK_MASTER.match(url) and "://" not in url:
        return
    parts = urlsplit(url.split(";", 1)[0])
    secret = [key for key, _ in _settings(url) if SECRET_KEY.search(key)]
    if parts.password is not None or secret:
        said = f" ({secret[0]})" if secret and re.fullmatch(r"\w{1,32}", secret[0]) else ""
        raise InputError(f"{where}: the url carries a password, token or key{said}; remove it and set "
                         f"{PASSWORD_VARIABLE} (or use the driver's or the cluster's own mechanism: .pgpass, a DSN, "
                         "a credentials file)")
    target = [key for key, _ in parse_qsl(urlsplit(url).query, keep_blank_values=True) if key.lower() in TARGET_KEYS]
    if target:
        raise InputError(f"{where}: the url's ?{target[0]}= would connect elsewhere than the url names; give the "
                         "host, port, user and database in the url itself")


def failure(source: DatabaseTable, key: str, **values) -> InputError:
    """The one line a failure says, in the user's language: the table, the host, what went wrong."""
    from kam_xl.words import catalogue
    words = catalogue(source.language).UI
    return InputError(words[key].format(table=source.table, host=source.host, where=source.label, **values))


CONNECTION_ERRORS = ("OperationalError", "InterfaceError", "ConnectionError", "ConnectionRefusedError",
                     "TimeoutError", "OSError", "Py4JNetworkError", "SparkConnectGrpcException")
CONNECTION_WORDS = ("connect", "connection", "timeout", "timed out", "unavailable", "network", "could not translate",
                    "refused", "closed", "broken pipe", "host")


def _classified(exc: BaseException) -> str:
    """The words key of a driver's exception (its text is read, never shown: it may carry a password): the
    login, a permission, a missing table, the connection, or else the query itself (its SQL, a column, a type)."""
    text, kind = str(exc).lower(), type(exc).__name__
    if kind in ("TableNotFound", "UndefinedTable", "AnalysisException"):
        return "db.no_table"
    if "password" in text or "authentication" in text or "login failed" in text or "access denied" in text:
        return "db.login"
    if kind == "InsufficientPrivilege" or "permission denied" in text or "permission was denied" in text or \
            "insufficient privilege" in text:
        return "db.permission"
    if "does not exist" in text and ("relation" in text or "table" in text) or "not found" in text and \
            "table" in text or "table_or_view_not_found" in text or "path does not exist" in text or \
            "no files found" in text:
        return "db.no_table"
    if kind in CONNECTION_ERRORS or any(word in text for word in CONNECTION_WORDS):
        return "db.unreachable"
    return "db.query"


_CONNECTIONS: dict[tuple, object] = {}
# The reader reads tables in several threads; a connection serves one query at a time (psycopg, Spark's
# py4j gateway), so a process asks its sources one query after another.
_ONE_AT_A_TIME = threading.RLock()


def connect(source: DatabaseTable):
    """The ibis backend of ``source`` (one per URL and password in a process: the tables of one database share
    it)."""
    key = _key(source)
    if key in _CONNECTIONS:
        return _CONNECTIONS[key]
    import ibis
    if SPARK_MASTER.match(source.url):
        backend = ibis.pyspark.connect(spark_session(source.url))
    elif source.url.startswith("duckdb://"):
        from kam_xl.inputs.condense import DUCKDB_MEMORY
        path = source.url.removeprefix("duckdb://")
        # a database file is only read (as a ledger copy should be); without one, DuckDB reads a parquet dataset
        backend = ibis.duckdb.connect(path, read_only=True) if path not in ("", ":memory:") else \
            ibis.duckdb.connect(":memory:")
        # as for a file: bounded memory (it spills beyond), one thread so every run sums in the same order
        backend.raw_sql(f"SET memory_limit = '{DUCKDB_MEMORY}'; SET threads = 1")
    else:
        parts = urlsplit(source.url)
        kind = SCHEMES[parts.scheme.split("+")[0]]
        options = {"host": parts.hostname, "user": unquote(parts.username) if parts.username else None,
                   "password": os.environ.get(PASSWORD_VARIABLE) or None,
                   "database": parts.path.lstrip("/") or None}
        if parts.port:
            options["port"] = parts.port
        if kind == "postgres":
            options["connect_timeout"] = CONNECT_SECONDS
        # the driver's own settings, e.g. ?driver=ODBC Driver 18 for SQL Server, ?service_name=ORCLPDB1
        options.update(parse_qsl(parts.query))
        backend = getattr(ibis, kind).connect(**{k: v for k, v in options.items() if v is not None})
    _CONNECTIONS[key] = backend
    return backend


def _key(source: DatabaseTable) -> tuple:
    """The cache key of a source's connection: its URL and the SHA-256 of the password (never the password)."""
    password = os.environ.get(PASSWORD_VARIABLE)
    return source.url, hashlib.sha256(password.encode()).hexdigest() if password else None


def _failed(source: DatabaseTable, exc: BaseException) -> InputError:
    """The one line of a driver's failure; a connection that failed is forgotten (the next query opens a new one
    rather than reuse one a restart or a network cut has closed)."""
    key = _classified(exc)
    if key == "db.unreachable":
        _CONNECTIONS.pop(_key(source), None)
    return failure(source, key)


def disconnect_all() -> None:
    """Close every connection this process opened (at the end of a build; a failure to close is no failure)."""
    with _ONE_AT_A_TIME:
        for backend in _CONNECTIONS.values():
            try:
                backend.disconnect()
            except Exception:  # noqa: BLE001, S112 - closing is best effort
                continue
        _CONNECTIONS.clear()


def spark_session(master: str):
    """The Spark session of a master: ``sc://`` (Spark Connect), ``spark://``, ``local[n]``, yarn, k8s://."""
    from pyspark.sql import SparkSession
    builder = SparkSession.builder.appName("kam-xl")
    builder = builder.remote(master) if master.startswith("sc://") else builder.master(master)
    if master.startswith("local"):   # one machine: a few shuffle partitions, not a cluster's 200
        builder = builder.config("spark.sql.shuffle.partitions", "4").config("spark.ui.enabled", "false")
    return builder.config("spark.sql.session.timeZone", "UTC").getOrCreate()


def lines(source: DatabaseTable):
    """The source's rows as an ibis table, its columns named as the contract names them (see :func:`_mapping`)."""
    table = _source_table(source)
    return floats(_renamed(table, _mapping(source, list(table.columns))))


def floats(table):
    """``table`` with its DECIMAL/NUMERIC columns as float64 (an ERP's amounts: PostgreSQL NUMERIC, Kingdee's and
    U8's decimal(28,10)), typed and summed as a file's numbers are; one without decimals and of at most 18 digits
    (a numeric code, NUMERIC(10,0)) as int64, as a file's whole numbers are."""
    def number(kind) -> str:
        return "int64" if kind.scale == 0 and kind.precision is not None and kind.precision <= 18 else "float64"
    decimals = {name: table[name].cast(number(kind)) for name, kind in table.schema().items() if kind.is_decimal()}
    return table.mutate(**decimals) if decimals else table


def _source_table(source: DatabaseTable):
    """The source's rows as the source names its columns."""
    try:
        backend = connect(source)
        if source.parquet is not None:
            return backend.read_parquet(str(source.parquet))
        if source.query is not None:
            return backend.sql(source.query)
        schema, _, name = source.name.rpartition(".")
        return backend.table(name, database=schema or None)
    except Exception as exc:  # noqa: BLE001 - a driver's failure of any kind is one line, never its text
        raise _failed(source, exc) from None


def _mapping(source: DatabaseTable, header: list[str]) -> dict[str, str]:
    """Contract column -> the source's column: the map's, then the preset's (and the contract's own names and
    synonyms, as for a file); a mapped or required column the source lacks is a failure naming it."""
    from kam_xl.inputs.names import default_names
    from kam_xl.inputs.headers import map_headers
    spec = TABLES[source.table]
    missing = [f"{column} ({name})" for column, name in source.columns.items() if name not in header]
    if missing:
        raise failure(source, "db.no_column", column=missing[0])
    mapped, _ = map_headers(spec, header, default_names(source.preset))
    found = {column: header[position] for column, position in mapped.items()} | source.columns
    absent = [c.name for c in spec.columns if c.required and c.name not in found]
    if absent:
        raise failure(source, "db.no_column", column=absent[0])
    return found


def _renamed(table, mapping: dict[str, str]):
    """``table`` with the mapped columns under their contract names (a column the contract names that the map
    puts elsewhere is left out: it would be read twice)."""
    renames = {column: name for column, name in mapping.items() if name != column}
    clashing = [c for c in renames if c in table.columns and c not in mapping.values()]
    table = table.drop(*clashing) if clashing else table
    return table.rename(renames) if renames else table


def read_table(source: DatabaseTable):
    """Every row of the source as an Arrow table (the reader types it as it types a Parquet file)."""
    with _ONE_AT_A_TIME:
        table = lines(source)
        try:
            return table.to_pyarrow()
        except Exception as exc:  # noqa: BLE001 - see lines()
            raise _failed(source, exc) from None


def condense_table(source: DatabaseTable, known_ids):
    """A Sales source condensed where it lives (kam_xl.inputs.condense): the lines that are not plain and
    the sums of the plain ones, as kam_xl.inputs.condense.Condensed; None when the source's types leave no
    line plain for certain or when the lines must be read one by one (a currency, a repeated line, a bill's
    line without its customer). Only the summed rows and the other lines leave the source; they are
    numbered here (:func:`_numbered`), so the source is never asked to number its lines (on a cluster that
    would be one task over every line)."""
    with _ONE_AT_A_TIME:
        return _condensed(source, known_ids)


def _condensed(source: DatabaseTable, known_ids):
    """See :func:`condense_table`."""
    import ibis
    from kam_xl.inputs.condense import summable, condensed_of, plain_test
    from kam_xl.inputs.headers import local_header
    raw = _source_table(source)
    mapping = _mapping(source, list(raw.columns))
    table, local = floats(_renamed(raw, mapping)), local_header(mapping.get("NetRevenue", ""))
    schema = table.schema().to_pyarrow()
    columns = {name: position for position, name in enumerate(schema.names)}
    if not summable(schema, columns, local):
        return None
    backend = connect(source)
    if backend.name in CASE_BLIND:
        return None
    ids = sorted(set(map(str, known_ids)))
    lines_ = table.mutate(Day=table.Date.cast("date"))
    known = ibis.memtable({"CustomerID": ids})
    # Without regular expressions (SQL Server), a DocumentNo is tested here, on the summed rows' documents.
    here = "DocumentNo" in columns and not says_regex(backend)
    test = plain_test(lines_, known.CustomerID, set(columns) - ({"DocumentNo"} if here else set()), local)
    fetched = _fetched(source, backend, lines_, test, here)
    if fetched is None:
        return None
    sums, others = fetched
    if not only_known(sums, ids):
        return None
    if sums.num_rows and np.asarray(sums.column("repeated"), dtype=bool).any() or \
            "Currency" in columns and not local and others.column("Currency").null_count < len(others) \
            or "DocumentNo" in columns and others.column("CustomerID").null_count:
        return None
    sums, others, rows = _numbered(sums.drop_columns(["positive"]), others)
    return condensed_of(others, rows, sums)


def only_known(sums, ids) -> bool:
    """Whether every summed row's CustomerID is, exactly, one of the known IDs: a collation that compares
    without case, width or trailing spaces would have let 'a1', 'A1 ' or 'Ａ１' pass the plain test and be summed
    with 'A1' (then Sales is read whole, each line checked by the reader)."""
    import pyarrow as pa
    customers = sums.column("CustomerID")
    if not len(customers):
        return True
    found = pa.compute.is_in(customers, value_set=pa.array(list(ids), pa.string()))
    return customers.null_count == 0 and bool(pa.compute.all(found).as_py())


def says_regex(backend) -> bool:
    """Whether the backend's SQL has regular expressions (ibis 12: not SQL Server's)."""
    import ibis
    probe = ibis.table({"DocumentNo": "string"}, name="probe")
    return _compiles(backend, probe.select(plain=probe.DocumentNo.re_search("x")))


def says_rows(backend) -> bool:
    """Whether the backend counts distinct rows of values (ibis 12: not SQL Server's, not MySQL's)."""
    import ibis
    probe = ibis.table({"Product": "string", "COGS": "float64"}, name="probe")
    return _compiles(backend, probe.aggregate(n=ibis.struct({"a": probe.Product, "b": probe.COGS}).nunique()))


def _fetched(source: DatabaseTable, backend, lines_, test, documents_here: bool):
    """(the summed rows, the other lines) as Arrow tables, or None when the backend cannot say the queries.
    ``documents_here``: the test left DocumentNo out; a summed row whose document is not plain ASCII is
    taken back, its lines fetched as others."""
    import pyarrow as pa
    from kam_xl.inputs.condense import NOT_PRINTABLE, projected_schema, condensed_rows
    plain = lines_.filter(test)
    summed = [f for f in projected_schema() if f.name != "_row"]
    sums_query = condensed_rows(plain.select(**_canonical(plain, summed)), precise=backend.name == "duckdb",
                                rows_of_values=says_rows(backend))
    others_query = lines_.filter(~test).drop("Day")
    if not _compiles(backend, sums_query, others_query):
        return None
    try:
        sums, others = backend.to_pyarrow(sums_query), backend.to_pyarrow(others_query)
        if documents_here:
            documents = set(sums.column("DocumentNo").drop_null().to_pylist())
            odd = sorted(d for d in documents if not d or re.search(NOT_PRINTABLE, d))
            if odd:
                sums = sums.filter(pa.compute.invert(pa.compute.is_in(sums.column("DocumentNo"),
                                                                      pa.array(odd, pa.string()))))
                more = backend.to_pyarrow(plain.filter(plain.DocumentNo.isin(odd)).drop("Day"))
                others = pa.concat_tables([others, more.cast(others.schema)])
    except Exception as exc:  # noqa: BLE001 - see lines()
        if _classified(exc) == "db.query":
            return None   # the condense queries failed where reading the lines may not: Sales is read whole
        raise _failed(source, exc) from None
    return sums, others


def _compiles(backend, *queries) -> bool:
    """Whether the backend's SQL can say the queries: ibis 12 has no regular expressions for SQL Server and no
    row of values for MySQL, so there Sales is read whole (and condensed by nothing: every line travels)."""
    from ibis.common.exceptions import IbisError
    try:
        for query in queries:
            backend.compile(query)
    except (IbisError, NotImplementedError):
        return False
    return True


def _numbered(sums, others):
    """Row numbers for a source's summed rows and other lines, from FIRST_ROW in the order of Date,
    CustomerID, DocumentNo and NetRevenue (a table has no order of its own): (sums with _row, the other
    lines in that order, their rows)."""
    import pandas as pd
    import pyarrow as pa
    keys = ["Date", "CustomerID", "DocumentNo", "NetRevenue"]

    def key_frame(table, kind: str) -> pd.DataFrame:
        present = {k: table.column(k).to_pandas() if k in table.column_names else None for k in keys}
        frame = pd.DataFrame({k: v if v is not None else pd.Series([None] * len(table), dtype=object)
                              for k, v in present.items()})
        frame["Date"] = pd.to_datetime(frame["Date"], errors="coerce").dt.normalize()
        return frame.assign(kind=kind, position=np.arange(len(table)))

    order = pd.concat([key_frame(sums, "sum"), key_frame(others, "line")], ignore_index=True)
    order = order.sort_values(keys, kind="stable", na_position="last").reset_index(drop=True)
    order["_row"] = np.arange(FIRST_ROW, FIRST_ROW + len(order), dtype="int64")
    summed, lines_ = order[order["kind"] == "sum"], order[order["kind"] == "line"]
    sums = sums.take(pa.array(summed["position"].to_numpy())).append_column(
        "_row", pa.array(summed["_row"].to_numpy(), pa.int64()))
    return sums, others.take(pa.array(lines_["position"].to_numpy())), lines_["_row"].to_numpy()


def _canonical(table, schema) -> dict:
    """The columns of ``schema`` (kam_xl.inputs.condense) from ``table``; an absent column is blank."""
    import ibis
    return {f.name: table[f.name].cast(ibis.dtype(f.type)) if f.name in table.columns else
            ibis.null(ibis.dtype(f.type)) for f in schema}


def database_grid(spec, source: DatabaseTable):
    """The source's rows as the reader's Grid (kam_xl.inputs.grids.frame_grid): typed, checked and reported
    as an extract file's rows are, named in messages by the URL without password and the table."""
    from kam_xl.inputs.files import frame_of
    from kam_xl.inputs.grids import frame_grid
    return frame_grid(frame_of(read_table(source)), source.label, "database")


def condensed_database_grid(spec, source: DatabaseTable, customers):
    """A Sales source condensed where it lives, as the reader's Grid (the lines that are not plain, their
    row numbers and the sums), or read whole (see :func:`condense_table`; ``customers``: the typed Customers,
    None when the book has none)."""
    from kam_xl.inputs.files import frame_of
    from kam_xl.inputs.grids import Grid
    condensed = None
    if customers is not None:
        condensed = condense_table(source, customers["CustomerID"].dropna().astype(str))
    if condensed is None:
        return database_grid(spec, source)
    frame = frame_of(condensed.lines)
    return Grid(list(frame.columns), frame, FIRST_ROW, 0, source.label, "database", row_numbers=condensed.rows,
                condensed=condensed)
