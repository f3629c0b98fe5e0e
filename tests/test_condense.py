"""A large Sales file condensed as it is read (kam_xl.inputs.condense) gives the figures and the findings of
the same file read line by line. The size threshold is set to 0 so that small files take the condensed way."""
import numpy as np
import pandas as pd
import pytest

from kam_xl import analyze, read_workbook
from kam_xl.authoring.template import write_template
from kam_xl.domain.review import purchases_since
from kam_xl.inputs import reader


@pytest.fixture
def condensing(monkeypatch):
    monkeypatch.setattr(reader, "CONDENSE_FROM_BYTES", 0)


def _messy(sales: pd.DataFrame, customers: pd.Series) -> pd.DataFrame:
    """The demo's lines, each document's lines repeated, and below them the lines no sum may swallow."""
    first, second = customers.iloc[0], customers.iloc[1]
    lines = pd.concat([sales, sales.assign(Quantity=1.0, NetRevenue=sales["NetRevenue"] / 3)], ignore_index=True)
    day = sales["Date"].iloc[-1]
    def line(**values):
        return {"Date": day, "DocumentNo": "SO-X", "Quantity": 1.0, **values}

    odd = pd.DataFrame([line(**v) for v in (
        {"CustomerID": "ZZ999", "NetRevenue": 100.0, "COGS": 60.0},            # no such customer: Error per line
        {"CustomerID": first.lower(), "NetRevenue": 110.0, "COGS": 60.0},      # matched with a Warning
        {"CustomerID": " " + second, "NetRevenue": 120.0, "COGS": 60.0},       # trimmed when typed
        {"CustomerID": first, "NetRevenue": 130.0, "COGS": np.nan},            # cost unknown: its month too
        {"CustomerID": first, "NetRevenue": np.nan, "COGS": 10.0},             # no revenue: Error
        {"CustomerID": first, "NetRevenue": 140.0, "COGS": np.inf},            # not a number
        {"CustomerID": first, "Date": pd.NaT, "NetRevenue": 150.0, "COGS": 1.0},
        {"CustomerID": first, "Date": pd.Timestamp("1850-01-01"), "NetRevenue": 160.0, "COGS": 1.0},
        {"CustomerID": first, "DocumentNo": "SO 1", "NetRevenue": 170.0, "COGS": 1.0},   # typed trimmed? as read
        {"CustomerID": first, "DocumentNo": "RT1", "NetRevenue": -180.0, "COGS": -90.0},  # a return and a sale in
        {"CustomerID": first, "DocumentNo": "RT1", "NetRevenue": 50.0, "COGS": 20.0},     # one document, one day
        {"CustomerID": first, "DocumentNo": "RT1 ", "NetRevenue": 100.0, "COGS": 20.0},   # the same, typed RT1
        {"CustomerID": first, "Date": pd.Timestamp("2230-01-01"), "NetRevenue": 1.0, "COGS": 1.0},  # after 2199
        {"CustomerID": second, "DocumentNo": "Z0", "NetRevenue": 0.0, "COGS": 0.0},
        {"CustomerID": second, "Date": day + pd.Timedelta(hours=15), "NetRevenue": 190.0, "COGS": 5.0},
        {"CustomerID": second, "Quantity": np.nan, "NetRevenue": 200.0, "COGS": 5.0},
        {"CustomerID": second, "TaxRate": 150.0, "NetRevenue": 210.0, "COGS": 5.0},   # out of range: Error
        {"CustomerID": second, "TaxRate": 13.0, "NetRevenue": 220.0, "COGS": 5.0},
        {"CustomerID": "合计", "NetRevenue": 1e6, "COGS": 1e5},                         # a totals line
        {"CustomerID": "K-NEW", "DocumentNo": "RT2", "NetRevenue": -180.0, "COGS": -90.0},  # a day of K-NEW's
        {"CustomerID": "K-NEW", "DocumentNo": "RT2", "NetRevenue": 50.0, "COGS": 20.0},     # with a positive line
    )])
    odd["Date"] = odd["Date"].astype("datetime64[ns]")
    out = pd.concat([lines.assign(TaxRate=13.0), odd], ignore_index=True)
    out["Remark"] = np.where(out.index % 2 == 0, "a", "b")   # a column outside the contract
    return out


def _both_ways(book, file, **kwargs):
    """(inputs, results) read condensed and read line by line."""
    condensed = read_workbook(book, external={"Sales": file}, **kwargs)
    whole = read_workbook(book, external={"Sales": file}, condense=False, **kwargs)
    return (condensed, analyze(condensed)), (whole, analyze(whole))


def _assert_same(condensed, whole, expect_condensed=True):
    (inputs, results), (inputs_whole, results_whole) = condensed, whole
    said = [r for r in inputs.dq.records if r["key"] == "source.condensed"]
    assert bool(said) == expect_condensed
    records = [r for r in inputs.dq.records if r["key"] != "source.condensed"]
    assert records == inputs_whole.dq.records
    assert inputs.fatal == inputs_whole.fatal
    assert inputs["Sales"].dtypes.to_dict() == inputs_whole["Sales"].dtypes.to_dict()
    assert set(results.tables) == set(results_whole.tables)
    for name in set(results_whole.tables) - {"DataQuality", "About"}:   # to the last bit, not merely to the cent
        pd.testing.assert_frame_equal(results[name], results_whole[name], check_exact=True, obj=name)
    assert {**results.about, "RunTime": None} == {**results_whole.about, "RunTime": None}
    assert [r for r in results.dq.records if r["key"] != "source.condensed"] == results_whole.dq.records
    assert results.commentary == results_whole.commentary and results.facts == results_whole.facts
    return said


def _with_new_customer(tables: dict) -> dict:
    """The demo's tables but Sales, and one more customer, K-NEW, who only has a document with a return."""
    customers = tables["Customers"]
    return {**{k: v for k, v in tables.items() if k != "Sales"},
            "Customers": pd.concat([customers, customers.iloc[[0]].assign(CustomerID="K-NEW")], ignore_index=True)}


@pytest.mark.breaks_controls   # its 合计 line states 1,000,000 against 44.6M above it: the Controls say so
def test_messy_parquet_condensed_gives_the_figures_and_findings_of_its_lines(tmp_path, demo_tables, condensing):
    sales = _messy(demo_tables["Sales"], demo_tables["Customers"]["CustomerID"])
    sales.to_parquet(tmp_path / "sales.parquet")
    book = write_template(tmp_path / "book.xlsx", _with_new_customer(demo_tables))
    condensed, whole = _both_ways(book, tmp_path / "sales.parquet")
    said = _assert_same(condensed, whole)
    values = said[0]["values"]
    assert values["plain"] + values["others"] == len(sales)
    assert values["rows"] < values["plain"] / 2   # every document's lines were repeated, so sums are fewer
    # a day with a positive line is a purchase day (Review's PurchasesSince), even when a return outweighs it
    ids = pd.Index([*demo_tables["Customers"]["CustomerID"], "K-NEW"])
    as_of = demo_tables["Sales"]["Date"].max()   # the day of the odd lines (the file also holds one in 2230)
    after = as_of - pd.Timedelta(days=200)
    since = purchases_since(whole[0]["Sales"], after, as_of, ids)
    assert since["K-NEW"] == 1
    pd.testing.assert_series_equal(purchases_since(condensed[0]["Sales"], after, as_of, ids), since)
    # every line that is not plain kept its own row (its file line + 1 for the header)
    kept = set(condensed[0]["Sales"]["_row"])
    for position in (1, 2, 3, 8, 11):   # the odd lines that are typed and kept (the others are refused)
        assert len(sales) - 21 + position + 2 in kept
    # the findings name the lines that are not plain, as read line by line
    unknown = [r for r in whole[0].dq.records if r["key"] in ("key.unknown", "key.unknown_suggest")]
    assert [r["Row"] for r in unknown] == [len(sales) - 21 + 2]


@pytest.mark.breaks_controls   # its 合计 line states 1,000,000 against 44.6M above it: the Controls say so
def test_csv_condensed_gives_the_figures_of_its_lines(tmp_path, demo_tables, condensing):
    sales = _messy(demo_tables["Sales"], demo_tables["Customers"]["CustomerID"])
    sales.assign(Date=sales["Date"].dt.strftime("%Y-%m-%d")).to_csv(tmp_path / "sales.csv", index=False)
    book = write_template(tmp_path / "book.xlsx", _with_new_customer(demo_tables))
    _assert_same(*_both_ways(book, tmp_path / "sales.csv"))


def test_a_line_in_a_currency_means_nothing_is_summed(tmp_path, demo_tables, condensing):
    """Once one line has a currency, every line is converted and rounded one by one: no sums."""
    sales = demo_tables["Sales"].assign(Currency=None)
    sales.loc[5, "Currency"] = "USD"
    sales.to_parquet(tmp_path / "sales.parquet")
    rates = pd.DataFrame({"Currency": ["USD"], "Date": [pd.Timestamp("2020-01-01")], "Rate": [7.1]})
    book = write_template(tmp_path / "book.xlsx", {**{k: v for k, v in demo_tables.items() if k != "Sales"},
                                                   "FXRates": rates})
    _assert_same(*_both_ways(book, tmp_path / "sales.parquet"), expect_condensed=False)


def test_local_currency_amounts_are_summed_whatever_the_document_currency(tmp_path, demo_tables, condensing):
    """金额(本位币) with 币别 on every line (a Kingdee list): the reader ignores the currency, so lines are summed."""
    sales = demo_tables["Sales"].rename(columns={"NetRevenue": "金额(本位币)"}).assign(币别="人民币")
    sales.to_parquet(tmp_path / "sales.parquet")
    book = write_template(tmp_path / "book.xlsx", {k: v for k, v in demo_tables.items() if k != "Sales"})
    _assert_same(*_both_ways(book, tmp_path / "sales.parquet"))


def test_small_files_and_several_sources_are_read_line_by_line(tmp_path, demo_tables):
    demo_tables["Sales"].to_parquet(tmp_path / "sales.parquet")
    book = write_template(tmp_path / "book.xlsx", {k: v for k, v in demo_tables.items() if k != "Sales"})
    inputs = read_workbook(book, external={"Sales": tmp_path / "sales.parquet"})
    assert len(inputs["Sales"]) == len(demo_tables["Sales"])
    assert not [r for r in inputs.dq.records if r["key"] == "source.condensed"]


def test_a_csv_whose_later_lines_do_not_fit_the_first_block_is_read_whole(tmp_path, demo_tables, condensing):
    """pyarrow's streaming CSV reader types columns from the first block (1 MB); a text cost far below makes
    it fail where the whole read types the column as text. Then the file is read whole, as before."""
    sales = pd.concat([demo_tables["Sales"]] * 8, ignore_index=True).astype({"COGS": object})
    sales.loc[len(sales) - 1, "COGS"] = "zz"
    sales.assign(Date=sales["Date"].dt.strftime("%Y-%m-%d")).to_csv(tmp_path / "sales.csv", index=False)
    assert (tmp_path / "sales.csv").stat().st_size > 1 << 20   # beyond the first block
    book = write_template(tmp_path / "book.xlsx", {k: v for k, v in demo_tables.items() if k != "Sales"})
    condensed, whole = _both_ways(book, tmp_path / "sales.csv")
    _assert_same(condensed, whole, expect_condensed=False)
    assert [r["Row"] for r in whole[0].dq.records if r["Column"] == "COGS" and r["Severity"] == "Error"] == \
        [len(sales) + 1]


def test_the_document_test_has_no_anchor_and_refuses_a_final_newline():
    """A DocumentNo is plain when not empty and all printable ASCII without space. Said without ^ and $, which
    Spark (Java) and ICU read differently ($ also before a final newline: 'S1\\n' would pass there); in DuckDB
    'S1\\n', '', 'S 1' and '单1' are not plain, 'S1' and 'SO-1/2' are, and a blank one is."""
    import ibis

    from kam_xl.inputs.condense import projected_schema, plain_test
    documents = ["S1", "SO-1/2", "S1\n", "", "S 1", "单1", None]
    import pyarrow as pa
    n = len(documents)
    lines = ibis.memtable(pa.table({"CustomerID": ["A1"] * n, "Day": pa.array([pd.Timestamp("2026-01-10").date()] * n),
                                    "DocumentNo": pa.array(documents, pa.string()), "NetRevenue": [1.0] * n}))
    test = plain_test(lines, ibis.memtable({"CustomerID": ["A1"]}).CustomerID, {"DocumentNo"}, True)
    plain = ibis.duckdb.connect().to_pyarrow(lines.select(plain=test)).column("plain").to_pylist()
    assert plain == [True, True, False, False, False, False, True]
    schema = ibis.Schema.from_pyarrow(projected_schema())
    table = ibis.table(schema, name="lines")
    known = ibis.table({"CustomerID": "string"}, name="known")
    assert ibis.pyspark   # (loads the backend's options, which its compiler reads)
    for dialect in ("pyspark", "postgres", "duckdb", "oracle"):
        sql = ibis.to_sql(table.select(plain=plain_test(table, known.CustomerID, {"DocumentNo"}, True)),
                          dialect=dialect)
        assert "$'" not in sql and "'^" not in sql, dialect
