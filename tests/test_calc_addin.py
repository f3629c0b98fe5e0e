"""The KAM_ functions typed into cells of a real LibreOffice Calc with the kam-xl.oxt add-in installed.

The formulas run over the demo book's tables and figures (whole tables with
headers, columns, single values, a blank, a text number, an error cell); what
Calc shows must equal what the same function gives Excel through xlwings (the
body kam_udfs declares, called here with Excel's values: datetimes, None for
blanks), and the hand figures of tests/test_udfs.py.
"""
import datetime as dt
import fcntl
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl.utils import get_column_letter

from kam_xl import analyze
from kam_xl.excel.cells import to_calc
from kam_xl.inputs.reader import inputs_from_frames

UDFS = Path(__file__).resolve().parent.parent / "udfs"
sys.path.insert(0, str(UDFS))
import kam_calc_build  # noqa: E402  (the add-in's builder lives beside the UDF module)
import kam_udfs  # noqa: E402

OFFICE_PYTHON = "/usr/bin/python3"   # LibreOffice's Python on Debian (python3-uno)


def _office_python_has_uno() -> bool:
    return Path(OFFICE_PYTHON).exists() and subprocess.run([OFFICE_PYTHON, "-c", "import uno"],
                                                          capture_output=True).returncode == 0


def excel_value(v):
    """A frame's value as Excel hands it to a UDF."""
    if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NaT:
        return None
    if isinstance(v, pd.Timestamp):
        return v.to_pydatetime()
    if isinstance(v, (np.integer, np.floating)):
        return float(v)
    return v


def calc_value(v):
    """The same value as a cell of Calc holds it (dates as serial numbers)."""
    v = excel_value(v)
    if isinstance(v, dt.datetime):
        return (v - dt.datetime(1899, 12, 30)) / dt.timedelta(days=1)
    if isinstance(v, bool):
        return float(v)
    return v


class Sheet:
    """Blocks of values placed side by side, and the formulas over them with what xlwings would compute."""

    def __init__(self):
        self.blocks, self.cells, self.formulas, self.expected, self.column = {}, {}, [], [], 1

    def table(self, frame: pd.DataFrame) -> str:
        """Place a table with its header; returns its range (as Table[#All] would be)."""
        rows = [list(frame.columns)] + [[calc_value(v) for v in row] for row in frame.itertuples(index=False)]
        first = f"{get_column_letter(self.column)}1"
        self.blocks[first] = rows
        last = f"{get_column_letter(self.column + len(frame.columns) - 1)}{len(rows)}"
        self.column += len(frame.columns) + 1
        return f"{first}:{last}"

    def column_range(self, values) -> str:
        """Place one column (no header); returns its range."""
        letter = get_column_letter(self.column)
        self.blocks[f"{letter}1"] = [[calc_value(v)] for v in values]
        self.column += 2
        return f"{letter}1:{letter}{len(values)}"

    def formula(self, name: str, arguments: list[str], excel_arguments: list, spill: tuple[int, int] | None = None):
        """=name(arguments) in Calc; expected: the declared body on Excel's values, as Calc shows results."""
        result = to_calc(kam_udfs.DECLARED[name][0](*excel_arguments))
        rows, cols = spill or (len(result), len(result[0]))
        cell = f"{get_column_letter(self.column)}1"
        self.column += cols + 1
        self.formulas.append({"cell": cell, "formula": f"={name}({';'.join(arguments)})", "rows": rows, "cols": cols})
        self.expected.append(result)


def excel_column(series: pd.Series) -> list[list]:
    return [[excel_value(v)] for v in series.tolist()]


def excel_table(frame: pd.DataFrame) -> list[list]:
    return [list(frame.columns)] + [[excel_value(v) for v in row] for row in frame.itertuples(index=False)]


@pytest.mark.slow(27)
@pytest.mark.libreoffice
@pytest.mark.skipif(not _office_python_has_uno(), reason="LibreOffice's Python with uno (python3-uno) not installed")
def test_kam_functions_in_a_real_libreoffice_calc(tmp_path, demo_tables):
    """Both checks in one test, so that one process installs the add-in and no other removes it meanwhile. As
    root the add-in is installed for every user of this LibreOffice: removed afterwards only if it was not
    there before."""
    profile = tmp_path / "profile"
    # As root the add-in is one for the whole machine: a second suite running beside this one (another
    # checkout, CI's install check) waits here rather than remove it under this one's office.
    with open(Path(tempfile.gettempdir()) / "kam-xl-calc-addin.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        there = kam_calc_build.installed(profile)
        kam_calc_build.install(kam_calc_build.build(tmp_path / "kam-xl.oxt"), profile)
        try:
            _type_every_function(profile, demo_tables)
            _open_the_examples_sheet_of_a_calc_template(tmp_path, profile)
        finally:
            if not there:
                kam_calc_build.uninstall(profile)


def _type_every_function(calc_profile, demo_tables):
    """Every KAM_ function typed into cells over the demo book."""
    tables = {k: v for k, v in demo_tables.items()}
    results = analyze(inputs_from_frames(tables))
    prof, cls, pot = (results[t] for t in ("Profitability", "Classification", "Potential"))
    items = results["OpenItems"]
    as_of = pd.Timestamp(results.params.as_of_date)
    s = Sheet()

    # whole input tables, as Table[#All]
    ranges = {name: s.table(tables[name]) for name in ("Sales", "Customers", "Invoices", "Payments", "Activities",
                                                        "ActivityRates", "Parameters")}
    full = {name: excel_table(tables[name]) for name in ranges}
    s.formula("KAM_PROFITABILITY", [ranges[n] for n in ("Sales", "Activities", "ActivityRates", "Customers",
                                                        "Invoices", "Payments", "Parameters")],
              [full[n] for n in ("Sales", "Activities", "ActivityRates", "Customers", "Invoices", "Payments",
                                 "Parameters")])
    s.formula("KAM_RECEIVABLES", [ranges[n] for n in ("Invoices", "Payments", "Customers", "Parameters")],
              [full[n] for n in ("Invoices", "Payments", "Customers", "Parameters")])
    s.formula("KAM_CLASSIFICATION", [ranges[n] for n in ("Customers", "Sales", "Parameters")],
              [full[n] for n in ("Customers", "Sales", "Parameters")])
    s.formula("KAM_TABLE", ['"RiskSummary"', ranges["Customers"], ranges["Sales"], ranges["Invoices"],
                            ranges["Payments"]], ["RiskSummary", full["Customers"], full["Sales"], full["Invoices"],
                                                  full["Payments"]])

    # columns of the demo's figures
    col = {name: (s.column_range(series.tolist()), excel_column(series)) for name, series in {
        "NetRevenue": prof["NetRevenue"], "COGS": prof["COGS"], "CustomerID": prof["CustomerID"],
        "Recency": cls["Recency"], "Frequency": cls["Frequency"], "Monetary": cls["Monetary"],
        "x": pot["Frequency"].fillna(0), "t_x": pot["RecencyDays"].fillna(0), "T": pot["AgeDays"].fillna(0),
        "DueDate": items["DueDate"], "OpenAmount": items["OpenAmount"], "DaysOverdue": items["DaysOverdue"].clip(0),
        "Opening": prof["NetRevenue"] * 0.2, "Closing": prof["NetRevenue"] * 0.3,
        "Bands": pd.Series([365.0, 730.0, None]), "Rates": pd.Series([0.05, 0.3, 1.0]),
        "Params": pd.Series([0.243, 4.414 * 7, 0.793, 2.426]),
        "Blank": pd.Series([50.0, None, 30.0, 20.0]), "Text": pd.Series([50.0, "1,500", 20.0]),
    }.items()}

    def formula(name, *names_or_literals, spill=None):
        arguments = [col[a][0] if isinstance(a, str) and a in col else a[0] for a in names_or_literals]
        excel = [col[a][1] if isinstance(a, str) and a in col else a[1] for a in names_or_literals]
        s.formula(name, arguments, excel, spill)
    as_of_cell = ("DATE(%d;%d;%d)" % (as_of.year, as_of.month, as_of.day), as_of.to_pydatetime())
    formula("KAM_ABC", "NetRevenue", ("0.8", 0.8), ("0.95", 0.95), "CustomerID")
    formula("KAM_ABC", "NetRevenue")                                             # optional arguments left out
    formula("KAM_GROSSMARGIN", "NetRevenue", "COGS")
    formula("KAM_ARTURNOVER", "NetRevenue", "Opening", "Closing")
    formula("KAM_DSO", "NetRevenue", "Opening", "Closing", ("181", 181.0))
    formula("KAM_AGING", "DueDate", "OpenAmount", as_of_cell)
    formula("KAM_AGING", "DueDate", "OpenAmount", as_of_cell, ('"45"', "45"))
    formula("KAM_PROVISION", "OpenAmount", "DaysOverdue", "Bands", "Rates")
    formula("KAM_EXPECTED_RECEIPT_DATE", "DueDate", ("12", 12.0))
    formula("KAM_RFM", "Recency", "Frequency", "Monetary")
    formula("KAM_HHI", "NetRevenue")
    formula("KAM_HHI", "Blank")                                                  # a blank cell in the range
    formula("KAM_HHI", "Text")                                                   # a text number
    formula("KAM_BGNBD_FIT", "x", "t_x", "T")
    formula("KAM_PARETO_FIT", "x", "t_x", "T")
    formula("KAM_PALIVE", "x", "t_x", "T", "Params")
    formula("KAM_EXPECTED_PURCHASES", "x", "t_x", "T", "Params", ("365.25", 365.25))
    # single values, and the hand figures of tests/test_udfs.py
    formula("KAM_DSO", ("120000", 120000.0), ("20000", 20000.0), ("30000", 30000.0), ("365", 365.0))
    hand = {len(s.expected) - 1: [[pytest.approx(76.04, abs=0.005)]]}
    formula("KAM_HHI", ("{50;30;20}", [[50.0], [30.0], [20.0]]))
    hand[len(s.expected) - 1] = [[pytest.approx(3800)]]
    # an error cell: Calc does not call the function and shows the error itself
    s.cells["ZZ1"], s.cells["ZZ2"] = 1.0, "=NA()"
    s.formulas.append({"cell": f"{get_column_letter(s.column)}1", "formula": "=KAM_HHI(ZZ1:ZZ2)", "rows": 1, "cols": 1})

    spec = {"blocks": s.blocks, "cells": s.cells, "formulas": s.formulas}
    done = subprocess.run([OFFICE_PYTHON, str(Path(__file__).with_name("calc_driver.py")), str(calc_profile)],
                          input=json.dumps(spec), capture_output=True, text=True, timeout=1200)
    print(done.stderr)   # the driver's retries, if any, in the test's report
    assert done.returncode == 0, done.stderr[-2000:]
    answers = json.loads(done.stdout)
    names = [f["formula"].split("(")[0][1:] for f in s.formulas]
    for i, (name, got, want) in enumerate(zip(names, answers, s.expected)):
        want = [[pytest.approx(v, rel=1e-9, abs=1e-9) if isinstance(v, float) else
                 (float(v) if isinstance(v, bool) else v) for v in row] for row in want]
        assert got == want, (i, name, s.formulas[i]["formula"][:80])
        if i in hand:
            assert got == hand[i], name
    assert str(answers[-1][0][0]).startswith("Err:"), answers[-1]
    shown = sorted(set(names))
    assert set(shown) == set(kam_udfs.DECLARED)                                  # every KAM_ function typed
    print(f"LibreOffice Calc: {len(s.formulas)} KAM_ formulas ({len(shown)} functions) over the demo book, "
          f"all equal to the core; an error cell shows Calc's own error")


def _open_the_examples_sheet_of_a_calc_template(tmp_path, calc_profile):
    """`kam-xl new --calc`: its Examples sheet opened in Calc with the add-in computes every KAM_ array formula
    to the result kam-xl cached in it (what Excel shows for the same formulas in the Excel template)."""
    import openpyxl
    from click.testing import CliRunner

    from kam_xl.app.cli import main
    template = tmp_path / "Calc.xlsx"
    assert CliRunner().invoke(main, ["new", str(template), "--calc"]).exit_code == 0
    sheet = openpyxl.load_workbook(template)["Examples"]
    formulas = [cell.value for row in sheet.iter_rows() for cell in row
                if isinstance(cell.value, openpyxl.worksheet.formula.ArrayFormula)]
    assert len(formulas) >= 9 and all(f.text.startswith("=ORG.KAMXL.KAMXL.KAM_") for f in formulas)
    cached = openpyxl.load_workbook(template, data_only=True)["Examples"]
    want = [[[c.value for c in row] for row in cached[f.ref]] if ":" in f.ref else [[cached[f.ref].value]]
            for f in formulas]
    spec = {"open": str(template), "reads": [{"sheet": "Examples", "range": f.ref} for f in formulas]}
    done = subprocess.run([OFFICE_PYTHON, str(Path(__file__).with_name("calc_driver.py")), str(calc_profile)],
                          input=json.dumps(spec), capture_output=True, text=True, timeout=1200)
    print(done.stderr)
    assert done.returncode == 0, done.stderr[-2000:]
    for formula, shown, expected in zip(formulas, json.loads(done.stdout), want):
        assert shown == [[pytest.approx(v) if isinstance(v, float) else ("" if v is None else v) for v in row]
                         for row in expected], formula.text
    print(f"LibreOffice Calc computed the Examples sheet of a --calc template: {len(formulas)} KAM_ array "
          "formulas, each as kam-xl cached it")


def test_the_committed_type_library_matches_the_declarations(tmp_path):
    """The add-in's interface (XKamXL.rdb, compiled from kam_calc_build.idl()) names every function and
    argument; where the LibreOffice SDK is installed, compiling again gives the same bytes."""
    committed = kam_calc_build.TYPE_LIBRARY.read_bytes()
    for name, arguments in kam_calc_build.functions().items():
        assert name.encode() in committed, name
        for argument in arguments:
            assert kam_calc_build.uno_name(argument).encode() in committed, (name, argument)
    if shutil.which("unoidl-write") or Path("/usr/lib/libreoffice/sdk/bin/unoidl-write").exists():
        assert kam_calc_build.compile_type_library(tmp_path / "X.rdb").read_bytes() == committed
