"""The input half of the contract (docs/CONTRACT.md): input tables, their columns, aliases and kinds.

Only names live here: parsing is in kam_xl.inputs.parsing, reading in kam_xl.inputs, display words in
kam_xl.words.
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
    fallback: str | None = None    # message key (a Warning) for an unreadable cell a fallback replaces
    gross_first: bool = False      # a tax-inclusive header (价税合计) wins over a plain one (金额, net in lists)


@dataclass(frozen=True)
class TableSpec:
    name: str
    zh: str
    columns: tuple[Column, ...]
    required: bool = False
    key: str | None = "CustomerID"
    # How the reader treats the table (kam_xl.inputs), said here rather than in lists of table names:
    settings: bool = False          # the tool's settings: no ColumnMap row, sheet claim or read-as note names it
    say_absent: bool = True         # an absent optional table is said (Info); not when a default stands in
    say_empty: bool = True          # an empty table is said (Info); not when the analysis says what it skips
    amounts: tuple[str, ...] = ()   # an amount table's amounts, in order of the ledger's choice (inputs.ledger)
    document: str | None = None     # the document's number: a bill's lines share it, two sources never
    bill_fields: tuple[str, ...] = ()   # a bill's header fields, filled down on its continuation lines
    bill_date: str | None = None    # the date that, with the key, starts a bill's line
    typical_rows: int = 0           # relative row count, to share the reading threads evenly
    condense: bool = False          # a large extract file of it is condensed as it is read (inputs.condense)

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
    ), required=True, amounts=("NetRevenue", "GrossAmount", "COGS"), document="DocumentNo",
        bill_fields=("DocumentNo", "CustomerID", "Date", "Currency"), bill_date="Date", typical_rows=10,
        condense=True),
    TableSpec("Invoices", "发票", (
        Column("InvoiceNo", "发票号", ID, True),
        _CID,
        Column("InvoiceDate", "开票日期", DATE, True),
        Column("DueDate", "到期日", DATE, fallback="due_date.fallback"),
        Column("Amount", "金额", NUMBER, True, gross_first=True),
        Column("Currency", "币别", TEXT),
    ), say_empty=False, amounts=("Amount",), document="InvoiceNo",
        bill_fields=("InvoiceNo", "CustomerID", "InvoiceDate", "DueDate", "Currency"), bill_date="InvoiceDate",
        typical_rows=3),
    TableSpec("Payments", "收款", (
        Column("InvoiceNo", "发票号", ID),
        _CID,
        Column("PaymentDate", "收款日期", DATE, True),
        Column("Amount", "金额", NUMBER, True, gross_first=True),
        Column("Currency", "币别", TEXT),
    ), amounts=("Amount",), bill_fields=("CustomerID", "PaymentDate", "Currency"), bill_date="PaymentDate",
        typical_rows=2),
    TableSpec("Activities", "服务作业", (
        Column("Date", "日期", DATE, True),
        _CID,
        Column("Activity", "作业", TEXT, True),
        Column("DriverQuantity", "作业量", NUMBER, minimum=0, effect="effect.driver"),
        Column("DirectCost", "直接费用", NUMBER, effect="effect.direct_cost"),
    ), typical_rows=4),
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
    ), say_empty=False, typical_rows=1),
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
    ), key=None, say_absent=False, say_empty=False),
    # Targets (目标): per customer or account manager, per month, quarter, year or date range.
    TableSpec("Targets", "目标", (
        Column("CustomerID", "客户编号", ID),
        Column("AccountManager", "客户经理", TEXT),
        Column("Period", "期间", TEXT, True),
        Column("Revenue", "收入目标", NUMBER),
        Column("GrossProfit", "毛利目标", NUMBER),
        Column("Collections", "回款目标", NUMBER),
    ), key=None, say_absent=False, say_empty=False),
    # Exchange rates: units of the reporting currency per unit of Currency, from Date until the next rate.
    TableSpec("FXRates", "汇率", (
        Column("Date", "日期", DATE, True),
        Column("Currency", "币别", TEXT, True),
        Column("Rate", "汇率", NUMBER, True, minimum=0),
    ), key="Currency", say_absent=False, say_empty=False),
    TableSpec("Parameters", "参数", (
        Column("Parameter", "参数", TEXT, True),
        Column("Value", "值", TEXT, True, allow_blank=True),
    ), key="Parameter", settings=True, say_absent=False),
    # Which of the user's sheets and headers feed which contract table and column (docs/IMPORT.md).
    TableSpec("ColumnMap", "列映射", (
        Column("Table", "表", TEXT, True),
        Column("SourceSheet", "来源工作表", TEXT),
        Column("SourceColumn", "来源列", TEXT),
        Column("Column", "列", TEXT),
    ), key="Table", settings=True, say_absent=False, say_empty=False),
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
