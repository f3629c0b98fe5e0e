"""The input template (``workbook/KAM_Summary.xlsm``, ``kam-xl new``) and the
filled demo book, written with XlsxWriter.

The VBA project is xlwings' own ``quickstart_standalone.xlsm`` project,
copied byte for byte (its Module1 runs ``import <workbook name>;
<workbook name>.main()``); the sheets that its document modules belong to
keep their code names (ReadMe = Sheet1, xlwings.conf = Sheet2).
"""
from __future__ import annotations

import datetime as dt
import io
import zipfile
from importlib import resources
from pathlib import Path

import pandas as pd

from kam_xl import __version__
from kam_xl.contract import DATE, ID, INPUT_TABLES, NUMBER, TABLES
from kam_xl.inputs.params import PARAMETER_ZH, Params
from kam_xl.inputs.presets import PRESETS
from kam_xl.inputs.safe_io import atomic_output
from kam_xl.render.xlsx import INPUT_FILL, TAB_INFO, TAB_INPUT, VBA_PART, Formats, new_workbook, write_column
from kam_xl.words import ui

QUICKSTART = "quickstart_standalone.xlsm"
DATA_VALIDATION_ROWS = 5000
UDF_MODULE = "kam_udfs"

COLUMN_HELP = {
    "CustomerID": ("Unique customer code; the key in every table", "客户唯一编号，所有表都用它关联"),
    "ParentID": ("The group (parent company) the customer belongs to; blank = its own group",
                 "所属集团（母公司）的客户编号或名称；空白 = 自成一个集团"),
    "CreditLimit": ("Credit limit in reporting currency, >= 0 (optional)", "信用额度（报告币种），>= 0，可不填"),
    "PaymentTermsDays": ("Payment terms in days; due date = invoice date + terms", "账期天数；到期日 = 开票日 + 账期"),
    "EstimatedWallet": ("Customer's yearly spend in our category (optional)", "客户在本品类的年采购额估计，可不填"),
    "DocumentNo": ("Order or invoice number; distinct numbers count as orders", "订单或单据号；不同单据号计为不同订单"),
    "NetRevenue": ("Revenue excl. VAT after discounts; returns negative", "不含税销售收入（折扣后），退货为负数"),
    "COGS": ("Cost of goods sold for the line", "该行的销售成本"),
    "DueDate": ("Optional; blank = invoice date + payment terms", "可不填；空白时按开票日 + 账期计算"),
    "Amount": ("Amount incl. VAT; credit notes negative", "含税金额；红字发票为负数"),
    "InvoiceNo": ("Invoice paid; blank or unknown = unapplied receipt", "对应发票号；空白或未知视为未核销收款"),
    "DriverQuantity": ("Number of driver units (orders, deliveries, visits...)", "作业量（订单数、送货次数、拜访次数等）"),
    "DirectCost": ("Direct cost: rebates, samples, dedicated staff (optional)", "直接费用：返利、样品、专职人员等，可不填"),
    "Rate": ("Cost per driver unit", "每单位作业的成本"),
    "Satisfaction": ("Satisfaction score 1-5", "满意度评分 1-5"),
    "NextFollowUp": ("Next follow-up date agreed at this contact", "本次联系约定的下次跟进日期"),
    "GrowthOutlook": ("Expected industry growth per year, e.g. 8% or 0.08", "行业年增速预期，如 8% 或 0.08"),
    "Industry": ("Industry; pick from the IndustryOutlook table", "行业；从行业前景表中选择"),
    "GrossAmount": ("Amount incl. VAT (价税合计); without NetRevenue, revenue = GrossAmount / (1 + TaxRate)",
                    "价税合计；不填销售收入时，收入 = 价税合计 ÷（1 + 税率）"),
    "TaxRate": ("VAT rate: 0.13, 13% or 13; blank = the VATRate parameter", "增值税税率：0.13、13% 或 13；空白 = 参数中的增值税税率"),
    "Currency": ("Currency of the amounts (USD, 美元...); blank = reporting currency; needs FXRates",
                 "金额的币别（USD、美元……）；空白 = 报告币种；需要汇率表"),
    "SourceColumn": ("Your header, as in your sheet or export", "您的表头（与工作表或导出文件一致）"),
    "SourceSheet": ("Your sheet holding Table (optional)", "存放该表的您的工作表（可不填）"),
}

PARAMETER_HELP = {
    "AsOfDate": ("Balances date; blank = latest date in the data", "余额截止日；空白 = 数据中最晚日期"),
    "PeriodStart": ("Blank = AsOfDate minus 12 months plus one day", "空白 = 截止日前推12个月加1天"),
    "PeriodEnd": ("Blank = AsOfDate", "空白 = 截止日"),
    "ReportingCurrency": ("Three-letter code", "三位币种代码"),
    "ABCBasis": ("NetRevenue, GrossProfit or NetProfit", "NetRevenue、GrossProfit 或 NetProfit"),
    "ABCShareA": ("Cumulative share limit of tier A", "A类累计占比上限"),
    "ABCShareB": ("Cumulative share limit of tier B", "B类累计占比上限"),
    "AgingBuckets": ("Overdue bucket limits in days", "逾期账龄区间（天）"),
    "AgingBasis": ("DueDate: buckets by days overdue; InvoiceDate: by age from the invoice date",
                   "DueDate：按逾期天数分段；InvoiceDate：按开票日起算的账龄分段"),
    "AverageARMethod": ("OpeningClosing: (opening + closing) / 2; MonthEnd: mean of the month-end balances",
                        "OpeningClosing：(期初 + 期末) / 2；MonthEnd：各月末余额的平均"),
    "VATRate": ("VAT rate for tax-inclusive sales lines without their own rate", "含税销售行未给税率时使用的增值税税率"),
    "FollowUpLevels": ("Days overdue for: reminder, call, account manager, stop deliveries, legal",
                       "逾期天数达到时：提醒、电话、客户经理、停止发货、法务"),
    "ProvisionInNetProfit": ("TRUE: customer net profit after the period's bad-debt charge",
                             "TRUE：客户净贡献扣除本期信用减值损失"),
    "TrendMonths": ("Calendar months shown month by month on the Trend sheet", "趋势表逐月列示的自然月数"),
    "PurchaseModel": ("BGNBD, ParetoNBD or Auto (the one with the lower AIC)", "BGNBD、ParetoNBD 或 Auto（按 AIC 自动选择）"),
    "HoldoutMonths": ("Months held out to check the purchase models' forecast (blank: no check)",
                      "留作样本外检验的月数（空白：不检验）"),
    "PreviousSummary": ("Last period's summary (a file beside this one): its actions are reviewed",
                        "上期生成的汇总文件（与本文件同目录）：复核其建议措施的效果"),
    "CostOfCapital": ("Yearly cost of capital for financing cost", "年资金成本率（计算资金占用成本）"),
    "ForecastMonths": ("CLV horizon in months", "客户终身价值预测月数"),
    "DiscountRate": ("Yearly discount rate for CLV", "客户终身价值年折现率"),
    "PotentialWeights": ("Weights of the potential score", "潜力评分权重"),
    "ContactCadenceDays": ("Maximum days between contacts by tier", "各等级客户最长联系间隔天数"),
    "Language": ("en or zh-CN", "en 或 zh-CN"),
    "DataStart": ("Records are complete from this date (nothing owed before it); blank = the earliest date in "
                  "each table", "记录自该日起完整（此前无欠款）；空白 = 各表中最早日期"),
    "MinCoverage": ("Share of the prior period the data must cover for comparisons", "上期须被数据覆盖的最低比例（用于同比环比）"),
    "SalesFile": ("Optional CSV/Parquet file with the Sales lines (beside this workbook)", "可选：销售明细 CSV/Parquet 文件"),
    "InvoicesFile": ("Optional CSV/Parquet file with the Invoices", "可选：发票 CSV/Parquet 文件"),
    "PaymentsFile": ("Optional CSV/Parquet file with the Payments", "可选：收款 CSV/Parquet 文件"),
}


README_LINES = [
    ("kam-xl · Key-account accounting summary 大客户管理会计汇总", "title"),
    ("", None),
    ("What this workbook is · 本工作簿用途", "heading"),
    ("Fill the yellow input tables; kam-xl turns them into the summary: tiers, profit after cost-to-serve, "
     "receivables, relationship upkeep, potential, strategy and risk.", None),
    ("填写黄色的输入表，kam-xl 生成汇总：客户分级、扣除服务成本后的利润、应收账款、客户关系维护、潜力、策略与风险。", None),
    ("", None),
    ("How to use · 使用步骤", "heading"),
    ("1. Paste or type your data into the tables (headers may be English or Chinese; extra columns are kept).", None),
    ("   把数据粘贴到各输入表（表头可用中文或英文；多余的列会保留）。", None),
    ("   Rows typed or pasted straight under a table are read even when the table does not grow (LibreOffice, "
     "WPS, scripts); DataQuality names them so you can extend the table (Table Design > Resize Table).", None),
    ("   直接在表格下方输入或粘贴的行即使表格未自动扩展（LibreOffice、WPS、脚本写入）也会读取，"
     "数据质量表会列出这些行，便于调整表格范围。", None),
    ("   Leave a cell blank when you do not know it: kam-xl never counts a blank cost as 0.", None),
    ("   不清楚的数值请留空：kam-xl 不会把空白成本当作 0。", None),
    ("2. Check Parameters (as-of date, currency, ABC limits...). Blank values use the defaults.", None),
    ("   检查参数表（截止日、币种、ABC 分级界限等），空白即用默认值。", None),
    ("3. Build the summary: command line `kam-xl build THIS_FILE`, or in Excel: xlwings add-in > Run main.", None),
    ("   生成汇总：命令行 `kam-xl build 本文件`，或在 Excel 中：xlwings 加载项 > Run main。", None),
    ("4. Problems in the data are listed on the DataQuality sheet, in your language, with your sheet, cell "
     "and header (e.g. Sales!F12 NetRevenue).", None),
    ("   数据问题列在 DataQuality（数据质量）表中，注明您的工作表、单元格和表头（如 销售!F12 销售收入）。", None),
    ("", None),
    ("Colours · 颜色约定", "heading"),
    ("Yellow tabs and cells: inputs you fill · 黄色：需填写的输入", "input"),
    ("Blue tabs: outputs written by kam-xl (do not edit) · 蓝色：kam-xl 生成的输出（请勿修改）", "output"),
    ("Grey tabs: information and settings · 灰色：说明与设置", "info"),
    ("", None),
    ("Required tables · 必填表", "heading"),
    ("Customers 客户 and Sales 销售 are required; Invoices, Payments, Activities, ActivityRates, Contacts and "
     "IndustryOutlook enable the receivables, cost-to-serve, relationship and potential analyses.", None),
    ("客户表和销售表必填；发票、收款、服务作业、作业费率、联系记录、行业前景表用于应收、服务成本、关系与潜力分析。", None),
    ("FXRates converts amounts in other currencies (Currency column); ColumnMap says which of your own headers "
     "feed which column (docs/IMPORT.md).", None),
    ("汇率表用于换算外币金额（币别列）；列映射表说明您自己的表头对应哪一列（见 docs/IMPORT.md）。", None),
    ("", None),
    ("Formulas in cells · 单元格公式", "heading"),
    ("With the xlwings add-in and `Import Functions`, formulas such as =KAM_DSO(...), =KAM_ABC(...) and "
     "=KAM_AGING(...) work in any cell; {examples_en}", None),
    ("安装 xlwings 加载项并 Import Functions 后，可在单元格中使用 =KAM_DSO(...)、=KAM_ABC(...) 等公式，{examples_zh}", None),
]
# Where the worked examples of those formulas are: in this workbook when it has the Examples sheet, else how to get it.
EXAMPLES_TEXT = {
    True: {"examples_en": "see the {sheet} sheet.",
           "examples_zh": "示例见“{sheet}”表。"},
    False: {"examples_en": "`kam-xl new --calc` writes a template with an Examples sheet of worked formulas "
                           "(docs/EXCEL.md: Excel on Windows).",
            "examples_zh": "用 `kam-xl new --calc` 生成的模板另有“公式示例”表，逐一示范这些公式（见 docs/EXCEL.md《在 Excel 中使用公式》一节）。"},
}


def quickstart_vba() -> bytes:
    """xlwings' quickstart VBA project, byte for byte."""
    path = resources.files("xlwings") / QUICKSTART
    with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as archive:
        return archive.read(VBA_PART)


def sheet_name(table: str, language: str, preset: str | None = None) -> str:
    if preset is not None and PRESETS[preset].sheets.get(table):
        return PRESETS[preset].sheets[table][0]
    return TABLES[table].zh if language == "zh-CN" else table


def column_header(table: str, column: str, language: str, preset: str | None = None) -> str:
    if preset is not None and PRESETS[preset].columns.get(table, {}).get(column):
        return PRESETS[preset].columns[table][column][0]
    spec = TABLES[table].column(column)
    return spec.zh if language == "zh-CN" else spec.name


def write_template(path: str | Path, data: dict[str, pd.DataFrame] | None = None, language: str = "en",
                   examples=None, preset: str | None = None) -> Path:
    """Write the input template (optionally filled with ``data``, canonical
    columns) to ``path`` atomically. ``.xlsm`` gets the xlwings VBA project.
    ``examples`` writes the UDF worked-examples sheet (see kam_xl.authoring.examples).
    ``preset`` (a key of kam_xl.inputs.presets.PRESETS) names the sheets and
    headers as that system exports them, so its lists paste straight in."""
    path = Path(path)
    with atomic_output(path) as temp:
        book = new_workbook(temp)
        formats = Formats(book, "CNY", language)
        macro = path.suffix.lower() == ".xlsm"
        if macro:
            book.add_vba_project(io.BytesIO(quickstart_vba()), is_stream=True)
            book.set_vba_name("ThisWorkbook")
        book.set_properties({"title": "kam-xl key-account accounting template", "author": "kam-xl",
                             "comments": f"kam-xl {__version__}", "created": dt.datetime(2026, 1, 1)})
        readme = book.add_worksheet("ReadMe" if language != "zh-CN" else "说明")
        if macro:
            readme.set_vba_name("Sheet1")
        _write_readme(readme, formats, ui("sheet.examples", language) if examples is not None else None)
        for table in INPUT_TABLES:
            if table == "Parameters":
                continue
            frame = (data or {}).get(table)
            _write_input_table(book, formats, table, frame, language, preset)
        _write_parameters(book, formats, (data or {}).get("Parameters"), language)
        if examples is not None:
            examples(book, formats, language)
        conf = book.add_worksheet("xlwings.conf")
        if macro:
            conf.set_vba_name("Sheet2")
        _write_xlwings_conf(conf)
        readme.activate()
        book.close()
    return path


def _write_readme(sheet, formats: Formats, examples: str | None = None) -> None:
    """The ReadMe (说明) sheet; ``examples``: the name of the Examples sheet when the workbook has one."""
    sheet.set_tab_color(TAB_INFO)
    where = {k: v.format(sheet=examples) for k, v in EXAMPLES_TEXT[examples is not None].items()}
    sheet.set_column(0, 0, 130)
    styles = {
        "title": formats.title(), "heading": formats.get(bold=True, font_size=11),
        "input": formats.get(bg_color=INPUT_FILL), "output": formats.get(bg_color="#DDEBF7"),
        "info": formats.get(bg_color="#EDEDED"), None: formats.get(text_wrap=True),
    }
    for row, (line, style) in enumerate(README_LINES):
        sheet.write_string(row, 0, line.format(**where) if "{examples_" in line else line, styles[style])
    sheet.hide_gridlines(2)


def _write_input_table(book, formats: Formats, table: str, frame: pd.DataFrame | None, language: str,
                       preset: str | None = None) -> None:
    spec = TABLES[table]
    sheet = book.add_worksheet(sheet_name(table, language, preset))
    sheet.set_tab_color(TAB_INPUT)
    columns = [c.name for c in spec.columns]
    rows = 0 if frame is None else len(frame)
    header_format = formats.header()
    for col, column in enumerate(spec.columns):
        kind = {DATE: "date", NUMBER: "number", ID: "text"}.get(column.kind, "general")
        if column.name in ("PaymentTermsDays", "Satisfaction", "DriverQuantity", "Quantity"):
            kind = "int" if column.name != "DriverQuantity" else "number"
        if column.name == "GrowthOutlook":
            kind = "pct"
        cell_format = formats.get(kind, bg_color=INPUT_FILL)
        sheet.set_column(col, col, 14 if column.kind != "text" else 22, cell_format)
        help_en, help_zh = COLUMN_HELP.get(column.name, ("", ""))
        required = "Required · 必填" if column.required else "Optional · 选填"
        sheet.write_comment(0, col, f"{column.name} · {column.zh}\n{required}\n{help_en}\n{help_zh}".strip(),
                            {"x_scale": 2.2, "y_scale": 1.4, "font_name": formats.base["font_name"]})
        if frame is not None and column.name in frame:
            write_column(sheet, 1, col, frame[column.name], cell_format)
        _validate(sheet, col, column, rows)
    sheet.add_table(0, 0, max(rows, 1), len(columns) - 1, {
        "name": table, "style": "Table Style Light 1",
        "columns": [{"header": column_header(table, c, language, preset), "header_format": header_format}
                    for c in columns],
    })
    sheet.freeze_panes(1, 0)


def _validate(sheet, col: int, column, rows: int) -> None:
    last = max(rows, 1) + DATA_VALIDATION_ROWS
    if column.kind == DATE:
        rule = {"validate": "date", "criteria": "between", "minimum": dt.date(1900, 1, 1),
                "maximum": dt.date(2199, 12, 31), "error_message": "Enter a date · 请输入日期"}
    elif column.name == "Satisfaction":
        rule = {"validate": "integer", "criteria": "between", "minimum": 1, "maximum": 5,
                "error_message": "Whole number 1-5 · 请输入 1-5 的整数"}
    elif column.name in ("CreditLimit", "EstimatedWallet", "DirectCost", "Rate", "DriverQuantity"):
        rule = {"validate": "decimal", "criteria": ">=", "value": 0,
                "error_message": "Number >= 0 · 请输入不小于 0 的数"}
    elif column.name == "PaymentTermsDays":
        rule = {"validate": "integer", "criteria": ">=", "value": 0,
                "error_message": "Whole days >= 0 · 请输入不小于 0 的整数天数"}
    elif column.name == "Industry" and column.kind == "text":
        rule = {"validate": "list", "source": "=INDIRECT(\"IndustryOutlook[Industry]\")", "error_type": "warning",
                "error_message": "Not in IndustryOutlook · 不在行业前景表中"}
    else:
        return
    sheet.data_validation(1, col, last, col, {**rule, "ignore_blank": True, "error_title": "kam-xl"})


def _write_parameters(book, formats: Formats, given: pd.DataFrame | None, language: str) -> None:
    sheet = book.add_worksheet(sheet_name("Parameters", language))
    sheet.set_tab_color(TAB_INPUT)
    values = {**Params().typed(), "Language": language}   # the defaults, as in the contract
    if given is not None:
        values.update({str(k): v for k, v in zip(given["Parameter"], given["Value"])})
    zh = language == "zh-CN"
    headers = ["参数", "值", "说明"] if zh else ["Parameter", "Value", "Description"]
    text_input = formats.get("text", bg_color=INPUT_FILL)
    for row, (name, value) in enumerate(values.items(), start=1):
        sheet.write_string(row, 0, name, formats.get())
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            sheet.write_number(row, 1, value, formats.get("general", bg_color=INPUT_FILL))
        else:
            sheet.write_string(row, 1, str(value), text_input)
        help_en, help_zh = PARAMETER_HELP.get(name, ("", ""))
        label = f"{help_zh}（{PARAMETER_ZH[name]}）" if name in PARAMETER_ZH else help_zh
        sheet.write_string(row, 2, label if zh else help_en, formats.get())
    sheet.add_table(0, 0, len(values), 2, {"name": "Parameters", "style": "Table Style Light 1",
                                           "columns": [{"header": h, "header_format": formats.header()} for h in headers]})
    sheet.set_column(0, 0, 22)
    sheet.set_column(1, 1, 34)
    sheet.set_column(2, 2, 60)
    sheet.freeze_panes(1, 0)


def _write_xlwings_conf(sheet) -> None:
    """Settings read by the xlwings VBA (keys in column A from A1)."""
    sheet.set_tab_color(TAB_INFO)
    settings = [("Interpreter_Win", "python"), ("UDF Modules", UDF_MODULE), ("Debug UDFs", False),
                ("Use UDF Server", False), ("Show Console", False)]
    for row, (key, value) in enumerate(settings):
        sheet.write_string(row, 0, key)
        if isinstance(value, bool):
            sheet.write_boolean(row, 1, value)
        else:
            sheet.write_string(row, 1, value)
    notes = ["Notes · 说明:",
             "Interpreter_Win: full path to pythonw.exe of the environment where kam-xl is installed, "
             "e.g. C:\\Users\\me\\kam\\.venv\\Scripts\\pythonw.exe · 安装 kam-xl 的 Python 路径",
             "UDF Modules: kam_udfs is installed with kam-xl (pip install kam-xl) · 随 kam-xl 一起安装",
             "Run main runs main() in the .py file named like this workbook, in the same folder · "
             "Run main 运行与本工作簿同名、同目录的 .py 文件中的 main()"]
    for offset, note in enumerate(notes):
        sheet.write_string(len(settings) + 2 + offset, 0, note)
    sheet.set_column(0, 0, 22)
    sheet.set_column(1, 1, 30)
