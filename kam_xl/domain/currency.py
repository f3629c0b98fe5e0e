"""Amounts in the reporting currency: rates in force on a date, and conversion.

FXRates hold units of the reporting currency per unit of a currency, each
rate in force from its Date until the next one of that currency.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from kam_xl.domain.frames import round_money


def rate_on(rates: pd.DataFrame, currency: pd.Series, dates: pd.Series) -> pd.Series:
    """For each (currency, date) pair the rate in force: that of the latest
    FXRates row of the currency dated on or before the date (reporting units
    per unit); NaN when the currency has no rate by then."""
    # One resolution on both sides: merge_asof refuses dates read from a sheet (ns) against a
    # parameter's date (a period's last day is a Timestamp in us).
    wanted = pd.DataFrame({"Currency": currency.to_numpy(),
                           "Date": pd.to_datetime(dates.to_numpy()).astype("datetime64[ns]"),
                           "position": np.arange(len(currency))})
    if rates is None or rates.empty or wanted.empty:
        return pd.Series(np.nan, index=currency.index)
    table = rates[["Currency", "Date", "Rate"]].dropna().astype({"Date": "datetime64[ns]"}).sort_values("Date")
    found = pd.merge_asof(wanted.sort_values("Date"), table, on="Date", by="Currency", direction="backward")
    return pd.Series(found.sort_values("position")["Rate"].to_numpy(dtype=float), index=currency.index)


def converted(frame: pd.DataFrame, amounts: list[str], rate: pd.Series, decimals: int = 2) -> pd.DataFrame:
    """``frame`` with each of ``amounts`` × ``rate`` (1 where NaN: the row is
    already in the reporting currency), rounded to the minor unit."""
    factor = rate.fillna(1.0).to_numpy()
    return frame.assign(**{column: round_money(frame[column].to_numpy(dtype=float) * factor, decimals)
                           for column in amounts if column in frame})


def balances_by_currency(invoices: pd.DataFrame, payments: pd.DataFrame | None, as_of: pd.Timestamp,
                         closing_rate: pd.Series, decimals: int = 2) -> pd.DataFrame:
    """Open receivables per customer and original currency: OpenBalanceOriginal
    = invoices dated <= AsOfDate - payments dated <= AsOfDate, in that currency;
    ClosingRate = the rate in force on AsOfDate (``closing_rate`` by currency,
    1 for the reporting currency); OpenBalance = OpenBalanceOriginal ×
    ClosingRate, in the reporting currency (the closing-rate rule). Rows with
    nothing open are left out."""
    parts = [invoices.loc[invoices["InvoiceDate"] <= as_of, ["CustomerID", "Currency", "OriginalAmount"]]]
    if payments is not None:
        paid = payments.loc[payments["PaymentDate"] <= as_of, ["CustomerID", "Currency", "OriginalAmount"]]
        parts.append(paid.assign(OriginalAmount=-paid["OriginalAmount"]))
    items = pd.concat(parts, ignore_index=True)
    table = (items.groupby(["CustomerID", "Currency"], sort=True)["OriginalAmount"].sum()
             .rename("OpenBalanceOriginal").reset_index())
    table["OpenBalanceOriginal"] = round_money(table["OpenBalanceOriginal"], decimals)
    table = table[table["OpenBalanceOriginal"] != 0]
    table["ClosingRate"] = table["Currency"].map(closing_rate).astype(float)
    table["OpenBalance"] = round_money(table["OpenBalanceOriginal"] * table["ClosingRate"], decimals)
    return table.reset_index(drop=True)
