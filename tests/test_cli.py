"""The command line: exit codes, batch behaviour, validate output."""
import shutil

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner
from test_reader import messy_chinese_workbook

from kam_xl.app.cli import main
from kam_xl.render.results_reader import read_results


@pytest.fixture
def runner():
    return CliRunner()


def test_validate_exit_codes(runner, tmp_path, demo_workbook):
    ok = runner.invoke(main, ["validate", str(demo_workbook)])
    assert ok.exit_code == 0, ok.output
    messy = messy_chinese_workbook(tmp_path / "台账.xlsx")
    bad = runner.invoke(main, ["validate", str(messy), "--lang", "en"])
    assert bad.exit_code == 1
    # the 合计 row adds up to the lines above it (4,834.50 and 2,550): skipped with a note, not an error
    assert "Duplicate CustomerID" in bad.output and "3 errors, 1 warning, 8 notes" in bad.output
    chinese = runner.invoke(main, ["validate", str(messy)])   # Chinese headers: Chinese messages
    assert chinese.exit_code == 1
    assert "客户编号重复；保留第一条（第 3 行），此行未使用" in chinese.output and "客户!A6 客户编号" in chinese.output
    assert "错误 3 条，警告 1 条，提示 8 条" in chinese.output
    missing = runner.invoke(main, ["validate", str(tmp_path / "nope.xlsx")])
    assert missing.exit_code == 2 and "file not found" in missing.output


def test_build_batch_keeps_going_after_a_failure(runner, tmp_path, demo_workbook):
    good = shutil.copy(demo_workbook, tmp_path / "good.xlsx")
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    result = runner.invoke(main, ["build", str(good), str(broken), "--out-dir", str(tmp_path / "out"), "--jobs", "2"])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.startswith(("ok", "failed"))]
    assert len(lines) == 2 and lines[0].startswith("ok") and lines[1].startswith("failed")
    assert (tmp_path / "out" / "good_Summary.xlsx").exists()
    assert "damaged or truncated" in result.output


def test_build_exit_1_when_rows_rejected(runner, tmp_path):
    messy = messy_chinese_workbook(tmp_path / "台账.xlsx")
    result = runner.invoke(main, ["build", str(messy), "-o", str(tmp_path / "s.xlsx"), "--lang", "zh-CN"])
    assert result.exit_code == 1, result.output
    book = openpyxl.load_workbook(tmp_path / "s.xlsx")
    assert book.sheetnames[0] == "仪表板"


@pytest.mark.slow(5)
def test_split_by_manager(runner, tmp_path, demo_workbook):
    result = runner.invoke(main, ["build", str(demo_workbook), "--split-by", "客户经理", "--out-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert len(list(tmp_path.glob("Demo_*.xlsx"))) == 6
    unknown = runner.invoke(main, ["build", str(demo_workbook), "--split-by", "Colour", "--out-dir", str(tmp_path)])
    assert unknown.exit_code == 2 and "no such Customers column" in unknown.output


@pytest.mark.slow(9)
def test_split_in_two_processes_writes_the_same_workbooks(runner, tmp_path, demo_workbook):
    for jobs in ("1", "2"):
        result = runner.invoke(main, ["build", str(demo_workbook), "--split-by", "AccountManager",
                                      "--out-dir", str(tmp_path / jobs), "--jobs", jobs])
        assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (tmp_path / "1").glob("*.xlsx"))
    assert len(names) == 6 and names == sorted(p.name for p in (tmp_path / "2").glob("*.xlsx"))
    for name in names:
        one, two = read_results(tmp_path / "1" / name), read_results(tmp_path / "2" / name)
        assert set(one) == set(two)
        for table in one:
            if table != "About":      # holds the run time
                pd.testing.assert_frame_equal(one[table], two[table], obj=f"{name} {table}")


def test_new_and_demo(runner, tmp_path):
    result = runner.invoke(main, ["new", str(tmp_path / "Mine.xlsm")])
    assert result.exit_code == 0 and (tmp_path / "Mine.py").exists()
    again = runner.invoke(main, ["new", str(tmp_path / "Mine.xlsm")])
    assert again.exit_code == 2 and "--force" in again.output
    demo = runner.invoke(main, ["demo", "--out", str(tmp_path / "d"), "--customers", "40"])
    assert demo.exit_code == 0, demo.output
    assert (tmp_path / "d" / "KAM_Demo_Summary.xlsx").exists()


def test_help_answers_without_the_heavy_libraries():
    """`kam-xl --help` loads neither pandas nor scipy (issue 16: it answers in a fraction of a second)."""
    import subprocess
    import sys
    code = ("import sys\nfrom click.testing import CliRunner\nfrom kam_xl.app.cli import main\n"
            "assert CliRunner().invoke(main, ['--help']).exit_code == 0\n"
            "print(sorted(m for m in ('pandas', 'scipy', 'numpy', 'xlsxwriter', 'openpyxl') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_a_refused_file_is_answered_without_the_heavy_libraries(tmp_path):
    """A file the checks refuse (here a text file and a zip bomb) is answered before pandas or scipy load, with
    the same lines and exit code 2 as when the build reads it (issue 16: under 0.3 s)."""
    import subprocess
    import sys
    import zipfile
    text = tmp_path / "Sales.xlsx"
    text.write_text("Date,CustomerID\n2026-01-01,A\n")
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", " " * (40 * 1024**2))
    code = ("import sys\nfrom click.testing import CliRunner\nfrom kam_xl.app.cli import main\n"
            f"result = CliRunner().invoke(main, ['build', {str(text)!r}, {str(bomb)!r}])\n"
            "print(result.exit_code, sorted(m for m in ('pandas', 'scipy', 'numpy') if m in sys.modules))\n"
            "print(result.output)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    first, *said = done.stdout.strip().splitlines()
    assert first == "2 []"
    said = " ".join(said)
    assert f"failed {text} -> nothing written" in said and f"failed {bomb} -> nothing written" in said
    assert "is a CSV or text file" in said and "possible zip bomb" in said
    for command in ("validate", "refresh"):
        run = code.replace(f"['build', {str(text)!r}, {str(bomb)!r}]", f"[{command!r}, {str(bomb)!r}]")
        done = subprocess.run([sys.executable, "-c", run], capture_output=True, text=True, check=True)
        first, *said = done.stdout.strip().splitlines()
        assert first == "2 []" and "possible zip bomb" in " ".join(said), command
