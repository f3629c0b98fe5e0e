"""Headers and names: which row is a table's header, which header names which
contract column, and what the names used say.

ERP exports put title lines above the header (:func:`skip_title_rows`); a
column is named by the contract's name, a synonym, an ERP preset's or the
ColumnMap's (kam_xl.inputs.names), and of several headers naming one column
the best wins (:func:`map_headers`); every other header is an extra column,
kept. What is missing or read through another name is said, never guessed
silently.
"""
from __future__ import annotations

import difflib
import re

from kam_xl.contract import TABLES, Column, TableSpec, accepted_names, normalize_name
from kam_xl.inputs.derive import DERIVED_FROM
from kam_xl.inputs.grids import Grid
from kam_xl.inputs.names import CONTRACT, MAP, Names, Origin, preset_scores
from kam_xl.inputs.presets import PRESETS
from kam_xl.quality import INFO, WARNING, DataQuality, TableSource

MAX_TITLE_ROWS = 10   # title lines looked through for the header, above the table


def skip_title_rows(spec: TableSpec, grid: Grid, dq: DataQuality, names: Names) -> None:
    """Move the grid's header down past title lines (see :func:`_header_row`), with a note naming them."""
    title_rows = _header_row(spec, grid, names)
    if not title_rows:
        return
    skipped = [grid.first_row - 1 + i for i, row in enumerate([grid.header] + grid.rows[:title_rows - 1])
               if any(v not in ("", None) for v in row)]
    grid.header, grid.rows = grid.rows[title_rows - 1], grid.rows[title_rows:]
    grid.first_row += title_rows
    dq.add(INFO, spec.name, "table.title_rows", skipped[0] if skipped else None,
           rows=", ".join(map(str, skipped)), header_row=grid.first_row - 1)


def _header_row(spec: TableSpec, grid: Grid, names: Names) -> int:
    """How many rows of ``grid.rows`` to skip so that the header is the first
    row naming every required column: ERP exports put a title (and a blank
    or a date line) above the header. 0 when the given header will do."""
    if names_required(spec, grid.header, names) or not isinstance(grid.rows, list):
        return 0
    for index, row in enumerate(grid.rows[:MAX_TITLE_ROWS]):
        if names_required(spec, row, names):
            return index + 1
    return 0


def names_required(spec: TableSpec, row, names: Names) -> bool:
    """Whether the cells of ``row`` name every required column of ``spec``."""
    found = {normalize_name(v) for v in row if isinstance(v, str)}
    present = {c.name for c in spec.columns if found & set(names.column_aliases(spec, c))}
    return not missing_required(spec, present)


def missing_required(spec: TableSpec, present) -> list:
    """Required columns not among ``present``; NetRevenue is not missing when a
    tax-inclusive GrossAmount is there to derive it from (kam_xl.inputs.derive)."""
    return [c for c in spec.columns if c.required and c.name not in present
            and not (c.name in DERIVED_FROM and DERIVED_FROM[c.name] in present and spec.name == "Sales")]


def tables_fitting(names: Names, rows: list[list]) -> list[tuple[int, TableSpec]]:
    """(columns named, table) for every table whose required columns one of
    ``rows`` names, most columns first."""
    fits = []
    for spec in TABLES.values():
        if spec.settings:
            continue
        best = 0
        for row in rows:
            texts = {normalize_name(v) for v in row if isinstance(v, str)}
            present = {c.name for c in spec.columns if texts & set(names.column_aliases(spec, c))}
            if present and not missing_required(spec, present):
                best = max(best, len(present))
        if best:
            fits.append((best, spec))
    return sorted(fits, key=lambda fit: -fit[0])


LOCAL_MARKS = ("本位币", "本币", "localcurrency", "loc.curr", "inlc")
GROSS_MARKS = ("价税合计", "含税")


def map_headers(spec: TableSpec, header: list[str], names: Names) -> tuple[dict[str, int], dict[str, int]]:
    """(contract column -> position, extra column name -> position): of the
    headers naming a column, the one whose name comes first in ``names`` maps
    it (a ColumnMap's, then the contract's, a synonym, a preset's in its order
    of preference: 金额(本位币) before 金额), the first such header when it is
    repeated; every other non-empty header is an extra column kept as text (a
    repeated name gets its position)."""
    rank = {}
    for column in spec.columns:
        aliases = names.column_aliases(spec, column)
        for order, (alias, origin) in enumerate(aliases.items()):
            rank.setdefault(alias, (column, (_preference(column, alias, origin), order)))
    best: dict[str, tuple[int, int]] = {}
    for position, text in enumerate(header):
        found = rank.get(normalize_name(text))
        if found is not None and (found[0].name not in best or found[1] < best[found[0].name][0]):
            best[found[0].name] = (found[1], position)
    mapped = {c.name: best[c.name][1] for c in spec.columns if c.name in best}
    used = set(mapped.values())
    extra: dict[str, int] = {}
    for position, text in enumerate(header):
        if text and position not in used:
            taken = text in extra or text in {c.name for c in spec.columns}
            extra[f"{text}_{position + 1}" if taken else text] = position
    return mapped, extra


def _preference(column: Column, alias: str, origin: Origin) -> int:
    """Which of several headers naming one column wins: the ColumnMap's; then
    a local-currency amount (金额(本位币) over 金额: the Currency column is the
    document's); then, for what a customer owes or pays, the tax-inclusive
    amount (价税合计 over a plain 金额, which lists export net of VAT); then
    the order of the names."""
    if origin.kind == MAP:
        return 0
    if any(mark in alias for mark in LOCAL_MARKS):
        return 1
    if column.gross_first and any(m in alias for m in GROSS_MARKS):
        return 2
    return 3


def local_header(header: str) -> bool:
    """Whether an amount's header says it is in local currency (金额(本位币))."""
    return any(mark in normalize_name(header) for mark in LOCAL_MARKS)


def note_missing_columns(spec: TableSpec, mapped: dict, extra: dict, dq: DataQuality, names: Names) -> None:
    """An optional column that is absent changes what can be computed: say
    what (``Column.effect``), and name a header that looks like it (成本 for
    销售成本) instead of guessing silently."""
    for column in spec.columns:
        if column.name in mapped or column.effect is None:
            continue
        accepted = accepted_names(spec, column)
        near = _near_miss(names.column_aliases(spec, column), list(extra))
        severity = WARNING if column.effect == "effect.cogs" else INFO
        if near:
            dq.add(severity, spec.name, "column.near_miss", None, column.name, near, names=accepted,
                   effect="~" + column.effect, found=near, canonical=accepted_names(spec, column))
        else:
            dq.add(severity, spec.name, "column.optional_missing", None, column.name, names=accepted,
                   effect="~" + column.effect)


def _near_miss(aliases, headers: list[str]) -> str | None:
    """The unmapped header most like one of the column's names, if any is close."""
    best, best_score = None, 0.0
    for text in headers:
        key = normalize_name(re.sub(r"_\d+$", "", text))
        if not key:
            continue
        for alias in aliases:
            score = difflib.SequenceMatcher(None, key, alias).ratio()
            if key in alias or alias in key:
                score = max(score, 0.75)
            if score > best_score:
                best, best_score = text, score
    return best if best_score >= 0.6 else None


def note_names_used(names: Names, sources: dict[str, TableSource], dq: DataQuality, file: str | None = None) -> None:
    """Say, per table, which headers were read through a synonym, a preset or
    the ColumnMap rather than the contract's own names, and which ERP the
    export looks like: a mapping is never applied silently."""
    used = {table: {column: text for column, (_, text) in source.headers.items()}
            for table, source in sources.items() if table in TABLES and not TABLES[table].settings}
    for table, columns in used.items():
        spec = TABLES[table]
        read_as = []
        for column, text in columns.items():
            origin = names.origin(spec, spec.column(column), text)
            if origin is not None and origin.kind != CONTRACT:
                how = f" (ColumnMap row {origin.row})" if origin.kind == MAP else ""
                read_as.append(f"{text} → {column}{how}")
        if read_as:
            dq.add(INFO, table, "names.read_as", None, None, None, sheet=sources[table].sheet,
                   pairs="; ".join(read_as), where=sources[table])
    ranked = sorted(preset_scores(names, used).items(), key=lambda item: -item[1])
    if names.forced_preset:
        dq.add(INFO, "Parameters", "names.preset_forced", None, None, None, title=PRESETS[names.forced_preset].title,
               where=TableSource(file) if file else None)
    elif ranked and ranked[0][1] >= 3 and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
        best, count = ranked[0]
        # said of the table whose headers the preset recognises most (its sheet, in its file): what it describes
        scores = {table: preset_scores(names, {table: used[table]})[best] for table in TABLES if table in used}
        table = max(scores, key=lambda name: scores[name])
        dq.add(INFO, table, "names.preset_detected", None, None, None, title=PRESETS[best].title,
               count=count, where=sources[table])


def header_language(sources: dict[str, TableSource]) -> str:
    """zh-CN when more of the input's recognised headers are the Chinese names
    than the English ones, else en."""
    chinese = english = 0
    for table, source in sources.items():
        for column, (_, text) in source.headers.items():
            spec = TABLES[table].column(column)
            chinese += normalize_name(text) == normalize_name(spec.zh)
            english += normalize_name(text) == normalize_name(spec.name)
    return "zh-CN" if chinese > english else "en"
