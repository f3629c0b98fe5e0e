"""Password-protected workbooks (msoffcrypto-tool): read an encrypted input,
write an encrypted summary. Passwords never appear in messages or logs."""
from __future__ import annotations

import contextlib
import io
import os
import tempfile
from pathlib import Path

import msoffcrypto
from msoffcrypto.format.ooxml import OOXMLFile

from kam_xl.inputs.safe_io import InputError, atomic_output


@contextlib.contextmanager
def decrypted_copy(path: Path, password: str):
    """A decrypted temporary copy of an encrypted workbook (removed afterwards)."""
    try:
        with path.open("rb") as handle:
            office = msoffcrypto.OfficeFile(handle)
            if not office.is_encrypted():
                yield path
                return
            office.load_key(password=password)
            plain = io.BytesIO()
            office.decrypt(plain)
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None
    except msoffcrypto.exceptions.InvalidKeyError:
        raise InputError(f"{path}: wrong password") from None
    except msoffcrypto.exceptions.FileFormatError:
        raise InputError(f"{path}: not an encrypted Office workbook") from None
    handle, temp = tempfile.mkstemp(suffix=path.suffix)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(plain.getvalue())
        yield Path(temp)
    finally:
        Path(temp).unlink(missing_ok=True)


def encrypt_in_place(path: Path, password: str) -> None:
    """Replace a workbook by its password-encrypted version (atomically)."""
    if not password:
        raise InputError("an empty password cannot protect a workbook")
    with path.open("rb") as plain:
        office = OOXMLFile(plain)
        with atomic_output(path) as temp, temp.open("wb") as out:
            office.encrypt(password, out)
