"""Foreign currency: the rate in force on a line's own day, conversion and balances by currency; by hand."""
import numpy as np
import pandas as pd

from kam_xl import analyze
from kam_xl.domain.currency import rate_on
from kam_xl.inputs.reader import inputs_from_frames

D = pd.Timestamp


def test_rates_in_force_conversion_and_balances_by_currency_by_hand():
    """USD at 7.0 from 2026-01-01 and 7.2 from 2026-03-01, EUR at 7.8 from 2026-02-01: the rate in force on
    each date, in the order asked (dates unsorted); none before a currency's first rate or without one."""
    from kam_xl.domain.currency import balances_by_currency, converted, rate_on
    D = pd.Timestamp
    rates = pd.DataFrame({"Date": [D("2026-03-01"), D("2026-01-01"), D("2026-02-01")],
                          "Currency": ["USD", "USD", "EUR"], "Rate": [7.2, 7.0, 7.8]})
    currency = pd.Series(["USD", "EUR", "USD", "EUR", "JPY", "USD"], index=list("abcdef"))
    dates = pd.Series([D("2026-03-15"), D("2026-02-01"), D("2026-01-31"), D("2026-01-31"), D("2026-03-01"),
                       D("2026-03-01")], index=list("abcdef"))
    got = rate_on(rates, currency, dates)
    assert got.index.tolist() == list("abcdef")
    assert got.tolist()[:3] == [7.2, 7.8, 7.0] and np.isnan(got["d"]) and np.isnan(got["e"]) and got["f"] == 7.2
    assert rate_on(None, currency, dates).isna().all() and rate_on(rates.iloc[:0], currency, dates).isna().all()
    frame = pd.DataFrame({"Amount": [100.0, 10.005], "Other": [1.0, 1.0]})
    assert converted(frame, ["Amount", "Missing"], pd.Series([7.2, np.nan])).to_dict("list") == {
        "Amount": [720.0, 10.01], "Other": [1.0, 1.0]}                       # NaN rate: already reporting currency
    invoices = pd.DataFrame({"CustomerID": ["C1", "C1", "C2", "C2"], "Currency": ["USD", "CNY", "USD", "USD"],
                             "OriginalAmount": [100.0, 50.0, 30.0, 99.0],
                             "InvoiceDate": [D("2026-01-10"), D("2026-02-01"), D("2026-01-05"), D("2026-07-01")]})
    payments = pd.DataFrame({"CustomerID": ["C1", "C2", "C2"], "Currency": ["USD", "USD", "USD"],
                             "OriginalAmount": [40.0, 30.0, 5.0],
                             "PaymentDate": [D("2026-03-01"), D("2026-02-01"), D("2026-08-01")]})
    table = balances_by_currency(invoices, payments, D("2026-06-30"), pd.Series({"USD": 7.25, "CNY": 1.0}))
    assert table.to_dict("list") == {"CustomerID": ["C1", "C1"], "Currency": ["CNY", "USD"],
                                     "OpenBalanceOriginal": [50.0, 60.0], "ClosingRate": [1.0, 7.25],
                                     "OpenBalance": [50.0, 435.0]}               # C2 paid in full by AsOfDate
    alone = balances_by_currency(invoices, None, D("2026-06-30"), pd.Series({"USD": 7.25, "CNY": 1.0}))
    assert alone["OpenBalanceOriginal"].tolist() == [50.0, 100.0, 30.0]


def test_conversion_and_balances_round_to_a_currency_without_cents():
    """Yen (0 decimals): 10.4 x 1.5 = 15.6 -> 16; an open 100.2 (-> 100) at 1.234 -> 123.4 -> 123."""
    from kam_xl.domain.currency import balances_by_currency, converted
    D = pd.Timestamp
    assert converted(pd.DataFrame({"Amount": [10.4]}), ["Amount"], pd.Series([1.5]), 0)["Amount"].tolist() == [16.0]
    invoices = pd.DataFrame({"CustomerID": ["C1"], "Currency": ["USD"], "OriginalAmount": [100.2],
                             "InvoiceDate": [D("2026-01-10")]})
    table = balances_by_currency(invoices, None, D("2026-06-30"), pd.Series({"USD": 1.234}), 0)
    assert table[["OpenBalanceOriginal", "OpenBalance"]].values.tolist() == [[100.0, 123.0]]


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
