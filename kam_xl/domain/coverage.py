"""How much of a period the data cover, so that no comparison is made with a
period the records do not reach (a prior period before the first sale is not
a period with no sales).

History starts at the DataStart parameter when the user gives it (records are
complete from that date and nothing was owed before it), else at the earliest
date in the table.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class History:
    """Where a table's records begin: ``start``, and whether the user declared it."""

    start: pd.Timestamp | None
    declared: bool = False

    def share_of(self, start: pd.Timestamp, end: pd.Timestamp) -> float:
        """Fraction of the days of [start, end] on or after the history start
        (1.0 when the table is empty, or [start, end] holds no day: nothing is
        missing from nothing; a period that runs backwards is refused before
        it gets here, see kam_xl.inputs.params.Params.resolved)."""
        days = (end - start).days + 1
        if self.start is None or self.start <= start or days <= 0:
            return 1.0
        return max(0.0, min(1.0, ((end - self.start).days + 1) / days))

    def balance_known(self, date: pd.Timestamp) -> bool:
        """Whether a balance at the end of ``date`` can be built from the
        records: they reach back to it (declared: they start no later than the
        next day, with nothing owed before)."""
        if self.start is None:
            return True
        return date >= self.start - pd.Timedelta(days=1) if self.declared else date >= self.start


def history(dates: pd.Series | None, declared: pd.Timestamp | None) -> History:
    """The history of one table's date column."""
    if declared is not None:
        return History(pd.Timestamp(declared), True)
    if dates is None or dates.dropna().empty:
        return History(None)
    return History(dates.min())
