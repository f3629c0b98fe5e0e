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
    rows = []
    for cid, before in previous.iterrows():
        now = current.loc[cid] if cid in current.index else pd.Series(dtype=object)
        base = (cid, before.get("ABCTier"), now.get("ABCTier"), before.get("PortfolioQuadrant"),
                now.get("PortfolioQuadrant"), ",".join(before["Actions"]))
        targeted: dict[str, int] = {}
        for action in before["Actions"]:
            for metric, direction in ACTION_METRICS.get(action, ()):
                targeted.setdefault(metric, direction)
        for metric, direction in targeted.items():
            then = np.nan if metric == "PurchasesSince" else before.get(metric, np.nan)
            value = now.get(metric, np.nan)
            if metric == "PurchasesSince":
                improved = value > 0 if pd.notna(value) else None
            elif metric in BLANK_IS_WORST and pd.isna(then) and pd.notna(value):
                improved = True   # none then (never contacted), some now
            elif pd.isna(then) or pd.isna(value):
                improved = None
            else:
                improved = bool((value - then) * direction > 0)
            rows.append((*base, oldest if metric == "Oldest" else metric, then, value, improved))
        moved = _differ(base[1], base[2]) or _differ(base[3], base[4])
        if not targeted and moved and cid in current.index:
            rows.append((*base, None, np.nan, np.nan, None))
    columns = ["CustomerID", "PreviousTier", "Tier", "PreviousQuadrant", "Quadrant", "PreviousActions", "Metric",
               "Before", "Now", "Improved"]
    table = pd.DataFrame(rows, columns=columns)
    table[["Before", "Now"]] = table[["Before", "Now"]].astype("float64")
    table["Improved"] = table["Improved"].astype(object)
    return table


def _differ(before, now) -> bool:
    """Whether a tier or quadrant changed (blank then and now is no change)."""
    return not (before == now or (pd.isna(before) and pd.isna(now)))


def review_facts(review: pd.DataFrame) -> dict:
    """How many customers given actions improved on every measure targeted,
    on some, on none, and how many cannot be judged (a measure unknown)."""
    acted = review[review["Metric"].notna()]
    by_customer = acted.groupby("CustomerID")["Improved"]
    known = by_customer.apply(lambda v: v.notna().all())
    improved = by_customer.apply(lambda v: int(sum(x is True for x in v)))
    counts = by_customer.size()
    judged = improved[known]
    return {"customers": int(len(counts)), "all": int((judged == counts[known]).sum()),
            "some": int(((judged > 0) & (judged < counts[known])).sum()), "none": int((judged == 0).sum()),
            "unknown": int((~known).sum())}
