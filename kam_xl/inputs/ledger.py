"""The reader's ledger: what it read of each amount table and every line it did not pass on.

For Sales, Invoices and Payments the reader records, apart from the table it
hands over, the lines it read and their amount, and one row per line it did
not use with the reason (the DataQuality message key), so that a control can
check: lines read = lines used + lines rejected, in rows and in amount. It is
a record only: nothing here computes a figure of the analysis.

Amounts are as typed in the cell's own currency, before any conversion. A
line whose amount cell does not parse is counted in rows, not in amount (its
``rejected.amount`` is NaN). An export's own totals rows (合计/总计/小计/Total)
are not lines: they are skipped and recorded as :class:`ExportTotal` (the
stated figure against the sum of the lines read above it).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

REJECTED_COLUMNS = ["_row", "amount", "reason"]


@dataclass
class Ledger:
    """What the reader read of one amount table, and every line it did not pass on."""

    table: str                 # "Sales", "Invoices", "Payments"
    amount: str                # the amount column: "NetRevenue" for Sales (or "GrossAmount" when the file has no
    # net amount), "Amount" otherwise
    read_rows: int             # data lines read: every non-blank row under the header, except an export's own
    # totals rows (合计/总计/小计/Total) that were skipped
    read_amount: float         # sum of the amount over those lines where the amount cell parses (in the cell's own
    # currency, as typed: before any FX conversion)
    unparsed_rows: int         # lines among them whose amount did not parse (counted in rows, not in amount)
    rejected: pd.DataFrame     # one row per line not passed on: _row (worksheet row), amount (float, NaN when
    # unparseable), reason (the DataQuality message key); plus Source when several files
    used_rows: int             # lines passed on in the Inputs table (for a condensed Sales file: the lines summed,
    # not the condensed rows)
    # Each line read by its key (its _row, or (Source, _row) with several files): the amount as typed (NaN when it
    # does not parse), and how many lines a row of the table stands for (a condensed file's sums: more than 1).
    amounts: pd.Series = field(default_factory=lambda: pd.Series(dtype="float64"), repr=False)
    lines: pd.Series = field(default_factory=lambda: pd.Series(dtype="int64"), repr=False)

    def reject(self, keys, reasons) -> None:
        """Record the lines of ``keys`` (their _row, or (Source, _row)) as not
        passed on, each with its reason (one key for all, or one per line)."""
        keys = list(keys)
        if not keys:
            return
        reasons = [reasons] * len(keys) if isinstance(reasons, str) else list(reasons)
        amounts = self.amounts.reindex(pd.Index(keys, tupleize_cols=False)).to_numpy(dtype="float64")
        if isinstance(keys[0], tuple):
            found = pd.DataFrame({"_row": [int(k[1]) for k in keys], "amount": amounts, "reason": reasons,
                                  "Source": [k[0] for k in keys]})
        else:
            found = pd.DataFrame({"_row": [int(k) for k in keys], "amount": amounts, "reason": reasons})
        self.rejected = found if self.rejected.empty else pd.concat([self.rejected, found], ignore_index=True)


def new_ledger(table: str, amount: str, amounts: pd.Series) -> Ledger:
    """The ledger of a table whose read lines (indexed by worksheet row) have
    ``amounts`` as typed (NaN: the cell did not parse)."""
    amounts = amounts.astype("float64")
    return Ledger(table, amount, int(len(amounts)), float(amounts.sum()), int(amounts.isna().sum()),
                  pd.DataFrame({"_row": pd.Series(dtype="int64"), "amount": pd.Series(dtype="float64"),
                                "reason": pd.Series(dtype="str")}),
                  0, amounts, pd.Series(1, index=amounts.index, dtype="int64"))


def add_sums(ledger: Ledger, rows: pd.Series, amounts: pd.Series, lines: np.ndarray) -> None:
    """A condensed file's sums: ``lines`` lines each, read, of ``amounts`` (all finite)."""
    index = pd.Index(rows.astype("int64"))
    ledger.read_rows += int(np.sum(lines))
    ledger.read_amount += float(amounts.sum())
    ledger.amounts = pd.concat([ledger.amounts, pd.Series(amounts.to_numpy(dtype="float64"), index=index)])
    ledger.lines = pd.concat([ledger.lines, pd.Series(np.asarray(lines, dtype="int64"), index=index)])


def combined(ledgers: list[tuple[str, Ledger]]) -> Ledger:
    """One table's ledgers from several files (label, ledger), keyed (Source, _row)."""
    first = ledgers[0][1]
    amount = first.amount   # (files of one table whose amount columns differ, net and gross, are not reconciled apart)
    rejected = [ledger.rejected.assign(Source=label) for label, ledger in ledgers if not ledger.rejected.empty]

    def keyed(series: pd.Series, label: str) -> pd.Series:
        return pd.Series(series.to_numpy(), index=pd.Index([(label, int(r)) for r in series.index],
                                                           tupleize_cols=False), dtype=series.dtype)

    return Ledger(first.table, amount, sum(ledger.read_rows for _, ledger in ledgers),
                  float(sum(ledger.read_amount for _, ledger in ledgers)),
                  sum(ledger.unparsed_rows for _, ledger in ledgers),
                  pd.concat(rejected, ignore_index=True) if rejected else
                  pd.DataFrame({"_row": pd.Series(dtype="int64"), "amount": pd.Series(dtype="float64"),
                                "reason": pd.Series(dtype="str"), "Source": pd.Series(dtype="str")}),
                  0, pd.concat([keyed(ledger.amounts, label) for label, ledger in ledgers]),
                  pd.concat([keyed(ledger.lines, label) for label, ledger in ledgers]))


def row_keys(frame: pd.DataFrame) -> list:
    """The ledger keys of a table's rows: _row, or (Source, _row) when it has a Source column."""
    if "Source" in frame:
        return list(zip(frame["Source"].astype(object), frame["_row"].astype("int64").tolist()))
    return frame["_row"].astype("int64").tolist()


def note_dropped(ledger: Ledger | None, before: pd.DataFrame, after: pd.DataFrame, records: list[dict],
                 fallback: str, where=None) -> None:
    """The lines of ``before`` that are not in ``after``: rejected, each with the
    key of the first Error in ``records`` about its row (``where(record, key)``
    tells whether a record concerns that key's file), else ``fallback``."""
    if ledger is None or len(before) == len(after):
        return
    kept = set(row_keys(after))
    dropped = [key for key in row_keys(before) if key not in kept]
    reasons = []
    for key in dropped:
        row = key[1] if isinstance(key, tuple) else key
        reason = next((r["key"] for r in records if r["Severity"] == "Error" and r["Table"] == ledger.table
                       and r["Row"] == row and (where is None or where(r, key))), fallback)
        reasons.append(reason)
    ledger.reject(dropped, reasons)


def finish(ledger: Ledger, table: pd.DataFrame | None) -> None:
    """Set ``used_rows`` from the table handed over (a condensed sum counts its lines)."""
    if table is None or table.empty:
        ledger.used_rows = 0
        return
    weights = ledger.lines.reindex(pd.Index(row_keys(table), tupleize_cols=False)).fillna(1)
    ledger.used_rows = int(weights.sum())


@dataclass
class ExportTotal:
    """An export's own totals row, skipped: the amount it states in one amount
    column against the sum of the lines read above it (since the header or
    the totals row before it; since the header when that is what it adds up)."""

    table: str
    row: int            # worksheet row of the totals row
    column: str         # canonical amount column
    stated: float
    lines: float
    source: str | None = None   # the file, when a table came from several
