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
import subprocess
import sys
import time
from pathlib import Path

import uno
from com.sun.star.beans import PropertyValue


TEXT_RESULT = 2   # com.sun.star.sheet.FormulaResult.STRING


def connect(pipe: str, attempts: int = 120):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(attempts):
        try:
            return resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except Exception:   # not listening yet
            time.sleep(0.5)
    raise SystemExit("LibreOffice did not start")


def main() -> None:
    spec = json.load(sys.stdin)
    profile = Path(sys.argv[1]).resolve()
    pipe = f"kamxl{profile.name}"
    office = subprocess.Popen(["soffice", "--headless", "--invisible", "--norestore", "--nologo",
                               f"-env:UserInstallation={profile.as_uri()}", f"--accept=pipe,name={pipe};urp;"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        context = connect(pipe)
        desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
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
        answers = []
        for item in spec.get("formulas", []):
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
            answers.append(rows)
        for item in spec.get("reads", []):   # ranges of the opened workbook, recalculated by Calc
            target = document.Sheets.getByName(item["sheet"]).getCellRangeByName(item["range"])
            answers.append([list(row) for row in target.getDataArray()])
        document.close(True)
        json.dump(answers, sys.stdout)
    finally:
        try:
            desktop.terminate()
        except Exception:   # already gone
            pass
        try:
            office.wait(timeout=60)
        except subprocess.TimeoutExpired:   # a LibreOffice that will not quit must not outlive the test
            office.kill()


if __name__ == "__main__":
    main()
