"""The layering of docs/ARCHITECTURE.md, enforced: each layer imports only the
layers below it. Known exceptions are listed with the reason; the list may only shrink."""
import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "kam_xl"

# layer -> the layers it may import (besides itself)
ALLOWED = {
    "words": set(),
    "contract": set(),
    "quality": {"contract", "words"},
    "inputs": {"contract", "quality", "words"},
    "domain": {"contract", "quality"},
    "analysis": {"contract", "quality", "words", "inputs", "domain"},
    "render": {"contract", "quality", "words", "inputs", "domain", "analysis"},
    "excel": {"contract", "quality", "words", "inputs", "domain", "analysis", "render"},
    "authoring": {"contract", "quality", "words", "inputs", "domain", "analysis", "render", "excel"},
    "app": {"contract", "quality", "words", "inputs", "domain", "analysis", "render", "excel", "authoring"},
    "kam_xl": {"inputs", "analysis", "render"},   # the package's public API
    "xlwings_app": {"excel"},   # the old home of refresh_book, imported by older workbooks' KAM_Summary.py
}
# (module, imported module): why it is still there. Remove an entry when its import goes.
EXCEPTIONS: dict[tuple[str, str], str] = {}


def layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def imports() -> list[tuple[str, str]]:
    found = []
    for path in PACKAGE.rglob("*.py"):
        module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.append((module, node.module))
            elif isinstance(node, ast.Import):
                found += [(module, alias.name) for alias in node.names]
    return found


def test_every_module_belongs_to_a_known_layer():
    modules = {module for module, _ in imports()}
    assert {layer(m) for m in modules} <= set(ALLOWED), sorted({layer(m) for m in modules} - set(ALLOWED))


def test_layers_import_only_the_layers_below():
    # (``from kam_xl import __version__`` is the one import of the package itself, allowed anywhere)
    wrong = [(module, target) for module, target in imports()
             if target.startswith("kam_xl.") and layer(target) != layer(module)
             and layer(target) not in ALLOWED[layer(module)] and (module, target) not in EXCEPTIONS]
    assert wrong == []


def test_listed_exceptions_still_exist():
    assert set(EXCEPTIONS) <= set(imports()), "an exception is gone: remove it from EXCEPTIONS"


def test_nothing_in_the_package_imports_the_udf_module_above_it():
    """The function declarations (kam_udfs, kam_calc) sit above the package; only the command line, itself a
    shell, reaches the Calc add-in's builder (kam-xl addin install)."""
    above = {"kam_udfs", "kam_udfs_legacy", "kam_calc", "kam_calc_build"}
    assert [(m, t) for m, t in imports() if t.split(".")[0] in above
            and (layer(m), t) != ("app", "kam_calc_build")] == []


def test_no_language_branch_outside_the_words_catalogue_and_the_edges():
    """The core chooses no words: 'zh-CN' appears only in the catalogue, in the
    code that reads the Language value, and in the edges that write workbooks."""
    edges = {"words", "render", "authoring", "app", "excel"}
    found = [str(path.relative_to(PACKAGE)) for path in PACKAGE.rglob("*.py")
             if '"zh-CN"' in path.read_text(encoding="utf-8") and layer(
                 ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)) not in edges]
    assert sorted(found) == ["inputs/params.py", "inputs/reader.py"]   # parsing "中文"/zh; the headers' language
