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


def test_the_group_stands_beside_each_customer():
    """ParentID (集团) is carried into Classification; a customer without one is its own group."""
    import pandas as pd

    from kam_xl.inputs.reader import inputs_from_frames
    inputs = inputs_from_frames({
        "客户": pd.DataFrame({"客户编号": ["S1", "S2", "H9"], "集团": ["H9", "H9", None]}),
        "Sales": pd.DataFrame({"Date": ["2026-01-05"] * 3, "CustomerID": ["S1", "S2", "H9"],
                               "NetRevenue": [30.0, 20.0, 50.0], "COGS": [10.0, 10.0, 10.0]})})
    groups = analyze(inputs)["Classification"].set_index("CustomerID")["ParentID"]
    assert groups.to_dict() == {"S1": "H9", "S2": "H9", "H9": "H9"}
