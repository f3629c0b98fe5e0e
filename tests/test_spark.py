"""Sales lines on Spark (pyspark in local mode, as a group's cluster would hold them): a partitioned Parquet
dataset condensed by Spark gives what DuckDB gives for the same lines, and a book whose Sales is on Spark
gives the workbook's figures. One Spark session for the module; Java 17 from Debian (.ci/run)."""
import shutil
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import small_book

import pg_server
from kam_xl.inputs import database
from kam_xl.inputs.database import condense_table, table_settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from sources import KNOWN, generate_lines  # noqa: E402 - the benchmark's lines (bench/sources.py)

LINES = 10_000_000


@pytest.fixture(scope="module")
def spark():
    if shutil.which("java") is None:
        pg_server.missing("Java not found (apt-get install openjdk-17-jre-headless)")
    try:
        import pyspark  # noqa: F401
    except ImportError:
        pg_server.missing("pyspark not installed (pip install 'kam-xl[spark]'; make installs it)")
    session = database.spark_session("local[2]")
    yield session
    session.stop()
    for key in [k for k in database._CONNECTIONS if k[0].startswith("local")]:
        del database._CONNECTIONS[key]


def _by_hand(folder) -> tuple[float, int, int]:
    """The known customers' NetRevenue, their lines and the others' lines, summed by pyarrow on its own."""
    import pyarrow.compute as pc
    import pyarrow.dataset as ds
    table = ds.dataset(folder, format="parquet", partitioning="hive").to_table(columns=["CustomerID", "NetRevenue"])
    number = pc.cast(pc.utf8_slice_codeunits(table.column("CustomerID"), 1), "int64")
    known = pc.less(number, KNOWN)
    revenue = pc.sum(pc.filter(table.column("NetRevenue"), known)).as_py()
    return revenue, pc.sum(pc.cast(known, "int64")).as_py(), table.num_rows - pc.sum(pc.cast(known, "int64")).as_py()


@pytest.mark.slow(150)
def test_ten_million_lines_condensed_by_spark_equal_duckdb(spark, tmp_path):
    folder = tmp_path / "sales_lines"
    generate_lines(folder, LINES)   # 20 lines to a document; C1990 .. C1999 are not customers: kept as read
    known = [f"C{i}" for i in range(KNOWN)]
    on_spark = condense_table(table_settings("Sales", {"url": "local[2]", "parquet": str(folder)}, tmp_path), known)
    in_duckdb = condense_table(table_settings("Sales", {"url": "duckdb://", "parquet": str(folder)}, tmp_path), known)
    revenue, plain, others = _by_hand(folder)
    assert on_spark.condensed_lines == in_duckdb.condensed_lines == plain
    assert len(on_spark.rows) == len(in_duckdb.rows) == others > 0
    assert len(on_spark.sums) == len(in_duckdb.sums) < plain / 10   # about one row per document and sign
    assert round(on_spark.sums["NetRevenue"].sum(), 2) == round(in_duckdb.sums["NetRevenue"].sum(), 2) == \
        round(revenue, 2)
    key = ["Date", "CustomerID", "DocumentNo", "NetRevenue"]
    spark_sums = on_spark.sums.sort_values(key, ignore_index=True)
    duckdb_sums = in_duckdb.sums.sort_values(key, ignore_index=True)
    for column in ("NetRevenue", "COGS", "Quantity"):   # every row to the cent
        assert np.array_equal(spark_sums[column].round(2), duckdb_sums[column].round(2)), column
    pd.testing.assert_frame_equal(spark_sums[["Date", "CustomerID", "DocumentNo", "Product"]],
                                  duckdb_sums[["Date", "CustomerID", "DocumentNo", "Product"]])
    assert on_spark.rows.tolist() == in_duckdb.rows.tolist()


def test_a_book_whose_sales_are_on_spark_gives_the_workbooks_figures(spark, tmp_path):
    """The small book's Sales as a month-partitioned dataset read by Spark; the rest from the workbook."""
    from kam_xl import analyze, read_workbook
    from kam_xl.authoring.template import write_template
    book_tables = small_book()
    sales = book_tables["Sales"].assign(month=book_tables["Sales"]["Date"].dt.strftime("%Y-%m"))
    sales.to_parquet(tmp_path / "sales", partition_cols=["month"])
    book = write_template(tmp_path / "book.xlsx", book_tables)
    on_spark = read_workbook(book, external={"Sales": table_settings(
        "Sales", {"url": "local[2]", "parquet": "sales"}, tmp_path)})
    from_book = read_workbook(book)
    said = [r for r in on_spark.dq.records if r["key"] == "source.condensed"]
    assert said and said[0]["values"]["plain"] == 8
    results, results_book = analyze(on_spark), analyze(from_book)
    for name in ("Profitability", "Classification", "Trend", "Receivables"):
        pd.testing.assert_frame_equal(results[name].round(2), results_book[name].round(2), check_dtype=False,
                                      obj=name)
    revenue = results["Profitability"].set_index("CustomerID")["NetRevenue"]
    assert revenue["A1"] == pytest.approx(1000 + 2000 - 200)
