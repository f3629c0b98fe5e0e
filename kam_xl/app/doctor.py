"""`kam-xl doctor`: is this machine (and workbook) set up for kam-xl's formulas
and refresh macro? One line per check with the fix, instead of diagnosing the
error table of docs/EXCEL.md by hand.

The checks read the machine through a ``Machine`` (the real one, or a fake in
the tests), so the Windows parts are tested on any system.
"""
from __future__ import annotations

import csv
import hashlib
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from kam_xl import __version__

UDF_MODULES = ("kam_udfs", "kam_udfs_legacy")
VBA_TRUST_KEY = r"Software\Microsoft\Office\16.0\Excel\Security"   # Excel 2016 to 365 all use 16.0


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""

    def line(self) -> str:
        return f"{'ok  ' if self.ok else 'FAIL'}  {self.name}: {self.detail}" + ("" if self.ok else f"  ->  {self.fix}")


class Machine:
    """The facts the checks need, from the real machine."""

    platform = sys.platform
    python_version = sys.version_info[:2]

    def module_available(self, name: str) -> bool:
        return importlib.util.find_spec(name) is not None

    def xlwings_version(self) -> str | None:
        try:
            from importlib.metadata import version
            return version("xlwings")
        except Exception:   # not installed
            return None

    def run(self, command: list[str]) -> tuple[int, str]:
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return 1, str(exc)
        return done.returncode, (done.stdout + done.stderr).strip()

    def exists(self, path: Path) -> bool:
        return path.exists()

    def addin_path(self) -> Path:
        return Path(os.environ.get("APPDATA", "~")).expanduser() / "Microsoft" / "Excel" / "XLSTART" / "xlwings.xlam"

    def packaged_addin(self) -> Path | None:
        """The xlwings.xlam that `xlwings addin install` copies from the installed package."""
        spec = importlib.util.find_spec("xlwings")
        if spec is None or not spec.submodule_search_locations:
            return None
        return Path(spec.submodule_search_locations[0]) / "addin" / "xlwings.xlam"

    def digest(self, path: Path) -> str:
        return hashlib.sha256(path.read_bytes()).hexdigest()

    def vba_trusted(self) -> bool | None:
        """AccessVBOM = 1 under the current user's Excel security key; None when unreadable."""
        try:
            import winreg
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, VBA_TRUST_KEY) as key:
                return winreg.QueryValueEx(key, "AccessVBOM")[0] == 1
        except (ImportError, OSError):
            return None

    def soffice(self) -> str | None:
        from kam_xl.render.libreoffice import soffice
        return soffice()

    def libreoffice_version(self) -> str | None:
        """'7.4.7.2' from ``soffice --version``."""
        binary = self.soffice()
        code, output = self.run([binary, "--version"]) if binary else (1, "")
        found = re.search(r"(\d+(?:\.\d+)+)", output) if code == 0 else None
        return found.group(1) if found else None

    def libreoffice_python(self) -> tuple[int, int] | None:
        """The Python version LibreOffice runs its add-ins in, from its program folder; None when it has none."""
        binary = self.soffice()
        return office_python(Path(binary).resolve().parent) if binary else None

    def user_settings(self) -> dict[str, str]:
        """%USERPROFILE%\\.xlwings\\xlwings.conf, where `xlwings addin install` keeps Interpreter_Win."""
        path = Path.home() / ".xlwings" / "xlwings.conf"
        if not path.exists():
            return {}
        rows = csv.reader(path.read_text(encoding="utf-8", errors="replace").splitlines())
        return {row[0].strip(): row[1].strip() for row in rows if len(row) > 1}

    def workbook_settings(self, workbook: Path) -> dict[str, str]:
        """The xlwings.conf sheet of a workbook: setting -> value."""
        from python_calamine import CalamineWorkbook

        from kam_xl.inputs.safe_io import check_workbook_file
        check_workbook_file(workbook)   # a hostile file is refused here as everywhere (InputError)
        book = CalamineWorkbook.from_path(str(workbook))
        if "xlwings.conf" not in book.sheet_names:
            return {}
        rows = book.get_sheet_by_name("xlwings.conf").to_python()
        return {str(r[0]).strip(): str(r[1]).strip() for r in rows if len(r) > 1 and r[0] not in (None, "")}


# Where each build of LibreOffice says which Python it runs: Debian/Ubuntu's pyuno library is linked to the
# system's libpython3.X; Windows ships python3X.dll and a python-core-3.X.Y folder; macOS a Python framework.
_OFFICE_PYTHON = (("libpyuno.so*", rb"libpython3\.(\d+)"), ("python3*.dll", rb"python3(\d+)\.dll"),
                  ("python-core-3.*", rb"python-core-3\.(\d+)"),
                  ("../Frameworks/LibreOfficePython.framework/Versions/3.*", rb"^3\.(\d+)$"))


def office_python(program: Path) -> tuple[int, int] | None:
    """(3, minor) of the Python in LibreOffice's ``program`` folder, or None."""
    for pattern, version in _OFFICE_PYTHON:
        for path in sorted(program.glob(pattern)):
            text = path.read_bytes() if path.is_file() and ".so" in path.name else path.name.encode()
            found = re.search(version, text)
            if found:
                return 3, int(found.group(1))
    return None


def checks(machine: Machine, workbook: Path | None = None) -> list[Check]:
    """Every check that applies on this platform, in the order a user fixes them."""
    found = [_python(machine), _module(machine, "kam_udfs"), _xlwings(machine)]
    settings = machine.workbook_settings(workbook) if workbook is not None else {}
    if workbook is not None:
        found.append(_udf_modules(settings))
    if machine.platform == "win32":   # the workbook's xlwings.conf sheet wins over the user's file, as in xlwings
        interpreter = settings.get("Interpreter_Win") or _setting(machine.user_settings(), "Interpreter_Win")
        found += [_interpreter(machine, interpreter), _addin(machine), _vba_trust(machine)]
        if workbook is not None:
            found.append(_macro_file(machine, workbook))
    else:
        found.append(_libreoffice(machine))
        if found[-1].ok:
            found += [_office_python(machine), _calc_addin(machine)]
    return found


def _python(machine: Machine) -> Check:
    ok = machine.python_version >= (3, 11)
    return Check("Python", ok, ".".join(map(str, machine.python_version)), "install Python 3.11 or newer")


def _module(machine: Machine, name: str) -> Check:
    ok = machine.module_available(name)
    return Check(f"module {name}", ok, "importable" if ok else "not importable",
                 "install kam-xl in this Python: pip install C:\\path\\to\\kam-xl")


def _xlwings(machine: Machine) -> Check:
    version = machine.xlwings_version()
    return Check("xlwings package", version is not None, version or "not installed", "pip install xlwings")


def _setting(settings: dict[str, str], name: str) -> str:
    """A setting whatever its case (the user file spells it INTERPRETER_WIN)."""
    return next((v for k, v in settings.items() if k.lower() == name.lower()), "")


def _udf_modules(settings: dict[str, str]) -> Check:
    modules = [m.strip() for m in settings.get("UDF Modules", "").split(";") if m.strip()]
    ours = [m for m in modules if m in UDF_MODULES]
    ok = len(ours) == 1   # both would declare every function twice
    return Check("UDF Modules (xlwings.conf sheet)", ok, ", ".join(modules) or "not set",
                 "set UDF Modules to one of kam_udfs (Excel 365/2021/2024) or kam_udfs_legacy (Excel 2016/2019)")


VERSION_MARK = "kam-xl-version="


def _interpreter(machine: Machine, interpreter: str) -> Check:
    """The Python Excel starts (Interpreter_Win; a bare name is looked up on PATH) has this kam-xl."""
    name = "Python Excel starts (Interpreter_Win)"
    fix = r"set Interpreter_Win on the xlwings.conf sheet to the pythonw.exe where kam-xl is installed, " \
          r"e.g. C:\Users\<you>\kam\Scripts\pythonw.exe"
    interpreter = interpreter or "python"   # what xlwings starts when nothing is set
    if ("\\" in interpreter or "/" in interpreter) and not machine.exists(Path(interpreter)):
        return Check(name, False, f"{interpreter} does not exist", fix)
    code, output = machine.run([interpreter, "-c",
                                f"import kam_udfs, kam_xl; print('{VERSION_MARK}' + kam_xl.__version__)"])
    marked = [line.split(VERSION_MARK, 1)[1].strip() for line in output.splitlines() if VERSION_MARK in line]
    if code != 0 or not marked:
        last = output.splitlines()[-1] if output else f"exit code {code}"
        return Check(name, False, f"{interpreter} cannot import kam_udfs ({last})",
                     "install kam-xl in that Python: its pip install C:\\path\\to\\kam-xl")
    return Check(name, marked[0] == __version__, f"{interpreter}, kam-xl {marked[0]}",
                 f"upgrade kam-xl in that Python to {__version__}")


def _addin(machine: Machine) -> Check:
    """The add-in is installed, and is the one of the installed xlwings package (the same file: the add-in and
    the package talk through a version-specific interface)."""
    path, packaged, version = machine.addin_path(), machine.packaged_addin(), machine.xlwings_version()
    fix = "run: xlwings addin install (with the Python where kam-xl is installed), then restart Excel"
    if not machine.exists(path):
        return Check("xlwings Excel add-in", False, "not installed", fix)
    if packaged is not None and machine.exists(packaged) and machine.digest(path) != machine.digest(packaged):
        return Check("xlwings Excel add-in", False, f"{path} is not the add-in of xlwings {version}", fix)
    return Check("xlwings Excel add-in", True, f"{path} (xlwings {version})")


def _vba_trust(machine: Machine) -> Check:
    trusted = machine.vba_trusted()
    detail = {True: "trusted", False: "not trusted", None: "not set"}[trusted]
    return Check("access to the VBA project", bool(trusted), detail,
                 "File > Options > Trust Center > Trust Center Settings > Macro Settings > tick "
                 "'Trust access to the VBA project object model' (needed for Import Functions)")


def _macro_file(machine: Machine, workbook: Path) -> Check:
    script = workbook.with_suffix(".py")
    return Check("refresh macro file", machine.exists(script), str(script),
                 f"keep {script.name} next to the workbook (kam-xl new writes it)")


def _libreoffice(machine: Machine) -> Check:
    binary = machine.soffice() or shutil.which("soffice")
    return Check("LibreOffice (PDF export, recalculation)", binary is not None, binary or "not found",
                 "install LibreOffice with its Python (Debian/Ubuntu: apt install libreoffice-calc "
                 "libreoffice-script-provider-python python3-uno)")


def _office_python(machine: Machine) -> Check:
    """The add-in loads this kam-xl, numpy and pandas into LibreOffice's own Python: the two must be one minor
    version (compiled libraries are built for one)."""
    office, ours = machine.libreoffice_python(), tuple(machine.python_version)
    name = "LibreOffice's Python (for the Calc add-in)"
    libreoffice = f"LibreOffice {machine.libreoffice_version() or '(version unknown)'}"
    here = f"kam-xl is installed in Python {'.'.join(map(str, ours))}"
    if office is None:
        return Check(name, False, f"{libreoffice} has no Python; {here}",
                     "install LibreOffice's Python support (Debian/Ubuntu: apt install "
                     "libreoffice-script-provider-python python3-uno)")
    needed = ".".join(map(str, office))
    return Check(name, office == ours, f"{libreoffice} runs Python {needed}; {here}",
                 f"install kam-xl in a Python {needed} (python{needed} -m venv ...; pip install kam-xl) and run "
                 "kam-xl addin install --libreoffice from there, or use a LibreOffice built with Python "
                 f"{'.'.join(map(str, ours))}")


def _calc_addin(machine: Machine) -> Check:
    """The kam-xl extension is registered with LibreOffice, for this user or for all."""
    name = "LibreOffice add-in (KAM_ functions in Calc)"
    try:
        from kam_calc_build import IDENTIFIER, unopkg_path   # the add-in's builder, beside kam_udfs
    except ImportError as exc:
        return Check(name, False, f"cannot load the add-in's builder ({exc})", "reinstall kam-xl in this Python")
    listed = " ".join(machine.run([unopkg_path(), "list", *scope])[1] for scope in ([], ["--shared"]))
    ok = IDENTIFIER in listed
    return Check(name, ok, "installed" if ok else "not installed",
                 "run: kam-xl addin install --libreoffice, then restart LibreOffice")
