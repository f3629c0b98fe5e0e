"""Every word of a English workbook, message and summary.

Keys are canonical names (columns, sheets, KPIs, metrics) or message keys; a
third language is one more file like this one (see kam_xl.words)."""

from __future__ import annotations

from kam_xl.words.figures import days

# Column width per character of a header, in Excel's width units.
CHAR_WIDTH = 1.1
FONT = "Calibri"
DATE_FORMAT = "yyyy-mm-dd"
MONTH_FORMAT = "yyyy-mm"
# Charts show money in thousands.
MONEY_AXIS_UNITS = "thousands"
# Other ways the Language parameter may name this language (besides its code, en).
SPELLINGS: tuple[str, ...] = ()
# The end of a file's name in this language (the demo's KAM_Demo.xlsx).
FILE_SUFFIX = ""
# Values that are keys (levels, quadrants, Attainment's rows, yes/no) stay the contract's keys and TRUE / FALSE.
VALUES_IN_WORDS = False
# Headers, sheets, KPIs and metrics read as their canonical names.
HEADERS: dict[str, str] = {}
SHEETS: dict[str, str] = {}
TABLE_NAMES: dict[str, str] = {}
PARAMETERS: dict[str, str] = {}
ABOUT: dict[str, str] = {}
WEIGHTS: dict[str, str] = {}
MODEL_TERMS: dict[str, str] = {}
KPIS: dict[str, str] = {}
METRICS: dict[str, str] = {}

# Dashboard tile labels (longer than the KPI names).
TILES = {
    "NetRevenue": "Net revenue",
    "GrossMarginPct": "Gross margin",
    "NetProfit": "Net profit after cost-to-serve",
    "NetMarginPct": "Net margin",
    "ClosingAR": "Receivables (closing)",
    "DSO": "DSO (days)",
    "OverdueShare": "Overdue share of receivables",
    "Top5Share": "Top-5 customers' revenue share",
    "RevenueAttainment": "Revenue vs target",
    "GrossProfitAttainment": "Gross profit vs target",
    "CollectionsAttainment": "Collections vs target",
}


def bucket_header(name: str) -> str:
    return name


def bucket_canonical(display: str) -> str | None:
    return None


# Column names as charts say them.
CHART_LABELS = {
    "NetRevenue": "Net revenue", "GrossMarginPct": "Gross margin", "DSO": "DSO (days)", "NetProfit": "Net profit",
    "ABCBasisValue": "ABC basis", "ABCCumulativeShare": "Cumulative share",
    "CumulativeProfitShare": "Cumulative share of profit", "CumulativeCustomerShare": "Share of customers",
    "Expected": "Expected receipts", "PriorActual": "Receipts in the prior period", "PotentialScore": "Potential score",
    "NotDue": "Not due",
}


def chart_label(name: str) -> str:
    """Overdue1_30 -> 1-30 days overdue, Overdue90Plus -> over 90 days overdue, Age0_30 -> 0-30 days old."""
    for prefix, word in (("Overdue", "overdue"), ("Age", "old")):
        if name.startswith(prefix) and name.endswith("Plus"):
            return f"Over {name[len(prefix):-4]} days {word}"
        if name.startswith(prefix) and "_" in name:
            low, high = name[len(prefix):].split("_")
            return f"{low}-{high} days {word}"
    return CHART_LABELS.get(name, name)


# Strategies, actions and labels inside tables.
TEXT = {
    "followup.reminder": "Send a payment reminder",
    "followup.call": "Call the customer's accounts payable",
    "followup.manager": "Escalate to the account manager and agree a payment date",
    "followup.stop_deliveries": "Stop deliveries on credit until paid",
    "followup.legal": "Hand to legal or a collection agency",
    "followup.not_due": "Not yet due",
    "provision.Aging": "By age",
    "provision.Specific": "Specific (单项计提)",
    "granularity.Week": "Week",
    "granularity.Month": "Month",
    "granularity.Later": "Later",
    "granularity.Doubtful": "Doubtful",
    "forecast.Later": "Later",
    "forecast.Doubtful": "Doubtful (over {days} days overdue, not forecast)",
    "list.separator": "; ",
    "risk.High": "High",
    "risk.Medium": "Medium",
    "risk.Low": "Low",
    "quadrant.Strategic": "Strategic",
    "quadrant.Develop": "Develop",
    "quadrant.Maintain": "Maintain",
    "quadrant.Streamline": "Streamline",
    "strategy.Strategic": "Invest and partner: joint account plan, senior sponsor, protect share",
    "strategy.Develop": "Grow: targeted offers and cross-sell to build share of wallet",
    "strategy.Maintain": "Retain efficiently: keep service level, defend price, automate routine work",
    "strategy.Streamline": "Streamline: cut cost-to-serve, minimum order sizes, self-service or distributor",
    "action.loss_making": "Loss-making: reprice or cut cost-to-serve",
    "action.overdue_oldest": "Over {days} days overdue: tighten credit and chase payment",
    "action.over_limit": "Over credit limit: hold new orders or review the limit",
    "action.churn_alert": "Churn alert: valuable customer may be lapsing",
    "action.cadence_breached": "Contact cadence breached: schedule a visit",
    "action.follow_up_overdue": "Follow-up overdue: call back",
    "action.revenue_decline": "Revenue down more than 20%: review the account plan",
    "action.low_satisfaction": "Low satisfaction: run a service review",
    "action.wallet_headroom": "Large wallet headroom: cross-sell",
    "blank": "(blank)",
    # Keys shown as they are in English: severities, weeks, RFM segments, About's values.
    "severity.Error": "Error",
    "severity.Warning": "Warning",
    "severity.Info": "Info",
    "week": "W{n:02d}",
    **{f"rfm.{segment}": segment for segment in ("Champions", "Loyal Customers", "Can't Lose Them",
                                                 "Potential Loyalists", "Need Attention", "Promising",
                                                 "About To Sleep", "At Risk", "Hibernating", "New Customers",
                                                 "No Purchases")},
    **{f"comparison.{c}": c for c in ("month", "quarter", "months", "days")},
    **{f"choice.{c}": c for c in ("DueDate", "InvoiceDate", "OpeningClosing", "MonthEnd", "BGNBD", "ParetoNBD",
                                  "Auto")},
    # The Controls sheet: each control's status, unit and note (facts of kam_xl.domain.controls).
    "control_status.OK": "OK",
    "control_status.Break": "Break",
    "control_status.NotChecked": "Not checked",
    "control_unit.count": "lines",
    "control_part.inside": "{rows:,} in the period ({amount:,.2f})",
    "control_part.outside": "{rows:,} outside it ({amount:,.2f})",
    "control_part.to_date": "{rows:,} dated to AsOfDate ({amount:,.2f})",
    "control_part.later": "{rows:,} after it ({amount:,.2f})",
    "control_part.applied": "{rows:,} applied to an invoice ({amount:,.2f})",
    "control_part.unapplied": "{rows:,} unapplied ({amount:,.2f})",
    "control_note.lines": "Lines read = {parts} + {rejected_rows:,} rejected ({rejected_amount:,.2f}; "
                          "see DataQuality). Amounts as typed, before any currency conversion.",
    "control_note.sales.net_revenue": "The period's {lines:,} sales lines, summed per customer and rounded to the "
                                      "cent = Profitability's NetRevenue total over {customers:,} customers.",
    "control_note.sales.gross_profit": "NetRevenue − COGS of the period's lines = Profitability's GrossProfit total "
                                       "({uncosted_customers:,} customers with a line without cost have no "
                                       "GrossProfit, on either side).",
    "control_note.receivables.ledger": "Invoiced to AsOfDate ({invoiced:,.2f}) − received to AsOfDate "
                                       "({received:,.2f}) = Receivables' OpenBalance total (open invoices + credit "
                                       "notes − unapplied receipts).",
    "control_note.receivables.aging": "Receivables' OpenBalance total = the sum of its {buckets} aging buckets.",
    "control_note.provision.base": "Receivables' OpenBalance total = Provision's GrossReceivable ({gross:,.2f}) + "
                                   "the credit balances ({credit:,.2f}: customers who paid or were credited more "
                                   "than they owe; no allowance on a credit).",
    "control_note.export.totals": "The export's own totals row (row {row}, {column}) = the lines read above it.",
    "control_note.fx.converted": "{lines:,} lines in {currencies}: the converted total = Σ original amount × the "
                                 "rate in force, each line rounded as booked.",
}

# The workbook's own furniture: titles, labels, chart titles.
UI = {
    # The command line's own messages (kam-xl new, demo, build).
    "cli.exists": "{path} exists; use --force to replace it",
    "cli.template_suffix": "the template must be an .xlsx or .xlsm file",
    "cli.template": "template: {path}",
    "cli.macro_module": "refresh macro module: {path}",
    "cli.demo_input": "demo input:   {path}  ({lines:,} sales lines)",
    "cli.demo_summary": "demo summary: {path}",
    "cli.preset": "{config}: preset {preset!r} is not one of {presets}",
    "cli.no_input": "give an input workbook, or --config kam.toml",
    "cli.pack_split": "--pack makes the pack of one summary; not with --split-by",
    "cli.pack_libreoffice": ("--pack needs LibreOffice (soffice) on the PATH; install it, e.g. 'apt-get install "
                             "libreoffice-calc', or leave out --pack"),
    "cli.output_one": "-o/--output takes one input; use --out-dir for several",
    "cli.split_output": "--split-by writes several files; use --out-dir",
    "cli.previous_one": "--previous is the summary of one input's last period; give one input",
    "addin.name": "kam-xl functions",
    "sheet.examples": "Examples",
    "examples.see_readme": "",
    "points": "pts",
    "dashboard.title": "Key-account accounting summary",
    "dashboard.prior": "Prior",
    "dashboard.change": "Change",
    "dashboard.summary": "Management summary",
    "dashboard.controls_tie": "Controls: all {n} tie to the ledgers (see Controls)",
    "dashboard.controls_break": "Controls: {breaks} of {n} do not tie (see Controls and DataQuality)",
    "dashboard.controls_unchecked": "Controls: {ok} of {n} tie; {unchecked} could not be checked (see Controls)",
    "chart.pareto": "ABC Pareto (top {n})",
    "chart.whale": "Whale curve of profit",
    "chart.trend_revenue": "Revenue and gross margin by month",
    "chart.trend_top": "Top {n} accounts: revenue by month",
    "chart.trend_dso": "DSO by month (days)",
    "chart.receipts": "Expected receipts, next 13 weeks",
    "chart.aging": "Receivables aging by credit risk",
    "chart.profit_potential": "Profit vs potential",
    "chart.industry": "Revenue by industry",
    "sheet.chart_data": "ChartData",
    "subtitle": "Period {period} · as of {as_of} · {currency}",
    "compared.month": "Prior = the previous calendar month ({prior}); last year = {last_year}",
    "compared.quarter": "Prior = the previous calendar quarter ({prior}); last year = {last_year}",
    "compared.months": "Prior = the {months} calendar months before ({prior}); last year = {last_year}",
    "compared.days": "Prior = the {days} days just before ({prior}); last year = {last_year}",
    "skipped": "No {missing} table in the input: this analysis was skipped.",
    "review.none": ("No previous summary given: build with --previous LAST_SUMMARY.xlsx (or set the PreviousSummary "
                    "parameter) to see whether last period's actions worked."),
    "review.refused": "The previous summary cannot be compared with this one (see DataQuality).",
    "pack.title": "Management pack",
    "pack.charts": "The period in charts",
    "pack.customers": "The customers that matter",
    "pack.top": "Top {n} customers by net contribution",
    "pack.loss": "Loss-makers: {n} customers lose money after cost-to-serve (the largest {shown} shown)",
    "pack.receivables": "Receivables",
    "pack.aging": "Aging of open receivables",
    "pack.bucket": "Bucket",
    "pack.share": "Share",
    "pack.provision": "Bad-debt provision",
    "pack.chase": "Chase list: the first {n} of {total} open items",
    "pack.targets": "Targets and attainment",
    "pack.more": "The first {shown} of {total} rows; all of them are on the {sheet} sheet of the summary.",
    "pack.actions": "Did last period's actions work?",
    "pack.actions_counts": "{n} actions reviewed: {yes} improved, {no} did not, {open} cannot be judged yet.",
    "pack.verdict": "Verdict",
    "pack.verdict_yes": "Improved",
    "pack.verdict_no": "Not improved",
    "pack.verdict_open": "Not judged",
    "pack.forecast": "Forecast check",
    "pack.quality": "Data quality and Controls",
    "pack.dq_counts": ("Data quality: {errors} errors, {warnings} warnings, {info} notes (all on the DataQuality "
                       "sheet of the summary)."),
    "totals": "Total",
    "validate.title": "Data quality",
    "validate.sources": "Where each column came from",
    "validate.table": "Table", "validate.column": "Column", "validate.sheet": "Sheet", "validate.header": "Header",
    "validate.clean": "No data-quality problems found",
    "validate.period": "Period {start} – {end}, AsOfDate {as_of}",
    "model.parameter": "Purchases are forecast with the {model} model, as the PurchaseModel parameter asks.",
    "model.holdout": ("Purchases are forecast with the {model} model: it forecast the {months} holdout months more "
                      "closely than {other} (mean error {mae:.3f} purchases per customer, against {other_mae:.3f})."),
    "model.aic": ("Purchases are forecast with the {model} model: it fits the purchase history better than {other} "
                  "(AIC {aic:,.1f} against {other_aic:,.1f}; lower is better). Set HoldoutMonths to choose on "
                  "forecast accuracy instead."),
    "model.only": ("Purchases are forecast with the {model} model, the only one that could be fitted to these data "
                   "({other} did not converge, see DataQuality)."),
    "model.failed": ("No purchase model could be fitted to these data: ExpectedPurchases use each customer's run "
                     "rate, (Frequency + 1) / AgeDays, and PAlive is blank (see DataQuality)."),
    "model.too_few": ("Too few customers to fit a purchase model (at least {buyers} buyers and {repeaters} repeat "
                      "buyers are needed): ExpectedPurchases use each customer's run rate, (Frequency + 1) / "
                      "AgeDays, and PAlive is blank."),
    "model.holdout_result": ("Check: fitted on the purchases up to {end}, {model} forecast {predicted:,.0f} "
                             "purchases for the {months} months to {as_of}; the customers made {actual:,.0f} "
                             "(forecast {gap})."),
    "model.no_holdout": ("The forecast has not been checked: set the HoldoutMonths parameter (for example 6) to "
                         "compare it with what customers did in the last months."),
    "model.bgnbd": ("While active, a customer buys on {rate:.2f} days a month on average (r / alpha = {r:.3f} / "
                    "{alpha:.1f} days); after each purchase {drop:.0%} of customers stop buying, on average (a / (a "
                    "+ b), a = {a:.3f}, b = {b:.3f})."),
    "model.paretonbd": ("While active, a customer buys on {rate:.2f} days a month on average (r / alpha = {r:.3f} / "
                        "{alpha:.1f} days); customers drop out at {drop:.1%} a month on average, however often they "
                        "buy (s / beta = {s:.3f} / {beta:.1f} days)."),
    "model.gamma_gamma": ("A repeat purchase is worth {value:,.0f} on average (Gamma-Gamma: p gamma / (q - 1), p = "
                          "{p:.2f}, q = {q:.2f}, gamma = {gamma:,.1f}); a customer's own average counts for more the "
                          "more often they bought."),
    "model.independent": ("Order value and purchase frequency correlate at r = {r:.2f}, within ±{limit:g}: "
                          "Gamma-Gamma's assumption that they are independent holds."),
    "model.correlated": ("Order value and purchase frequency correlate at r = {r:.2f}, beyond ±{limit:g}: "
                         "Gamma-Gamma assumes they are independent, so read ExpectedOrderValue and CLV with care."),
    "model.read.palive": ("How to read it: PAlive is the chance that a customer still buys from us, judged from how "
                          "often and how recently they bought; ExpectedPurchases counts the purchase days expected "
                          "in the next {months} months; CLV is what they bring in gross margin, discounted."),
    "model.read.check": ("Forecast check (ModelCheck and its chart): customers grouped by their repeat purchases "
                         "before the holdout; where a model's line lies close to what the customers did, its "
                         "forecast can be trusted for customers like them."),
    "model.read.distribution": ("Repeat purchases (RepeatDistribution and its chart): how many customers bought "
                                "again 0, 1, 2 ... times (7 = 7 or more) and how many the model expects; a model "
                                "that misses this shape should not be trusted."),
    "chart.model_check": "Forecast check: purchases in the holdout per customer",
    "chart.model_check_axis": "Repeat purchases before the holdout (7 = 7 or more)",
    "chart.repeat_distribution": "Customers by repeat purchases",
    "chart.repeat_axis": "Repeat purchases (7 = 7 or more)",
    "chart.actual": "Actual",
    "chart.predicted": "{model} forecast",
    "chart.expected": "{model} expected",
}

# Data-quality messages; {col} is the user's own header of the column.
# The input template's help (kam_xl.authoring.template), which writes it in every catalogue's language:
# its ReadMe sheet line by line, the checks' messages, the Parameters sheet and the xlwings.conf notes.
TEMPLATE = {
    "sheet": "ReadMe",
    "required_column": "Required",
    "optional_column": "Optional",
    "enter_date": "Enter a date",
    "whole_1_5": "Whole number 1-5",
    "not_negative": "Number >= 0",
    "whole_days": "Whole days >= 0",
    "not_an_industry": "Not in IndustryOutlook",
    "parameter": "Parameter",
    "value": "Value",
    "description": "Description",
    "parameter_named": "{help} ({name})",
    "notes": "Notes",
    "interpreter": ("Interpreter_Win: full path to pythonw.exe of the environment where kam-xl is installed, e.g. "
                    "C:\\Users\\me\\kam\\.venv\\Scripts\\pythonw.exe"),
    "udf_modules": "UDF Modules: kam_udfs is installed with kam-xl (pip install kam-xl)",
    "run_main": "Run main runs main() in the .py file named like this workbook, in the same folder",
    "readme.title": "kam-xl · Key-account accounting summary",
    "readme.purpose_heading": "What this workbook is",
    "readme.purpose": ("Fill the yellow input tables; kam-xl turns them into the summary: tiers, profit after "
                       "cost-to-serve, receivables, relationship upkeep, potential, strategy and risk."),
    "readme.use_heading": "How to use",
    "readme.paste": ("1. Paste or type your data into the tables (headers may be English or Chinese; extra columns "
                     "are kept)."),
    "readme.below_table": ("   Rows typed or pasted straight under a table are read even when the table does not "
                           "grow (LibreOffice, WPS, scripts); DataQuality names them so you can extend the table "
                           "(Table Design > Resize Table)."),
    "readme.blank_cells": "   Leave a cell blank when you do not know it: kam-xl never counts a blank cost as 0.",
    "readme.parameters": "2. Check Parameters (as-of date, currency, ABC limits...). Blank values use the defaults.",
    "readme.build": ("3. Build the summary: command line `kam-xl build THIS_FILE`, or in Excel: xlwings add-in > Run "
                     "main."),
    "readme.problems": ("4. Problems in the data are listed on the DataQuality sheet, in your language, with your "
                        "sheet, cell and header (e.g. Sales!F12 NetRevenue)."),
    "readme.colours_heading": "Colours",
    "readme.inputs": "Yellow tabs and cells: inputs you fill",
    "readme.outputs": "Blue tabs: outputs written by kam-xl (do not edit)",
    "readme.information": "Grey tabs: information and settings",
    "readme.required_heading": "Required tables",
    "readme.required": ("Customers 客户 and Sales 销售 are required; Invoices, Payments, Activities, ActivityRates, "
                        "Contacts and IndustryOutlook enable the receivables, cost-to-serve, relationship and "
                        "potential analyses."),
    "readme.fx": ("FXRates converts amounts in other currencies (Currency column); ColumnMap says which of your own "
                  "headers feed which column (docs/IMPORT.md)."),
    "readme.formulas_heading": "Formulas in cells",
    "readme.formulas": ("With the xlwings add-in and `Import Functions`, formulas such as =KAM_DSO(...), "
                        "=KAM_ABC(...) and =KAM_AGING(...) work in any cell; {examples}"),
    "readme.examples_here": "see the {sheet} sheet.",
    "readme.examples_elsewhere": ("`kam-xl new --calc` writes a template with an Examples sheet of worked formulas "
                                  "(docs/EXCEL.md: Excel on Windows)."),
    "examples.title": "kam-xl cell formulas",
    "examples.live_calc": ("Yellow cells are example inputs; the formulas are live once kam-xl addin install "
                           "--libreoffice is done"),
    "examples.live_xlwings": ("Yellow cells are example inputs; the formulas are live once xlwings > Import "
                              "Functions is done (results shown here were computed by kam-xl)"),
    "examples.whole_table": "Whole-table functions (type them once your input tables are filled)",
    "examples.function": "Function",
    "examples.formula": "Formula",
    "examples.result": "Result (spills)",
    "examples.abc": "ABC tier",
    "examples.gross_margin": "Gross margin",
    "examples.ar_turnover": "AR turnover",
    "examples.dso": "DSO",
    "examples.rfm": "RFM scores R, F, M",
    "examples.palive": "P(alive)",
    "examples.expected_purchases": "Expected purchases",
    "examples.hhi": "HHI",
    "examples.aging": "Aging NotDue, 1-30, 31-60, 61-90, 90+",
}
# Each input column's help, shown in its header's comment.
COLUMN_HELP = {
    "CustomerID": "Unique customer code; the key in every table",
    "ParentID": "The group (parent company) the customer belongs to; blank = its own group",
    "CreditLimit": "Credit limit in reporting currency, >= 0 (optional)",
    "PaymentTermsDays": "Payment terms in days; due date = invoice date + terms",
    "EstimatedWallet": "Customer's yearly spend in our category (optional)",
    "DocumentNo": "Order or invoice number; distinct numbers count as orders",
    "NetRevenue": "Revenue excl. VAT after discounts; returns negative",
    "COGS": "Cost of goods sold for the line",
    "DueDate": "Optional; blank = invoice date + payment terms",
    "Amount": "Amount incl. VAT; credit notes negative",
    "InvoiceNo": "Invoice paid; blank or unknown = unapplied receipt",
    "DriverQuantity": "Number of driver units (orders, deliveries, visits...)",
    "DirectCost": "Direct cost: rebates, samples, dedicated staff (optional)",
    "Rate": "Cost per driver unit",
    "Satisfaction": "Satisfaction score 1-5",
    "NextFollowUp": "Next follow-up date agreed at this contact",
    "GrowthOutlook": "Expected industry growth per year, e.g. 8% or 0.08",
    "Industry": "Industry; pick from the IndustryOutlook table",
    "GrossAmount": "Amount incl. VAT (价税合计); without NetRevenue, revenue = GrossAmount / (1 + TaxRate)",
    "TaxRate": "VAT rate: 0.13, 13% or 13; blank = the VATRate parameter",
    "Currency": "Currency of the amounts (USD, 美元...); blank = reporting currency; needs FXRates",
    "SourceColumn": "Your header, as in your sheet or export",
    "SourceSheet": "Your sheet holding Table (optional)",
}
# Each parameter's help, on the Parameters sheet.
PARAMETER_HELP = {
    "AsOfDate": "Balances date; blank = latest date in the data",
    "PeriodStart": "Blank = AsOfDate minus 12 months plus one day",
    "PeriodEnd": "Blank = AsOfDate",
    "ReportingCurrency": "Three-letter code",
    "ABCBasis": "NetRevenue, GrossProfit or NetProfit",
    "ABCShareA": "Cumulative share limit of tier A",
    "ABCShareB": "Cumulative share limit of tier B",
    "AgingBuckets": "Overdue bucket limits in days",
    "AgingBasis": "DueDate: buckets by days overdue; InvoiceDate: by age from the invoice date",
    "AverageARMethod": "OpeningClosing: (opening + closing) / 2; MonthEnd: mean of the month-end balances",
    "VATRate": "VAT rate for tax-inclusive sales lines without their own rate",
    "FollowUpLevels": "Days overdue for: reminder, call, account manager, stop deliveries, legal",
    "ProvisionInNetProfit": "TRUE: customer net profit after the period's bad-debt charge",
    "TrendMonths": "Calendar months shown month by month on the Trend sheet",
    "PurchaseModel": "BGNBD, ParetoNBD or Auto (the one with the lower AIC)",
    "HoldoutMonths": "Months held out to check the purchase models' forecast (blank: no check)",
    "PreviousSummary": "Last period's summary (a file beside this one): its actions are reviewed",
    "CostOfCapital": "Yearly cost of capital for financing cost",
    "ForecastMonths": "CLV horizon in months",
    "DiscountRate": "Yearly discount rate for CLV",
    "PotentialWeights": "Weights of the potential score",
    "ContactCadenceDays": "Maximum days between contacts by tier",
    "Language": "en or zh-CN",
    "DataStart": ("Records are complete from this date (nothing owed before it); blank = the earliest date in each "
                  "table"),
    "MinCoverage": "Share of the prior period the data must cover for comparisons",
    "SalesFile": "Optional CSV/Parquet file with the Sales lines (beside this workbook)",
    "InvoicesFile": "Optional CSV/Parquet file with the Invoices",
    "PaymentsFile": "Optional CSV/Parquet file with the Payments",
}
# The demo book's industries, regions and sizes (kam_xl.authoring.demo), as a book in this language names them.
DEMO_NAMES: dict[str, str] = {}


# The Calc add-in's help of each KAM_ function and argument (udfs/kam_calc_build.py). English is the
# functions' docstrings, which xlwings shows in Excel too; another language gives its words here.
FUNCTION_HELP: dict[str, str] = {}
ARGUMENT_HELP: dict[str, str] = {}

MESSAGES = {
    "control.break": "Control '{control}' ({table_name}) does not tie: source {source:,.2f}, summary {report:,.2f}; "
                     "the difference is the Value (see the Controls sheet)",
    "table.required_missing": "Required table {names} not found (as an Excel Table or a sheet); sheets in the "
    "file: {sheets}",
    "table.optional_missing": "No {names} table; analyses that need it are skipped",
    "table.columns_missing": "{table_name} (sheet '{sheet}') lacks required column(s) {names}; found headers: "
    "{found}; table not used. Rename a header, or say which of yours it is in a ColumnMap (docs/IMPORT.md)",
    "table.rows_below": "Rows {first}-{last} below the Excel Table '{name}' were read as part of it; extend the "
    "table to include them (Excel: Table Design > Resize Table)",
    "table.title_rows": "Row(s) {rows} above the header ({header_row}) skipped as a title",
    "key.matched_by_name": ("{rows} row(s) name the customer instead of giving its ID (first: this one, '{cid}'); "
                            "matched by Customers' CustomerName"),
    "cell.foreign_currency": "Amount in {currency} by its sign, not in the reporting currency {reporting}; it is not "
    "converted or added to any {reporting} total ({effect}). Give the amount in {reporting}, or convert it first",
    "source.duplicate_document": "The same document is in {first_file} (row {first_row}): exported twice? This "
    "copy is not used",
    "source.parameters_ignored": "Parameters given in several files: those of {first} are used",
    "source.condensed": "{file}: {plain} plain lines (a customer of Customers, a date, every amount, no currency) were "
    "summed as the file was read into {rows} rows, one per customer, day, document and sign of NetRevenue; the other "
    "{others} lines were read one by one. Every figure is that of the lines one by one",
    "currency.unknown": "Currency '{code}' not understood (give an ISO code such as USD, or 美元); row not used",
    "currency.no_rate": "No FXRates rate of {code} on or before {date}; row not used (never summed unconverted)",
    "currency.converted": "{lines} line(s) in {currencies} converted to {reporting} at the {basis} (FXRates)",
    "currency.local_amounts": "The amounts ('{header}') are in the local currency (本位币): the Currency column is "
    "not used to convert them",
    "provision.default": "No ProvisionRates table: the default policy is used (within 1 year 5 %, 1-2 years 10 %, "
    "2-3 years 30 %, over 3 years 100 %, aged from the invoice date)",
    "provision.no_open_band": ("No band without an upper limit: receivables older than {last} days are provided for "
                               "at the last band's rate; add a band with a blank ToDays for them"),
    "provision.rate_blank": "An age band without a Rate: the band is not used",
    "provision.two_open_bands": "A second band without an upper limit (ToDays): only the first is used",
    "provision.band_edge": ("FromDays does not follow the band before, which ends at {previous} days: bands are read "
                            "by ToDays, so this one covers ages from {start} days"),
    "provision.band_renamed": "Band name used twice or taken by a Provision column: this band is shown as '{name}'",
    "provision.specific_blank": "A customer row without Rate or Amount: no specific provision is made for it",
    "provision.specific_twice": "The customer's specific provision is given twice: the first row is used",
    "provision.specific_replaces": ("The customer's specific provision here replaces the different one in Customers "
                                    "({customers})"),
    "currency.document_amount": ("'{header}' is in the document's currency while '{local}' is local (本位币): it is "
                                 "left empty rather than summed unconverted; export its local-currency column too"),
    "key.parent_matched": "ParentID read as the customer '{cid}' (spelled differently, or by its name)",
    "key.parent_unknown": "ParentID is not a customer's ID: the group keeps the name as typed",
    "names.read_as": "Sheet '{sheet}': headers read as kam-xl columns: {pairs}",
    "names.preset_detected": "The headers look like {title} exports ({count} columns recognised by that preset); "
    "use --preset to force one, or a ColumnMap for headers of your own",
    "names.preset_forced": "Preset {title} (--preset): only its names, the contract's and the common synonyms "
    "are recognised",
    "map.unknown_table": "ColumnMap: no table of that name; tables: {known}. Row not used",
    "map.unknown_column": "ColumnMap: {target} has no column of that name; its columns: {known}. Row not used",
    "map.incomplete": "ColumnMap: give both SourceColumn and Column (or only SourceSheet to name a sheet). "
    "Row not used",
    "vat.net_derived": "NetRevenue derived net of VAT from the tax-inclusive '{gross}' for {lines} lines: "
    "÷ (1 + '{rate_header}') on {stated}, ÷ (1 + the VATRate parameter, {rate}) on {defaulted} without a rate",
    "vat.gross_blank": "Blank tax-inclusive amount and no NetRevenue column: no revenue to use. Row not used",
    "column.optional_missing": "No column {names}: {effect}",
    "column.all_blank": "Column {names} is empty: {effect}",
    "column.near_miss": "No column {names}: {effect}. Did you mean the header '{found}'? Rename it to {canonical} "
    "to use it",
    "cell.required_error": "{col}: error value; row not used",
    "cell.required_invalid": "{col}: not a valid {kind}; row not used",
    "cell.required_blank": "{col} is blank; row not used",
    "cell.optional_invalid": "{col} not understood; cell not used",
    "cell.optional_error": "{col}: error value; cell not used",
    "cell.required_uncalculated": "{col}: a formula saved without its value (the file was written by a program "
    "that does not calculate, such as a script; a text typed with a leading = is saved so); open and save the file "
    "in Excel, WPS or LibreOffice, or type the value itself; row not used",
    "cell.optional_uncalculated": "{col}: a formula saved without its value (the file was written by a program "
    "that does not calculate, such as a script; a text typed with a leading = is saved so); open and save the file "
    "in Excel, WPS or LibreOffice, or type the value itself; cell not used",
    "cell.date_formats": "{col}: not a date kam-xl understands ({formats}); {effect}",
    "cell.date_out_of_range": "{col}: a date outside {first} – {last} (or a number that is no date in that range); "
                              "{effect}",
    "cell.implausible_number": "{col}: {bound} or more in size, beyond any plausible figure (a typing or export "
                               "mistake); {effect}",
    "cell.date_ambiguous": "{col}: day and month cannot be told apart in this column (e.g. 03/04/2026); write "
    "dates as 2026-04-03; {effect}",
    "cell.below_minimum": "{col} must be {minimum} or more; cell not used",
    "cell.above_maximum": "{col} must be {maximum} or less; cell not used",
    "cell.not_whole": "{col} must be a whole number; cell not used",
    "cell.required_out_of_range": "{col} must be {minimum} or more; row not used",
    "due_date.fallback": "{col} not understood; InvoiceDate + customer's PaymentTermsDays used",
    "row.totals": "Looks like a totals row (no key, or a word such as 合计/Total, with figures); not used",
    "row.key_blank": "{col} is blank; row not used",
    "row.key_blank_figures": "{col} is blank but the row has figures, and it is neither a line of the bill above "
    "it nor a totals row (合计/Total); row not used",
    "row.totals_skipped": "The export's own totals row: skipped (its amounts are the sum of the lines above it)",
    "row.totals_differ": "Totals row: {col} {stated} is not the sum of the lines above it ({lines}, difference "
    "{difference}); the row is skipped, but lines may be missing or the export changed: check it",
    "row.bill_filled": "{lines} line(s) without {fields} are lines of the bill above them (the export writes a "
    "bill's header on its first line only): filled in from the bill's first line (first such line: row {first})",
    "dup.invoice_row": "Same invoice as {sheet} row {first} (number, customer, date and amount {amount}): pasted "
    "twice? Not used a second time",
    "dup.invoice_customers": "This InvoiceNo is also used for customer '{first_cid}' ({sheet} row {first}); "
    "here it is customer '{cid}': receipts naming the number cannot tell which. Both rows are used; correct the "
    "number",
    "dup.payment_row": "Same receipt as {sheet} row {first} (customer, date, invoice and amount {amount}): entered "
    "twice? Both are used (two equal receipts on one day can be real)",
    "dup.sales_line": "Same line as {sheet} row {first} of this document (every column, amount {amount}): entered "
    "twice? Both are used",
    "dup.more": "{count} more {finding} are not listed (the first {shown} are)",
    "dup.document_reused": "This DocumentNo is also used on {sheet} row {first} (customer '{first_cid}', "
    "{first_date}); here customer '{cid}', {date}, amount {amount}. Both are used",
    "cogs.blank": "{col} is blank: this customer's gross profit, margins and net profit are left empty",
    "key.duplicate": "Duplicate CustomerID; first one (row {first}) kept, this row not used",
    "key.matched": "CustomerID matched to '{cid}' ignoring {ignoring}",
    "key.unknown": "CustomerID is not in Customers; row not used",
    "key.unknown_suggest": "CustomerID is not in Customers; did you mean {suggestions}? Row not used",
    "param.unknown": "Unknown parameter '{name}' ignored; known: {known}",
    "param.invalid": "{name}: {reason}; default used",
    "param.shares_order": "ABCShareA must be below ABCShareB; defaults 0.80 / 0.95 used",
    "param.weights_zero": "PotentialWeights sum to zero; defaults used",
    "period.end_before_start": "The period cannot be: {end} is before {start}. Correct the parameters, or give the "
    "whole period in one: --period 2026-03 (kam.toml: period = \"2026-03\")",
    "period.as_of_before_start": "The period cannot be: {as_of} is before {start}. Correct the parameters, or give "
    "the whole period in one: --period 2026-03 (kam.toml: period = \"2026-03\")",
    "period.after_data": "The period holds no record: {start} is after the last date in the data, {latest} "
    "({as_of}). Check the period, or that the exports reach it",
    "period.from_data": "PeriodStart is not set and the records begin on {first}, less than a year before {end}: "
    "the period starts on {start}, {which}, so that NetProfit and DSO can be computed. Set PeriodStart, or "
    "--period 2026-03, for another period",
    "option.invalid": "{option} {value} cannot be used: {reason}",
    "option.period_and_as_of": "--period {period} and --as-of {as_of} both set AsOfDate (--period to the period's "
    "last day): give one of them",
    "analysis.no_invoices": "No Invoices table: Receivables analysis skipped",
    "analysis.no_contacts": "No Contacts table: Relationship analysis skipped",
    "activity.no_rate": "Activity '{name}' has no rate in ActivityRates; its driver cost is counted as 0 on "
    "{count} row(s) (first shown)",
    "invoice.no_terms": "{count} invoice(s) have neither DueDate nor customer PaymentTermsDays; treated as due on "
    "the invoice date (first row shown)",
    "potential.gg_correlated": ("Repeat purchases and their mean value are correlated (Pearson r {r}, above "
                                "{limit}): Gamma-Gamma assumes they are independent, so read ExpectedOrderValue and "
                                "CLV with care"),
    "potential.no_holdout": ("No holdout check: the data up to {months} months before AsOfDate hold too few buying "
                             "or repeat customers"),
    "potential.model_by_holdout": ("Purchase model chosen by the holdout check (lower mean absolute error is "
                                   "better): {model} ({mae})"),
    "potential.model_failed": ("The {model} fit did not converge; it is not used (run-rate estimate when no model is "
                               "left)"),
    "potential.model_chosen": "Purchase model chosen by AIC (lower is better): {model} ({aic})",
    "potential.bgnbd_skipped": "BG/NBD not fitted: {buyers} buying customers, {repeaters} repeat buyers (needs "
    "{min_buyers} and {min_repeaters}); run-rate estimate used, PAlive left empty",
    "potential.gg_failed": "Gamma-Gamma fit did not converge; customers' own mean order value used",
    "potential.forecast_not_finite": ("The purchase model gave no finite forecast for {count} customer(s) (first: "
                                      "{cid}): their ExpectedPurchases and CLV are left empty"),
    "potential.clv_no_margin": "CLV left empty for {count} customer(s) without a gross margin in the period (no "
    "positive NetRevenue, or COGS missing)",
    "industry.no_outlook": "No GrowthOutlook for industry: {industries}; left empty",
    "trend.short": ("The trend shows {months} of the {wanted} months asked for (TrendMonths): the sales cover the "
                    "months from {first} only"),
    "previous.buckets": ("The previous summary's oldest overdue bucket is {theirs}, this one's {ours}: that measure "
                         "is not compared"),
    "previous.currency": "The previous summary is in {theirs}, this one in {ours}: its actions are not reviewed",
    "previous.not_earlier": ("The previous summary is as of {theirs}, not before this one ({ours}): its actions are "
                             "not reviewed"),
    "previous.other_customers": ("The previous summary has none of these customers: it is another book, and its "
                                 "actions are not reviewed"),
    "previous.unknown_actions": ("{count} action(s) in the previous summary are not kam-xl's wording (edited by "
                                 "hand?) and are not reviewed"),
    "targets.period": ("The period is not understood: write a month (2026-03), a quarter (2026Q1), a year (2026) or "
                       "two dates (2026-01-01 .. 2026-03-31); the row is not used"),
    "targets.no_key": "A target needs a CustomerID or an AccountManager; the row is not used",
    "targets.unknown_manager": "No customer has this AccountManager; the row is not used",
    "targets.empty": "No Revenue, GrossProfit or Collections target on the row; it is not used",
    "targets.overlap": ("This {measure} target's period overlaps an earlier one of the same customer or manager: it "
                        "is not used"),
    "targets.partial": ("{rows} target row(s) run past this period or the year to date: they are not counted there, "
                        "only where they fit whole"),
    "table.empty": "The table has no rows: the analyses that need it are skipped, as if it were absent",
    "table.sales_empty": ("Sales has no rows: every figure taken from it (revenue, gross profit, purchases, "
                          "potential) is 0 or empty, not a result. Fill the Sales table, or name the file that holds "
                          "the lines (SalesFile)"),
    "coverage.prior": "The data cover {share} of {which} {start} - {end} ({table_name} from {first}); "
    "below {minimum}: {effect} left empty. Set the DataStart parameter if your records are "
    "complete from an earlier date",
    "coverage.this": "The data cover only {share} of this period {start} - {end} ({table_name} from {first}): its "
    "flows (revenue, credit sales, collections) are for the days covered",
    "coverage.prior_declared": "The data cover {share} of {which} {start} - {end} ({table_name} from DataStart "
    "{first}); below {minimum}: {effect} left empty",
    "coverage.opening_ar_declared": "DataStart is {first}, so the receivables owed at the start of {period} "
    "({start}) are not in the data: AverageAR, ARTurnover, DSO, FinancingCost and NetProfit are left empty for "
    "{period}",
    "coverage.opening_ar": "The invoices begin on {first}, so the receivables owed at the start of {period} "
    "({start}) are not in the data: AverageAR, ARTurnover, DSO, FinancingCost and NetProfit "
    "are left empty for {period}. Set the DataStart parameter if your records are complete "
    "from an earlier date",
}

# Words used inside messages.
WORDS = {
    "control.sales.lines": "Sales lines read",
    "control.sales.amount": "Sales amount read",
    "control.sales.net_revenue": "Sales of the period = Profitability NetRevenue",
    "control.sales.gross_profit": "Gross profit of the period = Profitability GrossProfit",
    "control.invoices.lines": "Invoice lines read",
    "control.invoices.amount": "Invoice amount read",
    "control.payments.lines": "Receipts read",
    "control.payments.amount": "Receipt amount read",
    "control.receivables.ledger": "Ledger receivable = Receivables OpenBalance",
    "control.receivables.aging": "OpenBalance = aging buckets",
    "control.provision.base": "OpenBalance = Provision GrossReceivable + credit balances",
    "control.export.totals": "Export totals row = lines above it",
    "control.fx.converted": "Converted amounts = original × rate",
    "date formats": "2026-03-05, 2026/3/5, 2026年3月5日, 20260305, 5-Mar-2026, Mar 5, 2026, "
                    "13/03/2026 or 03/13/2026 (when the column shows which part is the day)",
    "measure.Revenue": "revenue",
    "measure.GrossProfit": "gross profit",
    "measure.Collections": "collections",
    "number": "number",
    "date": "date",
    "text": "text",
    "id": "ID",
    "rate of each line's date": "rate of each line's date",
    "closing rate of AsOfDate": "closing rate of AsOfDate",
    "row not used": "row not used",
    "cell not used": "cell not used",
    "this period": "this period",
    "the prior period": "the prior period",
    "the same period last year": "the same period last year",
    "leading zeros": "leading zeros",
    "full-width characters": "full-width characters",
    "case": "upper/lower case",
    "effect.cogs": "GrossProfit, margins, NetProfit and CLV are left empty (not computed as if goods cost nothing)",
    "dup.invoice_row.short": "invoice rows repeating an earlier one (not used a second time)",
    "dup.invoice_customers.short": "invoice numbers also used for another customer",
    "dup.payment_row.short": "receipts repeating an earlier one (used)",
    "dup.sales_line.short": "Sales lines repeating an earlier one of their document (used)",
    "dup.document_reused.short": "document numbers also used for another customer or day (used; is the column read "
    "as DocumentNo the document's number?)",
    "effect.credit_limit": "CreditUtilization and over-limit checks are left empty",
    "effect.terms": "invoices without a DueDate are treated as due on the invoice date",
    "effect.wallet": "WalletHeadroom is left empty",
    "effect.document": "each customer's lines on one day count as one purchase document",
    "effect.industry": "segments by industry and industry growth are left empty",
    "effect.account_manager": "reports cannot be split by account manager",
    "effect.satisfaction": "AvgSatisfaction is left empty",
    "effect.direct_cost": "only driver costs count in CostToServe",
    "effect.driver": "only direct costs count in CostToServe",
    "effect.prior_revenue": "prior-period revenue, GrowthRate and the KPI changes built on them",
    "effect.prior_ar": "prior-period credit sales, AverageAR, ARTurnover, DSO, FinancingCost and NetProfit",
    "effect.prior_ar_balances": "prior-period receivables (OpenBalance, aging, OverdueShare), credit sales, "
    "AverageAR, ARTurnover, DSO, FinancingCost and NetProfit",
    "effect.last_year_revenue": "last year's revenue and profit and the year-on-year changes built on them",
    "effect.last_year_ar": "last year's credit sales, AverageAR, ARTurnover, DSO, FinancingCost and NetProfit",
    "effect.last_year_ar_balances": "last year's receivables (OpenBalance, aging, OverdueShare), credit sales, "
    "AverageAR, ARTurnover, DSO, FinancingCost and NetProfit",
    "reason.not_understood": "not understood",
    "reason.fraction": "must be a fraction between 0 and 1, e.g. 0.8 or 80%",
    "reason.months": "must be a whole number of months from 1 to 120",
    "reason.follow_up_levels": ("must be five increasing whole days, e.g. 1,15,30,60,90 (reminder, call, account "
                                "manager, stop deliveries, legal)"),
    "reason.aging_basis": "must be DueDate or InvoiceDate",
    "reason.provision_in_net_profit": "must be TRUE or FALSE (yes or no)",
    "reason.purchase_model": "must be BGNBD, ParetoNBD or Auto",
    "reason.average_ar_method": "must be OpeningClosing or MonthEnd",
    "reason.buckets": "must be increasing whole days, e.g. 30,60,90",
    "reason.basis": "must be one of NetRevenue, GrossProfit, NetProfit",
    "reason.language": "must be en or zh-CN",
    "reason.currency": "must be a three-letter currency code such as CNY",
    "reason.weights": "expected pairs such as 'CLV 0.4, Growth 0.2, Industry 0.15, Wallet 0.15, Alive 0.1'",
    "reason.cadence": "expected pairs such as 'A 30, B 60, C 90'",
    "reason.date": "must be a date such as 2026-03-31",
    "reason.option_date": "not a date; write it as 2026-03-31 (also 2026/3/31, 2026年3月31日, 20260331)",
    "reason.period": "not a period; write a month (2026-03), a quarter (2026Q1), a year (2026) or a range "
    "(2026-01..2026-03, 2026-01-01..2026-03-31)",
    "param.blank": "blank",
    "param.by_default": "by default",
    "period.first_month": "the first month the records cover whole with its opening receivables",
    "period.first_record": "the first record (no whole month with its opening receivables yet)",
    "reason.unknown": "unknown parameter",
}


# ---- The management summary: one sentence per fact of kam_xl.domain.summary.commentary_facts -------------

def money(value: float, currency: str) -> str:
    """CNY 465.43 below a thousand, CNY 12,345 above."""
    return f"{currency} {value:,.0f}" if abs(value) >= 1000 else f"{currency} {value:,.2f}"


def _customers(count: float, singular: str, plural: str) -> str:
    """'1 customer loses' / '3 customers lose': ``singular`` and ``plural`` are the verb phrases."""
    return f"{count:.0f} customer {singular}" if count == 1 else f"{count:.0f} customers {plural}"


def _margin(f: dict, pct) -> str:
    trend = "" if f["points"] is None else \
        f", {abs(f['points']):.1f} points {'higher' if f['points'] >= 0 else 'lower'} than before"
    net = "" if f["net_margin"] is None else (
        f"; after cost-to-serve and financing, net margin was {pct(f['net_margin'])}")
    return f"Gross margin was {pct(f['gross_margin'])}{trend}{net}."


# key: function(figures, money, pct) -> sentence
SENTENCES = {
    "revenue.prior_not_covered": lambda f, m, p: f"Net revenue was {m(f['revenue'])}; the data do not cover the "
                                                 "prior period, so no comparison is made.",
    "revenue.change": lambda f, m, p: f"Net revenue was {m(f['revenue'])}, {'up' if f['change'] >= 0 else 'down'} "
                                      f"{p(abs(f['change']))} on the prior period.",
    "revenue.no_prior_revenue": lambda f, m, p: f"Net revenue was {m(f['revenue'])}; the prior period has no revenue "
                                                "to compare with.",
    "actions.review": lambda f, m, p: f"Of {f['customers']} customers given actions last time, {f['all']} improved "
                                      f"on every measure targeted, {f['some']} on some and {f['none']} on none"
                                      + (f"; {f['unknown']} cannot be judged yet." if f["unknown"] else "."),
    "targets": lambda f, m, p: f"Revenue reached {p(f['attainment'])} of target"
                               + (f"; {f['below']:.0f} tier-A "
                                  + ("customer is below " if f["below"] == 1 else "customers are below ")
                                  + f"{p(f['threshold'])} of their own." if f["below"] else "."),
    "margin": lambda f, m, p: _margin(f, p),
    "profit.not_totalled": lambda f, m, p: "Gross and net profit are not totalled: "
                                           f"{_customers(f['customers'], 'has', 'have')} sales without COGS "
                                           "(see DataQuality).",
    "concentration": lambda f, m, p: f"Concentration: the largest customer brings {p(f['top1'])} of revenue, the top "
                                     f"five {p(f['top5'])} (HHI {f['hhi']:,.0f}).",
    "loss_makers": lambda f, m, p: f"{_customers(f['customers'], 'loses', 'lose')} money after cost-to-serve, "
                                   f"{m(f['total'])} in total; the largest loss is {f['worst']} "
                                   f"({m(f['worst_loss'])}).",
    "no_loss_makers": lambda f, m, p: "No customer loses money after cost-to-serve.",
    "receivables": lambda f, m, p: f"Receivables stand at {m(f['closing'])} with DSO of {days(f['dso'])} days; "
                                   f"{p(f['overdue'])} is overdue and {m(f['oldest'])} is in the oldest bucket.",
    "over_limit": lambda f, m, p: f"{_customers(f['customers'], 'is over its', 'are over their')} credit limit.",
    "churn": lambda f, m, p: f"{_customers(f['customers'], 'in tier A or B has', 'in tiers A and B have')} a "
                             "probability of being active below 50% and need a churn check.",
    "tiers": lambda f, m, p: f"There {'is' if f['a'] == 1 else 'are'} {f['a']:.0f} A, {f['b']:.0f} B and "
                             f"{f['c']:.0f} C customers this period.",
}



def built(customers: int, errors: int, warnings: int) -> str:
    """What `kam-xl build` says of a summary written."""
    return f"{customers} customers, {errors} errors, {warnings} warnings"


# The line `kam-xl build` writes for each input: its status, and what a failure leaves.
RUN = {"ok": "ok", "rejected": "ok, rows rejected", "failed": "failed", "nothing": "nothing written",
       "error": "error:", "refreshed": "refreshed", "backup": "; backup {name}"}


def counts(errors: int, warnings: int, notes: int) -> str:
    """The closing line of `kam-xl validate`."""
    def plural(count: int, noun: str) -> str:
        return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
    return ", ".join((plural(errors, "error"), plural(warnings, "warning"), plural(notes, "note")))


# A table read from a database or Spark (kam_xl.inputs.database): each failure is one line naming the table and
# the host, never the driver's text (it may carry a password).
UI.update({
    "db.unreachable": "{table}: cannot connect to {host} ({where}); check the host, the port and the network",
    "db.login": "{table}: {host} refused the login ({where}); check the user and KAM_XL_DB_PASSWORD (or .pgpass)",
    "db.no_table": "{table}: {host} has no such table ({where}); check table, query or parquet in kam.toml",
    "db.no_column": "{table}: no column for {column} in {where} on {host}; name it in the table's map in kam.toml",
    "db.query": "{table}: the query on {host} failed ({where}); check table, query and map in kam.toml",
    "db.permission": "{table}: {host} does not let the user read it ({where}); ask for SELECT on the table",
})
