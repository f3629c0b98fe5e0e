"""File safety at the edges: hostile-input checks and atomic writes."""
from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import zipfile
from pathlib import Path

# A workbook whose XML unpacks to more than this is refused before parsing.
MAX_UNCOMPRESSED_BYTES = 4 * 1024**3
MAX_COMPRESSION_RATIO = 200
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class InputError(Exception):
    """A file cannot be used at all (exit code 2); the message is for the user."""


def check_workbook_file(path: Path) -> None:
    """Refuse what is not a sane .xlsx/.xlsm before any parser sees it."""
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
        raise InputError(f"{path}: is an encrypted workbook or an old .xls file; "
                         "give --password for an encrypted one, or save it as .xlsx")
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
            total = sum(m.file_size for m in members)
            packed = sum(m.compress_size for m in members) or 1
            names = {m.filename for m in members}
    except (zipfile.BadZipFile, EOFError, OSError):
        raise InputError(f"{path}: is damaged or truncated (not a readable zip archive)") from None
    if "xl/workbook.xml" not in names:
        raise InputError(f"{path}: is a zip file but not an Excel workbook (no xl/workbook.xml)")
    if total > MAX_UNCOMPRESSED_BYTES or (total > 100 * 1024**2 and total / packed > MAX_COMPRESSION_RATIO):
        raise InputError(f"{path}: unpacks to {total / 1024**2:,.0f} MB from {packed / 1024**2:,.1f} MB; "
                         "refused as a possible zip bomb")


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
