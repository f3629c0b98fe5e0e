"""Where the refresh macro lived before the package had layers: the
``KAM_Summary.py`` that older workbooks keep beside them imports
``refresh_book`` from here, so their refresh button keeps working."""
from kam_xl.excel.xlwings_app import refresh_book

__all__ = ["refresh_book"]
