"""Cell formulas over the same Tables analyse once: Excel calls every formula on its own, so a sheet with ten
table formulas would otherwise run the whole analysis ten times. The cache is keyed by the cells' values."""
import copy

import kam_udfs as udf
import pytest
from conftest import small_book
from test_udfs import as_excel

from kam_xl.excel import cells


@pytest.fixture
def counted(monkeypatch):
    calls = []
    real = cells.analyze

    def analyze(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)
    monkeypatch.setattr(cells, "analyze", analyze)
    return calls


def ranges():
    frames = small_book()
    return {name: as_excel(frames[name]) for name in ("Customers", "Sales", "Invoices", "Payments", "Activities",
                                                       "ActivityRates", "Parameters")}


def table(name, r):
    return udf.KAM_TABLE(name, r["Customers"], r["Sales"], r["Invoices"], r["Payments"], r["Activities"],
                         r["ActivityRates"], None, None, r["Parameters"])


def test_ten_formulas_over_the_same_tables_analyse_once(counted):
    r = ranges()
    first = [table(name, r) for name in ("Classification", "Profitability", "Receivables", "Relationship",
                                         "Potential", "Strategy", "Risk", "RiskSummary", "WhaleCurve", "Segments")]
    assert len(counted) == 1
    again = [table(name, copy.deepcopy(r)) for name in ("Classification", "Profitability")]   # equal cells, new lists
    assert len(counted) == 1 and again == first[:2]


def test_a_changed_cell_is_a_new_analysis_with_the_new_figure(counted):
    r = ranges()
    def revenue():
        result = table("Profitability", r)
        at = result[0].index("NetRevenue")
        return {row[0]: row[at] for row in result[1:]}
    before = revenue()
    header = r["Sales"][0]
    line = next(row for row in r["Sales"][1:] if row[0].year == 2026)     # a line inside the period
    line[header.index("NetRevenue")] += 1000.0
    customer = line[header.index("CustomerID")]
    after = revenue()
    assert len(counted) == 2 and after[customer] == pytest.approx(before[customer] + 1000.0)


def test_only_the_last_few_analyses_are_kept(counted):
    r = ranges()
    price = r["Sales"][0].index("NetRevenue")
    for step in range(cells.CACHE_SIZE + 1):
        r["Sales"][1][price] += 1.0
        table("Profitability", r)
    assert len(counted) == cells.CACHE_SIZE + 1 and len(cells._cache) == cells.CACHE_SIZE
    r["Sales"][1][price] -= cells.CACHE_SIZE           # the first of them: dropped, analysed again
    table("Profitability", r)
    assert len(counted) == cells.CACHE_SIZE + 2


def test_a_model_is_fitted_once_for_the_same_cells(monkeypatch, cdnow_dir):
    import pandas as pd

    from kam_xl.excel import functions
    data = pd.read_csv(cdnow_dir / "cdnow_customers_summary.csv")
    x, t_x, T = ([[v] for v in data[c].astype(float)] for c in ("frequency", "recency", "T"))
    fits = []
    real = functions.fit_bgnbd
    monkeypatch.setattr(functions, "fit_bgnbd", lambda *a: fits.append(1) or real(*a))
    first = udf.KAM_BGNBD_FIT(x, t_x, T)
    assert udf.KAM_BGNBD_FIT(x, t_x, T) == first and len(fits) == 1
    T[0][0] += 1.0
    udf.KAM_BGNBD_FIT(x, t_x, T)
    assert len(fits) == 2
