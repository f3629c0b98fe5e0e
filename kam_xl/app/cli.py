"""The ``kam-xl`` command line: a thin shell over the library."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from kam_xl import __version__
from kam_xl.words import CATALOGUES, catalogue, ui
from kam_xl.inputs.safe_io import InputError

LANGUAGES = tuple(CATALOGUES)

err = Console(stderr=True, soft_wrap=True)
# Wide when piped to a file, so a report line stays one line.
out = Console() if sys.stdout.isatty() else Console(width=200)


def _allow_large(_ctx, _param, value: bool) -> bool:
    """Lift the zip-bomb limits for this run (and its worker processes)."""
    if value:
        from kam_xl.inputs.safe_io import ALLOW_LARGE_VARIABLE
        os.environ[ALLOW_LARGE_VARIABLE] = "1"
    return value


allow_large_option = click.option(
    "--allow-large", is_flag=True, expose_value=False, callback=_allow_large,
    help="Read a workbook even if it unpacks to more than 2 GB or is mostly blank cells (refused by default "
         "as a possible zip bomb).")


def _presets() -> list[str]:
    from kam_xl.inputs.presets import PRESETS
    return list(PRESETS)


preset_option = click.option(
    "--preset", type=click.Choice(_presets()), default=None,
    help="Read the input as this system's export (default: every preset's names are accepted and the closest is "
         "reported in DataQuality).")
source_option = click.option(
    "--source", "sources", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
    help="Another file whose tables join the input's (a department's export: .xlsx, .csv or .parquet); repeat it.")
map_option = click.option(
    "--map", "column_map", type=click.Path(dir_okay=False, path_type=Path), default=None,
    help="A ColumnMap file (.xlsx or .csv: Table, SourceSheet, SourceColumn, Column) naming which of your headers "
         "feed which kam-xl column.")


EXTRACTS = (("Sales", "Sales lines from a CSV or Parquet file instead of the workbook (beyond Excel's row limit)."),
            ("Invoices", "Invoices from a CSV or Parquet file."), ("Payments", "Payments from a CSV or Parquet file."))


def extract_options(command):
    """--sales, --invoices, --payments: that table from a CSV or Parquet file instead of the workbook."""
    for table, text in reversed(EXTRACTS):
        command = click.option(f"--{table.lower()}", f"{table.lower()}_file",
                               type=click.Path(dir_okay=False, path_type=Path), help=text)(command)
    return command


def _extracts(sales_file: Path | None, invoices_file: Path | None, payments_file: Path | None) -> dict[str, Path]:
    return {table: file for (table, _), file in zip(EXTRACTS, (sales_file, invoices_file, payments_file)) if file}


period_option = click.option(
    "--period", default=None, help="The period in one: a month (2026-03), a quarter (2026Q1), a year (2026) or a "
    "range (2026-01..2026-03); sets PeriodStart, PeriodEnd and AsOfDate = its last day. Not with --as-of.")


def _fail(message: str, language: str | None = None) -> None:
    err.print(f"[bold red]{catalogue(language).RUN['error']}[/] {message}", highlight=False)
    sys.exit(2)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kam-xl")
def main() -> None:
    """kam-xl: key-account management accounting (大客户管理会计) in your own workbooks."""


@main.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--lang", type=click.Choice(LANGUAGES), default="en", help="Template language.")
@click.option("--force", is_flag=True, help="Replace an existing file.")
@click.option("--preset", type=click.Choice(_presets()), default=None,
              help="Name the input sheets and headers as this system exports them.")
@click.option("--calc", is_flag=True,
              help="Add an Examples sheet of KAM_ formulas that LibreOffice Calc computes (with its add-in).")
def new(path: Path, lang: str, force: bool, preset: str | None, calc: bool) -> None:
    """Write a blank input template (.xlsx, or .xlsm with the refresh macro)."""
    import functools

    from kam_xl.authoring.examples import write_examples
    from kam_xl.authoring.template import write_template
    from kam_xl.excel.macro import write_macro_module
    if path.exists() and not force:
        _fail(ui("cli.exists", lang, path=path), lang)
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        _fail(ui("cli.template_suffix", lang), lang)
    write_template(path, language=lang, preset=preset,
                   examples=functools.partial(write_examples, calc=True) if calc else None)
    out.print(ui("cli.template", lang, path=path))
    if path.suffix.lower() == ".xlsm":
        out.print(ui("cli.macro_module", lang, path=write_macro_module(path)))


@main.command()
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("demo"),
              show_default=True, help="Folder for the demo input and summary.")
@click.option("--customers", type=click.IntRange(5, 200_000), default=120, show_default=True)
@click.option("--seed", type=int, default=7, show_default=True)
@click.option("--lines-per-customer", type=float, default=80.0, show_default=True,
              help="Scales sales lines (about 56 x this per customer over two years).")
@click.option("--lang", type=click.Choice(LANGUAGES), default="en")
@click.option("--no-build", is_flag=True, help="Only write the filled input workbook.")
def demo(out_dir: Path, customers: int, seed: int, lines_per_customer: float, lang: str, no_build: bool) -> None:
    """Generate a realistic demo book and build its summary."""
    from kam_xl.app.build import build_file
    from kam_xl.authoring import demo as demo_data
    from kam_xl.authoring.template import write_template
    source = out_dir / f"KAM_Demo{catalogue(lang).FILE_SUFFIX}.xlsx"
    tables = demo_data.generate(customers=customers, seed=seed, lines_per_customer=lines_per_customer, language=lang)
    write_template(source, tables, language=lang)
    out.print(ui("cli.demo_input", lang, path=source.resolve(), lines=len(tables["Sales"])))
    if no_build:
        return
    outcome = build_file(source, out_dir=out_dir)
    if outcome.exit_code == 2:
        _fail(outcome.message, lang)
    out.print(ui("cli.demo_summary", lang, path=outcome.outputs[0].resolve()))


def _quality_table(frame, language: str) -> Table:
    import pandas as pd

    from kam_xl.words import header, text
    table = Table(title=ui("validate.title", language), show_lines=False, header_style="bold")
    for column in frame.columns:
        table.add_column(header(column, language), overflow="fold", no_wrap=column in ("Severity", "Row"))
    colours = {text(f"severity.{key}", language): colour   # the severities as the frame words them
               for key, colour in {"Error": "red", "Warning": "yellow", "Info": "cyan"}.items()}
    for row in frame.itertuples(index=False):   # escaped: '[ops.xlsx]Sheet' is data, not rich markup
        table.add_row(*(escape("" if pd.isna(v) else str(v)) for v in row), style=colours.get(row.Severity))
    return table


def _sources_table(inputs, language: str) -> Table:
    """Lineage: for each contract column read, the sheet and header it came from."""
    from kam_xl.contract import TABLES
    from kam_xl.words import in_language, table_label
    table = Table(title=ui("validate.sources", language), header_style="bold")
    for name in ("Table", "Column", "Sheet", "Header"):
        table.add_column(ui(f"validate.{name.lower()}", language))
    for name, source in inputs.dq.lineage or inputs.dq.sources.items():
        if name not in TABLES:
            continue
        rows = [(c.name, source.header(c.name)) for c in TABLES[name].columns if c.name in source.headers]
        if name == "Sales" and "NetRevenue" not in source.headers and "GrossAmount" in source.headers:
            rate = source.header("TaxRate") or "VATRate"
            rows.insert(0, ("NetRevenue", f"= {source.header('GrossAmount')} ÷ (1 + {rate})"))
        for column, text in rows:   # in Chinese, its Chinese alias beside the column's name
            alias = in_language(column, TABLES[name].column(column).zh, language)
            shown = column if alias == column else f"{column} ({alias})"
            table.add_row(table_label(name, language), shown, escape(source.sheet), escape(text))
    return table


@main.command()
@click.argument("input_path", type=click.Path(path_type=Path))
@click.option("--lang", type=click.Choice(LANGUAGES), default=None,
              help="Language of the messages (default: the Language parameter, else that of the input's headers).")
@click.option("--password", envvar="KAM_XL_PASSWORD", default=None, help="Password of an encrypted workbook "
              "(or set KAM_XL_PASSWORD).")
@period_option
@extract_options
@allow_large_option
@preset_option
@map_option
@source_option
def validate(input_path: Path, lang: str | None, password: str | None, period: str | None, sales_file: Path | None,
             invoices_file: Path | None, payments_file: Path | None, preset: str | None,
             column_map: Path | None, sources: tuple[Path, ...]) -> None:
    """Print the data-quality report, which sheet and header fed each column,
    and the period a build would use. Exit 0 ok, 1 rows or cells rejected,
    2 unusable (or a period that cannot be)."""
    refused = _refused_at_once([input_path], password, column_map)
    if refused:
        _fail(refused[0].message)
    from kam_xl.inputs.reader import read_workbook
    try:
        inputs = read_workbook(input_path, password=password, language=lang, preset=preset, column_map=column_map,
                               sources=sources, external=_extracts(sales_file, invoices_file, payments_file))
    except InputError as exc:
        _fail(str(exc))
    language = lang or inputs.language
    frame = inputs.dq.frame(language)
    if frame.empty:
        out.print(ui("validate.clean", language))
    else:
        out.print(_quality_table(frame, language))
    out.print(_sources_table(inputs, language))
    counts = {s: inputs.dq.count(s) for s in ("Error", "Warning", "Info")}
    out.print(catalogue(language).counts(counts["Error"], counts["Warning"], counts["Info"]))
    if inputs.fatal:
        for message in inputs.fatal:
            err.print(f"[bold red]error:[/] {message}", highlight=False)
        sys.exit(2)
    from kam_xl.inputs.params import resolved_for
    try:   # the period a build would use, refused here as the build would refuse it
        p = resolved_for(inputs, period, lang)
    except InputError as exc:
        _fail(str(exc))
    out.print(ui("validate.period", language, start=p.period_start.date(), end=p.period_end.date(),
                 as_of=p.as_of_date.date()), highlight=False)
    sys.exit(inputs.dq.exit_code())


@main.command()
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@click.option("--config", type=click.Path(dir_okay=False, path_type=Path),
              help="A kam.toml project file: inputs, sources, preset, map, output and parameters of a month end.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Output file (one input only).")
@click.option("--out-dir", type=click.Path(file_okay=False, path_type=Path), help="Folder for the summaries.")
@click.option("--split-by", help="Customers column: one workbook per value (e.g. AccountManager).")
@click.option("--lang", type=click.Choice(LANGUAGES), default=None, help="Output language.")
@click.option("--pdf", is_flag=True, help="Also export the Dashboard to PDF (needs LibreOffice).")
@click.option("--pdf-all", is_flag=True, help="Export every sheet to PDF (implies --pdf).")
@click.option("--pack", is_flag=True, help="Also write the management pack, <summary>_pack.pdf: 4-12 pages a "
              "manager reads (needs LibreOffice).")
@click.option("--previous", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Last period's summary: review whether its recommended actions worked.")
@click.option("--jobs", type=click.IntRange(1, 64), default=1, show_default=True, help="Worker processes.")
@click.option("--as-of", "as_of", help="Override the AsOfDate parameter (YYYY-MM-DD). Not with --period.")
@period_option
@click.option("--password", envvar="KAM_XL_PASSWORD", default=None, help="Password of encrypted inputs "
              "(or set KAM_XL_PASSWORD).")
@click.option("--encrypt", is_flag=True, help="Encrypt the summaries; the password comes from "
              "KAM_XL_OUTPUT_PASSWORD or a prompt, never from the command line.")
@click.option("--anonymize", is_flag=True, help="Stable pseudonyms for customers (key: KAM_XL_ANON_KEY or "
              "~/.kam-xl/anonymize.key); a private .mapping.csv is written beside each summary.")
@click.option("--protect", is_flag=True, help="Protect output sheets against accidental edits (not encryption).")
@extract_options
@allow_large_option
@preset_option
@map_option
@source_option
def build(inputs: tuple[Path, ...], config: Path | None, output: Path | None, out_dir: Path | None,
          split_by: str | None, lang: str | None, pdf: bool, pdf_all: bool, pack: bool, previous: Path | None,
          jobs: int, as_of: str | None, period: str | None,
          password: str | None, encrypt: bool, anonymize: bool, protect: bool, sales_file: Path | None,
          invoices_file: Path | None, payments_file: Path | None, preset: str | None, column_map: Path | None,
          sources: tuple[Path, ...]) -> None:
    """Read, validate, analyse and write summary workbook(s). Inputs are never modified."""
    parameters, tables = {}, {}
    if config is not None:
        from kam_xl.app.config import load_config
        try:
            settings = load_config(config)
        except InputError as exc:
            _fail(str(exc))
        # What is typed on the command line wins over the file.
        inputs = inputs or settings.get("inputs", ())
        sources = sources or settings.get("sources", ())
        output, out_dir = output or settings.get("output"), out_dir or settings.get("out_dir")
        split_by, lang = split_by or settings.get("split_by"), lang or settings.get("lang")
        preset, column_map = preset or settings.get("preset"), column_map or settings.get("map")
        if as_of is None and period is None:   # either typed on the command line replaces both of the file's
            as_of, period = settings.get("as_of"), settings.get("period")
        previous = previous or settings.get("previous")
        pdf, pdf_all, protect = (pdf or settings.get("pdf", False), pdf_all or settings.get("pdf_all", False),
                                 protect or settings.get("protect", False))
        jobs = jobs if jobs != 1 else settings.get("jobs", 1)
        pack = pack or settings.get("pack", False)
        parameters = settings.get("parameters", {})
        tables = settings.get("tables", {})   # [tables.X]: a contract table read from a database or Spark
        if preset is not None and preset not in _presets():
            _fail(ui("cli.preset", lang, config=config, preset=preset, presets=", ".join(_presets())), lang)
    _refuse_conflicts(inputs, output, split_by, pack, previous, lang)
    encrypt_password = None
    if encrypt:
        encrypt_password = os.environ.get("KAM_XL_OUTPUT_PASSWORD") or click.prompt(
            "Password for the summaries", hide_input=True, confirmation_prompt=True, err=True)
    refused = _refused_at_once(inputs, password, column_map)
    if refused:
        _report(refused)
    from kam_xl.app.build import BuildOptions
    from kam_xl.inputs.anonymize import load_key
    pdf = pdf or pdf_all
    options = BuildOptions(as_of=as_of, period=period, output=output, out_dir=out_dir, language=lang,
                           split_by=split_by, pdf=pdf, pdf_all_sheets=pdf_all, pack=pack, password=password,
                           params=parameters or None,
                           anonymize_key=load_key() if anonymize else None, encrypt_password=encrypt_password,
                           protect=protect, jobs=jobs, preset=preset, column_map=column_map, sources=tuple(sources),
                           previous=previous,
                           external={**tables, **_extracts(sales_file, invoices_file, payments_file)})
    _report(_build_all(list(inputs), options))


def _refuse_conflicts(inputs, output: Path | None, split_by: str | None, pack: bool, previous: Path | None,
                      language: str | None) -> None:
    """Options that cannot go together, or a pack without LibreOffice: refused before anything is read (in the
    language of --lang, else English)."""
    if not inputs:
        _fail(ui("cli.no_input", language), language)
    if pack and split_by:
        _fail(ui("cli.pack_split", language), language)
    if pack:
        from kam_xl.render.libreoffice import soffice
        if soffice() is None:
            _fail(ui("cli.pack_libreoffice", language), language)
    if output and len(inputs) > 1:
        _fail(ui("cli.output_one", language), language)
    if output and split_by:
        _fail(ui("cli.split_output", language), language)
    if previous and len(inputs) > 1:
        _fail(ui("cli.previous_one", language), language)


def _build_all(sources: list[Path], options) -> list:
    """Build every input, with a progress bar on a terminal when there are several."""
    from kam_xl.app.build import build_many
    if err.is_terminal and len(sources) > 1:
        from rich.progress import Progress
        with Progress(console=err, transient=True) as bar:
            task = bar.add_task("building", total=len(sources))
            return build_many(sources, options, progress=lambda _: bar.advance(task))
    return build_many(sources, options)


def _refused_at_once(inputs, password: str | None, column_map: Path | None) -> list | None:
    """When every input is a workbook the file checks refuse (not a zip, a
    zip bomb, an entity bomb...), their outcomes, found before the analysis
    is even imported, so that a hostile file is answered at once; else None
    (the build checks every file again as it reads it)."""
    from types import SimpleNamespace

    from kam_xl.inputs.safe_io import check_workbook_file
    if password is not None or column_map is not None:   # decrypted, or a map read, before the check
        return None
    refused = []
    for source in map(Path, inputs):
        if source.suffix.lower() in (".csv", ".txt", ".parquet"):
            return None
        try:
            check_workbook_file(source)
        except InputError as exc:
            refused.append(SimpleNamespace(source=source, outputs=[], exit_code=2, message=str(exc)))
        else:
            return None
    return refused


def _report(outcomes) -> None:
    """One line per input on stdout, the failures' messages on stderr; exits with the worst exit code."""

    def said(outcome) -> dict:   # in the summary's language (English for a file refused before it is read)
        return catalogue(getattr(outcome, "language", None)).RUN
    for outcome in outcomes:
        run = said(outcome)
        if outcome.exit_code == 2:   # said once, on stderr, below
            out.print(f"[red]{run['failed']}[/] {outcome.source} -> {run['nothing']}", highlight=False)
            continue
        status = {0: f"[green]{run['ok']}[/]", 1: f"[yellow]{run['rejected']}[/]"}[outcome.exit_code]
        written = ", ".join(str(p) for p in outcome.outputs)
        out.print(f"{status} {outcome.source}: {outcome.message} -> {written}", highlight=False)
    for outcome in outcomes:
        if outcome.exit_code == 2:
            err.print(f"[bold red]{said(outcome)['error']}[/] {outcome.message}", highlight=False)
    sys.exit(max(o.exit_code for o in outcomes))


@main.group()
def addin() -> None:
    """The KAM_ cell functions for LibreOffice Calc (Excel: xlwings addin install, see docs/EXCEL.md)."""


@addin.command("install")
@click.option("--libreoffice", is_flag=True, required=True, help="Build kam-xl.oxt and register it with unopkg.")
@click.option("--keep", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also keep the built extension at this path.")
def addin_install(libreoffice: bool, keep: Path | None) -> None:
    """Install the LibreOffice Calc add-in for this Python's kam-xl (restart LibreOffice afterwards)."""
    import tempfile

    import kam_calc_build   # the declarations' builder, beside kam_udfs (a shell above the package)
    with tempfile.TemporaryDirectory() as folder:
        oxt = kam_calc_build.build(Path(keep) if keep else Path(folder) / "kam-xl.oxt")
        try:
            unopkg = kam_calc_build.install(oxt)
        except (RuntimeError, OSError) as exc:
            _fail(str(exc))
    click.echo(f"installed {len(kam_calc_build.functions())} KAM_ functions in LibreOffice with {unopkg}; "
               "restart LibreOffice")


@addin.command("uninstall")
@click.option("--libreoffice", is_flag=True, required=True, help="Remove kam-xl.oxt from LibreOffice with unopkg.")
def addin_uninstall(libreoffice: bool) -> None:
    """Remove the LibreOffice Calc add-in (restart LibreOffice afterwards)."""
    import kam_calc_build
    try:
        if not kam_calc_build.installed():
            _fail("the kam-xl add-in is not installed in LibreOffice; nothing to remove")
        unopkg = kam_calc_build.uninstall()
    except (RuntimeError, OSError) as exc:
        _fail(str(exc))
    click.echo(f"removed the KAM_ functions from LibreOffice with {unopkg}; restart LibreOffice")


@main.command()
@click.argument("workbook", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def doctor(workbook: Path | None) -> None:
    """Check this machine (and WORKBOOK, if given) for kam-xl's cell formulas and refresh macro: one line
    per check with the fix. Exit code 0 when every check passes, 1 otherwise, 2 when WORKBOOK is refused."""
    from kam_xl.app.doctor import Machine, checks
    try:
        found = checks(Machine(), workbook)
    except InputError as exc:
        _fail(str(exc))
    for check in found:
        click.echo(check.line())
    sys.exit(0 if all(c.ok for c in found) else 1)


@main.command()
@click.argument("workbook", type=click.Path(path_type=Path))
@click.option("--lang", type=click.Choice(LANGUAGES), default=None, help="Output language.")
@click.option("--password", envvar="KAM_XL_PASSWORD", default=None, help="Password of an encrypted workbook.")
@period_option
@allow_large_option
def refresh(workbook: Path, lang: str | None, password: str | None, period: str | None) -> None:
    """Recompute the output sheets inside WORKBOOK in place (a timestamped backup is kept)."""
    from kam_xl.inputs.safe_io import check_refresh_target, check_workbook_file
    try:   # a refused file is answered before the analysis is imported, as refresh_file would answer it
        check_refresh_target(workbook)
        if password is None:   # an encrypted workbook is checked once decrypted
            check_workbook_file(workbook)
    except InputError as exc:
        _fail(str(exc))
    from kam_xl.app.build import refresh_file
    outcome = refresh_file(workbook, language=lang, password=password, period=period)
    if outcome.exit_code == 2:
        _fail(outcome.message)
    out.print(f"{catalogue(outcome.language).RUN['refreshed']} {workbook}: {outcome.message}", highlight=False)
    sys.exit(outcome.exit_code)


if __name__ == "__main__":  # pragma: no cover
    main()
