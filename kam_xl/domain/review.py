"""Did last period's actions work? Each customer's recommended actions in the
previous summary, the measure each one targets, its value then and now, and
whether it moved the right way; tier and quadrant moves beside them."""
from __future__ import annotations

import numpy as np
import pandas as pd

# The measure each action targets and the way it should move (+1 up, -1 down). "Oldest" is the oldest
# aging bucket (Overdue90Plus by default); PurchasesSince counts purchases after the previous AsOfDate.
ACTION_METRICS = {
    "loss_making": (("NetMarginPct", 1),),            # reprice or cut cost-to-serve
    "overdue_oldest": (("Oldest", -1), ("DSO", -1)),  # tighten credit and chase
    "over_limit": (("CreditUtilization", -1),),
    "churn_alert": (("PurchasesSince", 1),),
    "cadence_breached": (("DaysSinceContact", -1),),  # schedule a visit
    "follow_up_overdue": (("DaysSinceContact", -1),),
    "revenue_decline": (("NetRevenue", 1),),
    "low_satisfaction": (("AvgSatisfaction", 1),),
    "wallet_headroom": (("NetRevenue", 1),),          # cross-sell
}
REVIEW_MEASURES = ("NetMarginPct", "Oldest", "DSO", "CreditUtilization", "DaysSinceContact", "NetRevenue",
                   "AvgSatisfaction")
# Measures whose blank means "none yet", the worst there is: DaysSinceContact is blank for a customer never
# contacted, so blank then and a number now (never contacted -> contacted since) is an improvement.
BLANK_IS_WORST = ("DaysSinceContact",)


def purchases_since(sales: pd.DataFrame, after: pd.Timestamp, as_of: pd.Timestamp,
                    customer_ids: pd.Index) -> pd.Series:
    """Purchases (distinct dates with positive NetRevenue) after ``after`` up to AsOfDate, per customer."""
    lines = sales[(sales["Date"] > after) & (sales["Date"] <= as_of) & (sales["NetRevenue"] > 0)]
    return lines.groupby("CustomerID")["Date"].nunique().reindex(customer_ids).fillna(0).astype("float64")


def action_review(previous: pd.DataFrame, current: pd.DataFrame, oldest: str) -> pd.DataFrame:
    """One row per customer of the previous summary and measure its actions
    target (see ACTION_METRICS; a measure targeted by two actions once), and
    one row (no Metric) for a customer without actions whose tier or
    quadrant moved. ``previous`` and ``current``: per CustomerID, ABCTier,
    PortfolioQuadrant, the REVIEW_MEASURES (``previous`` also Actions, a
    list of keys; ``current`` also PurchasesSince). Before / Now: the
    measure in the previous and this summary (Before empty for
    PurchasesSince); Improved: whether it moved the targeted way (empty when
    either is unknown; no change is not an improvement), except that a
    measure of BLANK_IS_WORST blank then and known now improved: a customer
    never contacted (DaysSinceContact blank, 24 days now) has been contacted
    since, whatever the days. ``oldest`` names the
    oldest aging bucket. Columns: CustomerID, PreviousTier, Tier,
    PreviousQuadrant, Quadrant, PreviousActions, Metric, Before, Now, Improved."""
    targeted = _targeted(previous)
    position = current.index.get_indexer(previous.index)   # -1: the customer left the book
    base = pd.DataFrame({
        "CustomerID": previous.index, "PreviousTier": _column(previous, "ABCTier"),
        "Tier": _now(current, "ABCTier", position), "PreviousQuadrant": _column(previous, "PortfolioQuadrant"),
        "Quadrant": _now(current, "PortfolioQuadrant", position),
        "PreviousActions": previous["Actions"].map(",".join).to_numpy(dtype=object)}, dtype=object)
    rows = targeted["Customer"].to_numpy()
    metrics = targeted["Metric"].to_numpy(dtype=object)
    then = _lookup(previous, np.arange(len(previous))[rows], metrics)
    then[metrics == "PurchasesSince"] = np.nan
    value = _lookup(current, position[rows], metrics)
    measured = base.iloc[rows].assign(Metric=np.where(metrics == "Oldest", oldest, metrics), Before=then, Now=value,
                                      Improved=_improved(metrics, targeted["Direction"].to_numpy(), then, value))
    moved = _changed(base["PreviousTier"], base["Tier"]) | _changed(base["PreviousQuadrant"], base["Quadrant"])
    alone = moved & (position >= 0) & ~np.isin(np.arange(len(previous)), rows)
    unmeasured = base[alone].assign(Metric=None, Before=np.nan, Now=np.nan, Improved=None)
    order = np.concatenate([rows, np.flatnonzero(alone)])
    parts = [part for part in (measured, unmeasured) if len(part)] or [measured]   # an empty part re-types columns
    table = pd.concat(parts).iloc[np.argsort(order, kind="stable")]
    table = pd.DataFrame(table.to_numpy(dtype=object).tolist(), columns=table.columns)   # each column's type inferred
    table[["Before", "Now"]] = table[["Before", "Now"]].astype("float64")
    table["Improved"] = table["Improved"].astype(object)
    return table


def _targeted(previous: pd.DataFrame) -> pd.DataFrame:
    """Customer (its position in ``previous``), Metric, Direction: each measure a customer's actions target,
    in the order of its actions (a measure targeted twice once, the first action's direction)."""
    listed = previous["Actions"].reset_index(drop=True).explode()
    listed = listed[listed.notna()]
    pairs = pd.DataFrame({"Customer": listed.index.to_numpy(), "Action": listed.to_numpy()})
    catalogue = pd.DataFrame([(action, metric, direction) for action, targets in ACTION_METRICS.items()
                              for metric, direction in targets], columns=["Action", "Metric", "Direction"])
    found = pairs.reset_index().merge(catalogue.reset_index(names="k"), on="Action", how="inner")
    found = found.sort_values(["Customer", "index", "k"], kind="stable")   # the actions' order, then their measures'
    return found.drop_duplicates(["Customer", "Metric"]).reset_index(drop=True)


def _column(frame: pd.DataFrame, name: str) -> np.ndarray:
    """A column as objects (None when the frame has no such column)."""
    return frame[name].to_numpy(dtype=object) if name in frame else np.full(len(frame), None, dtype=object)


def _now(current: pd.DataFrame, name: str, position: np.ndarray) -> np.ndarray:
    """``name`` of each previous customer now (None for a customer no longer in the book)."""
    values = _column(current, name)
    return np.where(position >= 0, values[np.clip(position, 0, None)] if len(values) else None, None)


def _lookup(frame: pd.DataFrame, rows: np.ndarray, metrics: np.ndarray) -> np.ndarray:
    """frame[metric] at each row (NaN for row -1 or a measure the frame does not have)."""
    out = np.full(len(rows), np.nan)
    for metric in set(metrics):   # one per measure, seven at most
        pick = (metrics == metric) & (rows >= 0)
        if metric in frame and pick.any():
            out[pick] = pd.to_numeric(frame[metric], errors="coerce").to_numpy(dtype="float64")[rows[pick]]
    return out


def _improved(metrics: np.ndarray, direction: np.ndarray, then: np.ndarray, value: np.ndarray) -> np.ndarray:
    """True, False or None (unknown) per measure, by the rules of :func:`action_review`."""
    known_then, known_now = ~np.isnan(then), ~np.isnan(value)
    with np.errstate(invalid="ignore"):
        better = (value - then) * direction > 0
    out = np.full(len(metrics), None, dtype=object)
    both = known_then & known_now
    out[both] = better[both].tolist()
    out[np.isin(metrics, BLANK_IS_WORST) & ~known_then & known_now] = True   # none then (never contacted), some now
    since = (metrics == "PurchasesSince") & known_now
    out[since] = (value[since] > 0).tolist()   # Python flags, as every other measure's (review_facts counts them)
    out[(metrics == "PurchasesSince") & ~known_now] = None
    return out


def _changed(before: pd.Series, now: pd.Series) -> np.ndarray:
    """Whether each tier or quadrant changed (blank then and now is no change)."""
    return ((before != now) & ~(before.isna() & now.isna())).to_numpy(dtype=bool)


def review_facts(review: pd.DataFrame) -> dict:
    """How many customers given actions improved on every measure targeted,
    on some, on none, and how many cannot be judged (a measure unknown)."""
    acted = review[review["Metric"].notna()]
    customer = acted["CustomerID"]
    known = acted["Improved"].notna().groupby(customer).all()
    improved = pd.Series([x is True for x in acted["Improved"].tolist()], index=acted.index,
                         dtype="int64").groupby(customer).sum()
    counts = customer.groupby(customer).size()
    judged = improved[known]
    return {"customers": int(len(counts)), "all": int((judged == counts[known]).sum()),
            "some": int(((judged > 0) & (judged < counts[known])).sum()), "none": int((judged == 0).sum()),
            "unknown": int((~known).sum())}
