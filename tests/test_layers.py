"""The layering of docs/ARCHITECTURE.md, enforced on the syntax tree of every module of kam_xl, udfs/ and bench/:

- every import, lazy ones inside functions included, resolved to an absolute module name (``from ..render import
  writer`` in kam_xl/domain/x.py is kam_xl.render.writer; ``from kam_xl import write_workbook`` is the package
  root's public API, the layer "kam_xl"; ``import a.b as c`` is a.b), and each layer imports only what ALLOWED says;
- nothing inside kam_xl imports the shells above it (udfs/, bench/) but the command line's reach for the Calc
  add-in's builder; every import of kam_xl or of a udfs module, anywhere (bench's ``python -c`` scripts too),
  names a module and a name that exist;
- the pure core (domain/ and analysis.py) imports no workbook, file, process or network library, opens no file,
  reads and writes no file through pandas or pathlib, prints nothing and reads no clock;
- no module outside kam_xl/words/ branches on the language: no comparison with a language code (``== "zh-CN"``,
  ``!= "en"``, ``in ("zh-CN", ...)``, any code-like literal compared with a name that says lang), no prefix test
  (``language.startswith("zh")``), no dict keyed by language codes, no ``case "zh-CN":``.

Known violations are listed in EXCEPTIONS with the reason; the list may only shrink, and a test fails when an
entry no longer occurs, so the list stays true. ``test_the_checks_catch_the_planted_violations`` keeps the checks
honest: the four violations issue 31 planted, which the first version of this file let through, must fail them.
"""
from __future__ import annotations

import ast
import functools
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "kam_xl"
SHELLS = {"udfs": ROOT / "udfs", "bench": ROOT / "bench"}   # above the package: its declarations and benchmarks

BELOW_RENDER = {"contract", "quality", "words", "inputs", "domain", "analysis"}
EVERYTHING = BELOW_RENDER | {"render", "excel", "authoring", "app", "kam_xl"}
# layer -> the layers it may import (besides itself). "kam_xl" is the package root, whose public API
# (kam_xl.read_workbook, analyze, write_workbook) loads inputs, render and analysis: importing a name from it
# is importing those, so no layer at or below render may. "__version__" (the package root's version string,
# which imports nothing) may be imported by every layer.
ALLOWED = {
    "words": set(),
    "contract": set(),
    "quality": {"contract", "words"},
    "inputs": {"contract", "quality", "words"},
    "domain": {"contract", "quality"},   # never words: the domain hands over keys and numbers
    "analysis": {"contract", "quality", "words", "inputs", "domain"},
    "render": BELOW_RENDER,
    "excel": BELOW_RENDER | {"render", "kam_xl"},
    "authoring": BELOW_RENDER | {"render", "excel", "kam_xl"},
    "app": EVERYTHING,
    # the package's public API (its _EXPORTS, loaded on first use) and the modules that moved under their old
    # names (its _MOVED: kam_xl.xlwings_app, imported by older workbooks' KAM_Summary.py, is kam_xl.excel.xlwings_app)
    "kam_xl": {"inputs", "analysis", "render", "excel"},
    # The shells above the package. udfs only declares kam_xl.excel's functions for xlwings and LibreOffice
    # Calc (kam_udfs, kam_udfs_legacy, kam_calc, kam_calc_build), with their help in the catalogues' languages
    # (words); bench measures the whole program.
    "udfs": {"excel", "udfs", "words"},
    "bench": EVERYTHING | {"udfs"},
}
VERSION = "kam_xl.__version__"
UDF_MODULES = {path.stem for path in SHELLS["udfs"].glob("*.py")}
# The one documented reach from the package up into the shells: `kam-xl addin install/remove` builds and
# installs the Calc add-in with the builder that sits beside the declarations it reads.
REACHES_UP = {("app", "kam_calc_build")}

# The pure core: no workbook, file, process, network or terminal library (pyarrow itself is fine: Arrow columns
# in memory; its csv, parquet, feather, dataset and fs modules read and write files).
PURE = {"domain", "analysis"}
IO_LIBRARIES = {"openpyxl", "xlsxwriter", "xlwings", "fastexcel", "python_calamine", "duckdb", "pyarrow.csv",
                "pyarrow.parquet", "pyarrow.feather", "pyarrow.dataset", "pyarrow.fs", "pyarrow.json",
                "pyarrow.orc", "subprocess", "os", "shutil", "tempfile", "zipfile", "tarfile", "gzip", "io",
                "pathlib", "glob", "pickle", "shelve", "sqlite3", "socket", "urllib", "http", "requests",
                "msoffcrypto", "defusedxml", "xml", "csv", "click", "rich", "logging"}
IO_BUILTINS = {"open", "print", "input", "exec", "eval", "compile", "__import__", "breakpoint"}
IO_METHODS = {"read_text", "write_text", "read_bytes", "write_bytes", "unlink", "mkdir", "rmdir", "touch",
              "to_excel", "to_csv", "to_parquet", "to_feather", "to_json", "to_pickle", "to_sql", "to_hdf",
              "read_excel", "read_csv", "read_parquet", "read_feather", "read_json", "read_pickle", "read_sql",
              "read_hdf", "read_table", "read_fwf"}
CLOCK_METHODS = {"now", "today", "utcnow", "time", "perf_counter", "monotonic"}

LANGUAGE_CODES = {"en", "zh", "zh-CN", "zh_CN", "zh-TW", "zh_TW", "zh-Hans", "zh-Hant", "cn"}
CODE_LIKE = re.compile(r"^[a-z]{2,3}([-_]([A-Z]{2}|[A-Z][a-z]{3}))?$")   # ja, de-DE, zh-Hans: next to a lang name

# What is still there, with the reason. Remove an entry when its line goes; the tests fail until you do.
# ("import", importing module, imported module) | ("io", module, what, how many times)
# | ("language", module, function, the branch's source, how many times in that function)
EXCEPTIONS: dict[tuple, str] = {}


@dataclass(frozen=True)
class Source:
    """A module to check: its dotted name (kam_xl.domain.frames; kam_udfs; bench.run), file, layer and tree."""
    name: str
    path: Path
    layer: str
    is_package: bool
    tree: ast.Module

    @property
    def where(self) -> str:
        return str(self.path.relative_to(ROOT)) if self.path.is_relative_to(ROOT) else str(self.path)


@dataclass(frozen=True)
class Import:
    source: Source
    line: int
    target: str   # the absolute module: kam_xl.render.writer, kam_xl (the public API), kam_xl.__version__
    name: str | None   # for ``from M import name``: the name, which must exist in M
    function: str | None   # the enclosing function, for a lazy import

    def __str__(self) -> str:
        return f"{self.source.where}:{self.line} {self.source.name} ({self.source.layer}) imports {self.target}" + (
            f" [{self.name}]" if self.name and not self.target.endswith(f".{self.name}") else "")


def layer(module: str) -> str:
    """kam_xl.domain.frames -> domain; kam_xl -> kam_xl (the root); kam_udfs -> udfs; bench.run -> bench."""
    parts = module.split(".")
    if parts[0] == "kam_xl":
        return parts[1] if len(parts) > 1 else "kam_xl"
    if parts[0] in UDF_MODULES:
        return "udfs"
    return parts[0]


def source(path: Path, text: str | None = None, name: str | None = None) -> Source:
    if name is None:
        if path.is_relative_to(PACKAGE):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        elif path.parent == SHELLS["udfs"]:
            name = path.stem
        else:
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    tree = ast.parse(path.read_text(encoding="utf-8") if text is None else text)
    return Source(name, path, layer(name), path.name == "__init__.py", tree)


@functools.cache
def sources() -> tuple[Source, ...]:
    files = sorted(PACKAGE.rglob("*.py")) + [p for shell in SHELLS.values() for p in sorted(shell.glob("*.py"))]
    return tuple(source(path) for path in files)


@functools.cache
def local_modules() -> frozenset[str]:
    return frozenset({s.name for s in sources() if s.layer != "bench"})


def embedded_scripts(src: Source) -> list[Source]:
    """Python code kept in strings and run as ``python -c`` (bench's timed scripts): parsed as its own module."""
    found = []
    for node in ast.walk(src.tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and "import" in node.value:
            try:
                tree = ast.parse(node.value)
            except SyntaxError:
                continue
            if any(isinstance(n, (ast.Import, ast.ImportFrom)) for n in ast.walk(tree)):
                ast.increment_lineno(tree, node.lineno - 1)   # lines of the file, near enough
                found.append(Source(f"{src.name}:{node.lineno}", src.path, src.layer, False, tree))
    return found


def functions_of(tree: ast.AST) -> dict[ast.AST, str]:
    """Every node -> the name of the function (def) it is in, the innermost one."""
    owner: dict[ast.AST, str] = {}

    def visit(node: ast.AST, function: str | None) -> None:
        for child in ast.iter_child_nodes(node):
            name = child.name if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) else function
            if name is not None:
                owner[child] = name
            visit(child, name)
    visit(tree, None)
    return owner


def root_exports(table: str = "_EXPORTS") -> dict[str, str]:
    """The package root's public names and the modules they are loaded from (kam_xl/__init__.py's _EXPORTS);
    with ``table="_MOVED"``, the old names of moved modules and the modules they are."""
    for node in ast.parse((PACKAGE / "__init__.py").read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == table for t in node.targets):
            return ast.literal_eval(node.value)
    return {}


def imports(src: Source, modules: set[str]) -> list[Import]:
    """Every import of ``src``, resolved to an absolute module: top-level and lazy, relative and absolute,
    ``importlib.import_module("...")`` calls, and the package root's _EXPORTS (what its __getattr__ loads)."""
    found, owner = [], functions_of(src.tree)
    package = src.name if src.is_package else src.name.rpartition(".")[0]
    def at(target: str, name: str | None = None) -> Import:
        return Import(src, node.lineno, target, name, owner.get(node))

    for node in ast.walk(src.tree):
        if isinstance(node, ast.Import):
            found += [at(alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                if node.level - 1 > len(parts) - 1:
                    raise AssertionError(f"{src.where}:{node.lineno}: a relative import above the top package")
                base = ".".join(parts[:len(parts) - (node.level - 1)] + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            for alias in node.names:
                if f"{base}.{alias.name}" in modules:   # a submodule: from kam_xl.excel import functions
                    found.append(at(f"{base}.{alias.name}"))
                elif base == "kam_xl" and alias.name == "__version__":
                    found.append(at(VERSION))
                else:   # a name of the module (from kam_xl import write_workbook: the root's public API)
                    found.append(at(base, None if alias.name == "*" else alias.name))
        elif (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
              and isinstance(node.args[0].value, str) and _called(node) in ("import_module", "__import__")):
            found.append(at(node.args[0].value))
    if src.name == "kam_xl":
        found += [Import(src, 0, module, None, "__getattr__") for module in set(root_exports().values())]
        found += [Import(src, 0, module, None, "_MovedModules") for module in set(root_exports("_MOVED").values())]
    return found


def _called(call: ast.Call) -> str | None:
    f = call.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None


def _dotted(node: ast.AST) -> str:
    return f"{_dotted(node.value)}.{node.attr}" if isinstance(node, ast.Attribute) else getattr(node, "id", "")


def layer_violations(src: Source, modules: set[str]) -> list[tuple[tuple, str]]:
    """(exception key, message) for each import of ``src`` its layer may not make."""
    wrong = []
    for imp in imports(src, modules):
        target = imp.target
        if target == VERSION or not (target == "kam_xl" or target.startswith("kam_xl.")
                                     or target.split(".")[0] in UDF_MODULES):
            continue
        to = layer(target)
        if src.layer == to or to in ALLOWED.get(src.layer, set()) or (src.layer, target) in REACHES_UP:
            continue
        if src.layer in ALLOWED and src.layer not in ("udfs", "bench") and to == "udfs":
            why = "nothing in kam_xl imports the shells above it (udfs/, bench/)"
        elif to == "kam_xl":
            loads = root_exports().get(imp.name or "")
            why = ("the package root's public API loads inputs, analysis and render"
                   + (f"; {imp.name} is {loads}.{imp.name}" if loads else ""))
        else:
            why = f"{src.layer} may import {', '.join(sorted(ALLOWED.get(src.layer, ()))) or 'nothing of kam_xl'}"
        wrong.append((("import", src.name, target), f"{imp} ({to}): {why}"))
    return wrong


def io_violations(src: Source) -> list[tuple[tuple, str]]:
    """(exception key, message) for each workbook, file, process or clock access of a pure-core module."""
    if src.layer not in PURE:
        return []
    wrong = []
    for imp in imports(src, set()):
        for banned in IO_LIBRARIES:
            if imp.target == banned or imp.target.startswith(banned + ".") or (
                    imp.name and f"{imp.target}.{imp.name}" == banned):
                wrong.append((("io", src.name, f"import {banned}"),
                              f"{imp}: the pure core ({src.layer}) does no IO; {banned} belongs in an edge"))
    for node in ast.walk(src.tree):
        if not isinstance(node, ast.Call):
            continue
        name, what = _called(node), None
        if isinstance(node.func, ast.Name) and name in IO_BUILTINS:
            what = f"call {name}()"
        elif isinstance(node.func, ast.Attribute) and name in IO_METHODS:
            what = f"call .{name}()"
        elif isinstance(node.func, ast.Attribute) and name in CLOCK_METHODS and _dotted(node.func.value).split(
                ".")[-1] in ("datetime", "date", "Timestamp", "time"):
            what = f"clock: {_dotted(node.func)}"
        if what:
            wrong.append((("io", src.name, what), (f"{src.where}:{node.lineno} {src.name} ({src.layer}): {what}: "
                                                   "the pure core takes frames and returns frames")))
    return _counted(wrong)


def _code(node: ast.AST, loose: bool) -> bool:
    """A language code literal (or a tuple/list/set holding one); ``loose``: any code-like literal."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value in LANGUAGE_CODES or bool(loose and CODE_LIKE.match(node.value))
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return any(_code(e, loose) for e in node.elts)
    return False


def _says_lang(node: ast.AST) -> bool:
    return any("lang" in (n.id if isinstance(n, ast.Name) else n.attr if isinstance(n, ast.Attribute) else "").lower()
               for n in ast.walk(node))


def language_branches(src: Source, text: str) -> list[tuple[tuple, str]]:
    """(exception key, message) for each branch on the language in ``src`` (whose source is ``text``)."""
    if src.layer == "words":
        return []
    wrong, owner = [], functions_of(src.tree)
    for node in ast.walk(src.tree):
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            hit = any(_code(o, any(_says_lang(p) for p in operands)) for o in operands)
        elif isinstance(node, ast.Call) and _called(node) in ("startswith", "endswith", "removeprefix") and node.args:
            hit = isinstance(node.func, ast.Attribute) and _code(node.args[0], _says_lang(node.func.value))
        elif isinstance(node, ast.Dict):
            hit = sum(k is not None and _code(k, False) for k in node.keys) >= 2
        elif isinstance(node, ast.MatchValue):
            hit = _code(node.value, False)
        else:
            continue
        if hit:
            segment = ast.get_source_segment(text, node) or ""
            key = ("language", src.name, owner.get(node, "<module>"), segment)
            wrong.append((key, (f"{src.where}:{node.lineno} {src.name}: a language branch `{segment}`: "
                                "the words catalogue (kam_xl/words/) chooses the words of each language")))
    return _counted(wrong)


def _counted(found: list[tuple[tuple, str]]) -> list[tuple[tuple, str]]:
    """Each key with the number of times it occurs last: an exception names how many there are, so that one more
    fails the checks, and one fewer too (until the entry says the new, smaller number)."""
    counts = Counter(key for key, _ in found)
    return [((*key, counts[key]), message) for key, message in found]


def _unexcused(found: list[tuple[tuple, str]]) -> list[str]:
    return [message for key, message in found if key not in EXCEPTIONS]


# -- the checks ------------------------------------------------------------------------------------------------

def test_every_module_belongs_to_a_known_layer():
    unknown = sorted({s.where for s in sources() if s.layer not in ALLOWED})
    assert not unknown, "modules of no layer in ALLOWED:\n" + "\n".join(unknown)


def test_layers_import_only_the_layers_below():
    modules = local_modules()
    wrong = [m for s in sources() for m in _unexcused(layer_violations(s, modules))]
    assert not wrong, "imports across the layers:\n" + "\n".join(wrong)


def test_nothing_in_the_package_imports_the_shells_above_it():
    """The declarations (udfs/) and the benchmarks (bench/) sit above the package; only the command line, itself
    a shell, reaches the Calc add-in's builder (kam-xl addin install/remove)."""
    modules = local_modules()
    up = [str(imp) for s in sources() if s.layer not in ("udfs", "bench") for imp in imports(s, modules)
          if layer(imp.target) in ("udfs", "bench")
          and (s.layer, imp.target) not in REACHES_UP]
    assert not up, "the package imports a shell above it:\n" + "\n".join(up)


def test_imports_of_the_package_and_the_declarations_resolve():
    """Every import of kam_xl or of a udfs module names a module that exists and a name it defines: in the
    package, in udfs/ and in bench/ (its ``python -c`` scripts too), lazy imports included; no test runs bench."""
    modules, defined = local_modules(), {}
    by_name = {s.name: s for s in sources()}
    exports = root_exports()
    for s in by_name.values():
        names = set(exports) if s.name == "kam_xl" else set()
        for node in ast.walk(s.tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                names |= {(a.asname or a.name).split(".")[0] for a in node.names}
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
        defined[s.name] = names | {m.rpartition(".")[2] for m in modules if m.rpartition(".")[0] == s.name}
    for s in by_name.values():  # a re-export (from kam_xl.contract.tables import *) defines the public names
        for imp in imports(s, modules):
            if imp.name is None and imp.target in defined and any(
                    isinstance(n, ast.ImportFrom) and n.names[0].name == "*" for n in ast.walk(s.tree)):
                defined[s.name] |= {n for n in defined[imp.target] if not n.startswith("_")}
    everything = [*by_name.values(), *(e for s in by_name.values() for e in embedded_scripts(s))]
    broken = []
    for s in everything:
        for imp in imports(s, modules):
            if imp.target == VERSION or not (imp.target == "kam_xl" or imp.target.startswith("kam_xl.")
                                             or imp.target.split(".")[0] in UDF_MODULES):
                continue
            if imp.target not in modules:
                broken.append(f"{imp}: no such module")
            elif imp.name and imp.name not in defined[imp.target]:
                broken.append(f"{imp}: {imp.target} has no {imp.name}")
    assert not broken, "imports that do not resolve:\n" + "\n".join(broken)


def test_the_pure_core_does_no_io():
    """domain/ and analysis.py take frames and return frames: no workbook library, no file, process or network,
    no print, no clock."""
    wrong = [m for s in sources() for m in _unexcused(io_violations(s))]
    assert not wrong, "IO in the pure core:\n" + "\n".join(wrong)


def test_no_language_branch_outside_the_words_catalogue():
    """The core chooses no words: a branch on the language belongs in kam_xl/words/ (one catalogue per
    language), so that a third language is one catalogue file."""
    found = [m for s in sources() for m in _unexcused(language_branches(s, s.path.read_text(encoding="utf-8")))]
    assert not found, "language branches outside kam_xl/words/:\n" + "\n".join(found)


def test_listed_exceptions_still_exist():
    modules = local_modules()
    present = {key for s in sources() for key, _ in [*layer_violations(s, modules), *io_violations(s),
                                                     *language_branches(s, s.path.read_text(encoding="utf-8"))]}
    gone = sorted(set(EXCEPTIONS) - present)
    assert not gone, "exceptions that no longer occur: remove them from EXCEPTIONS\n" + "\n".join(map(str, gone))


def test_the_checks_catch_the_planted_violations():
    """Issue 31's four violations, planted in a domain module, each fail the checks above (the first version of
    this file let all four through): a package-root import, a relative import of render, a workbook library and
    a prefix test of the language."""
    modules = local_modules()
    path = PACKAGE / "domain" / "planted.py"
    planted = {"from kam_xl import write_workbook": layer_violations,
               "from ..render import writer": layer_violations,
               "import openpyxl": lambda s, _: io_violations(s),
               "def f(language):\n    return language.startswith('zh')": None}
    for code, check in planted.items():
        s = source(path, code, "kam_xl.domain.planted")
        found = language_branches(s, code) if check is None else check(s, modules)
        assert _unexcused(found), code
    assert layer_violations(source(path, "from ..render import writer", "kam_xl.domain.planted"), modules)[0][0] \
        == ("import", "kam_xl.domain.planted", "kam_xl.render.writer")
    lazy = "def f():\n    from kam_xl.render import writer as w\n    import kam_xl.excel.cells as c"
    assert [k[2] for k, _ in layer_violations(source(path, lazy, "kam_xl.domain.planted"), modules)] == [
        "kam_xl.render.writer", "kam_xl.excel.cells"]
    branches = 'x = lang in ("zh-CN", "ja")\ny = "en" == code\nz = {"en": 1, "zh-CN": 2}\nw = language != "de-DE"'
    assert len(language_branches(source(path, branches, "kam_xl.domain.planted"), branches)) == 4
