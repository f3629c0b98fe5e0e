"""The contract in one place (docs/CONTRACT.md): input tables, columns,
aliases and kinds; output tables, their columns in order and how each column
reads (money, share, days...); the KPI and risk measures and the output
sheets. Readers, writers, the macro, the template, the docs and the tests
take names from here.

Only names live here: parsing is in kam_xl.inputs.parsing, reading in
kam_xl.inputs.reader, display words in kam_xl.words.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass

ID, TEXT, NUMBER, DATE = "id", "text", "number", "date"


@dataclass(frozen=True)
class Column:
    name: str
    zh: str
    kind: str
    required: bool = False
    allow_blank: bool = False  # a required column whose cells may be blank
    minimum: float | None = None   # numbers below are an error (the cell is not used)
    maximum: float | None = None
    whole: bool = False            # counts of whole units (days)
    effect: str | None = None      # word key: what cannot be computed when the column is absent
    blank_key: str | None = None   # message key logged for each blank cell (figures built on it stay empty)


@dataclass(frozen=True)
class TableSpec:
    name: str
    zh: str
    columns: tuple[Column, ...]
    required: bool = False
    key: str | None = "CustomerID"

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


_CID = Column("CustomerID", "客户编号", ID, True)

TABLES: dict[str, TableSpec] = {t.name: t for t in (
    TableSpec("Customers", "客户", (
        _CID,
        Column("CustomerName", "客户名称", TEXT),
        Column("Industry", "行业", TEXT, effect="effect.industry"),
        Column("Size", "规模", TEXT),
        Column("Region", "地区", TEXT),
        Column("AccountManager", "客户经理", TEXT, effect="effect.account_manager"),
        Column("CreditLimit", "信用额度", NUMBER, minimum=0, effect="effect.credit_limit"),
        Column("PaymentTermsDays", "账期天数", NUMBER, minimum=0, whole=True, effect="effect.terms"),
        Column("EstimatedWallet", "预计年采购额", NUMBER, minimum=0, effect="effect.wallet"),
        # Last, so that scripts appending rows by position keep working: the customer's group (集团客户),
        # and a specific bad-debt provision (单项计提) for a customer in dispute or bankruptcy.
        Column("ParentID", "集团", ID),
        Column("SpecificProvisionRate", "单项计提比例", NUMBER, minimum=0, maximum=1),
        Column("SpecificProvisionAmount", "单项计提金额", NUMBER, minimum=0),
    ), required=True),
    TableSpec("Sales", "销售", (
        Column("Date", "日期", DATE, True),
        _CID,
        Column("DocumentNo", "单据号", ID, effect="effect.document"),
        Column("Product", "产品", TEXT),
        Column("Quantity", "数量", NUMBER),
        Column("NetRevenue", "销售收入", NUMBER, True),
        Column("COGS", "销售成本", NUMBER, effect="effect.cogs", blank_key="cogs.blank"),
        # Tax-inclusive amount (价税合计) and VAT rate: NetRevenue is derived from them when only they are given.
        Column("GrossAmount", "价税合计", NUMBER),
        Column("TaxRate", "税率", NUMBER, minimum=0, maximum=100),   # 0.13, 13 % or 13 (percent)
        Column("Currency", "币别", TEXT),   # of the amounts; blank = the reporting currency (FXRates convert)
    ), required=True),
    TableSpec("Invoices", "发票", (
        Column("InvoiceNo", "发票号", ID, True),
        _CID,
        Column("InvoiceDate", "开票日期", DATE, True),
        Column("DueDate", "到期日", DATE),
        Column("Amount", "金额", NUMBER, True),
        Column("Currency", "币别", TEXT),
    )),
    TableSpec("Payments", "收款", (
        Column("InvoiceNo", "发票号", ID),
        _CID,
        Column("PaymentDate", "收款日期", DATE, True),
        Column("Amount", "金额", NUMBER, True),
        Column("Currency", "币别", TEXT),
    )),
    TableSpec("Activities", "服务作业", (
        Column("Date", "日期", DATE, True),
        _CID,
        Column("Activity", "作业", TEXT, True),
        Column("DriverQuantity", "作业量", NUMBER, minimum=0, effect="effect.driver"),
        Column("DirectCost", "直接费用", NUMBER, effect="effect.direct_cost"),
    )),
    TableSpec("ActivityRates", "作业费率", (
        Column("Activity", "作业", TEXT, True),
        Column("Rate", "单位成本", NUMBER, True, minimum=0),
    ), key="Activity"),
    TableSpec("Contacts", "联系记录", (
        Column("Date", "日期", DATE, True),
        _CID,
        Column("Channel", "方式", TEXT),
        Column("Owner", "负责人", TEXT),
        Column("Satisfaction", "满意度", NUMBER, minimum=1, maximum=5, effect="effect.satisfaction"),
        Column("Feedback", "反馈", TEXT),
        Column("NextFollowUp", "下次跟进日期", DATE),
    )),
    TableSpec("IndustryOutlook", "行业前景", (
        Column("Industry", "行业", TEXT, True),
        Column("GrowthOutlook", "行业增速", NUMBER, True),
    ), key="Industry"),
    # The bad-debt provision policy (账龄组合): age bands FromDays..ToDays (days, inclusive; blank ToDays:
    # no limit) and their rates; a row with a CustomerID is that customer's specific provision (单项计提),
    # a Rate or an Amount.
    TableSpec("ProvisionRates", "坏账计提比例", (
        Column("Band", "账龄区间", TEXT),
        Column("FromDays", "起始天数", NUMBER, minimum=0, whole=True),
        Column("ToDays", "截至天数", NUMBER, minimum=0, whole=True),
        Column("Rate", "计提比例", NUMBER, True, allow_blank=True, minimum=0, maximum=1),
        Column("CustomerID", "客户编号", ID),
        Column("Amount", "单项计提金额", NUMBER, minimum=0),
    ), key=None),
    # Targets (目标): per customer or account manager, per month, quarter, year or date range.
    TableSpec("Targets", "目标", (
        Column("CustomerID", "客户编号", ID),
        Column("AccountManager", "客户经理", TEXT),
        Column("Period", "期间", TEXT, True),
        Column("Revenue", "收入目标", NUMBER),
        Column("GrossProfit", "毛利目标", NUMBER),
        Column("Collections", "回款目标", NUMBER),
    ), key=None),
    # Exchange rates: units of the reporting currency per unit of Currency, from Date until the next rate.
    TableSpec("FXRates", "汇率", (
        Column("Date", "日期", DATE, True),
        Column("Currency", "币别", TEXT, True),
        Column("Rate", "汇率", NUMBER, True, minimum=0),
    ), key="Currency"),
    TableSpec("Parameters", "参数", (
        Column("Parameter", "参数", TEXT, True),
        Column("Value", "值", TEXT, True, allow_blank=True),
    ), key="Parameter"),
    # Which of the user's sheets and headers feed which contract table and column (docs/IMPORT.md).
    TableSpec("ColumnMap", "列映射", (
        Column("Table", "表", TEXT, True),
        Column("SourceSheet", "来源工作表", TEXT),
        Column("SourceColumn", "来源列", TEXT),
        Column("Column", "列", TEXT),
    ), key="Table"),
)}

INPUT_TABLES = tuple(TABLES)


def normalize_name(name: object) -> str:
    """Matching key for table and column names: NFKC (full-width to ASCII),
    case-folded, without spaces or underscores."""
    text = unicodedata.normalize("NFKC", str(name or ""))
    return "".join(ch for ch in text.casefold() if not ch.isspace() and ch != "_")


def table_aliases(spec: TableSpec) -> set[str]:
    return {normalize_name(spec.name), normalize_name(spec.zh)}


def column_aliases(column: Column) -> set[str]:
    return {normalize_name(column.name), normalize_name(column.zh)}


def accepted_names(spec: TableSpec, column: Column | None = None) -> str:
    """Human text listing accepted names, for error messages."""
    if column is None:
        return f"'{spec.name}' / '{spec.zh}'"
    return f"'{column.name}' / '{column.zh}'"


# Tables that may come from CSV or Parquet files beside the workbook (beyond Excel's row limit),
# named by the parameters SalesFile, InvoicesFile, PaymentsFile (销售文件, 发票文件, 收款文件).
EXTERNAL_TABLES = ("Sales", "Invoices", "Payments")


def file_parameters() -> dict[str, str]:
    """Matching key of each file parameter's name (English or Chinese) -> the table it replaces."""
    names = {normalize_name(f"{table}File"): table for table in EXTERNAL_TABLES}
    names.update({normalize_name(f"{TABLES[table].zh}文件"): table for table in EXTERNAL_TABLES})
    return names


# ---- Outputs ------------------------------------------------------------------------------

def bucket_names(buckets: tuple[int, ...]) -> list[str]:
    """['NotDue', 'Overdue1_30', 'Overdue31_60', 'Overdue61_90', 'Overdue90Plus'] for (30, 60, 90)."""
    names, low = ["NotDue"], 1
    for high in buckets:
        names.append(f"Overdue{low}_{high}")
        low = high + 1
    return names + [f"Overdue{buckets[-1]}Plus"]


def not_due_split(buckets: tuple[int, ...]) -> list[str]:
    """NotDue split by when it falls due: ['DueIn0_30', 'DueAfter30'] for (30, 60, 90)."""
    return [f"DueIn0_{buckets[0]}", f"DueAfter{buckets[0]}"]


def age_bucket_names(buckets: tuple[int, ...]) -> list[str]:
    """Ages from the invoice date: ['Age0_30', 'Age31_60', 'Age61_90', 'Age90Plus'] for (30, 60, 90)."""
    names, low = [], 0
    for high in buckets:
        names.append(f"Age{low}_{high}")
        low = high + 1
    return names + [f"Age{buckets[-1]}Plus"]


def shown_buckets(buckets: tuple[int, ...], basis: str = "DueDate") -> list[str]:
    """The aging columns of Receivables: by due date NotDue, its split and the
    overdue buckets; by invoice date the age buckets."""
    if basis == "InvoiceDate":
        return age_bucket_names(buckets)
    names = bucket_names(buckets)
    return [names[0], *not_due_split(buckets), *names[1:]]


# Who the customer is, carried from Customers into Classification (ParentID: its own ID when blank).
CUSTOMER_COLUMNS = ["CustomerName", "Industry", "Size", "Region", "AccountManager", "ParentID"]
CLASSIFICATION_COLUMNS = ["CustomerID", *CUSTOMER_COLUMNS,
                          "ABCBasisValue", "ABCShare", "ABCCumulativeShare", "ABCTier", "Recency", "Frequency",
                          "Monetary", "RScore", "FScore", "MScore", "RFMSegment", "PortfolioQuadrant"]
PROFITABILITY_COLUMNS = ["CustomerID", "CustomerName", "ParentID", "NetRevenue", "COGS", "GrossProfit", "GrossMarginPct", "CostToServe",
                         "FinancingCost", "NetProfit", "NetMarginPct", "ProfitRank"]


def profitability_columns(bad_debt: bool = False) -> list[str]:
    """Profitability's columns; with ProvisionInNetProfit, BadDebtCharge before NetProfit."""
    if not bad_debt:
        return PROFITABILITY_COLUMNS
    at = PROFITABILITY_COLUMNS.index("NetProfit")
    return [*PROFITABILITY_COLUMNS[:at], "BadDebtCharge", *PROFITABILITY_COLUMNS[at:]]
RELATIONSHIP_COLUMNS = ["CustomerID", "LastContact", "DaysSinceContact", "Contacts", "AvgSatisfaction",
                        "LatestFeedback", "NextFollowUp", "FollowUpOverdue", "CadenceDays", "CadenceBreached"]
POTENTIAL_COLUMNS = ["CustomerID", "Frequency", "RecencyDays", "AgeDays", "PAlive", "ExpectedPurchases",
                     "ExpectedOrderValue", "CLV", "GrowthRate", "IndustryGrowth", "WalletHeadroom",
                     "PotentialScore", "PotentialRank"]
STRATEGY_COLUMNS = ["CustomerID", "CustomerName", "PortfolioQuadrant", "RecommendedStrategy", "Actions", "CurrentEffortShare",
                    "SuggestedEffortShare"]


def receivables_columns(buckets: tuple[int, ...], basis: str = "DueDate") -> list[str]:
    return ["CustomerID", "CustomerName", "ParentID", "OpenBalance", *shown_buckets(buckets, basis), "OverdueShare", "CreditSales", "AverageAR",
            "ARTurnover", "DSO", "DSOCountback", "AvgDaysToPay", "AvgDaysLate", "CreditUtilization", "CreditRisk"]


SEGMENTS_COLUMNS = ["Dimension", "Segment", "Customers", "NetRevenue", "GrossProfit", "NetProfit", "RevenueShare",
                    "GrossMarginPct"]
# The bad-debt provision (坏账准备): per customer, and per customer and age band.
def provision_columns(bands: list[str]) -> list[str]:
    """Per customer: the receivable, one column per age band (its gross receivable), the allowance."""
    return ["CustomerID", "GrossReceivable", *bands, "Allowance", "NetReceivable", "CreditBalance", "Method",
            "PriorAllowance", "Charge"]


PROVISION_BANDS_COLUMNS = ["CustomerID", "Band", "FromDays", "ToDays", "Rate", "GrossReceivable", "Allowance"]
# The cash forecast of the open receivable: 13 weeks, then months; Later and Doubtful rows.
EXPECTED_RECEIPTS_COLUMNS = ["Bucket", "PeriodStart", "PeriodEnd", "Granularity", "Expected", "Invoices",
                             "PriorActual"]
# The chase list (催收清单): one row per invoice still open, as collection works them.
OPEN_ITEMS_COLUMNS = ["CustomerID", "CustomerName", "Owner", "InvoiceNo", "InvoiceDate", "DueDate",
                      "Amount", "OpenAmount", "DaysOverdue", "FollowUpLevel", "NextStep", "LastContact"]
# Open receivables in each original currency (books with foreign-currency invoices).
RECEIVABLES_BY_CURRENCY_COLUMNS = ["CustomerID", "Currency", "OpenBalanceOriginal", "ClosingRate", "OpenBalance"]
# Month by month (long form: one row per month and customer), and the monthly totals by dimension.
TREND_COLUMNS = ["Month", "CustomerID", "ABCTier", "Industry", "AccountManager", "Days", "NetRevenue", "GrossProfit",
                 "GrossMarginPct", "NetProfit", "Collections", "CreditSales", "ClosingAR", "AverageAR", "DSO"]
TREND_SUMMARY_COLUMNS = ["Dimension", "Segment", "Month", "Days", "NetRevenue", "GrossProfit", "GrossMarginPct",
                         "NetProfit", "Collections", "CreditSales", "ClosingAR", "AverageAR", "DSO", "NetRevenueMoM",
                         "NetRevenueYoY"]
# Targets met (达成率): per customer or account manager, window and measure.
ATTAINMENT_COLUMNS = ["Level", "Key", "Name", "Window", "Period", "Measure", "Target", "Actual", "Attainment",
                      "Variance"]
# Last period's actions reviewed: one row per customer and measure an action targeted.
ACTION_REVIEW_COLUMNS = ["CustomerID", "CustomerName", "PreviousTier", "Tier", "PreviousQuadrant", "Quadrant",
                         "PreviousActions", "Metric", "Before", "Now", "Improved"]
# The purchase models' holdout check (parameter HoldoutMonths).
MODEL_CHECK_COLUMNS = ["Model", "CalibrationFrequency", "Customers", "ActualPurchases", "PredictedPurchases"]
MODEL_FIT_COLUMNS = ["Model", "LogLikelihood", "AIC", "HoldoutActualTotal", "HoldoutPredictedTotal", "HoldoutMAE"]
# Customers by repeat purchases (7 = 7 or more): the data and the fitted purchase model.
REPEAT_DISTRIBUTION_COLUMNS = ["Model", "Frequency", "ActualCustomers", "ExpectedCustomers"]
WHALE_CURVE_COLUMNS = ["ProfitRank", "CustomerID", "CumulativeCustomerShare", "CumulativeProfitShare"]
# Customer groups (集团客户): the customers sharing a ParentID, one exposure.
def groups_columns(buckets: tuple[int, ...]) -> list[str]:
    return ["ParentID", "GroupName", "Customers", "NetRevenue", "GrossProfit", "NetProfit", "RevenueShare",
            "OpenBalance", "OverdueBalance", bucket_names(buckets)[-1], "CreditLimit", "CreditUtilization"]

# The month-end controls (核对): each total of the source records beside the same total of the summary.
CONTROLS_COLUMNS = ["Control", "Table", "Unit", "SourceTotal", "ReportTotal", "Difference", "Status", "Note"]
# Output sheets in workbook order, and the tables on each are in OUTPUT_TABLES.
OUTPUT_SHEETS = ("Dashboard", "Classification", "Profitability", "Trend", "Attainment", "ActionReview", "Receivables", "Collections", "Provision",
                 "Relationship",
                 "Potential", "Model", "Strategy", "Risk", "DataQuality", "Controls", "About")
OUTPUT_TABLES = ("Classification", "Segments", "Profitability", "WhaleCurve", "TrendSummary", "Trend", "Attainment",
                 "ActionReview", "Receivables", "ReceivablesByCurrency", "ExpectedReceipts", "OpenItems", "Provision",
                 "ProvisionBands", "Relationship", "Potential", "ModelParameters", "ModelFit", "ModelCheck", "RepeatDistribution",
                 "Strategy",
                 "RiskSummary", "Groups",
                 "KPIs", "DataQuality", "Controls", "About")

# How each output column reads (number format, alignment); a column not listed is text or a plain number.
COLUMN_KINDS = {
    **dict.fromkeys(["NetRevenue", "COGS", "GrossProfit", "CostToServe", "FinancingCost", "NetProfit",
                     "ABCBasisValue", "Monetary", "OpenBalance", "CreditSales", "AverageAR",
                     "ExpectedOrderValue", "CLV", "WalletHeadroom", "OverdueBalance", "CreditLimit", "Amount",
                     "OpenAmount", "GrossReceivable", "Allowance", "NetReceivable", "CreditBalance", "PriorAllowance",
                     "Charge", "BadDebtCharge", "Expected", "PriorActual", "Collections",
                     "ClosingAR", "Target", "Actual", "Variance", "SourceTotal", "ReportTotal", "Difference"],
                    "money"),
    **dict.fromkeys(["GrossMarginPct", "NetMarginPct", "OverdueShare", "CreditUtilization", "GrowthRate",
                     "IndustryGrowth", "RevenueShare", "ABCShare", "ABCCumulativeShare", "CumulativeCustomerShare",
                     "CumulativeProfitShare", "CurrentEffortShare", "SuggestedEffortShare", "ChangePct", "YoYChangePct", "NetRevenueMoM", "NetRevenueYoY", "Attainment",
                     "Rate"], "pct"),
    **dict.fromkeys(["DSO", "DSOCountback", "AvgDaysToPay", "AvgDaysLate"], "days"),
    # whole days: 59, not 59.0
    **dict.fromkeys(["Recency", "DaysSinceContact", "CadenceDays", "RecencyDays", "AgeDays"], "int"),
    **dict.fromkeys(["ARTurnover", "AvgSatisfaction", "ExpectedPurchases", "ActualPurchases", "PredictedPurchases",
                     "HoldoutActualTotal", "HoldoutPredictedTotal", "HoldoutMAE", "LogLikelihood", "AIC",
                     "ExpectedCustomers"], "ratio"),
    **dict.fromkeys(["Frequency", "RScore", "FScore", "MScore", "ProfitRank", "PotentialRank", "Contacts",
                     "Customers", "ActualCustomers", "CalibrationFrequency", "Row"], "int"),
    "PAlive": "prob", "PotentialScore": "score", "LastContact": "date", "NextFollowUp": "date",
    "PeriodStart": "date", "PeriodEnd": "date", "Invoices": "int", "Month": "month", "Days": "int",
    "InvoiceDate": "date", "DueDate": "date", "DaysOverdue": "int", "FollowUpLevel": "int", "FromDays": "int", "ToDays": "int",
    "FollowUpOverdue": "bool", "CadenceBreached": "bool", "Improved": "bool",
}
# Row-wise kinds for tables whose rows are different measures; KPIs in the order shown.
KPI_KINDS = {"ActiveCustomers": "int", "NetRevenue": "money", "GrossProfit": "money", "GrossMarginPct": "pct",
             "NetProfit": "money", "NetMarginPct": "pct", "ClosingAR": "money", "DSO": "days",
             "OverdueShare": "pct", "Top5Share": "pct", "TierACustomers": "int", "TierBCustomers": "int",
             "TierCCustomers": "int", "LossMakingCustomers": "int"}
METRIC_KINDS = {"Top1Share": "pct", "Top5Share": "pct", "Top10Share": "pct", "HHI": "int",
                "GroupTop1Share": "pct", "GroupTop5Share": "pct", "GroupHHI": "int",
                "Overdue90PlusBalance": "money", "CustomersOverLimit": "int", "LossMakingCustomers": "int",
                "LossMakingNetProfit": "money", "ChurnRiskCustomers": "int"}
KPI_ORDER = list(KPI_KINDS)
# With Targets, the period's attainment (Σ actual / Σ target) follows, without prior figures.
ATTAINMENT_KPIS = {"RevenueAttainment": "Revenue", "GrossProfitAttainment": "GrossProfit",
                   "CollectionsAttainment": "Collections"}
KPI_KINDS.update(dict.fromkeys(ATTAINMENT_KPIS, "pct"))
# KPIs that are ratios (their change is in percentage points, not percent).
RATIO_KPIS = {"GrossMarginPct", "NetMarginPct", "OverdueShare", "Top5Share", *ATTAINMENT_KPIS}
