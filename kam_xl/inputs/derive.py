"""Input columns derived from others at the edge, each said in DataQuality:
NetRevenue net of VAT from a tax-inclusive amount (价税合计)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from kam_xl.inputs.params import Params
from kam_xl.quality import ERROR, INFO, DataQuality, TableSource

DERIVED_FROM = {"NetRevenue": "GrossAmount"}
ROW = "_row"


def net_of_vat(sales: pd.DataFrame, source: TableSource | None, params: Params, dq: DataQuality) -> pd.DataFrame:
    """When Sales has a tax-inclusive GrossAmount but no NetRevenue column:
    NetRevenue = round(GrossAmount / (1 + TaxRate), 2), in the amounts' unit,
    TaxRate as a fraction (0.13, 13 % or 13: a rate of 1 or more is in
    percent, as ERPs export 税率(%); no VAT rate is 100 % and 1 % is a real
    one), the VATRate parameter (default 0.13) on lines without one. A line without a gross
    amount has no revenue to use and is not used (Error). Never is a gross
    amount taken as revenue."""
    if source is None or "NetRevenue" in source.headers or "GrossAmount" not in source.headers:
        return sales
    gross = sales["GrossAmount"]
    stated = sales["TaxRate"].notna()
    typed = sales["TaxRate"].where(sales["TaxRate"] < 1, sales["TaxRate"] / 100.0)
    rate = typed.where(stated, params.vat_rate)
    sales = sales.assign(NetRevenue=np.round(gross / (1.0 + rate), 2))
    blank = gross.isna()
    if blank.any():
        dq.add_rows(ERROR, "Sales", sales.loc[blank, ROW], "GrossAmount", None, "vat.gross_blank", where=source)
        sales = sales[~blank].reset_index(drop=True)
        stated = stated[~blank.to_numpy()]
    dq.add(INFO, "Sales", "vat.net_derived", None, "NetRevenue", None, gross=source.header("GrossAmount"),
           lines=int(len(sales)), stated=int(stated.sum()), defaulted=int((~stated).sum()),
           rate=f"{params.vat_rate:.0%}", rate_header=source.header("TaxRate") or "TaxRate", where=source)
    return sales
