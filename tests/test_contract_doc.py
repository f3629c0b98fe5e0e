"""docs/CONTRACT.md lists the output tables and columns of the contract (kam_xl.contract.OUTPUTS), and the
summary is written with exactly those columns."""
import re

import pandas as pd
from pathlib import Path

from kam_xl import analyze
from kam_xl.contract import OUTPUTS, aging_runs
from kam_xl.inputs.policies import DEFAULT_PROVISION_RATES

DOC = Path(__file__).resolve().parent.parent / "docs" / "CONTRACT.md"
HOLDOUT_TABLES = ("ModelFit", "ModelCheck", "RepeatDistribution")


def documented_block() -> list[str]:
    text = DOC.read_text(encoding="utf-8")
    block = text.split("<!-- columns:")[1].split("<!-- end columns -->")[0]
    return [line for line in block.splitlines()[1:] if line.strip()]


def documented_columns() -> dict[str, list[str]]:
    found = {}
    for line in documented_block():
        match = re.match(r"- \*\*(\w+)\*\*(?: \(.*\))?: (.+)$", line)
        if match:
            found[match[1]] = [c.strip() for c in match[2].split(",")]
    return found


def contract_lines() -> list[str]:
    """Each output table as the doc lists it: its name, when it is written, its columns with the default
    parameters (AgingBuckets 30,60,90 by due date; the default provision policy's age bands)."""
    runs = {**aging_runs((30, 60, 90)), "AgeBands": list(DEFAULT_PROVISION_RATES["Band"])}
    return [f"- **{t.name}**{f' ({t.about})' if t.about else ''}: {', '.join(t.names(runs))}"
            for t in OUTPUTS.values()]


def test_the_doc_lists_every_table_and_column_of_the_contract():
    assert documented_block() == contract_lines(), (
        "docs/CONTRACT.md's column list is not the contract's; the lines should read:\n" + "\n".join(contract_lines()))


def test_every_output_table_and_column_is_documented(tmp_path):
    """The small book with a customer group, a dollar invoice, a target and the summary of a month
    before, so that the Groups, ReceivablesByCurrency, Attainment and ActionReview tables are written too."""
    from conftest import small_book

    from kam_xl.inputs.reader import inputs_from_frames
    from kam_xl.render.results_reader import read_previous
    from kam_xl.render.writer import write_workbook
    book = small_book()
    book["Customers"]["ParentID"] = [None, "A1", None, None]
    book["Invoices"]["Currency"] = [None] * 5 + ["USD"]
    book["FXRates"] = pd.DataFrame({"Date": ["2025-01-01"], "Currency": ["USD"], "Rate": [7.0]})
    book["Targets"] = pd.DataFrame({"CustomerID": ["A1"], "Period": ["2026Q1"], "Revenue": [3000]})
    earlier = analyze(inputs_from_frames(book), {"AsOfDate": "2026-05-31"})
    previous = read_previous(write_workbook(earlier, tmp_path / "May.xlsx"))
    results = analyze(inputs_from_frames(book), previous=previous)
    written = {name: list(frame.columns) for name, frame in results.items()}
    documented = documented_columns()
    # The holdout check needs a book where the models fit: tests/test_fitted_path.py checks its columns.
    assert {name: columns for name, columns in documented.items() if name not in HOLDOUT_TABLES} == written


def test_the_group_stands_beside_each_customer():
    """ParentID (集团) is carried into Classification; a customer without one is its own group."""
    import pandas as pd

    from kam_xl.inputs.reader import inputs_from_frames
    inputs = inputs_from_frames({
        "客户": pd.DataFrame({"客户编号": ["S1", "S2", "H9"], "集团": ["H9", "H9", None]}),
        "Sales": pd.DataFrame({"Date": ["2026-01-05"] * 3, "CustomerID": ["S1", "S2", "H9"],
                               "NetRevenue": [30.0, 20.0, 50.0], "COGS": [10.0, 10.0, 10.0]})})
    groups = analyze(inputs)["Classification"].set_index("CustomerID")["ParentID"]
    assert groups.to_dict() == {"S1": "H9", "S2": "H9", "H9": "H9"}


def test_groups_sum_their_members_by_hand():
    """Small book, A1 heads a group with B2 (figures from tests/test_small_book.py's hand sums):
    NetRevenue 2800 + 1200 = 4000, GrossProfit 1220 + 250 = 1470, NetProfit 911.75 + 218.84 = 1130.59,
    OpenBalance 1499 + 750 = 2249 of which 565 not due: OverdueBalance 1684; credit limits 10000 + 500 =
    10500, used 2249 / 10500. C3 and D4 form a group without limits: its limit stays empty, never 0."""
    from conftest import small_book

    from kam_xl.inputs.reader import inputs_from_frames
    book = small_book()
    book["Customers"]["ParentID"] = [None, "A1", None, "C3"]
    results = analyze(inputs_from_frames(book))
    groups = results["Groups"].set_index("ParentID")
    assert groups.loc["A1", ["Customers", "NetRevenue", "GrossProfit", "NetProfit", "OpenBalance", "OverdueBalance",
                             "CreditLimit"]].tolist() == [2, 4000.0, 1470.0, 1130.59, 2249.0, 1684.0, 10500.0]
    assert groups.loc["A1", "GroupName"] == "Alpha"
    assert groups.loc["A1", "Overdue90Plus"] == 750.0      # B2's INV4, 116 days overdue; A1's INV2 is 77
    assert {"ParentID", "Customers", "NetRevenue", "GrossProfit", "NetProfit", "OpenBalance", "Overdue90Plus",
            "CreditLimit", "CreditUtilization"} <= set(results["Groups"].columns)
    assert abs(groups.loc["A1", "CreditUtilization"] - 2249 / 10500) < 1e-12
    assert groups.loc["C3", "Customers"] == 2 and pd.isna(groups.loc["C3", "CreditLimit"])
    risk = results["RiskSummary"].set_index("Metric")["Value"]
    # Customers: shares 0.7 and 0.3 -> HHI 4900 + 900 = 5800; groups: A1 holds all revenue -> 10000.
    assert risk["HHI"] == 5800 and risk["GroupHHI"] == 10000 and risk["GroupTop1Share"] == 1.0


def test_a_column_reads_the_same_in_every_table():
    """A name means one thing: wherever a column of that name stands, it reads (kind, width, wrapping) the
    same, so COLUMN_KINDS and a table outside the contract (the pack's extracts) can go by the name."""
    seen = {}
    for table in OUTPUTS.values():
        for column in table.columns:
            if column.named_by is None:
                looks = (column.kind, column.width, column.wrap)
                assert seen.setdefault(column.name, (table.name, looks))[1] == looks, (table.name, column.name)


def test_the_columns_a_parameter_names():
    """AgingBuckets 15,45: by due date NotDue, its split at 15 days, then the overdue buckets; by invoice date
    the ages, the first not yet late; Groups carry the oldest bucket (by due date in both)."""
    from kam_xl.contract import groups_columns, profitability_columns, provision_columns, receivables_columns
    due = receivables_columns((15, 45))
    assert due[3:10] == ["OpenBalance", "NotDue", "DueIn0_15", "DueAfter15", "Overdue1_15", "Overdue16_45",
                         "Overdue45Plus"]
    assert receivables_columns((15, 45), "InvoiceDate")[3:8] == ["OpenBalance", "Age0_15", "Age16_45", "Age45Plus",
                                                                 "OverdueShare"]
    assert [c.name for c in OUTPUTS["Receivables"].expand(aging_runs((15, 45), "InvoiceDate"))
            if c.highlight == "heat"] == ["Age16_45", "Age45Plus"]
    assert groups_columns((15, 45))[-3:] == ["Overdue45Plus", "CreditLimit", "CreditUtilization"]
    assert provision_columns(["0-1y", "1y+"])[1:5] == ["GrossReceivable", "0-1y", "1y+", "Allowance"]
    assert profitability_columns(True)[8:11] == ["FinancingCost", "BadDebtCharge", "NetProfit"]
    assert "BadDebtCharge" not in profitability_columns(False)


def test_the_groups_oldest_bucket_reads_as_money_as_in_receivables(tmp_path):
    """Groups' Overdue90Plus (B2's 750 in A1's group) is written in the money format Receivables uses for the
    same column, not as a plain number."""
    import openpyxl
    from conftest import small_book

    from kam_xl.inputs.reader import inputs_from_frames
    from kam_xl.render.writer import write_workbook
    book = small_book()
    book["Customers"]["ParentID"] = [None, "A1", None, "C3"]
    path = write_workbook(analyze(inputs_from_frames(book)), tmp_path / "groups.xlsx")
    formats = {}
    for sheet in openpyxl.load_workbook(path).worksheets:
        for name, ref in sheet.tables.items():
            if name in ("Groups", "Receivables"):
                area = sheet[ref]
                column = [c.value for c in area[0]].index("Overdue90Plus")
                formats[name] = {row[column].number_format for row in area[1:] if row[column].value is not None}
    assert formats["Groups"] == formats["Receivables"] and len(formats["Groups"]) == 1
    assert "0.00" in next(iter(formats["Groups"]))
