"""DataQuality records: every rejected row or cell and every fallback.

A record keeps a message key and its values (see :mod:`kam_xl.words`), so
the same finding reads in English or Chinese; and the table, worksheet row
and column it concerns, so it can point at the user's own sheet, cell and
header (``销售!F12 销售收入``) beside the canonical names.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
from openpyxl.utils.cell import get_column_letter

from kam_xl.contract import TABLES
from kam_xl.words import about_label, header, in_language, message, table_label, text

ERROR, WARNING, INFO = "Error", "Warning", "Info"
COLUMNS = ["Severity", "Table", "Row", "Column", "Value", "Message", "Location"]
# Message values that can name a customer.
PRIVATE_VALUES = {"cid", "suggestions", "first_cid"}


@dataclass(frozen=True)
class TableSource:
    """Where an input table sits in the user's file: sheet, the 0-based
    column of its first header cell, and each canonical column's 0-based
    position and the header text the user wrote."""

    sheet: str
    first_col: int = 0
    headers: dict[str, tuple[int, str]] = field(default_factory=dict)
    database: bool = False   # the table came from a database or Spark: ``sheet`` is its URL (no password) and table

    def header(self, column: str | None) -> str | None:
        return self.headers[column][1] if column in self.headers else None

    def location(self, row: int | None, column: str | None) -> str:
        """``Sheet!F12 Header``, ``Sheet!12:12``, ``Sheet Header`` or ``Sheet``."""
        sheet = f"'{self.sheet}'" if any(c in self.sheet for c in " -!'") else self.sheet
        position = self.headers.get(column)
        if row is not None and position is not None:
            return f"{sheet}!{get_column_letter(self.first_col + position[0] + 1)}{row} {position[1]}"
        if row is not None:
            return f"{sheet}!{row}:{row}"
        if position is not None:
            return f"{sheet} {position[1]}"
        return sheet


@dataclass
class DataQuality:
    """An append-only log of data-quality findings, and where each input table
    came from (filled in by the reader)."""

    records: list[dict] = field(default_factory=list)
    sources: dict[str, TableSource] = field(default_factory=dict)
    # Every (table, source) read, in order: several when a table came from several files.
    lineage: list[tuple[str, TableSource]] = field(default_factory=list)

    def add(self, severity: str, table: str, key: str, row: int | None = None,
            column: str | None = None, value: object = None, *, where: TableSource | None = None,
            **values) -> None:
        """``where``: the record's own source, for a table put together from
        several files (else the table's source locates it)."""
        blank = value is None or (pd.api.types.is_scalar(value) and pd.isna(value))   # a typed file's blank: no "nan"
        record = {"Severity": severity, "Table": table, "Row": row, "Column": column,
                  "Value": None if blank else str(value), "key": key, "values": values}
        if where is not None:
            record["where"] = where
        self.records.append(record)

    def add_rows(self, severity: str, table: str, rows: pd.Series, column: str | None,
                 values: pd.Series | None, key: str, *, where: TableSource | None = None,
                 **message_values) -> None:
        """One record per row: ``rows`` holds worksheet row numbers."""
        values = values if values is not None else pd.Series([None] * len(rows), index=rows.index)
        for row, value in zip(rows.tolist(), values.tolist()):
            self.add(severity, table, key, int(row) if row is not None else None, column, value, where=where,
                     **message_values)

    def extend(self, other: "DataQuality") -> None:
        self.records.extend(other.records)
        self.sources.update(other.sources)
        self.lineage.extend(other.lineage)

    def copy(self) -> "DataQuality":
        return DataQuality(list(self.records), dict(self.sources), list(self.lineage))

    def count(self, severity: str) -> int:
        return sum(r["Severity"] == severity for r in self.records)

    def has(self, table: str, severity: str = "Error") -> bool:
        """Whether ``table`` has a record of ``severity``."""
        return any(r["Table"] == table and r["Severity"] == severity for r in self.records)

    def source(self, record: dict) -> TableSource | None:
        """Where the record's table came from: its own source when the table
        was put together from several files, else the table's."""
        return record.get("where") or self.sources.get(record["Table"])

    def message(self, record: dict, language: str = "en", private: bool = False) -> str:
        source = self.source(record)
        header = source.header(record["Column"]) if source else None
        values = record["values"]
        if private:
            values = {k: "…" if k in PRIVATE_VALUES else v for k, v in values.items()}
        return message(record["key"], language, {"col": header or record["Column"], **values})

    def location(self, record: dict) -> str | None:
        source = self.source(record)
        return source.location(record["Row"], record["Column"]) if source else None

    def frame(self, language: str = "en", private: bool = False) -> pd.DataFrame:
        """The log as the DataQuality table, messages in ``language``. ``private``
        leaves out cell values and customer IDs (for a workbook that shows only
        some customers, or an anonymised one)."""
        rows = [{"Severity": text(f"severity.{r['Severity']}", language), "Table": table_label(r["Table"], language),
                 "Row": r["Row"], "Column": column_label(r["Table"], r["Column"], language),
                 "Value": None if private else r["Value"],
                 "Message": self.message(r, language, private), "Location": self.location(r)}
                for r in self.records]
        frame = pd.DataFrame(rows, columns=COLUMNS)
        frame["Row"] = frame["Row"].astype("Int64")
        return frame

    def exit_code(self) -> int:
        """DESIGN section 4: 0 ok (warnings allowed), 1 rows or cells rejected."""
        return 1 if self.count(ERROR) else 0


def column_label(table: str, column: str | None, language: str = "en") -> str | None:
    """A record's column as the language names it: an input column by its contract name or Chinese alias
    (DocumentNo, 单据号), a parameter by its name (PeriodStart, 期间开始), else an output column's header."""
    if column is None or table not in TABLES:
        return header(column, language) if column is not None else None
    spec = next((c for c in TABLES[table].columns if c.name == column), None)
    if spec is not None:
        return in_language(spec.name, spec.zh, language)
    return about_label(column, language) if table == "Parameters" else header(column, language)
