"""kam-xl custom functions for Excel 2016 and 2019 (no dynamic arrays).

The same KAM_ functions as ``kam_udfs``, with the same arguments and help, each
result resized by xlwings' legacy ``expand="table"``: it writes the result
around the formula's cell outside Excel's calculation, which is what those
versions need and what Excel 365, 2021 and 2024 should not use. In Excel:
xlwings add-in > UDF Modules = kam_udfs_legacy, then Import Functions.
"""
from kam_udfs import DECLARED, declare

globals().update({name: declare(body, ranges, legacy=True) for name, (body, ranges) in DECLARED.items()})
__all__ = sorted(DECLARED)
