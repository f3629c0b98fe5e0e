"""kam-xl: key-account management accounting in your own workbooks.

Python API (docs/CONTRACT.md section 4): ``read_workbook(path) -> Inputs``,
``analyze(inputs, params=None) -> Results``, ``write_workbook(results, path)``.
"""
__version__ = "0.1.0"

import importlib

# Where each public name lives: loaded on first use, so that `kam-xl --help` and a refused file answer
# without importing pandas and scipy.
_EXPORTS = {"Results": "kam_xl.analysis", "Inputs": "kam_xl.inputs.reader", "read_workbook": "kam_xl.inputs.reader",
            "InputError": "kam_xl.inputs.safe_io", "analyze": "kam_xl.render.localize",
            "write_workbook": "kam_xl.render.writer"}
__all__ = [*_EXPORTS, "__version__"]


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'kam_xl' has no attribute {name!r}")
