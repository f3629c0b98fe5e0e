"""Regenerate workbook/KAM_Summary.xlsm from xlwings' quickstart_standalone.xlsm
(VBA project copied byte for byte) plus kam-xl's sheets: `make template`."""
from pathlib import Path

from kam_xl.authoring.examples import write_examples
from kam_xl.authoring.template import write_template
from kam_xl.excel.macro import write_macro_module

HERE = Path(__file__).resolve().parent
TEMPLATE = HERE / "KAM_Summary.xlsm"


def build(path: Path = TEMPLATE) -> Path:
    write_template(path, examples=write_examples)
    write_macro_module(path)
    return path


if __name__ == "__main__":
    print(build())
