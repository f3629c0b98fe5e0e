"""Build and install kam-xl.oxt, the LibreOffice Calc add-in of the KAM_ functions.

Everything in it comes from the function declarations for Excel (kam_udfs):
the UNO interface (IDL, compiled into the committed type library
``kam_xl/excel/XKamXL.rdb`` by ``make addin-types``), the Calc function list with its help (CalcAddIns.xcu, English
and Chinese) and the component (kam_calc.py), so Excel and Calc offer the same
functions with the same arguments. ``kam-xl addin install --libreoffice``
builds it for the running Python (its paths go first on the add-in's path)
and registers it with ``unopkg``.
"""
from __future__ import annotations

import inspect
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import kam_udfs
import kam_xl.excel
from kam_xl import __version__
from kam_xl.excel.cells import CALC_ADDIN
from kam_xl.words import CATALOGUES

HERE = Path(__file__).resolve().parent
TYPE_LIBRARY = Path(kam_xl.excel.__file__).resolve().parent / "XKamXL.rdb"   # package data, compiled by SDK
IMPLEMENTATION = CALC_ADDIN
IDENTIFIER = "org.kamxl.calc"   # the extension's, for unopkg
def functions() -> dict[str, list[str]]:
    """{function name: its arguments}, in the order Excel declares them."""
    return {name: list(inspect.signature(body).parameters) for name, (body, _) in kam_udfs.DECLARED.items()}


def uno_name(argument: str) -> str:
    """An argument's name in the UNO interface, where identifiers have no underscore: share_a -> shareA."""
    first, *rest = argument.split("_")
    return first + "".join(part.title() for part in rest)


def idl() -> str:
    """The UNO interface of the add-in: every argument ``any`` (a value, or a range as rows), every result
    rows of values (one value is one row of one)."""
    def method(name: str, arguments: list[str]) -> str:
        declared = ", ".join(f"[in] any {uno_name(a)}" for a in arguments)
        return f"        sequence< sequence< any > > {name}({declared});"
    methods = "\n".join(method(name, arguments) for name, arguments in functions().items())
    return ("#include <com/sun/star/uno/XInterface.idl>\n\n"
            "module org { module kamxl {\n"
            "    interface XKamXL : com::sun::star::uno::XInterface\n    {\n"
            f"{methods}\n    }};\n}}; }};\n")


def compile_type_library(target: Path = TYPE_LIBRARY) -> Path:
    """Compile the IDL with the LibreOffice SDK's unoidl-write (package libreoffice-dev); kept in the repository
    so users need no SDK."""
    program = Path("/usr/lib/libreoffice/program")
    writer = shutil.which("unoidl-write") or "/usr/lib/libreoffice/sdk/bin/unoidl-write"
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "XKamXL.idl"
        source.write_text(idl(), encoding="utf-8")
        subprocess.run([writer, str(program / "types.rdb"), str(program / "types" / "offapi.rdb"), str(source),
                        str(target)], check=True, capture_output=True)
    return target


def configuration() -> str:
    """CalcAddIns.xcu: each function's name, description and arguments as Calc's Function Wizard shows them: in
    English from the docstrings (as xlwings shows them), and in each catalogue's language that has the functions'
    help (its FUNCTION_HELP and ARGUMENT_HELP)."""
    translated = {code: words for code, words in CATALOGUES.items() if words.FUNCTION_HELP}

    def text(prop: str, english: str, translations: dict[str, str | None]) -> str:
        values = f'<value xml:lang="en-US">{escape(english)}</value>' + "".join(
            f'<value xml:lang="{code}">{escape(said)}</value>' for code, said in translations.items() if said)
        return f'<prop oor:name="{prop}">{values}</prop>'
    nodes = []
    for name, (body, _) in kam_udfs.DECLARED.items():
        help_text = kam_udfs.argument_help(body)
        summary = (body.__doc__ or name).strip().splitlines()[0]
        parameters = "".join(
            f'<node oor:name="{uno_name(a)}" oor:op="replace">{text("DisplayName", a, {})}'
            f'{text("Description", help_text.get(a, a), {c: w.ARGUMENT_HELP.get(a) for c, w in translated.items()})}'
            '</node>' for a in inspect.signature(body).parameters)
        nodes.append(f'<node oor:name="{name}" oor:op="replace">'
                     f'{text("DisplayName", name, dict.fromkeys(translated, name))}'
                     f'{text("Description", summary, {c: w.FUNCTION_HELP.get(name) for c, w in translated.items()})}'
                     f'<prop oor:name="Category"><value>Add-In</value></prop>'
                     f'<prop oor:name="CompatibilityName"><value xml:lang="en-US">{name}</value></prop>'
                     f'<node oor:name="Parameters">{parameters}</node></node>')
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<oor:component-data xmlns:oor="http://openoffice.org/2001/registry" '
            'xmlns:xs="http://www.w3.org/2001/XMLSchema" oor:name="CalcAddIns" oor:package="org.openoffice.Office">'
            f'<node oor:name="AddInInfo"><node oor:name="{IMPLEMENTATION}" oor:op="replace">'
            f'<node oor:name="AddInFunctions">{"".join(nodes)}</node></node></node></oor:component-data>\n')


# The extension's parts and their media types.
PARTS = {"XKamXL.rdb": "application/vnd.sun.star.uno-typelibrary;type=RDB",
         "kam_calc.py": "application/vnd.sun.star.uno-component;type=Python",
         "CalcAddIns.xcu": "application/vnd.sun.star.configuration-data"}
MANIFEST = ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<manifest:manifest xmlns:manifest="http://openoffice.org/2001/manifest">\n'
            + "".join(f' <manifest:file-entry manifest:full-path="{part}" manifest:media-type="{kind}"/>\n'
                      for part, kind in PARTS.items())
            + "</manifest:manifest>\n")


def description() -> str:
    """description.xml: the extension's identifier, version and name in each catalogue's language."""
    names = "".join(f'<name lang="{code}">{escape(words.UI["addin.name"])}</name>'
                    for code, words in CATALOGUES.items())
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<description xmlns="http://openoffice.org/extensions/description/2006" '
            'xmlns:xlink="http://www.w3.org/1999/xlink">'
            f'<identifier value="{IDENTIFIER}"/>'
            f'<version value="{__version__}"/>'
            f'<display-name>{names}</display-name>'
            '</description>\n')


def build(target: Path, paths: list[str] | None = None) -> Path:
    """kam-xl.oxt for the Python whose ``paths`` hold kam-xl and its libraries (default: this one's)."""
    if paths is None:   # where kam-xl and kam_udfs are, then this Python's libraries (not its standard library)
        paths = [str(Path(kam_xl.excel.__file__).resolve().parents[2]), str(HERE),
                 *[p for p in sys.path if p.endswith(("site-packages", "dist-packages"))]]
    header = f"import sys\nsys.path[:0] = [p for p in {json.dumps(paths)} if p not in sys.path]\n"
    component = (HERE / "kam_calc.py").read_text(encoding="utf-8")
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as oxt:
        oxt.writestr("META-INF/manifest.xml", MANIFEST)
        oxt.writestr("description.xml", description())
        oxt.writestr("CalcAddIns.xcu", configuration())
        oxt.write(TYPE_LIBRARY, "XKamXL.rdb")
        oxt.writestr("kam_calc.py", header + component)
    return target


def install(oxt: Path, profile: Path | None = None) -> str:
    """Register the extension with unopkg: for this user (or in the LibreOffice ``profile`` folder given); as
    root, where unopkg refuses per-user extensions, for every user of this LibreOffice (--shared)."""
    return _unopkg(["add", "--force", str(oxt)], profile)


def uninstall(profile: Path | None = None) -> str:
    return _unopkg(["remove", IDENTIFIER], profile)


def installed(profile: Path | None = None) -> bool:
    """Whether LibreOffice lists the extension (for this user or the ``profile``; as root, for all users)."""
    return IDENTIFIER in _run_unopkg(["list"], profile).stdout


def unopkg_path() -> str:
    return shutil.which("unopkg") or "/usr/lib/libreoffice/program/unopkg"


def _unopkg(arguments: list[str], profile: Path | None) -> str:
    done = _run_unopkg(arguments, profile)
    if done.returncode != 0:
        raise RuntimeError(f"unopkg {arguments[0]} failed: {(done.stdout + done.stderr).strip()}")
    return unopkg_path()


def _run_unopkg(arguments: list[str], profile: Path | None) -> subprocess.CompletedProcess:
    command = [unopkg_path(), *arguments]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--shared")
    elif profile is not None:
        command.append(f"-env:UserInstallation={profile.resolve().as_uri()}")
    return subprocess.run(command, capture_output=True, text=True, timeout=300)
