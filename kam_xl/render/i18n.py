"""Every user-facing word in English and Chinese (zh-CN).

Output table names stay canonical in both languages; headers, sheet titles,
labels and generated sentences follow the Language parameter.
"""
from __future__ import annotations

import re

HEADERS_ZH = {
    # Classification
    "CustomerID": "客户编号", "CustomerName": "客户名称", "Industry": "行业", "Size": "规模", "Region": "地区",
    "AccountManager": "客户经理", "ABCBasisValue": "ABC依据值", "ABCShare": "ABC占比",
    "ABCCumulativeShare": "ABC累计占比", "ABCTier": "ABC等级", "Recency": "最近购买天数", "Frequency": "购买频次",
    "Monetary": "购买金额", "RScore": "R评分", "FScore": "F评分", "MScore": "M评分", "RFMSegment": "RFM分群",
    "PortfolioQuadrant": "组合象限",
    # Segments
    "Dimension": "维度", "Segment": "细分", "Customers": "客户数", "RevenueShare": "收入占比",
    # Profitability
    "NetRevenue": "销售收入", "COGS": "销售成本", "GrossProfit": "毛利", "GrossMarginPct": "毛利率",
    "CostToServe": "服务成本", "FinancingCost": "资金占用成本", "NetProfit": "净利润", "NetMarginPct": "净利率",
    "ProfitRank": "利润排名", "CumulativeCustomerShare": "累计客户占比", "CumulativeProfitShare": "累计利润占比",
    # Receivables
    "OpenBalance": "应收余额", "NotDue": "未到期", "OverdueShare": "逾期占比", "CreditSales": "赊销额",
    "AverageAR": "平均应收", "ARTurnover": "应收周转率", "DSO": "应收周转天数", "AvgDaysToPay": "平均回款天数",
    "AvgDaysLate": "平均逾期天数", "CreditUtilization": "信用额度使用率", "CreditRisk": "信用风险",
    # Relationship
    "LastContact": "最近联系日期", "DaysSinceContact": "距上次联系天数", "Contacts": "联系次数",
    "AvgSatisfaction": "平均满意度", "LatestFeedback": "最新反馈", "NextFollowUp": "下次跟进日期",
    "FollowUpOverdue": "跟进逾期", "CadenceDays": "联系周期天数", "CadenceBreached": "超出联系周期",
    # Potential
    "RecencyDays": "末次购买距首次天数", "AgeDays": "客户年龄天数", "PAlive": "活跃概率",
    "ExpectedPurchases": "预计购买次数", "ExpectedOrderValue": "预计单次金额", "CLV": "客户终身价值",
    "GrowthRate": "收入增长率", "IndustryGrowth": "行业增速", "WalletHeadroom": "钱包空间",
    "PotentialScore": "潜力评分", "PotentialRank": "潜力排名",
    "Model": "模型", "Parameter": "参数", "Value": "值", "Unit": "单位",
    # Strategy
    "RecommendedStrategy": "建议策略", "Actions": "行动项", "CurrentEffortShare": "当前投入占比",
    "SuggestedEffortShare": "建议投入占比",
    # Risk, KPIs, DataQuality
    "Metric": "指标", "KPI": "关键指标", "ThisPeriod": "本期", "PriorPeriod": "上期", "Change": "变动",
    "ChangePct": "变动率", "Item": "项目", "Commentary": "管理层摘要", "Severity": "级别", "Table": "表", "Row": "行", "Column": "列", "Message": "说明", "Location": "位置",
}

SHEETS_ZH = {
    "Dashboard": "仪表板", "Classification": "客户分类", "Profitability": "客户盈利", "Receivables": "应收账款",
    "Relationship": "客户关系", "Potential": "客户潜力", "Strategy": "策略", "Risk": "风险",
    "DataQuality": "数据质量", "About": "关于",
}

_TEXT = {
    "strategy.Strategic": ("Invest and partner: joint account plan, senior sponsor, protect share",
                           "重点投入、战略合作：共同制定客户计划，高层对接，守住份额"),
    "strategy.Develop": ("Grow: targeted offers and cross-sell to build share of wallet",
                         "培育发展：针对性方案和交叉销售，提升钱包份额"),
    "strategy.Maintain": ("Retain efficiently: keep service level, defend price, automate routine work",
                          "高效维持：保持服务水平，守住价格，常规工作自动化"),
    "strategy.Streamline": ("Streamline: cut cost-to-serve, minimum order sizes, self-service or distributor",
                            "精简服务：降低服务成本，设最低订单量，转自助或经销商"),
    "action.loss_making": ("Loss-making: reprice or cut cost-to-serve", "亏损：重新定价或降低服务成本"),
    "action.overdue_oldest": ("Over {days} days overdue: tighten credit and chase payment",
                              "逾期超过{days}天：收紧信用并催收"),
    "action.over_limit": ("Over credit limit: hold new orders or review the limit", "超出信用额度：暂停新单或重新核定额度"),
    "action.churn_alert": ("Churn alert: valuable customer may be lapsing", "流失预警：重要客户可能流失"),
    "action.cadence_breached": ("Contact cadence breached: schedule a visit", "超出联系周期：安排拜访"),
    "action.follow_up_overdue": ("Follow-up overdue: call back", "跟进已逾期：尽快回访"),
    "action.revenue_decline": ("Revenue down more than 20%: review the account plan", "收入下降超过20%：复盘客户计划"),
    "action.low_satisfaction": ("Low satisfaction: run a service review", "满意度偏低：开展服务复盘"),
    "action.wallet_headroom": ("Large wallet headroom: cross-sell", "钱包空间大：交叉销售"),
    "blank": ("(blank)", "（未填）"),
}

KPI_ZH = {
    "ActiveCustomers": "有交易客户数", "NetRevenue": "销售收入", "GrossProfit": "毛利", "GrossMarginPct": "毛利率",
    "NetProfit": "净利润", "NetMarginPct": "净利率", "ClosingAR": "期末应收", "DSO": "应收周转天数",
    "OverdueShare": "逾期占比", "Top5Share": "前五大客户收入占比", "TierACustomers": "A类客户数",
    "TierBCustomers": "B类客户数", "TierCCustomers": "C类客户数", "LossMakingCustomers": "亏损客户数",
}

METRICS_ZH = {
    "Top1Share": "第一大客户收入占比", "Top5Share": "前五大客户收入占比", "Top10Share": "前十大客户收入占比",
    "HHI": "赫芬达尔指数", "Overdue90PlusBalance": "最长账龄逾期余额", "CustomersOverLimit": "超额度客户数",
    "LossMakingCustomers": "亏损客户数", "LossMakingNetProfit": "亏损客户净利润合计", "ChurnRiskCustomers": "流失风险客户数",
}


def text(key: str, language: str = "en", **values) -> str:
    english, chinese = _TEXT[key]
    return (chinese if language == "zh-CN" else english).format(**values)


def header(name: str, language: str = "en") -> str:
    """Display header of an output column in the workbook's language."""
    if language != "zh-CN":
        return name
    if name in HEADERS_ZH:
        return HEADERS_ZH[name]
    if name.startswith("Overdue") and name.endswith("Plus"):
        return f"逾期{name[7:-4]}天以上"
    if name.startswith("Overdue") and "_" in name:
        low, high = name[7:].split("_")
        return f"逾期{low}-{high}天"
    return name


def sheet_title(name: str, language: str = "en") -> str:
    return SHEETS_ZH.get(name, name) if language == "zh-CN" else name


_ZH_TO_HEADER = {v: k for k, v in HEADERS_ZH.items()}
_ZH_TO_LABEL = {v: k for k, v in {**KPI_ZH, **METRICS_ZH}.items()}


def canonical_header(display: str) -> str:
    """The canonical column name of a display header (English or Chinese)."""
    if display in _ZH_TO_HEADER:
        return _ZH_TO_HEADER[display]
    bucket = re.fullmatch(r"逾期(\d+)-(\d+)天", display)
    if bucket:
        return f"Overdue{bucket[1]}_{bucket[2]}"
    oldest = re.fullmatch(r"逾期(\d+)天以上", display)
    return f"Overdue{oldest[1]}Plus" if oldest else display


def canonical_label(label: str) -> str:
    """The canonical KPI or metric name of a displayed label."""
    return _ZH_TO_LABEL.get(label, label)


def headers_markdown() -> str:
    """The documented Chinese names of output columns, sheets, KPIs and metrics (docs/CHINESE_NAMES.md)."""
    lines = ["# Chinese names in zh-CN summaries · 中文名称对照", "",
             "Table names stay canonical (English) in both languages; these are the display names.",
             "Aging buckets follow AgingBuckets: Overdue1_30 -> 逾期1-30天, Overdue90Plus -> 逾期90天以上.", ""]
    for title, names in (("Sheets · 工作表", SHEETS_ZH), ("Columns · 列", HEADERS_ZH), ("KPIs · 关键指标", KPI_ZH),
                         ("Risk metrics · 风险指标", METRICS_ZH)):
        lines += [f"## {title}", "", "| English | 中文 |", "|---|---|"]
        lines += [f"| {en} | {zh} |" for en, zh in names.items()] + [""]
    return "\n".join(lines)
