"""`kam-xl doctor`: every check, passing and failing with its fix, on a fake Windows machine and on this one."""
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kam_xl import __version__
from kam_xl.app.cli import main
from kam_xl.app.doctor import Machine, checks, office_python

TEMPLATE = Path(__file__).resolve().parent.parent / "workbook" / "KAM_Summary.xlsm"


class FakeWindows(Machine):
    """A Windows machine as the checks see it: files, an interpreter's answer, the registry, the add-in."""
    platform = "win32"
    python_version = (3, 12)

    def __init__(self, settings, files=(), interpreter=(0, f"kam-xl-version={__version__}"), trusted=True,
                 same_addin=True, user=None):
        self.settings, self.files, self.answer, self.trusted = settings, set(map(Path, files)), interpreter, trusted
        self.same_addin, self.user = same_addin, user or {}
        self.commands = []

    def user_settings(self):
        return self.user

    def workbook_settings(self, workbook):
        return self.settings

    def exists(self, path):
        return Path(path) in self.files

    def run(self, command):
        self.commands.append(command)
        return self.answer

    def addin_path(self):
        return Path(r"C:\Users\li\AppData\Roaming\Microsoft\Excel\XLSTART\xlwings.xlam")

    def packaged_addin(self):
        return Path(r"C:\kam\Lib\site-packages\xlwings\addin\xlwings.xlam")

    def digest(self, path):
        return "same" if self.same_addin or "site-packages" in str(path) else "other"

    def vba_trusted(self):
        return self.trusted

    def xlwings_version(self):
        return "0.33.15"

    def module_available(self, name):
        return True


PYTHONW = r"C:\Users\li\kam\Scripts\pythonw.exe"
BOOK = Path(r"C:\KAM\KAM_Summary.xlsm")
GOOD = {"Interpreter_Win": PYTHONW, "UDF Modules": "kam_udfs"}
ALL_FILES = [PYTHONW, r"C:\Users\li\AppData\Roaming\Microsoft\Excel\XLSTART\xlwings.xlam",
             r"C:\kam\Lib\site-packages\xlwings\addin\xlwings.xlam", r"C:\KAM\KAM_Summary.py"]


def test_a_windows_machine_set_up_right_passes_every_check():
    machine = FakeWindows(GOOD, ALL_FILES)
    found = checks(machine, BOOK)
    assert [c.name for c in found] == ["Python", "module kam_udfs", "xlwings package",
                                       "UDF Modules (xlwings.conf sheet)", "Python Excel starts (Interpreter_Win)",
                                       "xlwings Excel add-in", "access to the VBA project", "refresh macro file"]
    assert all(c.ok for c in found), [c.line() for c in found if not c.ok]
    assert machine.commands == [[PYTHONW, "-c",
                                 "import kam_udfs, kam_xl; print('kam-xl-version=' + kam_xl.__version__)"]]


def test_the_python_from_the_users_xlwings_conf_and_a_warning_on_stderr():
    """`xlwings addin install` keeps INTERPRETER_WIN in %USERPROFILE%\\.xlwings\\xlwings.conf: used when the
    workbook's sheet has none; a warning printed beside the version does not pass for the version."""
    machine = FakeWindows({"UDF Modules": "kam_udfs"}, ALL_FILES, user={"INTERPRETER_WIN": PYTHONW},
                          interpreter=(0, f"kam-xl-version={__version__}\nDeprecationWarning: something"))
    found = {c.name: c for c in checks(machine, BOOK)}
    assert found["Python Excel starts (Interpreter_Win)"].ok and machine.commands[0][0] == PYTHONW
    bare = FakeWindows({"UDF Modules": "kam_udfs"}, ALL_FILES)              # nothing set: "python" on PATH
    assert {c.name: c for c in checks(bare, BOOK)}["Python Excel starts (Interpreter_Win)"].ok
    assert bare.commands[0][0] == "python"


@pytest.mark.parametrize("machine, failing, says", [
    (FakeWindows({**GOOD, "Interpreter_Win": "python"}, ALL_FILES, interpreter=(9009, "")),
     "Python Excel starts (Interpreter_Win)", "python cannot import kam_udfs (exit code 9009)"),
    (FakeWindows(GOOD, ALL_FILES[1:]), "Python Excel starts (Interpreter_Win)", "does not exist"),
    (FakeWindows(GOOD, ALL_FILES, interpreter=(1, "ModuleNotFoundError: No module named 'kam_udfs'")),
     "Python Excel starts (Interpreter_Win)", "cannot import kam_udfs (ModuleNotFoundError"),
    (FakeWindows(GOOD, ALL_FILES, interpreter=(0, "kam-xl-version=0.0.1")), "Python Excel starts (Interpreter_Win)",
     "kam-xl 0.0.1"),
    (FakeWindows({**GOOD, "UDF Modules": "kam_udfs;kam_udfs_legacy"}, ALL_FILES), "UDF Modules (xlwings.conf sheet)",
     "kam_udfs, kam_udfs_legacy"),
    (FakeWindows(GOOD, [ALL_FILES[0], *ALL_FILES[2:]]), "xlwings Excel add-in", "not installed"),
    (FakeWindows(GOOD, ALL_FILES, same_addin=False), "xlwings Excel add-in", "is not the add-in of xlwings 0.33.15"),
    (FakeWindows(GOOD, ALL_FILES, trusted=None), "access to the VBA project", "not set"),
    (FakeWindows(GOOD, ALL_FILES, trusted=False), "access to the VBA project", "not trusted"),
    (FakeWindows(GOOD, ALL_FILES[:3]), "refresh macro file", r"C:\KAM\KAM_Summary.py"),
    (FakeWindows({**GOOD, "UDF Modules": "my_udfs"}, ALL_FILES), "UDF Modules (xlwings.conf sheet)", "my_udfs"),
])
def test_each_failure_is_one_line_with_its_fix(machine, failing, says):
    found = {c.name: c for c in checks(machine, BOOK)}
    assert [name for name, c in found.items() if not c.ok] == [failing]
    line = found[failing].line()
    assert line.startswith(f"FAIL  {failing}: ") and says in line and "  ->  " in line and found[failing].fix in line


def test_the_command_on_this_machine(tmp_path):
    """On Linux and macOS: Python, kam_udfs, xlwings, the template's UDF Modules, LibreOffice and its kam-xl
    add-in; exit 0/1."""
    result = CliRunner().invoke(main, ["doctor", str(TEMPLATE)])
    lines = result.output.splitlines()
    assert [line.split(":")[0] for line in lines][:4] == ["ok    Python", "ok    module kam_udfs",
                                                          "ok    xlwings package",
                                                          "ok    UDF Modules (xlwings.conf sheet)"]
    assert result.exit_code == (0 if all(line.startswith("ok") for line in lines) else 1)
    if "LibreOffice (PDF export, recalculation)" in result.output and lines[4].startswith("ok"):
        assert lines[5].startswith("ok    LibreOffice's Python (for the Calc add-in): LibreOffice 7.") \
            and lines[5].endswith(f"runs Python 3.{sys.version_info[1]}; kam-xl is installed in Python "
                                  f"3.{sys.version_info[1]}"), lines[5]   # Debian: python3-uno is 3.11, as is CI's
        assert lines[6].startswith(("ok    LibreOffice add-in", "FAIL  LibreOffice add-in"))
    hostile = tmp_path / "bomb.xlsx"
    hostile.write_bytes(b"not a workbook at all")
    refused = CliRunner().invoke(main, ["doctor", str(hostile)])
    assert refused.exit_code == 2 and "Traceback" not in refused.output


class FakeLinux(Machine):
    platform = "linux"
    python_version = (3, 11)

    def __init__(self, listed, office_python=(3, 11)):
        self.listed, self.office_python = listed, office_python

    def libreoffice_python(self):
        return self.office_python

    def libreoffice_version(self):
        return "7.4.7.2"

    def soffice(self):
        return "/usr/lib/libreoffice/program/soffice"

    def run(self, command):
        return 0, self.listed if command[-1] == "--shared" else ""


@pytest.mark.parametrize("listed, ok", [("Identifier: org.kamxl.calc\n  Version: 0.1.0", True), ("", False)])
def test_the_libreoffice_add_in_is_checked_elsewhere(listed, ok):
    found = checks(FakeLinux(listed))
    assert found[-1].name == "LibreOffice add-in (KAM_ functions in Calc)" and found[-1].ok is ok
    assert ok or "kam-xl addin install --libreoffice" in found[-1].line()


def test_the_python_libreoffice_runs_must_be_kam_xls():
    """The add-in loads kam-xl's compiled libraries into LibreOffice's Python: a 3.9 office and a 3.11 kam-xl
    cannot meet, and the line names both and the fix."""
    found = {c.name: c for c in checks(FakeLinux("Identifier: org.kamxl.calc", office_python=(3, 9)))}
    line = found["LibreOffice's Python (for the Calc add-in)"].line()
    assert line.startswith("FAIL  LibreOffice's Python (for the Calc add-in): LibreOffice 7.4.7.2 runs Python 3.9; "
                           "kam-xl is installed in Python 3.11  ->  install kam-xl in a Python 3.9"), line
    none = {c.name: c for c in checks(FakeLinux("", office_python=None))}["LibreOffice's Python (for the Calc add-in)"]
    assert not none.ok and "has no Python" in none.line() and "python3-uno" in none.line()


@pytest.mark.parametrize("files, expected", [
    ({"libpyuno.so": b"\x7fELF...libpython3.11.so.1.0\x00..."}, (3, 11)),          # Debian, Ubuntu
    ({"python312.dll": b"MZ", "python-core-3.12.4/lib/x": b""}, (3, 12)),             # Windows
    ({"python-core-3.10.9/lib/x": b""}, (3, 10)),
    ({"../Frameworks/LibreOfficePython.framework/Versions/3.9/x": b""}, (3, 9)),     # macOS
    ({"soffice.bin": b"no python here"}, None),
])
def test_which_python_a_libreoffice_runs(tmp_path, files, expected):
    program = tmp_path / "office" / "program"
    for name, data in files.items():
        path = program / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    assert office_python(program) == expected
