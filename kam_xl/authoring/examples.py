"""The template's Examples sheet: each UDF as a live formula on a small,
self-contained block of inputs, with its result cached (computed by the same
function), so the sheet reads correctly before xlwings is set up."""
from __future__ import annotations

import datetime as dt

from kam_xl.excel import functions
from kam_xl.authoring.template import in_all_languages
from kam_xl.excel.cells import CALC_ADDIN
from kam_xl.render.xlsx import INPUT_FILL, TAB_INFO, Formats, cell
from kam_xl.words import ui

HEADERS = ["CustomerID", "NetRevenue", "COGS", "CreditSales", "OpeningAR", "ClosingAR", "DueDate", "OpenAmount",
           "RecencyDays", "Frequency", "Monetary", "LastMinusFirstDays", "AgeDays"]
ROWS = [
    ["C001", 520000.0, 380000.0, 590000.0, 80000.0, 95000.0,
     dt.datetime(2026, 7, 15), 95000.0, 3.0, 24.0, 520000.0, 700.0, 710.0],
    ["C002", 310000.0, 250000.0, 350000.0, 60000.0, 41000.0,
     dt.datetime(2026, 6, 10), 41000.0, 12.0, 15.0, 310000.0, 650.0, 680.0],
    ["C003", 96000.0, 70000.0, 108000.0, 9000.0, 30000.0,
     dt.datetime(2026, 4, 20), 30000.0, 45.0, 6.0, 96000.0, 400.0, 500.0],
    ["C004", 45000.0, 41000.0, 50000.0, 12000.0, 15000.0,
     dt.datetime(2026, 2, 28), 15000.0, 150.0, 3.0, 45000.0, 200.0, 420.0],
    ["C005", 12000.0, 9000.0, 13500.0, 0.0, 0.0, None, 0.0, 220.0, 1.0, 12000.0, 30.0, 300.0],
    ["C006", 0.0, 0.0, 0.0, 0.0, 0.0, None, 0.0, None, 0.0, 0.0, 0.0, 90.0],
]
INPUTS = [("AsOfDate", dt.datetime(2026, 6, 30)), ("PeriodDays", 365.0), ("ABCShareA", 0.8), ("ABCShareB", 0.95),
          ("r", 0.243), ("alpha (days)", 30.9), ("a", 0.793), ("b", 2.426), ("HorizonDays", 365.25)]
TABLE_EXAMPLES = [
    "=KAM_PROFITABILITY(Sales[#All], Activities[#All], ActivityRates[#All], Customers[#All], Invoices[#All], "
    "Payments[#All], Parameters[#All])",
    "=KAM_RECEIVABLES(Invoices[#All], Payments[#All], Customers[#All], Parameters[#All])",
    "=KAM_CLASSIFICATION(Customers[#All], Sales[#All], Parameters[#All])",
    '=KAM_TABLE("RiskSummary", Customers[#All], Sales[#All], Invoices[#All], Payments[#All])',
    "=KAM_BGNBD_FIT(Potential[Frequency], Potential[RecencyDays], Potential[AgeDays])   (on a built summary)",
    "=KAM_PARETO_FIT(Potential[Frequency], Potential[RecencyDays], Potential[AgeDays])   (on a built summary)",
]


def write_examples(book, formats: Formats, language: str, calc: bool = False) -> None:
    """The Examples sheet: example inputs, then each KAM_ function as a live
    formula over them with the result kam-xl computes for it cached. ``calc``:
    the formulas name the functions as LibreOffice stores its add-in's in a
    workbook (ORG.KAMXL.KAMXL.KAM_ABC), so Calc computes them when it opens the
    file (Excel stores an xlwings function by its bare name, KAM_ABC)."""
    sheet = book.add_worksheet(ui("sheet.examples", language))
    sheet.set_tab_color(TAB_INFO)
    sheet.write_string(0, 0, in_all_languages("examples.title"), formats.title())
    sheet.write_string(1, 0, in_all_languages("examples.live_calc" if calc else "examples.live_xlwings"),
                       formats.get(italic=True))
    top = 3
    rng, ref = _write_inputs(sheet, formats, top)
    prefix = CALC_ADDIN.upper() + "." if calc else ""
    row = _write_formulas(sheet, formats, [(label, prefix + formula, result)
                                           for label, formula, result in _examples(rng, ref)],
                          top + len(ROWS) + 3)
    sheet.write_string(row + 1, 0, in_all_languages("examples.whole_table"), formats.get(bold=True))
    for i, text in enumerate(TABLE_EXAMPLES):
        sheet.write_string(row + 2 + i, 0, text)
    sheet.set_column(0, 0, 30)
    sheet.set_column(1, 1, 60)
    sheet.set_column(2, len(HEADERS), 13)
    sheet.set_column(len(HEADERS) + 1, len(HEADERS) + 1, 14)
    note = ui("examples.see_readme", language)
    if note:
        sheet.write_string(row + 3 + len(TABLE_EXAMPLES), 0, note)


def _write_inputs(sheet, formats: Formats, top: int) -> tuple[dict[str, str], dict[str, str]]:
    """The example table (HEADERS, ROWS) and the single inputs beside it;
    returns the A1 range of each column and the absolute cell of each input."""
    for j, name in enumerate(HEADERS):
        sheet.write_string(top, j, name, formats.header())
    money, date, plain = (formats.get(k, bg_color=INPUT_FILL) for k in ("number", "date", "general"))
    for i, row in enumerate(ROWS):
        for j, value in enumerate(row):
            r = top + 1 + i
            if value is None:
                sheet.write_blank(r, j, None, plain)
            elif isinstance(value, dt.datetime):
                sheet.write_datetime(r, j, value, date)
            elif isinstance(value, str):
                sheet.write_string(r, j, value, plain)
            else:
                sheet.write_number(r, j, value, money)
    first, last = top + 1, top + len(ROWS)
    rng = {name: f"{cell(first, j)}:{cell(last, j)}" for j, name in enumerate(HEADERS)}
    inputs_col = len(HEADERS) + 1
    ref = {}
    for i, (name, value) in enumerate(INPUTS):
        sheet.write_string(top + i, inputs_col, name, formats.get(bold=True))
        fmt = date if isinstance(value, dt.datetime) else formats.get("general", bg_color=INPUT_FILL)
        write = sheet.write_datetime if isinstance(value, dt.datetime) else sheet.write_number
        write(top + i, inputs_col + 1, value, fmt)
        ref[name] = cell(top + i, inputs_col + 1, absolute=True)
    return rng, ref


def _examples(rng: dict[str, str], ref: dict[str, str]) -> list[tuple[str, str, list]]:
    """(label, formula, result) of each function: the formula over the sheet's
    ranges, the result from the function the UDF calls, on the same values."""
    column = {name: [[row[j]] for row in ROWS] for j, name in enumerate(HEADERS)}
    values = dict(INPUTS)
    params = f"{ref['r']}:{ref['b']}".replace("$", "")
    params_value = [[values["r"]], [values["alpha (days)"]], [values["a"]], [values["b"]]]
    bg = (f"{rng['Frequency']},{rng['LastMinusFirstDays']},{rng['AgeDays']}",
          (column["Frequency"], column["LastMinusFirstDays"], column["AgeDays"]))
    return [
        (in_all_languages("examples.abc"), f"KAM_ABC({rng['NetRevenue']},{ref['ABCShareA']},{ref['ABCShareB']})",
         functions.abc_tiers_of(column["NetRevenue"], values["ABCShareA"], values["ABCShareB"])),
        (in_all_languages("examples.gross_margin"), f"KAM_GROSSMARGIN({rng['NetRevenue']},{rng['COGS']})",
         functions.gross_margin(column["NetRevenue"], column["COGS"])),
        (in_all_languages("examples.ar_turnover"),
         f"KAM_ARTURNOVER({rng['CreditSales']},{rng['OpeningAR']},{rng['ClosingAR']})",
         functions.receivables_turnover(column["CreditSales"], column["OpeningAR"], column["ClosingAR"])),
        (in_all_languages("examples.dso"),
         f"KAM_DSO({rng['CreditSales']},{rng['OpeningAR']},{rng['ClosingAR']},{ref['PeriodDays']})",
         functions.days_sales_outstanding_of(column["CreditSales"], column["OpeningAR"], column["ClosingAR"],
                                             values["PeriodDays"])),
        (in_all_languages("examples.rfm"), f"KAM_RFM({rng['RecencyDays']},{rng['Frequency']},{rng['Monetary']})",
         functions.rfm_scores(column["RecencyDays"], column["Frequency"], column["Monetary"])),
        (in_all_languages("examples.palive"), f"KAM_PALIVE({bg[0]},{params})", functions.p_alive(*bg[1], params_value)),
        (in_all_languages("examples.expected_purchases"),
         f"KAM_EXPECTED_PURCHASES({bg[0]},{params},{ref['HorizonDays']})",
         functions.expected_purchases(*bg[1], params_value, values["HorizonDays"])),
        (in_all_languages("examples.hhi"), f"KAM_HHI({rng['NetRevenue']})", [[functions.hhi(column["NetRevenue"])]]),
        (in_all_languages("examples.aging"), f"KAM_AGING({rng['DueDate']},{rng['OpenAmount']},{ref['AsOfDate']})",
         functions.aging_of(column["DueDate"], column["OpenAmount"], values["AsOfDate"])),
    ]


def _write_formulas(sheet, formats: Formats, examples: list, row: int) -> int:
    """Each example as its formula text and as a live dynamic-array formula
    with every cell of its result cached; returns the next free row."""
    sheet.write_row(row, 0, [in_all_languages(f"examples.{key}") for key in ("function", "formula", "result")],
                    formats.header())
    row += 1
    for label, formula, result in examples:
        if isinstance(result, str):  # pragma: no cover - the example data are valid
            raise ValueError(f"example {label}: {result}")
        height, width = len(result), len(result[0])
        sheet.write_string(row, 0, label, formats.get(bold=True))
        sheet.write_string(row, 1, "=" + formula)
        sheet.write_dynamic_array_formula(row, 2, row + height - 1, 2 + width - 1, "=" + formula,
                                          formats.get("ratio"), "" if result[0][0] is None else result[0][0])
        for i, line in enumerate(result):
            for j, value in enumerate(line):
                if (i, j) != (0, 0):
                    target = (row + i, 2 + j)
                    if value is None:   # with a format, or XlsxWriter leaves the array's cached 0 there
                        sheet.write_blank(*target, None, formats.get("ratio"))
                    elif isinstance(value, str):
                        sheet.write_string(*target, value)
                    else:
                        sheet.write_number(*target, float(value), formats.get("ratio"))
        row += height + 1
    return row
