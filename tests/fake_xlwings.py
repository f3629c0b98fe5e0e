"""A small fake of the xlwings Book/Sheet/Range/Table API that records writes."""
from __future__ import annotations

import datetime as dt

import openpyxl
from openpyxl.utils import range_boundaries


class FakeRange:
    def __init__(self, sheet, first, last=None):
        self.sheet = sheet
        self.r1, self.c1 = first
        self.r2, self.c2 = last or first

    row = property(lambda self: self.r1)
    column = property(lambda self: self.c1)

    def options(self, **_):
        return self

    def _cells(self):
        return [[(r, c) for c in range(self.c1, self.c2 + 1)] for r in range(self.r1, self.r2 + 1)]

    @property
    def value(self):
        return [[self.sheet.cells.get(rc) for rc in row] for row in self._cells()]

    @value.setter
    def value(self, data):
        self._put(data, self.sheet.cells)

    @property
    def formula(self):
        return [[self.sheet.formulas.get(rc) for rc in row] for row in self._cells()]

    @formula.setter
    def formula(self, data):
        self._put(data, self.sheet.formulas)

    def _put(self, data, store):
        if not isinstance(data, list):
            rows = [[data]]
        else:
            rows = data if data and isinstance(data[0], list) else [data]
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                store[(self.r1 + i, self.c1 + j)] = v

    @property
    def number_format(self):
        return self.sheet.number_formats.get((self.r1, self.c1))

    @number_format.setter
    def number_format(self, fmt):
        for row in self._cells():
            for rc in row:
                self.sheet.number_formats[rc] = fmt


class FakeTable:
    def __init__(self, name, range_):
        self.name, self.range = name, range_


class FakeTables(list):
    def __init__(self, sheet):
        super().__init__()
        self.sheet = sheet

    def add(self, source=None, name=None, **_):
        if any(t.name == name for s in self.sheet.book.sheets for t in s.tables):
            raise ValueError(f"table {name} exists")
        table = FakeTable(name, source)
        self.append(table)
        return table


class FakeSheet:
    def __init__(self, book, name):
        self.book, self.name = book, name
        self.cells, self.formulas, self.number_formats = {}, {}, {}
        self.tables = FakeTables(self)

    def range(self, first, last=None):
        return FakeRange(self, first, last)

    @property
    def used_range(self):
        keys = [k for k, v in self.cells.items() if v is not None]
        rows, cols = [k[0] for k in keys], [k[1] for k in keys]
        return FakeRange(self, (min(rows), min(cols)), (max(rows), max(cols)))

    def delete(self):
        self.book.sheets.remove(self)


class FakeSheets(list):
    def __init__(self, book):
        super().__init__()
        self.book = book

    def __getitem__(self, key):
        if isinstance(key, str):
            return next(s for s in self if s.name == key)
        return list.__getitem__(self, key)

    def add(self, name, before=None, after=None):
        sheet = FakeSheet(self.book, name)
        self.insert(self.index(after) + 1 if after is not None else len(self), sheet)
        return sheet


class FakeApp:
    def __init__(self):
        self.status_bar, self.alerts, self.status_history = None, [], []

    def __setattr__(self, key, value):
        if key == "status_bar" and value:
            self.__dict__.setdefault("status_history", []).append(value)
        object.__setattr__(self, key, value)

    def alert(self, message, title=None):
        self.alerts.append(message)


class FakeBook:
    def __init__(self, fullname="Book1.xlsx"):
        self.app = FakeApp()
        self.sheets = FakeSheets(self)
        self.fullname = str(fullname)

    @classmethod
    def from_file(cls, path):
        """A fake book holding a workbook's cell values and Excel Tables."""
        book = cls(path)
        source = openpyxl.load_workbook(path)
        for ws in source.worksheets:
            sheet = book.sheets.add(ws.title)
            for row in ws.iter_rows():
                for c in row:
                    if c.value is not None:
                        value = c.value
                        whole = isinstance(value, int) and not isinstance(value, bool)
                        sheet.cells[(c.row, c.column)] = float(value) if whole else value
            for name, ref in ws.tables.items():
                c1, r1, c2, r2 = range_boundaries(ref)
                sheet.tables.append(FakeTable(name, FakeRange(sheet, (r1, c1), (r2, c2))))
        return book


__all__ = ["FakeBook", "dt"]
