"""Sales/Invoices/Payments from CSV or Parquet files (beyond Excel's row limit)."""
import pandas as pd
import pytest
from click.testing import CliRunner

from kam_xl import analyze, read_workbook
from kam_xl.app.cli import main
from kam_xl.authoring.template import write_template


@pytest.mark.slow(5)
def test_parquet_and_csv_give_the_workbook_figures(tmp_path, demo_tables):
    inside = analyze(read_workbook(write_template(tmp_path / "inside.xlsx", demo_tables)))
    without = write_template(tmp_path / "book.xlsx", {k: v for k, v in demo_tables.items() if k != "Sales"})
    demo_tables["Sales"].to_parquet(tmp_path / "sales.parquet")
    as_export = demo_tables["Sales"].assign(                    # as an ERP would export it, Chinese headers
        Date=demo_tables["Sales"]["Date"].dt.strftime("%Y年%m月%d日"),
        NetRevenue=demo_tables["Sales"]["NetRevenue"].map(lambda v: f"¥{v:,.2f}"),
    ).rename(columns={"Date": "日期", "CustomerID": "客户编号", "NetRevenue": "销售收入", "COGS": "销售成本"})
    as_export.to_csv(tmp_path / "sales.csv", index=False)
    for name in ("sales.parquet", "sales.csv"):
        results = analyze(read_workbook(without, external={"Sales": tmp_path / name}))
        pd.testing.assert_frame_equal(results["Profitability"], inside["Profitability"])
        pd.testing.assert_frame_equal(results["Classification"], inside["Classification"])


def test_bad_csv_rows_point_at_file_lines_and_ids_keep_zeros(tmp_path, demo_tables):
    ids = demo_tables["Customers"]["CustomerID"]
    customers = demo_tables["Customers"].assign(CustomerID=["00" + c[1:] for c in ids])
    book = write_template(tmp_path / "book.xlsx", {"Customers": customers})
    (tmp_path / "sales.csv").write_text(
        "Date,CustomerID,NetRevenue,COGS\n2026-01-02,0000001,100,60\nnot a date,0000001,5,1\n"
        "2026-01-03,0000002,#N/A,1\n",
        encoding="utf-8")
    inputs = read_workbook(book, external={"Sales": tmp_path / "sales.csv"})
    assert inputs["Sales"]["CustomerID"].tolist() == ["0000001"]
    errors = inputs.dq.frame().query("Table == 'Sales' and Severity == 'Error'")
    assert sorted(errors.Row.astype(int).tolist()) == [3, 4]


def test_file_named_in_parameters_and_on_the_command_line(tmp_path, demo_tables):
    demo_tables["Sales"].to_parquet(tmp_path / "sales.parquet")
    params = pd.DataFrame({"Parameter": ["AsOfDate", "SalesFile"], "Value": ["2026-10-31", "sales.parquet"]})
    book = write_template(tmp_path / "book.xlsx", {**{k: v for k, v in demo_tables.items() if k != "Sales"},
                                                   "Parameters": params})
    inputs = read_workbook(book)
    assert len(inputs["Sales"]) == len(demo_tables["Sales"]) and not inputs.fatal
    result = CliRunner().invoke(main, ["build", str(book), "--sales", str(tmp_path / "sales.parquet"),
                                       "-o", str(tmp_path / "s.xlsx")])
    assert result.exit_code == 0, result.output
    missing = CliRunner().invoke(main, ["build", str(book), "--sales", str(tmp_path / "nope.csv")])
    assert missing.exit_code == 2 and "not found" in missing.output


def test_a_blank_cell_of_a_file_is_quoted_as_blank_not_nan(tmp_path, demo_tables):
    """A totals line with an empty key in a CSV: the record names the line and the column, and its value is
    blank, not the text "nan" (typed file columns hold NaN where a sheet holds an empty cell)."""
    book = write_template(tmp_path / "book.xlsx", {"Customers": demo_tables["Customers"]})
    first = demo_tables["Customers"]["CustomerID"].iloc[0]
    (tmp_path / "sales.csv").write_text(f"Date,CustomerID,NetRevenue\n2026-01-02,{first},100\n,,100\n",
                                        encoding="utf-8")
    inputs = read_workbook(book, external={"Sales": tmp_path / "sales.csv"})
    totals = [r for r in inputs.dq.records if r["key"] == "row.totals"]
    assert [(r["Table"], r["Row"], r["Column"], r["Value"]) for r in totals] == [("Sales", 3, "CustomerID", None)]


def test_validate_reads_the_extract_files_a_build_would(tmp_path, demo_tables):
    """`kam-xl validate --sales/--invoices/--payments` checks the files the build will read: a bad line of
    the CSV is reported with the file's line number and its sources table names the files; without them the
    same book's Sales is empty, which is an Error."""
    book = write_template(tmp_path / "book.xlsx", {k: v for k, v in demo_tables.items()
                                                   if k not in ("Sales", "Invoices", "Payments")})
    sales = demo_tables["Sales"].astype({"Date": "object"})
    sales.loc[4, "Date"] = "not a date"                                     # line 6 of the file (header is line 1)
    sales.to_csv(tmp_path / "sales.csv", index=False)
    demo_tables["Invoices"].to_parquet(tmp_path / "invoices.parquet")
    demo_tables["Payments"].to_parquet(tmp_path / "payments.parquet")
    runner = CliRunner()
    files = ["--sales", str(tmp_path / "sales.csv"), "--invoices", str(tmp_path / "invoices.parquet"),
             "--payments", str(tmp_path / "payments.parquet")]
    checked = runner.invoke(main, ["validate", str(book), *files], terminal_width=400)
    assert checked.exit_code == 1, checked.output                          # one line rejected
    report = " ".join(checked.output.split())
    assert "sales.csv" in report and "invoices.parquet" in report and "payments.parquet" in report
    assert "not a date" in report and " 6 " in report
    built = runner.invoke(main, ["build", str(book), *files, "-o", str(tmp_path / "s.xlsx")])
    assert built.exit_code == 1 and "rows rejected" in built.output, built.output
    alone = runner.invoke(main, ["validate", str(book)], terminal_width=400)
    assert alone.exit_code == 1 and "Sales has no rows" in alone.output, alone.output
    missing = runner.invoke(main, ["validate", str(book), "--sales", str(tmp_path / "nope.csv")])
    assert missing.exit_code == 2 and "not found" in missing.output
