"""A month end in one flag, periods that cannot be refused, and messages that say exactly what they mean
(issue 29, items 3, 4 and 6).

- ``--period`` (``2026-03``, ``2026Q1``, ``2026``, ``2026-01..2026-03``; kam.toml ``period``; build, validate
  and refresh) sets PeriodStart, PeriodEnd and AsOfDate = the period's last day;
- AsOfDate or PeriodEnd before PeriodStart, and a PeriodStart after the last record, are refused (exit 2, one
  line naming the parameters and their values in the user's language, nothing written); no combination of
  blank / early / inside / late dates ends in a traceback;
- a ledger shorter than a year, with no PeriodStart, starts its period at the first month whose opening
  receivables it holds, so NetProfit and DSO are computed;
- option values not understood name the option and the value; coverage messages say which figures of which
  period were left empty, and suggest DataStart only when it is not set.
"""
import itertools
import shutil

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import small_book

from kam_xl import analyze
from kam_xl.app.cli import main
from kam_xl.inputs.params import Params, period_bounds
from kam_xl.inputs.reader import inputs_from_frames
from kam_xl.inputs.safe_io import InputError
from kam_xl.render.results_reader import read_results

D = pd.Timestamp


@pytest.fixture(scope="module")
def book_path(tmp_path_factory):
    """The small book (tests/conftest.py) as a workbook: AsOfDate 2026-06-30, PeriodStart 2026-01-01, DataStart
    2025-07-01; its records run from 2025-10-01 to 2026-07-05."""
    from kam_xl.authoring.template import write_template
    return write_template(tmp_path_factory.mktemp("month_end") / "Book.xlsx", small_book())


@pytest.fixture
def runner():
    return CliRunner()


def about(path) -> pd.Series:
    return read_results(path)["About"].set_index("Item")["Value"]


def one_error_line(result) -> str:
    """The one line a refusal writes on stderr."""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


# 1. --period ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, first, last", [
    ("2026-03", "2026-03-01", "2026-03-31"),
    ("2026Q1", "2026-01-01", "2026-03-31"),
    ("2026", "2026-01-01", "2026-12-31"),
    ("2026-01..2026-03", "2026-01-01", "2026-03-31"),
    ("2026-01-01..2026-03-01", "2026-01-01", "2026-03-01"),   # two dates: the 1st is a day, not its month
    ("2026-01-15 .. 2026-02-14", "2026-01-15", "2026-02-14"),
    ("2026Q1 至 2026Q2", "2026-01-01", "2026-06-30"),
    ("2024-02", "2024-02-01", "2024-02-29"),
])
def test_the_forms_of_a_period(text, first, last):
    assert period_bounds(text) == (D(first), D(last))


@pytest.mark.parametrize("text", ["2026-13", "2026-03-31", "March", "2026-03..2026-01", "2026Q5", ""])
def test_a_period_that_is_none_of_them(text):
    assert period_bounds(text) is None


def test_build_with_a_quarter_sets_the_period_and_the_comparisons(runner, tmp_path, book_path):
    """--period 2026Q1 over the book's own PeriodStart 2026-01-01 and AsOfDate 2026-06-30: PeriodStart 2026-01-01,
    PeriodEnd = AsOfDate = 2026-03-31; the prior period is the quarter before, 2025-10-01 .. 2025-12-31, and last
    year 2025-01-01 .. 2025-03-31 (before DataStart 2025-07-01: left empty, said)."""
    out = tmp_path / "q1.xlsx"
    result = runner.invoke(main, ["build", str(book_path), "--period", "2026Q1", "-o", str(out)])
    assert result.exit_code in (0, 1), result.output
    items = about(out)
    assert (items["PeriodStart"], items["PeriodEnd"], items["AsOfDate"]) == ("2026-01-01", "2026-03-31", "2026-03-31")
    assert items["Comparison"] == "quarter"
    assert items["PriorPeriod"] == "2025-10-01 – 2025-12-31"
    assert items["LastYearPeriod"] == "2025-01-01 – 2025-03-31"


def test_a_month_end_from_the_project_file(runner, tmp_path, book_path):
    """kam.toml period = "2026-03": March, compared with February and March 2025; AsOfDate 2026-03-31. The
    revenue is March's by hand: A1 2000 on 03-15 and -200 on 03-20 = 1800."""
    shutil.copy(book_path, tmp_path / "Book.xlsx")
    (tmp_path / "kam.toml").write_text('inputs = ["Book.xlsx"]\nout_dir = "out"\nperiod = "2026-03"\n')
    result = runner.invoke(main, ["build", "--config", str(tmp_path / "kam.toml")])
    assert result.exit_code in (0, 1), result.output
    out = tmp_path / "out" / "Book_Summary.xlsx"
    items = about(out)
    assert (items["PeriodStart"], items["PeriodEnd"], items["AsOfDate"]) == ("2026-03-01", "2026-03-31", "2026-03-31")
    assert items["PriorPeriod"] == "2026-02-01 – 2026-02-28" and items["LastYearPeriod"] == "2025-03-01 – 2025-03-31"
    kpis = read_results(out)["KPIs"].set_index("KPI")
    assert kpis.loc["NetRevenue", "ThisPeriod"] == 1800
    # --as-of typed on the command line replaces the file's period (the command line wins): the book's
    # PeriodStart 2026-01-01 to AsOfDate 2026-05-31
    again = runner.invoke(main, ["build", "--config", str(tmp_path / "kam.toml"), "--as-of", "2026-05-31"])
    assert again.exit_code in (0, 1), again.output
    items = about(out)
    assert (items["PeriodStart"], items["PeriodEnd"], items["AsOfDate"]) == ("2026-01-01", "2026-05-31", "2026-05-31")


def test_validate_shows_the_period_and_refresh_takes_it(runner, tmp_path, book_path):
    plain = runner.invoke(main, ["validate", str(book_path)])
    assert "Period 2026-01-01 – 2026-06-30, AsOfDate 2026-06-30" in plain.output
    march = runner.invoke(main, ["validate", str(book_path), "--period", "2026-03"])
    assert march.exit_code == plain.exit_code, march.output
    assert "Period 2026-03-01 – 2026-03-31, AsOfDate 2026-03-31" in march.output
    chinese = runner.invoke(main, ["validate", str(book_path), "--period", "2026-03", "--lang", "zh-CN"])
    assert "期间 2026-03-01 至 2026-03-31，截止日期 2026-03-31" in chinese.output
    book = shutil.copy(book_path, tmp_path / "Refresh.xlsx")
    refreshed = runner.invoke(main, ["refresh", str(book), "--period", "2026-02"])
    assert refreshed.exit_code in (0, 1), refreshed.output
    items = about(book)
    assert (items["PeriodStart"], items["PeriodEnd"], items["AsOfDate"]) == ("2026-02-01", "2026-02-28", "2026-02-28")


@pytest.mark.parametrize("command", ["build", "validate", "refresh"])
def test_a_period_not_understood_is_refused_naming_it(runner, tmp_path, book_path, command):
    book = shutil.copy(book_path, tmp_path / "Book.xlsx")
    output = ["-o", str(tmp_path / "s.xlsx")] if command == "build" else []
    args = [command, str(book), "--period", "2026-13", *output]
    result = runner.invoke(main, args)
    assert result.exit_code == 2, result.output
    line = one_error_line(result)
    assert "--period 2026-13" in line and "2026Q1" in line and "2026-01..2026-03" in line, line
    assert "Traceback" not in result.output and not (tmp_path / "s.xlsx").exists()
    chinese = runner.invoke(main, args + ["--lang", "zh-CN"])
    assert chinese.exit_code == 2 and "--period 2026-13 无法使用：不是有效期间" in one_error_line(chinese)


def test_period_and_as_of_together_are_refused(runner, tmp_path, book_path):
    """Both set AsOfDate: refused rather than one silently winning (docs/DEFINITIONS.md, Month end)."""
    result = runner.invoke(main, ["build", str(book_path), "--period", "2026-03", "--as-of", "2026-04-15",
                                  "-o", str(tmp_path / "s.xlsx")])
    assert result.exit_code == 2 and not (tmp_path / "s.xlsx").exists()
    line = one_error_line(result)
    assert "--period 2026-03" in line and "--as-of 2026-04-15" in line and "give one of them" in line
    (tmp_path / "kam.toml").write_text(
        f'inputs = ["{book_path.as_posix()}"]\nperiod = "2026-03"\nas_of = "2026-03-31"\n')
    both = runner.invoke(main, ["build", "--config", str(tmp_path / "kam.toml")])
    assert both.exit_code == 2 and "period and as_of" in one_error_line(both)


def test_the_period_wins_over_the_parameters_by_any_name():
    from kam_xl.inputs.params import option_overrides
    given = option_overrides({"PeriodStart": "2025-01-01", "期间开始": "2025-02-01", "截止日期": "2025-06-30",
                              "CostOfCapital": 0.05}, period="2026Q1")
    assert given == {"CostOfCapital": 0.05, "PeriodStart": D("2026-01-01"), "PeriodEnd": D("2026-03-31"),
                     "AsOfDate": D("2026-03-31")}


# 2. Options that name themselves --------------------------------------------------------------------

def test_an_as_of_that_is_not_a_date_names_the_option_and_the_value(runner, tmp_path, book_path):
    """Was: "ParameterError: not understood", without the option or the value."""
    result = runner.invoke(main, ["build", str(book_path), "--as-of", "2026-02-30", "-o", str(tmp_path / "s.xlsx")])
    assert result.exit_code == 2 and not (tmp_path / "s.xlsx").exists()
    line = one_error_line(result)
    assert "--as-of 2026-02-30 cannot be used: not a date; write it as 2026-03-31" in line, line
    assert "ParameterError" not in line
    chinese = runner.invoke(main, ["build", str(book_path), "--as-of", "2026-02-30", "--lang", "zh-CN",
                                   "-o", str(tmp_path / "s.xlsx")])
    assert "--as-of 2026-02-30 无法使用：不是有效日期；请写作 2026-03-31" in one_error_line(chinese)


def test_a_parameter_override_not_understood_names_the_parameter(runner, tmp_path, book_path):
    (tmp_path / "kam.toml").write_text(f'inputs = ["{book_path.as_posix()}"]\nout_dir = "{tmp_path.as_posix()}"\n'
                                       '[parameters]\nCostOfCapital = 1.5\n')
    result = runner.invoke(main, ["build", "--config", str(tmp_path / "kam.toml"), "--lang", "zh-CN"])
    assert result.exit_code == 2
    assert "资金成本率 1.5 无法使用：必须是 0 到 1 之间的比例" in one_error_line(result)


# 3. Periods that cannot be ---------------------------------------------------------------------------

def test_as_of_before_period_start_is_refused(runner, tmp_path, book_path):
    """Was: a summary titled "Period 2026-01-01 – 2025-12-01 · Prior = the -30 days just before", exit 0."""
    out = tmp_path / "s.xlsx"
    result = runner.invoke(main, ["build", str(book_path), "--as-of", "2025-12-01", "-o", str(out)])
    assert result.exit_code == 2 and not out.exists()
    assert "The period cannot be: AsOfDate 2025-12-01 is before PeriodStart 2026-01-01" in one_error_line(result)
    chinese = runner.invoke(main, ["build", str(book_path), "--as-of", "2025-12-01", "--lang", "zh-CN", "-o", str(out)])
    assert chinese.exit_code == 2 and not out.exists()
    assert "期间无效：截止日期 2025-12-01 早于 期间开始 2026-01-01" in one_error_line(chinese)


def test_period_end_before_period_start_is_refused(runner, tmp_path, book_path):
    """Was: an Error in DataQuality and the default period used instead of the one asked for."""
    (tmp_path / "kam.toml").write_text(f'inputs = ["{book_path.as_posix()}"]\noutput = "s.xlsx"\n'
                                       '[parameters]\nPeriodEnd = "2025-12-31"\n')
    result = runner.invoke(main, ["build", "--config", str(tmp_path / "kam.toml")])
    assert result.exit_code == 2 and not (tmp_path / "s.xlsx").exists()
    assert "PeriodEnd 2025-12-31 is before PeriodStart 2026-01-01" in one_error_line(result)


def _without(book: dict, *names: str) -> dict:
    book = dict(book)
    book["Parameters"] = book["Parameters"][~book["Parameters"]["Parameter"].isin(names)]
    return book


@pytest.mark.parametrize("start, data_start", [("2026-07-06", "2025-07-01"), ("2026-08-01", "2025-07-01"),
                                               ("2026-07-06", "2026-08-01")])
def test_a_period_after_the_last_record_is_refused(start, data_start):
    """PeriodStart after the last record (2026-07-05, a receipt), AsOfDate blank. Was: a reversed period
    ("Period 2026-08-01 – 2026-07-05", exit 0) or, with DataStart after PeriodStart, a ZeroDivisionError from
    coverage.py (PeriodEnd = AsOfDate = 07-05 the day before PeriodStart: a period of 0 days)."""
    book = _without(small_book(), "AsOfDate")
    parameters = book["Parameters"]
    parameters.loc[parameters["Parameter"] == "PeriodStart", "Value"] = start
    parameters.loc[parameters["Parameter"] == "DataStart", "Value"] = data_start
    with pytest.raises(InputError) as refused:
        analyze(inputs_from_frames(book))
    assert str(refused.value).startswith(f"The period holds no record: PeriodStart {start} is after the last date "
                                         "in the data, 2026-07-05 (AsOfDate blank → 2026-07-05)")
    book["Parameters"] = pd.concat([book["Parameters"], pd.DataFrame({"Parameter": ["Language"], "Value": ["zh-CN"]})])
    with pytest.raises(InputError, match=f"期间内没有任何记录：期间开始 {start} 晚于数据中的最后日期 2026-07-05"
                                         "（截止日期 未填 → 2026-07-05）"):
        analyze(inputs_from_frames(book))


def grid_book() -> dict:
    """Two customers, sales and invoices from 2025-11-10 to 2026-03-05, one receipt on 2026-01-05."""
    dates = [D("2025-11-10"), D("2026-01-20"), D("2026-02-10"), D("2026-03-05")]
    sales = pd.DataFrame({"Date": dates, "CustomerID": ["K1", "K2", "K1", "K2"],
                          "NetRevenue": [1000, 400, 2000, 3000], "COGS": [600, 200, 1500, 1800]})
    invoices = pd.DataFrame({"InvoiceNo": ["I1", "I2", "I3", "I4"], "CustomerID": ["K1", "K2", "K1", "K2"],
                             "InvoiceDate": dates, "Amount": [1130, 452, 2260, 3390]})
    payments = pd.DataFrame({"InvoiceNo": ["I1"], "CustomerID": ["K1"], "PaymentDate": [D("2026-01-05")],
                             "Amount": [1130]})
    return {"Customers": pd.DataFrame({"CustomerID": ["K1", "K2"]}), "Sales": sales, "Invoices": invoices,
            "Payments": payments}


# Before the data, inside them (AsOfDate and PeriodEnd: the last record's date, PeriodStart and DataStart: a day
# within them) and after them.
GRID_DATES = {"blank": (None,) * 4, "before": ("2025-06-15",) * 4,
              "inside": ("2026-03-05", "2026-01-15", "2026-03-05", "2026-01-15"), "after": ("2026-05-20",) * 4}
GRID_NAMES = ("AsOfDate", "PeriodStart", "PeriodEnd", "DataStart")


@pytest.fixture(scope="module")
def grid():
    """The book, and the outcomes analysed so far by the resolved (AsOfDate, PeriodStart, PeriodEnd,
    DataStart): two combinations that resolve to the same dates are the same analysis, run once (about 80
    analyses for the 162 combinations that are not refused; a refusal costs nothing)."""
    return inputs_from_frames(grid_book()), {}


@pytest.mark.parametrize("where", list(itertools.product(GRID_DATES, repeat=4)), ids="-".join)
def test_no_combination_of_dates_ends_in_a_traceback(grid, where):
    """Each of AsOfDate, PeriodStart, PeriodEnd and DataStart blank, before the data, inside them or after them
    (256 combinations): a summary whose period runs forwards with AsOfDate in or after it, or the refusal, one
    line; never another exception."""
    from kam_xl.inputs.params import data_dates, with_overrides
    from kam_xl.quality import DataQuality
    inputs, analysed = grid
    given = {name: GRID_DATES[w][i] for i, (name, w) in enumerate(zip(GRID_NAMES, where)) if GRID_DATES[w][i]}
    try:   # the resolution analyze() runs first: the key of the analysis
        p = with_overrides(inputs.params, given, DataQuality()).resolved(data_dates(inputs), inputs.language)
        key = (p.as_of_date, p.period_start, p.period_end, p.data_start)
    except InputError:
        key = None
    if key is None or key not in analysed:
        try:
            results = analyze(inputs, given or None)
        except InputError as exc:
            assert key is None
            assert str(exc).startswith(("The period cannot be: ", "The period holds no record: ")), exc
            assert "\n" not in str(exc)
            return
        analysed[key] = results.params
    p = analysed[key]
    assert p.period_start <= p.period_end and p.as_of_date >= p.period_start
    for name, value in given.items():
        assert p.typed()[name] == value


# 4. A short ledger's default period ------------------------------------------------------------------

def short_ledger(parameters: dict | None = None):
    """Three months, January to March 2026 (the first sale and invoice on 01-05), two customers; invoices at
    NetRevenue × 1.13, due in 30 days; K1's first two and K2's first invoice paid."""
    dates = [D("2026-01-05"), D("2026-01-20"), D("2026-02-10"), D("2026-02-25"), D("2026-03-10"), D("2026-03-30")]
    sales = pd.DataFrame({"Date": dates, "CustomerID": ["K1", "K2"] * 3,
                          "NetRevenue": [1000, 500, 2000, 800, 3000, 600], "COGS": [600, 300, 1200, 500, 1800, 400]})
    invoices = pd.DataFrame({"InvoiceNo": [f"I{i}" for i in range(1, 7)], "CustomerID": ["K1", "K2"] * 3,
                             "InvoiceDate": dates, "Amount": [1130, 565, 2260, 904, 3390, 678],
                             "DueDate": [d + pd.Timedelta(days=30) for d in dates]})
    payments = pd.DataFrame({"InvoiceNo": ["I1", "I2", "I3"], "CustomerID": ["K1", "K2", "K1"],
                             "PaymentDate": [D("2026-02-04"), D("2026-02-19"), D("2026-03-12")],
                             "Amount": [1130, 565, 2260]})
    frames = {"Customers": pd.DataFrame({"CustomerID": ["K1", "K2"]}), "Sales": sales, "Invoices": invoices,
              "Payments": payments}
    parameters = {"AsOfDate": "2026-03-31", **(parameters or {})}
    frames["Parameters"] = pd.DataFrame({"Parameter": list(parameters), "Value": list(parameters.values())})
    return inputs_from_frames(frames)


def test_a_three_month_ledger_gets_a_period_with_net_profit_and_dso():
    """No PeriodStart: the records begin on 2026-01-05, so the opening receivables of January are unknown and
    a year's period (2025-04-01 ..) would leave NetProfit and DSO empty for everyone (as it did). The period
    starts on 2026-02-01, the first month whose opening balance (01-31) the invoices hold.

    By hand, K1: AR at 01-31 = 1130 (I1, paid 02-04); at 03-31 = 3390 (I3 2260 paid 03-12; I5 3390 open);
    AverageAR (opening + closing) / 2 = 2260; credit sales 2260 + 3390 = 5650 over 59 days:
    DSO = 2260 / 5650 × 59 = 23.6. FinancingCost = 2260 × 6 % × 59 / 365 = 21.92; NetProfit = gross profit
    (2000 - 1200) + (3000 - 1800) = 2000 - 21.92 = 1978.08."""
    results = analyze(short_ledger())
    assert (results.params.period_start, results.params.period_end) == (D("2026-02-01"), D("2026-03-31"))
    profit = results["Profitability"].set_index("CustomerID")
    receivables = results["Receivables"].set_index("CustomerID")
    assert profit["NetProfit"].notna().all() and receivables["DSO"].notna().all()
    assert receivables.loc["K1", "DSO"] == pytest.approx(23.6)
    assert profit.loc["K1", "FinancingCost"] == pytest.approx(21.92)
    assert profit.loc["K1", "NetProfit"] == pytest.approx(1978.08)
    dq = results["DataQuality"]
    said = dq[dq["Message"].str.startswith("PeriodStart is not set", na=False)]
    assert said[["Severity", "Table"]].values.tolist() == [["Info", "Parameters"]]
    assert said["Message"].iloc[0].startswith("PeriodStart is not set and the records begin on 2026-01-05, less "
                                              "than a year before 2026-03-31: the period starts on 2026-02-01")


def test_a_short_ledger_declared_complete_starts_on_its_data_start():
    """DataStart 2026-01-01: nothing was owed before it, so January's opening balance (0) is known and the
    period is the quarter 2026-01-01 .. 2026-03-31; a PeriodStart given is the user's choice, kept as is."""
    declared = analyze(short_ledger({"DataStart": "2026-01-01"}))
    assert declared.params.period_start == D("2026-01-01") and declared.params.comparison == "quarter"
    assert declared["Profitability"]["NetProfit"].notna().all()
    chosen = analyze(short_ledger({"PeriodStart": "2025-04-01"}))
    assert chosen.params.period_start == D("2025-04-01")
    assert chosen["Profitability"]["NetProfit"].isna().all()          # said: coverage.opening_ar
    assert not chosen["DataQuality"]["Message"].str.startswith("PeriodStart is not set", na=False).any()


def test_a_ledger_of_a_year_or_more_keeps_the_year():
    """Records from 2025-01-01 with DataStart there: the default year 2025-04-01 .. 2026-03-31 is covered."""
    results = analyze(short_ledger({"DataStart": "2025-01-01"}))
    assert results.params.period_start == D("2025-04-01")


# 5. Coverage messages that say what was left empty ---------------------------------------------------

def _march(data_start: str | None):
    from test_periods import march_book
    inputs = march_book()
    inputs.params = Params(**{**inputs.params.__dict__, "data_start": D(data_start) if data_start else None})
    return inputs


def test_a_last_year_message_names_last_years_figures_and_no_data_start_when_it_is_set():
    """March 2026 with DataStart 2025-06-01: last year (March 2025) is before it. Was: "... prior-period revenue,
    GrowthRate and the KPI changes built on them left empty. Set the DataStart parameter ..." though the
    prior period (February 2026) was compared and DataStart was set."""
    results = analyze(_march("2025-06-01"))
    kpis = results["KPIs"].set_index("KPI")
    assert kpis.loc["NetRevenue", "PriorPeriod"] == 2000 and pd.isna(kpis.loc["NetRevenue", "LastYear"])
    dq = results["DataQuality"]
    notes = dq[dq["Message"].str.contains("the same period last year", na=False)]
    assert sorted(notes["Table"]) == ["Invoices", "Sales"] and set(notes["Severity"]) == {"Info"}
    sales = notes[notes["Table"] == "Sales"]["Message"].iloc[0]
    assert sales == ("The data cover 0% of the same period last year 2025-03-01 - 2025-03-31 (Sales from DataStart "
                     "2025-06-01); below 95%: last year's revenue and profit and the year-on-year changes built on "
                     "them left empty")
    assert not dq["Message"].str.contains("prior-period|Set the DataStart", na=False).any()


def test_without_data_start_the_message_suggests_it_and_names_what_was_left_empty():
    """The same book without DataStart: the sales begin on 2025-03-10, the invoices on 2026-01-15. Last year
    (March 2025) is 71 % covered by the sales, none by the invoices; the prior period (February) has all its
    invoices but not its opening balance (01-31 is known: 01-15 began them), so it is compared."""
    results = analyze(_march(None))
    dq = results["DataQuality"]
    invoices = dq[(dq["Table"] == "Invoices") & dq["Message"].str.contains("last year", na=False)]["Message"]
    assert invoices.iloc[0].endswith("below 95%: last year's receivables (OpenBalance, aging, OverdueShare), "
                                     "credit sales, AverageAR, ARTurnover, DSO, FinancingCost and NetProfit left "
                                     "empty. Set the DataStart parameter if your records are complete from an "
                                     "earlier date")
    chinese = results.dq.frame("zh-CN")
    said = chinese[chinese["Message"].str.contains("上年同期", na=False)]["Message"]
    assert said.str.contains("上年同期收入、利润及据此计算的同比变动留空").any()
    assert not said.str.contains("上期").any()


def test_an_opening_balance_before_data_start_does_not_ask_for_data_start():
    """DataStart 2026-01-01 and PeriodStart 2025-12-01: the opening balance of 11-30 is before DataStart."""
    results = analyze(short_ledger({"DataStart": "2026-01-01", "PeriodStart": "2025-12-01"}))
    dq = results["DataQuality"]
    opening = dq[dq["Message"].str.contains("owed at the start of this period", na=False)]["Message"]
    assert opening.tolist() == ["DataStart is 2026-01-01, so the receivables owed at the start of this period "
                                "(2025-12-01) are not in the data: AverageAR, ARTurnover, DSO, FinancingCost and "
                                "NetProfit are left empty for this period"]


def test_a_period_converts_foreign_amounts_at_its_closing_rate(runner, tmp_path):
    """--period's AsOfDate is a Timestamp of another resolution than the dates read from a sheet; the closing
    rate must still be found (was: 'MergeError: incompatible merge keys', exit 2, nothing written). The small
    book with B2's invoice of USD 800 (rate 7.00 from 2025-01-01, 7.20 from 2026-03-31): as of the quarter's
    end, 2026-03-31, B2 owes 800 x 7.20 = 5,760.00 (its receipt of 50 comes on 2026-06-01)."""
    from kam_xl.authoring.template import write_template
    book = small_book()
    book["Invoices"]["Currency"] = [None] * 5 + ["USD"]
    book["FXRates"] = pd.DataFrame({"Date": ["2025-01-01", "2026-03-31"], "Currency": ["USD", "USD"],
                                    "Rate": [7.0, 7.2]})
    path = write_template(tmp_path / "usd.xlsx", book)
    out = tmp_path / "usd_Summary.xlsx"
    result = runner.invoke(main, ["build", str(path), "--period", "2026Q1", "-o", str(out)])
    assert result.exit_code in (0, 1), result.output
    receivables = read_results(out)["Receivables"].set_index("CustomerID")
    assert receivables.loc["B2", "OpenBalance"] == pytest.approx(5760.00)
