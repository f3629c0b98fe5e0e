"""kam-xl: key-account management accounting in your own workbooks.

Python API (docs/CONTRACT.md section 4): ``read_workbook(path) -> Inputs``,
``analyze(inputs, params=None) -> Results``, ``write_workbook(results, path)``.
"""
__version__ = "0.1.0"

from kam_xl.analysis import Results  # noqa: E402
from kam_xl.inputs.reader import Inputs, read_workbook  # noqa: E402
from kam_xl.inputs.safe_io import InputError  # noqa: E402
from kam_xl.render.localize import analyze  # noqa: E402
from kam_xl.render.writer import write_workbook  # noqa: E402

__all__ = ["Inputs", "InputError", "Results", "analyze", "read_workbook", "write_workbook", "__version__"]
