"""Which sheet names and headers mean which contract table and column.

Four layers, first match wins: a user's ColumnMap (列映射), the contract's own
names (English and Chinese, docs/CONTRACT.md), built-in synonyms common to
Chinese and English exports, and the ERP presets (:mod:`kam_xl.inputs.presets`,
docs/IMPORT.md). Without ``--preset`` every preset's names are accepted and the
preset whose headers matched most is reported; with it, only that preset's.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from kam_xl.contract import TABLES, Column, TableSpec, normalize_name
from kam_xl.inputs.presets import PRESETS, Preset

# Headers many systems use for a contract column, whatever the system (widened from the
# names seen in Kingdee, Yonyou, SAP and CRM exports; docs/IMPORT.md).
SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "Customers": {
        "CustomerID": ("客户编码", "客户代码", "客户号", "客户ID", "Customer ID", "Customer No", "Customer Number",
                       "Customer Code", "Customer"),
        "CustomerName": ("客户全称", "Customer Name"),
        "Industry": ("所属行业", "行业类别"),
        "Region": ("所属地区", "区域", "客户区域"),
        "AccountManager": ("专管业务员", "业务员", "销售员", "Account Manager", "Sales Rep", "Sales Employee"),
        "CreditLimit": ("Credit Limit",),
        "PaymentTermsDays": ("信用期限", "账期", "账期(天)", "Payment Terms Days"),
        "ParentID": ("集团客户", "集团客户编码", "上级客户", "客户总公司编码", "Parent ID", "Parent Customer",
                     "Higher-Level Customer"),
    },
    "Sales": {
        "Date": ("业务日期", "单据日期", "销售日期", "开票日期", "发货日期"),
        "CustomerID": ("客户编码", "客户代码", "客户号", "客户", "Customer ID", "Customer"),
        "DocumentNo": ("单据编号", "单据号码", "单号", "Document No", "Document Number"),
        "Product": ("物料名称", "存货名称", "产品名称", "商品名称", "Material Description"),
        "Quantity": ("实发数量", "销售数量", "出库数量", "主数量", "Qty"),
        "NetRevenue": ("本币无税金额", "不含税金额", "无税金额", "Net Revenue", "Net Amount"),
        "GrossAmount": ("本币价税合计", "价税合计", "本币含税金额", "含税金额", "Gross Amount"),
        "TaxRate": ("税率(%)", "税率%", "Tax Rate", "VAT Rate"),
        "COGS": ("成本金额", "总成本", "实际成本", "Cost", "Cost of Sales"),
        "Currency": ("币种", "结算币别", "币别名称", "货币", "Document currency"),
    },
    "Invoices": {
        "InvoiceNo": ("发票号码", "单据编号", "Invoice No", "Invoice Number", "Document Number"),
        "CustomerID": ("客户编码", "客户代码", "客户号", "客户", "Customer ID", "Customer"),
        "InvoiceDate": ("单据日期", "业务日期", "发票日期", "Invoice Date", "Document Date"),
        "DueDate": ("到期日期", "Due Date", "Net due date"),
        "Amount": ("价税合计", "应收金额", "Invoice Amount"),
        "Currency": ("币种", "币别名称", "货币", "Document currency"),
    },
    "Payments": {
        "InvoiceNo": ("源单编号", "Invoice No"),
        "CustomerID": ("客户编码", "客户代码", "客户号", "客户", "往来单位", "付款单位", "Customer ID", "Customer"),
        "PaymentDate": ("业务日期", "单据日期", "收款日期", "Payment Date"),
        "Amount": ("收款金额", "实收金额", "Payment Amount"),
        "Currency": ("币种", "币别名称", "货币"),
    },
    "Targets": {
        "Period": ("目标期间", "月份", "考核期间", "Month"),
        "Revenue": ("销售目标", "收入", "销售额目标", "销售收入目标", "Revenue Target", "Sales Target"),
        "GrossProfit": ("毛利", "毛利额目标", "Gross Profit Target"),
        "Collections": ("回款", "收款目标", "回款额目标", "Collections Target"),
        "AccountManager": ("业务员", "销售员", "Account Manager", "Sales Rep"),
    },
    "ProvisionRates": {
        "ToDays": ("UpToDays", "至天数", "止天数", "账龄上限天数"),
        "FromDays": ("起天数", "自天数", "账龄下限天数"),
        "Rate": ("比例", "计提率", "坏账计提比例"),
        "Amount": ("计提金额", "单项计提"),
    },
    "Contacts": {
        "Date": ("跟进时间", "跟进日期", "拜访日期", "联系日期"),
        "CustomerID": ("客户编码", "客户", "Customer ID"),
        "Channel": ("跟进方式", "联系方式", "跟进类型"),
        "Owner": ("跟进人",),
        "Feedback": ("跟进内容", "跟进记录"),
        "NextFollowUp": ("下次联系时间", "下次跟进时间"),
    },
}

CONTRACT, SYNONYM, MAP = "contract", "synonym", "map"


@dataclass(frozen=True)
class Origin:
    """Where a name comes from: the contract, a synonym, a preset or a map row."""

    kind: str
    preset: str | None = None
    row: int | None = None


@dataclass
class Names:
    """Accepted sheet names per table and headers per (table, column), each
    with its origin, in the order they are tried."""

    sheets: dict[str, dict[str, Origin]] = field(default_factory=dict)
    headers: dict[tuple[str, str], dict[str, Origin]] = field(default_factory=dict)
    forced_preset: str | None = None
    # The reporting currency: an amount marked with another ('$1,000') is not read as it.
    currency: str = "CNY"

    def add_sheet(self, table: str, name: str, origin: Origin) -> None:
        self.sheets.setdefault(table, {}).setdefault(normalize_name(name), origin)

    def add_header(self, table: str, column: str, name: str, origin: Origin) -> None:
        key = normalize_name(name)
        if key:
            self.headers.setdefault((table, column), {}).setdefault(key, origin)

    def table_aliases(self, spec: TableSpec) -> dict[str, Origin]:
        return self.sheets.get(spec.name, {})

    def column_aliases(self, spec: TableSpec, column: Column) -> dict[str, Origin]:
        return self.headers.get((spec.name, column.name), {})

    def origin(self, spec: TableSpec, column: Column, header: str) -> Origin | None:
        return self.column_aliases(spec, column).get(normalize_name(header))

    def with_map(self, rows: list[tuple[int, str, str | None, str | None, str | None]]) -> Names:
        """These names with a user's ColumnMap in front: rows of (worksheet
        row, Table, SourceSheet, SourceColumn, Column), already checked."""
        mapped = Names(forced_preset=self.forced_preset, currency=self.currency)
        for row, table, sheet, source, column in rows:
            if sheet:
                mapped.add_sheet(table, sheet, Origin(MAP, row=row))
            if source and column:
                mapped.add_header(table, column, source, Origin(MAP, row=row))
        for table, names in self.sheets.items():
            for name, origin in names.items():
                mapped.sheets.setdefault(table, {}).setdefault(name, origin)
        for key, names in self.headers.items():
            for name, origin in names.items():
                mapped.headers.setdefault(key, {}).setdefault(name, origin)
        return mapped


def without_detected(names: Names) -> Names:
    """``names`` without the sheet names guessed from one workbook's headers:
    another file's Sheet1 is not that workbook's Sheet1."""
    kept = Names(forced_preset=names.forced_preset, currency=names.currency, headers=names.headers)
    kept.sheets = {table: {name: origin for name, origin in sheets.items() if origin.kind != "detected"}
                   for table, sheets in names.sheets.items()}
    return kept


def default_names(preset: str | None = None) -> Names:
    """The contract's names, the synonyms, and every preset's names (or only
    those of ``preset``, a key of PRESETS)."""
    names = Names(forced_preset=preset)
    for spec in TABLES.values():
        for name in (spec.name, spec.zh):
            names.add_sheet(spec.name, name, Origin(CONTRACT))
        for column in spec.columns:
            for name in (column.name, column.zh):
                names.add_header(spec.name, column.name, name, Origin(CONTRACT))
    for table, columns in SYNONYMS.items():
        for column, synonyms in columns.items():
            for name in synonyms:
                names.add_header(table, column, name, Origin(SYNONYM))
    for key, found in PRESETS.items():
        if preset is None or key == preset:
            _add_preset(names, key, found)
    return names


def _add_preset(names: Names, key: str, preset: Preset) -> None:
    for table, sheets in preset.sheets.items():
        for name in sheets:
            names.add_sheet(table, name, Origin("preset", key))
    for table, columns in preset.columns.items():
        for column, headers in columns.items():
            for name in headers:
                names.add_header(table, column, name, Origin("preset", key))


def preset_scores(names: Names, used: dict[str, dict[str, str]]) -> dict[str, int]:
    """How many of the headers used (table -> column -> header text), other
    than the contract's own names, each preset names: which system the export
    looks like."""
    scores = dict.fromkeys(PRESETS, 0)
    for table, columns in used.items():
        for column, header in columns.items():
            origin = names.origin(TABLES[table], TABLES[table].column(column), header)
            if origin is None or origin.kind not in (SYNONYM, "preset"):
                continue
            key = normalize_name(header)
            for preset_key, preset in PRESETS.items():
                scores[preset_key] += key in {normalize_name(h) for h in preset.columns.get(table, {}).get(column, ())}
    return scores
