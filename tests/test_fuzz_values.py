"""Values no one meant, never a traceback: seeded value-level fuzzing beside the byte-level one
(tests/test_fuzz.py). Cells of a small filled book are overwritten with what exports and hands put
there by mistake (±1e308, 'NaN'/'inf' text, formulas as text, far dates, 40,000 characters, control
characters, full-width digits, TRUE in an amount, a second header row...); every damaged book goes
through `kam-xl build` and must end with exit 0, 1 or 2, no traceback, no infinity or NaN handed to
the writer, and, when written, a summary that openpyxl and python-calamine open.

The plan is fixed by SEED: `python tests/test_fuzz_values.py` prints every book's damage, and each
failure names its book and damage, so a failure is reproduced by its case number alone."""
import datetime as dt
import os
import random
import subprocess
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
import python_calamine
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent))
from conftest import small_book  # noqa: E402

SEED = 20261207
# Built in-process, in PARTS parts that parallel workers can share: about 1.2 s of CPU a book, so 16 books
# keep the file near 20 s. KAM_XL_VALUE_FUZZ_BOOKS=400 runs the longer search that found the two tracebacks.
BOOKS = int(os.environ.get("KAM_XL_VALUE_FUZZ_BOOKS", "16"))
PARTS = 2

NUMBERS = [1e308, -1e308, 1e15, -1e15, 9.99e14, 1e-320, -0.0, 0.0, True, False]
TEXTS = ["NaN", "nan", "inf", "-Infinity", "1e999", "=1+1", '=HYPERLINK("http://example.com/x","pay here")',
         "@SUM(1)", "x" * 40_000, "\ttab\r\nnewline", "_x0001_A_x001F_", "\u200b\u2028\ufeff", "１２３",
         "１，２３４．５０", "－５", "#N/A", "#DIV/0!", " ", "合计", "TRUE"]
DATES = [dt.datetime(9999, 12, 31), dt.datetime(1900, 1, 1), dt.datetime(2199, 12, 31, 23, 59), "0001-01-01",
         "9999-12-31", "2026-02-30", -1e308, 1e308, 5e6, -1.0, 0.5, "１９９９-０１-０１"]
FORMULAS = ["=1+1", '=HYPERLINK("http://example.com/x","pay here")', "=1/0", "=NA()"]


_NUMBER_COLUMNS = {"CreditLimit", "PaymentTermsDays", "EstimatedWallet", "NetRevenue", "COGS", "Amount",
                   "DriverQuantity", "DirectCost", "Rate", "Satisfaction", "GrowthOutlook"}


def _is_date_column(header: str) -> bool:
    return "Date" in header or "FollowUp" in header or header in ("Start", "End")


def _damage(rng: random.Random, sheets: dict[str, list[str]]) -> tuple:
    """One damage: (sheet, worksheet row, header, kind, value)."""
    sheet = rng.choice(sorted(sheets))
    headers = sheets[sheet]
    kind = rng.choice(["number", "text", "date", "formula", "second header"])
    if kind == "second header":
        return sheet, None, None, kind, None
    dates = [h for h in headers if _is_date_column(h)]
    numbers = [h for h in headers if h in _NUMBER_COLUMNS]
    header = rng.choice(dates) if kind == "date" and dates else \
        rng.choice(numbers) if kind == "number" and numbers and rng.random() < 0.8 else rng.choice(headers)
    value = rng.choice({"number": NUMBERS, "text": TEXTS, "date": DATES, "formula": FORMULAS}[kind])
    return sheet, None, header, kind, value


def plan(seed: int = SEED, books: int = BOOKS) -> list[dict]:
    """The damaged books: per case its layout ('tables' or 'sheets': Excel Tables removed) and
    1-4 damages; rows are drawn when the book is made (they depend on the sheet's length)."""
    rng = random.Random(seed)
    sheets = _data_sheets()
    cases = []
    for case in range(books):
        damages = [_damage(rng, sheets) for _ in range(rng.randint(1, 4))]
        cases.append({"case": case, "layout": "tables" if case % 3 else "sheets", "damages": damages,
                      "rows": [rng.random() for _ in damages]})
    return cases


def _data_sheets() -> dict[str, list[str]]:
    return {name: list(frame.columns) for name, frame in small_book().items() if len(frame) and name != "Parameters"}


def _shown(value) -> str:
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:20]}... ({len(str(value)):,} characters)"


def describe(case: dict) -> str:
    parts = []
    for (sheet, _, header, kind, value), where in zip(case["damages"], case["rows"]):
        parts.append(f"{sheet}.{header or '*'} <- {kind} {_shown(value)} (row draw {where:.3f})")
    return f"case {case['case']} (seed {SEED}, {case['layout']}): " + "; ".join(parts)


def make_book(good: Path, case: dict, folder: Path) -> Path:
    book = openpyxl.load_workbook(good)
    if case["layout"] == "sheets":
        for sheet in book.worksheets:
            for name in list(sheet.tables):
                del sheet.tables[name]
    for (sheet_name, _, header, kind, value), where in zip(case["damages"], case["rows"]):
        sheet = book[sheet_name]
        heads = [c.value for c in sheet[1]]
        row = 2 + int(where * (sheet.max_row - 1))
        if kind == "second header":
            for col, text in enumerate(heads, start=1):
                sheet.cell(row=row, column=col).value = text
            continue
        cell = sheet.cell(row=row, column=heads.index(header) + 1)
        cell.value = value
        if kind == "text" and isinstance(value, str) and value.startswith("="):
            cell.data_type = "s"   # a formula's text typed as text, as an export writes it
    path = folder / f"v{case['case']}.xlsx"
    book.save(path)
    return path


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> Path:
    from kam_xl.authoring.template import write_template
    return write_template(tmp_path_factory.mktemp("values") / "good.xlsx", small_book())


def _opens(path: Path) -> None:
    openpyxl.load_workbook(path).close()
    with python_calamine.CalamineWorkbook.from_path(str(path)) as book:
        for name in book.sheet_names:
            book.get_sheet_by_name(name).to_python()


def _watch_infinities(write, values_at: int, handed: list):
    """``write`` (a columnar body writer) that first notes any infinity among the values it is handed."""
    def watching(*args, **kwargs):
        numbers = pd.to_numeric(pd.Series(list(args[values_at]), dtype=object), errors="coerce")
        handed.extend((write.__name__, v) for v in numbers[np.isinf(numbers.astype("float64"))].tolist())
        return write(*args, **kwargs)
    return watching


@pytest.mark.slow(16)
@pytest.mark.parametrize("part", range(PARTS))
def test_damaged_values_exit_cleanly_and_write_no_infinity(good, tmp_path, monkeypatch, part):
    from kam_xl.app.cli import main
    from kam_xl.render import columnar, xlsx
    handed = []   # non-finite numbers the core handed to the writer (its guard blanks them; none should come)
    real = xlsx.FormulaCacheWorksheet._write_number

    def watching(self, row, col, number, cell_format=None):
        if number != number or number in (float("inf"), float("-inf")):
            handed.append((self.name, row, col, number))
        return real(self, row, col, number, cell_format)
    monkeypatch.setattr(xlsx.FormulaCacheWorksheet, "_write_number", watching)
    # A table body goes to the columnar writer as whole columns, where NaN is a blank cell: an infinity is not.
    for name, values_at in (("typed", 0), ("formulas", 2), ("general", 1)):
        monkeypatch.setattr(columnar, name, _watch_infinities(getattr(columnar, name), values_at, handed))

    runner, outcomes = CliRunner(), Counter()
    for case in plan()[part::PARTS]:
        what = describe(case)
        path = make_book(good, case, tmp_path)
        out = tmp_path / f"v{case['case']}_out.xlsx"
        result = runner.invoke(main, ["build", str(path), "-o", str(out)])
        assert result.exception is None or isinstance(result.exception, SystemExit), (what, repr(result.exception))
        assert result.exit_code in (0, 1, 2), (what, result.output)
        assert "Traceback" not in result.output, (what, result.output)
        assert not handed, (what, handed)
        if result.exit_code == 2:
            errors = [line for line in result.output.splitlines() if line.startswith("error:")]
            assert len(errors) == 1 and not out.exists(), (what, result.output)
        else:
            assert out.exists(), (what, result.output)
            _opens(out)
        outcomes[result.exit_code] += 1
    print(f"value fuzz part {part}:", sum(outcomes.values()), "damaged books;",
          ", ".join(f"exit {code}: {n}" for code, n in sorted(outcomes.items())))
    assert outcomes[1] > 0   # the damage reaches the cells, not only the file


@pytest.mark.slow(3)
@pytest.mark.parametrize("sheet, column, value, code", [
    ("Payments", "Amount", 1e308, 1),            # was: an infinity reached write_number(), exit 1, nothing written
    ("Contacts", "NextFollowUp", -1e308, 2),     # was: pyo3_runtime.PanicException from the workbook reader
], ids=["1e308 amount", "-1e308 date"])
def test_the_two_found_tracebacks_as_a_process(good, tmp_path, sheet, column, value, code):
    """As a user runs it: a process of its own, whose Rust panic message (if any) goes to stderr."""
    book = openpyxl.load_workbook(good)
    heads = [c.value for c in book[sheet][1]]
    book[sheet].cell(row=2, column=heads.index(column) + 1).value = value
    path, out = tmp_path / "damaged.xlsx", tmp_path / "out.xlsx"
    book.save(path)
    run = subprocess.run([sys.executable, "-m", "kam_xl.app.cli", "build", str(path), "-o", str(out)],
                         capture_output=True, text=True, timeout=120, env={**_env(), "RUST_BACKTRACE": "0"})
    assert run.returncode == code, run.stdout + run.stderr
    assert "Traceback" not in run.stdout + run.stderr, run.stderr
    if code == 1:
        assert f"{sheet}!D2" in _data_quality(out) and out.exists()
        _opens(out)
    else:
        errors = [line for line in (run.stdout + run.stderr).splitlines() if line.startswith("error:")]
        assert len(errors) == 1 and "sheet 'Contacts'" in errors[0] and "G2 holds -1e+308" in errors[0], run.stderr
        assert not out.exists()


def test_implausible_amounts_and_far_dates_are_errors_naming_the_cell(good, tmp_path):
    """Each cell by hand: 1e308 and -2e15 in Payments Amount (10^15 or more: the row is not used, as for text
    there), 9.99e14 still read; a true date in 9999, the text 0001-01-01 and the number 5,000,000 in date
    columns are out of 1900-01-01 .. 2199-12-31 (the row not used where the date is required); 2026-02-30 is
    no date at all; TRUE in CreditLimit is not a number (it was read as a blank)."""
    from kam_xl.inputs.reader import read_workbook
    book = openpyxl.load_workbook(good)
    for sheet, column, row, value in [("Payments", "Amount", 2, 1e308), ("Payments", "Amount", 3, -2e15),
                                      ("Invoices", "Amount", 2, 9.99e14),
                                      ("Contacts", "NextFollowUp", 2, dt.datetime(9999, 12, 31)),
                                      ("Contacts", "NextFollowUp", 3, "0001-01-01"), ("Contacts", "Date", 4, 5e6),
                                      ("Sales", "Date", 3, "2026-02-30"), ("Customers", "CreditLimit", 2, True)]:
        heads = [c.value for c in book[sheet][1]]
        book[sheet].cell(row=row, column=heads.index(column) + 1).value = value
    path = tmp_path / "values.xlsx"
    book.save(path)
    inputs = read_workbook(path)
    found = {(r.Table, r.Row, r.Column): r.Message for r in inputs.dq.frame().query("Severity == 'Error'").itertuples()}
    # tables and columns in Chinese
    chinese = {(r.Table, r.Row, r.Column): r.Message
               for r in inputs.dq.frame("zh-CN").query("Severity == '错误'").itertuples()}
    huge = "Amount: 10^15 or more in size, beyond any plausible figure (a typing or export mistake); row not used"
    far = "a date outside 1900-01-01 – 2199-12-31 (or a number that is no date in that range)"
    assert found == {
        ("Payments", 2, "Amount"): huge, ("Payments", 3, "Amount"): huge,
        ("Contacts", 2, "NextFollowUp"): f"NextFollowUp: {far}; cell not used",
        ("Contacts", 3, "NextFollowUp"): f"NextFollowUp: {far}; cell not used",
        ("Contacts", 4, "Date"): f"Date: {far}; row not used",
        ("Sales", 3, "Date"): found[("Sales", 3, "Date")], ("Customers", 2, "CreditLimit"): found[
            ("Customers", 2, "CreditLimit")]}
    assert "not a date kam-xl understands" in found[("Sales", 3, "Date")]
    assert "CreditLimit not understood" in found[("Customers", 2, "CreditLimit")]
    assert chinese[("收款", 2, "金额")] == ("Amount：数值绝对值达到 10^15 或以上，远超任何合理金额"
                                           "（疑为录入或导出错误）；该行未使用")
    assert chinese[("联系记录", 4, "日期")] == ("Date：日期不在 1900-01-01 至 2199-12-31 之间"
                                              "（或该数字不是此范围内的日期）；该行未使用")
    assert len(inputs["Payments"]) == 5 and len(inputs["Contacts"]) == 2
    assert inputs["Invoices"]["Amount"].max() == 9.99e14 and inputs["Customers"]["CreditLimit"].isna().tolist()[0]


def _env() -> dict:
    return {**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)}


def _data_quality(out: Path) -> str:
    with python_calamine.CalamineWorkbook.from_path(str(out)) as book:
        name = next(n for n in book.sheet_names if n in ("DataQuality", "数据质量"))
        return str(book.get_sheet_by_name(name).to_python())


if __name__ == "__main__":
    for case in plan():
        print(describe(case))
