"""The provision (bad-debt allowance): every band edge, custom policies and their messages, band sums to the
cent; worked out by hand."""
import numpy as np
import pandas as pd
from helpers import customers_table

from kam_xl import analyze
from kam_xl.domain.receivables import bad_debt_allowance, receivables
from kam_xl.inputs.policies import DEFAULT_PROVISION_RATES, provision_policy
from kam_xl.inputs.reader import inputs_from_frames

D = pd.Timestamp


def test_provision_policy_messages_name_the_row_column_value_and_figures():
    from kam_xl.inputs.policies import provision_policy
    from kam_xl.quality import DataQuality
    rates = pd.DataFrame({"Band": ["0-1y", "0-1y", np.nan, np.nan], "FromDays": [0.0, 300.0, 731.0, np.nan],
                          "ToDays": [365.0, 730.0, 1095.0, np.nan], "Rate": [0.05, 0.2, 0.5, 0.8],
                          "CustomerID": [None, None, None, "C9"], "Amount": [np.nan] * 4, "_row": [2, 3, 4, 5]})
    dq = DataQuality()
    bands, specific = provision_policy(rates, dq)
    assert bands.values.tolist() == [["0-1y", 0.0, 365.0, 0.05], ["0-1y 366-730", 366.0, 730.0, 0.2],
                                     ["731-1095", 731.0, 1095.0, 0.5]]
    assert specific["_row"].tolist() == [5] and specific["SpecificProvisionRate"].tolist() == [0.8]
    found = {r["key"]: (r["Table"], r["Row"], r["Column"], r["Value"], r["values"]) for r in dq.records}
    # The second band starts at 300 but the first ends at 365: it covers 366 .. 730.
    assert found["provision.band_edge"] == ("ProvisionRates", 3, "FromDays", "300",
                                            {"previous": "365", "start": "366"})
    assert found["provision.band_renamed"] == ("ProvisionRates", 3, "Band", "0-1y", {"name": "0-1y 366-730"})
    assert found["provision.no_open_band"] == ("ProvisionRates", None, "ToDays", None, {"last": "1095"})
    # A table typed without ToDays or the row numbers: the limits come from the next band's start.
    bare = pd.DataFrame({"FromDays": [0.0, 91.0, 181.0], "Rate": [0.01, 0.1, 0.5],
                         "CustomerID": [None, None, "C1"], "Amount": [np.nan, np.nan, 100.0]})
    bands, specific = provision_policy(bare)
    assert bands["ToDays"].dtype == "float64" and bands["ToDays"].tolist()[0] == 90.0 and np.isnan(bands["ToDays"][1])
    assert specific["SpecificProvisionAmount"].tolist() == [100.0] and specific["_row"].isna().all()


def test_month_end_average_and_band_sums_to_the_cent():
    from kam_xl.domain.receivables import bad_debt_allowance
    from kam_xl.inputs.policies import provision_policy
    customers = pd.DataFrame({"CustomerID": ["C1"], "PaymentTermsDays": [30.0], "CreditLimit": [np.nan],
                              "SpecificProvisionRate": [np.nan], "SpecificProvisionAmount": [np.nan]})
    invoices = pd.DataFrame({"InvoiceNo": ["I1", "I2", "I3"], "CustomerID": ["C1"] * 3,
                             "InvoiceDate": [D("2025-01-01"), D("2025-01-02"), D("2025-01-03")],
                             "DueDate": [D("2025-03-01")] * 3, "Amount": [0.1, 0.2, 0.3], "_row": [2, 3, 4]})
    # Balances 0 on 31 Dec, then 0.60 on 31 Jan, 28 Feb and 31 Mar: the mean of the four is 0.45 (the opening
    # and closing pair would give 0.30)
    table = receivables(invoices, None, customers, D("2025-03-31"), D("2025-01-01"), D("2025-03-31"), (30, 60, 90),
                        average_method="MonthEnd")
    assert table.loc["C1", "AverageAR"] == 0.45
    bands, _ = provision_policy(None)
    _, by_band = bad_debt_allowance(invoices, None, customers, D("2025-03-31"), bands)
    assert by_band["GrossReceivable"].tolist() == [0.6]          # 0.1 + 0.2 + 0.3 to the cent, not 0.6000000000000001


def test_provision_policy_blank_values_are_quoted_as_blank_and_long_limits_in_full():
    from kam_xl.inputs.policies import provision_policy
    from kam_xl.quality import DataQuality
    rates = pd.DataFrame({"Band": [np.nan, np.nan, "x"], "FromDays": [0.0, 366.0, np.nan],
                          "ToDays": [365.0, 1_000_000.0, np.nan], "Rate": [0.05, 0.5, np.nan],
                          "CustomerID": [None, None, None], "Amount": [np.nan] * 3, "_row": [2, 3, 4]})
    dq = DataQuality()
    bands, _ = provision_policy(rates, dq)
    assert bands["Band"].tolist() == ["0-365", "366-1000000"]
    blank = [(r["Row"], r["Column"], r["Value"]) for r in dq.records if r["key"] == "provision.rate_blank"]
    assert blank == [(4, "Rate", None)]
    last = [r["values"] for r in dq.records if r["key"] == "provision.no_open_band"]
    assert last == [{"last": "1000000"}]


# Provision bands: each invoice of 1,000.00 open on AsOfDate 2026-06-30, aged from its invoice date.
AS_OF = D("2026-06-30")


def _aged(ages: list[int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    ids = [f"A{age}" for age in ages]
    invoices = pd.DataFrame({"InvoiceNo": [f"I{age}" for age in ages], "CustomerID": ids,
                             "InvoiceDate": [AS_OF - pd.Timedelta(days=age) for age in ages],
                             "Amount": [1000.0] * len(ages)})
    invoices["DueDate"] = invoices["InvoiceDate"] + pd.Timedelta(days=30)
    return invoices, customers_table(ids)


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
