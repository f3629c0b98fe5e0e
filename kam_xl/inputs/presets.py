"""ERP and CRM export presets: the sheet names and headers each system writes
when a list is exported to Excel, for the contract tables they feed.

For each column the names are in order of preference: a local-currency
(本位币) amount before a document-currency one, a code before a name. The
research behind them, with sources and how sure each name is, is in
docs/IMPORT.md (generated from this module by ``import_markdown``).
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Preset:
    key: str
    title: str
    sheets: dict[str, tuple[str, ...]]
    columns: dict[str, dict[str, tuple[str, ...]]]
    notes: tuple[str, ...] = ()
    sources: tuple[str, ...] = field(default_factory=tuple)


KINGDEE = Preset(
    "kingdee", "Kingdee 金蝶云星空 (K/3 Cloud) and EAS",
    sheets={"Customers": ("客户列表",), "Sales": ("销售出库单", "销售出库单列表"),
            "Invoices": ("应收单", "应收单列表"), "Payments": ("收款单", "收款单列表")},
    columns={
        "Customers": {"CustomerID": ("客户编码", "编码"), "CustomerName": ("客户名称", "名称", "简称"),
                      "AccountManager": ("销售员",), "Region": ("地区",),
                      "ParentID": ("对应集团客户.编码", "对应集团客户编码", "对应集团客户")},
        "Sales": {"DocumentNo": ("单据编号",), "Date": ("日期", "业务日期"),
                  "CustomerID": ("客户编码", "送货客户编码", "客户", "送货客户"), "Product": ("物料名称",),
                  "Quantity": ("实发数量", "出库数量"), "NetRevenue": ("金额(本位币)", "金额本位币", "金额"),
                  "GrossAmount": ("价税合计(本位币)", "价税合计本位币", "价税合计"),
                  "TaxRate": ("税率(%)", "税率%", "税率"),
                  "COGS": ("总成本(本位币)", "总成本", "实际成本")},
        "Invoices": {"InvoiceNo": ("单据编号",), "CustomerID": ("客户编码", "客户"), "InvoiceDate": ("业务日期",),
                     "DueDate": ("到期日",), "Amount": ("价税合计本位币", "价税合计(本位币)", "价税合计")},
        "Payments": {"InvoiceNo": ("源单编号",), "CustomerID": ("往来单位编码", "往来单位", "付款单位"),
                     "PaymentDate": ("业务日期",), "Amount": ("表体-实收金额", "实收金额本位币", "实收金额")},
    },
    notes=(("`客户` on document lists holds the customer's name; kam-xl matches it to the Customers table by "
           "name when no code column is exported (say so in DataQuality)."),
           "The cost column of 销售出库单 is `总成本`; `成本价` is a unit cost and is not used.",
           ("The customer master has no industry or credit-limit field: add 行业 and 信用额度 columns by hand, or "
           "map 客户类别 in a ColumnMap if that is how your company classifies customers."),
           "`收款条件` is a code, not days: PaymentTermsDays stays empty unless mapped."),
    sources=(("LittleBeaverStudio/KingdeeDataExporter data_exporter.py (SAL_OUTSTOCK, AR_receivable, "
             "AR_RECEIVEBILL field→header lists)"),
             "K/3 Cloud caption:FieldKey lists (税率(%), 价税合计(本位币), 总成本, 总成本(本位币))",
             "qeasy.cloud K/3 Cloud SAL_OUTSTOCK and customer field mappings",
             "CSDN K/3 Cloud AP_Payable / 收款单 query field lists (到期日, 币别, 业务日期)",
             "Kingdee EAS sales-out EasyExcel model (送货客户编码, 出库数量, 金额本位币, 实际成本)"),
)

YONYOU = Preset(
    "yonyou", "Yonyou 用友 U8, NC / NCC and YonSuite / YonBIP",
    sheets={"Customers": ("客户档案", "客户档案列表"),
            "Sales": ("销售发票", "销售发票列表", "销售专用发票", "销售普通发票", "发货单", "销售发货单"),
            "Invoices": ("应收单据", "应收单列表"), "Payments": ("收款单据", "收款单列表")},
    columns={
        "Customers": {"CustomerID": ("客户编码",), "CustomerName": ("客户名称", "客户简称"),
                      "Industry": ("所属行业",), "CreditLimit": ("信用额度",), "PaymentTermsDays": ("信用期限",),
                      "AccountManager": ("专管业务员",), "Region": ("所属地区", "客户区域"),
                      "ParentID": ("客户总公司编码", "客户总公司")},
        "Sales": {"DocumentNo": ("发票号", "发货单号", "单据编号"),
                  "Date": ("开票日期", "发票日期", "发货日期", "单据日期"),
                  "CustomerID": ("客户编码", "客户名称", "客户简称"), "Product": ("存货名称", "物料名称", "物料"),
                  "Quantity": ("数量", "主数量"), "NetRevenue": ("本币无税金额", "无税金额", "原币无税金额"),
                  "GrossAmount": ("本币价税合计", "本币含税金额", "价税合计", "原币价税合计", "含税金额"),
                  "TaxRate": ("税率",), "COGS": ("成本金额",)},
        "Invoices": {"InvoiceNo": ("单据编号", "单据号"), "CustomerID": ("客户编码", "客户"),
                     "InvoiceDate": ("单据日期",), "DueDate": ("到期日",), "Amount": ("本币金额", "金额")},
        "Payments": {"CustomerID": ("客户编码", "客户"), "PaymentDate": ("单据日期",),
                     "Amount": ("本币金额", "收款金额", "金额")},
    },
    notes=("U8 and NC write 价税合计, YonSuite 含税金额: both are tax-inclusive and feed GrossAmount.",
           ("U8 sales lists carry no cost: export 销售出库单 with 成本 or map the 存货核算 销售成本 column, else "
           "margins stay empty (never 0).")),
    sources=("U8 MES field-map SQL (发货单号, 客户编码, 币种, 汇率, 税率, 本币价税合计)",
             "JSP list and C# view models over U8 data (存货名称, 本币无税金额, 本币价税合计)",
             ("U8 Ap_CloseBill entity (单据号, 单据日期, 客户编码); U8 customer form (所属行业, 信用额度, 信用期限, "
             "专管业务员, 客户总公司编码)"),
             "NC sales invoice DDL comments (本币无税金额, 本币价税合计); YonBIP V5 metadata (本币含税金额, 成本金额)",
             "YonSuite receipt API (收款金额, 本币金额) and customer mappings (专管业务员, 客户区域)"),
)

SAP = Preset(
    "sap", "SAP ECC / S/4HANA (FBL5N customer line items, VF05 billing documents)",
    sheets={"Invoices": ("FBL5N",), "Sales": ("VF05", "Billing Documents")},
    columns={
        "Customers": {"CustomerID": ("Customer",), "CustomerName": ("Name 1", "Name"), "Industry": ("Industry",),
                      "CreditLimit": ("Credit limit",), "Region": ("Region",),
                      "AccountManager": ("Sales Employee",), "ParentID": ("Higher-Level Customer",)},
        "Sales": {"DocumentNo": ("Billing Document", "开票凭证"), "Date": ("Billing Date", "开票日期"),
                  "CustomerID": ("Sold-To Party", "Payer", "Bill-to Party", "售达方", "付款方"),
                  "Product": ("Material Description", "Material"), "Quantity": ("Billed Quantity", "Bill Qty"),
                  "NetRevenue": ("Net Value", "净值"), "COGS": ("Cost",)},
        "Invoices": {"InvoiceNo": ("Document Number", "Reference", "凭证编号"),
                     "CustomerID": ("Account", "Customer", "账户", "帐户", "客户"),
                     "InvoiceDate": ("Document Date", "Posting Date", "凭证日期", "过账日期"),
                     "DueDate": ("Net due date", "净到期日", "净价到期日"),
                     "Amount": ("Amount in local currency", "Amount in Loc. Curr.", "Amount in LC", "本币金额",
                                "按本币计的金额")},
    },
    notes=(("FBL5N open items include payments on account and credit memos as negative lines; they are read as "
           "negative invoices. Drop the `Result` subtotal rows or leave them: a row whose key says Result/合计 "
           "is reported and not used."),
           "`Arrears after net due date` is a number of days, not a date; kam-xl computes days overdue itself.",
           ("The Chinese SAP GUI headings (凭证编号, 净到期日, 本币金额...) are SAP's field descriptions; no real "
           "Chinese FBL5N export was seen.")),
    sources=(("Python FBL5N open-items importers renaming Document Date / Net due date / Amount in doc. curr. / "
             "Account / Document Number / Billing Document"),
             "Athena DDL for FBL5N-style exports (Amount in local currency, Net due date, Credit limit)",
             "SAP Excel connector mapping and S/4 OData CDS labels (Billing Date, Net Value, Billing Document)",
             "C# FBL5N RFC wrapper with Chinese descriptions (按本币计的金额, 净价到期日)"),
)

CRM = Preset(
    "crm", "CRM activity and follow-up exports (Salesforce; 简道云, 悟空CRM and similar Chinese CRMs)",
    sheets={"Contacts": ("Activity History", "Tasks", "Events", "跟进记录", "跟进记录列表", "活动记录", "销售记录")},
    columns={
        "Contacts": {"Date": ("Activity Date", "Completed Date/Time", "Created Date", "跟进时间", "创建时间"),
                     "CustomerID": ("Account ID", "Account Name", "Company / Account", "客户名称", "所属客户"),
                     "Channel": ("Type", "Activity Type", "Call Type", "跟进方式", "跟进类型"),
                     "Owner": ("Assigned To", "Assigned", "跟进人", "负责人", "创建人"),
                     "Feedback": ("Comments", "Subject", "跟进内容", "活动内容"),
                     "NextFollowUp": ("下次联系时间",)},
    },
    notes=("CRM exports name the customer (客户名称, Account Name); kam-xl matches names to the Customers table.",
           ("An export sheet called `Activities` is read as kam-xl's cost-to-serve Activities table: rename it or "
           "map it to Contacts in a ColumnMap.")),
    sources=("Salesforce Field Reference, OpenActivity / ActivityHistory (Account ID, Type, Assigned To, Comments)",
             "悟空CRM CrmActivity entity (WuKongOpenSource/WukongCRM-11.0-JAVA)",
             "简道云 follow-up record template (跟进时间, 跟进方式, 跟进内容, 跟进人)"),
)

PRESETS: dict[str, Preset] = {p.key: p for p in (KINGDEE, YONYOU, SAP, CRM)}


def import_markdown() -> str:
    """The presets and synonyms as documented in docs/IMPORT.md (a test keeps them equal)."""
    from kam_xl.inputs.names import SYNONYMS
    lines = ["## Presets", ""]
    for preset in PRESETS.values():
        lines += [f"### `{preset.key}`: {preset.title}", ""]
        if preset.sheets:
            lines.append("Sheets: " + "; ".join(f"{table} ← " + ", ".join(f"`{s}`" for s in sheets)
                                                for table, sheets in preset.sheets.items()) + ".")
            lines.append("")
        lines += ["| table | column | headers, in order of preference |", "|---|---|---|"]
        for table, columns in preset.columns.items():
            for column, headers in columns.items():
                lines.append(f"| {table} | {column} | " + ", ".join(f"`{h}`" for h in headers) + " |")
        lines.append("")
        lines += [f"- {note}" for note in preset.notes]
        lines += ["", "Sources: " + "; ".join(preset.sources) + ".", ""]
    lines += ["## Synonyms (always on)", "", "| table | column | also accepted |", "|---|---|---|"]
    for table, columns in SYNONYMS.items():
        for column, names in columns.items():
            lines.append(f"| {table} | {column} | " + ", ".join(f"`{n}`" for n in names) + " |")
    return "\n".join(lines) + "\n"
