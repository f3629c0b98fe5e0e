"""Receivables: aging buckets, due dates, balances as of a day, days to pay, month-end average AR and the
countback DSO; worked out by hand."""
import numpy as np
import pandas as pd
import pytest
from helpers import customers_table

from kam_xl.contract import bucket_names
from kam_xl.domain.receivables import (
    countback_dso,
    receivables,
)

D = pd.Timestamp


NAMES = ["NotDue", "Overdue1_30", "Overdue31_60", "Overdue61_90", "Overdue90Plus"]


def test_credit_risk_levels_and_boundaries():
    from kam_xl.domain.receivables import credit_risk
    rows = {   # NotDue, 1-30, 31-60, 61-90, 90+, utilization
        "H1": [0, 0, 0, 0, 0.006, 0.5],    # anything in the oldest bucket -> High
        "H2": [0, 0, 0, 0, 0, 1.01],       # over the limit -> High
        "M1": [0, 0, 0.006, 0, 0, 0.5],    # beyond the first bucket -> Medium
        "M2": [0, 0, 0, 0.006, 0, np.nan],
        "L1": [50, 100, 0, 0, 0, 0.5],     # only the first overdue bucket -> Low
        "L2": [0, 0, 0.005, 0.005, 0.005, 1.0],   # half a cent and exactly at the limit -> Low
    }
    table = pd.DataFrame.from_dict(rows, orient="index", columns=NAMES + ["CreditUtilization"])
    assert credit_risk(table, NAMES).to_dict() == {"H1": "High", "H2": "High", "M1": "Medium", "M2": "Medium",
                                                   "L1": "Low", "L2": "Low"}


def test_aging_bucket_edges_with_other_limits():
    from kam_xl.domain.receivables import aging_bucket
    days = pd.Series([-1, 0, 1, 30, 31, 60, 61])
    assert aging_bucket(days, (30, 60)).astype(str).tolist() == [
        "NotDue", "NotDue", "Overdue1_30", "Overdue1_30", "Overdue31_60", "Overdue31_60", "Overdue60Plus"]


def test_due_dates_fall_back_to_terms_then_invoice_date():
    from kam_xl.quality import DataQuality
    from kam_xl.domain.receivables import due_dates
    customers = pd.DataFrame({"CustomerID": ["A", "B"], "PaymentTermsDays": [45, np.nan]})
    invoices = pd.DataFrame({
        "CustomerID": ["A", "A", "B", "B", "Z"],
        "InvoiceDate": [D("2026-01-10")] * 5,
        "DueDate": [D("2026-01-20"), pd.NaT, pd.NaT, D("2026-03-01"), pd.NaT],
        "_row": [3, 4, 5, 6, 7]})
    dq = DataQuality()
    out = due_dates(invoices, customers, dq)
    # given; 01-10 + 45 days = 02-24; no terms -> the invoice date; given; unknown customer -> invoice date
    assert out.tolist() == [D("2026-01-20"), D("2026-02-24"), D("2026-01-10"), D("2026-03-01"), D("2026-01-10")]
    assert len(dq.records) == 1
    r = dq.records[0]
    assert (r["Severity"], r["Table"], r["Row"], r["Column"], r["key"], r["values"]) == \
        ("Info", "Invoices", 5, "DueDate", "invoice.no_terms", {"count": 2})
    assert due_dates(invoices, customers).tolist() == out.tolist()          # without a log


def test_balance_as_of_both_ends_and_rounding():
    from kam_xl.domain.receivables import balance_as_of
    ids = pd.Index(["A", "B", "C"])
    invoices = pd.DataFrame({"CustomerID": ["A", "A"], "InvoiceDate": [D("2026-03-31"), D("2026-04-01")],
                             "Amount": [100.004, 50.0]})
    payments = pd.DataFrame({"CustomerID": ["A", "A", "B"],
                             "PaymentDate": [D("2026-03-31"), D("2026-04-01"), D("2026-01-01")],
                             "Amount": [30.0, 20.0, 10.0]})
    out = balance_as_of(invoices, payments, D("2026-03-31"), ids)
    # A: 100.004 - 30 = 70.004 -> 70.00 (items dated ON the date count); B: paid 10 unbilled -> -10; C: 0
    assert out.to_dict() == {"A": pytest.approx(70.0, abs=1e-9), "B": -10.0, "C": 0.0}
    assert balance_as_of(invoices, payments, D("2026-03-31"), ids, 3)["A"] == pytest.approx(70.004, abs=1e-9)
    assert balance_as_of(invoices, None, D("2026-04-01"), ids).to_dict() == {
        "A": pytest.approx(150.0, abs=1e-9), "B": 0.0, "C": 0.0}


def test_weighted_days_ignores_refunds():
    from kam_xl.domain.receivables import weighted_days
    payments = pd.DataFrame({"CustomerID": ["A", "A", "A"], "Amount": [100.0, 300.0, -50.0]})
    out = weighted_days(payments, pd.Series([10, 20, 99]), pd.Index(["A", "B"]))
    # (100 x 10 + 300 x 20 + 0 x 99) / 400 = 17.5; B no payments -> empty
    assert out["A"] == 17.5 and np.isnan(out["B"])


def test_document_keys_and_split_payments():
    from kam_xl.domain.receivables import DOCUMENT, split_payments, with_document_keys
    invoices = pd.DataFrame({"CustomerID": ["A", "B", "A"], "InvoiceNo": ["I1", "I1", None]})
    payments = pd.DataFrame({"CustomerID": ["A", "B", "A", "B"], "InvoiceNo": ["I1", "I2", None, "I1"],
                             "PaymentDate": [D("2026-01-01")] * 4, "Amount": [1.0, 2.0, 3.0, 4.0]})
    inv, pay = with_document_keys(invoices, payments)
    k = inv[DOCUMENT].tolist()
    assert k[0] != k[1] and k[2] == -1 and min(k[:2]) >= 0           # same number, other customer: other key
    assert pay[DOCUMENT].tolist() == [k[0], pay[DOCUMENT][1], -1, k[1]] and pay[DOCUMENT][1] not in k
    applied, unapplied = split_payments(inv, pay)
    assert applied.Amount.tolist() == [1.0, 4.0] and unapplied.Amount.tolist() == [2.0, 3.0]
    only, none_ = with_document_keys(invoices, None)
    solo = only[DOCUMENT].tolist()
    assert none_ is None and solo[0] != solo[1] and solo[2] == -1 and min(solo[:2]) >= 0
    empty_applied, empty_unapplied = split_payments(inv, None)
    assert len(empty_applied) == len(empty_unapplied) == 0
    assert list(empty_applied.columns) == ["CustomerID", "InvoiceNo", "PaymentDate", "Amount", DOCUMENT]


def test_month_end_points_of_a_quarter_and_of_part_of_a_month():
    from kam_xl.domain.receivables import month_end_points
    D = pd.Timestamp
    assert month_end_points(D("2026-01-01"), D("2026-03-31")) == [D("2025-12-31"), D("2026-01-31"), D("2026-02-28"),
                                                                 D("2026-03-31")]
    assert month_end_points(D("2026-02-10"), D("2026-02-20")) == [D("2026-02-09"), D("2026-02-20")]


def test_month_end_average_ar_by_hand_in_a_currency_without_cents():
    """Balances on 2025-12-31 (0), 2026-01-31 (1,001) and 2026-02-28 (1,001 - 400 = 601) in yen: the mean
    of 0, 1,001 and 601, each balance rounded to whole yen first (1,000.6 -> 1,001)."""
    from kam_xl.domain.receivables import average_ar_month_end
    D = pd.Timestamp
    invoices = pd.DataFrame({"CustomerID": ["A"], "InvoiceDate": [D("2026-01-10")], "Amount": [1000.6]})
    payments = pd.DataFrame({"CustomerID": ["A"], "PaymentDate": [D("2026-02-10")], "Amount": [400.0]})
    got = average_ar_month_end(invoices, payments, D("2026-01-01"), D("2026-02-28"), pd.Index(["A", "B"]), 0)
    assert got.tolist() == [pytest.approx((0 + 1001 + 601) / 3), 0.0]


def test_receivables_age_by_due_date_unless_asked_otherwise():
    from kam_xl.domain.receivables import receivables
    customers = pd.DataFrame({"CustomerID": ["C1"], "PaymentTermsDays": [30.0], "CreditLimit": [np.nan]})
    invoices = pd.DataFrame({"InvoiceNo": ["I1"], "CustomerID": ["C1"], "InvoiceDate": [D("2025-01-01")],
                             "DueDate": [D("2025-03-01")], "Amount": [100.0], "_row": [2]})
    args = (invoices, None, customers, D("2025-03-31"), D("2025-01-01"), D("2025-03-31"), (30, 60, 90))
    by_due = receivables(*args)
    assert by_due.filter(like="Age").empty and by_due.loc["C1", "Overdue1_30"] == 100.0   # 30 days overdue
    by_age = receivables(*args, aging_basis="InvoiceDate")
    assert by_age.loc["C1", ["Overdue1_30", "Age61_90"]].tolist() == [100.0, 100.0]     # and 89 days old


def test_countback_dso_month_by_month_by_hand():
    """C1 owes 300 on 30 June: June's 100 of credit sales cover 30 days, May's 150 another 31, and April's 200
    cover the last 50: 30 + 31 + 50 / 200 x 30 = 68.5 days. C2 owes nothing (0); C3's 1,000 is not covered by
    the sales since the first invoice (empty); C4's balance is not known (empty)."""
    from kam_xl.domain.receivables import countback_dso
    invoices = pd.DataFrame({"InvoiceDate": [D("2026-06-10"), D("2026-05-31"), D("2026-05-01"), D("2026-04-15"),
                                             D("2026-06-01")],
                             "CustomerID": ["C1", "C1", "C1", "C1", "C3"],
                             "Amount": [100.0, 100.0, 50.0, 200.0, 100.0]})
    closing = pd.Series({"C1": 300.0, "C2": 0.0, "C3": 1000.0, "C4": np.nan})
    got = countback_dso(closing, invoices, D("2026-06-30"), D("2026-04-01"), pd.Index(["C1", "C2", "C3", "C4"]))
    assert got["C1"] == pytest.approx(68.5) and got["C2"] == 0.0 and np.isnan(got["C3"]) and np.isnan(got["C4"])


def test_countback_dso_counts_a_sale_on_period_end_and_looks_back_36_months_at_most():
    """C5's sale of 100 on PeriodEnd itself (30 June) covers its 100 owed: 100 / 100 x 30 = 30 days. C6 sold 10
    on the 15th of every month for four years and owes 365: 36 months of 10 cover 360, the 37th would cover
    the rest, but the count stops at 36 months: empty, as documented. Owing 355, it is covered in the 36th.
    C7's month without sales still counts its days; C8, with nothing sold, is never covered."""
    from kam_xl.domain.receivables import countback_dso
    monthly = pd.date_range("2022-07-15", "2026-06-15", freq="MS") + pd.Timedelta(days=14)
    invoices = pd.DataFrame({"InvoiceDate": [D("2026-06-30"), *monthly], "CustomerID": ["C5"] + ["C6"] * len(monthly),
                             "Amount": [100.0] + [10.0] * len(monthly)})
    closing = pd.Series({"C5": 100.0, "C6": 365.0})
    got = countback_dso(closing, invoices, D("2026-06-30"), D("2022-07-01"), pd.Index(["C5", "C6"]))
    assert got["C5"] == pytest.approx(30.0) and np.isnan(got["C6"])
    # C7 sold 10 in June and 100 in April, nothing in May, and owes 60: June covers 10 (30 days), May nothing
    # (31 days), April the other 50 of its 100 (15 of 30 days): 76 days. C8 owes 0.5 and sold nothing: empty.
    gap = pd.DataFrame({"InvoiceDate": [D("2026-06-05"), D("2026-04-05")], "CustomerID": ["C7", "C7"],
                        "Amount": [10.0, 100.0]})
    got = countback_dso(pd.Series({"C7": 60.0, "C8": 0.5}), pd.concat([invoices, gap]), D("2026-06-30"),
                        D("2022-07-01"), pd.Index(["C7", "C8"]))
    assert got["C7"] == pytest.approx(76.0) and np.isnan(got["C8"])
    enough = countback_dso(pd.Series({"C6": 355.0}), invoices, D("2026-06-30"), D("2022-07-01"), pd.Index(["C6"]))
    # 35 whole months (July 2023 .. May 2026 and June 2026) cover 350; 5 of the 36th month's 10 cover the rest.
    assert enough["C6"] == pytest.approx((D("2026-06-30") - D("2023-08-01")).days + 1 + 0.5 * 31)


def test_countback_dso_small_balances_credit_notes_data_start_and_customers_covered_early():
    """PeriodEnd 30 June, records complete from 31 May (``first``), customers listed in another order than
    their balances.
    C9 owes 0.5 and sold 0.8 in June: 0.5 / 0.8 x 30 = 18.75 days.
    C10 owes 50; June's credit note (-20) counts as no sales, May's 100 covers 50: 30 + 50/100 x 31 = 45.5.
    C11 owes 10 and sold 20 in June (and again in May): covered in June, 15 days, whatever May holds.
    C12 owes 0 and sold only in May: 0 days.
    C13 owes 150, sold 100 in June and 100 in April: April is before the records (31 May): empty.
    C14 owes 130, sold 100 in June and 100 in May (the month of ``first`` counts): 30 + 30/100 x 31 = 39.3."""
    from kam_xl.domain.receivables import countback_dso
    rows = [("C9", "2026-06-10", 0.8), ("C10", "2026-06-10", -20.0), ("C10", "2026-05-10", 100.0),
            ("C11", "2026-06-10", 20.0), ("C11", "2026-05-10", 20.0), ("C12", "2026-05-10", 10.0),
            ("C13", "2026-06-10", 100.0), ("C13", "2026-04-10", 100.0),
            ("C14", "2026-06-10", 100.0), ("C14", "2026-05-10", 100.0)]
    invoices = pd.DataFrame({"CustomerID": [r[0] for r in rows], "InvoiceDate": [D(r[1]) for r in rows],
                             "Amount": [r[2] for r in rows]})
    closing = pd.Series({"C14": 130.0, "C13": 150.0, "C12": 0.0, "C11": 10.0, "C10": 50.0, "C9": 0.5})
    got = countback_dso(closing, invoices, D("2026-06-30"), D("2026-05-31"),
                        pd.Index(["C9", "C10", "C11", "C12", "C13", "C14"]))
    assert got.round(4).tolist()[:4] == [18.75, 45.5, 15.0, 0.0]
    assert np.isnan(got["C13"]) and got["C14"] == pytest.approx(39.3)


def test_bucket_names_follow_the_limits():
    assert bucket_names((30, 60, 90)) == ["NotDue", "Overdue1_30", "Overdue31_60", "Overdue61_90", "Overdue90Plus"]
    assert bucket_names((15, 45)) == ["NotDue", "Overdue1_15", "Overdue16_45", "Overdue45Plus"]


D = pd.Timestamp


# K1 billed 105,167.35 in January, 109,320.36 in February and 59,405.50 in March 2026: 273,893.21, all still
# open on 2026-03-31. In floats 273893.21 - 59405.50 - 109320.36 = 105167.35000000002, a hair above January's
# sales: compared so, January did not cover the rest and the countback was blank.
COUNTBACK = pd.DataFrame({"InvoiceNo": ["J", "F", "M"], "CustomerID": ["K1"] * 3,
                          "InvoiceDate": [D("2026-01-10"), D("2026-02-10"), D("2026-03-10")],
                          "DueDate": [D("2026-02-09"), D("2026-03-12"), D("2026-04-09")],
                          "Amount": [105167.35, 109320.36, 59405.50]})


def test_a_balance_equal_to_three_months_sales_counts_back_exactly_90_days():
    """March (31 days) and February (28) are passed whole; January's 105,167.35 covers the 105,167.35
    left, its 31 days in full: 31 + 28 + 31 = 90.0 days."""
    assert 273893.21 - 59405.50 - 109320.36 > 105167.35   # the float compare that left it blank
    got = countback_dso(pd.Series({"K1": 273893.21}), COUNTBACK, D("2026-03-31"), D("2026-01-10"), pd.Index(["K1"]))
    assert got["K1"] == 90.0


def test_the_receivables_table_counts_back_90_days_for_that_customer():
    table = receivables(COUNTBACK, None, customers_table(["K1"]), D("2026-03-31"), D("2026-01-01"), D("2026-03-31"),
                        (30, 60, 90))
    assert table.loc["K1", "OpenBalance"] == 273893.21
    assert table.loc["K1", "DSOCountback"] == 90.0
