"""Comparison helpers for workbook tests."""
import datetime as dt
import math
import re
import zipfile

import numpy as np
import openpyxl
import pandas as pd


def _blank(value) -> bool:
    if isinstance(value, str):
        return value == ""
    return value is None or bool(pd.isna(value)) if not isinstance(value, (list, tuple)) else False


def same(expected, actual, rel=1e-9) -> bool:
    """One cell: numbers within rel, blanks equal NaN/None, dates by day."""
    blank_e = _blank(expected)
    blank_a = _blank(actual)
    if blank_e or blank_a:
        return blank_e and blank_a
    if isinstance(expected, (bool, np.bool_)):
        return bool(expected) == bool(actual)
    if isinstance(expected, (pd.Timestamp, dt.date)):
        return pd.Timestamp(expected).normalize() == pd.Timestamp(actual).normalize()
    if isinstance(expected, (int, float, np.integer, np.floating)):
        return math.isclose(float(expected), float(actual), rel_tol=rel, abs_tol=1e-9)
    return str(expected) == str(actual)


def assert_frames_match(expected: pd.DataFrame, actual: pd.DataFrame, name: str = "") -> None:
    assert list(expected.columns) == list(actual.columns), name
    assert len(expected) == len(actual), name
    for column in expected.columns:
        for i, (e, a) in enumerate(zip(expected[column].tolist(), actual[column].tolist())):
            assert same(e, a), f"{name}.{column}[{i}]: expected {e!r}, workbook has {a!r}"


def error_cells(path) -> list[tuple[str, str]]:
    """(part, cell) of every cell stored with an error value (t="e")."""
    found = []
    with zipfile.ZipFile(path) as archive:
        for part in archive.namelist():
            if part.startswith("xl/worksheets/sheet"):
                data = archive.read(part).decode("utf-8")
                found += [(part, ref) for ref in re.findall(r'<c r="([A-Z]+\d+)"[^>]*t="e"', data)]
    return found


def write_book(path, sheets: dict[str, list[list]]):
    """A workbook as an export or a person writes it: one sheet per name, rows as given (row 1 first)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def customers_table(ids: list[str]) -> pd.DataFrame:
    """A Customers table of these IDs with every contract column, as the reader hands it over."""
    from kam_xl.inputs.reader import inputs_from_frames
    return inputs_from_frames({"Customers": pd.DataFrame({"CustomerID": ids}),
                               "Sales": pd.DataFrame({"Date": ["2026-01-01"], "CustomerID": [ids[0]],
                                                      "NetRevenue": [1]})})["Customers"]
