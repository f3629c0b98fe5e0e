"""Read a built summary workbook back into canonical tables (either language)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import python_calamine

from kam_xl.contract import OUTPUT_TABLES
from kam_xl.words import canonical_header, canonical_label


def read_results(path: str | Path) -> dict[str, pd.DataFrame]:
    """Every output Excel Table of a summary as a DataFrame with canonical
    column names (values as stored; nothing is recalculated)."""
    with python_calamine.CalamineWorkbook.from_path(str(path), load_tables=True) as book:
        tables = {}
        for name in book.table_names:
            if name not in OUTPUT_TABLES:
                continue
            table = book.get_table_by_name(name)
            frame = pd.DataFrame(table.to_python(), columns=[canonical_header(c) for c in table.columns])
            frame = frame.replace("", None)
            if name in ("KPIs", "RiskSummary"):
                key = "KPI" if name == "KPIs" else "Metric"
                frame[key] = frame[key].map(canonical_label)
            tables[name] = frame
    return tables
