"""The output half of the contract (docs/CONTRACT.md): output tables, their columns in order and how each
column reads (money, share, days...); the KPI and risk measures and the output sheets."""
from __future__ import annotations


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
