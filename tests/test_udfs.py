"""UDFs called as Excel calls them: 2-D lists, None for blanks, floats, datetimes, error strings."""
import ast
import datetime as dt
import inspect
from pathlib import Path

import kam_udfs as udf
import pandas as pd
import pytest
from conftest import small_book

from kam_xl import analyze
from kam_xl.inputs.reader import inputs_from_frames

approx = pytest.approx


def col(*values):
    return [[v] for v in values]


def as_excel(frame: pd.DataFrame) -> list[list]:
    """A DataFrame as Excel hands Table[#All] to a UDF."""
    def cell(v):
        if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NaT:
            return None
        if isinstance(v, pd.Timestamp):
            return v.to_pydatetime()
        if isinstance(v, (int,)) and not isinstance(v, bool):
            return float(v)
        return v
    return [list(frame.columns)] + [[cell(v) for v in row] for row in frame.astype(object).itertuples(index=False)]


def test_abc_boundary_rule():
    # shares .5 .3 .1 .05 .05: the share ranked above decides (0, .5 -> A; .8, .9 -> B; .95 -> C).
    assert udf.KAM_ABC(col(50.0, 30.0, 10.0, 5.0, 5.0, 0.0, -3.0)) == col("A", "A", "B", "B", "C", "C", "C")
    # 50/55 = 0.909 is ranked above 5: below 0.95 -> B, not below 0.9 -> C; input order is kept.
    assert udf.KAM_ABC(col(5.0, 50.0), 0.5, 0.95) == col("B", "A")
    assert udf.KAM_ABC(col(5.0, 50.0), 0.5, 0.9) == col("C", "A")


def test_gross_margin_elementwise():
    assert udf.KAM_GROSSMARGIN(col(100.0, None, 0.0, "1,000"), col(60.0, 5.0, 3.0, "250")) == \
        col(approx(0.4), None, None, approx(0.75))
    assert udf.KAM_GROSSMARGIN(col(1.0, 2.0), col(1.0)).startswith("#KAM! KAM_GROSSMARGIN: ranges differ")


def test_turnover_and_dso_hand_figures():
    # Average AR (20,000 + 30,000) / 2 = 25,000; turnover 120,000 / 25,000 = 4.8; DSO 365 / 4.8.
    assert udf.KAM_ARTURNOVER(120000.0, 20000.0, 30000.0) == [[approx(4.8)]]
    assert udf.KAM_DSO(120000.0, 20000.0, 30000.0, 365.0) == [[approx(76.0416667)]]
    assert udf.KAM_DSO(col(100.0, 50.0), col(0.0, 0.0), col(0.0, 10.0), 181.0) == col(None, approx(181 / 10))


def test_aging_one_row():
    due = col(dt.datetime(2026, 7, 1), dt.datetime(2026, 6, 20), dt.datetime(2026, 5, 1), dt.datetime(2026, 3, 1), None)
    amounts = col(10.0, 100.0, 50.0, 7.0, 3.0)
    # as of 06-30: -1 -> not due, 10 -> 1-30, 60 -> 31-60, 121 -> 90+; a blank due date is not due.
    assert udf.KAM_AGING(due, amounts, dt.datetime(2026, 6, 30)) == [[13.0, 100.0, 50.0, 0.0, 7.0]]
    assert udf.KAM_AGING(due, amounts, "2026-06-30", "45") == [[13.0, 100.0, 57.0]]


def test_rfm_scores_with_ties():
    # F: 10 20 20 30 blank -> ranks 2 4 4 5 1 (ties share the highest) -> scores = ranks (n = 5)
    assert udf.KAM_RFM(col(1.0, 5.0, 5.0, 30.0, None), col(10.0, 20.0, 20.0, 30.0, None),
                       col(1.0, 2.0, 3.0, 4.0, 5.0)) == [[5, 2, 1], [4, 4, 2], [4, 4, 3], [2, 5, 4], [1, 1, 5]]


def test_hhi():
    assert udf.KAM_HHI(col(50.0, 30.0, 20.0, None, -5.0)) == approx(3800)


def test_bad_input_is_a_message_not_a_traceback():
    assert udf.KAM_HHI(col(1.0, "#N/A")) == "#KAM! KAM_HHI: values item 2 is #N/A"
    assert udf.KAM_HHI(col(1.0, "abc")).startswith("#KAM! KAM_HHI: values item 2 ('abc') is not a number")
    assert udf.KAM_PALIVE(col(1.0), col(2.0), col(1.0), [[1.0, 2.0]]).startswith("#KAM! KAM_PALIVE")
    assert udf.KAM_PROFITABILITY(5.0).startswith("#KAM! KAM_PROFITABILITY: Sales: give the whole table")
    # 0 where a period, horizon or share must be positive (LibreOffice Calc hands a blank cell over as 0)
    assert udf.KAM_DSO(120000.0, 20000.0, 30000.0, 0.0) == "#KAM! KAM_DSO: period_days must be more than 0, not 0"
    assert udf.KAM_ABC(col(1.0, 2.0), 0.0).startswith("#KAM! KAM_ABC: share_a must be more than 0 and at most 1")
    assert udf.KAM_EXPECTED_PURCHASES(2.0, 30.0, 38.0, [[0.2, 4.4, 0.8, 2.4]], 0.0).startswith(
        "#KAM! KAM_EXPECTED_PURCHASES: days must be more than 0")


def test_bgnbd_udfs_reproduce_cdnow(cdnow_dir):
    data = pd.read_csv(cdnow_dir / "cdnow_customers_summary.csv")
    fit = udf.KAM_BGNBD_FIT(col(*data["frequency"].astype(float)), col(*data["recency"]), col(*data["T"]))
    assert fit[0] == approx([0.243, 4.414, 0.793, 2.426], rel=0.01)
    assert udf.KAM_EXPECTED_PURCHASES(2.0, 30.43, 38.86, fit, 39.0) == [[approx(1.226, abs=0.001)]]
    alive = udf.KAM_PALIVE(col(0.0, 2.0), col(0.0, 30.43), col(38.86, 38.86), fit)
    assert alive[0] == [1.0] and 0 < alive[1][0] < 1


def test_pareto_udfs_reproduce_cdnow_and_say_which_model(cdnow_dir):
    """KAM_PARETO_FIT gives the published CDNOW estimates (weeks) after the model's name, and KAM_PALIVE /
    KAM_EXPECTED_PURCHASES read those five cells as Pareto/NBD: their figures equal the integration oracle
    of tests/test_models.py, not BG/NBD's formulas on the same four numbers."""
    from test_models import PUBLISHED_PARETO, _posterior_by_integration
    data = pd.read_csv(cdnow_dir / "cdnow_customers_summary.csv")
    fit = udf.KAM_PARETO_FIT(col(*data["frequency"].astype(float)), col(*data["recency"]), col(*data["T"]))
    assert fit[0][0] == "ParetoNBD"
    assert fit[0][1:] == approx(list(PUBLISHED_PARETO.values()), rel=0.005)
    expected, alive = _posterior_by_integration(tuple(fit[0][1:]), 39, 2, 30.43, 38.86)
    assert udf.KAM_PALIVE(2.0, 30.43, 38.86, fit) == [[approx(alive, rel=1e-3)]]
    assert udf.KAM_EXPECTED_PURCHASES(2.0, 30.43, 38.86, fit, 39.0) == [[approx(expected, rel=1e-3)]]
    as_bgnbd = udf.KAM_PALIVE(2.0, 30.43, 38.86, [fit[0][1:]])      # the same numbers without the name: BG/NBD
    assert as_bgnbd[0][0] != approx(alive, rel=1e-2)
    column = [["Pareto/NBD"], *[[v] for v in fit[0][1:]]]              # a column, the name spelled with a slash
    assert udf.KAM_PALIVE(2.0, 30.43, 38.86, column) == [[approx(alive, rel=1e-3)]]
    assert udf.KAM_PALIVE(2.0, 30.43, 38.86, [["Weibull", 1.0, 2.0, 3.0, 4.0]]) == (
        "#KAM! KAM_PALIVE: model_params: unknown model 'Weibull' (BGNBD or ParetoNBD)")
    assert udf.KAM_PALIVE(2.0, 30.43, 38.86, [["ParetoNBD", 1.0, 2.0, 3.0]]).startswith(
        "#KAM! KAM_PALIVE: model_params must be the 4 positive values")


def test_table_udfs_equal_analyze():
    frames = small_book()
    expected = analyze(inputs_from_frames(frames))
    got = udf.KAM_PROFITABILITY(as_excel(frames["Sales"]), as_excel(frames["Activities"]),
                                as_excel(frames["ActivityRates"]), as_excel(frames["Customers"]),
                                as_excel(frames["Invoices"]), as_excel(frames["Payments"]),
                                as_excel(frames["Parameters"]))
    table = expected["Profitability"]
    assert got[0] == list(table.columns)
    for row, (_, want) in zip(got[1:], table.iterrows()):
        assert row == [None if pd.isna(v) else (approx(v) if isinstance(v, float) else v) for v in want.tolist()]
    risk = udf.KAM_TABLE("RiskSummary", as_excel(frames["Customers"]), as_excel(frames["Sales"]),
                         as_excel(frames["Invoices"]), as_excel(frames["Payments"]), None, None, None, None,
                         as_excel(frames["Parameters"]))
    assert dict(risk[1:])["HHI"] == approx(5800)


def test_native_dynamic_arrays_by_default_legacy_expand_on_request(monkeypatch):
    """Both function modules declared through a recording fake of xlwings' decorators: kam_udfs returns
    native dynamic arrays (no xw.ret(expand=...) anywhere), every function in the KAM-XL category of the
    Function Wizard with a help text for every argument and 2-D error-tolerant ranges; kam_udfs_legacy
    declares the same functions with expand="table" on separate function objects, computing the same."""
    import importlib
    import sys
    import types
    calls = []

    def recorder(kind):
        def decorator(*args, **options):
            return lambda f: calls.append((kind, f.__name__, args, options)) or f
        return decorator
    fake = types.SimpleNamespace(func=recorder("func"), arg=recorder("arg"), ret=recorder("ret"))
    monkeypatch.setitem(sys.modules, "xlwings", fake)
    for name in ("kam_udfs", "kam_udfs_legacy"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    main = importlib.import_module("kam_udfs")
    declared, calls[:] = list(calls), []
    legacy = importlib.import_module("kam_udfs_legacy")
    assert len(main.DECLARED) == 17 and sorted(main.DECLARED) == legacy.__all__
    for module, log in ((main, declared), (legacy, calls)):
        rets = [c for c in log if c[0] == "ret"]
        assert rets == ([] if module is main else [("ret", n, (), {"expand": "table"}) for n in main.DECLARED])
        for name, (body, ranges) in main.DECLARED.items():
            assert ("func", name, (), {"category": "KAM-XL"}) in log
            arguments = {c[2][0]: c[3] for c in log if c[0] == "arg" and c[1] == name}
            assert set(arguments) == set(inspect.signature(body).parameters), name   # every argument has help
            for argument, options in arguments.items():
                assert options["doc"] and len(options["doc"]) <= 255, (name, argument)
                assert (options.get("ndim"), options.get("err_to_str")) == ((2, True) if argument in ranges
                                                                             else (None, None)), (name, argument)
    assert legacy.KAM_HHI is not main.KAM_HHI and legacy.KAM_HHI(col(50.0, 30.0, 20.0)) == approx(3800)


def test_every_udf_is_documented_and_decorated_consistently():
    source = Path(udf.__file__).read_text()
    tree = ast.parse(source)
    functions = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name.startswith("KAM_")]
    assert {f.name for f in functions} >= {"KAM_ABC", "KAM_GROSSMARGIN", "KAM_ARTURNOVER", "KAM_DSO", "KAM_AGING",
                                           "KAM_RFM", "KAM_HHI", "KAM_BGNBD_FIT", "KAM_PARETO_FIT", "KAM_PALIVE",
                                           "KAM_EXPECTED_PURCHASES", "KAM_PROFITABILITY", "KAM_TABLE"}
    for function in functions:
        doc = inspect.getdoc(getattr(udf, function.name))
        assert doc and "Example: =" in doc.replace("\n", " ") or "=KAM_" in doc, function.name
        params = {a.arg for a in function.args.args}
        [decorator] = function.decorator_list                                  # declared one way only
        assert getattr(decorator.func, "id", "") == "kam_function", function.name
        assert {a.value for a in decorator.args} <= params, function.name


def test_provision_and_expected_receipt_date_udfs_by_hand():
    # ages 121, 486, 942 and 1641 days fall in the 1-year, 1-2, 2-3 and over-3-years bands (5/10/30/100 %).
    allowance = udf.KAM_PROVISION([[400], [2000], [500], [100]], [[121], [486], [942], [1641]],
                                  [[365], [730], [1095], [None]], [["5%"], [0.10], [0.3], ["100%"]])
    assert allowance == [[20.0], [200.0], [150.0], [100.0]]
    assert udf.KAM_PROVISION([[100]], [[400]], [[365], [730]], [[0.05], [0.1]]) == [[10.0]]
    assert udf.KAM_PROVISION([[100]], [[800]], [[365], [730]], [[0.05], [0.1]]) == [[None]]   # beyond every band
    dates = udf.KAM_EXPECTED_RECEIPT_DATE([[dt.datetime(2026, 7, 10)], [dt.datetime(2026, 4, 14)]], 30.52)
    assert dates == [[dt.datetime(2026, 8, 10)], [dt.datetime(2026, 5, 15)]]
    assert udf.KAM_EXPECTED_RECEIPT_DATE([["2026-07-10"]], [[None]]) == [[dt.datetime(2026, 7, 10)]]
    message = udf.KAM_PROVISION([[100]], [[10]], [[365]], [["150%"]])
    assert "rates must be fractions" in str(message)
