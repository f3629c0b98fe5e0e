"""docs/CONTRACT.md lists exactly the output columns the summary is written with."""
import re
from pathlib import Path

from kam_xl import analyze

DOC = Path(__file__).resolve().parent.parent / "docs" / "CONTRACT.md"


def documented_columns() -> dict[str, list[str]]:
    text = DOC.read_text(encoding="utf-8")
    block = text.split("<!-- columns:")[1].split("<!-- end columns -->")[0]
    found = {}
    for line in block.splitlines():
        match = re.match(r"- \*\*(\w+)\*\*(?: \([^)]*\))?: (.+)$", line)
        if match:
            found[match[1]] = [c.strip() for c in match[2].split(",")]
    return found


def test_every_output_table_and_column_is_documented(small_inputs):
    results = analyze(small_inputs)
    written = {name: list(frame.columns) for name, frame in results.items()}
    assert documented_columns() == written
