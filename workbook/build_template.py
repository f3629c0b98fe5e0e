"""Regenerate workbook/KAM_Summary.xlsm from xlwings' quickstart_standalone.xlsm
(VBA project copied byte for byte) plus kam-xl's sheets: `make template`."""
from pathlib import Path

from kam_xl.examples import write_examples
from kam_xl.macro import write_macro_module
from kam_xl.template import write_template

HERE = Path(__file__).resolve().parent
TEMPLATE = HERE / "KAM_Summary.xlsm"


def build(path: Path = TEMPLATE) -> Path:
    write_template(path, examples=write_examples)
    write_macro_module(path)
    return path


if __name__ == "__main__":
    print(build())
