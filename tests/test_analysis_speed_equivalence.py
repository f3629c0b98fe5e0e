"""The faster routes of issue 32's analysis give what the plain pandas routes they replaced give, exactly, on
random tables with blanks, repeats and both text dtypes: a left merge (frames.first_match), a test of
(CustomerID, InvoiceNo) pairs as text (controls.names_an_invoice), a groupby of customer and month
(trend._grid), currency_codes of every row (parsing.currency_codes), and each receivables figure from one
open position shared by receivables, the chase list and the allowance (receivables.position_as_of)."""
import numpy as np
import pandas as pd
import pytest
from helpers import customers_table
from pandas.testing import assert_frame_equal, assert_series_equal

from kam_xl.domain import receivables as rec
from kam_xl.domain.controls import names_an_invoice
from kam_xl.domain.frames import first_match
from kam_xl.domain.trend import _grid
from kam_xl.inputs.parsing import currency_code, currency_codes
from kam_xl.inputs.policies import provision_policy
from kam_xl.quality import DataQuality

D = pd.Timestamp
TRIALS = range(60)


def texts(rng, n: int, dtype, pool=("A", "B", "C", "1", None)) -> pd.Series:
    return pd.Series(list(rng.choice(np.array(pool, dtype=object), n)), dtype=dtype)


@pytest.mark.parametrize("trial", TRIALS)
def test_first_match_is_a_left_merge_with_each_keys_first_row(trial):
    rng, dtype = np.random.default_rng(trial), [object, "str"][trial % 2]
    n, m = rng.integers(0, 25, 2)
    right = pd.DataFrame({"CustomerID": texts(rng, m, dtype), "InvoiceNo": texts(rng, m, dtype),
                          "Currency": texts(rng, m, dtype, ("USD", "EUR", None))})
    left = pd.DataFrame({"CustomerID": texts(rng, n, dtype), "InvoiceNo": texts(rng, n, dtype)})
    keys = ["CustomerID", "InvoiceNo"]
    merged = left.merge(right.drop_duplicates(keys), on=keys, how="left")["Currency"]
    at = first_match(left, right, keys)
    taken = pd.Series(right["Currency"].array.take(at, allow_fill=True), dtype=right["Currency"].dtype, name="Currency")
    assert_series_equal(merged, taken, check_exact=True)


@pytest.mark.parametrize("trial", TRIALS)
def test_names_an_invoice_is_the_test_of_the_pairs_as_text(trial):
    rng, dtype = np.random.default_rng(trial), [object, "str"][trial % 2]
    n, m = rng.integers(0, 25, 2)
    invoices = pd.DataFrame({"CustomerID": texts(rng, m, dtype), "InvoiceNo": texts(rng, m, dtype)})
    payments = pd.DataFrame({"CustomerID": texts(rng, n, dtype), "InvoiceNo": texts(rng, n, dtype)})
    billed = pd.MultiIndex.from_frame(invoices.astype(str))
    expected = pd.MultiIndex.from_frame(payments.astype(str)).isin(billed) & payments["InvoiceNo"].notna().to_numpy()
    assert (names_an_invoice(payments, invoices) == expected).all()


@pytest.mark.parametrize("trial", TRIALS)
def test_the_grid_sums_as_a_groupby_of_customer_and_position(trial):
    rng = np.random.default_rng(trial)
    n = int(rng.integers(0, 80))
    frame = pd.DataFrame({"CustomerID": texts(rng, n, "str", ("K1", "K2", "K3", "X", None)),
                          "Amount": rng.choice([0.1, 0.2, 0.7, -0.3, 1e16, np.nan], n)})
    position = rng.integers(0, 4, n)
    ids = pd.Index(["K3", "K1", "K2", "K4"], name="CustomerID")
    expected = (frame.groupby([frame["CustomerID"], pd.Series(position, index=frame.index)])["Amount"].sum()
                .unstack().reindex(index=ids, columns=range(4)).fillna(0.0))
    got = _grid(frame, position, 4, ["Amount"], ids)["Amount"]
    assert_frame_equal(got, expected, check_exact=True, check_names=False, check_column_type=False)


@pytest.mark.parametrize("dtype", [object, "str"])
def test_currency_codes_of_the_distinct_values_are_those_of_every_row(dtype):
    rng = np.random.default_rng(7)
    values = texts(rng, 200, dtype, ("USD", "usd", "$", "RMB", "¥", "€", "xx", "", None)).rename("Currency")
    values.index = values.index * 3 + 1
    every_row = values.map({v: currency_code(v) for v in pd.unique(values.dropna())})   # the per-row route it replaced
    every_row = every_row.astype("object") if every_row.dtype.kind == "f" else every_row
    assert_series_equal(currency_codes(values), every_row, check_exact=True)


@pytest.mark.parametrize("trial", range(12))
def test_one_shared_open_position_gives_each_figure_as_its_own_would(trial):
    rng = np.random.default_rng(trial)
    customers = customers_table(["K1", "K2", "K3"])
    n, m = 40, 30
    dates = D("2025-10-01") + pd.to_timedelta(rng.integers(0, 200, n), unit="D")
    invoices = pd.DataFrame({"_row": np.arange(n) + 2, "InvoiceNo": [f"I{i}" for i in rng.integers(0, 30, n)],
                             "CustomerID": texts(rng, n, "str", ("K1", "K2", "K3")), "InvoiceDate": dates,
                             "DueDate": pd.Series(dates + pd.Timedelta(days=30)).where(rng.random(n) < 0.7),
                             "Amount": rng.choice([100.0, 250.5, -80.0, 999.99], n)})
    payments = pd.DataFrame({"InvoiceNo": [f"I{i}" for i in rng.integers(0, 40, m)],
                             "CustomerID": texts(rng, m, "str", ("K1", "K2", "K3")),
                             "PaymentDate": D("2025-11-01") + pd.to_timedelta(rng.integers(0, 200, m), unit="D"),
                             "Amount": rng.choice([100.0, 50.25, 300.0], m)})
    as_of, start, end = D("2026-03-31"), D("2025-10-01"), D("2026-03-31")
    ledger = rec.keyed_ledger(invoices, payments, customers)
    shared = rec.position_as_of(ledger, as_of)
    for basis in ("DueDate", "InvoiceDate"):
        dq_alone, dq_given = DataQuality(), DataQuality()   # invoices without a DueDate or terms: noted either way
        alone = rec.receivables(invoices, payments, customers, as_of, start, end, (30, 60, 90), dq_alone,
                                aging_basis=basis)
        given = rec.receivables(invoices, payments, customers, as_of, start, end, (30, 60, 90), dq_given,
                                aging_basis=basis, position=shared)
        assert_frame_equal(given, alone, check_exact=True)
        assert dq_given.records == dq_alone.records and dq_alone.records
    assert_frame_equal(rec.chase_list(invoices, payments, customers, as_of, (1, 30), None, position=shared),
                       rec.chase_list(invoices, payments, customers, as_of, (1, 30), None), check_exact=True)
    bands, _ = provision_policy(None, DataQuality())
    for got, expected in zip(rec.bad_debt_allowance(invoices, payments, customers, as_of, bands, position=shared),
                             rec.bad_debt_allowance(invoices, payments, customers, as_of, bands)):
        assert_frame_equal(got, expected, check_exact=True)
