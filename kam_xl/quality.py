"""DataQuality records: every rejected row or cell and every fallback."""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

ERROR, WARNING, INFO = "Error", "Warning", "Info"
COLUMNS = ["Severity", "Table", "Row", "Column", "Value", "Message"]


@dataclass
class DataQuality:
    """An append-only log of data-quality findings."""

    records: list[dict] = field(default_factory=list)

    def add(self, severity: str, table: str, message: str, row: int | None = None,
            column: str | None = None, value: object = None) -> None:
        self.records.append({
            "Severity": severity, "Table": table, "Row": row, "Column": column,
            "Value": None if value is None else str(value), "Message": message,
        })

    def add_rows(self, severity: str, table: str, rows: pd.Series, column: str | None,
                 values: pd.Series | None, message: str) -> None:
        """One record per row: ``rows`` holds worksheet row numbers."""
        values = values if values is not None else pd.Series([None] * len(rows), index=rows.index)
        for row, value in zip(rows.tolist(), values.tolist()):
            self.add(severity, table, message, int(row) if row is not None else None, column, value)

    def extend(self, other: "DataQuality") -> None:
        self.records.extend(other.records)

    def count(self, severity: str) -> int:
        return sum(r["Severity"] == severity for r in self.records)

    def frame(self) -> pd.DataFrame:
        frame = pd.DataFrame(self.records, columns=COLUMNS)
        frame["Row"] = frame["Row"].astype("Int64")
        return frame

    def exit_code(self) -> int:
        """DESIGN section 4: 0 ok (warnings allowed), 1 rows or cells rejected."""
        return 1 if self.count(ERROR) else 0
