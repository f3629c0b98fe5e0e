"""Period KPIs (this period, prior period, change) and the written
management commentary, built from the figures with fixed templates."""
from __future__ import annotations

import numpy as np
import pandas as pd

from kam_xl.contract import KPI_ORDER, RATIO_KPIS
from kam_xl.domain.frames import round_money, total
from kam_xl.domain.risk import top_share


def period_kpis(profit: pd.DataFrame, receivables: pd.DataFrame | None, tiers: pd.Series,
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
        days = receivables.attrs.get("period_days", np.nan)
        kpis.update(ClosingAR=balance, OverdueShare=round_money(overdue, decimals) / balance if balance > 0 else np.nan,
                    DSO=days * average / credit_sales if credit_sales > 0 and average > 0 else np.nan)
    return kpis


def _count(mask: pd.Series, basis: pd.Series) -> float:
    """How many customers ``mask`` holds for; empty when ``basis`` is unknown for any."""
    return float(mask.sum()) if basis.notna().all() else np.nan


def kpi_table(this: dict, prior: dict) -> pd.DataFrame:
    """KPI, ThisPeriod, PriorPeriod, Change = this - prior, ChangePct = change
    / |prior| (empty for ratios and when prior is 0)."""
    frame = pd.DataFrame({"KPI": KPI_ORDER, "ThisPeriod": [this[k] for k in KPI_ORDER],
                          "PriorPeriod": [prior[k] for k in KPI_ORDER]})
    frame["Change"] = frame["ThisPeriod"] - frame["PriorPeriod"]
    prior_abs = frame["PriorPeriod"].abs()
    frame["ChangePct"] = (frame["Change"] / prior_abs.where(prior_abs > 0)).where(~frame["KPI"].isin(RATIO_KPIS))
    return frame


def money_text(value: float, currency: str, language: str) -> str:
    """An amount for a sentence, in a unit that suits its size: 465.43元,
    1.2万元, 3.45亿元 in Chinese; CNY 465.43 and CNY 12,345 in English."""
    size = abs(value)
    if language == "zh-CN":
        unit = "元" if currency == "CNY" else f" {currency}"
        if size >= 1e8:
            return f"{value / 1e8:,.2f}亿{unit}"
        if size >= 1e4:
            return f"{value / 1e4:,.1f}万{unit}"
        return f"{value:,.2f}{unit}"
    return f"{currency} {value:,.0f}" if size >= 1000 else f"{currency} {value:,.2f}"


def _pct(value: float) -> str:
    return f"{value:.1%}"


def _customers(count: float, singular: str, plural: str) -> str:
    """'1 customer loses' / '3 customers lose': ``singular`` and ``plural`` are the verb phrases."""
    return f"{count:.0f} customer {singular}" if count == 1 else f"{count:.0f} customers {plural}"


def commentary(kpis: pd.DataFrame, risk: pd.DataFrame, profit: pd.DataFrame, names: pd.Series,
               currency: str, language: str, model_fitted: bool = True) -> list[str]:
    """5-8 sentences on revenue, margin, concentration, loss makers,
    receivables, churn and tiers; deterministic, figures only from the tables.
    A sentence whose figure is unknown (no comparable prior period, COGS
    missing) says so instead of giving a number; nothing is said about churn
    when the purchase model was not fitted (PAlive is empty)."""
    k = kpis.set_index("KPI")
    r = risk.set_index("Metric")["Value"]
    zh = language == "zh-CN"
    this, prior = k["ThisPeriod"], k["PriorPeriod"]
    money = lambda v: money_text(v, currency, language)  # noqa: E731
    lines = []
    revenue, prior_revenue = this["NetRevenue"], prior["NetRevenue"]
    if pd.isna(prior_revenue):
        lines.append(f"本期销售收入{money(revenue)}；数据未覆盖上期，不作比较。" if zh else
                     f"Net revenue was {money(revenue)}; the data do not cover the prior period, so no comparison is made.")
    elif prior_revenue > 0:
        change = revenue / prior_revenue - 1
        lines.append(f"本期销售收入{money(revenue)}，较上期{'增长' if change >= 0 else '下降'}{_pct(abs(change))}。" if zh else
                     f"Net revenue was {money(revenue)}, {'up' if change >= 0 else 'down'} {_pct(abs(change))} on the prior period.")
    else:
        lines.append(f"本期销售收入{money(revenue)}，上期无收入可比。" if zh else
                     f"Net revenue was {money(revenue)}; the prior period has no revenue to compare with.")
    if pd.notna(this["GrossMarginPct"]):
        delta = (this["GrossMarginPct"] - prior["GrossMarginPct"]) * 100 if pd.notna(prior["GrossMarginPct"]) else None
        trend_zh = f"，较上期{'上升' if delta >= 0 else '下降'}{abs(delta):.1f}个百分点" if delta is not None else ""
        trend_en = f", {abs(delta):.1f} points {'higher' if delta >= 0 else 'lower'} than before" if delta is not None else ""
        net_margin = this["NetMarginPct"]
        net_zh = f"；扣除服务成本和资金成本后净利率{_pct(net_margin)}" if pd.notna(net_margin) else ""
        net_en = f"; after cost-to-serve and financing, net margin was {_pct(net_margin)}" if pd.notna(net_margin) else ""
        lines.append(f"毛利率{_pct(this['GrossMarginPct'])}{trend_zh}{net_zh}。" if zh else
                     f"Gross margin was {_pct(this['GrossMarginPct'])}{trend_en}{net_en}.")
    elif pd.isna(this["GrossProfit"]):
        unknown = int(profit["GrossProfit"].isna().sum())
        lines.append(f"有{unknown}家客户缺少销售成本，毛利和净利润不予汇总（见数据质量表）。" if zh else
                     f"Gross and net profit are not totalled: {_customers(unknown, 'has', 'have')} sales without "
                     "COGS (see DataQuality).")
    lines.append(f"客户集中度：第一大客户占收入{_pct(r['Top1Share'])}，前五大占{_pct(r['Top5Share'])}，HHI为{r['HHI']:,.0f}。" if zh else
                 f"Concentration: the largest customer brings {_pct(r['Top1Share'])} of revenue, the top five "
                 f"{_pct(r['Top5Share'])} (HHI {r['HHI']:,.0f}).")
    if pd.notna(r["LossMakingCustomers"]):
        losers = profit[profit["NetProfit"] < 0].sort_values("NetProfit")
        if len(losers):
            worst = losers.index[0]
            worst_name = names.get(worst) or worst
            lines.append(f"{len(losers)}家客户扣除服务成本后亏损，合计{money(losers['NetProfit'].sum())}；亏损最多的是{worst_name}"
                         f"（{money(losers['NetProfit'].iloc[0])}）。" if zh else
                         f"{_customers(len(losers), 'loses', 'lose')} money after cost-to-serve, "
                         f"{money(losers['NetProfit'].sum())} in total; "
                         f"the largest loss is {worst_name} ({money(losers['NetProfit'].iloc[0])}).")
        else:
            lines.append("扣除服务成本后没有亏损客户。" if zh else "No customer loses money after cost-to-serve.")
    if pd.notna(this["ClosingAR"]):
        dso = f"{this['DSO']:.0f}" if pd.notna(this["DSO"]) else "—"
        overdue = _pct(this["OverdueShare"]) if pd.notna(this["OverdueShare"]) else "—"
        lines.append(f"期末应收{money(this['ClosingAR'])}，应收周转天数{dso}天，逾期占比{overdue}，"
                     f"最长账龄逾期余额{money(r['Overdue90PlusBalance'])}。" if zh else
                     f"Receivables stand at {money(this['ClosingAR'])} with DSO of {dso} days; {overdue} is overdue "
                     f"and {money(r['Overdue90PlusBalance'])} is in the oldest bucket.")
    if pd.notna(r["CustomersOverLimit"]) and r["CustomersOverLimit"] > 0:
        lines.append(f"{r['CustomersOverLimit']:.0f}家客户超出信用额度。" if zh else
                     f"{_customers(r['CustomersOverLimit'], 'is over its', 'are over their')} credit limit.")
    if model_fitted:
        churn = r["ChurnRiskCustomers"]
        lines.append(f"{churn:.0f}家A/B类客户活跃概率低于50%，需要关注流失风险。" if zh else
                     f"{_customers(churn, 'in tier A or B has', 'in tiers A and B have')} a probability of being "
                     "active below 50% and need a churn check.")
    lines.append(f"本期A类客户{this['TierACustomers']:.0f}家、B类{this['TierBCustomers']:.0f}家、C类{this['TierCCustomers']:.0f}家。" if zh else
                 f"There {'is' if this['TierACustomers'] == 1 else 'are'} {this['TierACustomers']:.0f} A, "
                 f"{this['TierBCustomers']:.0f} B and {this['TierCCustomers']:.0f} C customers this period.")
    return lines[:8]
