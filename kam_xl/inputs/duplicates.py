"""Duplicates within one file: the accidents of pasting and exporting twice.

Checked on the typed tables once customers are matched (documents that two
files both give are found earlier, when the files are put together):

- an Invoices row identical to an earlier one of its file (InvoiceNo,
  CustomerID, InvoiceDate and Amount, and every other column read: two lines
  of one bill for different goods are not a paste) is not used a second
  time: an Error naming both rows;
- one InvoiceNo on two customers: an Error naming both customers and rows
  (both rows are used: which one is right cannot be told);
- a Payments row identical to an earlier one (CustomerID, PaymentDate, Amount,
  InvoiceNo): a Warning naming both rows and the amount; it is used, as two
  equal receipts on one day can be real (the contract has no receipt number
  whose repetition would prove a double entry);
- identical Sales lines in one document (every contract column equal), and a
  DocumentNo used for another customer or on another day: Warnings with the
  amount; the lines are used.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from kam_xl.contract import TABLES
from kam_xl.inputs.ledger import Ledger, row_keys
from kam_xl.quality import ERROR, WARNING, DataQuality

ROW, SOURCE = "_row", "Source"


def _money(value: float) -> str:
    return f"{value:,.2f}"


def _day(value) -> str:
    return pd.Timestamp(value).strftime("%Y-%m-%d") if pd.notna(value) else "-"


def check_duplicates(tables: dict[str, pd.DataFrame], dq: DataQuality, ledgers: dict[str, Ledger],
                     locate=None) -> None:
    """Log the duplicates of Invoices, Payments and Sales (see the module) and
    drop the repeated invoice rows from ``tables`` into their ledger.
    ``locate(table, source label)`` gives where a row of a table put together
    from several files came from. Each kind of finding is listed for its first
    MAX_LISTED rows, the rest counted in one more record (a column mapped
    wrongly, such as an order type read as the document number, would
    otherwise list every line)."""
    def sheet(table: str, frame: pd.DataFrame, index) -> str:
        source = locate(table, frame.at[index, SOURCE]) if locate is not None and SOURCE in frame else None
        source = source or dq.sources.get(table)
        return source.sheet if source is not None else table

    def report(severity: str, table: str, key: str, frame: pd.DataFrame, found: pd.DataFrame, column: str,
               values) -> None:
        """One record per row of ``found`` (indexed as ``frame``, with a ``first`` column: the index of the
        earlier row it repeats), ``values(index, first)`` its message values."""
        for index, first in zip(found.index[:MAX_LISTED], found["first"][:MAX_LISTED]):
            dq.add(severity, table, key, int(frame.at[index, ROW]), column, frame.at[index, column],
                   first=int(frame.at[first, ROW]), sheet=sheet(table, frame, first), **values(index, first))
            if locate is not None and SOURCE in frame:
                dq.records[-1]["where"] = locate(table, frame.at[index, SOURCE])
        if len(found) > MAX_LISTED:
            dq.add(severity, table, "dup.more", None, column, None, count=len(found) - MAX_LISTED,
                   shown=MAX_LISTED, finding=f"~{key}.short")

    if "Invoices" in tables:
        tables["Invoices"] = _invoices(tables["Invoices"], ledgers.get("Invoices"), report)
    if "Payments" in tables:
        _payments(tables["Payments"], report)
    if "Sales" in tables:
        _sales(tables["Sales"], report)


MAX_LISTED = 100


def _within_file(frame: pd.DataFrame, columns: list[str]) -> list[str]:
    """``columns``, and the Source column when the table came from several files."""
    return [*columns, SOURCE] if SOURCE in frame else list(columns)


def _repeats(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The rows equal in ``columns`` to an earlier row, with ``first``: the index of the first such row."""
    repeated = frame.duplicated(columns, keep="first")
    if not repeated.any():
        return pd.DataFrame({"first": pd.Series(dtype="int64")})
    first = frame.reset_index().groupby(columns, dropna=False, sort=False)["index"].transform("first")
    return pd.DataFrame({"first": first.to_numpy()[repeated.to_numpy()]}, index=frame.index[repeated])


def _invoices(frame: pd.DataFrame, ledger: Ledger | None, report) -> pd.DataFrame:
    repeated = _repeats(frame, _within_file(frame, [c for c in frame.columns if c not in (ROW, SOURCE)]))
    if len(repeated):
        report(ERROR, "Invoices", "dup.invoice_row", frame, repeated, "InvoiceNo",
               lambda index, first: {"amount": _money(frame.at[index, "Amount"])})
        if ledger is not None:
            ledger.reject(row_keys(frame.loc[repeated.index]), "dup.invoice_row")
        frame = frame.drop(index=repeated.index).reset_index(drop=True)
    numbers = frame[frame["InvoiceNo"].notna()]
    group = _within_file(numbers, ["InvoiceNo"])
    heads = ~numbers.duplicated(group)                                 # each number's first row
    customers = ~numbers.duplicated([*group, "CustomerID"]) & ~heads   # another customer's first row
    if customers.any():
        first = numbers[heads].reset_index().set_index(group)["index"]
        others = numbers[customers]
        found = pd.DataFrame({"first": first.reindex(pd.MultiIndex.from_frame(others[group]) if len(group) > 1
                                                     else pd.Index(others[group[0]])).to_numpy()}, index=others.index)
        report(ERROR, "Invoices", "dup.invoice_customers", frame, found, "InvoiceNo",
               lambda index, head: {"first_cid": frame.at[head, "CustomerID"], "cid": frame.at[index, "CustomerID"]})
    return frame


def _payments(frame: pd.DataFrame, report) -> None:
    repeated = _repeats(frame, _within_file(frame, ["CustomerID", "PaymentDate", "Amount", "InvoiceNo"]))
    if len(repeated):
        report(WARNING, "Payments", "dup.payment_row", frame, repeated, "Amount",
               lambda index, first: {"amount": _money(frame.at[index, "Amount"])})


def _sales(frame: pd.DataFrame, report) -> None:
    documents = frame[frame["DocumentNo"].notna()]
    if documents.empty:
        return
    repeated = _repeats(documents, _within_file(documents, [c.name for c in TABLES["Sales"].columns]))
    if len(repeated):
        report(WARNING, "Sales", "dup.sales_line", frame, repeated, "DocumentNo",
               lambda index, first: {"amount": _money(frame.at[index, "NetRevenue"])})
    # A document's lines are one customer's on one day: another customer or day under its number is said once each.
    bills = documents.assign(_day=documents["Date"].dt.normalize())
    group = _within_file(bills, ["DocumentNo"])
    combination = [*group, "CustomerID", "_day"]
    heads = ~bills.duplicated(group)
    others = ~bills.duplicated(combination) & ~heads
    if not others.any():
        return
    first = bills[heads].reset_index().set_index(group)["index"]
    found = bills[others]
    keys = pd.MultiIndex.from_frame(found[group]) if len(group) > 1 else pd.Index(found[group[0]])
    codes = pd.factorize(bills["DocumentNo"])[0]
    spread = np.zeros(codes.max() + 1, dtype=bool)
    spread[codes[others.to_numpy()]] = True
    spread = bills[spread[codes]]   # the lines of those documents only
    amounts = spread.groupby(combination, dropna=False, sort=False)["NetRevenue"].sum()
    found = pd.DataFrame({"first": first.reindex(keys).to_numpy(),
                          "amount": amounts.reindex(pd.MultiIndex.from_frame(found[combination])).to_numpy()},
                         index=found.index)
    report(WARNING, "Sales", "dup.document_reused", frame, found, "DocumentNo",
           lambda index, head: {"first_cid": frame.at[head, "CustomerID"], "first_date": _day(frame.at[head, "Date"]),
                                "cid": frame.at[index, "CustomerID"], "date": _day(frame.at[index, "Date"]),
                                "amount": _money(found.at[index, "amount"])})
