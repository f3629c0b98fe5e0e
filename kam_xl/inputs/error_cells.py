"""What a damaged or hostile workbook does to the cell reader, said plainly;
and the cells calamine reads as blanks that are not: error cells (#N/A,
#DIV/0! ...), found by scanning the sheet XML for ``t="e"`` cells, and
formulas saved without a calculated value (openpyxl, and so pandas, writes a
text that starts with "=" as such a formula), found as ``<f>`` with no value.

calamine raises several types for a damaged part and may stop with a Rust
panic (a BaseException) on a value it cannot take, such as a huge number in a
date cell: :func:`reading` turns either into :class:`Unreadable`, which
:meth:`ErrorCells.unreadable` words as the InputError the user reads, naming
the part and, for a panic, the cells that stop the reader. The workbook's own
XML is parsed with defusedxml (unsafe XML is refused up front); the size and
zip checks are kam_xl.inputs.safe_io's.
"""
from __future__ import annotations

import contextlib
from concurrent.futures import Future
import html
import re
import threading
import zipfile
from pathlib import Path, PurePosixPath
from types import SimpleNamespace
from typing import NamedTuple

from defusedxml import DefusedXmlException, ElementTree

from kam_xl.inputs.arrow_tables import table_parts
from kam_xl.inputs.parsing import ERROR_VALUES, UNCALCULATED
from kam_xl.inputs.safe_io import InputError, is_xls, scanned_part


class Unreadable(Exception):
    """calamine failed on a part: where, the sheet if known, and why; ``panic``:
    the reader stopped (a Rust panic) rather than reported a damaged part."""

    def __init__(self, where: str, sheet: str | None, reason: str, panic: bool = False):
        super().__init__(where)
        self.where, self.sheet, self.reason, self.panic = where, sheet, reason, panic


def is_panic(exc: BaseException) -> bool:
    """A Rust panic inside calamine or fastexcel (pyo3_runtime.PanicException:
    a BaseException, not an Exception, one class of that name per extension),
    e.g. 'TimeDelta::milliseconds out of bounds' for -1e308 in a date cell."""
    return type(exc).__name__ == "PanicException"


@contextlib.contextmanager
def reading(where: str, sheet: str | None = None):
    """Yields a place whose ``sheet`` the body may set once it knows it (an Excel Table's)."""
    place = SimpleNamespace(sheet=sheet)
    try:
        yield place
    except Exception as exc:  # calamine raises XmlError, CalamineError, ValueError... for a damaged part
        raise Unreadable(where, place.sheet, f"{type(exc).__name__}: {exc}") from None
    except BaseException as exc:
        if not is_panic(exc):
            raise
        raise Unreadable(where, place.sheet, f"the reader stopped: {exc}", panic=True) from None


class SheetScan(NamedTuple):
    """What a sheet's XML holds that its typed columns cannot say: its error cells and formulas without a
    value (as :meth:`ErrorCells.errors_in` gives them), and whether it keeps texts of its own (inline
    strings, formulas' texts), which may be texts read as blanks (as shared strings may:
    :meth:`ErrorCells.shared_strings_hide`)."""
    errors: dict
    own_texts: bool


class ErrorCells:
    """Error cells (t="e") per sheet, found by scanning the sheet XML bytes."""

    _CELL = re.compile(rb'<c\b[^>]*?\br="([A-Z]{1,3})(\d+)"[^>]*?\bt="e"[^>]*>'
                       rb'(?:<f\b[^>]*/>|<f\b[^>]*>.*?</f>)?<v>([^<]*)</v>', re.S)
    _CELL_T_FIRST = re.compile(rb'<c\b[^>]*?\bt="e"[^>]*?\br="([A-Z]{1,3})(\d+)"[^>]*>'
                               rb'(?:<f\b[^>]*/>|<f\b[^>]*>.*?</f>)?<v>([^<]*)</v>', re.S)

    def __init__(self, path: Path):
        self.path = path
        self._parts: dict[str, str] | None = None
        self._shared_may_hide: bool | None = None
        self._lock = threading.Lock()   # the reading threads share this object
        self._scans: dict[str, Future] = {}
        self._stop = threading.Event()
        self._scanner: threading.Thread | None = None
        self._directory: dict[str, tuple[int, int]] | None = None
        self._last_rows: dict[str, int | None] = {}
        self._sheet_parts()   # here, not in the reading threads (and unsafe XML is refused up front)

    # The texts fastexcel reads as a blank (or NaN) in a number or date column instead of refusing the column
    # (pandas' default missing-value texts; tests/test_arrow_read.py pins them), as they stand in the XML.
    _HIDDEN_TEXTS = ("#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
                     "&lt;NA&gt;", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null")
    _HIDDEN_SHARED = re.compile(b">(?:" + b"|".join(re.escape(t.encode()) for t in _HIDDEN_TEXTS) + b")</t>")

    def prescan(self, sheets: list[str]) -> None:
        """Read these sheets' XML (SheetScan), in this order, in a thread of its own, for :meth:`scan` to
        hand over: inflating a large sheet again takes a second or so, which a reading thread would
        otherwise spend after its table instead of reading the next one. Only sheets larger than CHUNK are
        read, and not those the safety check has cleared (:meth:`needs_scan`); :meth:`close` stops."""
        sizes = self.sheet_sizes()
        wanted = [s for s in dict.fromkeys(sheets) if sizes.get(s, 0) > self.CHUNK]
        self._scans.update({sheet: Future() for sheet in wanted})
        if wanted:
            self._scanner = threading.Thread(target=self._scan_all, args=(wanted,), name="kam-xl sheet scan",
                                             daemon=True)
            self._scanner.start()

    def _scan_all(self, sheets: list[str]) -> None:
        for sheet in sheets:
            future = self._scans[sheet]
            if self._stop.is_set():
                future.cancel()
                continue
            try:
                future.set_result(self._scan(sheet) if self.needs_scan(sheet, typed_blanks=True) else
                                  SheetScan({}, False))
            except BaseException as exc:  # noqa: BLE001 - raised where the scan is asked for
                future.set_exception(exc)

    def scan(self, sheet: str) -> SheetScan:
        """The sheet's SheetScan: the prescan's, else read now and kept (a table that falls back to the
        cell-by-cell reading asks again)."""
        future = self._scans.get(sheet)
        if future is None:
            future = Future()
            future.set_result(self._scan(sheet))
            self._scans[sheet] = future
        return future.result()

    def _scan(self, sheet: str) -> SheetScan:
        errors: dict[tuple[int, int], str] = {}
        own_texts = False
        for chunk in self.sheet_chunks(sheet):
            if self._stop.is_set():
                break
            errors.update(self.errors_in(chunk))
            own_texts = own_texts or b'"inlineStr"' in chunk or b't="str"' in chunk
        return SheetScan(errors, own_texts)

    def close(self) -> None:
        """Stop the prescan and wait for it: the file it reads may be a decrypted copy about to be deleted."""
        self._stop.set()
        if self._scanner is not None:
            self._scanner.join()

    def sheet_sizes(self) -> dict[str, int]:
        """Each sheet's XML size in bytes, as the zip directory gives it (none for a damaged file)."""
        members = self._members()
        return {sheet: members[part][0] for sheet, part in self._sheet_parts().items() if part in members}

    def _members(self) -> dict[str, tuple[int, int]]:
        """Each part's (size, CRC-32), as the zip directory gives them (none for a damaged file)."""
        if self._directory is None:
            try:
                with zipfile.ZipFile(self.path) as archive:
                    self._directory = {m.filename: (m.file_size, m.CRC) for m in archive.infolist()}
            except Exception:  # noqa: BLE001 - a damaged file: the reading says what is wrong
                self._directory = {}
        return self._directory

    def needs_scan(self, sheet: str, typed_blanks: bool) -> bool:
        """Whether the sheet's XML must be read for error cells and formulas without a value, and, with
        ``typed_blanks`` (a number or date column with blanks), for texts read as blanks. Not when the safety
        check counted the sheet (kam_xl.inputs.safe_io.scanned_part, a large sheet) and found no error cell,
        no formula and, for texts, no text of its own while the shared strings hold none of those texts."""
        part = self._sheet_parts().get(sheet)
        member = self._members().get(part) if part is not None else None
        facts = scanned_part(self.path, part, member[1]) if member is not None else None
        if facts is None or facts.error_cells or facts.formulas:
            return True
        return typed_blanks and (facts.own_texts or self.shared_strings_hide())

    def shared_strings_hide(self) -> bool:
        """Whether a shared string is one of the texts fastexcel reads as a blank in a number or date column
        (_HIDDEN_TEXTS), or may spell one (rich text runs, character references, Excel's _xHHHH_ escapes)."""
        if self._shared_may_hide is None:
            with self._lock:
                if self._shared_may_hide is None:
                    self._shared_may_hide = self._shared_strings_may_hide()
        return self._shared_may_hide

    def _shared_strings_may_hide(self) -> bool:
        try:
            with zipfile.ZipFile(self.path) as archive:
                names = [n for n in archive.namelist() if n.lower().endswith("sharedstrings.xml")]
                if names not in ([], ["xl/sharedStrings.xml"]):   # a table named elsewhere: unsure, look at every cell
                    return True
                strings = archive.read(names[0]) if names else b""
        except Exception:  # noqa: BLE001 - unsure: look at every cell
            return True
        if b"<r>" in strings or b"&#" in strings or b"_x" in strings:
            return True
        return self._HIDDEN_SHARED.search(strings) is not None

    def _sheet_parts(self) -> dict[str, str]:
        if self._parts is None and is_xls(self.path):   # a .xls has no parts: calamine reads its error cells
            self._parts = {}
        if self._parts is None:
            ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
                  "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
                  "p": "http://schemas.openxmlformats.org/package/2006/relationships"}
            try:
                with zipfile.ZipFile(self.path) as archive:
                    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
                    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
            except (DefusedXmlException, ElementTree.ParseError, KeyError) as exc:
                raise InputError(f"{self.path}: unsafe or broken workbook XML ({type(exc).__name__}); "
                                 "refused") from None
            targets = {r.get("Id"): r.get("Target") for r in rels.findall("p:Relationship", ns)}
            self._parts = {}
            for sheet in workbook.findall("m:sheets/m:sheet", ns):
                target = targets.get(sheet.get(f"{{{ns['r']}}}id"), "")
                part = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
                self._parts[sheet.get("name")] = part
        return self._parts

    def tables(self) -> dict:
        """The workbook's Excel Tables by name (kam_xl.inputs.arrow_tables.TablePart); {} when their parts
        cannot be read (then calamine reads the tables, or says what is damaged)."""
        try:
            with zipfile.ZipFile(self.path) as archive:
                return table_parts(archive, self._sheet_parts())
        except Exception:  # noqa: BLE001 - damaged parts: the cell-by-cell reading says what is wrong
            return {}

    _DIMENSION = re.compile(rb'<dimension\s+ref="[A-Z]{1,3}\d+(?::[A-Z]{1,3}(\d+))?"')

    def unreadable(self, failure: Unreadable) -> InputError:
        part = self._sheet_parts().get(failure.sheet) if failure.sheet else None
        where = f"{failure.where} ({part})" if part else failure.where
        if failure.panic:
            if failure.sheet and not failure.where.startswith("sheet "):
                where += f" on sheet '{failure.sheet}'"
            far = self.far_numbers(failure.sheet) if failure.sheet else []
            if far:
                cells = ", ".join(f"{ref} holds {value}" for ref, value in far[:3]) + (" ..." if len(far) > 3 else "")
                return InputError(f"{self.path}: {where} cannot be read: cell {cells}, a number no date can be "
                                  f"(the reader stopped on it in a date-formatted cell); correct it and run again")
            return InputError(f"{self.path}: {where} cannot be read ({failure.reason}); a cell holds a value the "
                              "reader cannot take (such as a huge number formatted as a date)")
        return InputError(f"{self.path}: {where} cannot be read ({failure.reason}); the file is damaged")

    # A number of this size in a date-formatted cell stops the readers (days as i64 milliseconds overflow).
    _FAR_NUMBER = 1e11
    _NUMBER_CELL = re.compile(rb'<c\b([^>]*?)\br="([A-Z]{1,3}\d+)"([^>]*)>(?:<f\b[^>]*/>|<f\b[^>]*>.*?</f>)?'
                              rb'<v>([-+0-9.Ee]+)</v>', re.S)

    def far_numbers(self, sheet: str) -> list[tuple[str, str]]:
        """(cell, value) of the numbers of MAX_MAGNITUDE-like size (|v| >= 1e11) in a sheet's XML."""
        try:
            cells = [cell for chunk in self.sheet_chunks(sheet) for cell in self._NUMBER_CELL.findall(chunk)]
        except Exception:  # noqa: BLE001 - only a better message is lost
            return []
        found = []
        for before, ref, after, value in cells:
            if b' t="' in before + after and b' t="n"' not in before + after:
                continue
            try:
                number = float(value)
            except ValueError:
                continue
            if abs(number) >= self._FAR_NUMBER:
                found.append((ref.decode(), value.decode()))
        return found

    def last_row(self, sheet: str) -> int | None:
        """The last used worksheet row from the sheet's ``<dimension>`` (at the
        start of its XML, so only a few kilobytes are inflated); None when the
        sheet does not say."""
        if sheet not in self._last_rows:   # asked for by each way a table is read
            part = self._sheet_parts().get(sheet)
            if part is None:
                return None
            with zipfile.ZipFile(self.path) as archive, archive.open(part) as member:
                head = member.read(4096)
            match = self._DIMENSION.search(head)
            self._last_rows[sheet] = None if match is None else int(match[1]) if match[1] else 1
        return self._last_rows[sheet]

    def for_sheet(self, sheet: str) -> dict[tuple[int, int], str]:
        return self.scan(sheet).errors if self.needs_scan(sheet, typed_blanks=False) else {}

    CHUNK = 8 << 20   # bytes of sheet XML inflated at a time

    def sheet_chunks(self, sheet: str):
        """The sheet's XML in pieces of whole rows (each cut after a ``</row>``), about CHUNK bytes each; nothing
        when the workbook does not list the sheet. A cell never spans two pieces, so a scan for cells reads
        the pieces one by one: the 1M-line Sales sheet is 310 MB of XML, which held whole set the read's peak."""
        part = self._sheet_parts().get(sheet)
        if part is None:
            return
        with zipfile.ZipFile(self.path) as archive, archive.open(part) as member:
            rest = b""
            while block := member.read(self.CHUNK):
                data = rest + block
                cut = data.rfind(b"</row>")
                if cut < 0:
                    rest = data
                    continue
                rest = data[cut + 6:]
                yield data[:cut + 6]
            if rest:
                yield rest

    # A formula whose value was never calculated: <f> and then no <v>, or an empty one. An empty value is a
    # calculated empty text only in a t="str" cell (Excel's way of storing a formula's "").
    _UNCALCULATED = re.compile(rb'<c\b([^>]*)>\s*(?:<f\b[^>]*/>|<f\b[^>]*>([^<]*)</f>)\s*(<v>\s*</v>|<v\s*/>)?\s*</c>')
    _UNCALCULATED_HINT = re.compile(rb'(?:</f>|<f\b[^>]*/>)\s*(?:<v>\s*</v>|<v\s*/>)?\s*</c>')
    _REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')

    @classmethod
    def errors_in(cls, data: bytes) -> dict[tuple[int, int], str]:
        """{(worksheet row, 0-based column): error value} of a sheet's XML; a
        formula without a value is UNCALCULATED followed by its formula."""
        found: dict[tuple[int, int], str] = {}
        if b't="e"' in data:
            for pattern in (cls._CELL, cls._CELL_T_FIRST):
                for letters, row, value in pattern.findall(data):
                    text = value.decode("utf-8", "replace")
                    found[(int(row), _column(letters))] = text if text.upper() in ERROR_VALUES else "#VALUE!"
        # A sheet of typed values has no <f>; its rows seldom hold an "f" at all, which a single-byte search
        # (memchr) tells several times faster than a search for "<f".
        if b"f" in data and b"<f" in data and cls._UNCALCULATED_HINT.search(data):
            for attributes, formula, empty_value in cls._UNCALCULATED.findall(data):
                ref = cls._REF.search(attributes)
                if ref is None or (empty_value and b't="str"' in attributes):
                    continue
                text = html.unescape(formula.decode("utf-8", "replace"))
                found.setdefault((int(ref[2]), _column(ref[1])), f"{UNCALCULATED}={text}")
        return found


def _column(letters: bytes) -> int:
    """The 0-based column of a cell reference's letters (b"A" is 0)."""
    col = 0
    for ch in letters.decode():
        col = col * 26 + ord(ch) - 64
    return col - 1
