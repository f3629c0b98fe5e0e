"""Tables read from a real PostgreSQL (tests/pg_server.py): the same figures as the same book read from a
workbook, the condense step run in the database, and each failure one line naming the table and the host."""
import pandas as pd
import pyarrow as pa
import pytest
from conftest import small_book

import pg_server
from kam_xl.inputs import database
from kam_xl.inputs.condense import condense_sales
from kam_xl.inputs.database import DatabaseTable, condense_table, read_table, safe_url, table_settings
from kam_xl.inputs.safe_io import InputError

LEDGER_TABLES = ("Customers", "Sales", "Invoices", "Payments")


@pytest.fixture(scope="session")
def pg():
    """One server for the session, the small book's Customers, Sales, Invoices and Payments loaded as typed
    tables (dates as date, amounts as double precision), and a Kingdee view over Sales."""
    import ibis
    server = pg_server.start()
    try:
        con = ibis.postgres.connect(host="127.0.0.1", port=server.port, user=pg_server.USER,
                                    password=pg_server.PASSWORD, database=pg_server.DATABASE)
        for name, frame in small_book().items():
            if name in LEDGER_TABLES:
                con.create_table(name.lower(), _typed(frame))
        con.raw_sql('CREATE VIEW t_sal_outstock AS SELECT "DocumentNo" AS "单据编号", "Date" AS "日期", '
                    '"CustomerID" AS "客户编码", "NetRevenue" AS "金额(本位币)", "COGS" AS "总成本" FROM sales')
        con.disconnect()
        yield server
    finally:
        pg_server.stop(server)


@pytest.fixture
def password(monkeypatch):
    monkeypatch.setenv(database.PASSWORD_VARIABLE, pg_server.PASSWORD)


def _typed(frame: pd.DataFrame) -> pa.Table:
    """A book's table as a database holds it: dates as dates, numbers as double precision, text as text."""
    columns = {}
    for name, values in frame.items():
        if pd.api.types.is_datetime64_any_dtype(values):
            columns[name] = pa.array(values.dt.date, pa.date32(), from_pandas=True)
        elif pd.api.types.is_numeric_dtype(values):
            columns[name] = pa.array(values.astype("float64"), pa.float64(), from_pandas=True)
        else:
            columns[name] = pa.array(values.astype(object).where(values.notna(), None), pa.string())
    return pa.table(columns)


def source(server, contract: str, **settings) -> DatabaseTable:
    return table_settings(contract, {"url": server.url, "table": contract.lower(), **settings}, server.folder)


def test_a_table_is_read_with_its_rows_and_types(pg, password):
    """(The URL's query passes the driver's own settings on: here libpq's application_name.)"""
    sales = table_settings("Sales", {"url": pg.url + "?application_name=kam-xl", "table": "sales"}, pg.folder)
    read = read_table(sales).to_pandas()
    book = small_book()["Sales"]
    assert list(read.columns) == list(book.columns)
    assert read["NetRevenue"].tolist() == [2000, 1000, 2000, -200, 500, 700, 300, -300]
    assert read["DocumentNo"].tolist() == book["DocumentNo"].tolist()
    assert pd.to_datetime(read["Date"]).tolist() == book["Date"].tolist()


def test_the_kingdee_preset_names_a_views_columns(pg, password):
    """t_sal_outstock's captions (单据编号, 日期, 客户编码, 金额(本位币), 总成本) read as the contract's columns."""
    read = read_table(source(pg, "Sales", table="t_sal_outstock", preset="kingdee")).to_pandas()
    assert {"DocumentNo", "Date", "CustomerID", "NetRevenue", "COGS"} <= set(read.columns)
    assert read["COGS"].sum() == 1000 + 600 + 1100 - 120 + 450 + 500 + 200 - 200


def test_condensed_in_the_database_as_in_duckdb(pg, password):
    """The plain test and the sums run in PostgreSQL give the sums DuckDB gives for the same lines in a file;
    D4 is left out of the known IDs, so its two lines are kept as read. A table has no order of its own: its
    rows are numbered by Date (then customer, document, amount), so D4's lines of 2026-04-01 and 2026-04-05
    are rows 7 and 8 (in the file, 8 and 9: its 7th and 8th lines)."""
    known = ["A1", "B2", "C3"]
    in_pg = condense_table(source(pg, "Sales"), known)
    lines = pa.Table.from_pandas(small_book()["Sales"], preserve_index=False)
    columns = {name: i for i, name in enumerate(lines.column_names)}
    in_duckdb = condense_sales(iter(lines.to_batches()), lines.schema, columns, known, 2, False)
    assert in_pg.rows.tolist() == [7, 8] and in_duckdb.rows.tolist() == [8, 9]
    assert in_pg.lines.column("DocumentNo").to_pylist() == ["S5", "R2"]
    assert in_pg.condensed_lines == in_duckdb.condensed_lines == 6
    by_key = ["Date", "CustomerID", "DocumentNo", "NetRevenue"]
    pd.testing.assert_frame_equal(in_pg.sums.drop(columns="_row").sort_values(by_key, ignore_index=True),
                                  in_duckdb.sums.drop(columns="_row").sort_values(by_key, ignore_index=True))
    assert in_pg.sums["NetRevenue"].sum() == 2000 + 1000 + 2000 - 200 + 500 + 700
    assert in_pg.sums["_row"].tolist() == [2, 3, 4, 5, 6, 9]


def test_the_url_never_shows_a_password():
    assert safe_url("postgresql://kam:secret@db.example.com:5432/ledgers") == \
        "postgresql://kam@db.example.com:5432/ledgers"
    with pytest.raises(InputError, match="KAM_XL_DB_PASSWORD") as refused:
        table_settings("Sales", {"url": "postgresql://kam:secret@db:5432/x", "table": "s"}, None)
    assert "secret" not in str(refused.value)
    with pytest.raises(InputError, match="KAM_XL_DB_PASSWORD"):
        table_settings("Sales", {"url": "mssql://kam@db:1433/x?driver=FreeTDS&PWD=secret", "table": "s"}, None)


@pytest.mark.parametrize("language, words", [("en", "refused the login"), ("zh-CN", "拒绝登录")])
def test_a_wrong_password_is_one_line(pg, monkeypatch, language, words):
    monkeypatch.setenv(database.PASSWORD_VARIABLE, "not-the-password")
    wrong = table_settings("Payments", {"url": pg.url, "table": "payments"}, None, language)
    message = _failure(lambda: read_table(wrong))
    assert words in message and "Payments" in message and f"127.0.0.1:{pg.port}" in message


def test_an_unreachable_host_is_one_line(password):
    closed = pg_server._free_port()   # nothing listens there
    gone = table_settings("Invoices", {"url": f"postgresql://kam@127.0.0.1:{closed}/ledgers", "table": "x"}, None)
    message = _failure(lambda: read_table(gone))
    assert message.startswith("Invoices: cannot connect to 127.0.0.1:") and str(closed) in message


def test_a_missing_table_is_one_line(pg, password):
    message = _failure(lambda: read_table(source(pg, "Sales", table="sales_2031")))
    assert message.startswith(f"Sales: 127.0.0.1:{pg.port} has no such table") and "sales_2031" in message


def test_a_column_the_map_cannot_find_is_one_line(pg, password):
    message = _failure(lambda: read_table(source(pg, "Sales", map={"NetRevenue": "amount_lc"})))
    assert message.startswith("Sales: no column for NetRevenue (amount_lc)") and f"127.0.0.1:{pg.port}" in message
    message = _failure(lambda: read_table(source(pg, "Invoices", table="payments")))   # no InvoiceDate
    assert message.startswith("Invoices: no column for InvoiceDate")


def _failure(action) -> str:
    """The one line a failure says; never the password, never a traceback."""
    with pytest.raises(InputError) as failed:
        action()
    message = str(failed.value)
    assert "\n" not in message and pg_server.PASSWORD not in message and "not-the-password" not in message
    assert failed.value.__cause__ is None and (failed.value.__context__ is None or failed.value.__suppress_context__)
    return message


def test_settings_say_what_is_wrong(tmp_path):
    with pytest.raises(InputError, match="one of table, query or parquet"):
        table_settings("Sales", {"url": "postgresql://kam@db/x", "table": "a", "query": "SELECT 1"}, tmp_path)
    with pytest.raises(InputError, match="not a table of the contract"):
        table_settings("Orders", {"url": "postgresql://kam@db/x", "table": "a"}, tmp_path)
    with pytest.raises(InputError, match="not columns of Sales"):
        table_settings("Sales", {"url": "postgresql://kam@db/x", "table": "a", "map": {"Amount": "x"}}, tmp_path)


def _ledger_sources(server) -> dict:
    return {name: source(server, name) for name in LEDGER_TABLES}


@pytest.fixture(scope="module")
def both_ways(pg, tmp_path_factory):
    """(inputs, results) of the small book read from a workbook, and with its Customers, Sales, Invoices and
    Payments read from PostgreSQL (the rest from the same workbook)."""
    from kam_xl import analyze, read_workbook
    from kam_xl.authoring.template import write_template
    book = write_template(tmp_path_factory.mktemp("book") / "book.xlsx", small_book())
    with pytest.MonkeyPatch.context() as patch:   # (the module's fixture outlives a test's monkeypatch)
        patch.setenv(database.PASSWORD_VARIABLE, pg_server.PASSWORD)
        from_db = read_workbook(book, external=_ledger_sources(pg))
    from_book = read_workbook(book)
    return (from_db, analyze(from_db)), (from_book, analyze(from_book))


def test_every_figure_equals_the_workbooks(both_ways):
    """Every output table, cell by cell, to the cent (amounts summed in PostgreSQL, not by pandas)."""
    (inputs, results), (inputs_book, results_book) = both_ways
    assert inputs.fatal == inputs_book.fatal == []
    for name in set(results_book.tables) - {"About", "DataQuality"}:
        pd.testing.assert_frame_equal(_cents(results[name]), _cents(results_book[name]), obj=name,
                                      check_dtype=False)
    # the hand-checked figures of tests/test_small_book.py
    revenue = results["Profitability"].set_index("CustomerID")["NetRevenue"]
    assert revenue["A1"] == pytest.approx(1000 + 2000 - 200) and revenue["B2"] == pytest.approx(500 + 700)


def test_data_quality_and_the_ledgers_equal_the_workbooks(both_ways):
    """The same findings (the condensed Sales says so in one more Info line), and the Controls' ledger rows:
    lines read = used + rejected, in rows and amount, for Sales, Invoices and Payments."""
    (inputs, results), (inputs_book, results_book) = both_ways
    said = [r for r in inputs.dq.records if r["key"] == "source.condensed"]
    assert len(said) == 1 and said[0]["values"]["plain"] == 8 and said[0]["values"]["others"] == 0
    assert pg_server.PASSWORD not in str(said)
    assert [_finding(r) for r in inputs.dq.records if r["key"] != "source.condensed"] == \
        [_finding(r) for r in inputs_book.dq.records]
    for name in ("Sales", "Invoices", "Payments"):
        db, book = inputs.ledgers[name], inputs_book.ledgers[name]
        assert (db.read_rows, db.used_rows, len(db.rejected)) == (book.read_rows, book.used_rows, len(book.rejected))
        assert db.read_amount == pytest.approx(book.read_amount, abs=0.005)
    controls = results["Controls"].drop(columns=[c for c in results["Controls"] if "Note" in c], errors="ignore")
    book_controls = results_book["Controls"].drop(columns=[c for c in results_book["Controls"] if "Note" in c],
                                                  errors="ignore")
    pd.testing.assert_frame_equal(_cents(controls), _cents(book_controls), check_dtype=False)


def _finding(record: dict) -> tuple:
    return record["Severity"], record["Table"], record["Column"], record["key"]


def _cents(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.apply(lambda c: c.round(2) if pd.api.types.is_float_dtype(c) else c).reset_index(drop=True)


def _kam_toml(folder, server):
    """A kam.toml: the small book's workbook, its Customers, Sales, Invoices and Payments in PostgreSQL."""
    from kam_xl.authoring.template import write_template
    write_template(folder / "book.xlsx", small_book())
    tables = "".join(f'\n[tables.{name}]\nurl = "{server.url}"\ntable = "{name.lower()}"\n' for name in LEDGER_TABLES)
    (folder / "kam.toml").write_text(f'inputs = ["book.xlsx"]\nout_dir = "summaries"\n{tables}', encoding="utf-8")
    return folder / "kam.toml"


def _password_nowhere(folder, *texts) -> None:
    """The password is in no file under ``folder`` (the summaries' zip members unpacked) and in no text."""
    import zipfile
    secret = pg_server.PASSWORD.encode()
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert secret not in data, path
            if zipfile.is_zipfile(path):
                with zipfile.ZipFile(path) as book:
                    assert not [m for m in book.namelist() if secret in book.read(m)], path
    assert not [t for t in texts if pg_server.PASSWORD in t]


def test_a_build_from_kam_toml_equals_the_workbooks(pg, password, tmp_path, capsys):
    """kam.toml with Customers, Sales, Invoices and Payments in PostgreSQL builds the workbook's summary
    figures; the password is in no file written and no message."""
    from kam_xl.app.build import build_file
    from kam_xl.app.config import load_config
    from kam_xl.render.results_reader import read_results
    settings = load_config(_kam_toml(tmp_path, pg))
    assert set(settings["tables"]) == set(LEDGER_TABLES)
    from_db = build_file(settings["inputs"][0], out_dir=tmp_path / "summaries", external=settings["tables"])
    from_book = build_file(settings["inputs"][0], out_dir=tmp_path / "book_only")
    assert from_db.exit_code == from_book.exit_code == 0, from_db.message
    db, book = read_results(from_db.outputs[0]), read_results(from_book.outputs[0])   # every table, by name
    for name in ("Profitability", "Classification", "Receivables", "KPIs", "Controls"):
        pd.testing.assert_frame_equal(_cents(db[name]), _cents(book[name]), check_dtype=False,
                                      obj=name)
    captured = capsys.readouterr()
    _password_nowhere(tmp_path, from_db.message, captured.out, captured.err)


def test_kam_xl_build_with_tables_in_postgresql(pg, tmp_path):
    """The command itself: `kam-xl build --config kam.toml`, the password in the environment only."""
    import os
    import subprocess
    import sys
    config = _kam_toml(tmp_path, pg)
    environment = {**os.environ, database.PASSWORD_VARIABLE: pg_server.PASSWORD}
    run = subprocess.run([sys.executable, "-m", "kam_xl.app.cli", "build", "--config", str(config)],
                         capture_output=True, text=True, env=environment, timeout=300)
    _password_nowhere(tmp_path, run.stdout, run.stderr)
    assert run.returncode == 0, run.stderr
    summary = tmp_path / "summaries" / "book_Summary.xlsx"
    from kam_xl.render.results_reader import read_results
    revenue = read_results(summary)["Profitability"].set_index("CustomerID")["NetRevenue"]
    assert revenue["A1"] == pytest.approx(1000 + 2000 - 200)
    findings = read_results(summary)["DataQuality"].apply(lambda row: " ".join(map(str, row)), axis=1)
    said = [text for text in findings if "were summed" in text]
    assert said and pg.url in said[0]   # the URL without password names where Sales came from
    about = read_results(summary)["About"].apply(lambda row: " ".join(map(str, row)), axis=1)
    remote = [text for text in about if "DatabaseTables" in text]
    # About names each table that came from the database, by its URL without password
    assert remote and all(f"{table}: {pg.url}" in remote[0] for table in ("Customers", "Sales", "Invoices", "Payments"))


def test_a_wrong_password_from_kam_toml_is_one_line_and_exit_2(pg, tmp_path):
    """`kam-xl build --config` with the wrong password: one line on stderr naming the table and the host (the
    first of the four read, whichever the reader takes first)."""
    import os
    import subprocess
    import sys
    config = _kam_toml(tmp_path, pg)
    environment = {**os.environ, database.PASSWORD_VARIABLE: "not-the-password"}
    run = subprocess.run([sys.executable, "-m", "kam_xl.app.cli", "build", "--config", str(config)],
                         capture_output=True, text=True, env=environment, timeout=300)
    assert "Traceback" not in run.stderr and "not-the-password" not in run.stdout + run.stderr
    said = [line for line in run.stderr.splitlines() if "refused the login" in line]
    assert run.returncode == 2 and len(said) == 1 and f"127.0.0.1:{pg.port}" in said[0]
    assert said[0].startswith("error: ") and said[0][len("error: "):].split(":")[0] in LEDGER_TABLES


def test_a_backend_that_cannot_say_the_plain_test_reads_sales_whole(tmp_path, monkeypatch):
    """ibis 12 cannot compile a regular expression for SQL Server (the DocumentNo test): then nothing is
    condensed there and the lines are read whole, never a failure or a wrong sum. Shown on DuckDB with its
    compiler made to refuse as SQL Server's does."""
    from ibis.common.exceptions import OperationNotDefinedError
    small_book()["Sales"].to_parquet(tmp_path / "sales.parquet")
    sales = table_settings("Sales", {"url": "duckdb://", "parquet": "sales.parquet"}, tmp_path)
    assert condense_table(sales, ["A1", "B2", "D4"]).condensed_lines == 8
    backend = database.connect(sales)

    def refuse(*args, **kwargs):
        raise OperationNotDefinedError("Compilation rule for 'RegexSearch' operation is not defined")
    monkeypatch.setattr(backend, "compile", refuse)
    assert condense_table(sales, ["A1", "B2", "D4"]) is None
    monkeypatch.undo()   # the reader then reads the table whole (kam_xl.inputs.database.condensed_database_grid)
    assert read_table(sales).num_rows == 8


def test_without_regular_expressions_documents_are_tested_on_the_sums(pg, password, monkeypatch):
    """SQL Server's SQL (in ibis 12) has no regular expressions and no rows of values: the DocumentNo test
    then runs on the summed rows' documents, and a document that is not plain ASCII ('S 9', with a space)
    has its lines taken back and read one by one; a repeated line is found by its values as text. The same
    result as PostgreSQL's own SQL gives."""
    import ibis
    lines = small_book()["Sales"]
    odd = pd.concat([lines, lines.iloc[[1, 1]].assign(DocumentNo="S 9", NetRevenue=[10.0, 20.0])], ignore_index=True)
    con = ibis.postgres.connect(host="127.0.0.1", port=pg.port, user=pg_server.USER, password=pg_server.PASSWORD,
                                database=pg_server.DATABASE)
    con.create_table("sales_odd", _typed(odd))
    con.create_table("sales_twice", _typed(pd.concat([lines, lines.iloc[[2]]], ignore_index=True)))
    con.disconnect()
    odd_source, twice = source(pg, "Sales", table="sales_odd"), source(pg, "Sales", table="sales_twice")
    in_sql = condense_table(odd_source, ["A1", "B2", "D4"])
    assert condense_table(twice, ["A1", "B2", "D4"]) is None   # a repeated line: read one by one
    monkeypatch.setattr(database, "says_regex", lambda backend: False)
    monkeypatch.setattr(database, "says_rows", lambda backend: False)
    assert condense_table(twice, ["A1", "B2", "D4"]) is None
    here = condense_table(odd_source, ["A1", "B2", "D4"])
    assert here.lines.column("DocumentNo").to_pylist() == in_sql.lines.column("DocumentNo").to_pylist() == \
        ["S 9", "S 9"]
    assert here.rows.tolist() == in_sql.rows.tolist()
    pd.testing.assert_frame_equal(here.sums, in_sql.sums)
    assert here.condensed_lines == 8


def test_kam_toml_tables_are_checked_when_the_file_is_read(tmp_path):
    """[tables.<Table>] in kam.toml: a URL with a password or an unknown setting is refused with one line
    naming the file (the password not repeated); a dataset path is relative to kam.toml."""
    from kam_xl.app.config import load_config
    config = tmp_path / "kam.toml"
    config.write_text('inputs = ["b.xlsx"]\nlang = "zh-CN"\n[tables.Sales]\nurl = "local[2]"\nparquet = "lines"\n',
                      encoding="utf-8")
    sales = load_config(config)["tables"]["Sales"]
    assert (sales.parquet, sales.language, sales.host) == (tmp_path / "lines", "zh-CN", "local[2]")
    config.write_text('[tables.Sales]\nurl = "postgresql://kam:hunter2@db:5432/x"\ntable = "s"\n', encoding="utf-8")
    with pytest.raises(InputError, match="KAM_XL_DB_PASSWORD") as refused:
        load_config(config)
    assert str(refused.value).startswith(str(config)) and "hunter2" not in str(refused.value)
    config.write_text('[tables.Sales]\nurl = "postgresql://kam@db/x"\ntable = "s"\nschema = "x"\n', encoding="utf-8")
    with pytest.raises(InputError, match="unknown setting"):
        load_config(config)


def test_numeric_amounts_read_as_numbers_and_sales_condenses(pg, password, tmp_path):
    """An ERP keeps amounts as NUMERIC/DECIMAL (Arrow decimal128, pandas Decimal): Invoices and Sales with
    NUMERIC(18,2) amounts give the workbook's figures (A1's revenue 1000 + 2000 - 200, B2's 500 + 700) and Sales
    is still condensed in PostgreSQL (its 8 lines summed)."""
    import ibis

    from kam_xl import analyze, read_workbook
    from kam_xl.authoring.template import write_template
    con = ibis.postgres.connect(host="127.0.0.1", port=pg.port, user=pg_server.USER, password=pg_server.PASSWORD,
                                database=pg_server.DATABASE)
    for name in ("sales", "invoices"):
        con.raw_sql(f"CREATE TABLE {name}_numeric AS SELECT * FROM {name}")
        amounts = [c for c in con.table(name).columns if c in ("NetRevenue", "COGS", "Quantity", "GrossAmount",
                                                                     "Amount", "AmountDue", "InvoiceAmount")]
        for column in amounts:
            con.raw_sql(f'ALTER TABLE {name}_numeric ALTER COLUMN "{column}" TYPE NUMERIC(18,2)')
    con.disconnect()
    book = write_template(tmp_path / "book.xlsx", small_book())
    tables = {name: source(pg, name) for name in LEDGER_TABLES}
    tables |= {"Sales": source(pg, "Sales", table="sales_numeric"),
               "Invoices": source(pg, "Invoices", table="invoices_numeric")}
    assert pa.types.is_decimal(read_table(tables["Sales"]).schema.field("NetRevenue").type) is False
    pg.psql('CREATE OR REPLACE VIEW codes AS SELECT CAST(1001 AS NUMERIC(10,0)) AS "CustomerID", '
            'CAST(12.50 AS NUMERIC(28,10)) AS "CreditLimit"; GRANT SELECT ON codes TO kam')
    codes = table_settings("Customers", {"url": pg.url, "table": "codes"}, None)
    read = read_table(codes)
    assert read.to_pylist() == [{"CustomerID": 1001, "CreditLimit": 12.5}]
    assert [str(t) for t in read.schema.types] == ["int64", "double"]   # a code without decimals, an amount
    from_db, from_book = read_workbook(book, external=tables), read_workbook(book)
    assert from_db.fatal == [] and [r for r in from_db.dq.records if r["key"] == "source.condensed"][0][
        "values"]["plain"] == 8
    results, results_book = analyze(from_db), analyze(from_book)
    revenue = results["Profitability"].set_index("CustomerID")["NetRevenue"]
    assert revenue["A1"] == pytest.approx(1000 + 2000 - 200) and revenue["B2"] == pytest.approx(500 + 700)
    for name in ("Profitability", "Receivables", "KPIs"):
        pd.testing.assert_frame_equal(_cents(results[name]), _cents(results_book[name]), obj=name, check_dtype=False)
    assert from_db.ledgers["Invoices"].read_amount == pytest.approx(from_book.ledgers["Invoices"].read_amount)


@pytest.mark.parametrize("url, parquet, said", [
    ("sc://spark.example.com:15002/;token=SECRET", None, "token"),
    ("sc://spark.example.com:15002;Token=SECRET", None, "Token"),
    ("postgresql://kam@db/x?sslpassword=SECRET", None, "sslpassword"),
    ("mssql://kam@db/x?odbc_connect=DRIVER%3DFreeTDS%3BPWD%3DSECRET", None, "PWD"),
    ("mssql://kam@db/x?driver=FreeTDS;Pwd=SECRET", None, "Pwd"),
    ("postgresql://kam@db/x?api_key=SECRET", None, "api_key"),
    ("local[2]", "s3a://AKIA:SECRET@bucket/sales/", ""),
    ("local[2]", "abfss://lines@account.dfs.core.windows.net/sales/?sv=2024&sig=SECRET", "sig"),
])
def test_a_url_with_a_secret_is_refused_without_repeating_it(url, parquet, said):
    """A password, token, signature or key anywhere in the url (before the host, in its query, in Spark Connect's
    ;settings, inside an ODBC connection string) or in a Parquet dataset's URL: refused in one line naming the
    setting and KAM_XL_DB_PASSWORD, never the secret."""
    settings = {"url": url, **({"parquet": parquet} if parquet else {"table": "s"})}
    with pytest.raises(InputError, match="KAM_XL_DB_PASSWORD") as refused:
        table_settings("Sales", settings, None)
    message = str(refused.value)
    assert "SECRET" not in message and "\n" not in message
    assert f"({said})" in message if said else "(" not in message.split("KAM_XL_DB_PASSWORD")[0]


@pytest.mark.parametrize("key", ["host", "user", "port", "dbname", "database", "Host"])
def test_a_query_that_moves_the_connection_is_refused(key):
    """?host= (or user, port, dbname, database) would connect elsewhere than the url (and the messages) say."""
    with pytest.raises(InputError, match=f"\\?{key}= would connect elsewhere"):
        table_settings("Sales", {"url": f"postgresql://kam@db:5432/x?{key}=other", "table": "s"}, None)


def test_messages_name_scheme_user_host_port_and_path_only():
    """label and host never show a query or Spark Connect's ;settings (whatever built the DatabaseTable)."""
    spark = DatabaseTable("Sales", "sc://spark.example.com:15002/;token=SECRET", parquet="s3a://k:SECRET@b/sales/?x=1")
    assert (spark.host, spark.label) == ("sc://spark.example.com:15002/",
                                         "sc://spark.example.com:15002/ s3a://k@b/sales/")
    pg_ = DatabaseTable("Sales", "postgresql://kam:SECRET@db.example.com:5432/ledgers?sslpassword=SECRET", "s")
    assert (pg_.host, pg_.label) == ("db.example.com:5432", "postgresql://kam@db.example.com:5432/ledgers s")
    assert DatabaseTable("Sales", "local[2]", parquet="lines").host == "local[2]"
    allowed = table_settings("Sales", {"url": "sc://spark.example.com:15002/;user_id=kam", "table": "s"}, None)
    assert allowed.label == "sc://spark.example.com:15002/ s"


def test_a_summed_customer_must_be_exactly_a_known_id():
    """'a1', 'A1 ' and 'Ａ１' are not 'A1' (a collation without case, trailing spaces or width would say they are)."""
    sums = pa.table({"CustomerID": ["A1", "B2", "A1"]})
    assert database.only_known(sums, ["A1", "B2", "C3"])
    assert database.only_known(sums.slice(0, 0), ["A1"])
    for odd in ("a1", "A1 ", "Ａ１", None):
        assert not database.only_known(pa.table({"CustomerID": pa.array(["B2", odd], pa.string())}), ["A1", "B2"])


def test_a_case_blind_collation_reads_sales_whole(pg, password):
    """PostgreSQL with a case-insensitive (ICU, nondeterministic) collation on CustomerID, as SQL Server's and
    MySQL's defaults are: 'a1' passes isin(['A1', ...]) there and would be summed as a customer; the summed IDs are
    checked against the known ones, so Sales is read whole instead (every line then checked by the reader)."""
    import ibis
    con = ibis.postgres.connect(host="127.0.0.1", port=pg.port, user=pg_server.USER, password=pg_server.PASSWORD,
                                database=pg_server.DATABASE)
    con.raw_sql("CREATE COLLATION IF NOT EXISTS blind (provider = icu, locale = 'und-u-ks-level2', "
                "deterministic = false)")
    con.raw_sql('CREATE TABLE sales_blind AS SELECT * FROM sales')
    con.raw_sql('ALTER TABLE sales_blind ALTER COLUMN "CustomerID" TYPE text COLLATE blind')
    con.raw_sql('''UPDATE sales_blind SET "CustomerID" = 'a1' WHERE "DocumentNo" = 'S1' ''')
    con.disconnect()
    blind = source(pg, "Sales", table="sales_blind")
    assert read_table(blind).column("CustomerID").to_pylist().count("a1") >= 1
    assert condense_table(blind, ["A1", "B2", "C3"]) is None
    assert condense_table(source(pg, "Sales"), ["A1", "B2", "C3"]) is not None   # the same lines, exact collation


def test_sql_server_and_mysql_never_condense_in_the_source(tmp_path, monkeypatch):
    """Their default collations ignore case and trailing spaces: Sales is read whole there (shown on DuckDB
    counted among them)."""
    small_book()["Sales"].to_parquet(tmp_path / "sales.parquet")
    sales = table_settings("Sales", {"url": "duckdb://", "parquet": "sales.parquet"}, tmp_path)
    assert condense_table(sales, ["A1", "B2", "D4"]).condensed_lines == 8
    assert {"mssql", "mysql"} <= database.CASE_BLIND
    monkeypatch.setattr(database, "CASE_BLIND", {"duckdb"})
    assert condense_table(sales, ["A1", "B2", "D4"]) is None


def test_the_connection_cache_holds_no_password_and_forgets_a_dead_connection(pg, password, monkeypatch):
    """Connections are kept per URL and the password's SHA-256 (not the password); a query that fails as a lost
    connection drops its connection, so the next one connects anew; disconnect_all closes them all."""
    import hashlib
    payments = source(pg, "Payments")
    assert read_table(payments).num_rows == 7
    key = (pg.url, hashlib.sha256(pg_server.PASSWORD.encode()).hexdigest())
    assert key in database._CONNECTIONS
    assert not [k for k in database._CONNECTIONS if pg_server.PASSWORD in k]
    backend = database._CONNECTIONS[key]

    def lost(*args, **kwargs):
        raise ConnectionError("server closed the connection unexpectedly")
    monkeypatch.setattr(backend, "to_pyarrow", lost)
    assert "cannot connect" in _failure(lambda: read_table(payments))
    assert key not in database._CONNECTIONS
    assert read_table(payments).num_rows == 7 and database._CONNECTIONS[key] is not backend
    database.disconnect_all()
    assert database._CONNECTIONS == {}


def test_a_duckdb_file_is_read_only_relative_to_kam_toml_and_must_exist(tmp_path, monkeypatch):
    """duckdb://ledgers.duckdb is kam.toml's folder's file (whatever the working folder), opened read-only; a file
    that is not there is refused in one line (DuckDB would create an empty one)."""
    import duckdb
    with duckdb.connect(str(tmp_path / "ledgers.duckdb")) as db:
        db.register("lines", small_book()["Sales"])
        db.execute("CREATE TABLE sales AS SELECT * FROM lines")
    monkeypatch.chdir(tmp_path.parent)
    sales = table_settings("Sales", {"url": "duckdb://ledgers.duckdb", "table": "sales"}, tmp_path)
    assert sales.url == f"duckdb://{tmp_path / 'ledgers.duckdb'}"
    assert read_table(sales).column("NetRevenue").to_pylist() == [2000, 1000, 2000, -200, 500, 700, 300, -300]
    with pytest.raises(Exception, match="(?i)read.only"):
        database.connect(sales).raw_sql("CREATE TABLE written (a INTEGER)")
    with pytest.raises(InputError, match="no DuckDB database file") as refused:
        table_settings("Sales", {"url": "duckdb://missing.duckdb", "table": "sales"}, tmp_path)
    assert "\n" not in str(refused.value) and not (tmp_path / "missing.duckdb").exists()
    database.disconnect_all()


@pytest.mark.parametrize("language, words", [("en", "the query on"), ("zh-CN", "上的查询失败")])
def test_a_failing_query_says_so(pg, password, language, words):
    """A query the database refuses when it runs (a view dividing by zero): 'the query failed', the table and the
    host, not 'cannot connect' and not the driver's text."""
    pg.psql('CREATE OR REPLACE VIEW payments_broken AS SELECT "InvoiceNo", "CustomerID", "PaymentDate", '
            '"Amount" / 0 AS "Amount" FROM payments; GRANT SELECT ON payments_broken TO kam')
    bad = table_settings("Payments", {"url": pg.url, "table": "payments_broken"}, None, language)
    message = _failure(lambda: read_table(bad))
    assert words in message and "Payments" in message and f"127.0.0.1:{pg.port}" in message
    assert "division" not in message


@pytest.mark.parametrize("language, words", [("en", "does not let the user read it"), ("zh-CN", "不允许该用户读取")])
def test_a_table_the_user_may_not_read_is_one_line(pg, password, language, words):
    """A table the reader's role has no SELECT on: a permission failure, not 'cannot connect'."""
    pg.psql("CREATE TABLE IF NOT EXISTS public.salaries AS SELECT * FROM payments")   # the superuser's, no grant
    closed = table_settings("Payments", {"url": pg.url, "table": "salaries"}, None, language)
    message = _failure(lambda: read_table(closed))
    assert words in message and "Payments" in message and f"127.0.0.1:{pg.port}" in message


def test_a_condense_query_failing_at_execution_reads_sales_whole(pg, password, monkeypatch):
    """The condense queries compile but fail when run for another reason than the connection (here: as a
    statement the server cancels for its result size): Sales is read whole instead; a lost connection there is
    still a failure."""
    sales = source(pg, "Sales")
    backend = database.connect(sales)
    real = backend.to_pyarrow

    class ProgramLimitExceeded(Exception):
        pass

    def refuse(*args, **kwargs):
        raise ProgramLimitExceeded("ERROR: aggregate result exceeds the limit")
    monkeypatch.setattr(backend, "to_pyarrow", refuse)
    assert condense_table(sales, ["A1", "B2", "C3"]) is None
    monkeypatch.setattr(backend, "to_pyarrow", real)
    assert read_table(sales).num_rows == 8

    def lost(*args, **kwargs):
        raise ConnectionError("server closed the connection unexpectedly")
    monkeypatch.setattr(backend, "to_pyarrow", lost)
    assert "cannot connect" in _failure(lambda: condense_table(sales, ["A1", "B2", "C3"]))


def test_a_query_source_reads_what_its_select_says(pg, password):
    """`query =` instead of `table =`: the small book's Payments of customer A1 only, by a SELECT. A1's receipts
    are the rows of payments whose CustomerID is 'A1' (the book's own rows, counted from the frame)."""
    expected = small_book()["Payments"].query("CustomerID == 'A1'")
    chosen = table_settings("Payments", {"url": pg.url, "query": "SELECT * FROM payments WHERE \"CustomerID\" = 'A1'"},
                            pg.folder)
    got = read_table(chosen).to_pandas()
    assert len(got) == len(expected) > 0
    assert sorted(got["Amount"].tolist()) == sorted(expected["Amount"].astype(float).tolist())
