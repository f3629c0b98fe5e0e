"""The output half of the contract (docs/CONTRACT.md): every output table, declared once as an
:class:`OutputTable` of :class:`OutputColumn` s in workbook order; each column with how it reads (money, share,
days...) and, where it has one, its live formula, its total above the header, its highlight and its width. The
layout (kam_xl.render.layout), the results reader and docs/CONTRACT.md read these specs; the names other modules
import (PROFITABILITY_COLUMNS, COLUMN_KINDS, KPI_KINDS...) are views of them.

Formula templates name canonical columns: ``{GrossProfit}`` is this row's cell of that column, ``{col:NetRevenue}``
the whole column, ``{Trend:Month}`` another table's column, ``{PeriodDays}`` a defined name; ``{@aging}`` is a
slot the layout fills from the parameters (see kam_xl.render.layout.formula_slots), and a formula whose slot has
no value in a book is not live there (its cells are values).
"""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace

# How a column reads (its number format and alignment); a column without a kind is text or a plain number.
MONEY, PCT, DAYS, INT, RATIO, PROB, SCORE, DATE, MONTH, BOOL = (
    "money", "pct", "days", "int", "ratio", "prob", "score", "date", "month", "bool")


@dataclass(frozen=True)
class OutputColumn:
    name: str
    kind: str | None = None
    formula: str | None = None     # live formula template (module docstring); the values are written beside it
    total: bool = False            # summed in the totals row above the header (SUBTOTAL: follows filters)
    highlight: str | None = None   # conditional format rule: tier, negative, heat, risk, over_one, bar...
    width: int | None = None       # character width of a text column (16 when not given)
    wrap: bool = False             # long text wraps in its column instead of running on or being cut off
    named_by: str | None = None    # stands for the columns a parameter names (none, one or several): see expand()
    source: str | None = None      # the input table whose column it carries as is
    optional: bool = False         # written only when a parameter asks for it (the table's ``about`` says which)
    holds: str | None = None       # "measure": measure keys shown in words; "column": output column names


@dataclass(frozen=True)
class OutputTable:
    name: str
    columns: tuple[OutputColumn, ...]
    about: str = ""                # when it is written and what a row is (docs/CONTRACT.md)
    measures: dict[str, str] | None = None   # a table of measures: each row's kind, rows in this order
    workbook: bool = True          # False: in the Python results only

    def expand(self, runs: dict[str, list[str]] | None = None, optional: Collection[str] = ()) -> list[OutputColumn]:
        """The columns as written: a ``named_by`` column replaced by the columns ``runs`` names for it
        (none when it names none), each with its kind, total and highlight; the optional columns named in
        ``optional``."""
        runs = runs or {}
        return [replace(c, name=name, named_by=None) if c.named_by else c
                for c in self.columns if not c.optional or c.name in optional
                for name in (runs.get(c.name, []) if c.named_by else [c.name])]

    def names(self, runs: dict[str, list[str]] | None = None, optional: Collection[str] = ()) -> list[str]:
        return [c.name for c in self.expand(runs, optional)]


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


def aging_runs(buckets: tuple[int, ...], basis: str = "DueDate") -> dict[str, list[str]]:
    """The columns AgingBuckets and AgingBasis name (OutputTable.expand): Receivables' buckets not yet
    overdue (NotDue and its split; by invoice date the first age) and the later ones, Groups' oldest."""
    shown = shown_buckets(buckets, basis)
    current = 1 if basis == "InvoiceDate" else 1 + len(not_due_split(buckets))
    return {"CurrentBuckets": shown[:current], "LaterBuckets": shown[current:],
            "OldestBucket": bucket_names(buckets)[-1:]}


# The dimensions Segments totals by (columns of Customers), and those the monthly totals of Trend are by
# (columns of Classification).
SEGMENT_DIMENSIONS = ("Industry", "Size", "Region")
TREND_DIMENSIONS = ("ABCTier", "Industry", "AccountManager")


def _column_sum(measure: str) -> str:
    """A monthly total of Trend as live SUMIFS: the month's rows of the row's segment ({@trend_rows}); empty
    when any of those rows is."""
    return (f'IF(COUNTIFS({{@trend_rows}})=COUNTIFS({{@trend_rows}},{{Trend:{measure}}},"<>"),'
            f'SUMIFS({{Trend:{measure}}},{{@trend_rows}}),"")')


_CID = OutputColumn("CustomerID")
_NAME = OutputColumn("CustomerName", width=30)
_SEGMENT = OutputColumn("Segment", width=20)
_MARGIN = 'IF(AND(ISNUMBER({GrossProfit}),{NetRevenue}>0),{GrossProfit}/{NetRevenue},"")'
_TREND_MONEY = ("NetRevenue", "GrossProfit", "NetProfit", "Collections", "CreditSales", "ClosingAR", "AverageAR")


def _trend_measures(live: bool) -> tuple[OutputColumn, ...]:
    """The month's figures of Trend (per customer) and TrendSummary (per segment: live sums)."""
    def money(name: str) -> OutputColumn:
        return OutputColumn(name, MONEY, formula=_column_sum(name) if live else None)
    return (OutputColumn("Days", INT), money("NetRevenue"), money("GrossProfit"),
            OutputColumn("GrossMarginPct", PCT, formula='IF(AND(ISNUMBER({GrossProfit}),N({NetRevenue})>0),'
                         '{GrossProfit}/{NetRevenue},"")' if live else None),
            *(money(m) for m in _TREND_MONEY[2:]),
            OutputColumn("DSO", DAYS, formula='IF(AND(ISNUMBER({AverageAR}),N({CreditSales})>0),'
                         '{Days}*{AverageAR}/{CreditSales},"")' if live else None))


# Row-wise kinds for tables whose rows are different measures; KPIs in the order shown.
KPI_KINDS = {"ActiveCustomers": INT, "NetRevenue": MONEY, "GrossProfit": MONEY, "GrossMarginPct": PCT,
             "NetProfit": MONEY, "NetMarginPct": PCT, "ClosingAR": MONEY, "DSO": DAYS,
             "OverdueShare": PCT, "Top5Share": PCT, "TierACustomers": INT, "TierBCustomers": INT,
             "TierCCustomers": INT, "LossMakingCustomers": INT}
METRIC_KINDS = {"Top1Share": PCT, "Top5Share": PCT, "Top10Share": PCT, "HHI": INT,
                "GroupTop1Share": PCT, "GroupTop5Share": PCT, "GroupHHI": INT,
                "Overdue90PlusBalance": MONEY, "CustomersOverLimit": INT, "LossMakingCustomers": INT,
                "LossMakingNetProfit": MONEY, "ChurnRiskCustomers": INT}
KPI_ORDER = list(KPI_KINDS)
# With Targets, the period's attainment (Σ actual / Σ target) follows, without prior figures.
ATTAINMENT_KPIS = {"RevenueAttainment": "Revenue", "GrossProfitAttainment": "GrossProfit",
                   "CollectionsAttainment": "Collections"}
KPI_KINDS.update(dict.fromkeys(ATTAINMENT_KPIS, PCT))
# KPIs that are ratios (their change is in percentage points, not percent).
RATIO_KPIS = {"GrossMarginPct", "NetMarginPct", "OverdueShare", "Top5Share", *ATTAINMENT_KPIS}

OUTPUTS: dict[str, OutputTable] = {t.name: t for t in (
    OutputTable("Classification", (
        # Who the customer is, carried from Customers (ParentID: its own ID when blank): CUSTOMER_COLUMNS.
        _CID, replace(_NAME, source="Customers"),
        *(OutputColumn(c, source="Customers") for c in ("Industry", "Size", "Region", "AccountManager", "ParentID")),
        OutputColumn("ABCBasisValue", MONEY), OutputColumn("ABCShare", PCT), OutputColumn("ABCCumulativeShare", PCT),
        OutputColumn("ABCTier", highlight="tier"), OutputColumn("Recency", INT), OutputColumn("Frequency", INT),
        OutputColumn("Monetary", MONEY), OutputColumn("RScore", INT), OutputColumn("FScore", INT),
        OutputColumn("MScore", INT), OutputColumn("RFMSegment"), OutputColumn("PortfolioQuadrant"))),
    OutputTable("Segments", (
        OutputColumn("Dimension"), _SEGMENT, OutputColumn("Customers", INT), OutputColumn("NetRevenue", MONEY),
        OutputColumn("GrossProfit", MONEY), OutputColumn("NetProfit", MONEY),
        OutputColumn("RevenueShare", PCT, formula='IF(SUMIFS({col:NetRevenue},{col:Dimension},{Dimension})>0,'
                     '{NetRevenue}/SUMIFS({col:NetRevenue},{col:Dimension},{Dimension}),"")'),
        OutputColumn("GrossMarginPct", PCT, formula=_MARGIN)),
        about="one row per dimension and value; Dimension "
              f"{', '.join(SEGMENT_DIMENSIONS[:-1])} or {SEGMENT_DIMENSIONS[-1]}"),
    OutputTable("Profitability", (
        _CID, _NAME, OutputColumn("ParentID"), OutputColumn("NetRevenue", MONEY, total=True),
        OutputColumn("COGS", MONEY, total=True),
        OutputColumn("GrossProfit", MONEY, 'IF(ISNUMBER({COGS}),{NetRevenue}-{COGS},"")', total=True,
                     highlight="negative"),
        OutputColumn("GrossMarginPct", PCT, _MARGIN), OutputColumn("CostToServe", MONEY, total=True),
        OutputColumn("FinancingCost", MONEY, total=True),
        OutputColumn("BadDebtCharge", MONEY, total=True, optional=True),
        OutputColumn("NetProfit", MONEY, 'IF({@net_known},{GrossProfit}-{CostToServe}-{FinancingCost}{@bad_debt},"")',
                     total=True, highlight="negative"),
        OutputColumn("NetMarginPct", PCT, 'IF(AND(ISNUMBER({NetProfit}),{NetRevenue}>0),{NetProfit}/{NetRevenue},"")',
                     highlight="negative"),
        OutputColumn("ProfitRank", INT)),
        about="with ProvisionInNetProfit, BadDebtCharge before NetProfit"),
    OutputTable("WhaleCurve", (
        OutputColumn("ProfitRank", INT), _CID, OutputColumn("CumulativeCustomerShare", PCT),
        OutputColumn("CumulativeProfitShare", PCT)),
        about="by ProfitRank"),
    OutputTable("TrendSummary", (
        OutputColumn("Dimension"), _SEGMENT, OutputColumn("Month", MONTH), *_trend_measures(live=True),
        OutputColumn("NetRevenueMoM", PCT), OutputColumn("NetRevenueYoY", PCT)),
        about="the monthly totals, on the Trend sheet; Dimension Total, "
              f"{', '.join(TREND_DIMENSIONS[:-1])} or {TREND_DIMENSIONS[-1]}"),
    OutputTable("Trend", (
        OutputColumn("Month", MONTH), _CID, *(OutputColumn(d) for d in TREND_DIMENSIONS),
        *_trend_measures(live=False)),
        about="one row per customer and calendar month, on the Trend sheet"),
    OutputTable("Attainment", (
        OutputColumn("Level"), OutputColumn("Key"), OutputColumn("Name", width=30), OutputColumn("Window"),
        OutputColumn("Period", width=24), OutputColumn("Measure"), OutputColumn("Target", MONEY),
        OutputColumn("Actual", MONEY), OutputColumn("Attainment", PCT),
        OutputColumn("Variance", MONEY, highlight="negative")),
        about="目标达成, on the Attainment sheet; when Targets are given; split workbooks keep their manager's and "
              "customers' rows"),
    OutputTable("ActionReview", (
        _CID, _NAME, OutputColumn("PreviousTier"), OutputColumn("Tier"), OutputColumn("PreviousQuadrant"),
        OutputColumn("Quadrant"), OutputColumn("PreviousActions", width=50, wrap=True),
        OutputColumn("Metric", width=30, holds="column"), OutputColumn("Before"), OutputColumn("Now"),
        OutputColumn("Improved", BOOL)),
        about="措施复核, on the ActionReview sheet; with a previous summary"),
    OutputTable("Receivables", (
        _CID, _NAME, OutputColumn("ParentID"), OutputColumn("OpenBalance", MONEY, "{@aging}", total=True),
        OutputColumn("CurrentBuckets", MONEY, total=True, named_by="AgingBuckets"),
        OutputColumn("LaterBuckets", MONEY, total=True, highlight="heat", named_by="AgingBuckets"),
        OutputColumn("OverdueShare", PCT, 'IF({OpenBalance}>0,({@overdue})/{OpenBalance},"")'),
        OutputColumn("CreditSales", MONEY, total=True), OutputColumn("AverageAR", MONEY, total=True),
        OutputColumn("ARTurnover", RATIO, 'IF({AverageAR}>0,{CreditSales}/{AverageAR},"")'),
        OutputColumn("DSO", DAYS, 'IF(ISNUMBER({ARTurnover}),IF({ARTurnover}>0,{PeriodDays}/{ARTurnover},""),"")'),
        OutputColumn("DSOCountback", DAYS), OutputColumn("AvgDaysToPay", DAYS), OutputColumn("AvgDaysLate", DAYS),
        OutputColumn("CreditUtilization", PCT, highlight="over_one"), OutputColumn("CreditRisk", highlight="risk")),
        about="bucket names follow AgingBuckets; with AgingBasis InvoiceDate the buckets are Age0_30, Age31_60, "
              "Age61_90, Age90Plus"),
    OutputTable("ReceivablesByCurrency", (
        _CID, OutputColumn("Currency"), OutputColumn("OpenBalanceOriginal"), OutputColumn("ClosingRate"),
        OutputColumn("OpenBalance", MONEY)),
        about="when any amount is in another currency; on the Receivables sheet"),
    # The cash forecast of the open receivable: 13 weeks, then months; Later and Doubtful rows.
    OutputTable("ExpectedReceipts", (
        OutputColumn("Bucket"), OutputColumn("PeriodStart", DATE), OutputColumn("PeriodEnd", DATE),
        OutputColumn("Granularity"), OutputColumn("Expected", MONEY), OutputColumn("Invoices", INT),
        OutputColumn("PriorActual", MONEY)),
        about="the cash forecast, on the Receivables sheet; not in split workbooks"),
    OutputTable("OpenItems", (
        _CID, _NAME, OutputColumn("Owner"), OutputColumn("InvoiceNo"), OutputColumn("InvoiceDate", DATE),
        OutputColumn("DueDate", DATE), OutputColumn("Amount", MONEY), OutputColumn("OpenAmount", MONEY),
        OutputColumn("DaysOverdue", INT, highlight="heat"), OutputColumn("FollowUpLevel", INT),
        OutputColumn("NextStep", wrap=True), OutputColumn("LastContact", DATE)),
        about="the chase list 催收清单, on the Collections sheet; when Invoices are given"),
    # The bad-debt provision (坏账准备): per customer, and per customer and age band.
    OutputTable("Provision", (
        _CID, OutputColumn("GrossReceivable", MONEY, total=True),
        OutputColumn("AgeBands", MONEY, total=True, named_by="ProvisionRates"),
        *(OutputColumn(c, MONEY, total=True) for c in ("Allowance", "NetReceivable", "CreditBalance")),
        OutputColumn("Method"), *(OutputColumn(c, MONEY, total=True) for c in ("PriorAllowance", "Charge"))),
        about="坏账准备, on the Provision sheet; when Invoices are given; one column per age band, named by its "
              "Band, here the default policy's"),
    OutputTable("ProvisionBands", (
        _CID, OutputColumn("Band"), OutputColumn("FromDays", INT), OutputColumn("ToDays", INT),
        OutputColumn("Rate", PCT), OutputColumn("GrossReceivable", MONEY), OutputColumn("Allowance", MONEY)),
        about="per customer and age band"),
    OutputTable("Relationship", (
        _CID, OutputColumn("LastContact", DATE), OutputColumn("DaysSinceContact", INT, highlight="overdue_contact"),
        OutputColumn("Contacts", INT), OutputColumn("AvgSatisfaction", RATIO),
        OutputColumn("LatestFeedback", width=34, wrap=True), OutputColumn("NextFollowUp", DATE),
        OutputColumn("FollowUpOverdue", BOOL), OutputColumn("CadenceDays", INT),
        OutputColumn("CadenceBreached", BOOL))),
    OutputTable("Potential", (
        _CID, OutputColumn("Frequency", INT), OutputColumn("RecencyDays", INT), OutputColumn("AgeDays", INT),
        OutputColumn("PAlive", PROB, highlight="low_alive"), OutputColumn("ExpectedPurchases", RATIO),
        OutputColumn("ExpectedOrderValue", MONEY), OutputColumn("CLV", MONEY), OutputColumn("GrowthRate", PCT),
        OutputColumn("IndustryGrowth", PCT), OutputColumn("WalletHeadroom", MONEY),
        OutputColumn("PotentialScore", SCORE, highlight="bar"), OutputColumn("PotentialRank", INT))),
    OutputTable("ModelParameters", (
        OutputColumn("Model"), OutputColumn("Parameter"), OutputColumn("Value", width=24), OutputColumn("Unit"))),
    # The purchase models' holdout check (parameter HoldoutMonths).
    OutputTable("ModelFit", (
        OutputColumn("Model"), *(OutputColumn(c, RATIO) for c in ("LogLikelihood", "AIC", "HoldoutActualTotal",
                                                                  "HoldoutPredictedTotal", "HoldoutMAE"))),
        about="with HoldoutMonths, on the Model sheet; one row per purchase model"),
    OutputTable("ModelCheck", (
        OutputColumn("Model"), OutputColumn("CalibrationFrequency", INT), OutputColumn("Customers", INT),
        OutputColumn("ActualPurchases", RATIO), OutputColumn("PredictedPurchases", RATIO)),
        about="with HoldoutMonths, on the Model sheet; per model and calibration frequency, 7 = 7 or more"),
    OutputTable("RepeatDistribution", (
        OutputColumn("Model"), OutputColumn("Frequency", INT), OutputColumn("ActualCustomers", INT),
        OutputColumn("ExpectedCustomers", RATIO)),
        about="with a fitted purchase model, on the Model sheet; 7 = 7 or more"),
    OutputTable("Strategy", (
        _CID, _NAME, OutputColumn("PortfolioQuadrant", highlight="quadrant"),
        OutputColumn("RecommendedStrategy", width=48, wrap=True), OutputColumn("Actions", width=60, wrap=True),
        OutputColumn("CurrentEffortShare", PCT), OutputColumn("SuggestedEffortShare", PCT))),
    OutputTable("RiskSummary", (OutputColumn("Metric", width=30, holds="measure"), OutputColumn("Value", width=24)),
                about="one row per metric", measures=METRIC_KINDS),
    # Customer groups (集团客户): the customers sharing a ParentID, one exposure. The oldest bucket is money, as
    # in Receivables (summaries before 2026-12-07 showed it as a plain number).
    OutputTable("Groups", (
        OutputColumn("ParentID"), OutputColumn("GroupName", width=30), OutputColumn("Customers", INT),
        *(OutputColumn(c, MONEY) for c in ("NetRevenue", "GrossProfit", "NetProfit")),
        OutputColumn("RevenueShare", PCT), OutputColumn("OpenBalance", MONEY), OutputColumn("OverdueBalance", MONEY),
        OutputColumn("OldestBucket", MONEY, named_by="AgingBuckets"), OutputColumn("CreditLimit", MONEY),
        OutputColumn("CreditUtilization", PCT)),
        about="when any customer has a ParentID; on the Risk sheet; the oldest bucket's name follows AgingBuckets"),
    OutputTable("KPIs", (
        OutputColumn("KPI", width=24, holds="measure"), OutputColumn("ThisPeriod"), OutputColumn("PriorPeriod"),
        OutputColumn("Change", formula='IF(AND(ISNUMBER({ThisPeriod}),ISNUMBER({PriorPeriod})),'
                     '{ThisPeriod}-{PriorPeriod},"")'),
        OutputColumn("ChangePct", PCT), OutputColumn("LastYear"),
        OutputColumn("YoYChange", formula='IF(AND(ISNUMBER({ThisPeriod}),ISNUMBER({LastYear})),'
                     '{ThisPeriod}-{LastYear},"")'),
        OutputColumn("YoYChangePct", PCT)),
        about="one row per KPI, on the Dashboard", measures=KPI_KINDS),
    OutputTable("Commentary", (OutputColumn("Commentary", width=120),), workbook=False,
                about="in the Python results only; the workbook shows these sentences on the Dashboard"),
    OutputTable("DataQuality", (
        OutputColumn("Severity", highlight="severity"), OutputColumn("Table"), OutputColumn("Row", INT),
        OutputColumn("Column"), OutputColumn("Value", width=24), OutputColumn("Message", width=70, wrap=True),
        OutputColumn("Location", width=28))),
    # The month-end controls (核对): each total of the source records beside the same total of the summary.
    OutputTable("Controls", (
        OutputColumn("Control", width=36, wrap=True), OutputColumn("Table"), OutputColumn("Unit"),
        *(OutputColumn(c, MONEY) for c in ("SourceTotal", "ReportTotal", "Difference")),
        OutputColumn("Status", highlight="status"), OutputColumn("Note", width=60, wrap=True)),
        about="核对, on the Controls sheet after DataQuality; one row per reconciliation"),
    OutputTable("About", (OutputColumn("Item", width=22), OutputColumn("Value", width=24))),
)}

# Output sheets in workbook order (the tables on each: kam_xl.render.layout.plan), and the Excel Tables.
OUTPUT_SHEETS = ("Dashboard", "Classification", "Profitability", "Trend", "Attainment", "ActionReview",
                 "Receivables", "Collections", "Provision", "Relationship", "Potential", "Model", "Strategy", "Risk",
                 "DataQuality", "Controls", "About")
OUTPUT_TABLES = tuple(name for name, table in OUTPUTS.items() if table.workbook)


def output_column(name: str) -> OutputColumn | None:
    """How a column of this name reads wherever the contract has it (the first table that has it): for a table
    outside the contract, such as the pack's extracts."""
    return _BY_NAME.get(name)


_BY_NAME: dict[str, OutputColumn] = {}
for _table in OUTPUTS.values():
    for _column in _table.columns:
        if not _column.named_by:
            _BY_NAME.setdefault(_column.name, _column)

# Views for the modules that take a table's columns by name (the analysis, the domain, the tests).
COLUMN_KINDS = {name: c.kind for name, c in _BY_NAME.items() if c.kind}
CUSTOMER_COLUMNS = [c.name for c in OUTPUTS["Classification"].columns if c.source == "Customers"]
CLASSIFICATION_COLUMNS = OUTPUTS["Classification"].names()
PROFITABILITY_COLUMNS = OUTPUTS["Profitability"].names()
RELATIONSHIP_COLUMNS = OUTPUTS["Relationship"].names()
POTENTIAL_COLUMNS = OUTPUTS["Potential"].names()
STRATEGY_COLUMNS = OUTPUTS["Strategy"].names()
PROVISION_BANDS_COLUMNS = OUTPUTS["ProvisionBands"].names()
EXPECTED_RECEIPTS_COLUMNS = OUTPUTS["ExpectedReceipts"].names()
OPEN_ITEMS_COLUMNS = OUTPUTS["OpenItems"].names()
RECEIVABLES_BY_CURRENCY_COLUMNS = OUTPUTS["ReceivablesByCurrency"].names()
TREND_COLUMNS = OUTPUTS["Trend"].names()
TREND_SUMMARY_COLUMNS = OUTPUTS["TrendSummary"].names()
ATTAINMENT_COLUMNS = OUTPUTS["Attainment"].names()
ACTION_REVIEW_COLUMNS = OUTPUTS["ActionReview"].names()
CONTROLS_COLUMNS = OUTPUTS["Controls"].names()


def profitability_columns(bad_debt: bool = False) -> list[str]:
    """Profitability's columns; with ProvisionInNetProfit, BadDebtCharge before NetProfit."""
    return OUTPUTS["Profitability"].names(optional=["BadDebtCharge"] if bad_debt else [])


def receivables_columns(buckets: tuple[int, ...], basis: str = "DueDate") -> list[str]:
    return OUTPUTS["Receivables"].names(aging_runs(buckets, basis))


def provision_columns(bands: list[str]) -> list[str]:
    """Per customer: the receivable, one column per age band (its gross receivable), the allowance."""
    return OUTPUTS["Provision"].names({"AgeBands": bands})


def groups_columns(buckets: tuple[int, ...]) -> list[str]:
    return OUTPUTS["Groups"].names(aging_runs(buckets))
