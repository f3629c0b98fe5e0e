"""Controls (核对): does the summary tie to the ledgers it came from?

Each control sets a total taken from the source records (the lines read, the
ledger's own balance, an export's own totals row) beside the same total taken
from the summary's tables by another route. Difference = SourceTotal −
ReportTotal, in the reporting currency or in lines; a money difference beyond
half a minor unit, or any difference in a count, is a Break (a control whose
report side is unknown is not checked, and says why).

The figures come in as frames and plain numbers; a control is a key and its
facts, and the words are the render layer's (``control.<key>``,
``control_note.<key>``).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kam_xl.contract import CONTROLS_COLUMNS
from kam_xl.domain.frames import first_match, in_window, round_money

OK, BREAK, NOT_CHECKED = "OK", "Break", "NotChecked"


@dataclass(frozen=True)
class Control:
    """One reconciliation: ``key`` names what is reconciled, ``facts`` the figures its note gives."""

    key: str
    table: str
    source: float
    report: float
    unit: str = "money"   # or "count"
    facts: dict = field(default_factory=dict)


def controls_table(controls: list[Control], decimals: int) -> pd.DataFrame:
    """The Controls table: Difference = SourceTotal − ReportTotal; Status Break
    when |Difference| > half a minor unit (money) or is not 0 (count), OK
    otherwise, NotChecked when either side is unknown. The status is judged
    on the sums as added up (a float's last bit is no difference), the totals
    shown rounded to the minor unit. Control, Unit and Note hold the key,
    money or count, and the facts (worded by the render layer)."""
    rows = []
    for c in controls:
        places, tolerance = (decimals, 0.5 * 10.0 ** -decimals) if c.unit == "money" else (0, 0.5)
        difference = c.source - c.report
        status = NOT_CHECKED if pd.isna(difference) else BREAK if abs(difference) > tolerance + 1e-9 else OK
        rows.append({"Control": c.key, "Table": c.table, "Unit": c.unit,
                     **{column: round_money(value, places) if pd.notna(value) else np.nan for column, value in
                        (("SourceTotal", c.source), ("ReportTotal", c.report), ("Difference", difference))},
                     "Status": status, "Note": c.facts})
    return pd.DataFrame(rows, columns=CONTROLS_COLUMNS)


def lines_read(table: str, read_rows: int, read_amount: float, parts: dict[str, tuple[int, float]],
               rejected_rows: int, rejected_amount: float) -> list[Control]:
    """Lines read = the parts they went to + the lines rejected, in lines and
    in amount (the amounts as typed, before any conversion: a check sum of
    the file, not a figure of the summary). ``parts``: name -> (lines, amount)."""
    facts = {"parts": [(name, rows, amount) for name, (rows, amount) in parts.items()],
             "rejected_rows": rejected_rows, "rejected_amount": rejected_amount}
    return [Control(f"{table.lower()}.lines", table, read_rows,
                    sum(rows for rows, _ in parts.values()) + rejected_rows, "count", facts),
            Control(f"{table.lower()}.amount", table, read_amount,
                    sum(amount for _, amount in parts.values()) + rejected_amount, "money", facts)]


def split_by_period(lines: pd.DataFrame, date: str, amount: str, start: pd.Timestamp, end: pd.Timestamp,
                    weights: pd.Series) -> dict[str, tuple[int, float]]:
    """Lines (and their ``amount``) dated in [start, end] and outside it;
    ``weights``: how many lines each row stands for (a condensed file's sums)."""
    inside = lines[date].between(start, end)
    return {"inside": (int(weights[inside].sum()), float(lines.loc[inside, amount].sum())),
            "outside": (int(weights[~inside].sum()), float(lines.loc[~inside, amount].sum()))}


def split_receipts(payments: pd.DataFrame, invoices: pd.DataFrame | None,
                   weights: pd.Series | None = None) -> dict[str, tuple[int, float]]:
    """Receipts applied (their CustomerID and InvoiceNo name an invoice) and unapplied."""
    if invoices is None:
        applied = pd.Series(False, index=payments.index)
    else:
        applied = pd.Series(names_an_invoice(payments, invoices), index=payments.index)
    weights = pd.Series(1, index=payments.index) if weights is None else weights
    return {"applied": (int(weights[applied].sum()), float(payments.loc[applied, "Amount"].sum())),
            "unapplied": (int(weights[~applied].sum()), float(payments.loc[~applied, "Amount"].sum()))}


def names_an_invoice(payments: pd.DataFrame, invoices: pd.DataFrame) -> np.ndarray:
    """Per payment: whether its (CustomerID, InvoiceNo), compared as text, is an invoice's (a blank InvoiceNo
    names none), looked up as :func:`kam_xl.domain.frames.first_match` looks up keys."""
    keys = ["CustomerID", "InvoiceNo"]
    return (first_match(payments[keys].astype(str), invoices[keys].astype(str), keys) >= 0) \
        & payments["InvoiceNo"].notna().to_numpy()


def period_sales(sales: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp, profitability: pd.DataFrame,
                 weights: pd.Series, decimals: int) -> list[Control]:
    """The period's sales lines summed per customer and rounded to the minor
    unit (as a ledger totals each account) = the Profitability totals:
    NetRevenue, and GrossProfit over the customers whose every line of the
    period has a cost (the others have no GrossProfit, on either side).
    ``weights``: how many lines each row of ``sales`` stands for."""
    period = in_window(sales, "Date", start, end)
    period = period[period["CustomerID"].isin(profitability["CustomerID"])]
    sums = period.groupby("CustomerID")[["NetRevenue", "COGS"]].sum()
    costed = ~period["COGS"].isna().groupby(period["CustomerID"]).any()
    revenue, cost = round_money(sums["NetRevenue"], decimals), round_money(sums["COGS"], decimals)
    facts = {"lines": int(weights[period.index].sum()), "customers": int(profitability["CustomerID"].nunique()),
             "uncosted_customers": int(profitability["GrossProfit"].isna().sum())}
    return [Control("sales.net_revenue", "Sales", float(revenue.sum()), float(profitability["NetRevenue"].sum()),
                    facts=facts),
            Control("sales.gross_profit", "Sales", float((revenue - cost)[costed].sum()),
                    float(profitability["GrossProfit"].sum()), facts=facts)]


def ledger_balance(invoices: pd.DataFrame, payments: pd.DataFrame | None, as_of: pd.Timestamp,
                   receivables: pd.DataFrame) -> Control:
    """The ledger's receivable = invoices dated on or before AsOfDate − receipts
    dated on or before AsOfDate (all customers of the summary) = the
    Receivables OpenBalance total (open invoices + credit notes − unapplied receipts)."""
    ids = receivables["CustomerID"]
    billed = invoices.loc[(invoices["InvoiceDate"] <= as_of) & invoices["CustomerID"].isin(ids), "Amount"].sum()
    paid = 0.0 if payments is None else \
        payments.loc[(payments["PaymentDate"] <= as_of) & payments["CustomerID"].isin(ids), "Amount"].sum()
    return Control("receivables.ledger", "Invoices", float(billed - paid), float(receivables["OpenBalance"].sum()),
                   facts={"invoiced": float(billed), "received": float(paid)})


def aging_total(receivables: pd.DataFrame, buckets: list[str]) -> Control:
    """The OpenBalance total = the sum of the aging buckets."""
    return Control("receivables.aging", "Invoices", float(receivables["OpenBalance"].sum()),
                   float(receivables[buckets].to_numpy(dtype=float).sum()), facts={"buckets": len(buckets)})


def provision_base(receivables: pd.DataFrame, provision: pd.DataFrame) -> Control:
    """The OpenBalance total = the Provision's GrossReceivable total + the credit
    balances (customers who have paid or been credited more than they owe: no
    allowance is made on a credit)."""
    credit = float(provision["CreditBalance"].sum())
    return Control("provision.base", "Invoices", float(receivables["OpenBalance"].sum()),
                   float(provision["GrossReceivable"].sum()) + credit,
                   facts={"gross": float(provision["GrossReceivable"].sum()), "credit": credit})


def export_totals(totals) -> list[Control]:
    """An export's own totals row (合计/总计) = the sum of the lines read above it.
    ``totals``: records with table, row, column, stated and lines."""
    return [Control("export.totals", t.table, float(t.stated), float(t.lines),
                    facts={"row": int(t.row), "column": t.column}) for t in totals]


def conversion(table: str, lines: pd.DataFrame, amount: str, rates: pd.DataFrame, when: pd.Series,
               reporting: str, decimals: int) -> Control | None:
    """The converted total = Σ original amount × the rate in force on each
    line's date (``when``), each line rounded to the minor unit as it is booked.
    The rate is looked up here on its own (the last FXRates row of the
    currency dated on or before the day), not by the conversion's code."""
    foreign = lines["Currency"] != reporting
    if not foreign.any():
        return None
    lines, when = lines[foreign], pd.to_datetime(when[foreign])
    rate = pd.Series(np.nan, index=lines.index)
    for currency, rows in lines.groupby("Currency").groups.items():
        known = rates[rates["Currency"] == currency].dropna(subset=["Date", "Rate"]).sort_values("Date", kind="stable")
        dates = known["Date"].to_numpy(dtype="datetime64[ns]")
        position = np.searchsorted(dates, when[rows].to_numpy(dtype="datetime64[ns]"), side="right") - 1
        found = known["Rate"].to_numpy(dtype=float)[np.clip(position, 0, None)] if len(known) else np.nan
        rate[rows] = np.where(position >= 0, found, np.nan)
    source = round_money(lines["OriginalAmount"].to_numpy(dtype=float) * rate.to_numpy(), decimals).sum()
    return Control("fx.converted", table, float(source), float(lines[amount].sum()),
                   facts={"lines": len(lines), "currencies": ", ".join(sorted(lines["Currency"].unique()))})
