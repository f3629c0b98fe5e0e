"""Typing and parsing: a grid's cells become typed columns, every problem a
DataQuality record on the worksheet row the user sees.

Each contract column is parsed by its kind (kam_xl.inputs.parsing): numbers,
dates, IDs and text as finance exports write them. A cell that is an error
value, of the wrong kind, in another currency, out of the column's range or
blank where it is required is said, and its row not used when the column is
required (the cell only, otherwise). Rows without the key are skipped, said
or recognised as an export's totals rows; the amount tables' bills and
ledgers are kam_xl.inputs.bills'.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from kam_xl.contract import DATE, ID, NUMBER, TableSpec, accepted_names
from kam_xl.inputs.bills import Bills, bill_lines, note_totals_rows, read_ledger, totals_rows
from kam_xl.inputs.grids import ROW, Grid
from kam_xl.inputs.headers import map_headers, missing_required, note_missing_columns, skip_title_rows
from kam_xl.inputs.names import Names
from kam_xl.inputs.parsing import (
    MAX_DATE,
    MAX_MAGNITUDE,
    MIN_DATE,
    UNCALCULATED,
    Kinds,
    ambiguous_dates,
    currency_codes,
    far_dates,
    foreign_currency,
    is_error_text,
    parse_date,
    parse_id,
    parse_number,
    parse_text,
)
from kam_xl.quality import ERROR, WARNING, DataQuality, TableSource


def typed_frame(spec: TableSpec, grid: Grid, errors: dict, dq: DataQuality, names: Names,
                books: dict | None = None):
    """Map headers, parse every column by kind, log problems; returns
    (frame, extra column names, whether required columns are missing).
    For Sales, Invoices and Payments (see :func:`bill_lines`): a bill's
    continuation lines get its header fields, an export's own totals rows are
    skipped and checked, and ``books`` (when given) receives the table's
    ``ledger`` and ``totals`` (kam_xl.inputs.ledger)."""
    skip_title_rows(spec, grid, dq, names)
    header = [str(h).strip() if h not in (None, "") else "" for h in grid.header]
    width = len(header)
    raw = _raw_frame(grid, width, {row for row, _ in errors})
    mapped, extra = map_headers(spec, header, names)
    dq.sources[spec.name] = TableSource(grid.sheet, grid.first_col,
                                        {name: (position, header[position]) for name, position in mapped.items()},
                                        database=grid.source == "database")
    missing = missing_required(spec, mapped)
    if missing:
        dq.add(ERROR, spec.name, "table.columns_missing", grid.first_row - 1, table_name=spec.name, sheet=grid.sheet,
               names="; ".join(accepted_names(spec, c) for c in missing),
               found=", ".join(h for h in header if h) or "-")
        return None, [], True
    note_missing_columns(spec, mapped, extra, dq, names)
    if grid.below:
        dq.add(WARNING, spec.name, "table.rows_below", grid.below[0], name=grid.table, first=grid.below[0],
               last=grid.below[1])
    _place_errors(raw, errors, grid.first_col)
    kinds = {position: Kinds(raw[position]) for position in raw.columns}
    blank_rows = pd.concat([k.blank for k in kinds.values()], axis=1).all(axis=1) if width else \
        pd.Series(True, index=raw.index)
    first_record = len(dq.records)
    bills = bill_lines(spec, grid, raw, kinds, mapped, blank_rows, dq)
    parsed = _parsed_columns(spec, raw, kinds, mapped, names.currency)
    key = spec.key if spec.key in mapped else None
    key_blank = kinds[mapped[key]].blank if key else pd.Series(False, index=raw.index)
    totals = totals_rows(spec, raw, kinds, parsed, mapped[key], key_blank, bills.words if bills else None) if key \
        else pd.Series(False, index=raw.index)
    skipped = bills.words if bills is not None else pd.Series(False, index=raw.index)   # an export's totals rows
    skip = totals | key_blank | blank_rows
    frame, rejected = _typed_columns(spec, raw, kinds, parsed, mapped, key, skip, dq, names)
    rejected |= totals & ~skipped
    for column in spec.columns:
        if column.blank_key and column.name in mapped:
            _note_blank_cells(spec, column, kinds[mapped[column.name]].blank & ~skip & ~rejected, dq)
    if key:
        rejected |= _keyless_rows(spec, bills, totals, key_blank & ~totals & ~blank_rows, raw[mapped[key]], dq)
    for name, position in extra.items():
        frame[name] = _extra_column(spec, name, raw[position], kinds[position], dq)
    if bills is not None and books is not None:
        books["ledger"] = read_ledger(spec, bills, frame, raw, mapped, blank_rows, rejected, dq.records[first_record:],
                                      names.currency)
        books["totals"] = bills.totals
    unused = rejected | blank_rows | skipped
    if unused.any():   # filtering copies every column; a clean table (the usual case) skips it
        frame = frame[~unused]
    frame.insert(0, ROW, frame.index.astype("int64"))
    return frame.reset_index(drop=True), list(extra), False


def _place_errors(raw: pd.DataFrame, errors: dict, first_col: int) -> None:
    """Error cells found by the XML scan (true errors, which calamine reads as
    blanks) put back into ``raw`` as their error text, as typed error text is."""
    width = len(raw.columns)
    for (row, col), value in errors.items():
        position = col - first_col
        if row in raw.index and 0 <= position < width:
            raw.at[row, position] = value


def _parsed_columns(spec: TableSpec, raw: pd.DataFrame, kinds: dict, mapped: dict, currency: str) -> dict:
    """Each mapped contract column parsed (see :func:`_parse_column`); in an
    amount table an amount may carry its own row's currency sign (Currency)."""
    row_currency = None
    if "Currency" in mapped and spec.amounts:
        cells = raw[mapped["Currency"]]
        row_currency = currency_codes(cells)
    return {c.name: _parse_column(c, raw[mapped[c.name]], kinds[mapped[c.name]], currency, row_currency)
            for c in spec.columns if c.name in mapped}


def _keyless_rows(spec: TableSpec, bills: Bills | None, totals: pd.Series, orphan: pd.Series, key_cells: pd.Series,
                  dq: DataQuality) -> pd.Series:
    """Say the rows without the key: an export's totals rows (an amount
    table's checked against its lines, see :func:`note_totals_rows`), and the
    ``orphan`` rows, neither blank nor totals, which are not used (returned)."""
    if bills is not None:
        note_totals_rows(spec, bills, totals, key_cells, dq)
    elif totals.any():
        dq.add_rows(ERROR, spec.name, pd.Series(totals[totals].index), spec.key, key_cells[totals], "row.totals")
    if orphan.any():
        dq.add_rows(ERROR, spec.name, pd.Series(orphan[orphan].index), spec.key, None, "row.key_blank")
    return orphan


def _typed_columns(spec: TableSpec, raw: pd.DataFrame, kinds: dict, parsed: dict, mapped: dict, key: str | None,
                   skip: pd.Series, dq: DataQuality, names: Names) -> tuple[pd.DataFrame, pd.Series]:
    """Every contract column typed (an absent one empty), with its bad, out of
    range and blank required cells logged; returns (frame, rows rejected)."""
    frame = pd.DataFrame(index=raw.index)
    rejected = pd.Series(False, index=raw.index)
    for column in spec.columns:
        if column.name not in mapped:
            frame[column.name] = _empty(column.kind, raw.index)
            continue
        cells = raw[mapped[column.name]]
        values, bad, error_text = parsed[column.name]
        problem = (bad | error_text) & ~skip
        if problem.any():
            _log_bad_cells(spec, column, cells, problem, error_text, kinds[mapped[column.name]], dq, names.currency)
            if column.required:
                rejected |= problem
        out_of_range = _out_of_range(column, values) & ~skip & ~problem
        if out_of_range.any():
            _log_out_of_range(spec, column, cells, out_of_range, dq)
            if column.required:
                rejected |= out_of_range
            values = values.where(~out_of_range)
        frame[column.name] = values
        if column.required and not column.allow_blank and column.name != key:
            blank = values.isna() & ~problem & ~skip & ~out_of_range
            if blank.any():
                dq.add_rows(ERROR, spec.name, pd.Series(blank[blank].index), column.name, None, "cell.required_blank")
                rejected |= blank
    return frame, rejected


def _raw_frame(grid: Grid, width: int, error_rows: set[int]) -> pd.DataFrame:
    """The grid's cells as an object frame indexed by worksheet row, without
    the formatted but empty rows at its end (a row whose cells calamine read
    as blanks but which holds an error cell, ``error_rows``, is not empty)."""
    if isinstance(grid.rows, list):
        end = len(grid.rows)
        while end and all(v in ("", None) for v in grid.rows[end - 1]) and \
                (grid.row_numbers[end - 1] if grid.row_numbers is not None else grid.first_row + end - 1) \
                not in error_rows:
            end -= 1
        grid.rows = grid.rows[:end]
    if isinstance(grid.rows, pd.DataFrame):
        raw = grid.rows.set_axis(range(width), axis=1)
    elif grid.rows:
        raw = pd.DataFrame(grid.rows, dtype="object").reindex(columns=range(width))
    else:
        raw = pd.DataFrame(columns=range(width), dtype="object")
    raw.index = pd.Index(grid.row_numbers) if grid.row_numbers is not None else \
        pd.RangeIndex(grid.first_row, grid.first_row + len(raw))
    return raw


def _log_bad_cells(spec: TableSpec, column, cells: pd.Series, problem: pd.Series, error_text: pd.Series,
                   kinds: Kinds, dq: DataQuality, currency: str) -> None:
    """One record per cell that is an error value, an amount in another
    currency, or not of the column's kind."""
    rows = problem[problem].index
    errors = error_text[rows]
    effect = "~row not used" if column.required else "~cell not used"
    if errors.any():
        _log_error_cells(spec, column.name, column.required, cells[rows[errors.to_numpy()]], dq)
    invalid = rows[~errors.to_numpy()]
    if column.kind == NUMBER and len(invalid):
        foreign = foreign_currency(cells[invalid], None, currency)
        for row, code in foreign.dropna().items():
            dq.add(ERROR, spec.name, "cell.foreign_currency", int(row), column.name, cells[row], currency=code,
                   reporting=currency, effect=effect)
        invalid = invalid[foreign.isna().to_numpy()]
    if not len(invalid):
        return
    if column.fallback:
        dq.add_rows(WARNING, spec.name, pd.Series(invalid), column.name, cells[invalid], column.fallback)
    elif column.kind == DATE:
        far = far_dates(cells, kinds)[invalid].to_numpy()   # year 1, 9999, -1e308: out of range, not unreadable
        dq.add_rows(ERROR, spec.name, pd.Series(invalid[far]), column.name, cells[invalid[far]],
                    "cell.date_out_of_range", effect=effect, first=str(MIN_DATE.date()), last=str(MAX_DATE.date()))
        invalid = invalid[~far]
        ambiguous = ambiguous_dates(cells, kinds)[invalid].to_numpy()
        dq.add_rows(ERROR, spec.name, pd.Series(invalid[ambiguous]), column.name, cells[invalid[ambiguous]],
                    "cell.date_ambiguous", effect=effect)
        dq.add_rows(ERROR, spec.name, pd.Series(invalid[~ambiguous]), column.name, cells[invalid[~ambiguous]],
                    "cell.date_formats", effect=effect, formats="~date formats")
    elif column.required:
        dq.add_rows(ERROR, spec.name, pd.Series(invalid), column.name, cells[invalid], "cell.required_invalid",
                    kind="~" + column.kind)
    else:
        dq.add_rows(ERROR, spec.name, pd.Series(invalid), column.name, cells[invalid], "cell.optional_invalid")


def _log_error_cells(spec: TableSpec, column: str, required: bool, cells: pd.Series, dq: DataQuality) -> None:
    """One record per error value, and per formula saved without its value
    (shown as its formula: UNCALCULATED marks it, see kam_xl.inputs.error_cells)."""
    uncalculated = cells.astype("str").str.startswith(UNCALCULATED).to_numpy()
    errors = cells[~uncalculated]
    dq.add_rows(ERROR, spec.name, pd.Series(errors.index), column, errors,
                "cell.required_error" if required else "cell.optional_error")
    formulas = cells[uncalculated].str[len(UNCALCULATED):]
    dq.add_rows(ERROR, spec.name, pd.Series(formulas.index), column, formulas,
                "cell.required_uncalculated" if required else "cell.optional_uncalculated")


def _extra_column(spec: TableSpec, header: str, cells: pd.Series, kinds: Kinds, dq: DataQuality) -> pd.Series:
    """A column outside the contract, carried as text; a formula saved without its value is left blank and said."""
    values = parse_text(cells, kinds).astype("str")
    uncalculated = values.str.startswith(UNCALCULATED).fillna(False)
    if uncalculated.any():
        _log_error_cells(spec, header, False, cells[uncalculated], dq)
        values = values.where(~uncalculated, None)
    return values


def _out_of_range(column, values: pd.Series) -> pd.Series:
    """Numbers below the column's minimum, above its maximum, not whole
    where the column counts whole units, or of MAX_MAGNITUDE or more in size
    in any number column (1e308 pasted into an amount: no figure is that large)."""
    if column.kind != NUMBER:
        return pd.Series(False, index=values.index)
    huge = values.abs() >= MAX_MAGNITUDE
    if column.minimum is None and column.maximum is None and not column.whole:
        return huge.fillna(False).astype(bool)
    low = values < column.minimum if column.minimum is not None else False
    high = values > column.maximum if column.maximum is not None else False
    fraction = (values != np.floor(values)) & values.notna() if column.whole else False
    return pd.Series(low | high | fraction | huge, index=values.index).fillna(False).astype(bool)


def _log_out_of_range(spec: TableSpec, column, cells: pd.Series, wrong: pd.Series, dq: DataQuality) -> None:
    """One record per number out of the column's range (see :func:`_out_of_range`), naming the bound it breaks."""
    values = parse_number(cells[wrong])[0]
    for row, value, raw_value in zip(wrong[wrong].index, values, cells[wrong]):
        if abs(value) >= MAX_MAGNITUDE:
            dq.add(ERROR, spec.name, "cell.implausible_number", int(row), column.name, raw_value,
                   bound="10^15", effect="~row not used" if column.required else "~cell not used")
            continue
        if column.minimum is not None and value < column.minimum:
            key = "cell.required_out_of_range" if column.required else "cell.below_minimum"
        elif column.maximum is not None and value > column.maximum:
            key = "cell.above_maximum"
        else:
            key = "cell.not_whole"
        dq.add(ERROR, spec.name, key, int(row), column.name, raw_value, minimum=_plain_number(column.minimum),
               maximum=_plain_number(column.maximum))


def _plain_number(value: float | None) -> str:
    """A bound as the message shows it (0, 1, 100; blank when there is none)."""
    return "" if value is None else f"{value:g}"


def _note_blank_cells(spec: TableSpec, column, blank: pd.Series, dq: DataQuality) -> None:
    """Blank cells of a column whose figures are left empty rather than
    computed as if the cell were 0: one record per cell, or one for the column
    when every used row is blank."""
    if not blank.any():
        return
    if blank.all():
        dq.add(WARNING, spec.name, "column.all_blank", None, column.name, names=accepted_names(spec, column),
               effect="~" + column.effect)
    else:
        dq.add_rows(WARNING, spec.name, pd.Series(blank[blank].index), column.name, None, column.blank_key)


def _parse_column(column, cells: pd.Series, kinds: Kinds, currency: str = "CNY",
                  row_currency: pd.Series | None = None):
    """(values, bad, error_text) for one input column; error text is never a
    value, nor is an amount marked with a currency other than ``currency``
    (unless it is the one ``row_currency`` gives for its row)."""
    typed = _typed_values(column.kind, cells)
    if typed is not None:   # a column the file already typed (Arrow, Parquet): no text to look at
        return typed
    error_text = is_error_text(cells, kinds)
    if column.kind == NUMBER:
        values, bad = parse_number(cells, kinds)
        codes = foreign_currency(cells, kinds, currency)
        foreign = codes.notna()
        if row_currency is not None and foreign.any():
            foreign &= (codes.astype(object) != row_currency.astype(object)).to_numpy()
        if foreign.any():
            values, bad = values.where(~foreign), bad | foreign
    elif column.kind == DATE:
        values, bad = parse_date(cells, kinds)
    else:
        # pandas' Arrow-backed text: keys group, merge and dedupe several times faster than as objects.
        values = (parse_id if column.kind == ID else parse_text)(cells, kinds)
        if error_text.any():
            values = values.where(~error_text, None)
        if values.dtype != "str":
            values = values.astype("str")
        bad = pd.Series(False, index=cells.index)
    return values, bad & ~error_text, error_text


def _typed_values(kind: str, cells: pd.Series):
    """(values, bad, error_text) as :func:`_parse_column` makes them of a float64 column read as a number
    column or a datetime64 column read as a date column, without its text passes (such a column holds no
    text): infinite numbers and dates outside MIN_DATE..MAX_DATE are bad; None for any other column."""
    if kind == NUMBER and cells.dtype == "float64":
        numbers = cells.to_numpy()
        finite = np.isfinite(numbers)
        values = pd.Series(np.where(finite, numbers, np.nan), index=cells.index, dtype="float64")
        bad = pd.Series(~finite & ~np.isnan(numbers), index=cells.index)
    elif kind == DATE and pd.api.types.is_datetime64_dtype(cells.dtype):   # tz-naive only
        values = cells.where((cells >= MIN_DATE) & (cells <= MAX_DATE)).astype("datetime64[ns]").dt.normalize()
        values = values.rename(None)
        bad = cells.notna() & values.isna()
        bad.name = None
    else:
        return None
    return values, bad, pd.Series(False, index=cells.index)


def _empty(kind: str, index: pd.Index) -> pd.Series:
    """An absent column of the given kind: every cell blank, typed as a read column would be."""
    if kind == NUMBER:
        return pd.Series(np.nan, index=index, dtype="float64")
    if kind == DATE:
        return pd.Series(pd.NaT, index=index, dtype="datetime64[ns]")
    return pd.Series(None, index=index, dtype="str")
