"""The refresh macro (xlwings path) writes the same tables as the headless build."""
import openpyxl
import pytest
import python_calamine
from fake_xlwings import FakeBook
from helpers import same

from kam_xl import analyze, read_workbook
from kam_xl.excel.macro import write_macro_module
from kam_xl.excel.xlwings_app import refresh_book
from kam_xl.render.layout import plan
from kam_xl.render.writer import write_workbook


@pytest.fixture(scope="module")
def both(tmp_path_factory, demo_workbook):
    fake = FakeBook.from_file(demo_workbook)
    results = refresh_book(fake)
    headless = write_workbook(analyze(read_workbook(demo_workbook)), tmp_path_factory.mktemp("h") / "s.xlsx")
    return fake, results, headless


def test_macro_and_headless_write_identical_tables(both):
    fake, results, headless = both
    formulas = openpyxl.load_workbook(headless)
    values = python_calamine.CalamineWorkbook.from_path(str(headless))
    compared = 0
    for sheet_plan in plan(results):
        written = fake.sheets[sheet_plan.title]
        grid = values.get_sheet_by_name(sheet_plan.title).to_python(skip_empty_area=False)
        for table in sheet_plan.tables:
            assert any(t.name == table.name for t in written.tables)
            for r in range(table.row - (1 if table.totals else 0), table.row + table.rows + 1):
                for c in range(table.col, table.col + len(table.columns)):
                    formula = formulas[sheet_plan.title].cell(r + 1, c + 1).value
                    if table.name == "About" and grid[r][table.col] == "RunTime":
                        continue
                    if isinstance(formula, str) and formula.startswith("="):
                        assert written.formulas[(r + 1, c + 1)] == formula
                    else:
                        assert same(grid[r][c], written.cells.get((r + 1, c + 1))), (sheet_plan.title, r + 1, c + 1)
                    compared += 1
    assert compared > 5_000
    print(f"macro and headless paths agree on {compared} cells")


def test_macro_reports_progress_and_keeps_inputs(both, demo_workbook):
    fake, results, _ = both
    assert fake.app.status_history[0].startswith("kam-xl: reading")
    assert fake.app.status_history[-1].startswith("kam-xl: done")
    original = FakeBook.from_file(demo_workbook)
    for sheet in original.sheets:
        assert fake.sheets[sheet.name].cells == sheet.cells            # input sheets untouched


def test_macro_shows_fatal_problems_as_an_alert(tmp_path):
    book = FakeBook()
    sheet = book.sheets.add("Customers")
    sheet.cells[(1, 1)] = "CustomerID"
    assert refresh_book(book) is None
    assert "Required table 'Sales'" in book.app.alerts[0]


def test_macro_module_calls_refresh(tmp_path):
    module = write_macro_module(tmp_path / "KAM_Summary.xlsm")
    text = module.read_text()
    assert "def main():" in text and "refresh_book(xw.Book.caller())" in text
    compile(text, str(module), "exec")


def test_workbooks_made_before_the_layers_still_find_the_refresh_macro():
    """An older KAM_Summary.py imports kam_xl.xlwings_app first thing, in a fresh Python: that name is the one
    refresh macro module, kam_xl.excel.xlwings_app, not a copy of it."""
    import subprocess
    import sys
    script = ("from kam_xl.xlwings_app import refresh_book\n"
              "import sys, kam_xl.excel.xlwings_app as macro\n"
              "assert refresh_book is macro.refresh_book and sys.modules['kam_xl.xlwings_app'] is macro\n"
              "assert macro.__spec__.name == 'kam_xl.excel.xlwings_app'\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_macro_formats_each_row_of_a_measure_table_as_its_measure():
    """ActionReview's Before and Now (and KPIs, RiskSummary, Controls) per row, as the headless writer does:
    a share as %, money in the currency. Was: no number format at all on those columns."""
    import pandas as pd
    from kam_xl.excel.xlwings_app import write_table
    from kam_xl.render.layout import table_plan
    from kam_xl.render.xlsx import number_formats
    frame = pd.DataFrame({"CustomerID": ["Y", "Y"], "Metric": ["CreditUtilization", "DSO"], "Before": [2.5, 139.5],
                          "Now": [3.0, 165.0], "Improved": [False, False]})
    table = table_plan("ActionReview", frame, 2, 0, "en")
    table.row_kinds = ["pct", "days"]
    sheet = FakeBook().sheets.add("ActionReview")
    formats = number_formats("CNY", "en")
    write_table(sheet, table, formats)
    assert [sheet.number_formats.get((r, 3)) for r in (4, 5)] == [formats["pct"], formats["days"]]   # Before
    assert [sheet.number_formats.get((r, 4)) for r in (4, 5)] == [formats["pct"], formats["days"]]   # Now
    assert sheet.number_formats.get((4, 5)) is None                                                  # Improved
