"""Strategy: a recommended strategy per portfolio quadrant, concrete actions
from each customer's own flags, and effort reallocation."""
from __future__ import annotations

import numpy as np
import pandas as pd

from kam_xl.domain.frames import percentile_rank

# Below this PAlive an A or B customer counts as a churn risk.
CHURN_P_ALIVE = 0.5
# Revenue falling more than this versus the prior period triggers a review.
DECLINE_GROWTH = -0.20
# Average satisfaction (1-5) below this triggers a service review.
LOW_SATISFACTION = 3.0


def churn_risk(tiers: pd.Series, p_alive: pd.Series) -> pd.Series:
    """A or B customers whose PAlive is below CHURN_P_ALIVE."""
    return tiers.isin(["A", "B"]) & (p_alive < CHURN_P_ALIVE)


def action_flags(frame: pd.DataFrame, bucket_oldest: str | None) -> pd.DataFrame:
    """Boolean flags per customer from the joined per-customer tables."""
    def col(name, default=np.nan):
        return frame[name] if name in frame else pd.Series(default, index=frame.index)
    return pd.DataFrame({
        "loss_making": col("NetProfit") < 0,
        "overdue_oldest": (col(bucket_oldest) > 0.005) if bucket_oldest else False,
        "over_limit": col("CreditUtilization") > 1,
        "churn_alert": churn_risk(col("ABCTier", ""), col("PAlive")),
        "cadence_breached": col("CadenceBreached", False).fillna(False).astype(bool),
        "follow_up_overdue": col("FollowUpOverdue", False).fillna(False).astype(bool),
        "revenue_decline": col("GrowthRate") < DECLINE_GROWTH,
        "low_satisfaction": col("AvgSatisfaction") < LOW_SATISFACTION,
        "wallet_headroom": col("WalletHeadroom") > col("NetRevenue").clip(lower=0),
    }, index=frame.index).fillna(False).astype(bool)


ACTION_SEPARATOR = ","   # between the action keys of one customer


def actions(flags: pd.DataFrame) -> pd.Series:
    """The keys of the flagged actions, in the order of ``action_flags``,
    joined with ACTION_SEPARATOR ('' when nothing is flagged); the words are
    chosen at the edge (kam_xl.render.localize)."""
    names = list(flags.columns)
    joined = [ACTION_SEPARATOR.join(f for f, on in zip(names, row) if on) for row in flags.to_numpy()]
    return pd.Series(joined, index=flags.index)


def effort_shares(contacts: pd.Series, net_profit: pd.Series, potential_score: pd.Series) -> pd.DataFrame:
    """CurrentEffortShare = the customer's contacts in the period / all
    contacts. SuggestedEffortShare is proportional to
    (percentile rank of NetProfit + PotentialScore) / 2, missing parts as 0."""
    total = contacts.sum()
    current = contacts / total if total > 0 else contacts * np.nan
    weight = (percentile_rank(net_profit).fillna(0.0) + potential_score.fillna(0.0)) / 2.0
    suggested = weight / weight.sum() if weight.sum() > 0 else weight * np.nan
    return pd.DataFrame({"CurrentEffortShare": current, "SuggestedEffortShare": suggested})


def strategy(joined: pd.DataFrame, bucket_oldest: str | None) -> pd.DataFrame:
    """PortfolioQuadrant; RecommendedStrategy, the key of the quadrant's
    strategy (the quadrant itself); Actions, the keys of the customer's flagged
    actions; CurrentEffortShare and SuggestedEffortShare."""
    flags = action_flags(joined, bucket_oldest)
    out = pd.DataFrame(index=joined.index)
    out["PortfolioQuadrant"] = joined["PortfolioQuadrant"]
    out["RecommendedStrategy"] = joined["PortfolioQuadrant"]
    out["Actions"] = actions(flags)
    shares = effort_shares(joined.get("Contacts", pd.Series(0, index=joined.index)).astype("float64"),
                           joined["NetProfit"], joined["PotentialScore"])
    return out.join(shares)
