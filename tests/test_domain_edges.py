"""Edges no other test holds, worked out by hand: a countback DSO that ends exactly on a month, an
invoice exactly ToDays old, and an FX rate that changes on a sales line's day and on the day after."""
import numpy as np
import pandas as pd
import pytest

from kam_xl import analyze
from kam_xl.domain.currency import rate_on
from kam_xl.domain.receivables import (
    DEFAULT_PROVISION_RATES,
    bad_debt_allowance,
    countback_dso,
    provision_policy,
    receivables,
)
from kam_xl.inputs.reader import inputs_from_frames

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


def _customers(ids: list[str]) -> pd.DataFrame:
    """A Customers table with every contract column (as the reader hands it over)."""
    return inputs_from_frames({"Customers": pd.DataFrame({"CustomerID": ids}),
                               "Sales": pd.DataFrame({"Date": ["2026-01-01"], "CustomerID": [ids[0]],
                                                      "NetRevenue": [1]})})["Customers"]


def test_the_receivables_table_counts_back_90_days_for_that_customer():
    table = receivables(COUNTBACK, None, _customers(["K1"]), D("2026-03-31"), D("2026-01-01"), D("2026-03-31"),
                        (30, 60, 90))
    assert table.loc["K1", "OpenBalance"] == 273893.21
    assert table.loc["K1", "DSOCountback"] == 90.0


# Provision bands: each invoice of 1,000.00 open on AsOfDate 2026-06-30, aged from its invoice date.
AS_OF = D("2026-06-30")


def _aged(ages: list[int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    ids = [f"A{age}" for age in ages]
    invoices = pd.DataFrame({"InvoiceNo": [f"I{age}" for age in ages], "CustomerID": ids,
                             "InvoiceDate": [AS_OF - pd.Timedelta(days=age) for age in ages],
                             "Amount": [1000.0] * len(ages)})
    invoices["DueDate"] = invoices["InvoiceDate"] + pd.Timedelta(days=30)
    return invoices, _customers(ids)


def _bands_of(ages: list[int], bands: pd.DataFrame) -> dict:
    invoices, customers = _aged(ages)
    table, rows = bad_debt_allowance(invoices, None, customers, AS_OF, bands)
    rows = rows.set_index("CustomerID")
    return {age: (rows.loc[f"A{age}", "Band"], rows.loc[f"A{age}", "Allowance"], table.loc[f"A{age}", "Allowance"])
            for age in ages}


def test_every_edge_of_the_default_provision_bands():
    """Default policy: 0-365 days 5 %, 366-730 10 %, 731-1095 30 %, 1096+ 100 % (ages both ends included).
    An invoice exactly ToDays old is in that band; one day older is in the next."""
    got = _bands_of([0, 1, 365, 366, 730, 731, 1095, 1096, 5000], DEFAULT_PROVISION_RATES)
    assert got == {0: ("0-1y", 50.0, 50.0), 1: ("0-1y", 50.0, 50.0), 365: ("0-1y", 50.0, 50.0),
                   366: ("1-2y", 100.0, 100.0), 730: ("1-2y", 100.0, 100.0),
                   731: ("2-3y", 300.0, 300.0), 1095: ("2-3y", 300.0, 300.0),
                   1096: ("3y+", 1000.0, 1000.0), 5000: ("3y+", 1000.0, 1000.0)}


def test_every_edge_of_a_custom_provision_policy():
    """A ProvisionRates table: up to 30 days 1 %, to 90 days 10 %, beyond 50 %; and one without an open
    band (to 30 days 2 %, to 60 days 20 %), whose last band takes every older age."""
    rates = pd.DataFrame({"Band": ["≤30", "31-90", "90+"], "FromDays": [np.nan] * 3, "ToDays": [30, 90, np.nan],
                          "Rate": [0.01, 0.10, 0.50], "CustomerID": [None] * 3, "Amount": [np.nan] * 3})
    bands, _ = provision_policy(rates)
    assert bands[["FromDays", "ToDays"]].values.tolist()[:2] == [[0.0, 30.0], [31.0, 90.0]]
    assert _bands_of([0, 30, 31, 90, 91, 400], bands) == {
        0: ("≤30", 10.0, 10.0), 30: ("≤30", 10.0, 10.0), 31: ("31-90", 100.0, 100.0), 90: ("31-90", 100.0, 100.0),
        91: ("90+", 500.0, 500.0), 400: ("90+", 500.0, 500.0)}
    closed, _ = provision_policy(rates.iloc[:2].assign(ToDays=[30, 60], Rate=[0.02, 0.20]))
    assert _bands_of([30, 31, 60, 61, 999], closed) == {
        30: ("≤30", 20.0, 20.0), 31: ("31-90", 200.0, 200.0), 60: ("31-90", 200.0, 200.0),
        61: ("31-90", 200.0, 200.0), 999: ("31-90", 200.0, 200.0)}


def test_an_invoice_exactly_a_year_old_through_the_provision_output():
    """The whole analysis: K1's invoice of 2025-06-30 is 365 days old on 2026-06-30 (5 %: 50.00), K2's of
    2025-06-29 366 days (10 %: 100.00)."""
    frames = {
        "Customers": pd.DataFrame({"CustomerID": ["K1", "K2"]}),
        "Sales": pd.DataFrame({"Date": ["2026-03-01"], "CustomerID": ["K1"], "NetRevenue": [1000]}),
        "Invoices": pd.DataFrame({"InvoiceNo": ["I1", "I2"], "CustomerID": ["K1", "K2"],
                                  "InvoiceDate": ["2025-06-30", "2025-06-29"], "Amount": [1000, 1000]}),
        "Parameters": pd.DataFrame({"Parameter": ["AsOfDate", "PeriodStart"], "Value": ["2026-06-30", "2026-01-01"]}),
    }
    provision = analyze(inputs_from_frames(frames))["Provision"].set_index("CustomerID")
    assert provision.loc[["K1", "K2"], "Allowance"].tolist() == [50.0, 100.0]


# USD: 7.00 from 2026-01-01, 7.30 from 02-06 (the day after a sale), 7.10 from 03-10 (a sale's own day),
# 7.50 from 03-11 (the day after that sale).
RATES = pd.DataFrame({"Date": pd.to_datetime(["2026-01-01", "2026-02-06", "2026-03-10", "2026-03-11"]),
                      "Currency": ["USD"] * 4, "Rate": [7.00, 7.30, 7.10, 7.50]})


def test_the_rate_in_force_is_that_of_the_lines_own_day():
    dates = pd.Series(pd.to_datetime(["2026-02-05", "2026-02-06", "2026-03-09", "2026-03-10", "2026-03-11"]))
    got = rate_on(RATES, pd.Series(["USD"] * 5), dates)
    assert got.tolist() == [7.00, 7.30, 7.30, 7.10, 7.50]


def test_sales_convert_at_the_rate_of_their_date_not_the_day_after():
    """K2 sold 1,000 USD on 02-05 (7.00: 7,000.00; cost 600 USD: 4,200.00) and 200 USD on 03-10 (7.10:
    1,420.00; cost 100 USD: 710.00): NetRevenue 8,420.00, COGS 4,910.00, GrossProfit 3,510.00. A day later
    the rates would be 7.30 and 7.50 (8,800.00)."""
    frames = {
        "Customers": pd.DataFrame({"CustomerID": ["K1", "K2"]}),
        "FXRates": RATES.assign(Date=RATES["Date"].dt.strftime("%Y-%m-%d")),
        "Sales": pd.DataFrame({"Date": ["2026-02-05", "2026-03-10", "2026-03-01"], "CustomerID": ["K2", "K2", "K1"],
                               "NetRevenue": [1000, 200, 5000], "COGS": [600, 100, 3000],
                               "Currency": ["USD", "USD", None]}),
        "Invoices": pd.DataFrame({"InvoiceNo": ["I1"], "CustomerID": ["K1"], "InvoiceDate": ["2026-03-01"],
                                  "Amount": [5650]}),
        "Parameters": pd.DataFrame({"Parameter": ["AsOfDate", "PeriodStart"], "Value": ["2026-06-30", "2026-01-01"]}),
    }
    profit = analyze(inputs_from_frames(frames))["Profitability"].set_index("CustomerID")
    assert profit.loc["K2", ["NetRevenue", "COGS", "GrossProfit"]].tolist() == [8420.0, 4910.0, 3510.0]
    assert profit.loc["K1", "NetRevenue"] == 5000.0


@pytest.mark.parametrize("target, actual", [(0.0, 500.0), (1e-320, 500.0)])
def test_an_attainment_over_a_zero_target_is_blank_not_infinite(target, actual):
    """Σ Actual / Σ Target with a target of 0 (or a denormal one) is no figure: blank, never inf."""
    from kam_xl.domain.frames import ratio
    from kam_xl.domain.summary import attainment_kpis
    attainment = pd.DataFrame({"Level": ["Customer"], "Key": ["K1"], "Window": ["Period"], "Measure": ["Revenue"],
                               "Target": [target], "Actual": [actual], "Attainment": [np.nan]})
    kpis = attainment_kpis(attainment)
    assert all(np.isnan(v) for v in kpis.values())
    assert np.isnan(ratio(pd.Series([1e300]), pd.Series([1e-300])).iloc[0])
