"""Type formulas into a real LibreOffice Calc and read the results back.

Run by LibreOffice's own Python (the one with the ``uno`` module), not by the
test's: ``python3 calc_driver.py PROFILE_DIR < spec.json > results.json``.
The spec: {"blocks": {"A1": [[row], ...]}, "cells": {"A1": value, ...}, "formulas": [{"cell": "H2", "formula":
"=KAM_DSO(...)", "rows": 1, "cols": 1}, ...]}; a formula with more than one
row or column is entered as an array formula over that many cells. The answer:
one 2-D list of values per formula (text for an error such as Err:504), then one
per range in "reads" ({"sheet", "range"}) of the workbook named by "open".
"""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException
from com.sun.star.lang import DisposedException

TEXT_RESULT = 2   # com.sun.star.sheet.FormulaResult.STRING
# On a busy machine LibreOffice can take minutes to start, and on a new profile it restarts itself once
# (the first bridge is then disposed): the driver waits for a bridge that answers, and does the whole work
# again in a new office when a bridge is disposed under it.
START_SECONDS = 300
ATTEMPTS = 3


class OfficeGone(Exception):
    """The office process ended, or its bridge was disposed, before the work was done."""


def start(profile: Path, pipe: str) -> subprocess.Popen:
    return subprocess.Popen(["soffice", "--headless", "--invisible", "--norestore", "--nologo",
                             f"-env:UserInstallation={profile.as_uri()}", f"--accept=pipe,name={pipe};urp;"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def connect(office: subprocess.Popen, pipe: str):
    """The Desktop of the office listening on ``pipe``, once a call over the bridge has been answered."""
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if office.poll() is not None:
            raise OfficeGone(f"LibreOffice exited with code {office.returncode} while starting")
        try:
            context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
            desktop.getComponents()   # answered: the office is up, not restarting
            return desktop
        except (NoConnectException, DisposedException):   # not listening yet, or restarting on a new profile
            time.sleep(0.5)
    raise OfficeGone(f"LibreOffice did not answer within {START_SECONDS} s")


def stop(office: subprocess.Popen, desktop, profile: Path) -> None:
    """Quit the office; one that will not quit is killed with its whole process group, and its profile lock
    removed, so that the next attempt (or test) starts clean."""
    if desktop is not None:
        try:
            desktop.terminate()
        except Exception:   # already gone, or its bridge is
            pass
    try:
        office.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(office.pid, signal.SIGKILL)
        office.wait(timeout=60)
    (profile / "user" / ".lock").unlink(missing_ok=True)


def main() -> None:
    spec = json.load(sys.stdin)
    profile = Path(sys.argv[1]).resolve()
    failures = []
    for attempt in range(ATTEMPTS):
        pipe = f"kamxl{profile.name}{os.getpid()}{attempt}"
        office, desktop = start(profile, pipe), None
        try:
            desktop = connect(office, pipe)
            answers = work(desktop, spec)
        except (OfficeGone, DisposedException) as exc:
            failures.append(f"attempt {attempt + 1}: {exc}")
            print(failures[-1], file=sys.stderr)
            continue
        finally:
            stop(office, desktop, profile)
        json.dump(answers, sys.stdout)
        return
    raise SystemExit("LibreOffice could not do the work: " + "; ".join(failures))


def work(desktop, spec: dict) -> list:
    """Open the document, type the spec's cells and formulas, recalculate and read the answers."""
    hidden = PropertyValue()
    hidden.Name, hidden.Value = "Hidden", True
    source = Path(spec["open"]).resolve().as_uri() if "open" in spec else "private:factory/scalc"
    document = desktop.loadComponentFromURL(source, "_blank", 0, (hidden,))
    sheet = document.Sheets.getByIndex(0)
    for address, rows in spec.get("blocks", {}).items():   # a table at once: far faster than cell by cell
        first = sheet.getCellRangeByName(address).CellAddress
        target = sheet.getCellRangeByPosition(first.Column, first.Row, first.Column + len(rows[0]) - 1,
                                              first.Row + len(rows) - 1)
        target.setDataArray(tuple(tuple("" if v is None else v for v in row) for row in rows))
    for address, value in spec.get("cells", {}).items():
        cell = sheet.getCellRangeByName(address)
        if isinstance(value, str) and value.startswith("="):
            cell.setFormula(value)
        elif isinstance(value, str):
            cell.setString(value)
        elif value is not None:
            cell.setValue(value)
    for item in spec.get("formulas", []):
        first = sheet.getCellRangeByName(item["cell"])
        row, col = first.CellAddress.Row, first.CellAddress.Column
        target = sheet.getCellRangeByPosition(col, row, col + item["cols"] - 1, row + item["rows"] - 1)
        if item["rows"] * item["cols"] > 1:
            target.setArrayFormula(item["formula"])
        else:
            first.setFormula(item["formula"])
    document.calculateAll()
    answers = [read_formula(sheet, item) for item in spec.get("formulas", [])]
    for item in spec.get("reads", []):   # ranges of the opened workbook, recalculated by Calc
        target = document.Sheets.getByName(item["sheet"]).getCellRangeByName(item["range"])
        answers.append([list(row) for row in target.getDataArray()])
    document.close(True)
    return answers


def read_formula(sheet, item: dict) -> list[list]:
    first = sheet.getCellRangeByName(item["cell"])
    row, col = first.CellAddress.Row, first.CellAddress.Column
    rows = []
    for r in range(item["rows"]):
        values = []
        for c in range(item["cols"]):
            cell = sheet.getCellByPosition(col + c, row + r)
            kind = cell.Type.value   # EMPTY, VALUE, TEXT, FORMULA
            if cell.getError():
                values.append(f"Err:{cell.getError()}")
            elif kind == "FORMULA":
                values.append(cell.getString() if cell.FormulaResultType2 == TEXT_RESULT else cell.getValue())
            else:
                values.append(cell.getValue() if kind == "VALUE" else cell.getString())
        rows.append(values)
    return rows


if __name__ == "__main__":
    main()
