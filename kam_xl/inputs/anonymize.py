"""Stable pseudonyms for sharing a summary outside finance.

CustomerID -> "K-" + the first 10 hex digits of HMAC-SHA256(key, CustomerID);
CustomerName -> "Customer " + the same code. The same key gives the same
pseudonyms every month. Free-text feedback is dropped. The private mapping
(pseudonym -> real ID and name) is returned for the caller to keep."""
from __future__ import annotations

import dataclasses
import hashlib
import hmac
import os
import secrets
from pathlib import Path

import pandas as pd

from kam_xl.inputs.reader import Inputs
from kam_xl.quality import PRIVATE_VALUES

DEFAULT_KEY_FILE = Path.home() / ".kam-xl" / "anonymize.key"


def load_key(path: Path = DEFAULT_KEY_FILE) -> bytes:
    """The pseudonym key: $KAM_XL_ANON_KEY, else a private key file created on first use."""
    if os.environ.get("KAM_XL_ANON_KEY"):
        return os.environ["KAM_XL_ANON_KEY"].encode("utf-8")
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip().encode("utf-8")


def pseudonym(key: bytes, customer_id: str) -> str:
    return "K-" + hmac.new(key, customer_id.encode("utf-8"), hashlib.sha256).hexdigest()[:10].upper()


def anonymize(inputs: Inputs, key: bytes) -> tuple[Inputs, pd.DataFrame]:
    """(inputs with pseudonyms, mapping table Pseudonym, CustomerID, CustomerName)."""
    customers = inputs["Customers"]
    codes = {cid: pseudonym(key, cid) for cid in customers["CustomerID"]}
    mapping = pd.DataFrame({"Pseudonym": customers["CustomerID"].map(codes), "CustomerID": customers["CustomerID"],
                            "CustomerName": customers["CustomerName"]})
    tables = {}
    for name, frame in inputs.tables.items():
        frame = frame.copy()
        if "CustomerID" in frame:
            frame["CustomerID"] = frame["CustomerID"].map(codes)
        if name == "Customers":
            frame["CustomerName"] = "Customer " + frame["CustomerID"].str[2:]
            frame = frame.drop(columns=inputs.extra_columns.get(name, []))
        if name == "Contacts":
            frame["Feedback"] = None
        tables[name] = frame
    # raw cell values and matched IDs may name customers
    records = [{**r, "Value": None, "values": {k: "…" if k in PRIVATE_VALUES else v for k, v in r["values"].items()}}
               for r in inputs.dq.records]
    dq = dataclasses.replace(inputs.dq, records=records)
    return dataclasses.replace(inputs, tables=tables, dq=dq), mapping
