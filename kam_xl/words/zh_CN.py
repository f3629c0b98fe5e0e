"""Every word of a Chinese (zh-CN) workbook, message and summary.

Keys are canonical names (columns, sheets, KPIs, metrics) or message keys; a
third language is one more file like this one (see kam_xl.words)."""

from __future__ import annotations

import re

from kam_xl.words.figures import days

# Column width per character of a header (a CJK character is about two Latin ones wide).
CHAR_WIDTH = 2.0
FONT = "Microsoft YaHei"
DATE_FORMAT = 'yyyy"年"m"月"d"日"'
MONTH_FORMAT = 'yyyy"年"m"月"'
# Charts show money in 万 (ten thousands).
MONEY_AXIS_UNITS = "ten_thousands"
# Other ways the Language parameter may name this language (besides its code, zh-CN).
SPELLINGS = ("zh", "中文", "cn")
# The end of a file's name in this language (the demo's KAM_Demo_zh.xlsx).
FILE_SUFFIX = "_zh"
# Values that are keys (levels, quadrants, Attainment's rows, yes/no) are shown in words (高, 战略客户, 是).
VALUES_IN_WORDS = True
# Output column headers (canonical name -> display).
HEADERS = {
    "CustomerID": "客户编号",
    "CustomerName": "客户名称",
    "Industry": "行业",
    "Size": "规模",
    "Region": "地区",
    "AccountManager": "客户经理",
    "ParentID": "集团",
    "Owner": "负责人",
    "InvoiceNo": "发票号",
    "InvoiceDate": "开票日期",
    "DueDate": "到期日",
    "Amount": "金额",
    "OpenAmount": "未收金额",
    "DaysOverdue": "逾期天数",
    "FollowUpLevel": "催收级别",
    "NextStep": "下一步措施",
    "GrossReceivable": "应收账款余额",
    "Allowance": "坏账准备",
    "NetReceivable": "应收账款净额",
    "Method": "计提方式",
    "PriorAllowance": "期初坏账准备",
    "Band": "账龄区间",
    "0-1y": "1年以内",
    "1-2y": "1-2年",
    "2-3y": "2-3年",
    "3y+": "3年以上",
    "Rate": "计提比例",
    "DSOCountback": "倒推法周转天数",
    "Bucket": "期间",
    "PeriodStart": "起始日",
    "PeriodEnd": "截止日",
    "Granularity": "粒度",
    "FromDays": "起始天数",
    "ToDays": "截至天数",
    "Charge": "本期计提",
    "BadDebtCharge": "信用减值损失",
    "Expected": "预计收款",
    "Invoices": "发票数",
    "PriorActual": "上期对应回款",
    "Currency": "币别",
    "OpenBalanceOriginal": "原币余额",
    "ClosingRate": "期末汇率",
    "GroupName": "集团名称",
    "OverdueBalance": "逾期余额",
    "CreditLimit": "信用额度",
    "ABCBasisValue": "ABC依据值",
    "ABCShare": "ABC占比",
    "ABCCumulativeShare": "ABC累计占比",
    "ABCTier": "ABC等级",
    "Recency": "最近购买天数",
    "Frequency": "购买频次",
    "Monetary": "购买金额",
    "RScore": "R评分",
    "FScore": "F评分",
    "MScore": "M评分",
    "RFMSegment": "RFM分群",
    "PortfolioQuadrant": "价值潜力象限",
    "Dimension": "维度",
    "Segment": "细分",
    "Customers": "客户数",
    "RevenueShare": "收入占比",
    "NetRevenue": "销售收入",
    "COGS": "销售成本",
    "GrossProfit": "毛利",
    "GrossMarginPct": "毛利率",
    "CostToServe": "服务成本",
    "FinancingCost": "资金占用成本",
    "NetProfit": "客户净贡献",
    "NetMarginPct": "净贡献率",
    "ProfitRank": "净贡献排名",
    "CumulativeCustomerShare": "累计客户占比",
    "CumulativeProfitShare": "累计净贡献占比",
    "OpenBalance": "应收余额",
    "NotDue": "未到期",
    "OverdueShare": "逾期占比",
    "CreditSales": "赊销额",
    "AverageAR": "应收账款平均余额",
    "ARTurnover": "应收账款周转率",
    "DSO": "应收账款周转天数",
    "AvgDaysToPay": "平均回款天数",
    "AvgDaysLate": "平均逾期天数",
    "CreditUtilization": "信用额度使用率",
    "CreditRisk": "信用风险",
    "LastContact": "最近联系日期",
    "DaysSinceContact": "距上次联系天数",
    "Contacts": "联系次数",
    "AvgSatisfaction": "平均满意度",
    "LatestFeedback": "最新反馈",
    "NextFollowUp": "下次跟进日期",
    "FollowUpOverdue": "跟进逾期",
    "CadenceDays": "联系周期天数",
    "CadenceBreached": "超出联系周期",
    "RecencyDays": "末次购买距首次天数",
    "AgeDays": "客户年龄天数",
    "PAlive": "活跃概率",
    "ExpectedPurchases": "预计购买次数",
    "ExpectedOrderValue": "预计单次金额",
    "CLV": "客户终身价值",
    "GrowthRate": "收入增长率",
    "IndustryGrowth": "行业增速",
    "WalletHeadroom": "可争取采购额",
    "PotentialScore": "潜力评分",
    "PotentialRank": "潜力排名",
    "Model": "模型",
    "Parameter": "参数",
    "Value": "值",
    "Unit": "单位",
    "RecommendedStrategy": "建议策略",
    "Actions": "行动项",
    "CurrentEffortShare": "当前投入占比",
    "SuggestedEffortShare": "建议投入占比",
    "Metric": "指标",
    "KPI": "关键指标",
    "ThisPeriod": "本期",
    "PriorPeriod": "上期",
    "Change": "变动",
    "ChangePct": "变动率",
    "Month": "月份",
    "Days": "天数",
    "Collections": "回款",
    "ClosingAR": "期末应收账款",
    "NetRevenueMoM": "收入环比增长率",
    "NetRevenueYoY": "收入同比增长率",
    "Level": "层级",
    "Key": "对象",
    "Name": "名称",
    "Window": "区间",
    "Period": "目标期间",
    "Measure": "考核指标",
    "Target": "目标",
    "Actual": "实际",
    "Attainment": "达成率",
    "Variance": "差额",
    "PreviousTier": "上期等级",
    "Tier": "本期等级",
    "PreviousQuadrant": "上期象限",
    "Quadrant": "本期象限",
    "PreviousActions": "上期建议措施",
    "Before": "上期值",
    "Now": "本期值",
    "Improved": "是否改善",
    "PurchasesSince": "上期以来购买次数",
    "CalibrationFrequency": "校准期复购次数",
    "ActualPurchases": "实际购买次数",
    "PredictedPurchases": "预测购买次数",
    "LogLikelihood": "对数似然",
    "AIC": "AIC",
    "HoldoutActualTotal": "检验期实际合计",
    "HoldoutPredictedTotal": "检验期预测合计",
    "HoldoutMAE": "平均绝对误差",
    "ActualCustomers": "实际客户数",
    "ExpectedCustomers": "模型预计客户数",
    "LastYear": "上年同期",
    "YoYChange": "同比变动",
    "YoYChangePct": "同比变动率",
    "Item": "项目",
    "Commentary": "管理层摘要",
    "Severity": "级别",
    "Table": "表",
    "Row": "行",
    "Column": "列",
    "Message": "说明",
    "Location": "位置",
    "Control": "核对项目",
    "SourceTotal": "源数据合计",
    "ReportTotal": "汇总表合计",
    "Difference": "差异",
    "Status": "结果",
    "Note": "备注",
    "CreditBalance": "贷方余额",
}


# Action phrases of earlier versions, so a previous summary's actions are still recognised.
FORMER_ACTIONS = {"钱包空间大：交叉销售": "wallet_headroom"}
# Headers of earlier versions, so their summaries still read back (e.g. as --previous).
FORMER_HEADERS = {
    '上期坏账准备': 'PriorAllowance',
    '倒推法应收周转天数': 'DSOCountback',
    '组合象限': 'PortfolioQuadrant',
    '净利润': 'NetProfit',
    '净利率': 'NetMarginPct',
    '利润排名': 'ProfitRank',
    '累计利润占比': 'CumulativeProfitShare',
    '平均应收': 'AverageAR',
    '应收周转率': 'ARTurnover',
    '应收周转天数': 'DSO',
    '钱包空间': 'WalletHeadroom',
    '下一步': 'NextStep',
    '期末应收': 'ClosingAR',
    '最长账龄逾期余额': 'Overdue90PlusBalance',
    '亏损客户净利润合计': 'LossMakingNetProfit',
}


def bucket_header(name: str) -> str:
    """Aging bucket headers follow AgingBuckets: Overdue1_30 -> 逾期1-30天, Overdue90Plus -> 逾期90天以上,
    DueIn0_30 -> 30天内到期, DueAfter30 -> 30天后到期, Age0_30 -> 账龄0-30天, Age90Plus -> 账龄90天以上."""
    for prefix, word in (("Overdue", "逾期"), ("Age", "账龄")):
        if name.startswith(prefix) and name.endswith("Plus"):
            return f"{word}{name[len(prefix):-4]}天以上"
        if name.startswith(prefix) and "_" in name:
            low, high = name[len(prefix):].split("_")
            return f"{word}{low}-{high}天"
    if name.startswith("DueIn0_"):
        return f"{name[7:]}天内到期"
    if name.startswith("DueAfter"):
        return f"{name[8:]}天后到期"
    return name


def bucket_canonical(display: str) -> str | None:
    """The canonical bucket name of a display header, if it is one."""
    for prefix, word in (("Overdue", "逾期"), ("Age", "账龄")):
        bucket = re.fullmatch(word + r"(\d+)-(\d+)天", display)
        if bucket:
            return f"{prefix}{bucket[1]}_{bucket[2]}"
        oldest = re.fullmatch(word + r"(\d+)天以上", display)
        if oldest:
            return f"{prefix}{oldest[1]}Plus"
    due = re.fullmatch(r"(\d+)天(内|后)到期", display)
    if due:
        return f"DueIn0_{due[1]}" if due[2] == "内" else f"DueAfter{due[1]}"
    return None


def chart_label(name: str) -> str:
    """Charts say a column as its header does."""
    return HEADERS.get(name) or bucket_header(name)


# Sheet titles.
# Input tables by their Chinese names (the template's sheet names); the previous summary a review reads.
TABLE_NAMES = {
    "Customers": "客户", "Sales": "销售", "Invoices": "发票", "Payments": "收款", "Activities": "服务作业",
    "ActivityRates": "作业费率", "Contacts": "联系记录", "IndustryOutlook": "行业前景",
    "ProvisionRates": "坏账计提比例",
    "Targets": "目标", "FXRates": "汇率", "Parameters": "参数", "ColumnMap": "列映射", "PreviousSummary": "上期汇总",
}

# Parameters by their Chinese names (the Parameters table reads them as the canonical ones; About shows them).
PARAMETERS = {
    "AsOfDate": "截止日期", "PeriodStart": "期间开始", "PeriodEnd": "期间结束",
    "ReportingCurrency": "报告币种", "ABCBasis": "ABC依据", "ABCShareA": "A类累计占比",
    "ABCShareB": "B类累计占比", "AgingBuckets": "账龄区间", "CostOfCapital": "资金成本率",
    "ForecastMonths": "预测月数", "DiscountRate": "折现率", "PotentialWeights": "潜力权重",
    "ContactCadenceDays": "联系频率天数", "Language": "语言", "DataStart": "数据起始日期",
    "MinCoverage": "最低数据覆盖率", "VATRate": "增值税税率", "FollowUpLevels": "催收级别天数",
    "AverageARMethod": "平均应收计算方法", "AgingBasis": "账龄起算日", "ProvisionInNetProfit": "坏账计入客户净贡献",
    "TrendMonths": "趋势月数", "PreviousSummary": "上期汇总", "PurchaseModel": "购买模型", "HoldoutMonths": "检验月数",
}
# The parts of PotentialWeights as a Chinese user writes them (the Parameters table reads either name).
WEIGHTS = {"CLV": "客户终身价值", "Growth": "收入增长", "Industry": "行业增速", "Wallet": "可争取采购额",
           "Alive": "活跃概率"}
# About's other items: the run, the period.
ABOUT = {
    "Tool": "工具", "Version": "版本", "RunTime": "运行时间", "InputFile": "输入文件", "InputSHA256": "输入文件SHA-256",
    "DatabaseTables": "数据库表",
    "Customers": "客户数", "PeriodDays": "期间天数", "Comparison": "比较期间", "PriorPeriod": "上期",
    "LastYearPeriod": "上年同期",
}
# The purchase models' parameters and units (ModelParameters); r, alpha, a, b, s, beta, p, q, gamma stay symbols.
MODEL_TERMS = {
    "LogLikelihood": "对数似然", "Customers": "客户数", "FrequencyValueCorrelation": "复购次数与客单价相关系数",
    "ForecastDays": "预测天数", "Horizon": "预测期", "shape": "形状参数", "days": "天", "nats": "奈特",
    "count": "个", "Pearson r": "皮尔逊相关系数", "currency": "金额",
}

SHEETS = {
    "Dashboard": "仪表板",
    "Classification": "客户分类",
    "Profitability": "客户盈利",
    "Trend": "月度趋势",
    "Attainment": "目标达成",
    "ActionReview": "措施复核",
    "Receivables": "应收账款",
    "Collections": "催收清单",
    "Provision": "坏账准备",
    "Relationship": "客户关系",
    "Potential": "客户潜力",
    "Model": "预测模型",
    "Strategy": "策略",
    "Risk": "风险",
    "DataQuality": "数据质量",
    "Controls": "核对",
    "About": "关于",
}

# KPI labels (KPIs table and Dashboard tiles).
KPIS = {
    "ActiveCustomers": "有交易客户数",
    "NetRevenue": "销售收入",
    "GrossProfit": "毛利",
    "GrossMarginPct": "毛利率",
    "NetProfit": "客户净贡献",
    "NetMarginPct": "净贡献率",
    "ClosingAR": "期末应收账款",
    "DSO": "应收账款周转天数",
    "OverdueShare": "逾期占比",
    "Top5Share": "前五大客户收入占比",
    "TierACustomers": "A类客户数",
    "TierBCustomers": "B类客户数",
    "TierCCustomers": "C类客户数",
    "LossMakingCustomers": "亏损客户数",
    "RevenueAttainment": "收入目标达成率",
    "GrossProfitAttainment": "毛利目标达成率",
    "CollectionsAttainment": "回款目标达成率",
}

TILES = KPIS

# RiskSummary metric labels.
METRICS = {
    "Top1Share": "第一大客户收入占比",
    "Top5Share": "前五大客户收入占比",
    "Top10Share": "前十大客户收入占比",
    "HHI": "赫芬达尔指数",
    "GroupTop1Share": "第一大集团收入占比",
    "GroupTop5Share": "前五大集团收入占比",
    "GroupHHI": "集团赫芬达尔指数",
    "Overdue90PlusBalance": "最长逾期区间余额",
    "CustomersOverLimit": "超额度客户数",
    "LossMakingCustomers": "亏损客户数",
    "LossMakingNetProfit": "亏损客户净贡献合计",
    "ChurnRiskCustomers": "流失风险客户数",
}

# Strategies, actions and labels inside tables.
TEXT = {
    "followup.reminder": "发送付款提醒",
    "followup.call": "电话联系客户财务",
    "followup.manager": "升级至客户经理，约定付款日期",
    "followup.stop_deliveries": "停止赊销发货，待付款后恢复",
    "followup.legal": "移交法务或催收机构",
    "followup.not_due": "未到期",
    "provision.Aging": "账龄组合",
    "provision.Specific": "单项计提",
    "attainment.Customer": "客户",
    "attainment.AccountManager": "客户经理",
    "attainment.Period": "本期",
    "attainment.YearToDate": "本年累计",
    "attainment.Revenue": "销售收入",
    "attainment.GrossProfit": "毛利",
    "attainment.Collections": "回款",
    "granularity.Week": "周",
    "granularity.Month": "月",
    "granularity.Later": "以后",
    "granularity.Doubtful": "不预计",
    "forecast.Later": "以后",
    "forecast.Doubtful": "可疑（逾期超过 {days} 天，不预计收回）",
    "list.separator": "；",
    "flag.True": "是",
    "flag.False": "否",
    "severity.Error": "错误",
    "severity.Warning": "警告",
    "severity.Info": "提示",
    "week": "第{n}周",
    # RFM segments (R x FM grid) as the eight RFM customer classes (八类客户) where they fit (docs/CHINESE_NAMES.md)
    "rfm.Champions": "重要价值客户",
    "rfm.Loyal Customers": "重要保持客户",
    "rfm.Can't Lose Them": "重要挽留客户",
    "rfm.Potential Loyalists": "重要发展客户",
    "rfm.Need Attention": "一般价值客户",
    "rfm.Promising": "一般发展客户",
    "rfm.About To Sleep": "一般保持客户",
    "rfm.At Risk": "一般挽留客户",
    "rfm.Hibernating": "沉睡客户",
    "rfm.New Customers": "新客户",
    "rfm.No Purchases": "无购买客户",
    # About's values that are keys (the parameters' own Chinese spellings, which read back as parameters)
    "comparison.month": "上一个自然月",
    "comparison.quarter": "上一个自然季度",
    "comparison.months": "之前相同月数的自然月",
    "comparison.days": "紧邻之前的相同天数",
    "choice.DueDate": "到期日",
    "choice.InvoiceDate": "开票日期",
    "choice.OpeningClosing": "期初期末",
    "choice.MonthEnd": "月末",
    "choice.BGNBD": "BG/NBD",
    "choice.ParetoNBD": "Pareto/NBD",
    "choice.Auto": "自动",
    "risk.High": "高",
    "risk.Medium": "中",
    "risk.Low": "低",
    "quadrant.Strategic": "战略客户",
    "quadrant.Develop": "培育客户",
    "quadrant.Maintain": "维持客户",
    "quadrant.Streamline": "精简客户",
    "strategy.Strategic": "重点投入、战略合作：共同制定客户计划，高层对接，守住份额",
    "strategy.Develop": "培育发展：针对性方案和交叉销售，提升钱包份额",
    "strategy.Maintain": "高效维持：保持服务水平，守住价格，常规工作自动化",
    "strategy.Streamline": "精简服务：降低服务成本，设最低订单量，转自助或经销商",
    "action.loss_making": "亏损：重新定价或降低服务成本",
    "action.overdue_oldest": "逾期超过{days}天：收紧信用并催收",
    "action.over_limit": "超出信用额度：暂停新单或重新核定额度",
    "action.churn_alert": "流失预警：重要客户可能流失",
    "action.cadence_breached": "超出联系周期：安排拜访",
    "action.follow_up_overdue": "跟进已逾期：尽快回访",
    "action.revenue_decline": "收入下降超过20%：复盘客户计划",
    "action.low_satisfaction": "满意度偏低：开展服务复盘",
    "action.wallet_headroom": "可争取采购额大：交叉销售",
    "blank": "（未填）",
    # 核对表：结果、单位与备注（kam_xl.domain.controls 的数据）
    "control_status.OK": "相符",
    "control_status.Break": "不符",
    "control_status.NotChecked": "未核对",
    "control_unit.count": "行",
    "control_part.inside": "期间内 {rows:,} 行（{amount:,.2f}）",
    "control_part.outside": "期间外 {rows:,} 行（{amount:,.2f}）",
    "control_part.to_date": "截止日及以前 {rows:,} 行（{amount:,.2f}）",
    "control_part.later": "截止日以后 {rows:,} 行（{amount:,.2f}）",
    "control_part.applied": "已核销到发票 {rows:,} 行（{amount:,.2f}）",
    "control_part.unapplied": "未核销 {rows:,} 行（{amount:,.2f}）",
    "control_note.lines": "读取行数 = {parts} + 拒收 {rejected_rows:,} 行（{rejected_amount:,.2f}，见“数据质量”）。"
                          "金额按原表填写，未折算币种。",
    "control_note.sales.net_revenue": ("本期 {lines:,} 行销售明细按客户合计并四舍五入到分 = 客户盈利表 {customers:,} "
                                       "个客户的销售收入合计。"),
    "control_note.sales.gross_profit": "本期明细的销售收入 − 销售成本 = 客户盈利表毛利合计"
                                       "（{uncosted_customers:,} 个客户有未填成本的明细，两边均不计其毛利）。",
    "control_note.receivables.ledger": "截止日累计开票（{invoiced:,.2f}）− 截止日累计收款（{received:,.2f}）"
                                       "= 应收账款表余额合计（未清发票 + 红字发票 − 未核销收款）。",
    "control_note.receivables.aging": "应收账款余额合计 = {buckets} 个账龄区间之和。",
    "control_note.provision.base": "应收账款余额合计 = 坏账准备表应收账款余额（{gross:,.2f}）+ 贷方余额"
                                   "（{credit:,.2f}：多收或多开红字的客户，贷方余额不计提坏账）。",
    "control_note.export.totals": "导出文件自带的合计行（第 {row} 行，{column}）= 其上各明细行之和。",
    "control_note.fx.converted": ("{currencies} 共 {lines:,} 行：折算金额合计 = Σ 原币金额 × "
                                  "适用汇率，逐行四舍五入入账。"),
}

# The workbook's own furniture: titles, labels, chart titles.
UI = {
    # The command line's own messages (kam-xl new, demo, build).
    "cli.exists": "{path} 已存在；加 --force 替换它",
    "cli.template_suffix": "模板须为 .xlsx 或 .xlsm 文件",
    "cli.template": "模板：{path}",
    "cli.macro_module": "刷新宏模块：{path}",
    "cli.demo_input": "示例输入：{path}（{lines:,} 行销售明细）",
    "cli.demo_summary": "示例汇总：{path}",
    "cli.preset": "{config}：预设 {preset!r} 不是 {presets} 之一",
    "cli.no_input": "请给出输入工作簿，或 --config kam.toml",
    "cli.pack_split": "--pack 为一份汇总生成管理报告包，不能与 --split-by 同用",
    "cli.pack_libreoffice": ("--pack 需要 PATH 中有 LibreOffice（soffice）：请安装（如 'apt-get install "
                             "libreoffice-calc'），或去掉 --pack"),
    "cli.output_one": "-o/--output 只接受一个输入；多个输入请用 --out-dir",
    "cli.split_output": "--split-by 会写出多个文件；请用 --out-dir",
    "cli.previous_one": "--previous 是某一个输入上期的汇总；请只给一个输入",
    "addin.name": "kam-xl 函数",
    "sheet.examples": "公式示例",
    "examples.see_readme": "函数说明见 docs/EXCEL.md《在 Excel 中使用公式》一节。",
    "points": "个百分点",
    "dashboard.title": "大客户管理会计汇总",
    "dashboard.prior": "上期",
    "dashboard.change": "变动",
    "dashboard.summary": "管理层摘要",
    "dashboard.controls_tie": "核对：{n} 项全部与账相符（见“核对”表）",
    "dashboard.controls_break": "核对：{n} 项中 {breaks} 项不符（见“核对”与“数据质量”表）",
    "dashboard.controls_unchecked": "核对：{n} 项中 {ok} 项相符，{unchecked} 项无法核对（见“核对”表）",
    "chart.pareto": "ABC 帕累托（前{n}名）",
    "chart.whale": "客户净贡献鲸鱼曲线",
    "chart.trend_revenue": "月度销售收入与毛利率",
    "chart.trend_top": "前 {n} 大客户月度销售收入",
    "chart.trend_dso": "月度应收账款周转天数",
    "chart.receipts": "未来 13 周预计收款",
    "chart.aging": "应收账龄（按信用风险）",
    "chart.profit_potential": "利润与潜力",
    "chart.industry": "各行业收入",
    "sheet.chart_data": "图表数据",
    "subtitle": "期间 {period} · 截止 {as_of} · 币种 {currency}",
    "compared.month": "上期 = 上一个自然月（{prior}）；上年同期 = {last_year}",
    "compared.quarter": "上期 = 上一个自然季度（{prior}）；上年同期 = {last_year}",
    "compared.months": "上期 = 之前的 {months} 个自然月（{prior}）；上年同期 = {last_year}",
    "compared.days": "上期 = 紧邻之前的 {days} 天（{prior}）；上年同期 = {last_year}",
    "skipped": "未提供{missing_name}表（{missing}），本分析已跳过。",
    "review.none": ("未提供上期汇总：生成时加 --previous 上期汇总.xlsx（或设置参数“上期汇总”）即可查看上期建议措施的"
                    "效果。"),
    "review.refused": "上期汇总无法与本期比较（见数据质量表）。",
    "pack.title": "管理层报告",
    "pack.charts": "本期图表",
    "pack.customers": "重点客户",
    "pack.top": "净贡献前 {n} 名客户",
    "pack.loss": "亏损客户：{n} 家客户扣除服务成本后亏损（列出亏损最大的 {shown} 家）",
    "pack.receivables": "应收账款",
    "pack.aging": "应收账款账龄",
    "pack.bucket": "账龄区间",
    "pack.share": "占比",
    "pack.provision": "坏账准备",
    "pack.chase": "催收清单：{total} 笔未清款项中的前 {n} 笔",
    "pack.targets": "目标与达成",
    "pack.more": "列出 {total} 行中的前 {shown} 行；全部见汇总表的“{sheet}”工作表。",
    "pack.actions": "上期措施是否见效？",
    "pack.actions_counts": "复核 {n} 项措施：{yes} 项改善，{no} 项未改善，{open} 项暂无法判断。",
    "pack.verdict": "结论",
    "pack.verdict_yes": "已改善",
    "pack.verdict_no": "未改善",
    "pack.verdict_open": "暂无法判断",
    "pack.forecast": "预测检验",
    "pack.quality": "数据质量与核对",
    "pack.dq_counts": "数据质量：{errors} 个错误，{warnings} 个警告，{info} 条提示（详见汇总表的数据质量工作表）。",
    "totals": "合计",
    "validate.title": "数据质量",
    "validate.sources": "各列的来源",
    "validate.table": "表", "validate.column": "列", "validate.sheet": "工作表", "validate.header": "表头",
    "validate.clean": "未发现数据质量问题",
    "validate.period": "期间 {start} 至 {end}，截止日期 {as_of}",
    "model.parameter": "购买次数按 {model} 模型预测（参数“购买模型”所选）。",
    "model.holdout": ("购买次数按 {model} 模型预测：在 {months} 个月的检验期内，它比 {other} "
                      "预测得更准（每位客户平均误差 {mae:.3f} 次，对方 {other_mae:.3f} 次）。"),
    "model.aic": ("购买次数按 {model} 模型预测：它对购买历史的拟合优于 {other}（AIC {aic:,.1f}，对方 "
                  "{other_aic:,.1f}，越小越好）。如需按预测准确度选择，请设置参数“检验月数”。"),
    "model.only": "购买次数按 {model} 模型预测：这是唯一能用这些数据拟合的模型（{other} 未收敛，见数据质量表）。",
    "model.failed": ("无法用这些数据拟合购买模型：预计购买次数按每位客户的平均节奏 (购买频次 + 1) / 客户年龄天数 "
                     "估算，存活概率留空（见数据质量表）。"),
    "model.too_few": ("客户太少，无法拟合购买模型（至少需要 {buyers} 位有购买的客户和 {repeaters} "
                      "位复购客户）：预计购买次数按每位客户的平均节奏 (购买频次 + 1) / 客户年龄天数 "
                      "估算，存活概率留空。"),
    "model.holdout_result": ("检验：用截至 {end} 的购买拟合，{model} 预测截至 {as_of} 的 {months} 个月内共购买 "
                             "{predicted:,.0f} 次；客户实际购买 {actual:,.0f} 次（预测偏差 {gap}）。"),
    "model.no_holdout": "预测尚未检验：设置参数“检验月数”（例如 6），即可与客户最近几个月的实际购买对比。",
    "model.bgnbd": ("客户在活跃期内平均每月有 {rate:.2f} 天购买（r / alpha = {r:.3f} / {alpha:.1f} "
                    "天）；每次购买后平均有 {drop:.0%} 的客户不再购买（a / (a + b)，a = {a:.3f}，b = {b:.3f}）。"),
    "model.paretonbd": ("客户在活跃期内平均每月有 {rate:.2f} 天购买（r / alpha = {r:.3f} / {alpha:.1f} "
                        "天）；无论购买多频繁，客户平均每月流失 {drop:.1%}（s / beta = {s:.3f} / {beta:.1f} 天）。"),
    "model.gamma_gamma": ("一次复购平均价值 {value:,.0f}（Gamma-Gamma：p gamma / (q - 1)，p = {p:.2f}，q = "
                          "{q:.2f}，gamma = {gamma:,.1f}）；客户购买次数越多，其自身平均单价的权重越大。"),
    "model.independent": ("订单价值与购买频次的相关系数 r = {r:.2f}，在 ±{limit:g} 以内：符合 Gamma-Gamma "
                          "模型二者相互独立的假设。"),
    "model.correlated": ("订单价值与购买频次的相关系数 r = {r:.2f}，超出 ±{limit:g}：Gamma-Gamma "
                         "模型假设二者相互独立，预计订单价值和客户终身价值需谨慎解读。"),
    "model.read.palive": ("如何解读：存活概率是客户仍在向我们购买的可能性，依据其购买的频次和最近一次购买的时间判断；"
                          "预计购买次数是未来 {months} 个月预计的购买天数；客户终身价值是这些购买折现后带来的毛利。"),
    "model.read.check": ("预测检验（预测检验表及其图）：按检验期前的复购次数将客户分组；模型的曲线越接近客户的实际购"
                         "买，其对同类客户的预测越可信。"),
    "model.read.distribution": ("复购次数分布（复购次数分布表及其图）：实际复购 0、1、2 …… 次（7 表示 7 "
                                "次及以上）的客户数与模型预计的客户数；模型若与这一分布相差甚远，则不宜采信。"),
    "chart.model_check": "预测检验：检验期内每位客户的购买次数",
    "chart.model_check_axis": "检验期前的复购次数（7 = 7 次及以上）",
    "chart.repeat_distribution": "按复购次数的客户分布",
    "chart.repeat_axis": "复购次数（7 = 7 次及以上）",
    "chart.actual": "实际",
    "chart.predicted": "{model} 预测",
    "chart.expected": "{model} 预计",
}

# Data-quality messages; {col} is the user's own header of the column.
# The input template's help (kam_xl.authoring.template), which writes it in every catalogue's language:
# its ReadMe sheet line by line, the checks' messages, the Parameters sheet and the xlwings.conf notes.
TEMPLATE = {
    "sheet": "说明",
    "required_column": "必填",
    "optional_column": "选填",
    "enter_date": "请输入日期",
    "whole_1_5": "请输入 1-5 的整数",
    "not_negative": "请输入不小于 0 的数",
    "whole_days": "请输入不小于 0 的整数天数",
    "not_an_industry": "不在行业前景表中",
    "parameter": "参数",
    "value": "值",
    "description": "说明",
    "parameter_named": "{help}（{name}）",
    "notes": "说明",
    "interpreter": "安装 kam-xl 的 Python 路径",
    "udf_modules": "随 kam-xl 一起安装",
    "run_main": "Run main 运行与本工作簿同名、同目录的 .py 文件中的 main()",
    "readme.title": "大客户管理会计汇总",
    "readme.purpose_heading": "本工作簿用途",
    "readme.purpose": ("填写黄色的输入表，kam-xl 生成汇总：客户分级、扣除服务成本后的利润、应收账款、客户关系维护、潜"
                       "力、策略与风险。"),
    "readme.use_heading": "使用步骤",
    "readme.paste": "   把数据粘贴到各输入表（表头可用中文或英文；多余的列会保留）。",
    "readme.below_table": ("   直接在表格下方输入或粘贴的行即使表格未自动扩展（LibreOffice、WPS、脚本写入）也会读取，"
                           "数据质量表会列出这些行，便于调整表格范围。"),
    "readme.blank_cells": "   不清楚的数值请留空：kam-xl 不会把空白成本当作 0。",
    "readme.parameters": "   检查参数表（截止日、币种、ABC 分级界限等），空白即用默认值。",
    "readme.build": "   生成汇总：命令行 `kam-xl build 本文件`，或在 Excel 中：xlwings 加载项 > Run main。",
    "readme.problems": ("   数据问题列在 DataQuality（数据质量）表中，注明您的工作表、单元格和表头（如 销售!F12 "
                        "销售收入）。"),
    "readme.colours_heading": "颜色约定",
    "readme.inputs": "黄色：需填写的输入",
    "readme.outputs": "蓝色：kam-xl 生成的输出（请勿修改）",
    "readme.information": "灰色：说明与设置",
    "readme.required_heading": "必填表",
    "readme.required": ("客户表和销售表必填；发票、收款、服务作业、作业费率、联系记录、行业前景表用于应收、服务成本、"
                        "关系与潜力分析。"),
    "readme.fx": "汇率表用于换算外币金额（币别列）；列映射表说明您自己的表头对应哪一列（见 docs/IMPORT.md）。",
    "readme.formulas_heading": "单元格公式",
    "readme.formulas": ("安装 xlwings 加载项并 Import Functions 后，可在单元格中使用 =KAM_DSO(...)、=KAM_ABC(...) "
                        "等公式，{examples}"),
    "readme.examples_here": "示例见“{sheet}”表。",
    "readme.examples_elsewhere": ("用 `kam-xl new --calc` 生成的模板另有“公式示例”表，逐一示范这些公式（见 "
                                  "docs/EXCEL.md《在 Excel 中使用公式》一节）。"),
    "examples.title": "单元格公式示例",
    "examples.live_calc": "黄色为示例输入；安装 LibreOffice 加载项后公式即时计算",
    "examples.live_xlwings": "黄色为示例输入；完成 xlwings 导入函数后公式即时计算",
    "examples.whole_table": "整表函数：",
    "examples.function": "函数",
    "examples.formula": "公式",
    "examples.result": "结果",
    "examples.abc": "ABC 分级",
    "examples.gross_margin": "毛利率",
    "examples.ar_turnover": "应收账款周转率",
    "examples.dso": "应收账款周转天数",
    "examples.rfm": "RFM 评分",
    "examples.palive": "活跃概率",
    "examples.expected_purchases": "预计购买次数",
    "examples.hhi": "赫芬达尔指数",
    "examples.aging": "账龄",
}
# Each input column's help, shown in its header's comment.
COLUMN_HELP = {
    "CustomerID": "客户唯一编号，所有表都用它关联",
    "ParentID": "所属集团（母公司）的客户编号或名称；空白 = 自成一个集团",
    "CreditLimit": "信用额度（报告币种），>= 0，可不填",
    "PaymentTermsDays": "账期天数；到期日 = 开票日 + 账期",
    "EstimatedWallet": "客户在本品类的年采购额估计，可不填",
    "DocumentNo": "订单或单据号；不同单据号计为不同订单",
    "NetRevenue": "不含税销售收入（折扣后），退货为负数",
    "COGS": "该行的销售成本",
    "DueDate": "可不填；空白时按开票日 + 账期计算",
    "Amount": "含税金额；红字发票为负数",
    "InvoiceNo": "对应发票号；空白或未知视为未核销收款",
    "DriverQuantity": "作业量（订单数、送货次数、拜访次数等）",
    "DirectCost": "直接费用：返利、样品、专职人员等，可不填",
    "Rate": "每单位作业的成本",
    "Satisfaction": "满意度评分 1-5",
    "NextFollowUp": "本次联系约定的下次跟进日期",
    "GrowthOutlook": "行业年增速预期，如 8% 或 0.08",
    "Industry": "行业；从行业前景表中选择",
    "GrossAmount": "价税合计；不填销售收入时，收入 = 价税合计 ÷（1 + 税率）",
    "TaxRate": "增值税税率：0.13、13% 或 13；空白 = 参数中的增值税税率",
    "Currency": "金额的币别（USD、美元……）；空白 = 报告币种；需要汇率表",
    "SourceColumn": "您的表头（与工作表或导出文件一致）",
    "SourceSheet": "存放该表的您的工作表（可不填）",
}
# Each parameter's help, on the Parameters sheet.
PARAMETER_HELP = {
    "AsOfDate": "余额截止日；空白 = 数据中最晚日期",
    "PeriodStart": "空白 = 截止日前推12个月加1天",
    "PeriodEnd": "空白 = 截止日",
    "ReportingCurrency": "三位币种代码",
    "ABCBasis": "NetRevenue、GrossProfit 或 NetProfit",
    "ABCShareA": "A类累计占比上限",
    "ABCShareB": "B类累计占比上限",
    "AgingBuckets": "逾期账龄区间（天）",
    "AgingBasis": "DueDate：按逾期天数分段；InvoiceDate：按开票日起算的账龄分段",
    "AverageARMethod": "OpeningClosing：(期初 + 期末) / 2；MonthEnd：各月末余额的平均",
    "VATRate": "含税销售行未给税率时使用的增值税税率",
    "FollowUpLevels": "逾期天数达到时：提醒、电话、客户经理、停止发货、法务",
    "ProvisionInNetProfit": "TRUE：客户净贡献扣除本期信用减值损失",
    "TrendMonths": "趋势表逐月列示的自然月数",
    "PurchaseModel": "BGNBD、ParetoNBD 或 Auto（按 AIC 自动选择）",
    "HoldoutMonths": "留作样本外检验的月数（空白：不检验）",
    "PreviousSummary": "上期生成的汇总文件（与本文件同目录）：复核其建议措施的效果",
    "CostOfCapital": "年资金成本率（计算资金占用成本）",
    "ForecastMonths": "客户终身价值预测月数",
    "DiscountRate": "客户终身价值年折现率",
    "PotentialWeights": "潜力评分权重",
    "ContactCadenceDays": "各等级客户最长联系间隔天数",
    "Language": "en 或 zh-CN",
    "DataStart": "记录自该日起完整（此前无欠款）；空白 = 各表中最早日期",
    "MinCoverage": "上期须被数据覆盖的最低比例（用于同比环比）",
    "SalesFile": "可选：销售明细 CSV/Parquet 文件",
    "InvoicesFile": "可选：发票 CSV/Parquet 文件",
    "PaymentsFile": "可选：收款 CSV/Parquet 文件",
}
# The demo book's industries, regions and sizes (kam_xl.authoring.demo), as a book in this language names them.
DEMO_NAMES = {"Manufacturing": "制造业", "Retail": "零售", "Healthcare": "医疗健康", "Automotive": "汽车",
    "Electronics": "电子", "Construction": "建筑", "Logistics": "物流", "Food & Beverage": "食品饮料", "East": "华东",
    "North": "华北", "South": "华南", "West": "西部", "Central": "华中", "Large": "大型", "Medium": "中型",
    "Small": "小型"}


# The Calc add-in's help of each KAM_ function and argument (udfs/kam_calc_build.py).
FUNCTION_HELP = {
    "KAM_ABC": "按价值把客户分为 A/B/C 类（ABC 分级）",
    "KAM_GROSSMARGIN": "毛利率 = (收入 - 成本) / 收入",
    "KAM_ARTURNOVER": "应收账款周转率 = 赊销收入 / 平均应收账款",
    "KAM_DSO": "应收账款周转天数 = 期间天数 / 周转率",
    "KAM_AGING": "按逾期天数划分的应收账款账龄（一行）",
    "KAM_PROVISION": "每笔应收账款的坏账准备 = 金额 × 所属账龄段计提比例",
    "KAM_EXPECTED_RECEIPT_DATE": "预计收款日 = 到期日 + 客户平均逾期天数",
    "KAM_RFM": "RFM 评分（R、F、M 各 1-5 分）",
    "KAM_HHI": "赫芬达尔指数（收入集中度，0-10,000）",
    "KAM_BGNBD_FIT": "拟合 BG/NBD 购买模型：r, alpha（天）, a, b",
    "KAM_PARETO_FIT": "拟合 Pareto/NBD 购买模型：ParetoNBD, r, alpha（天）, s, beta（天）",
    "KAM_PALIVE": "客户仍活跃的概率（BG/NBD 或 Pareto/NBD）",
    "KAM_EXPECTED_PURCHASES": "未来若干天预计购买次数",
    "KAM_PROFITABILITY": "客户盈利表（由整张输入表计算）",
    "KAM_RECEIVABLES": "应收账款表（由整张输入表计算）",
    "KAM_CLASSIFICATION": "客户分类表（由整张输入表计算）",
    "KAM_TABLE": "按名称返回 kam-xl 的任一输出表",
}
ARGUMENT_HELP = {
    "values": "金额列", "share_a": "A 类累计占比上限", "share_b": "B 类累计占比上限",
    "customer_ids": "客户编码列（可选）",
    "revenue": "销售收入列", "cogs": "销售成本列", "credit_sales": "赊销收入", "opening_ar": "期初应收账款",
    "closing_ar": "期末应收账款", "period_days": "期间天数", "due_dates": "到期日列", "open_amounts": "未收金额列",
    "as_of": "截止日期", "buckets": "账龄分段天数，如 \"30,60,90\"", "amounts": "应收金额列", "ages": "账龄天数列",
    "bands": "各账龄段天数上限", "rates": "各账龄段计提比例", "avg_days_late": "平均逾期天数",
    "recency_days": "天数（KAM_RFM：距最近一次购买；模型函数：首次至最近一次购买）", "frequency": "购买次数",
    "monetary": "收入",
    "age_days": "首次购买至截止日的天数", "model_params": "模型参数（KAM_BGNBD_FIT 或 KAM_PARETO_FIT 的结果）",
    "days": "预测天数", "table_name": "输出表名称", "sales": "销售表（含表头）", "activities": "服务作业表（含表头）",
    "activity_rates": "作业费率表（含表头）", "customers": "客户表（含表头）", "invoices": "发票表（含表头）",
    "payments": "收款表（含表头）", "parameters": "参数表（含表头）", "contacts": "联系记录表（含表头）",
    "industry_outlook": "行业前景表（含表头）",
}

MESSAGES = {
    "control.break": "核对项目“{control}”（{table_name}）不符：源数据 {source:,.2f}，汇总表 {report:,.2f}；"
                     "差异见“值”列（详见“核对”表）",
    "table.required_missing": "未找到必需的表 {names}（Excel 表格或工作表）；文件中的工作表：{sheets}",
    "table.optional_missing": "没有 {names} 表；需要它的分析已跳过",
    "table.columns_missing": "{table_name}（工作表“{sheet}”）缺少必需的列 {names}；找到的表头：{found}；该表未使用。"
    "请修改表头，或在列映射（ColumnMap）中指明对应的列（见 docs/IMPORT.md）",
    "table.rows_below": ("Excel 表格“{name}”下方的第 {first}-{last} 行已作为表格数据读取；请将表格范围扩展到这些行（E"
                         "xcel：表设计 > 调整表格大小）"),
    "table.title_rows": "表头（第 {header_row} 行）上方的第 {rows} 行视为标题，已跳过",
    "key.matched_by_name": ("{rows} 行填写的是客户名称而不是客户编号（第一个即本行，对应 "
                            "'{cid}'）；已按客户表的客户名称匹配"),
    "cell.foreign_currency": "按符号判断该金额为 {currency}，不是报告币种 {reporting}；不会换算，"
    "也不计入任何 {reporting} 合计（{effect}）。请填写 {reporting} 金额，或先行换算",
    "source.duplicate_document": "同一单据已在 {first_file}（第 {first_row} 行）出现：是否重复导出？本行未使用",
    "source.parameters_ignored": "多个文件都有参数表：使用 {first} 中的参数",
    "source.condensed": "{file}：{plain} 行规范明细（客户在客户表中、有日期、金额齐全、无币别）"
    "在读取时按客户、日期、单据及收入正负汇总为 {rows} 行；其余 {others} 行逐行读取。各项数字与逐行计算相同",
    "currency.unknown": "无法识别币别“{code}”（请填写 USD 等代码或“美元”）；该行未使用",
    "currency.no_rate": "汇率表中没有 {code} 在 {date} 或之前的汇率；该行未使用（绝不按未换算金额合计）",
    "currency.converted": "{lines} 行 {currencies} 金额已按{basis}换算为 {reporting}（汇率表）",
    "currency.local_amounts": "金额（“{header}”）为本位币金额：不按币别列换算",
    "provision.default": ("未提供坏账计提比例表：使用默认政策（1年以内 5%、1-2年 10%、2-3年 30%、3年以上 "
                          "100%，按开票日计算账龄）"),
    "provision.no_open_band": ("没有不设上限的账龄区间：超过 {last} 天的应收按最后一个区间的比例计提；请增加一个截至"
                               "天数为空的区间"),
    "provision.rate_blank": "账龄区间没有计提比例：该区间未使用",
    "provision.two_open_bands": "出现第二个不设上限（截至天数为空）的区间：只使用第一个",
    "provision.band_edge": ("起始天数与上一区间不衔接（上一区间截至 {previous} 天）：区间按截至天数划分，本区间从 "
                            "{start} 天起"),
    "provision.band_renamed": "账龄区间名称重复或与坏账准备表的列名相同：该区间显示为“{name}”",
    "provision.specific_blank": "客户行既无计提比例也无计提金额：未对该客户单项计提",
    "provision.specific_twice": "该客户的单项计提出现两次：使用第一行",
    "provision.specific_replaces": "此处的单项计提取代客户表中不同的设置（{customers}）",
    "currency.document_amount": ("“{header}”为原币金额，而“{local}”为本位币金额：该列留空，不按未换算金额合计；请一并"
                                 "导出其本位币列"),
    "key.parent_matched": "集团按客户“{cid}”读取（写法不同或填写的是名称）",
    "key.parent_unknown": "集团不是任何客户的编号：按所填写的名称作为集团",
    "names.read_as": "工作表“{sheet}”中以下表头按 kam-xl 列读取：{pairs}",
    "names.preset_detected": "表头与 {title} 的导出格式一致（该预设识别了 {count} 列）；可用 --preset 指定预设，"
    "或用列映射（ColumnMap）对应自定义表头",
    "names.preset_forced": "预设 {title}（--preset）：只识别该预设、合同列名及通用同义词",
    "map.unknown_table": "列映射：没有这个表；可用的表：{known}。该行未使用",
    "map.unknown_column": "列映射：{target} 没有这个列；其列为：{known}。该行未使用",
    "map.incomplete": "列映射：请同时填写来源列和列（或只填来源工作表以指定工作表）。该行未使用",
    "vat.net_derived": "销售收入按不含税金额由含税的“{gross}”推算，共 {lines} 行："
    "其中 {stated} 行 ÷（1 + “{rate_header}”），{defaulted} 行无税率，÷（1 + 增值税税率参数 {rate}）",
    "vat.gross_blank": "价税合计为空且没有销售收入列：无收入可用。该行未使用",
    "column.optional_missing": "没有 {names} 列：{effect}",
    "column.all_blank": "{names} 列全部为空：{effect}",
    "column.near_miss": "没有 {names} 列：{effect}。表头“{found}”是否就是这一列？请改名为 {canonical} 以便使用",
    "cell.required_error": "{col}：单元格为错误值；该行未使用",
    "cell.required_invalid": "{col}：不是有效的{kind}；该行未使用",
    "cell.required_blank": "{col}为空；该行未使用",
    "cell.optional_invalid": "{col}无法识别；该单元格未使用",
    "cell.optional_error": "{col}：单元格为错误值；该单元格未使用",
    "cell.required_uncalculated": "{col}：公式没有计算结果"
    "（文件由不计算公式的程序保存，例如脚本；以 = 开头的文字也会被存成公式）；"
    "请用 Excel、WPS 或 LibreOffice 打开并保存该文件，或直接输入数值；该行未使用",
    "cell.optional_uncalculated": "{col}：公式没有计算结果"
    "（文件由不计算公式的程序保存，例如脚本；以 = 开头的文字也会被存成公式）；"
    "请用 Excel、WPS 或 LibreOffice 打开并保存该文件，或直接输入数值；该单元格未使用",
    "cell.date_formats": "{col}：无法识别的日期（可用格式：{formats}）；{effect}",
    "cell.date_out_of_range": "{col}：日期不在 {first} 至 {last} 之间（或该数字不是此范围内的日期）；{effect}",
    "cell.implausible_number": "{col}：数值绝对值达到 {bound} 或以上，远超任何合理金额（疑为录入或导出错误）；{effect}",
    "cell.date_ambiguous": "{col}：此列中日与月无法区分（如 03/04/2026）；请写成 2026-04-03 的格式；{effect}",
    "cell.below_minimum": "{col}必须大于或等于 {minimum}；该单元格未使用",
    "cell.above_maximum": "{col}必须小于或等于 {maximum}；该单元格未使用",
    "cell.not_whole": "{col}必须是整数；该单元格未使用",
    "cell.required_out_of_range": "{col}必须大于或等于 {minimum}；该行未使用",
    "due_date.fallback": "{col}无法识别；按开票日期加客户账期天数计算到期日",
    "row.totals": "疑似合计行（无编号，或含“合计/Total”等字样并有数字）；未使用",
    "row.key_blank": "{col}为空；该行未使用",
    "row.key_blank_figures": "{col}为空但该行有数字，既不是上方单据的明细行，也不是合计行（合计/Total）；该行未使用",
    "row.totals_skipped": "导出自带的合计行：已跳过（金额等于上方各行之和）",
    "row.totals_differ": "合计行：{col} {stated} 不等于上方各行之和（{lines}，差额 {difference}）；该行已跳过，"
    "但可能缺少明细行或导出后被改动，请核对",
    "row.bill_filled": "{lines} 行没有{fields}，属于其上方的单据（导出时单据头只写在每张单据的第一行）："
    "已按该单据第一行补全（第一处：第 {first} 行）",
    "dup.invoice_row": ("与{sheet}第 {first} 行的发票相同（发票号、客户、日期、金额 {amount} "
                        "均一致）：是否重复粘贴？本行不重复计入"),
    "dup.invoice_customers": "该发票号也用于客户“{first_cid}”（{sheet}第 {first} 行），本行客户为“{cid}”："
    "按发票号核销的收款无法区分。两行均已使用，请更正发票号",
    "dup.payment_row": "与{sheet}第 {first} 行的收款相同（客户、日期、发票号、金额 {amount} 均一致）：是否重复录入？"
    "两行均已使用（同一天两笔相同的收款也可能属实）",
    "dup.sales_line": ("与{sheet}第 {first} 行为同一单据的相同明细（各列一致，金额 "
                       "{amount}）：是否重复录入？两行均已使用"),
    "dup.more": "另有 {count} 处{finding}未逐条列出（已列出前 {shown} 处）",
    "dup.document_reused": "该单据号也用于{sheet}第 {first} 行（客户“{first_cid}”，{first_date}）；此处为客户“{cid}”，"
    "{date}，金额 {amount}。均已使用",
    "cogs.blank": "{col}为空：该客户的毛利、毛利率和净贡献不予计算（留空）",
    "key.duplicate": "客户编号重复；保留第一条（第 {first} 行），此行未使用",
    "key.matched": "客户编号按“{cid}”匹配（忽略{ignoring}）",
    "key.unknown": "客户编号不在客户表中；该行未使用",
    "key.unknown_suggest": "客户编号不在客户表中；是否应为 {suggestions}？该行未使用",
    "param.unknown": "未知参数“{name}”已忽略；可用参数：{known}",
    "param.invalid": "{name}：{reason}；已使用默认值",
    "param.shares_order": "A类累计占比必须小于B类累计占比；已使用默认值 0.80 / 0.95",
    "param.weights_zero": "潜力权重之和为零；已使用默认值",
    "period.end_before_start": "期间无效：{end} 早于 {start}。请更正参数，或一次给出整个期间：--period 2026-03"
    "（kam.toml：period = \"2026-03\"）",
    "period.as_of_before_start": "期间无效：{as_of} 早于 {start}。请更正参数，或一次给出整个期间：--period 2026-03"
    "（kam.toml：period = \"2026-03\"）",
    "period.after_data": "期间内没有任何记录：{start} 晚于数据中的最后日期 {latest}（{as_of}）。请检查期间，"
    "或导出的数据是否已涵盖该期间",
    "period.from_data": "未设置期间开始，且记录自 {first} 开始，距 {end} 不足一年：本期自 {start} 开始，{which}，"
    "以便计算客户净贡献和应收账款周转天数。如需其他期间，请设置参数“期间开始”或使用 --period 2026-03",
    "option.invalid": "{option} {value} 无法使用：{reason}",
    "option.period_and_as_of": "--period {period} 与 --as-of {as_of} 都设定截止日期（--period 设为期间最后一天）："
    "只能给出其中一个",
    "analysis.no_invoices": "没有发票表：应收账款分析已跳过",
    "analysis.no_contacts": "没有联系记录表：客户关系分析已跳过",
    "activity.no_rate": "作业“{name}”在作业费率表中没有单位成本；其作业量成本在 {count} 行中按 0 计（显示第一行）",
    "invoice.no_terms": "{count} 张发票既无到期日也无客户账期天数；按开票日当日到期处理（显示第一行）",
    "potential.gg_correlated": ("复购次数与平均客单价相关（皮尔逊 r = {r}，超过 {limit}）：Gamma-Gamma "
                                "模型假定二者独立，预计客单价和客户终身价值请谨慎使用"),
    "potential.no_holdout": "未做样本外检验：截止日前 {months} 个月的数据中有购买或复购的客户太少",
    "potential.model_by_holdout": "按样本外检验（平均绝对误差越小越好）选用购买模型：{model}（{mae}）",
    "potential.model_failed": "{model} 模型拟合未收敛，未使用（无可用模型时按历史频率估算）",
    "potential.model_chosen": "按 AIC（越小越好）选用购买模型：{model}（{aic}）",
    "potential.bgnbd_skipped": "BG/NBD 模型未拟合：有购买的客户 {buyers} 家，复购客户 {repeaters} 家"
    "（至少需要 {min_buyers} 和 {min_repeaters} 家）；改用平均购买频率估算，活跃概率留空",
    "potential.gg_failed": "Gamma-Gamma 模型拟合未收敛；改用客户自身的平均单次金额",
    "potential.forecast_not_finite": ("购买模型未能为 {count} 家客户（首个：{cid}）给出有限的预测值：其预期购买次数和"
                                      "客户终身价值留空"),
    "potential.clv_no_margin": "{count} 家客户本期没有毛利率（无正的销售收入或缺少销售成本），客户终身价值留空",
    "industry.no_outlook": "以下行业没有行业增速：{industries}；留空",
    "trend.short": "趋势表只列示 {wanted} 个月（趋势月数）中的 {months} 个月：销售数据仅覆盖 {first} 起的月份",
    "previous.buckets": "上期汇总的最长逾期区间为 {theirs}，本期为 {ours}：该指标不作比较",
    "previous.currency": "上期汇总币种为 {theirs}，本期为 {ours}：不复核其建议措施",
    "previous.not_earlier": "上期汇总截止日为 {theirs}，并不早于本期（{ours}）：不复核其建议措施",
    "previous.other_customers": "上期汇总中没有本期的任何客户：应为其他账套，不复核其建议措施",
    "previous.unknown_actions": "上期汇总中有 {count} 条措施不是 kam-xl 的原文（可能被手工修改），未复核",
    "targets.period": ("期间无法识别：请填写月份（2026-03）、季度（2026Q1）、年份（2026）或起止日期（2026-01-01 .. "
                       "2026-03-31）；该行未使用"),
    "targets.no_key": "目标需要客户编号或客户经理；该行未使用",
    "targets.unknown_manager": "没有客户属于该客户经理；该行未使用",
    "targets.empty": "该行没有收入、毛利或回款目标；未使用",
    "targets.overlap": "该{measure}目标的期间与同一客户或客户经理之前的目标重叠：未使用",
    "targets.partial": "{rows} 行目标的期间超出本期或本年累计：不计入该区间，只计入完整包含它的区间",
    "table.empty": "该表没有数据行：需要它的分析已跳过（视同未提供）",
    "table.sales_empty": ("销售表没有数据行：取自该表的数字（销售收入、毛利、购买次数、潜力）均为 0 "
                          "或空白，并非实际结果。请填写销售表，或用参数“销售文件”指定明细文件"),
    "coverage.prior": "数据仅覆盖{which}（{start} 至 {end}）的 {share}（{table_name}自 {first} 起）；低于 "
    "{minimum}：{effect}留空。如记录自更早日期起即完整，请设置参数“数据起始日期”",
    "coverage.this": ("数据仅覆盖本期（{start} 至 {end}）的 {share}（{table_name}自 {first} "
                      "起）：本期收入、赊销和回款仅为已覆盖天数的金额"),
    "coverage.prior_declared": "数据仅覆盖{which}（{start} 至 {end}）的 {share}（{table_name}自数据起始日期 {first} "
    "起）；低于 {minimum}：{effect}留空",
    "coverage.opening_ar_declared": "数据起始日期为 {first}，{period}期初（{start}）的应收余额不在数据中：{period}的"
    "应收账款平均余额、应收账款周转率、应收账款周转天数、资金占用成本和客户净贡献留空",
    "coverage.opening_ar": "发票数据自 {first} "
    "开始，{period}期初（{start}）的应收余额不在数据中：{period}的应收账款平均余额、应收账款周转率、应收账款周转天数、资金占用成本和客户净贡献留空。如记录自更早日期起即完整，请设置参数“数据起始日期”",
}

# Words used inside messages.
WORDS = {
    "control.sales.lines": "销售明细读取行数",
    "control.sales.amount": "销售明细读取金额",
    "control.sales.net_revenue": "本期销售 = 客户盈利表销售收入",
    "control.sales.gross_profit": "本期毛利 = 客户盈利表毛利",
    "control.invoices.lines": "发票读取行数",
    "control.invoices.amount": "发票读取金额",
    "control.payments.lines": "收款读取行数",
    "control.payments.amount": "收款读取金额",
    "control.receivables.ledger": "账面应收 = 应收账款表余额",
    "control.receivables.aging": "应收余额 = 各账龄区间之和",
    "control.provision.base": "应收余额 = 坏账准备计提基数 + 贷方余额",
    "control.export.totals": "导出合计行 = 其上明细之和",
    "control.fx.converted": "折算金额 = 原币 × 汇率",
    "date formats": "2026-03-05、2026/3/5、2026年3月5日、20260305、5-Mar-2026、Mar 5, 2026、"
                    "13/03/2026 或 03/13/2026（该列能看出哪一部分是日时）",
    "measure.Revenue": "销售收入",
    "measure.GrossProfit": "毛利",
    "measure.Collections": "回款",
    "number": "数字",
    "date": "日期",
    "text": "文本",
    "id": "编号",
    "rate of each line's date": "各行日期的汇率",
    "closing rate of AsOfDate": "截止日期的期末汇率",
    "row not used": "该行未使用",
    "cell not used": "该单元格未使用",
    "this period": "本期",
    "the prior period": "上期",
    "the same period last year": "上年同期",
    "leading zeros": "前导零",
    "full-width characters": "全角字符",
    "case": "大小写",
    "effect.cogs": "毛利、毛利率、客户净贡献和客户终身价值留空（不会按零成本计算）",
    "dup.invoice_row.short": "与前面某行相同的发票行（不重复计入）",
    "dup.invoice_customers.short": "同时用于其他客户的发票号",
    "dup.payment_row.short": "与前面某行相同的收款（已使用）",
    "dup.sales_line.short": "与同一单据前面某行相同的销售明细（已使用）",
    "dup.document_reused.short": "同时用于其他客户或其他日期的单据号（已使用；读作单据号的那一列是否确为单据编号？）",
    "effect.credit_limit": "信用额度使用率和超额度检查留空",
    "effect.terms": "无到期日的发票按开票日当日到期处理",
    "effect.wallet": "可争取采购额留空",
    "effect.document": "同一客户同一天的销售行计为一张单据",
    "effect.industry": "按行业细分及行业增速留空",
    "effect.account_manager": "无法按客户经理拆分报告",
    "effect.satisfaction": "平均满意度留空",
    "effect.direct_cost": "服务成本仅计作业量成本",
    "effect.driver": "服务成本仅计直接费用",
    "effect.prior_revenue": "上期收入、收入增长率及相关关键指标变动",
    "effect.prior_ar": "上期赊销额、应收账款平均余额、应收账款周转率、应收账款周转天数、资金占用成本和客户净贡献",
    "effect.prior_ar_balances": "上期应收余额（期末余额、账龄、逾期占比）、赊销额、应收账款平均余额、应收账款周转率、"
    "应收账款周转天数、资金占用成本和客户净贡献",
    "effect.last_year_revenue": "上年同期收入、利润及据此计算的同比变动",
    "effect.last_year_ar": ("上年同期赊销额、应收账款平均余额、应收账款周转率、应收账款周转天数、资金占用成本和客户净"
                            "贡献"),
    "effect.last_year_ar_balances": "上年同期应收余额（期末余额、账龄、逾期占比）、赊销额、应收账款平均余额、"
    "应收账款周转率、应收账款周转天数、资金占用成本和客户净贡献",
    "reason.not_understood": "无法识别",
    "reason.fraction": "必须是 0 到 1 之间的比例，如 0.8 或 80%",
    "reason.months": "必须是 1 到 120 之间的整数月数",
    "reason.follow_up_levels": "必须是五个递增的整数天数，如 1,15,30,60,90（提醒、电话、客户经理、停止发货、法务）",
    "reason.aging_basis": "必须是 DueDate（到期日）或 InvoiceDate（开票日期）",
    "reason.provision_in_net_profit": "必须是 TRUE 或 FALSE（是或否）",
    "reason.purchase_model": "必须是 BGNBD、ParetoNBD 或 Auto（自动）",
    "reason.average_ar_method": "必须是 OpeningClosing（期初期末）或 MonthEnd（月末）",
    "reason.buckets": "必须是递增的整数天数，如 30,60,90",
    "reason.basis": "必须是 NetRevenue、GrossProfit 或 NetProfit 之一",
    "reason.language": "必须是 en 或 zh-CN",
    "reason.currency": "必须是三位字母的币种代码，如 CNY",
    "reason.weights": "应为“CLV 0.4, Growth 0.2, Industry 0.15, Wallet 0.15, Alive 0.1”"
    "或“客户终身价值 0.4, 收入增长 0.2, 行业增速 0.15, 可争取采购额 0.15, 活跃概率 0.1”这样的成对数值",
    "reason.cadence": "应为“A 30, B 60, C 90”这样的成对数值",
    "reason.date": "必须是日期，如 2026-03-31",
    "reason.option_date": "不是有效日期；请写作 2026-03-31（或 2026/3/31、2026年3月31日、20260331）",
    "reason.period": "不是有效期间；请写月份（2026-03）、季度（2026Q1）、年度（2026）或区间（2026-01..2026-03、"
    "2026-01-01..2026-03-31）",
    "param.blank": "未填",
    "param.by_default": "默认",
    "period.first_month": "即数据完整覆盖且期初应收余额已知的第一个月",
    "period.first_record": "即第一条记录的日期（尚无期初应收余额已知的完整月份）",
    "reason.unknown": "未知参数",
}


# ---- 管理层摘要：kam_xl.domain.summary.commentary_facts 的每条事实一句话 ----------------------------------

def money(value: float, currency: str) -> str:
    """465.43元；1万以上用万元（1.2万元），1亿以上用亿元（3.45亿元）。"""
    unit = "元" if currency == "CNY" else f" {currency}"
    size = abs(value)
    if size >= 1e8:
        return f"{value / 1e8:,.2f}亿{unit}"
    if size >= 1e4:
        return f"{value / 1e4:,.1f}万{unit}"
    return f"{value:,.2f}{unit}"


def _margin(f: dict, pct) -> str:
    trend = "" if f["points"] is None else \
        f"，较上期{'上升' if f['points'] >= 0 else '下降'}{abs(f['points']):.1f}个百分点"
    net = "" if f["net_margin"] is None else f"；扣除服务成本和资金占用成本后净贡献率{pct(f['net_margin'])}"
    return f"毛利率{pct(f['gross_margin'])}{trend}{net}。"


SENTENCES = {
    "revenue.prior_not_covered": lambda f, m, p: f"本期销售收入{m(f['revenue'])}；数据未覆盖上期，不作比较。",
    "revenue.change": lambda f, m, p: f"本期销售收入{m(f['revenue'])}，较上期{'增长' if f['change'] >= 0 else '下降'}"
                                      f"{p(abs(f['change']))}。",
    "revenue.no_prior_revenue": lambda f, m, p: f"本期销售收入{m(f['revenue'])}，上期无收入可比。",
    "actions.review": lambda f, m, p: f"上期给出建议措施的{f['customers']}家客户中，{f['all']}家各项目标指标均改善，"
                                      f"{f['some']}家部分改善，{f['none']}家未改善"
                                      + (f"，{f['unknown']}家暂无法判断。" if f["unknown"] else "。"),
    "targets": lambda f, m, p: f"销售收入目标达成率{p(f['attainment'])}"
                               + (f"；{int(f['below'])}家A类客户达成率低于{p(f['threshold'])}。"
                                  if f["below"] else "。"),
    "margin": lambda f, m, p: _margin(f, p),
    "profit.not_totalled": lambda f, m, p: f"有{f['customers']}家客户缺少销售成本，"
                                           "毛利和客户净贡献不予汇总（见数据质量表）。",
    "concentration": lambda f, m, p: f"客户集中度：第一大客户占收入{p(f['top1'])}，前五大占{p(f['top5'])}，"
                                     f"HHI为{f['hhi']:,.0f}。",
    "loss_makers": lambda f, m, p: f"{f['customers']}家客户扣除服务成本和资金占用成本后亏损，"
                                   f"合计{m(f['total'])}；亏损最多的是{f['worst']}（{m(f['worst_loss'])}）。",
    "no_loss_makers": lambda f, m, p: "扣除服务成本和资金占用成本后没有亏损客户。",
    "receivables": lambda f, m, p: f"期末应收账款{m(f['closing'])}，应收账款周转天数{days(f['dso'])}天，"
                                   f"逾期占比{p(f['overdue'])}，最长逾期区间余额{m(f['oldest'])}。",
    "over_limit": lambda f, m, p: f"{f['customers']:.0f}家客户超出信用额度。",
    "churn": lambda f, m, p: f"{f['customers']:.0f}家A/B类客户活跃概率低于50%，需要关注流失风险。",
    "tiers": lambda f, m, p: f"本期A类客户{f['a']:.0f}家、B类{f['b']:.0f}家、C类{f['c']:.0f}家。",
}



def built(customers: int, errors: int, warnings: int) -> str:
    """`kam-xl build` 写出汇总后的说明。"""
    return f"{customers} 家客户，错误 {errors} 条，警告 {warnings} 条"


# `kam-xl build` 对每个输入文件的一行：结果，以及失败时的说明。
RUN = {"ok": "完成", "rejected": "完成，有行被拒收", "failed": "失败", "nothing": "未写出任何文件", "error": "错误：",
       "refreshed": "已刷新", "backup": "；备份 {name}"}


def counts(errors: int, warnings: int, notes: int) -> str:
    """`kam-xl validate` 的最后一行。"""
    return f"错误 {errors} 条，警告 {warnings} 条，提示 {notes} 条"


# 从数据库或 Spark 读取的表（kam_xl.inputs.database）：每种失败只说一行，写明表和主机，
# 从不显示驱动的原文（可能含密码）。
UI.update({
    "db.unreachable": "{table}：无法连接 {host}（{where}）；请检查主机、端口和网络",
    "db.login": "{table}：{host} 拒绝登录（{where}）；请检查用户名和 KAM_XL_DB_PASSWORD（或 .pgpass）",
    "db.no_table": "{table}：{host} 上没有这张表（{where}）；请检查 kam.toml 中的 table、query 或 parquet",
    "db.no_column": "{table}：{host} 上的 {where} 中找不到 {column} 列；请在 kam.toml 该表的 map 中指明",
    "db.query": "{table}：{host} 上的查询失败（{where}）；请检查 kam.toml 中的 table、query 和 map",
    "db.permission": "{table}：{host} 不允许该用户读取（{where}）；请申请该表的 SELECT 权限",
})
