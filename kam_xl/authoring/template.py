"""The input template (``workbook/KAM_Summary.xlsm``, ``kam-xl new``) and the
filled demo book, written with XlsxWriter.

The VBA project is xlwings' own ``quickstart_standalone.xlsm`` project,
copied byte for byte (its Module1 runs ``import <workbook name>;
<workbook name>.main()``); the sheets that its document modules belong to
keep their code names (ReadMe = Sheet1, xlwings.conf = Sheet2).
"""
from __future__ import annotations

import datetime as dt
import io
import zipfile
from importlib import resources
from pathlib import Path

import pandas as pd

from kam_xl import __version__
from kam_xl.contract import DATE, ID, INPUT_TABLES, NUMBER, TABLES
from kam_xl.inputs.params import Params
from kam_xl.inputs.presets import PRESETS
from kam_xl.inputs.safe_io import atomic_output
from kam_xl.render.xlsx import INPUT_FILL, TAB_INFO, TAB_INPUT, VBA_PART, Formats, new_workbook, write_column
from kam_xl.words import CATALOGUES, catalogue, in_language, ui

QUICKSTART = "quickstart_standalone.xlsm"
DATA_VALIDATION_ROWS = 5000
UDF_MODULE = "kam_udfs"

# Between a text's languages on one line (Required · 必填).
BETWEEN_LANGUAGES = " · "
# The ReadMe sheet: (TEMPLATE key "readme.<key>", style, how) per line; its words are written in every language of
# the catalogues, each on its own line (how None) or joined on one line by ``how``. None: an empty line.
README = [
    ("title", "title", " "), None,
    ("purpose_heading", "heading", BETWEEN_LANGUAGES), ("purpose", None, None), None,
    ("use_heading", "heading", BETWEEN_LANGUAGES), ("paste", None, None), ("below_table", None, None),
    ("blank_cells", None, None), ("parameters", None, None), ("build", None, None), ("problems", None, None), None,
    ("colours_heading", "heading", BETWEEN_LANGUAGES), ("inputs", "input", BETWEEN_LANGUAGES),
    ("outputs", "output", BETWEEN_LANGUAGES), ("information", "info", BETWEEN_LANGUAGES), None,
    ("required_heading", "heading", BETWEEN_LANGUAGES), ("required", None, None), ("fx", None, None), None,
    ("formulas_heading", "heading", BETWEEN_LANGUAGES), ("formulas", None, None),
]


def every_language(words_of) -> list[str]:
    """``words_of(catalogue)`` in each language of the catalogues, in their order: the template helps in all."""
    return [words_of(words) for words in CATALOGUES.values()]


def in_all_languages(key: str) -> str:
    """A TEMPLATE text of the catalogues in every language, on one line (Required · 必填)."""
    return BETWEEN_LANGUAGES.join(every_language(lambda words: words.TEMPLATE[key]))


def readme_lines(examples: str | None = None) -> list[tuple[str, str | None]]:
    """The ReadMe sheet's lines (text, style); ``examples``: the name of the Examples sheet when the workbook has
    one (the formulas' line points to it, else to how to get it)."""
    where = "readme.examples_here" if examples is not None else "readme.examples_elsewhere"
    lines = []
    for entry in README:
        if entry is None:
            lines.append(("", None))
            continue
        key, style, how = entry
        texts = every_language(lambda words: words.TEMPLATE[f"readme.{key}"].format(
            examples=words.TEMPLATE[where].format(sheet=examples)))   # the formulas' line says where they are
        lines += [(how.join(texts), style)] if how else [(text, style) for text in texts]
    return lines


def quickstart_vba() -> bytes:
    """xlwings' quickstart VBA project, byte for byte."""
    path = resources.files("xlwings") / QUICKSTART
    with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as archive:
        return archive.read(VBA_PART)


def sheet_name(table: str, language: str, preset: str | None = None) -> str:
    if preset is not None and PRESETS[preset].sheets.get(table):
        return PRESETS[preset].sheets[table][0]
    return in_language(table, TABLES[table].zh, language)


def column_header(table: str, column: str, language: str, preset: str | None = None) -> str:
    if preset is not None and PRESETS[preset].columns.get(table, {}).get(column):
        return PRESETS[preset].columns[table][column][0]
    spec = TABLES[table].column(column)
    return in_language(spec.name, spec.zh, language)


def write_template(path: str | Path, data: dict[str, pd.DataFrame] | None = None, language: str = "en",
                   examples=None, preset: str | None = None) -> Path:
    """Write the input template (optionally filled with ``data``, canonical
    columns) to ``path`` atomically. ``.xlsm`` gets the xlwings VBA project.
    ``examples`` writes the UDF worked-examples sheet (see kam_xl.authoring.examples).
    ``preset`` (a key of kam_xl.inputs.presets.PRESETS) names the sheets and
    headers as that system exports them, so its lists paste straight in."""
    path = Path(path)
    with atomic_output(path) as temp:
        book = new_workbook(temp)
        formats = Formats(book, "CNY", language)
        macro = path.suffix.lower() == ".xlsm"
        if macro:
            book.add_vba_project(io.BytesIO(quickstart_vba()), is_stream=True)
            book.set_vba_name("ThisWorkbook")
        book.set_properties({"title": "kam-xl key-account accounting template", "author": "kam-xl",
                             "comments": f"kam-xl {__version__}", "created": dt.datetime(2026, 1, 1)})
        readme = book.add_worksheet(catalogue(language).TEMPLATE["sheet"])
        if macro:
            readme.set_vba_name("Sheet1")
        _write_readme(readme, formats, ui("sheet.examples", language) if examples is not None else None)
        for table in INPUT_TABLES:
            if table == "Parameters":
                continue
            frame = (data or {}).get(table)
            _write_input_table(book, formats, table, frame, language, preset)
        _write_parameters(book, formats, (data or {}).get("Parameters"), language)
        if examples is not None:
            examples(book, formats, language)
        conf = book.add_worksheet("xlwings.conf")
        if macro:
            conf.set_vba_name("Sheet2")
        _write_xlwings_conf(conf)
        readme.activate()
        book.close()
    return path


def _write_readme(sheet, formats: Formats, examples: str | None = None) -> None:
    """The ReadMe (说明) sheet; ``examples``: the name of the Examples sheet when the workbook has one."""
    sheet.set_tab_color(TAB_INFO)
    sheet.set_column(0, 0, 130)
    styles = {
        "title": formats.title(), "heading": formats.get(bold=True, font_size=11),
        "input": formats.get(bg_color=INPUT_FILL), "output": formats.get(bg_color="#DDEBF7"),
        "info": formats.get(bg_color="#EDEDED"), None: formats.get(text_wrap=True),
    }
    for row, (line, style) in enumerate(readme_lines(examples)):
        sheet.write_string(row, 0, line, styles[style])
    sheet.hide_gridlines(2)


def _write_input_table(book, formats: Formats, table: str, frame: pd.DataFrame | None, language: str,
                       preset: str | None = None) -> None:
    spec = TABLES[table]
    sheet = book.add_worksheet(sheet_name(table, language, preset))
    sheet.set_tab_color(TAB_INPUT)
    columns = [c.name for c in spec.columns]
    rows = 0 if frame is None else len(frame)
    header_format = formats.header()
    for col, column in enumerate(spec.columns):
        kind = {DATE: "date", NUMBER: "number", ID: "text"}.get(column.kind, "general")
        if column.name in ("PaymentTermsDays", "Satisfaction", "DriverQuantity", "Quantity"):
            kind = "int" if column.name != "DriverQuantity" else "number"
        if column.name == "GrowthOutlook":
            kind = "pct"
        cell_format = formats.get(kind, bg_color=INPUT_FILL)
        sheet.set_column(col, col, 14 if column.kind != "text" else 22, cell_format)
        sheet.write_comment(0, col, _column_comment(column),
                            {"x_scale": 2.2, "y_scale": 1.4, "font_name": formats.base["font_name"]})
        if frame is not None and column.name in frame:
            write_column(sheet, 1, col, frame[column.name], cell_format)
        _validate(sheet, col, column, rows)
    sheet.add_table(0, 0, max(rows, 1), len(columns) - 1, {
        "name": table, "style": "Table Style Light 1",
        "columns": [{"header": column_header(table, c, language, preset), "header_format": header_format}
                    for c in columns],
    })
    sheet.freeze_panes(1, 0)


def _column_comment(column) -> str:
    """A header's comment: the column's name in each language, required or optional, and its help."""
    names = dict.fromkeys(in_language(column.name, column.zh, code) for code in CATALOGUES)
    required = in_all_languages("required_column" if column.required else "optional_column")
    return "\n".join([BETWEEN_LANGUAGES.join(names), required,
                      *every_language(lambda words: words.COLUMN_HELP.get(column.name, ""))]).strip()


def _validate(sheet, col: int, column, rows: int) -> None:
    last = max(rows, 1) + DATA_VALIDATION_ROWS
    if column.kind == DATE:
        rule = {"validate": "date", "criteria": "between", "minimum": dt.date(1900, 1, 1),
                "maximum": dt.date(2199, 12, 31), "error_message": in_all_languages("enter_date")}
    elif column.name == "Satisfaction":
        rule = {"validate": "integer", "criteria": "between", "minimum": 1, "maximum": 5,
                "error_message": in_all_languages("whole_1_5")}
    elif column.name in ("CreditLimit", "EstimatedWallet", "DirectCost", "Rate", "DriverQuantity"):
        rule = {"validate": "decimal", "criteria": ">=", "value": 0,
                "error_message": in_all_languages("not_negative")}
    elif column.name == "PaymentTermsDays":
        rule = {"validate": "integer", "criteria": ">=", "value": 0,
                "error_message": in_all_languages("whole_days")}
    elif column.name == "Industry" and column.kind == "text":
        rule = {"validate": "list", "source": "=INDIRECT(\"IndustryOutlook[Industry]\")", "error_type": "warning",
                "error_message": in_all_languages("not_an_industry")}
    else:
        return
    sheet.data_validation(1, col, last, col, {**rule, "ignore_blank": True, "error_title": "kam-xl"})


def _write_parameters(book, formats: Formats, given: pd.DataFrame | None, language: str) -> None:
    sheet = book.add_worksheet(sheet_name("Parameters", language))
    sheet.set_tab_color(TAB_INPUT)
    values = {**Params().typed(), "Language": language}   # the defaults, as in the contract
    if given is not None:
        values.update({str(k): v for k, v in zip(given["Parameter"], given["Value"])})
    words = catalogue(language)
    headers = [words.TEMPLATE[key] for key in ("parameter", "value", "description")]
    text_input = formats.get("text", bg_color=INPUT_FILL)
    for row, (name, value) in enumerate(values.items(), start=1):
        sheet.write_string(row, 0, name, formats.get())
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            sheet.write_number(row, 1, value, formats.get("general", bg_color=INPUT_FILL))
        else:
            sheet.write_string(row, 1, str(value), text_input)
        sheet.write_string(row, 2, _parameter_help(name, words), formats.get())
    sheet.add_table(0, 0, len(values), 2, {
        "name": "Parameters", "style": "Table Style Light 1",
        "columns": [{"header": h, "header_format": formats.header()} for h in headers]})
    sheet.set_column(0, 0, 22)
    sheet.set_column(1, 1, 34)
    sheet.set_column(2, 2, 60)
    sheet.freeze_panes(1, 0)


def _parameter_help(name: str, words) -> str:
    """A parameter's help in a catalogue's language, naming the parameter as that language does where it has its
    own name for it (the Parameters table reads either)."""
    help_text = words.PARAMETER_HELP.get(name, "")
    if name not in words.PARAMETERS:
        return help_text
    return words.TEMPLATE["parameter_named"].format(help=help_text, name=words.PARAMETERS[name])


def _write_xlwings_conf(sheet) -> None:
    """Settings read by the xlwings VBA (keys in column A from A1)."""
    sheet.set_tab_color(TAB_INFO)
    settings = [("Interpreter_Win", "python"), ("UDF Modules", UDF_MODULE), ("Debug UDFs", False),
                ("Use UDF Server", False), ("Show Console", False)]
    for row, (key, value) in enumerate(settings):
        sheet.write_string(row, 0, key)
        if isinstance(value, bool):
            sheet.write_boolean(row, 1, value)
        else:
            sheet.write_string(row, 1, value)
    notes = [in_all_languages("notes") + ":", *map(in_all_languages, ("interpreter", "udf_modules", "run_main"))]
    for offset, note in enumerate(notes):
        sheet.write_string(len(settings) + 2 + offset, 0, note)
    sheet.set_column(0, 0, 22)
    sheet.set_column(1, 1, 30)
