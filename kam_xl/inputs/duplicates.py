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
    from several files came from."""
    def place(table: str, frame: pd.DataFrame, index) -> None:
        if locate is not None and SOURCE in frame:
            dq.records[-1]["where"] = locate(table, frame.at[index, SOURCE])

    def sheet(table: str, frame: pd.DataFrame, index) -> str:
        source = locate(table, frame.at[index, SOURCE]) if locate is not None and SOURCE in frame else None
        source = source or dq.sources.get(table)
        return source.sheet if source is not None else table

    if "Invoices" in tables:
        tables["Invoices"] = _invoices(tables["Invoices"], dq, ledgers.get("Invoices"), place, sheet)
    if "Payments" in tables:
        _payments(tables["Payments"], dq, place, sheet)
    if "Sales" in tables:
        _sales(tables["Sales"], dq, place, sheet)


def _within_file(frame: pd.DataFrame, columns: list[str]) -> list[str]:
    """``columns``, and the Source column when the table came from several files."""
    return [*columns, SOURCE] if SOURCE in frame else list(columns)


def _repeats(frame: pd.DataFrame, columns: list[str]) -> tuple[pd.Series, pd.Series]:
    """(rows equal in ``columns`` to an earlier row, the index of that first row for each)."""
    repeated = frame.duplicated(columns, keep="first")
    if not repeated.any():
        return repeated, pd.Series(dtype="int64")
    first = frame.reset_index().groupby(columns, dropna=False, sort=False)["index"].transform("first")
    return repeated, pd.Series(first.to_numpy(), index=frame.index)


def _invoices(frame: pd.DataFrame, dq: DataQuality, ledger: Ledger | None, place, sheet) -> pd.DataFrame:
    columns = _within_file(frame, [c for c in frame.columns if c not in (ROW, SOURCE)])
    repeated, first = _repeats(frame, columns)
    if repeated.any():
        for index in repeated.index[repeated]:
            earlier = first[index]
            dq.add(ERROR, "Invoices", "dup.invoice_row", int(frame.at[index, ROW]), "InvoiceNo",
                   frame.at[index, "InvoiceNo"], first=int(frame.at[earlier, ROW]),
                   sheet=sheet("Invoices", frame, earlier), amount=_money(frame.at[index, "Amount"]))
            place("Invoices", frame, index)
        if ledger is not None:
            ledger.reject(row_keys(frame[repeated]), "dup.invoice_row")
        frame = frame[~repeated].reset_index(drop=True)
    numbers = frame[frame["InvoiceNo"].notna()]
    group = _within_file(numbers, ["InvoiceNo"])
    customers = numbers.groupby(group, dropna=False, sort=False)["CustomerID"].transform("nunique")
    shared = numbers[customers > 1]
    for _, rows in shared.groupby(group, dropna=False, sort=False):
        head = rows.index[0]
        others = rows[rows["CustomerID"] != rows.at[head, "CustomerID"]].drop_duplicates("CustomerID")
        for index in others.index:
            dq.add(ERROR, "Invoices", "dup.invoice_customers", int(frame.at[index, ROW]), "InvoiceNo",
                   frame.at[index, "InvoiceNo"], first=int(frame.at[head, ROW]), sheet=sheet("Invoices", frame, head),
                   first_cid=frame.at[head, "CustomerID"], cid=frame.at[index, "CustomerID"])
            place("Invoices", frame, index)
    return frame


def _payments(frame: pd.DataFrame, dq: DataQuality, place, sheet) -> None:
    columns = _within_file(frame, ["CustomerID", "PaymentDate", "Amount", "InvoiceNo"])
    repeated, first = _repeats(frame, columns)
    for index in repeated.index[repeated]:
        earlier = first[index]
        dq.add(WARNING, "Payments", "dup.payment_row", int(frame.at[index, ROW]), "Amount", frame.at[index, "Amount"],
               first=int(frame.at[earlier, ROW]), sheet=sheet("Payments", frame, earlier),
               amount=_money(frame.at[index, "Amount"]))
        place("Payments", frame, index)


def _sales(frame: pd.DataFrame, dq: DataQuality, place, sheet) -> None:
    documents = frame[frame["DocumentNo"].notna()]
    if documents.empty:
        return
    columns = _within_file(documents, [c.name for c in TABLES["Sales"].columns])
    repeated, first = _repeats(documents, columns)
    for index in repeated.index[repeated]:
        earlier = first[index]
        dq.add(WARNING, "Sales", "dup.sales_line", int(frame.at[index, ROW]), "DocumentNo",
               frame.at[index, "DocumentNo"], first=int(frame.at[earlier, ROW]), sheet=sheet("Sales", frame, earlier),
               amount=_money(frame.at[index, "NetRevenue"]))
        place("Sales", frame, index)
    # A document's lines are one customer's on one day; another customer or day under its number: said once each.
    bills = documents.assign(_day=documents["Date"].dt.normalize())
    group = _within_file(bills, ["DocumentNo"])
    spread = bills.groupby(group, dropna=False, sort=False)[["CustomerID", "_day"]].transform("nunique")
    reused = bills[(spread > 1).any(axis=1)]
    for _, rows in reused.groupby(group, dropna=False, sort=False):
        parts = rows.groupby(["CustomerID", "_day"], dropna=False, sort=False)
        heads = parts.head(1)
        amounts = parts["NetRevenue"].sum()
        head = heads.index[0]
        for index in heads.index[1:]:
            amount = amounts.loc[(rows.at[index, "CustomerID"], rows.at[index, "_day"])]
            dq.add(WARNING, "Sales", "dup.document_reused", int(frame.at[index, ROW]), "DocumentNo",
                   frame.at[index, "DocumentNo"], first=int(frame.at[head, ROW]), sheet=sheet("Sales", frame, head),
                   first_cid=frame.at[head, "CustomerID"], first_date=_day(rows.at[head, "_day"]),
                   cid=frame.at[index, "CustomerID"], date=_day(rows.at[index, "_day"]), amount=_money(amount))
            place("Sales", frame, index)
