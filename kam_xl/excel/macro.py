"""The refresh macro behind the template's button and xlwings' "Run main".

The xlwings quickstart VBA runs ``import <workbook name>; <workbook
name>.main()`` with the workbook's folder on ``sys.path``; ``kam-xl new``
writes that small module next to the workbook, and it calls
:func:`kam_xl.excel.xlwings_app.refresh_book`.
"""
from __future__ import annotations

from pathlib import Path

MODULE_TEXT = '''"""Refresh macro of {name}.xlsm (written by kam-xl; safe to keep or edit).

xlwings' "Run main" button and the workbook's macro call main(), which reads
the input tables of the open workbook, runs kam-xl and writes the outputs.
"""
from kam_xl.excel.xlwings_app import refresh_book


def main():
    import xlwings as xw

    refresh_book(xw.Book.caller())
'''


def write_macro_module(workbook: Path) -> Path:
    """Write ``<workbook stem>.py`` next to the workbook unless it exists."""
    module = workbook.with_suffix(".py")
    if not module.exists():
        module.write_text(MODULE_TEXT.format(name=workbook.stem), encoding="utf-8")
    return module
