"""Period KPIs (this period, prior period, change) and the written
management commentary, built from the figures with fixed templates."""
from __future__ import annotations

import numpy as np
import pandas as pd

from kam_xl.contract import ATTAINMENT_KPIS, KPI_ORDER, RATIO_KPIS
from kam_xl.domain.frames import ratio, round_money, total
from kam_xl.domain.risk import top_share


def period_kpis(profit: pd.DataFrame, receivables: pd.DataFrame | None, tiers: pd.Series, period_days: int,
                decimals: int = 2) -> dict:
    """One period's KPIs. Money totals are rounded to the minor unit; a total
    or count whose basis is unknown for any customer is empty (NaN).
    DSO = period days x total AverageAR / total CreditSales."""
    revenue = total(profit["NetRevenue"])
    gross, net = total(profit["GrossProfit"]), total(profit["NetProfit"])
    kpis = {
        "ActiveCustomers": _count(profit["NetRevenue"] > 0, profit["NetRevenue"]),
        "NetRevenue": round_money(revenue, decimals), "GrossProfit": round_money(gross, decimals),
        "GrossMarginPct": gross / revenue if revenue > 0 else np.nan,
        "NetProfit": round_money(net, decimals), "NetMarginPct": net / revenue if revenue > 0 else np.nan,
        "ClosingAR": np.nan, "DSO": np.nan, "OverdueShare": np.nan,
        "Top5Share": top_share(profit["NetRevenue"], 5) if not np.isnan(revenue) else np.nan,
        "TierACustomers": _count(tiers == "A", tiers), "TierBCustomers": _count(tiers == "B", tiers),
        "TierCCustomers": _count(tiers == "C", tiers),
        "LossMakingCustomers": _count(profit["NetProfit"] < 0, profit["NetProfit"]),
    }
    if receivables is not None:
        balance = round_money(total(receivables["OpenBalance"]), decimals)
        overdue = total(receivables.filter(like="Overdue").drop(columns=["OverdueShare"]).sum(axis=1, min_count=1))
        credit_sales, average = total(receivables["CreditSales"]), total(receivables["AverageAR"])
        kpis.update(ClosingAR=balance, OverdueShare=round_money(overdue, decimals) / balance if balance > 0 else np.nan,
                    DSO=period_days * average / credit_sales if credit_sales > 0 and average > 0 else np.nan)
    return kpis


def _count(mask: pd.Series, basis: pd.Series) -> float:
    """How many customers ``mask`` holds for; empty when ``basis`` is unknown for any."""
    return float(mask.sum()) if basis.notna().all() else np.nan


def kpi_table(this: dict, prior: dict, last_year: dict) -> pd.DataFrame:
    """KPI, ThisPeriod, PriorPeriod, Change = this - prior, ChangePct = change
    / |prior| (empty for ratios and when prior is 0); LastYear (the same
    period a year earlier), YoYChange and YoYChangePct likewise."""
    frame = pd.DataFrame({"KPI": KPI_ORDER, "ThisPeriod": [this[k] for k in KPI_ORDER],
                          "PriorPeriod": [prior[k] for k in KPI_ORDER]})
    ratios = frame["KPI"].isin(RATIO_KPIS)
    for base, change, pct in (("PriorPeriod", "Change", "ChangePct"), ("LastYear", "YoYChange", "YoYChangePct")):
        if base == "LastYear":
            frame[base] = [last_year[k] for k in KPI_ORDER]
        frame[change] = frame["ThisPeriod"] - frame[base]
        base_abs = frame[base].abs()
        frame[pct] = (frame[change] / base_abs.where(base_abs > 0)).where(~ratios)
    return frame


# The management summary says at most this many things.
MAX_FACTS = 10
# Tier-A customers below this share of their revenue target are counted in the commentary.
LOW_ATTAINMENT = 0.8


def attainment_of(attainment: pd.DataFrame, measure: str) -> tuple[str, pd.DataFrame] | None:
    """The period's attainment rows of a measure that total the book: the
    customers' targets, else the account managers' (level, rows); None when
    neither has a known actual for every target."""
    rows = attainment[(attainment["Window"] == "Period") & (attainment["Measure"] == measure)]
    for level in ("Customer", "AccountManager"):
        chosen = rows[rows["Level"] == level]
        if len(chosen) and chosen["Actual"].notna().all() and chosen["Target"].sum() > 0:
            return level, chosen
    return None


def attainment_kpis(attainment: pd.DataFrame) -> dict[str, float]:
    """Per measure with targets, the book's attainment of the period: Σ Actual / Σ Target (fraction)."""
    kpis = {}
    for kpi, measure in ATTAINMENT_KPIS.items():
        found = attainment_of(attainment, measure)
        if found is not None:
            kpis[kpi] = _attainment(found[1])
    return kpis


def _attainment(rows: pd.DataFrame) -> float:
    """Σ Actual / Σ Target; NaN when Σ Target <= 0 or the quotient is no finite number (never an infinity)."""
    return float(ratio(pd.Series([rows["Actual"].sum()]), pd.Series([rows["Target"].sum()])).iloc[0])


def target_facts(attainment: pd.DataFrame, tiers: pd.Series) -> dict | None:
    """Revenue attainment of the period (see :func:`attainment_of`), and how
    many tier-A customers reached less than LOW_ATTAINMENT of their target."""
    found = attainment_of(attainment, "Revenue")
    if found is None:
        return None
    level, rows = found
    below = rows[(rows["Attainment"] < LOW_ATTAINMENT) & rows["Key"].map(tiers).eq("A")] \
        if level == "Customer" else rows.iloc[:0]
    attainment = _attainment(rows)
    if np.isnan(attainment):   # targets of 0: no attainment to state
        return None
    return {"attainment": attainment, "below": float(len(below)),
            "threshold": LOW_ATTAINMENT}


def commentary_facts(kpis: pd.DataFrame, risk: pd.DataFrame, profit: pd.DataFrame, names: pd.Series,
                     model_fitted: bool = True, targets: dict | None = None,
                     review: dict | None = None) -> list[tuple[str, dict]]:
    """What the management summary says, as (fact key, figures) pairs, at most
    MAX_FACTS: revenue and its change, margins, concentration, loss makers,
    receivables, customers over limit, churn and tiers. Only figures from the
    tables; a figure whose basis is unknown (no comparable prior period, COGS
    missing) is reported as unknown, and nothing is said about churn when the
    purchase model was not fitted (PAlive empty). Words are chosen by
    :func:`kam_xl.words.sentences`."""
    k = kpis.set_index("KPI")
    r = risk.set_index("Metric")["Value"]
    this, prior = k["ThisPeriod"], k["PriorPeriod"]
    facts: list[tuple[str, dict]] = []
    revenue, prior_revenue = this["NetRevenue"], prior["NetRevenue"]
    if pd.isna(prior_revenue):
        facts.append(("revenue.prior_not_covered", {"revenue": revenue}))
    elif prior_revenue > 0:
        facts.append(("revenue.change", {"revenue": revenue, "change": revenue / prior_revenue - 1}))
    else:
        facts.append(("revenue.no_prior_revenue", {"revenue": revenue}))
    if targets is not None:
        facts.append(("targets", targets))
    if review is not None and review["customers"]:
        facts.append(("actions.review", review))
    if pd.notna(this["GrossMarginPct"]):
        facts.append(("margin", {
            "gross_margin": this["GrossMarginPct"],
            "points": (this["GrossMarginPct"] - prior["GrossMarginPct"]) * 100
            if pd.notna(prior["GrossMarginPct"]) else None,
            "net_margin": this["NetMarginPct"] if pd.notna(this["NetMarginPct"]) else None}))
    elif pd.isna(this["GrossProfit"]):
        facts.append(("profit.not_totalled", {"customers": int(profit["GrossProfit"].isna().sum())}))
    facts.append(("concentration", {"top1": r["Top1Share"], "top5": r["Top5Share"], "hhi": r["HHI"]}))
    if pd.notna(r["LossMakingCustomers"]):
        losers = profit[profit["NetProfit"] < 0].sort_values("NetProfit")
        if len(losers):
            worst = losers.index[0]
            facts.append(("loss_makers", {"customers": len(losers), "total": losers["NetProfit"].sum(),
                                          "worst": names.get(worst) or worst,
                                          "worst_loss": losers["NetProfit"].iloc[0]}))
        else:
            facts.append(("no_loss_makers", {}))
    if pd.notna(this["ClosingAR"]):
        facts.append(("receivables", {"closing": this["ClosingAR"],
                                      "dso": this["DSO"] if pd.notna(this["DSO"]) else None,
                                      "overdue": this["OverdueShare"] if pd.notna(this["OverdueShare"]) else None,
                                      "oldest": r["Overdue90PlusBalance"]}))
    if pd.notna(r["CustomersOverLimit"]) and r["CustomersOverLimit"] > 0:
        facts.append(("over_limit", {"customers": r["CustomersOverLimit"]}))
    if model_fitted:
        facts.append(("churn", {"customers": r["ChurnRiskCustomers"]}))
    facts.append(("tiers", {"a": this["TierACustomers"], "b": this["TierBCustomers"], "c": this["TierCCustomers"]}))
    return facts[:MAX_FACTS]
