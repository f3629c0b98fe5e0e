"""Sales lines condensed where they live: `python bench/sources.py` (add --100m for 100M lines).

Generated sales lines (20 to a document, one customer and day each, 2,000 customers, partitioned by month
as a warehouse keeps them) are condensed by kam_xl.inputs.database.condense_table, the path a kam.toml's
``[tables.Sales]`` takes: 1M lines from a real PostgreSQL (tests/pg_server.py), and 1M and 10M (and 100M)
lines from a Parquet dataset through the embedded DuckDB and through a local Spark (``local[2]``). Each run
is a fresh process; the table gives its wall time (connection and Spark start-up included), the peak
memory of the Python process and of the Spark JVM beside it, and the rows that travelled from the source
(the summed rows plus the lines that are not plain, against the lines the source holds). Timings are not
asserted anywhere; the figures of one run are in docs/IMPORT.md.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CUSTOMERS, KNOWN, PER_DOCUMENT = 2000, 1990, 20   # C1990 .. C1999 are not in Customers: their lines travel
SIZES = {"1M": 1_000_000, "10M": 10_000_000, "100M": 100_000_000}


def generate_lines(folder: Path, lines: int) -> None:
    """``lines`` sales lines as a month-partitioned Parquet dataset in ``folder`` (see the module): amounts
    in cents from -20.00 to 1,979.99, COGS 60 % of the amount, every line of a document its own product."""
    import duckdb
    day = f"DATE '2025-01-01' + CAST(hash(i // {PER_DOCUMENT} + 7) % 730 AS INTEGER)"
    amount = "(CAST(hash(i + 1) % 200000 AS BIGINT) - 2000) / 100.0"
    with duckdb.connect() as db:
        db.execute(f"""COPY (
          SELECT 'C' || (hash(i // {PER_DOCUMENT}) % {CUSTOMERS}) AS CustomerID, {day} AS Date,
                 'D' || (i // {PER_DOCUMENT}) AS DocumentNo, 'P' || (i % {PER_DOCUMENT}) AS Product,
                 CAST(1 + hash(i) % 20 AS DOUBLE) AS Quantity, {amount} AS NetRevenue,
                 round({amount} * 0.6, 2) AS COGS, strftime({day}, '%Y-%m') AS month
          FROM range({lines}) t(i)) TO '{folder}' (FORMAT parquet, PARTITION_BY (month))""")


def measure(url: str, where: str, password: str | None) -> dict:
    """One condensing run in this process: seconds, peak MiB (Python; the Spark JVM's once it has ended),
    rows transferred."""
    import os
    if password:
        os.environ["KAM_XL_DB_PASSWORD"] = password
    from kam_xl.inputs import database
    key = "parquet" if where.startswith("/") else "table"
    source = database.table_settings("Sales", {"url": url, key: where}, Path("/"))
    started = time.perf_counter()
    condensed = database.condense_table(source, [f"C{i}" for i in range(KNOWN)])
    seconds = time.perf_counter() - started
    python, jvm = _peak("self"), 0.0
    if database.SPARK_MASTER.match(url):   # the JVM py4j started beside this process
        jvm = _peak(database.spark_session(url).sparkContext._gateway.proc.pid)
    return {"seconds": seconds, "python_mib": python, "jvm_mib": jvm, "lines": condensed.condensed_lines +
            len(condensed.rows), "transferred": len(condensed.sums) + len(condensed.rows)}


def _peak(process) -> float:
    """A process's peak resident memory (VmHWM), MiB."""
    return int(open(f"/proc/{process}/status").read().split("VmHWM:")[1].split()[0]) / 1024


def _run(url: str, where: str, password: str | None = None) -> dict:
    command = [sys.executable, __file__, "--measure", url, where] + ([password] if password else [])
    done = subprocess.run(command, capture_output=True, text=True, timeout=7200, cwd=ROOT)
    if done.returncode:
        raise SystemExit(f"{url} {where}: {done.stderr.strip().splitlines()[-1]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _postgres_run(folder: Path) -> dict:
    """1M lines loaded into a fresh PostgreSQL (tests/pg_server.py), then condensed there."""
    import duckdb
    sys.path.insert(0, str(ROOT / "tests"))
    import pg_server
    server = pg_server.start()
    try:
        csv = server.folder / "lines.csv"
        with duckdb.connect() as db:
            db.execute(f"COPY (SELECT * EXCLUDE (month) FROM read_parquet('{folder}/**/*.parquet')) TO '{csv}' "
                       "(HEADER)")
        server.psql("CREATE TABLE sales_lines (\"CustomerID\" text, \"Date\" date, \"DocumentNo\" text, "
                    "\"Product\" text, \"Quantity\" float8, \"NetRevenue\" float8, \"COGS\" float8)")
        server.psql(f"COPY sales_lines FROM '{csv}' (FORMAT csv, HEADER); GRANT SELECT ON sales_lines TO "
                    f"{pg_server.USER}; ANALYZE sales_lines")
        return _run(server.url, "sales_lines", pg_server.PASSWORD)
    finally:
        pg_server.stop(server)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--100m", dest="hundred", action="store_true", help="also 100M lines (DuckDB, Spark)")
    parser.add_argument("--measure", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(*args.measure[:2], args.measure[2] if len(args.measure) > 2 else None)))
        return
    rows = []
    with tempfile.TemporaryDirectory(prefix="kam_sources_") as scratch:
        for size in ["1M", "10M"] + (["100M"] if args.hundred else []):
            folder = Path(scratch) / size
            generate_lines(folder, SIZES[size])
            if size == "1M":
                rows.append(("PostgreSQL 15", size, _postgres_run(folder)))
            rows.append(("Parquet, DuckDB", size, _run("duckdb://", str(folder))))
            rows.append(("Parquet, Spark local[2]", size, _run("local[2]", str(folder))))
    print(f"{'source':<24}{'lines':>7}{'seconds':>9}{'Python MiB':>12}{'JVM MiB':>9}{'rows transferred':>18}")
    for source, size, result in rows:
        jvm = f"{result['jvm_mib']:,.0f}" if "Spark" in source else "-"
        print(f"{source:<24}{size:>7}{result['seconds']:>9.1f}{result['python_mib']:>12,.0f}{jvm:>9}"
              f"{result['transferred']:>12,} of {result['lines'] / 1e6:,.0f}M")


if __name__ == "__main__":
    main()
