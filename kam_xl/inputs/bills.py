"""Bills: Sales, Invoices and Payments as ERPs export them (the amount tables,
TableSpec.amounts).

An export puts its own totals rows among the lines (合计, Total, an SAP list's
Result): they are skipped, each checked against the lines above it and
recorded (kam_xl.inputs.ledger.ExportTotal). A bill's continuation lines,
saved with its header fields on its first line only, get them filled down.
The ledger records what was read of the table and every line not passed on.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kam_xl.contract import NUMBER, TableSpec, normalize_name
from kam_xl.inputs.condense import Condensed
from kam_xl.inputs.grids import ROW, Grid
from kam_xl.inputs.ledger import ExportTotal, Ledger, new_ledger
from kam_xl.inputs.parsing import Kinds, foreign_currency, matches_words, parse_number
from kam_xl.quality import ERROR, INFO, WARNING, DataQuality

# Result: the subtotal line of an SAP list (ALV).
TOTALS_WORDS = {normalize_name(w) for w in ("合计", "总计", "小计", "总额", "Total", "Totals", "Grand Total",
                                           "Subtotal", "Sum", "Result")}


def totals_rows(spec: TableSpec, raw: pd.DataFrame, kinds: dict, parsed: dict, key_position: int,
                key_blank: pd.Series, words: pd.Series | None = None) -> pd.Series:
    """Rows that look like a totals line: a word such as 合计/Total in the key,
    or no key but figures, or no key and such a word in any cell (``words``,
    when they were found already)."""
    numbers_present = pd.Series(False, index=raw.index)
    for column in spec.columns:
        if column.kind == NUMBER and column.name in parsed:
            numbers_present |= parsed[column.name][0].notna()
    if words is None:
        words = _totals_words(raw, kinds, key_position, key_blank)
    return words | (key_blank & numbers_present)


HALF_CENT = 0.005


class _Running:
    """Sums of the lines read above a row, per amount column: since the header
    or since the totals row before it (an export's 合计 closes what is above it)."""

    def __init__(self, index: pd.Index, lines: pd.Series, amounts: dict[str, pd.Series], words: pd.Series,
                 condensed: Condensed | None):
        rows = index[lines.to_numpy()].to_numpy(dtype="int64")
        values = {c: a[lines].fillna(0.0).to_numpy(dtype="float64") for c, a in amounts.items()}
        if condensed is not None and len(condensed.sums):   # a condensed file's plain lines, summed
            sums = condensed.sums
            rows = np.concatenate([rows, sums[ROW].to_numpy(dtype="int64")])
            values = {c: np.concatenate([v, sums[c].fillna(0.0).to_numpy(dtype="float64") if c in sums else
                                         np.zeros(len(sums))]) for c, v in values.items()}
            order = np.argsort(rows, kind="stable")
            rows, values = rows[order], {c: v[order] for c, v in values.items()}
        self.rows = rows
        self.cumulative = {c: np.concatenate([[0.0], np.cumsum(v)]) for c, v in values.items()}
        self.words = index[words.to_numpy()].to_numpy(dtype="int64")

    def above(self, rows: np.ndarray, column: str, since_header: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """(sum, number of lines) above each of ``rows``."""
        end = np.searchsorted(self.rows, rows, side="left")
        if since_header or not len(self.words):
            start = np.zeros(len(rows), dtype="int64")
        else:
            before = np.searchsorted(self.words, rows, side="left") - 1
            previous = np.where(before >= 0, self.words[np.clip(before, 0, None)], np.iinfo("int64").min)
            start = np.searchsorted(self.rows, previous, side="right")
        cumulative = self.cumulative[column]
        return cumulative[end] - cumulative[start], end - start

    def ties(self, rows: pd.Index, amounts: dict[str, pd.Series], least: int) -> np.ndarray:
        """Whether each row states at least one amount and every amount it states is
        the sum of the (at least ``least``) lines above it since the last totals row."""
        at = rows.to_numpy(dtype="int64")
        stated_any = np.zeros(len(at), dtype=bool)
        tie = np.ones(len(at), dtype=bool)
        for column, values in amounts.items():
            stated = values[rows].to_numpy(dtype="float64")
            total, count = self.above(at, column)
            present = ~np.isnan(stated)
            stated_any |= present
            tie &= ~present | ((np.abs(stated - total) <= HALF_CENT) & (count >= least))
        return stated_any & tie


@dataclass
class Bills:
    """An amount table's lines as an ERP exports them: the totals rows
    (``words``), each amount column as typed, the running sums, and the totals
    rows recorded (kam_xl.inputs.ledger.ExportTotal)."""

    words: pd.Series
    amounts: dict[str, pd.Series]
    running: _Running
    totals: list = field(default_factory=list)


def _as_typed(cells: pd.Series, kinds: Kinds) -> pd.Series:
    """An amount column as typed (in the cell's own currency, a sign such as US$ read off); NaN where it does
    not parse or is not finite."""
    values = parse_number(cells, kinds)[0]
    return values.where(np.isfinite(values))


def bill_lines(spec: TableSpec, grid: Grid, raw: pd.DataFrame, kinds: dict, mapped: dict, blank_rows: pd.Series,
               dq: DataQuality) -> Bills | None:
    """Sales, Invoices and Payments as ERPs export them (None for other tables).

    An export's own totals rows: a word such as 合计/Total in the key, or in
    any cell of a row without a key (``words``; checked and skipped later).

    A bill's continuation lines: an ERP list saved with the bill's header
    fields (TableSpec.bill_fields) on its first line only. A line without the key, the
    date and the bill's number that has an amount, is no totals row (no such
    word, and its amounts are not the sum of two or more lines above it), and
    sits right under a line of a bill (one with the
    bill's number and customer, Payments: customer and date, or itself filled)
    gets the blank header fields of the bill's first line, with one Info for
    the table."""
    if not spec.amounts or spec.key not in mapped:
        return None
    amounts = {c: _as_typed(raw[mapped[c]], kinds[mapped[c]]) for c in spec.amounts if c in mapped}
    key_blank = kinds[mapped[spec.key]].blank
    words = _totals_words(raw, kinds, mapped[spec.key], key_blank) & ~blank_rows
    running = _Running(raw.index, ~blank_rows & ~words, amounts, words, grid.condensed)
    bills = Bills(words, amounts, running)
    number = spec.document
    if number is not None and number not in mapped:
        return bills   # no bill number, no bills
    has_amount = pd.concat(list(amounts.values()), axis=1).notna().any(axis=1) if amounts else \
        pd.Series(False, index=raw.index)
    head_of_bill = ~key_blank & ~kinds[mapped[number or "PaymentDate"]].blank
    # (a line with its own date but no customer is a line typed without one: an Error, not the bill's)
    candidate = key_blank & kinds[mapped[spec.bill_date]].blank & has_amount & ~words & ~blank_rows
    if number is not None:
        candidate &= kinds[mapped[number]].blank
    if not candidate.any():
        return bills
    candidate[candidate] = ~running.ties(candidate.index[candidate], amounts, 2)   # an unmarked totals row
    continuation, head = _continuations(raw.index.to_numpy(dtype="int64"), candidate.to_numpy(),
                                        head_of_bill.to_numpy())
    if not continuation.any():
        return bills
    filled_rows = raw.index[continuation]
    heads = raw.index[head[continuation]]
    fields = [f for f in spec.bill_fields if f in mapped]
    for name in fields:
        position = mapped[name]
        blank = kinds[position].blank[filled_rows].to_numpy()
        if blank.any():
            column = raw[position].copy()
            column[filled_rows[blank]] = column[heads[blank]].to_numpy()
            raw[position] = column
            kinds[position] = Kinds(raw[position])
    dq.add(INFO, spec.name, "row.bill_filled", int(filled_rows[0]), None, None, lines=int(len(filled_rows)),
           first=int(filled_rows[0]),
           fields=", ".join(dq.sources[spec.name].header(f) for f in fields))
    return bills


def _continuations(rows: np.ndarray, candidate: np.ndarray, head: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(continuation lines, the position of each one's bill head): the runs of
    ``candidate`` rows that start right under a bill's head row (the worksheet
    row just above)."""
    starts = candidate & ~np.concatenate([[False], candidate[:-1]])
    run = np.cumsum(starts) - 1                          # the run of each candidate row
    first = np.flatnonzero(starts)
    above = first - 1
    good = (above >= 0) & head[np.clip(above, 0, None)] & (rows[first] - rows[np.clip(above, 0, None)] == 1)
    continuation = candidate & good[np.clip(run, 0, None)]
    return continuation, np.where(continuation, above[np.clip(run, 0, None)], -1)


def _totals_words(raw: pd.DataFrame, kinds: dict, key_position: int, key_blank: pd.Series) -> pd.Series:
    """Rows with a word such as 合计/Total in the key, or in any cell of a row without a key."""
    totals_key = matches_words(raw[key_position], TOTALS_WORDS, kinds[key_position])
    keyless = raw[key_blank]
    totals_elsewhere = pd.Series(False, index=raw.index)
    for position in keyless.columns if len(keyless) else ():   # (most tables have a key on every row)
        totals_elsewhere[keyless.index] |= matches_words(keyless[position], TOTALS_WORDS).to_numpy()
    return totals_key | totals_elsewhere


def _money(value: float) -> str:
    """An amount as the messages show it (1,234.50)."""
    return f"{value:,.2f}"


def note_totals_rows(spec: TableSpec, bills: Bills, totals: pd.Series, key_cells: pd.Series,
                     dq: DataQuality) -> None:
    """An export's own totals rows are skipped: an Info where each amount it
    states is the sum of the lines read above it (since the header or the
    totals row before it), else a Warning per amount that is not; each
    recorded as an ExportTotal. A row without the key but with figures that is
    no bill's line: an Error (row.totals when its amounts are the sum of the
    lines above, as an unmarked totals row's are; else row.key_blank_figures)."""
    words = bills.words
    for row in words.index[words]:
        stated = {c: float(v[row]) for c, v in bills.amounts.items() if pd.notna(v[row])}
        differ = []
        for column, value in stated.items():
            lines = float(bills.running.above(np.array([row]), column)[0][0])
            if abs(value - lines) > HALF_CENT:
                whole = float(bills.running.above(np.array([row]), column, since_header=True)[0][0])
                if abs(value - whole) <= HALF_CENT:   # a grand total under subtotals
                    lines = whole
                else:
                    differ.append((column, value, lines))
            bills.totals.append(ExportTotal(spec.name, int(row), column, value, lines))
        for column, value, lines in differ:
            dq.add(WARNING, spec.name, "row.totals_differ", int(row), column, value, stated=_money(value),
                   lines=_money(lines), difference=_money(value - lines))
        if not differ:
            dq.add(INFO, spec.name, "row.totals_skipped", int(row))
    keyless = totals & ~words
    if keyless.any():
        rows = keyless.index[keyless]
        unmarked = bills.running.ties(rows, bills.amounts, 1)
        dq.add_rows(ERROR, spec.name, pd.Series(rows[unmarked]), spec.key, key_cells[rows[unmarked]], "row.totals")
        dq.add_rows(ERROR, spec.name, pd.Series(rows[~unmarked]), spec.key, key_cells[rows[~unmarked]],
                    "row.key_blank_figures")


def read_ledger(spec: TableSpec, bills: Bills, frame: pd.DataFrame, raw: pd.DataFrame, mapped: dict,
                blank_rows: pd.Series, rejected: pd.Series, records: list[dict], currency: str) -> Ledger:
    """The ledger of the lines typed (kam_xl.inputs.ledger): every line but
    blank and totals rows, its amount as typed (an amount marked with another
    currency is not used but counts at its figure), and the lines rejected,
    each with the key of the first finding that rejects it."""
    amount = next(a for a in spec.amounts if a in mapped)   # Sales: NetRevenue, else the GrossAmount it comes from
    read = ~blank_rows & ~bills.words
    typed = frame[amount].astype("float64")
    blank = typed.isna()
    if blank.any():
        marked = foreign_currency(raw.loc[blank, mapped[amount]], None, currency).notna()
        if marked.any():
            typed[marked[marked].index] = bills.amounts[amount][marked[marked].index]
    ledger = new_ledger(spec.name, amount, typed[read].where(np.isfinite(typed[read])))
    lost = (read & rejected).to_numpy()
    if lost.any():
        required = {c.name for c in spec.columns if c.required}
        reasons: dict[int, str] = {}
        for record in records:   # a finding on the row, or on a cell the row needs, says why it was not used
            if record["Severity"] == ERROR and record["Row"] is not None and \
                    (record["Column"] is None or record["Column"] in required or record["key"].startswith("row.")):
                reasons.setdefault(record["Row"], record["key"])
        rows = raw.index[lost]
        ledger.reject(rows.tolist(), [reasons.get(int(row), "row.not_used") for row in rows])
    return ledger
