"""File safety at the edges: hostile-input checks and atomic writes."""
from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
import zipfile
import zlib
from pathlib import Path
from typing import NamedTuple

# Limits checked on the zip directory before any parser sees a part (--allow-large lifts them).
# A full Excel sheet of data (1,048,576 rows) is about 300 MB of XML and packs 5 to 15 to 1, so
# a book above MAX_UNCOMPRESSED_BYTES or a part packed far tighter is not ordinary data.
MAX_UNCOMPRESSED_BYTES = 2 * 1024**3
MAX_COMPRESSION_RATIO = 100
RATIO_CHECKED_FROM = 16 * 1024**2
# A large worksheet part packed tighter than data usually is gets its cells counted (streamed,
# in constant memory): blank styled cells by the million are how a small file fills the memory.
# Below SCANNED_FROM they are read: a sheet formatted down to row 1,048,576 (67 MB of XML, about
# 380 MB of memory to read) is a real workbook, not an attack.
SCANNED_FROM = 100 * 1024**2
SCANNED_RATIO = 10
MIN_VALUE_SHARE = 0.05
ALLOW_LARGE_VARIABLE = "KAM_XL_ALLOW_LARGE"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class InputError(Exception):
    """A file cannot be used at all (exit code 2); the message is for the user."""


# Files that passed, by what identifies their bytes. The command line checks each input before it imports the
# analysis (a hostile file is answered at once) and the reader checks it again: a file passed and unchanged since
# is not scanned twice (about 1 s for a book of a million lines).
_PASSED: set[tuple] = set()
# What the count of a scanned sheet part (see _check_sizes) learnt on the way, by the file's identity and the
# part, with the part's CRC-32 from the zip directory: the reader asks it (scanned_part) rather than inflate
# the same hundreds of MB of XML again.
_SCANNED: dict[tuple, dict[str, tuple[int, "PartFacts"]]] = {}


class PartFacts(NamedTuple):
    """A worksheet part's cells, the cells with a value or formula, its formulas, and whether any cell holds
    an error value (t="e") or a text of its own (an inline string, or a t="str" text as SheetJS writes)."""
    cells: int
    values: int
    formulas: int
    error_cells: bool
    own_texts: bool


def _identity(path: Path) -> tuple | None:
    try:
        stat = path.stat()
        return str(path.resolve()), stat.st_size, stat.st_mtime_ns
    except OSError:
        return None


def scanned_part(path: Path, part: str, crc: int) -> PartFacts | None:
    """The facts of a sheet part the safety check counted, while the file and the part (``crc``, its CRC-32 in
    the zip directory the caller reads) are unchanged; None when it did not count that part (small or ordinary
    parts, --allow-large)."""
    identity = _identity(path)
    counted, facts = _SCANNED.get(identity, {}).get(part, (None, None)) if identity is not None else (None, None)
    return facts if counted == crc else None


def check_workbook_file(path: Path, allow_large: bool | None = None) -> None:
    """Refuse what is not a sane .xlsx/.xlsm or .xls before any parser sees
    it: not a zip, no workbook part, a document type declaration in any XML
    part (OOXML forbids them; they carry entity bombs), and unless
    ``allow_large`` (default: the KAM_XL_ALLOW_LARGE environment variable) a
    possible zip bomb. A legacy .xls (BIFF8, as Kingdee K/3 and U8 export) is
    an OLE file: it passes unless it is encrypted or larger than
    MAX_UNCOMPRESSED_BYTES (it is not packed, so its size is what is read)."""
    if allow_large is None:
        allow_large = os.environ.get(ALLOW_LARGE_VARIABLE, "") not in ("", "0")
    identity = _identity(path)
    passed = (*identity, allow_large) if identity is not None else None
    if passed is not None and passed in _PASSED:
        return
    _refuse_insane(path, allow_large)
    if passed is not None:
        _PASSED.add(passed)


def _refuse_insane(path: Path, allow_large: bool) -> None:
    if not path.exists():
        raise InputError(f"{path}: file not found")
    if path.is_dir():
        raise InputError(f"{path}: is a folder, not a workbook")
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except PermissionError:
        raise InputError(f"{path}: no permission to read this file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror})") from None
    if head.startswith(_OLE_MAGIC):
        _check_ole(path, allow_large)
        return
    if not head.startswith(b"PK"):
        if _looks_like_text(head):
            raise InputError(f"{path}: is a CSV or text file with a workbook's name, not an .xlsx/.xlsm workbook. "
                             "Open it in Excel, WPS or LibreOffice and save it as .xlsx (Excel Workbook), or give "
                             "Sales, Invoices or Payments lines as a CSV file with --sales/--invoices/--payments")
        raise InputError(f"{path}: is not an .xlsx/.xlsm workbook (unknown file type); save it from your "
                         "spreadsheet program as .xlsx (Excel Workbook)")
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            names = {m.filename for m in members}
            if "xl/workbook.xml" not in names:
                raise InputError(f"{path}: is a zip file but not an Excel workbook (no xl/workbook.xml)")
            if not allow_large:
                _check_sizes(path, archive, members)
            _check_no_doctype(path, archive, members)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, zlib.error, NotImplementedError):
        raise InputError(f"{path}: is damaged or truncated (not a readable zip archive)") from None


def is_xls(path: Path) -> bool:
    """Whether the file is an OLE (compound) file: after check_workbook_file, a
    legacy .xls workbook (an encrypted .xlsx is one too, once decrypted it is not)."""
    try:
        with Path(path).open("rb") as handle:
            return handle.read(len(_OLE_MAGIC)) == _OLE_MAGIC
    except OSError:
        return False


_FILEPASS, _BIFF_EOF = 0x002F, 0x000A


def _check_ole(path: Path, allow_large: bool) -> None:
    """An OLE file is an encrypted .xlsx/.xlsm (an EncryptedPackage stream), a
    .xls workbook (a Workbook or Book stream; encrypted when a FILEPASS record
    follows its first BOF) or some other Office document."""
    import olefile   # a dependency of msoffcrypto-tool

    try:
        with olefile.OleFileIO(str(path)) as ole:
            if ole.exists("EncryptedPackage"):
                raise InputError(f"{path}: is an encrypted workbook; give --password (or set KAM_XL_PASSWORD)")
            stream = next((name for name in ("Workbook", "Book") if ole.exists(name)), None)
            if stream is None:
                raise InputError(f"{path}: is an Office file but not a workbook; save it from your spreadsheet "
                                 "program as .xlsx (Excel Workbook)")
            if stream == "Book":
                raise InputError(f"{path}: is an Excel 5.0/95 workbook, which kam-xl does not read; save it as "
                                 ".xlsx (Excel Workbook) or .xls (Excel 97-2003)")
            globals_head = ole.openstream(stream).read(1 << 16)
    except InputError:
        raise
    except Exception:  # noqa: BLE001 - olefile raises OSError, struct errors... for a damaged container
        raise InputError(f"{path}: is damaged or truncated (not a readable .xls workbook)") from None
    if _biff_encrypted(globals_head):
        raise InputError(f"{path}: is a password-protected .xls workbook; give --password (or set "
                         "KAM_XL_PASSWORD), or save it without a password")
    size = path.stat().st_size
    if not allow_large and size > MAX_UNCOMPRESSED_BYTES:
        raise InputError(f"{path}: is a .xls workbook of {_mb(size)} MB; refused as larger than any export. "
                         f"If it is genuine, run again with --allow-large (or set {ALLOW_LARGE_VARIABLE}=1)")


def _biff_encrypted(data: bytes) -> bool:
    """Whether the BIFF records of a workbook stream's globals hold a FILEPASS
    (it comes right after the first BOF, before any sheet)."""
    at = 0
    while at + 4 <= len(data):
        kind = int.from_bytes(data[at:at + 2], "little")
        size = int.from_bytes(data[at + 2:at + 4], "little")
        if kind == _FILEPASS:
            return True
        if kind == _BIFF_EOF:
            return False
        at += 4 + size
    return False


_TOO_LARGE = "refused as a possible zip bomb. If it is a genuinely large workbook, run again with --allow-large " \
             f"(or set {ALLOW_LARGE_VARIABLE}=1)"


def _check_sizes(path: Path, archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> None:
    total = sum(m.file_size for m in members)
    if total > MAX_UNCOMPRESSED_BYTES:
        packed = sum(m.compress_size for m in members)
        raise InputError(f"{path}: unpacks to {_mb(total)} MB from {_mb(packed)} MB; {_TOO_LARGE}")
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_CHECKED_FROM and ratio > MAX_COMPRESSION_RATIO:
            raise InputError(f"{path}: part {member.filename} unpacks to {_mb(member.file_size)} MB from "
                             f"{_mb(member.compress_size)} MB ({ratio:,.0f} to 1); {_TOO_LARGE}")
        if (member.file_size > SCANNED_FROM and ratio > SCANNED_RATIO
                and member.filename.startswith("xl/worksheets/") and "/_rels/" not in member.filename):
            facts = _part_facts(archive, member)
            if not facts.cells or facts.values / facts.cells < MIN_VALUE_SHARE:   # no cells in 100 MB is no data
                raise InputError(f"{path}: part {member.filename} unpacks to {_mb(member.file_size)} MB of "
                                 f"{facts.cells:,} cells, of which {facts.values:,} hold a value; {_TOO_LARGE}")
            identity = _identity(path)
            if identity is not None:
                _SCANNED.setdefault(identity, {})[member.filename] = (member.CRC, facts)


_BLOCK = 1 << 20   # bytes of a part's XML inflated at a time by the count
_CARRIED = 2 << 20   # at most this much XML without a '>' is carried into the next block
# A cell tag (<c) or a value's (<v, <is, <f), in one pass: no two such tags overlap.
_TAG = re.compile(rb"<(c|v|is|f)[\s/>]")


def _part_facts(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> PartFacts:
    """The PartFacts of a worksheet part, read in about 1 MB blocks, each cut after its last '>' so that no
    tag, and no attribute such as t="e", is split between two blocks (XML without any '>' is carried over up
    to _CARRIED bytes, then counted as it is: a hostile part cannot make the carry grow)."""
    cells = tags = formulas = 0
    error_cells = own_texts = False
    rest = b""
    with archive.open(member) as stream:
        for block in iter(lambda: stream.read(_BLOCK), b""):
            data = rest + block
            cut = data.rfind(b">") + 1 or (len(data) if len(data) > _CARRIED else 0)
            data, rest = data[:cut], data[cut:]
            found = _TAG.findall(data)
            cells += found.count(b"c")
            formulas += found.count(b"f")
            tags += len(found)
            error_cells = error_cells or b't="e"' in data
            own_texts = own_texts or b'"inlineStr"' in data or b't="str"' in data
    return PartFacts(cells, tags - cells, formulas, error_cells, own_texts)


def _check_no_doctype(path: Path, archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> None:
    """A DTD must come before the root element, so the head of each part tells."""
    for member in members:
        if not member.filename.endswith((".xml", ".rels", ".vml")):
            continue
        with archive.open(member) as stream:
            head = stream.read(4096)
        if b"<!DOCTYPE" in head.upper() or b"<!ENTITY" in head.upper():
            raise InputError(f"{path}: part {member.filename} declares a document type (XML entities), which "
                             "workbooks never do; refused as unsafe")


def _mb(size: int) -> str:
    return f"{size / 1024**2:,.0f}" if size >= 1024**2 else f"{size / 1024**2:,.1f}"


def _looks_like_text(head: bytes) -> bool:
    """Text in UTF-8 (with or without BOM) or GB18030, as CSV exports are saved."""
    if not head:
        return False
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = head.decode(encoding)
        except UnicodeDecodeError:
            if encoding == "utf-8-sig":   # a multi-byte character cut at the end of the sample
                try:
                    text = head[:-3].decode(encoding)
                except UnicodeDecodeError:
                    continue
            else:
                continue
        return all(ch.isprintable() or ch in "\r\n\t" for ch in text)
    return False


def refuse_if_open(workbook: Path) -> None:
    """Refuse to replace a workbook that a spreadsheet program has open: the
    user's view of it would silently go stale, and Windows could not replace it."""
    lock = open_elsewhere(workbook)
    if lock is not None:
        raise InputError(f"{workbook} is open in a spreadsheet program (lock file {lock.name}); close it and retry")


def open_elsewhere(workbook: Path) -> Path | None:
    """The lock file Excel/WPS ('~$Book.xlsm') or LibreOffice ('.~lock.Book.xlsm#')
    keeps beside a workbook it has open, if any."""
    for name in (f"~${workbook.name}", f"~${workbook.name[2:]}", f".~lock.{workbook.name}#"):
        if (workbook.parent / name).exists():
            return workbook.parent / name
    return None


def check_refresh_target(workbook: Path) -> None:
    """What refresh, which rewrites ``workbook`` in place, checks first: an
    .xlsx/.xlsm workbook that no spreadsheet program has open."""
    if workbook.suffix.lower() not in (".xlsx", ".xlsm"):
        raise InputError(f"{workbook}: refresh works on .xlsx/.xlsm workbooks")
    refuse_if_open(workbook)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@contextlib.contextmanager
def atomic_output(target: Path):
    """Yield a temporary path in the target's folder; on success it replaces
    ``target`` in one rename, on failure it is removed and ``target`` is untouched."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=target.suffix + ".tmp", dir=target.parent)
    os.close(handle)
    temp_path = Path(temp)
    # mkstemp makes the file private; give it the mode a new file normally gets.
    umask = os.umask(0)
    os.umask(umask)
    mode = target.stat().st_mode & 0o777 if target.exists() else 0o666 & ~umask
    try:
        yield temp_path
        with temp_path.open("rb+") as written:
            os.fsync(written.fileno())
        os.chmod(temp_path, mode)
        os.replace(temp_path, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temp_path.unlink()
        raise
