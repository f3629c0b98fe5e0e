"""The build job: read, validate, analyse and write one or many summaries.
A thin layer over reader, analysis and writer; it computes nothing itself."""
from __future__ import annotations

import contextlib
import dataclasses
import os
import re
import shutil
import tempfile
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from typing import TYPE_CHECKING

from kam_xl.contract import OUTPUT_SHEETS, TABLES, normalize_name
from kam_xl.inputs.anonymize import anonymize
from kam_xl.inputs.crypto import encrypt_in_place
from kam_xl.inputs.params import option_overrides
from kam_xl.inputs.reader import read_workbook
from kam_xl.inputs.safe_io import InputError, atomic_output, check_refresh_target, refuse_if_open
from kam_xl.render import libreoffice
from kam_xl.words import CATALOGUES, catalogue, header, sheet_title, ui

if TYPE_CHECKING:
    from kam_xl.analysis import Results

# The analysis and the writers are imported where they are used, once the input is read: reading a large
# book is the run's peak of memory, and these modules (scipy, openpyxl, XlsxWriter) hold about 50 MB of it.


@dataclass
class Outcome:
    """What happened to one input file."""

    source: Path
    outputs: list[Path] = field(default_factory=list)
    exit_code: int = 0
    message: str = ""
    language: str | None = None   # the summary's, for the line the command line writes


def summary_path(source: Path, out_dir: Path | None, suffix: str = ".xlsx") -> Path:
    folder = out_dir if out_dir is not None else source.parent
    return folder / f"{source.stem}_Summary{suffix}"


def _slug(value: object) -> str:
    text = re.sub(r"[\\/:*?\"<>|\s]+", "_", str(value)).strip("_.")
    return text[:60] or "blank"


@dataclass(frozen=True)
class BuildOptions:
    """How a build runs: the command line's options as one value.

    ``split_by``: one workbook per value of that Customers column (analysed
    once, written per value, in ``jobs`` processes). ``anonymize_key``: stable
    pseudonyms for customers, with a private mapping file beside the output.
    ``encrypt_password`` encrypts every workbook written; ``protect`` locks the
    output sheets against accidental edits. ``external`` maps Sales, Invoices
    or Payments to a CSV or Parquet file. ``preset`` (a key of
    kam_xl.inputs.presets.PRESETS) and ``column_map`` (a ColumnMap file) say
    how the input's sheets and headers are named; ``sources`` are more files
    (other departments' exports) whose tables join each input's. ``read_threads``: threads reading the
    workbook (None: the reader's default; batch workers use 1)."""

    output: Path | None = None
    out_dir: Path | None = None
    language: str | None = None
    split_by: str | None = None
    pdf: bool = False
    pdf_all_sheets: bool = False
    pack: bool = False   # the management pack PDF beside the summary (<summary>_pack.pdf)
    password: str | None = None
    params: dict | None = None
    anonymize_key: bytes | None = None
    encrypt_password: str | None = None
    protect: bool = False
    external: dict[str, Path] = field(default_factory=dict)
    preset: str | None = None
    column_map: Path | None = None
    sources: tuple[Path, ...] = ()
    jobs: int = 1
    read_threads: int | None = None
    previous: Path | None = None   # last period's summary, whose actions are reviewed
    as_of: str | None = None    # --as-of: AsOfDate
    period: str | None = None   # --period: PeriodStart, PeriodEnd and AsOfDate = its last day (2026-03, 2026Q1...)


def build_file(source: str | Path, options: BuildOptions | None = None, **changes) -> Outcome:
    """Build the summary (or split summaries) of one input. ``changes`` are
    BuildOptions fields given one by one (``build_file(path, out_dir=...)``).
    Every failure becomes an Outcome with exit code 2 and one message."""
    o = dataclasses.replace(options or BuildOptions(), **changes)
    source = Path(source)
    outcome = Outcome(source)
    try:
        inputs = read_workbook(source, password=o.password, external=o.external, language=o.language,
                               threads=o.read_threads, preset=o.preset, column_map=o.column_map, sources=o.sources)
        mapping = None
        if o.anonymize_key is not None and not inputs.fatal:
            inputs, mapping = anonymize(inputs, o.anonymize_key)
        overrides = {**option_overrides(o.params, o.as_of, o.period, o.language or inputs.language),
                     **({"Language": o.language} if o.language else {})}
        from kam_xl.render.localize import analyze
        results = analyze(inputs, overrides or None, previous=_previous(source, inputs, o.previous, overrides))
        outcome.outputs += _write_summaries(source, inputs, results, o)
        if mapping is not None:
            outcome.outputs.append(write_private_csv(mapping, outcome.outputs[0].with_suffix(".mapping.csv")))
        if o.encrypt_password is not None:
            for workbook in outcome.outputs:
                if workbook.suffix.lower() in (".xlsx", ".xlsm"):
                    encrypt_in_place(workbook, o.encrypt_password)
        pack = None
        if o.pack and outcome.outputs:   # the pack of the summary just written (one: --pack is not split)
            summary = outcome.outputs[0]
            pack = export_pack(results, summary.with_name(f"{summary.stem}_pack.pdf"), o.language)
        if o.pdf:
            outcome.outputs += export_pdf(outcome.outputs, all_sheets=o.pdf_all_sheets)
        if pack is not None:
            outcome.outputs.append(pack)
        outcome.exit_code = results.exit_code
        errors, warnings = results.dq.count("Error"), results.dq.count("Warning")
        outcome.language = results.params.language
        outcome.message = catalogue(outcome.language).built(len(results.tables["Classification"]), errors, warnings)
    except InputError as exc:
        outcome.exit_code, outcome.message = 2, str(exc)
    except (OSError, ValueError, KeyError) as exc:
        outcome.exit_code, outcome.message = 2, f"{source}: {type(exc).__name__}: {exc}"
    return outcome


def _write_summaries(source: Path, inputs, results: Results, o: BuildOptions) -> list[Path]:
    """The summary workbook, or one per value of ``split_by``; never over a
    workbook open elsewhere."""
    suffix = Path(o.output).suffix.lower() if o.output else ".xlsx"
    vba_from = source if suffix == ".xlsm" else None
    if o.split_by:
        column = _customers_column(inputs, o.split_by)
        info = inputs["Customers"].set_index("CustomerID")[column]
        title = header(column, results.params.language)
        parts = [(Path(o.out_dir or source.parent) / f"{source.stem}_{_slug(value)}{suffix}", ids,
                  f"{title}: {value}")
                 for value, ids in info.groupby(info.fillna("(blank)"), sort=True).groups.items()]
        for target, _, _ in parts:
            refuse_if_open(target)
        with _replacing(o.out_dir or source.parent):
            return _write_parts(results, parts, vba_from, o.protect, o.jobs)
    target = Path(o.output) if o.output else summary_path(source, Path(o.out_dir) if o.out_dir else None, suffix)
    refuse_if_open(target)
    from kam_xl.render.writer import write_workbook
    with _replacing(target):
        write_workbook(results, target, vba_from=vba_from, protect=o.protect)
    return [target]


_PART_WRITER: tuple = ()   # (results, vba_from, protect) in a split-writing worker process


def _start_part_writer(results: Results, vba_from: Path | None, protect: bool) -> None:
    global _PART_WRITER
    _single_threaded()
    _PART_WRITER = (results, vba_from, protect)


def _write_part(part: tuple[Path, object, str], shared: tuple = ()) -> Path:
    from kam_xl.render.localize import restrict
    from kam_xl.render.writer import write_workbook
    target, ids, audience = part
    results, vba_from, protect = shared or _PART_WRITER
    write_workbook(restrict(results, ids, audience), target, vba_from=vba_from, protect=protect)
    return target


def _write_parts(results: Results, parts: list, vba_from: Path | None, protect: bool, jobs: int) -> list[Path]:
    """One workbook per (target, customer IDs); the results go to each worker once."""
    if jobs <= 1 or len(parts) <= 1:
        return [_write_part(part, (results, vba_from, protect)) for part in parts]
    with ProcessPoolExecutor(max_workers=jobs, initializer=_start_part_writer,
                             initargs=(results, vba_from, protect)) as pool:
        return list(pool.map(_write_part, parts))


def write_private_csv(frame, path: Path) -> Path:
    """A CSV only its owner can read (pseudonym mapping); text cells that could
    be read as formulas by a spreadsheet are prefixed with an apostrophe."""
    from kam_xl.excel.cells import FORMULA_PREFIXES
    safe = frame.map(lambda v: "'" + v if isinstance(v, str) and v[:1] in FORMULA_PREFIXES else v)
    with atomic_output(path) as temp:
        safe.to_csv(temp, index=False, encoding="utf-8-sig")
        os.chmod(temp, 0o600)
    os.chmod(path, 0o600)
    return path


@contextlib.contextmanager
def _replacing(target: Path):
    """A write that the system refuses becomes one plain message; whatever was
    at ``target`` is kept (the write goes to a temporary file first)."""
    try:
        yield
    except PermissionError:
        raise InputError(f"{target}: cannot be written (it is open in another program, read-only, or the folder "
                         "does not allow it); the existing file is unchanged. Close it or choose another -o/--out-dir"
                         ) from None


def output_sheet_names() -> set[str]:
    """Every sheet name a summary may use, in both languages (replaced on refresh)."""
    names = set()
    for language in CATALOGUES:
        names |= {sheet_title(sheet, language) for sheet in OUTPUT_SHEETS}
        names.add(ui("sheet.chart_data", language))
    return names


def refresh_file(workbook: str | Path, language: str | None = None, password: str | None = None,
                 period: str | None = None) -> Outcome:
    """Recompute the output sheets inside ``workbook`` in place. A timestamped
    backup is written first; input and user sheets, shared strings and the VBA
    project are carried over unchanged (see kam_xl.render.splice). ``period``:
    as --period (this refresh only; the Parameters sheet is not changed)."""
    from kam_xl.render.splice import SpliceError, splice
    workbook = Path(workbook)
    outcome = Outcome(workbook)
    try:
        check_refresh_target(workbook)
        inputs = read_workbook(workbook, password=password, language=language)
        from kam_xl.render.localize import analyze
        from kam_xl.render.writer import write_workbook
        overrides = {**option_overrides(None, None, period, language or inputs.language),
                     **({"Language": language} if language else {})}
        results = analyze(inputs, overrides or None, previous=_previous(workbook, inputs, None, {}))
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        backup = workbook.with_name(f"{workbook.stem}.backup-{stamp}{workbook.suffix}")
        with atomic_output(backup) as temp:
            shutil.copyfile(workbook, temp)
        with tempfile.TemporaryDirectory(prefix="kam-xl-refresh-") as scratch:
            # stored, not deflated: its parts are only spliced into the user's book
            generated = write_workbook(results, Path(scratch) / "outputs.xlsx", scratch=True)
            with atomic_output(workbook) as temp:
                splice(workbook, generated, temp, output_sheet_names())
        outcome.outputs = [workbook, backup]
        outcome.exit_code = results.exit_code
        words = catalogue(results.params.language)
        outcome.language = results.params.language
        outcome.message = words.built(len(results.tables["Classification"]), results.dq.count("Error"),
                                      results.dq.count("Warning")) + words.RUN["backup"].format(name=backup.name)
    except (InputError, SpliceError) as exc:
        outcome.exit_code, outcome.message = 2, str(exc)
    except (OSError, ValueError, KeyError) as exc:
        outcome.exit_code, outcome.message = 2, f"{workbook}: {type(exc).__name__}: {exc}"
    return outcome


def _previous(source: Path, inputs, given: Path | None, overrides: dict):
    """Last period's summary: ``--previous``, else the PreviousSummary
    parameter (a path relative to the input's folder); None when neither."""
    named = given or overrides.get("PreviousSummary") or inputs.params.previous_summary
    if not named:
        return None
    path = Path(named) if given else source.parent / named
    if not path.is_file():
        raise InputError(f"{path}: the previous summary is not there")
    from kam_xl.render.results_reader import read_previous
    return read_previous(path)


def _customers_column(inputs, name: str) -> str:
    """The Customers column a user named (canonical, Chinese alias or extra column)."""
    columns = {normalize_name(c): c for c in inputs["Customers"].columns if c != "_row"}
    for column in TABLES["Customers"].columns:
        columns.setdefault(normalize_name(column.zh), column.name)
    found = columns.get(normalize_name(name))
    if found is None:
        raise InputError(f"--split-by {name}: no such Customers column; have {', '.join(c for c in columns.values())}")
    return found


def _single_threaded() -> None:
    """Worker processes are the parallelism: keep each one's library thread pools to one thread."""
    import pyarrow
    pyarrow.set_cpu_count(1)
    pyarrow.set_io_thread_count(1)
    try:
        from threadpoolctl import threadpool_limits
        threadpool_limits(1)
    except ImportError:  # pragma: no cover - optional
        pass


def build_many(sources: list[Path], options: BuildOptions, progress=None) -> list[Outcome]:
    """Build several inputs, in ``options.jobs`` processes; one failure never stops the others."""
    outcomes: list[Outcome] = []
    if options.jobs <= 1 or len(sources) <= 1:
        for source in sources:
            outcomes.append(build_file(source, options))   # jobs: split workbooks in parallel
            if progress:
                progress(outcomes[-1])
        return outcomes
    # Worker processes are the parallelism: each reads with one thread and writes its splits itself.
    single = dataclasses.replace(options, jobs=1, read_threads=1)
    with ProcessPoolExecutor(max_workers=options.jobs, initializer=_single_threaded) as pool:
        futures = {pool.submit(build_file, source, single): source for source in sources}
        for future in as_completed(futures):
            try:
                outcome = future.result()
            except Exception as exc:  # a crashed worker must not hide the other files
                outcome = Outcome(futures[future], exit_code=2, message=f"worker failed: {exc}")
            outcomes.append(outcome)
            if progress:
                progress(outcome)
    order = {s: i for i, s in enumerate(sources)}
    return sorted(outcomes, key=lambda o: order[o.source])


def export_pdf(workbooks: list[Path], all_sheets: bool = False) -> list[Path]:
    """Each workbook as PDF through LibreOffice headless: the Dashboard (the
    first sheet, set up to print on one page) or, with ``all_sheets``, every sheet."""
    if libreoffice.soffice() is None:
        raise InputError("--pdf needs LibreOffice (soffice) on the PATH; install it, e.g. "
                         "'apt-get install libreoffice-calc', or leave out --pdf")
    target = "pdf" if all_sheets else 'pdf:calc_pdf_Export:{"PageRange":{"type":"string","value":"1"}}'
    written = []
    with tempfile.TemporaryDirectory(prefix="kam-xl-pdf-") as staging:
        produced = {p.stem: p for p in libreoffice.convert(workbooks, target, Path(staging))}
        for workbook in workbooks:
            if workbook.stem not in produced:
                raise InputError(f"LibreOffice could not export {workbook.name} to PDF")
            pdf = workbook.with_suffix(".pdf")
            with atomic_output(pdf) as temp:
                shutil.copyfile(produced[workbook.stem], temp)
            written.append(pdf)
    return written


def export_pack(results: Results, pdf: Path, language: str | None = None) -> Path:
    """The management pack (kam_xl.render.pack) as ``pdf``: its workbook is written and converted in a
    scratch folder, and only the finished PDF lands beside the summary (atomically)."""
    if libreoffice.soffice() is None:
        raise InputError("--pack needs LibreOffice (soffice) on the PATH; install it, e.g. "
                         "'apt-get install libreoffice-calc', or leave out --pack")
    from kam_xl.render.pack import write_pack_workbook
    with tempfile.TemporaryDirectory(prefix="kam-xl-pack-") as staging:
        workbook = write_pack_workbook(results, Path(staging) / f"{pdf.stem}.xlsx", language)
        produced = libreoffice.convert([workbook], "pdf", Path(staging) / "pdf")
        if not produced:
            raise InputError(f"LibreOffice could not export the management pack {pdf.name}")
        with atomic_output(pdf) as temp:
            shutil.copyfile(produced[0], temp)
    return pdf


__all__ = ["Outcome", "build_file", "build_many", "export_pack", "export_pdf", "summary_path"]
