"""Style that the code promises (docs/ARCHITECTURE.md): ruff clean under pyproject's configuration, and no
function longer than 60 lines from its ``def`` to its last line. The lists of what is still over may only
shrink: a file fixed must leave the list, and nothing may be added to it."""
import ast
import json
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LONGEST_FUNCTION = 60

# Findings of `ruff check` still in the tree, per file (all E501, lines over 120 columns).
RUFF_STILL = {}

# Functions still over LONGEST_FUNCTION lines: "path:function" -> lines.
LONG_STILL = {}


def _ruff() -> list[str]:
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if ruff is None:
        pytest.fail("ruff is not installed: it is in the test extras (pip install -e '.[test]')")
    done = subprocess.run([ruff, "check", "--output-format", "json", "."], cwd=ROOT, capture_output=True, text=True)
    return [str(Path(d["filename"]).relative_to(ROOT)) for d in json.loads(done.stdout)]


def _over_shrink_only(found: dict, allowed: dict, what: str) -> list[str]:
    return ([f"{k}: {v} {what} (allowed {allowed.get(k, 0)})" for k, v in found.items() if v > allowed.get(k, 0)]
            + [f"{k}: now {found.get(k, 0)} {what}; lower its entry" for k, v in allowed.items()
               if found.get(k, 0) < v])


def test_ruff_is_clean():
    problems = _over_shrink_only(Counter(_ruff()), RUFF_STILL, "ruff findings")
    assert not problems, "ruff check (see `ruff check .`):\n" + "\n".join(problems)


def test_no_function_is_longer_than_sixty_lines():
    found = {}
    for path in [*ROOT.glob("kam_xl/**/*.py"), *ROOT.glob("udfs/*.py"), *ROOT.glob("bench/*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > LONGEST_FUNCTION:
                    found[f"{path.relative_to(ROOT)}:{node.name}"] = length
    problems = _over_shrink_only(found, LONG_STILL, "lines")
    assert not problems, f"functions over {LONGEST_FUNCTION} lines:\n" + "\n".join(problems)
