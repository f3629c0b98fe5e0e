"""The chase list (催收清单), worked out by hand on the small book (tests/conftest.py),
AsOfDate 2026-06-30, FollowUpLevels 1, 15, 30, 60, 90 days."""
import pandas as pd
import pytest
from conftest import small_book

from kam_xl import analyze
from kam_xl.render.localize import restrict
from kam_xl.domain.receivables import follow_up_level
from kam_xl.inputs.reader import inputs_from_frames


def test_levels_at_each_threshold():
    days = pd.Series([-3, 0, 1, 14, 15, 29, 30, 59, 60, 89, 90, 400])
    assert follow_up_level(days, (1, 15, 30, 60, 90)).tolist() == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5]


def test_chase_list_by_hand(small_inputs):
    """A1: INV2 2260 less 1000 paid on 05-20, less the credits set against the oldest invoice first
    (credit note CN1 226 and the unapplied 100 receipt) = 934 open, due 04-14: 77 days, level 4.
    INV3 565 due 07-10 is not yet due (level 0). B2: INV4 800 (no DueDate: 01-05 + 60 days terms =
    03-06) less the 50 receipt for an unknown invoice = 750, 116 days: level 5. Worked highest first."""
    chase = analyze(small_inputs)["OpenItems"]
    assert chase[["CustomerID", "InvoiceNo", "OpenAmount", "DaysOverdue", "FollowUpLevel"]].values.tolist() == [
        ["B2", "INV4", 750.0, 116, 5], ["A1", "INV2", 934.0, 77, 4], ["A1", "INV3", 565.0, -10, 0]]
    assert chase["DueDate"].tolist() == [pd.Timestamp("2026-03-06"), pd.Timestamp("2026-04-14"),
                                         pd.Timestamp("2026-07-10")]
    assert chase["NextStep"].tolist() == ["Hand to legal or a collection agency",
                                          "Stop deliveries on credit until paid", "Not yet due"]
    assert chase["LastContact"].tolist() == [pd.Timestamp("2025-12-01"), pd.Timestamp("2026-06-10"),
                                             pd.Timestamp("2026-06-10")]
    receivables = analyze(small_inputs)["Receivables"].set_index("CustomerID")["OpenBalance"]
    assert chase.groupby("CustomerID")["OpenAmount"].sum().to_dict() == {"A1": 1499.0, "B2": 750.0}
    assert receivables[["A1", "B2"]].tolist() == [1499.0, 750.0]     # the list adds up to the balances


def test_follow_up_levels_parameter_and_a_bad_value():
    book = small_book()
    book["Parameters"] = pd.concat([book["Parameters"], pd.DataFrame(
        {"Parameter": ["FollowUpLevels"], "Value": ["7,30,80,100,120"]})], ignore_index=True)
    chase = analyze(inputs_from_frames(book))["OpenItems"].set_index("InvoiceNo")["FollowUpLevel"]
    assert chase.to_dict() == {"INV4": 4, "INV2": 2, "INV3": 0}     # 100 <= 116 < 120; 30 <= 77 < 80
    book["Parameters"].loc[book["Parameters"]["Parameter"] == "FollowUpLevels", "Value"] = "1,15,30"
    inputs = inputs_from_frames(book)
    messages = inputs.dq.frame("en")
    assert "must be five increasing whole days" in " ".join(messages["Message"])
    assert inputs.params.follow_up_levels == (1, 15, 30, 60, 90)


@pytest.mark.parametrize("manager, invoices", [("Li", ["INV4", "INV2", "INV3"]), ("Wang", [])])
def test_each_manager_gets_their_own_list(small_inputs, manager, invoices):
    results = analyze(small_inputs)
    ids = results["Classification"].query("AccountManager == @manager")["CustomerID"]
    assert restrict(results, ids)["OpenItems"]["InvoiceNo"].tolist() == invoices


def test_countback_dso_and_the_month_end_average_by_hand(small_inputs):
    """Countback from the closing balance on 06-30. A1 owes 1499: June's credit sales (INV3 565) are used up
    in 30 days, May and April have none (+31, +30), March's 2260 - 226 = 2034 covers the 934 left in
    934 / 2034 × 31 days: 105.2350 days. B2 owes 750: nothing since January (30+31+30+31+28 = 150 days),
    then January's 800 covers it in 750 / 800 × 31 = 29.0625: 179.0625. MonthEnd AverageAR for B2: balances
    on 12-31 (0), at the end of January to May (800 each) and on 06-30 (750): 4750 / 7 = 678.57."""
    table = analyze(small_inputs)["Receivables"].set_index("CustomerID")
    assert table.loc["A1", "DSOCountback"] == pytest.approx(90 + 1 + 934 / 2034 * 31)
    assert table.loc["B2", "DSOCountback"] == pytest.approx(150 + 750 / 800 * 31)
    assert table.loc["C3", "DSOCountback"] == 0
    assert table.loc["B2", "AverageAR"] == 375.0                        # (0 + 750) / 2, the default
    month_end = analyze(small_inputs, {"AverageARMethod": "月末"})["Receivables"].set_index("CustomerID")
    assert month_end.loc["B2", "AverageAR"] == 678.57
    assert month_end.loc["B2", "DSO"] == pytest.approx(181 / (800 / 678.57))


def test_countback_is_empty_when_the_history_does_not_cover_the_balance():
    from kam_xl.domain.receivables import countback_dso
    ids = pd.Index(["X", "Y"], name="CustomerID")
    invoices = pd.DataFrame({"CustomerID": ["X", "Y"], "InvoiceDate": pd.to_datetime(["2026-06-10", "2026-06-20"]),
                             "Amount": [100.0, 50.0]})
    closing = pd.Series([80.0, 120.0], index=ids)     # Y owes more than all its recorded sales
    days = countback_dso(closing, invoices, pd.Timestamp("2026-06-30"), pd.Timestamp("2026-06-01"), ids)
    assert days["X"] == pytest.approx(80 / 100 * 30) and pd.isna(days["Y"])


def test_expected_receipts_by_hand(small_inputs):
    """A1 pays 30.52 days late on average (amount-weighted): INV2's 934, due 04-14, is expected 05-15, already
    past, so in week 1 (07-01..07-07); INV3's 565, due 07-10, on 08-10: week 6 (08-05..08-11). B2's 750 is
    116 days overdue, beyond the oldest bucket (90): Doubtful, not forecast. Prior receipts six calendar
    months back (the report is six calendar months): week 3 (07-15..07-21) -> 01-15..01-21, when A1 paid
    400 on 01-20; the month 2026-10 -> 2026-04."""
    forecast = analyze(small_inputs)["ExpectedReceipts"].set_index("Bucket")
    assert forecast.loc["W01", ["Expected", "Invoices"]].tolist() == [934.0, 1]
    assert forecast.loc["W06", ["Expected", "Invoices"]].tolist() == [565.0, 1]
    assert forecast["Expected"].drop(["W01", "W06"]).filter(regex="^(W|20)").sum() == 0
    doubtful = "Doubtful (over 90 days overdue, not forecast)"
    assert forecast.loc[doubtful, ["Expected", "Invoices"]].tolist() == [750.0, 1]
    assert forecast.loc["W03", "PriorActual"] == 400.0 and forecast.loc["W04", "PriorActual"] == 0.0
    assert forecast.loc["W01", "PeriodStart"] == pd.Timestamp("2026-07-01") and len(forecast) == 13 + 12 + 2


def _book_with_later_items():
    """The small book plus C3's INV5 300 of 06-25 due 08-15 (46 days ahead), INV6 200 of 05-01 due 06-10
    (20 days overdue, 60 days old), INV7 150 of 04-20 due 05-20 (41 overdue, 71 old), and a credit note
    of 100 for D4, who owes nothing else."""
    book = small_book()
    extra = pd.DataFrame([("INV5", "C3", pd.Timestamp("2026-06-25"), pd.Timestamp("2026-08-15"), 300),
                          ("INV6", "C3", pd.Timestamp("2026-05-01"), pd.Timestamp("2026-06-10"), 200),
                          ("INV7", "C3", pd.Timestamp("2026-04-20"), pd.Timestamp("2026-05-20"), 150),
                          ("CN9", "D4", pd.Timestamp("2026-06-28"), None, -100)],
                         columns=["InvoiceNo", "CustomerID", "InvoiceDate", "DueDate", "Amount"])
    book["Invoices"] = pd.concat([book["Invoices"], extra], ignore_index=True)
    return inputs_from_frames(book)


def test_not_due_split_and_aging_by_invoice_date():
    """By due date (the default): A1's INV3 565 falls due in 10 days (DueIn0_30), C3's INV5 in 46 days
    (DueAfter30), its INV6 and INV7 are 1-30 and 31-60 days overdue, D4's unused credit of 100 stays negative in
    NotDue and DueAfter30. By invoice date: A1's INV3 is 20 days old (Age0_30) and INV2's 934 107 days
    (Age90Plus); B2's INV4 750 176 days; C3's INV5 5, INV6 60 and INV7 71 days; D4's credit in the youngest.
    OverdueShare and CreditRisk count from the due date under both."""
    inputs = _book_with_later_items()
    by_due = analyze(inputs)["Receivables"].set_index("CustomerID")
    assert list(by_due.columns[3:11]) == ["NotDue", "DueIn0_30", "DueAfter30", "Overdue1_30", "Overdue31_60",
                                          "Overdue61_90", "Overdue90Plus", "OverdueShare"]
    assert by_due.loc[["A1", "B2", "C3", "D4"], ["NotDue", "DueIn0_30", "DueAfter30", "Overdue1_30", "Overdue31_60",
                                                  "Overdue61_90", "Overdue90Plus"]].values.tolist() == [
        [565.0, 565.0, 0.0, 0.0, 0.0, 934.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 750.0],
        [300.0, 0.0, 300.0, 200.0, 150.0, 0.0, 0.0], [-100.0, 0.0, -100.0, 0.0, 0.0, 0.0, 0.0]]
    by_invoice = analyze(inputs, {"AgingBasis": "开票日期"})["Receivables"].set_index("CustomerID")
    assert list(by_invoice.columns[3:8]) == ["Age0_30", "Age31_60", "Age61_90", "Age90Plus", "OverdueShare"]
    assert by_invoice.loc[["A1", "B2", "C3", "D4"], ["OpenBalance", "Age0_30", "Age31_60", "Age61_90",
                                                      "Age90Plus"]].values.tolist() == [
        [1499.0, 565.0, 0.0, 0.0, 934.0], [750.0, 0.0, 0.0, 0.0, 750.0], [650.0, 300.0, 200.0, 150.0, 0.0],
        [-100.0, -100.0, 0.0, 0.0, 0.0]]
    for column in ("OverdueShare", "CreditRisk"):
        assert by_invoice[column].equals(by_due[column])
    assert by_due.loc["A1", "OverdueShare"] == pytest.approx(934 / 1499)


def test_an_aging_basis_that_is_not_understood_is_named():
    book = small_book()
    book["Parameters"] = pd.concat([book["Parameters"], pd.DataFrame(
        {"Parameter": ["AgingBasis"], "Value": ["PostingDay"]})], ignore_index=True)
    inputs = inputs_from_frames(book)
    assert "must be DueDate or InvoiceDate" in " ".join(inputs.dq.frame("en")["Message"])
    assert inputs.params.aging_basis == "DueDate"


def test_follow_up_levels_are_reached_on_their_day():
    from kam_xl.domain.receivables import follow_up_level
    days = pd.Series([-5, 0, 1, 14, 15, 89, 90, 400])
    assert follow_up_level(days, (1, 15, 30, 60, 90)).tolist() == [0, 0, 1, 1, 2, 4, 5, 5]
