"""Read a built summary workbook back into canonical tables (either language)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import python_calamine

from kam_xl.contract import OUTPUT_TABLES, OUTPUTS, bucket_names
from kam_xl.domain.review import REVIEW_MEASURES
from kam_xl.inputs.parsing import parse_date
from kam_xl.inputs.safe_io import InputError
from kam_xl.words import action_keys, canonical_header, canonical_item, canonical_label, canonical_value


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
            tables[name] = _canonical_cells(name, frame.replace("", None))
    return tables


def _canonical_cells(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The cells that hold names as canonical: a measure's (KPIs, RiskSummary) and an output column's
    (ActionReview's measures reviewed), whatever the summary's language."""
    for column in OUTPUTS[name].columns:
        if column.holds == "measure":
            frame[column.name] = frame[column.name].map(canonical_label)
        elif column.holds == "column":
            frame[column.name] = frame[column.name].map(lambda m: canonical_header(m) if isinstance(m, str) else m)
    return frame


@dataclass
class PreviousSummary:
    """What a summary kam-xl wrote last period says about each customer:
    per CustomerID its ABCTier, PortfolioQuadrant, Actions (keys) and the
    measures actions target (REVIEW_MEASURES, "Oldest" being its oldest aging
    bucket); its AsOfDate and ReportingCurrency; action phrases it holds that
    are not kam-xl's (edited by hand)."""

    path: Path
    customers: pd.DataFrame
    as_of: pd.Timestamp | None
    currency: str | None
    unknown_actions: list[str]
    oldest: str | None = None   # its oldest overdue bucket (Overdue90Plus), None when it shows none


def read_previous(path: str | Path) -> PreviousSummary:
    """The previous summary at ``path`` (either language), for the review of its actions."""
    path = Path(path)
    try:
        tables = read_results(path)
    except Exception as exc:   # calamine's own errors: one line naming the file
        raise InputError(f"{path}: not a summary kam-xl can read ({type(exc).__name__}: {exc})") from None
    if "Strategy" not in tables or "About" not in tables:
        raise InputError(f"{path}: not a summary written by kam-xl (no Strategy or About table)")
    about = dict(zip(tables["About"]["Item"].map(canonical_item), tables["About"]["Value"]))   # 截止日期 -> AsOfDate
    buckets = tuple(int(b) for b in str(about.get("AgingBuckets", "30,60,90")).split(","))
    strategy = tables["Strategy"].set_index("CustomerID")
    keys = strategy["Actions"].map(lambda cell: action_keys(cell, buckets[-1]))
    customers = pd.DataFrame({"PortfolioQuadrant": strategy["PortfolioQuadrant"].map(canonical_value),
                              "Actions": keys.map(lambda k: k[0])}, index=strategy.index)
    sources = {"Classification": ["ABCTier"], "Profitability": ["NetMarginPct", "NetRevenue"],
               "Receivables": [bucket_names(buckets)[-1], "DSO", "CreditUtilization"],
               "Relationship": ["DaysSinceContact", "AvgSatisfaction"]}
    oldest = bucket_names(buckets)[-1]
    shown = "Receivables" in tables and oldest in tables["Receivables"]
    for table, columns in sources.items():
        frame = tables.get(table)
        for column in columns:
            values = frame.set_index("CustomerID")[column] if frame is not None and column in frame else None
            name = "Oldest" if column.startswith("Overdue") else column
            customers[name] = values.reindex(customers.index) if values is not None else None
    for measure in REVIEW_MEASURES:
        customers[measure] = pd.to_numeric(customers[measure], errors="coerce")
    as_of = parse_date(pd.Series([about.get("AsOfDate")], dtype=object))[0].iloc[0]
    return PreviousSummary(path, customers, as_of if pd.notna(as_of) else None, about.get("ReportingCurrency"),
                           [p for k in keys for p in k[1]], oldest if shown else None)
