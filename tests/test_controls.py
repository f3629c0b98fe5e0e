"""The Controls sheet: the summary ties to the ledgers it came from, by hand figures; a planted break is
reported as a Break, an Error in DataQuality and exit code 1."""
import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import small_book

import kam_xl.analysis
from kam_xl import analyze
from kam_xl.app.cli import main
from kam_xl.authoring.template import write_template
from kam_xl.domain import controls as ctl
from kam_xl.inputs.reader import inputs_from_frames, read_workbook

D = pd.Timestamp


def controls(results) -> pd.DataFrame:
    """The core's Controls table (keys, not words), one row per control key (the first of a key)."""
    core = kam_xl.analysis.assemble(results.figures, results.params, results.dq.copy(), results.about)
    return core.tables["Controls"].drop_duplicates("Control").set_index("Control")


def test_the_small_book_ties_by_hand():
    """Sales 2026-01-01..06-30: A1 1,000 + 2,000 − 200 = 2,800, B2 500 + 700 = 1,200, D4 300 − 300 = 0: 4,000;
    gross profit A1 400 + 900 − 80 = 1,220, B2 50 + 200 = 250, D4 0: 1,470. Receivables as of 2026-06-30:
    invoiced A1 400 + 1,130 + 2,260 − 226 + 565 = 4,129 and B2 800 = 4,929; received A1 400 + 500 + 630 + 1,000
    + 100 = 2,630 (the 500 of 07-05 is later) and B2 50 = 2,680; ledger receivable 2,249 = A1 1,499 + B2 750.
    C3 paid 300 it did not owe: its credit balance (−300) is in OpenBalance and not in the provision's base."""
    book = small_book()
    book["Payments"].loc[len(book["Payments"])] = (None, "C3", D("2026-06-20"), 300)
    results = analyze(inputs_from_frames(book))
    found = controls(results)
    assert found.loc["sales.net_revenue", ["SourceTotal", "ReportTotal", "Difference", "Status"]].tolist() == \
        [4000.0, 4000.0, 0.0, "OK"]
    assert found.loc["sales.gross_profit", ["SourceTotal", "ReportTotal", "Status"]].tolist() == [1470.0, 1470.0, "OK"]
    assert found.loc["receivables.ledger", ["SourceTotal", "ReportTotal", "Status"]].tolist() == [1949.0, 1949.0, "OK"]
    assert found.loc["receivables.ledger", "Note"] == {"invoiced": 4929.0, "received": 2980.0}
    assert found.loc["receivables.aging", ["SourceTotal", "ReportTotal", "Status"]].tolist() == [1949.0, 1949.0, "OK"]
    assert found.loc["provision.base", ["SourceTotal", "ReportTotal", "Status"]].tolist() == [1949.0, 1949.0, "OK"]
    assert found.loc["provision.base", "Note"] == {"gross": 2249.0, "credit": -300.0}
    receivables = results["Receivables"].set_index("CustomerID")
    assert receivables.loc["A1", ["OpenBalance", "NotDue", "Overdue61_90"]].tolist() == [1499.0, 565.0, 934.0]
    assert receivables.loc["B2", ["OpenBalance", "Overdue90Plus"]].tolist() == [750.0, 750.0]
    provision = results["Provision"].set_index("CustomerID")
    assert provision.loc[["A1", "B2", "C3"], "GrossReceivable"].tolist() == [1499.0, 750.0, 0.0]
    assert provision.loc[["A1", "B2", "C3"], "CreditBalance"].tolist() == [0.0, 0.0, -300.0]
    assert results.exit_code == 0 and not results.dq.has("Controls")


@pytest.mark.breaks_controls
def test_a_planted_break_is_a_break_an_error_and_exit_1(monkeypatch):
    """A Profitability total changed after it was computed (one customer's NetRevenue one yuan more) no longer
    ties to the sales lines: Break, an Error in DataQuality naming the control, exit code 1."""
    computed = kam_xl.analysis.profitability

    def planted(*args, **kwargs):
        table = computed(*args, **kwargs)
        table.iloc[0, table.columns.get_loc("NetRevenue")] += 1.0
        return table
    monkeypatch.setattr(kam_xl.analysis, "profitability", planted)
    results = analyze(inputs_from_frames(small_book()))
    shown = results["Controls"].set_index("Control")
    assert shown.loc["Sales of the period = Profitability NetRevenue", ["SourceTotal", "ReportTotal", "Difference",
                                                                        "Status"]].tolist() == \
        [4000.0, 4001.0, -1.0, "Break"]
    errors = results["DataQuality"][results["DataQuality"]["Table"] == "Controls"]
    assert errors["Severity"].tolist() == ["Error"] and errors["Value"].tolist() == ["-1.0"]
    assert "Sales of the period = Profitability NetRevenue" in errors["Message"].iloc[0]
    assert results.exit_code == 1


def test_a_difference_beyond_half_a_minor_unit_breaks():
    table = ctl.controls_table([
        ctl.Control("a", "Sales", 100.0, 100.005), ctl.Control("b", "Sales", 100.0, 100.006),
        ctl.Control("c", "Sales", 10, 11, "count"), ctl.Control("d", "Sales", 5.0, float("nan")),
        ctl.Control("e", "Sales", 7.0, 7.004)], decimals=2)
    # 100.005 rounds to 100.0 or 100.01 by binary representation; the difference is checked after rounding
    assert table["Status"].tolist()[1:] == ["Break", "Break", "NotChecked", "OK"]
    assert table["Difference"].tolist()[1:3] == [-0.01, -1.0]
    assert ctl.controls_table([ctl.Control("j", "Sales", 1000.0, 1001.0)], decimals=0)["Status"].tolist() == ["Break"]
    assert ctl.controls_table([ctl.Control("j", "Sales", 1000.0, 1000.4)], decimals=0)["Status"].tolist() == ["OK"]


def test_lines_read_and_where_they_went():
    """10 lines of 1,000 read: 6 in the period (6,000), 3 outside (3,000), 1 rejected (1,000) ties; one line
    dropped unseen (only 9 accounted for) breaks by one line and 1,000."""
    parts = {"inside": (6, 6000.0), "outside": (3, 3000.0)}
    rows, amount = ctl.lines_read("Sales", 10, 10000.0, parts, 1, 1000.0)
    assert (rows.source, rows.report, rows.unit, amount.source, amount.report) == (10, 10, "count", 10000.0, 10000.0)
    table = ctl.controls_table(ctl.lines_read("Sales", 10, 10000.0, parts, 0, 0.0), 2)
    assert table["Difference"].tolist() == [1.0, 1000.0] and table["Status"].tolist() == ["Break", "Break"]


def test_receipts_split_into_applied_and_unapplied():
    invoices = pd.DataFrame({"CustomerID": ["A", "A", "B"], "InvoiceNo": ["I1", "I2", "I3"]})
    payments = pd.DataFrame({"CustomerID": ["A", "A", "B", "B", "A"], "InvoiceNo": ["I1", None, "I1", "I3", "I9"],
                             "Amount": [100.0, 20.0, 30.0, 40.0, 5.0]})
    # B's receipt against I1 is not applied: I1 is A's invoice
    assert ctl.split_receipts(payments, invoices) == {"applied": (2, 140.0), "unapplied": (3, 55.0)}


def test_the_rate_in_force_is_looked_up_on_its_own():
    """USD 1,000 on 03-31 at the rate of 03-01 (7.10), USD 500 on 04-01 at the rate of 04-01 (7.20): 7,100 + 3,600
    = 10,700; a conversion that took the next day's rate for the first line (7.20: 7,200) breaks by 100."""
    rates = pd.DataFrame({"Date": [D("2026-03-01"), D("2026-04-01")], "Currency": ["USD", "USD"], "Rate": [7.1, 7.2]})
    lines = pd.DataFrame({"Currency": ["USD", "USD", "CNY"], "OriginalAmount": [1000.0, 500.0, 80.0],
                          "NetRevenue": [7100.0, 3600.0, 80.0]})
    when = pd.Series([D("2026-03-31"), D("2026-04-01"), D("2026-04-01")])
    right = ctl.conversion("Sales", lines, "NetRevenue", rates, when, "CNY", 2)
    assert (right.source, right.report, right.facts) == (10700.0, 10700.0, {"lines": 2, "currencies": "USD"})
    shifted = ctl.conversion("Sales", lines.assign(NetRevenue=[7200.0, 3600.0, 80.0]), "NetRevenue", rates, when,
                             "CNY", 2)
    assert ctl.controls_table([shifted], 2)["Difference"].tolist() == [-100.0]


@pytest.fixture(scope="module")
def demo_summary(tmp_path_factory, demo_tables):
    folder = tmp_path_factory.mktemp("controls")
    source = write_template(folder / "Demo.xlsx", demo_tables)
    return source, analyze(read_workbook(source))


@pytest.mark.slow(6)
def test_the_demo_book_ties_everywhere(demo_summary):
    _, results = demo_summary
    table = results["Controls"]
    assert len(table) >= 9 and (table["Status"] == "OK").all(), table[table["Status"] != "OK"].to_string()
    keys = set(controls(results).index)
    assert {"sales.lines", "sales.amount", "sales.net_revenue", "sales.gross_profit", "invoices.lines",
            "payments.lines", "payments.amount", "receivables.ledger", "receivables.aging",
            "provision.base"} <= keys
    assert table["Difference"].abs().max() == 0.0


@pytest.mark.slow(8)
def test_the_controls_sheet_and_the_dashboard_line_in_both_languages(demo_summary, tmp_path):
    source, _ = demo_summary
    for language, sheet, line, status in (("en", "Controls", "Controls: all", "OK"),
                                          ("zh-CN", "核对", "核对：", "相符")):
        out = tmp_path / f"{language}.xlsx"
        result = CliRunner().invoke(main, ["build", str(source), "-o", str(out), "--lang", language])
        assert result.exit_code == 0, result.output
        book = openpyxl.load_workbook(out)
        assert book.sheetnames.index(sheet) == book.sheetnames.index(
            "DataQuality" if language == "en" else "数据质量") + 1
        rows = list(book[sheet].tables.values())[0].ref
        assert rows.startswith("A3:H")
        dashboard = book.worksheets[0]
        assert str(dashboard["A3"].value).startswith(line), dashboard["A3"].value
        statuses = [c.value for c in book[sheet]["G"][3:]]
        assert statuses and set(statuses) == {status}
