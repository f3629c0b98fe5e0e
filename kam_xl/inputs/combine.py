"""Checks across tables, and across sources: the tables of every source put
together into :class:`Inputs`.

Each source's findings are moved into one log in table order (naming its file
when there are several); the required tables must be there; the Parameters
are read; VAT and local-currency amounts are settled; tables given by several
sources are appended with a Source column, a document two sources give being
used once; then the customer keys (kam_xl.inputs.keys) and the duplicates
(kam_xl.inputs.duplicates) are checked, and each amount table's ledger
(kam_xl.inputs.ledger) told what was dropped.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from kam_xl.contract import TABLES, accepted_names
from kam_xl.inputs.derive import net_of_vat
from kam_xl.inputs.duplicates import check_duplicates
from kam_xl.inputs.grids import ROW, SOURCE
from kam_xl.inputs.headers import header_language, local_header, note_names_used
from kam_xl.inputs.keys import check_keys
from kam_xl.inputs.ledger import ExportTotal, Ledger, combined, finish, note_dropped
from kam_xl.inputs.params import Params, parameters_from_table
from kam_xl.inputs.sources import Part
from kam_xl.quality import ERROR, INFO, WARNING, DataQuality, TableSource

AMOUNT_TABLES = tuple(name for name, spec in TABLES.items() if spec.amounts)   # Sales, Invoices, Payments


@dataclass
class Inputs:
    """Typed input tables (canonical column names, plus ``_row`` and any extra
    columns the user added), the parameters, and the data-quality log."""

    tables: dict[str, pd.DataFrame]
    params: Params = field(default_factory=Params)
    dq: DataQuality = field(default_factory=DataQuality)
    source: Path | None = None
    source_sha256: str | None = None
    extra_columns: dict[str, list[str]] = field(default_factory=dict)
    fatal: list[str] = field(default_factory=list)
    language: str = "en"   # of messages: the Language parameter, else that of the input's headers
    # What was read of Sales, Invoices and Payments and every line not passed on; the export's own totals rows.
    ledgers: dict[str, Ledger] = field(default_factory=dict)
    export_totals: list[ExportTotal] = field(default_factory=list)

    def get(self, name: str) -> pd.DataFrame | None:
        return self.tables.get(name)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]


def finish_inputs(parts: list[Part], language: str | None) -> Inputs:
    """The checks across tables, on the tables of every source together:
    required tables, parameters, VAT, documents given by two sources, keys.
    Findings are logged in table order; with several sources each finding
    names its file, and each table gets a Source column naming the file of
    each row. ``sheets`` of a source are listed when a required table is missing."""
    several = len(parts) > 1
    located = [_part_sources(part, several) for part in parts]   # the sheets are typed: this does not change
    dq = DataQuality()
    fatal = _take_logs(parts, located, several, dq)
    params = _parameters(parts, dq)
    for part, sources in zip(parts, located):
        part.extras.pop("Parameters", None)
        note_names_used(part.names, sources, dq, part.path.name if several and part.path is not None else None)
        if "Sales" in part.tables:
            before, start = part.tables["Sales"], len(dq.records)
            part.tables["Sales"] = net_of_vat(before, sources.get("Sales"), params, dq)
            note_dropped(part.ledgers.get("Sales"), before, part.tables["Sales"], dq.records[start:], "vat.gross_blank")
        _local_amounts(part, sources, dq)
    tables, extras = _merge_parts(parts, located, dq) if several else (parts[0].tables, parts[0].extras)
    ledgers = _ledgers(parts)
    if not fatal:
        _check_keys(tables, ledgers, parts, located, dq)
    tables = {name: tables[name] for name in TABLES if name in tables}
    if not fatal and tables["Sales"].empty and not tables["Customers"].empty:   # customers, but Sales left unfilled
        dq.add(ERROR, "Sales", "table.sales_empty")
    _drop_empty(tables, dq)
    language = language or params.language or header_language(dq.sources)
    for name, ledger in ledgers.items():
        finish(ledger, tables.get(name))
    ledgers = {name: ledger for name, ledger in ledgers.items() if name in tables or ledger.read_rows}
    order = list(TABLES)   # (tables are typed in the order they are read, which varies)
    totals = [ExportTotal(t.table, t.row, t.column, t.stated, t.lines, _label(part) if several else None)
              for part in parts for t in sorted(part.totals, key=lambda t: (order.index(t.table), t.row))]
    return Inputs(tables=tables, params=params, dq=dq, source=parts[0].path, extra_columns=extras,
                  fatal=[dq.message(fatal[name], language) for name in TABLES if name in fatal], language=language,
                  ledgers=ledgers, export_totals=totals)


def _take_logs(parts: list[Part], located: list[dict[str, TableSource]], several: bool,
               dq: DataQuality) -> dict[str, dict]:
    """Every source's findings moved into ``dq`` table by table, with an Error
    for a required table no source has and an Info for an optional one that
    says so (TableSpec.say_absent); returns the findings that stop the build,
    by table (a required table missing, or found without its required columns)."""
    fatal: dict[str, dict] = {}
    for name, spec in TABLES.items():
        found = [part for part in parts if name in part.tables or name in part.unusable]
        if not found and spec.required:
            sheets = [s for part in parts for s in (part.sheets or [])]
            dq.add(ERROR, name, "table.required_missing", names=accepted_names(spec),
                   sheets=", ".join(sheets) if sheets else "-")
            fatal[name] = dq.records[-1]
        elif not found and spec.say_absent:
            dq.add(INFO, name, "table.optional_missing", names=accepted_names(spec))
        for part, sources in zip(parts, located):
            _take_log(dq, part, name, sources, several)
        if spec.required and found and all(name in part.unusable for part in found):
            fatal[name] = found[0].unusable[name]
    return fatal


def _parameters(parts: list[Part], dq: DataQuality) -> Params:
    """The parameters of the first source that has a Parameters table (taken
    out of the tables); a Warning when others have one too, which is ignored."""
    with_parameters = [part for part in parts if "Parameters" in part.tables]
    parameter_tables = [part.tables.pop("Parameters") for part in with_parameters]
    params = parameters_from_table(parameter_tables[0] if parameter_tables else None, dq)
    if len(parameter_tables) > 1:
        dq.add(WARNING, "Parameters", "source.parameters_ignored", None, None, None,
               first=with_parameters[0].path.name if with_parameters[0].path is not None else "-")
    return params


def _check_keys(tables: dict[str, pd.DataFrame], ledgers: dict[str, Ledger], parts: list[Part],
                located: list[dict[str, TableSource]], dq: DataQuality) -> None:
    """The customer keys and the duplicates checked (each finding naming its
    file when there are several sources), and each ledger told of the rows
    dropped for an unknown customer."""
    several = len(parts) > 1
    by_label = {part.path.name: sources for part, sources in zip(parts, located) if part.path is not None}
    locate = (lambda table, label: by_label.get(label, {}).get(table)) if several else None
    before, start = dict(tables), len(dq.records)
    check_keys(tables, dq, locate)
    for name, ledger in ledgers.items():
        if name in before and name in tables:
            note_dropped(ledger, before[name], tables[name], dq.records[start:], "key.unknown",
                         (lambda record, key, name=name: record.get("where") == locate(name, key[0]))
                         if several else None)
    check_duplicates(tables, dq, ledgers, locate)


def _drop_empty(tables: dict[str, pd.DataFrame], dq: DataQuality) -> None:
    """An empty table (the template's, left unfilled) says nothing: no contact
    is not "no contact for a year", no invoice is not "nothing owed". Analysed
    as absent, and said (TableSpec.say_empty; not where the analysis says what
    the absence skips)."""
    for name in [n for n, frame in tables.items() if frame.empty and not TABLES[n].required]:
        del tables[name]
        if TABLES[name].say_empty:
            dq.add(INFO, name, "table.empty")


def _label(part: Part) -> str:
    """A source's name in the Source column."""
    return part.path.name if part.path is not None else "-"


def _ledgers(parts: list[Part]) -> dict[str, Ledger]:
    """Each amount table's ledger, of every source together (keyed by Source and row when there are several)."""
    if len(parts) == 1:
        return {name: parts[0].ledgers[name] for name in AMOUNT_TABLES if name in parts[0].ledgers}
    return {name: combined([(_label(part), part.ledgers[name]) for part in parts if name in part.ledgers])
            for name in AMOUNT_TABLES if any(name in part.ledgers for part in parts)}


def _part_sources(part: Part, several: bool) -> dict[str, TableSource]:
    """Where each of the part's tables sits; with several sources the sheet
    is named with its file (``[crm.xlsx]跟进记录``)."""
    sources = {}
    for log in part.logs.values():
        for table, source in log.sources.items():
            if several and part.path is not None and source.sheet != part.path.name \
                    and not source.sheet.startswith("["):
                # Excel's own way of naming a sheet in another file: [ops.xlsx]销售出库单!A2
                source = TableSource(f"[{part.path.name}]{source.sheet}", source.first_col, source.headers)
            sources[table] = source
    return sources


def _take_log(dq: DataQuality, part: Part, table: str, sources: dict[str, TableSource], several: bool) -> None:
    """Move the part's findings on ``table`` into ``dq``; with several sources
    each record keeps where it came from (``sources``, the part's)."""
    log = part.logs[table]
    for record in log.records:
        if several and record["Table"] in sources:
            record["where"] = sources[record["Table"]]
        dq.records.append(record)
    for name, source in sources.items():
        if name in log.sources:
            dq.sources.setdefault(name, source)
            dq.lineage.append((name, source))


def _local_amounts(part: Part, sources: dict[str, TableSource], dq: DataQuality) -> None:
    """An ERP list exports amounts in the document currency and in the local
    one (金额(本位币), Amount in local currency); when the local amount was
    read, the row's Currency (币别, the document's) must not convert it again.
    A sheet that gave the revenue in local currency but a cost or gross amount
    only in the document's leaves that amount empty (unknown, never summed
    unconverted), with a Warning."""
    for table in AMOUNT_TABLES:
        amounts = TABLES[table].amounts
        source = sources.get(table)
        if table not in part.tables or source is None or "Currency" not in source.headers:
            continue
        read = {a: source.header(a) for a in amounts if source.header(a)}
        local = {a for a, header in read.items() if local_header(header)}
        main = "NetRevenue" if "NetRevenue" in read else next(iter(read), None)
        if main not in local:
            continue
        frame = part.tables[table].assign(Currency=None)
        dq.add(INFO, table, "currency.local_amounts", None, "Currency", None, header=read[main], where=source)
        for amount in sorted(set(read) - local):
            frame[amount] = np.nan
            dq.add(WARNING, table, "currency.document_amount", None, amount, None, header=read[amount],
                   local=read[main], where=source)
        part.tables[table] = frame


def _merge_parts(parts: list[Part], located: list[dict[str, TableSource]],
                 dq: DataQuality) -> tuple[dict[str, pd.DataFrame], dict[str, list[str]]]:
    """Each table from every source that has it, appended in source order
    with a Source column. A document (Sales DocumentNo, Invoices InvoiceNo)
    that an earlier source already gave is the same document exported twice:
    an Error naming both files and rows, and the later rows are not used."""
    tables: dict[str, pd.DataFrame] = {}
    extras: dict[str, list[str]] = {}
    for name in TABLES:
        pieces = [(part, part.tables[name], sources) for part, sources in zip(parts, located) if name in part.tables]
        if not pieces:
            continue
        frames = []
        first_seen: dict[str, tuple[str, int]] = {}
        key = TABLES[name].document
        for part, frame, sources in pieces:
            label = _label(part)
            frame = frame.assign(**{SOURCE: label})
            if key is not None:
                known = frame[key].notna() & frame[key].isin(list(first_seen))
                for row, document in zip(frame.loc[known, ROW], frame.loc[known, key]):
                    where = first_seen[document]
                    dq.add(ERROR, name, "source.duplicate_document", int(row), key, document,
                           first_file=where[0], first_row=where[1], where=sources.get(name))
                for document, row in zip(frame.loc[~known, key], frame.loc[~known, ROW]):
                    if pd.notna(document):
                        first_seen.setdefault(document, (label, int(row)))
                if known.any() and name in part.ledgers:
                    part.ledgers[name].reject(frame.loc[known, ROW].tolist(), "source.duplicate_document")
                frame = frame[~known]
            frames.append(frame)
        tables[name] = pd.concat(frames, ignore_index=True)
        extras[name] = list(dict.fromkeys([c for part, _, _ in pieces for c in part.extras.get(name, [])] + [SOURCE]))
    return tables, extras
