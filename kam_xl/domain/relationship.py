"""Relationship upkeep: contact recency, counts, satisfaction, follow-ups and
contact cadence by ABC tier. Time in days."""
from __future__ import annotations

import pandas as pd

from kam_xl.domain.frames import in_window


def relationship(contacts: pd.DataFrame, tiers: pd.Series, cadence_days: dict, as_of, start, end) -> pd.DataFrame:
    """Per customer (index of ``tiers``):
    LastContact = latest contact on or before AsOfDate; DaysSinceContact =
    AsOfDate - LastContact; Contacts and AvgSatisfaction over the period;
    LatestFeedback = the latest non-blank feedback; NextFollowUp = the one on
    the latest contact; FollowUpOverdue when it is before AsOfDate and no
    contact came on or after it; CadenceDays from the ABC tier;
    CadenceBreached when DaysSinceContact > CadenceDays or never contacted."""
    ids = tiers.index
    history = contacts[contacts["Date"] <= as_of].sort_values(["Date", "_row"])
    latest = history.groupby("CustomerID").tail(1).set_index("CustomerID")
    period = in_window(history, "Date", start, end)
    with_feedback = history[history["Feedback"].notna()].groupby("CustomerID").tail(1).set_index("CustomerID")
    out = pd.DataFrame(index=ids)
    out["LastContact"] = latest["Date"].reindex(ids)
    out["DaysSinceContact"] = (as_of - out["LastContact"]).dt.days.astype("float64")
    out["Contacts"] = period.groupby("CustomerID").size().reindex(ids).fillna(0).astype("int64")
    out["AvgSatisfaction"] = period.groupby("CustomerID")["Satisfaction"].mean().reindex(ids)
    out["LatestFeedback"] = with_feedback["Feedback"].reindex(ids)
    out["NextFollowUp"] = latest["NextFollowUp"].reindex(ids)
    out["FollowUpOverdue"] = (out["NextFollowUp"] < as_of) & (out["LastContact"] < out["NextFollowUp"])
    out["CadenceDays"] = tiers.map(cadence_days).astype("float64")
    out["CadenceBreached"] = out["LastContact"].isna() | (out["DaysSinceContact"] > out["CadenceDays"])
    return out
