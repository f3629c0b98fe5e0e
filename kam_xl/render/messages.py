"""Every data-quality message in English and Chinese (zh-CN).

A finding is stored as a key and its values; it is put into words only when
it is shown, in the language of the summary (``--lang``, the Language
parameter, or the language of the input's own headers). ``{col}`` in a
template is the user's own header of the column when it is known.
"""
from __future__ import annotations

# key: (English, 中文)
MESSAGES: dict[str, tuple[str, str]] = {
    # Tables and headers
    "table.required_missing": (
        "Required table {names} not found (as an Excel Table or a sheet); sheets in the file: {sheets}",
        "未找到必需的表 {names}（Excel 表格或工作表）；文件中的工作表：{sheets}"),
    "table.optional_missing": (
        "No {names} table; analyses that need it are skipped",
        "没有 {names} 表；需要它的分析已跳过"),
    "table.columns_missing": (
        "{table_name} (sheet '{sheet}') lacks required column(s) {names}; found headers: {found}; table not used",
        "{table_name}（工作表“{sheet}”）缺少必需的列 {names}；找到的表头：{found}；该表未使用"),
    "table.rows_below": (
        "Rows {first}-{last} below the Excel Table '{name}' were read as part of it; "
        "extend the table to include them (Excel: Table Design > Resize Table)",
        "Excel 表格“{name}”下方的第 {first}-{last} 行已作为表格数据读取；"
        "请将表格范围扩展到这些行（Excel：表设计 > 调整表格大小）"),
    "table.title_rows": (
        "Row(s) {rows} above the header ({header_row}) skipped as a title",
        "表头（第 {header_row} 行）上方的第 {rows} 行视为标题，已跳过"),
    "column.optional_missing": (
        "No column {names}: {effect}",
        "没有 {names} 列：{effect}"),
    "column.all_blank": ("Column {names} is empty: {effect}", "{names} 列全部为空：{effect}"),
    "column.near_miss": (
        "No column {names}: {effect}. Did you mean the header '{found}'? Rename it to {canonical} to use it",
        "没有 {names} 列：{effect}。表头“{found}”是否就是这一列？请改名为 {canonical} 以便使用"),
    # Cells and rows
    "cell.required_error": ("{col}: error value; row not used", "{col}：单元格为错误值；该行未使用"),
    "cell.required_invalid": ("{col}: not a valid {kind}; row not used", "{col}：不是有效的{kind}；该行未使用"),
    "cell.required_blank": ("{col} is blank; row not used", "{col}为空；该行未使用"),
    "cell.optional_invalid": ("{col} not understood; cell not used", "{col}无法识别；该单元格未使用"),
    "cell.optional_error": ("{col}: error value; cell not used", "{col}：单元格为错误值；该单元格未使用"),
    "cell.date_formats": (
        "{col}: not a date kam-xl understands ({formats}); {effect}",
        "{col}：无法识别的日期（可用格式：{formats}）；{effect}"),
    "cell.date_ambiguous": (
        "{col}: day and month cannot be told apart in this column (e.g. 03/04/2026); "
        "write dates as 2026-04-03; {effect}",
        "{col}：此列中日与月无法区分（如 03/04/2026）；请写成 2026-04-03 的格式；{effect}"),
    "cell.below_minimum": ("{col} must be {minimum} or more; cell not used", "{col}必须大于或等于 {minimum}；该单元格未使用"),
    "cell.above_maximum": ("{col} must be {maximum} or less; cell not used", "{col}必须小于或等于 {maximum}；该单元格未使用"),
    "cell.not_whole": ("{col} must be a whole number; cell not used", "{col}必须是整数；该单元格未使用"),
    "cell.required_out_of_range": ("{col} must be {minimum} or more; row not used", "{col}必须大于或等于 {minimum}；该行未使用"),
    "cell.foreign_currency": (
        "{col}: amount in {currency}, not the reporting currency {reporting}, and no exchange rate; row not used",
        "{col}：金额为 {currency}，不是报告币种 {reporting}，且没有汇率；该行未使用"),
    "due_date.fallback": (
        "{col} not understood; InvoiceDate + customer's PaymentTermsDays used",
        "{col}无法识别；按开票日期加客户账期天数计算到期日"),
    "row.totals": (
        "Looks like a totals row (no key, or a word such as 合计/Total, with figures); not used",
        "疑似合计行（无编号，或含“合计/Total”等字样并有数字）；未使用"),
    "row.key_blank": ("{col} is blank; row not used", "{col}为空；该行未使用"),
    "cogs.blank": (
        "{col} is blank: this customer's gross profit, margins and net profit are left empty",
        "{col}为空：该客户的毛利、毛利率和净利润不予计算（留空）"),
    # Keys
    "key.duplicate": ("Duplicate CustomerID; first one (row {first}) kept, this row not used",
                      "客户编号重复；保留第一条（第 {first} 行），此行未使用"),
    "key.matched": ("CustomerID matched to '{cid}' ignoring {ignoring}", "客户编号按“{cid}”匹配（忽略{ignoring}）"),
    "key.unknown": ("CustomerID is not in Customers; row not used", "客户编号不在客户表中；该行未使用"),
    "key.unknown_suggest": ("CustomerID is not in Customers; did you mean {suggestions}? Row not used",
                            "客户编号不在客户表中；是否应为 {suggestions}？该行未使用"),
    # Parameters
    "param.unknown": ("Unknown parameter '{name}' ignored; known: {known}", "未知参数“{name}”已忽略；可用参数：{known}"),
    "param.invalid": ("{name}: {reason}; default used", "{name}：{reason}；已使用默认值"),
    "param.shares_order": ("ABCShareA must be below ABCShareB; defaults 0.80 / 0.95 used",
                           "A类累计占比必须小于B类累计占比；已使用默认值 0.80 / 0.95"),
    "param.period_order": ("PeriodStart is after PeriodEnd; default period used", "期间开始晚于期间结束；已使用默认期间"),
    "param.weights_zero": ("PotentialWeights sum to zero; defaults used", "潜力权重之和为零；已使用默认值"),
    # Analyses
    "analysis.no_invoices": ("No Invoices table: Receivables analysis skipped", "没有发票表：应收账款分析已跳过"),
    "analysis.no_contacts": ("No Contacts table: Relationship analysis skipped", "没有联系记录表：客户关系分析已跳过"),
    "activity.no_rate": (
        "Activity '{name}' has no rate in ActivityRates; its driver cost is counted as 0 on {count} row(s) (first shown)",
        "作业“{name}”在作业费率表中没有单位成本；其作业量成本在 {count} 行中按 0 计（显示第一行）"),
    "invoice.no_terms": (
        "{count} invoice(s) have neither DueDate nor customer PaymentTermsDays; treated as due on the invoice date "
        "(first row shown)",
        "{count} 张发票既无到期日也无客户账期天数；按开票日当日到期处理（显示第一行）"),
    "potential.bgnbd_failed": ("BG/NBD fit did not converge; run-rate estimate used instead",
                               "BG/NBD 模型拟合未收敛；改用平均购买频率估算"),
    "potential.bgnbd_skipped": (
        "BG/NBD not fitted: {buyers} buying customers, {repeaters} repeat buyers (needs {min_buyers} and "
        "{min_repeaters}); run-rate estimate used, PAlive left empty",
        "BG/NBD 模型未拟合：有购买的客户 {buyers} 家，复购客户 {repeaters} 家（至少需要 {min_buyers} 和 "
        "{min_repeaters} 家）；改用平均购买频率估算，活跃概率留空"),
    "potential.gg_failed": ("Gamma-Gamma fit did not converge; customers' own mean order value used",
                            "Gamma-Gamma 模型拟合未收敛；改用客户自身的平均单次金额"),
    "potential.clv_no_margin": (
        "CLV left empty for {count} customer(s) without a gross margin in the period "
        "(no positive NetRevenue, or COGS missing)",
        "{count} 家客户本期没有毛利率（无正的销售收入或缺少销售成本），客户终身价值留空"),
    "industry.no_outlook": ("No GrowthOutlook for industry: {industries}; left empty",
                            "以下行业没有行业增速：{industries}；留空"),
    "coverage.prior": (
        "The data cover {share} of the prior period {start} - {end} ({table_name} from {first}); below {minimum}: "
        "{effect} left empty. Set the DataStart parameter if your records are complete from an earlier date",
        "数据仅覆盖上期（{start} 至 {end}）的 {share}（{table_name}自 {first} 起）；低于 {minimum}："
        "{effect}留空。如记录自更早日期起即完整，请设置参数“数据起始日期”"),
    "coverage.this": (
        "The data cover only {share} of this period {start} - {end} ({table_name} from {first}): its flows "
        "(revenue, credit sales, collections) are for the days covered",
        "数据仅覆盖本期（{start} 至 {end}）的 {share}（{table_name}自 {first} 起）：本期收入、赊销和回款仅为已覆盖天数的金额"),
    "coverage.opening_ar": (
        "The invoices begin on {first}, so the receivables owed at the start of {period} ({start}) are not in the "
        "data: AverageAR, ARTurnover, DSO, FinancingCost and NetProfit are left empty for {period}. Set the "
        "DataStart parameter if your records are complete from an earlier date",
        "发票数据自 {first} 开始，{period}期初（{start}）的应收余额不在数据中：{period}的平均应收、应收账款周转率、"
        "应收周转天数、资金占用成本和净利润留空。如记录自更早日期起即完整，请设置参数“数据起始日期”"),
}

# Words used inside messages.
WORDS: dict[str, tuple[str, str]] = {
    "number": ("number", "数字"), "date": ("date", "日期"), "text": ("text", "文本"), "id": ("ID", "编号"),
    "row not used": ("row not used", "该行未使用"), "cell not used": ("cell not used", "该单元格未使用"),
    "this period": ("this period", "本期"), "the prior period": ("the prior period", "上期"),
    "leading zeros": ("leading zeros", "前导零"), "full-width characters": ("full-width characters", "全角字符"),
    "case": ("upper/lower case", "大小写"),
    "effect.cogs": ("GrossProfit, margins, NetProfit and CLV are left empty (not computed as if goods cost nothing)",
                    "毛利、毛利率、净利润和客户终身价值留空（不会按零成本计算）"),
    "effect.credit_limit": ("CreditUtilization and over-limit checks are left empty", "信用额度使用率和超额度检查留空"),
    "effect.terms": ("invoices without a DueDate are treated as due on the invoice date",
                     "无到期日的发票按开票日当日到期处理"),
    "effect.wallet": ("WalletHeadroom is left empty", "钱包空间留空"),
    "effect.document": ("each customer's lines on one day count as one purchase document",
                        "同一客户同一天的销售行计为一张单据"),
    "effect.industry": ("segments by industry and industry growth are left empty", "按行业细分及行业增速留空"),
    "effect.account_manager": ("reports cannot be split by account manager", "无法按客户经理拆分报告"),
    "effect.satisfaction": ("AvgSatisfaction is left empty", "平均满意度留空"),
    "effect.direct_cost": ("only driver costs count in CostToServe", "服务成本仅计作业量成本"),
    "effect.driver": ("only direct costs count in CostToServe", "服务成本仅计直接费用"),
    "effect.prior_revenue": ("prior-period revenue, GrowthRate and the KPI changes built on them",
                             "上期收入、收入增长率及相关关键指标变动"),
    "effect.prior_ar": ("prior-period receivables, DSO and overdue share", "上期应收、应收周转天数和逾期占比"),
    "reason.not_understood": ("not understood", "无法识别"),
    "reason.fraction": ("must be a fraction between 0 and 1, e.g. 0.8 or 80%", "必须是 0 到 1 之间的比例，如 0.8 或 80%"),
    "reason.months": ("must be a whole number of months from 1 to 120", "必须是 1 到 120 之间的整数月数"),
    "reason.buckets": ("must be increasing whole days, e.g. 30,60,90", "必须是递增的整数天数，如 30,60,90"),
    "reason.basis": ("must be one of NetRevenue, GrossProfit, NetProfit", "必须是 NetRevenue、GrossProfit 或 NetProfit 之一"),
    "reason.language": ("must be en or zh-CN", "必须是 en 或 zh-CN"),
    "reason.currency": ("must be a three-letter currency code such as CNY", "必须是三位字母的币种代码，如 CNY"),
    "reason.weights": ("expected pairs such as 'CLV 0.4, Growth 0.2, Industry 0.15, Wallet 0.15, Alive 0.1'",
                       "应为“CLV 0.4, Growth 0.2, Industry 0.15, Wallet 0.15, Alive 0.1”这样的成对数值"),
    "reason.cadence": ("expected pairs such as 'A 30, B 60, C 90'", "应为“A 30, B 60, C 90”这样的成对数值"),
    "reason.date": ("must be a date such as 2026-03-31", "必须是日期，如 2026-03-31"),
    "reason.unknown": ("unknown parameter", "未知参数"),
}


def word(key: str, language: str) -> str:
    english, chinese = WORDS[key]
    return chinese if language == "zh-CN" else english


def render(key: str, language: str, values: dict) -> str:
    """The message ``key`` in ``language`` with ``values`` filled in; values
    that are themselves word keys (prefixed ``~``) are translated too."""
    english, chinese = MESSAGES[key]
    words = {k: word(v[1:], language) if isinstance(v, str) and v.startswith("~") else v for k, v in values.items()}
    return (chinese if language == "zh-CN" else english).format(**words)
