"""kam-xl: key-account management accounting in your own workbooks.

Python API (docs/CONTRACT.md section 4): ``read_workbook(path) -> Inputs``,
``analyze(inputs, params=None) -> Results``, ``write_workbook(results, path)``.
"""
__version__ = "0.1.0"

import importlib
import importlib.abc
import importlib.util
import sys

# Where each public name lives: loaded on first use, so that `kam-xl --help` and a refused file answer
# without importing pandas and scipy.
_EXPORTS = {"Results": "kam_xl.analysis", "Inputs": "kam_xl.inputs.reader", "read_workbook": "kam_xl.inputs.reader",
            "InputError": "kam_xl.inputs.safe_io", "analyze": "kam_xl.render.localize",
            "write_workbook": "kam_xl.render.writer"}
__all__ = [*_EXPORTS, "__version__"]

# Modules that moved, by the name users' files still import: the KAM_Summary.py beside a workbook made before
# the package had layers imports the refresh macro from kam_xl.xlwings_app.
_MOVED = {"kam_xl.xlwings_app": "kam_xl.excel.xlwings_app"}


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'kam_xl' has no attribute {name!r}")


class _MovedModules(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Imports a moved module's old name as the module itself (one module, one object: ``from kam_xl.xlwings_app
    import refresh_book`` is kam_xl.excel.xlwings_app.refresh_book)."""

    def find_spec(self, name, path=None, target=None):
        return importlib.util.spec_from_loader(name, self) if name in _MOVED else None

    def create_module(self, spec):
        module = importlib.import_module(_MOVED[spec.name])
        spec.loader_state = module.__spec__   # its own spec, which the import system replaces with this one
        return module

    def exec_module(self, module):
        module.__spec__ = module.__spec__.loader_state


sys.meta_path.append(_MovedModules())
