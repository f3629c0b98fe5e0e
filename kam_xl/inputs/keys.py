"""Checks across tables: the customer keys. Every CustomerID outside Customers
must name a customer; one that differs only by full-width forms, case or
leading zeros, or that is a customer's name, is matched to the one customer it
can mean (a Warning says so); any other is an Error with a 'did you mean', and
its row is not used. Duplicate customers keep their first row. (Documents
given twice are kam_xl.inputs.duplicates'; tables from several sources are put
together by kam_xl.inputs.combine.)
"""
from __future__ import annotations

import difflib
import unicodedata

import pandas as pd

from kam_xl.contract import normalize_name
from kam_xl.inputs.grids import ROW, SOURCE
from kam_xl.quality import ERROR, WARNING, DataQuality

MAX_SUGGESTED = 200


def customer_key(cid: str) -> str:
    """How an ID is matched when it is not found as typed: full-width forms
    (ＫＨ００４), case and leading zeros ignored."""
    text = unicodedata.normalize("NFKC", cid).strip().casefold()
    return text.lstrip("0") or "0"


def check_keys(tables: dict[str, pd.DataFrame], dq: DataQuality, locate=None) -> None:
    """Duplicate customers (first kept); rows for unknown customers (with a
    'did you mean'); IDs that differ only by full-width forms, case or
    zero-padding are matched to the one customer they can mean, with a warning.
    ``locate(table, source label)`` gives where a row of a table put together
    from several files came from (its Source), so each finding names its file."""
    def place(table: str, frame: pd.DataFrame, index) -> None:
        if locate is not None and SOURCE in frame:
            dq.records[-1]["where"] = locate(table, frame.at[index, SOURCE])

    _drop_duplicate_customers(tables, dq, place)
    known = list(tables["Customers"]["CustomerID"])
    by_key: dict[str, str | None] = {}
    for cid in known:
        key = customer_key(cid)
        by_key[key] = None if key in by_key else cid   # None: two customers share the key, no guessing
    known_set = set(known)
    _check_parents(tables, known_set, by_key, dq, place)
    for name, frame in tables.items():
        if name == "Customers" or "CustomerID" not in frame:
            continue
        ids = frame["CustomerID"]
        unknown = ids.notna() & ~ids.isin(known_set)   # blank only where allowed (ProvisionRates' age bands)
        if not unknown.any():
            continue
        named = _match_names(name, ids[unknown], tables["Customers"], frame, dq)
        if named is not None:
            place(name, frame, named.index[0])
            frame.loc[named.index, "CustomerID"] = named
            ids = frame["CustomerID"]
            unknown = ids.notna() & ~ids.isin(known_set)
            if not unknown.any():
                tables[name] = frame
                continue
        tables[name] = _rescued(name, frame, unknown, known, by_key, dq, place)


def _drop_duplicate_customers(tables: dict[str, pd.DataFrame], dq: DataQuality, place) -> None:
    """A customer listed twice: an Error on each later row, which is not used (the first row is)."""
    customers = tables["Customers"]
    duplicated = customers["CustomerID"].duplicated()
    if not duplicated.any():
        return
    first = customers.drop_duplicates("CustomerID").set_index("CustomerID")
    for index in duplicated[duplicated].index:
        cid = customers.at[index, "CustomerID"]
        where = first.at[cid, ROW] if SOURCE not in first else f"{first.at[cid, ROW]}, {first.at[cid, SOURCE]}"
        dq.add(ERROR, "Customers", "key.duplicate", int(customers.at[index, ROW]), "CustomerID", cid, first=where)
        place("Customers", customers, index)
    tables["Customers"] = customers[~duplicated].reset_index(drop=True)


def _rescued(name: str, frame: pd.DataFrame, unknown: pd.Series, known: list[str], by_key: dict, dq: DataQuality,
             place) -> pd.DataFrame:
    """``frame`` with its ``unknown`` IDs matched to the one customer each can
    mean (by :func:`customer_key`, a Warning each), and the rows of the IDs
    that mean none dropped (an Error each, with a 'did you mean')."""
    ids = frame["CustomerID"]
    rescue = {raw: by_key.get(customer_key(raw)) for raw in ids[unknown].unique()}
    rescued = ids[unknown].map(rescue)
    fixable = rescued.notna()
    fixed_index = fixable[fixable].index
    for index in fixed_index:
        raw_id, cid = ids[index], rescued[index]
        dq.add(WARNING, name, "key.matched", int(frame.at[index, ROW]), "CustomerID", raw_id, cid=cid,
               ignoring="~" + _difference(raw_id, cid))
        place(name, frame, index)
    if len(fixed_index):
        frame.loc[fixed_index, "CustomerID"] = rescued[fixable]
    still = unknown & ~unknown.index.isin(fixed_index)
    if still.any():
        # 'did you mean' for the first distinct IDs only: a wrong Customers table would make it slow.
        suggestions = {raw: _suggest(raw, known) if i < MAX_SUGGESTED else ""
                       for i, raw in enumerate(ids[still].unique())}
        for index in still[still].index:
            raw_id, row = ids[index], int(frame.at[index, ROW])
            hint = suggestions[raw_id]
            if hint:
                dq.add(ERROR, name, "key.unknown_suggest", row, "CustomerID", raw_id, suggestions=hint)
            else:
                dq.add(ERROR, name, "key.unknown", row, "CustomerID", raw_id)
            place(name, frame, index)
        frame = frame[~still].reset_index(drop=True)
    return frame


def _check_parents(tables: dict[str, pd.DataFrame], known: set, by_key: dict, dq: DataQuality, place) -> None:
    """A ParentID (集团) names the group's head customer: one spelled with
    other case, full-width forms or zero-padding, or by the head's name, is
    read as that customer's ID (a Warning says so); one that is no customer
    stays the group's name as typed (a Warning says that too), so a group is
    never split silently."""
    customers = tables["Customers"]
    parents = customers["ParentID"]
    unknown = parents.notna() & ~parents.isin(known)
    if not unknown.any():
        return
    names = customers["CustomerName"].dropna().map(normalize_name)
    unique_names = names[~names.duplicated(keep=False)]
    by_name = dict(zip(unique_names, customers.loc[unique_names.index, "CustomerID"]))
    for value in parents[unknown].unique():
        rows = parents.index[parents == value]
        cid = by_key.get(customer_key(value)) or by_name.get(normalize_name(value))
        if cid is not None:
            customers.loc[rows, "ParentID"] = cid
            dq.add(WARNING, "Customers", "key.parent_matched", int(customers.at[rows[0], ROW]), "ParentID", value,
                   cid=cid)
        else:
            dq.add(WARNING, "Customers", "key.parent_unknown", int(customers.at[rows[0], ROW]), "ParentID", value)
        place("Customers", customers, rows[0])


def _match_names(table: str, ids: pd.Series, customers: pd.DataFrame, frame: pd.DataFrame,
                 dq: DataQuality) -> pd.Series | None:
    """ERP document lists and CRM exports name the customer (客户: 华为技术)
    where the Customers table has a code: a value equal to exactly one
    customer's name (NFKC, case and spaces ignored) is that customer. Said
    once per table; a name two customers share is matched to neither."""
    names = customers["CustomerName"].dropna()
    if names.empty:
        return None
    keys = names.map(normalize_name)
    unique = keys[~keys.duplicated(keep=False)]
    by_name = dict(zip(unique, customers.loc[unique.index, "CustomerID"]))
    matched = ids.map(lambda v: by_name.get(normalize_name(v)))
    matched = matched[matched.notna()]
    if matched.empty:
        return None
    example = ids[matched.index[0]]
    dq.add(WARNING, table, "key.matched_by_name", int(frame.loc[matched.index[0], ROW]), "CustomerID", example,
           rows=len(matched), cid=matched.iloc[0])
    return matched


def _difference(raw: str, cid: str) -> str:
    """Which of full-width forms, case or leading zeros tells ``raw`` from ``cid``."""
    if unicodedata.normalize("NFKC", raw) != raw:
        return "full-width characters"
    if raw.casefold().lstrip("0") == cid.casefold().lstrip("0") and raw.lstrip("0") != cid.lstrip("0"):
        return "case"
    return "leading zeros"


def _suggest(raw: str, known: list[str]) -> str:
    """Up to three known IDs close to ``raw`` ('KH003' for 'KH03', or both
    'kh003' and 'KH003' when case alone cannot tell them apart)."""
    same_key = [cid for cid in known if customer_key(cid) == customer_key(raw)]
    close = same_key or difflib.get_close_matches(raw, known, n=3, cutoff=0.75)
    return ", ".join(f"'{cid}'" for cid in close[:3])
