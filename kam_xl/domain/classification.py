"""Customer classification: ABC tiers, segments, RFM and the portfolio matrix."""
from __future__ import annotations

import numpy as np
import pandas as pd

from kam_xl.contract import SEGMENT_DIMENSIONS
from kam_xl.domain.frames import in_window, percentile_rank, rank_descending, ratio, round_money, totals_by

# RFM segment by R score (rows 1-5) and FM score (columns 1-5): the common
# R x FM grid (see docs/DEFINITIONS.md, "RFM segments").
_RFM_GRID = {
    (1, 1): "Hibernating", (1, 2): "Hibernating", (2, 1): "Hibernating", (2, 2): "Hibernating",
    (1, 3): "At Risk", (1, 4): "At Risk", (2, 3): "At Risk", (2, 4): "At Risk",
    (1, 5): "Can't Lose Them", (2, 5): "Can't Lose Them",
    (3, 1): "About To Sleep", (3, 2): "About To Sleep", (3, 3): "Need Attention",
    (3, 4): "Loyal Customers", (3, 5): "Loyal Customers", (4, 4): "Loyal Customers", (4, 5): "Loyal Customers",
    (4, 1): "Promising", (4, 2): "Potential Loyalists", (4, 3): "Potential Loyalists",
    (5, 2): "Potential Loyalists", (5, 3): "Potential Loyalists",
    (5, 1): "New Customers", (5, 4): "Champions", (5, 5): "Champions",
}
NO_PURCHASE = "No Purchases"
QUADRANTS = ("Strategic", "Develop", "Maintain", "Streamline")


def abc_tiers(basis: pd.Series, share_a: float = 0.80, share_b: float = 0.95) -> pd.DataFrame:
    """ABC tiers on a CustomerID-indexed basis (e.g. NetRevenue, currency).

    Customers are ranked by basis descending, ties by CustomerID.
    ABCShare = max(basis, 0) / sum(max(basis, 0)); ABCCumulativeShare includes
    the customer itself. Tier A when the cumulative share of the customers
    ranked above is < share_a (so the top customer is always A), B when it is
    < share_b, else C; every customer with basis <= 0 is C.
    Returns the rows in rank order.
    """
    basis = basis.astype("float64").fillna(0.0)
    order = rank_descending(basis).sort_values().index
    ranked = basis.reindex(order)
    positive = ranked.clip(lower=0.0)
    positive_total = positive.sum()
    share = positive / positive_total if positive_total > 0 else positive * 0.0
    cumulative = share.cumsum()
    above = cumulative - share
    tier = np.where(ranked <= 0, "C", np.where(above < share_a, "A", np.where(above < share_b, "B", "C")))
    return pd.DataFrame({"ABCBasisValue": ranked, "ABCShare": share, "ABCCumulativeShare": cumulative,
                         "ABCTier": tier}, index=order)


def rfm_score(values: pd.Series, higher_is_better: bool = True) -> pd.Series:
    """Score = ceil(5 x rank / n) with tied values sharing the highest rank,
    ranked so that 5 is best. Missing values rank worst."""
    n = len(values)
    if n == 0:
        return pd.Series(dtype="int64")
    key = values.astype("float64")
    key = key if higher_is_better else -key
    key = key.fillna(-np.inf)
    rank = key.rank(method="max", ascending=True)
    return np.ceil(5.0 * rank / n).clip(1, 5).astype("int64")


def rfm(sales: pd.DataFrame, customer_ids: pd.Index, as_of: pd.Timestamp,
        start: pd.Timestamp, end: pd.Timestamp, decimals: int) -> pd.DataFrame:
    """Recency (days since the last purchase document up to AsOfDate),
    Frequency (purchase documents in the period), Monetary (NetRevenue in the
    period), their 1-5 scores and the RFMSegment.

    A purchase document is a DocumentNo whose NetRevenue in the period is
    positive (for Recency: whose NetRevenue up to AsOfDate is positive), its
    NetRevenue and Monetary rounded to the minor unit (a document returned in
    full is 0 whichever way its lines were added up)."""
    history = sales[sales["Date"] <= as_of]
    period = in_window(history, "Date", start, end)
    docs_all = _documents(history, decimals)
    last_purchase = docs_all[docs_all["NetRevenue"] > 0].groupby("CustomerID")["Date"].max()
    docs = _documents(period, decimals)
    frequency = docs[docs["NetRevenue"] > 0].groupby("CustomerID").size()
    monetary = round_money(period.groupby("CustomerID")["NetRevenue"].sum(), decimals)
    out = pd.DataFrame(index=customer_ids)
    out["Recency"] = (as_of - last_purchase.reindex(customer_ids)).dt.days.astype("float64")
    out["Frequency"] = frequency.reindex(customer_ids).fillna(0).astype("int64")
    out["Monetary"] = monetary.reindex(customer_ids).fillna(0.0)
    out["RScore"] = rfm_score(out["Recency"], higher_is_better=False)
    out["FScore"] = rfm_score(out["Frequency"].astype("float64"))
    out["MScore"] = rfm_score(out["Monetary"])
    out["RFMSegment"] = rfm_segment(out["RScore"], out["FScore"], out["MScore"], out["Recency"].notna())
    return out


def _documents(lines: pd.DataFrame, decimals: int) -> pd.DataFrame:
    """One row per (CustomerID, DocumentNo): summed NetRevenue (to the minor
    unit), latest Date. Lines without a DocumentNo count one document per
    customer and date."""
    doc, missing = lines["DocumentNo"], lines["DocumentNo"].isna()
    if missing.any():
        doc = doc.where(~missing, lines["Date"].where(missing).dt.strftime("%Y-%m-%d"))
    docs = (lines.assign(_doc=doc).groupby(["CustomerID", "_doc"], sort=False)
            .agg(NetRevenue=("NetRevenue", "sum"), Date=("Date", "max")).reset_index())
    return docs.assign(NetRevenue=round_money(docs["NetRevenue"], decimals))


def rfm_segment(r: pd.Series, f: pd.Series, m: pd.Series, purchased: pd.Series) -> pd.Series:
    """Segment from the R score and FM = round-half-up((F + M) / 2)."""
    fm = np.floor((f + m) / 2.0 + 0.5).astype("int64").clip(1, 5)
    names = [_RFM_GRID[(int(a), int(b))] for a, b in zip(r, fm)]
    return pd.Series(names, index=r.index).where(purchased, NO_PURCHASE)


def portfolio_quadrant(net_profit: pd.Series, potential_score: pd.Series) -> pd.Series:
    """Current value = percentile rank of NetProfit; potential = PotentialScore;
    each is 'high' at >= 50. Strategic (high, high), Develop (low value, high
    potential), Maintain (high value, low potential), Streamline (low, low).
    A missing PotentialScore counts as low; a missing NetProfit (COGS or
    opening receivables unknown) leaves the quadrant empty."""
    high_value = percentile_rank(net_profit) >= 50
    high_potential = potential_score.fillna(0) >= 50
    quadrant = pd.Series(np.select([high_value & high_potential, ~high_value & high_potential,
                                    high_value & ~high_potential], QUADRANTS[:3], QUADRANTS[3]), index=net_profit.index)
    return quadrant.where(net_profit.notna(), None)   # current value unknown: no quadrant


def segments(customers: pd.DataFrame, profitability: pd.DataFrame, decimals: int = 2) -> pd.DataFrame:
    """Totals by each of the contract's SEGMENT_DIMENSIONS (columns of Customers: Industry, Size, Region):
    Customers, NetRevenue, GrossProfit, NetProfit (currency; empty when a customer's figure is unknown),
    RevenueShare = NetRevenue / total NetRevenue, GrossMarginPct = GrossProfit / NetRevenue (empty when
    NetRevenue <= 0). Customers without a value of a dimension form one segment whose Segment is empty."""
    money = ["NetRevenue", "GrossProfit", "NetProfit"]
    joined = customers.set_index("CustomerID")[list(SEGMENT_DIMENSIONS)].join(profitability[money])
    revenue = joined["NetRevenue"].sum()
    parts = []
    for dimension in SEGMENT_DIMENSIONS:
        segment = joined[dimension].rename("Segment")
        grouped = (pd.concat([joined.groupby(segment, sort=False, dropna=False).size().rename("Customers"),
                              totals_by(joined, [segment], money, sort=False)], axis=1)
                   .sort_values("NetRevenue", ascending=False).reset_index())
        grouped.insert(0, "Dimension", dimension)
        parts.append(grouped)
    table = pd.concat(parts, ignore_index=True)
    table[money] = round_money(table[money], decimals)
    table["RevenueShare"] = table["NetRevenue"] / revenue if revenue > 0 else np.nan
    table["GrossMarginPct"] = ratio(table["GrossProfit"], table["NetRevenue"])
    return table
