"""Calendar periods: a monthly or quarterly report compares with the previous calendar month (quarter) and
the same period a year earlier, not with "the same number of days just before"."""
import pandas as pd
import pytest

from kam_xl import analyze
from kam_xl.inputs.params import Params
from kam_xl.inputs.reader import inputs_from_frames

D = pd.Timestamp


def period(start, end) -> Params:
    return Params(as_of_date=D(end), period_start=D(start), period_end=D(end))


@pytest.mark.parametrize("start, end, comparison, prior, last_year", [
    ("2026-03-01", "2026-03-31", "month", ("2026-02-01", "2026-02-28"), ("2025-03-01", "2025-03-31")),
    ("2026-01-01", "2026-03-31", "quarter", ("2025-10-01", "2025-12-31"), ("2025-01-01", "2025-03-31")),
    ("2028-02-01", "2028-02-29", "month", ("2028-01-01", "2028-01-31"), ("2027-02-01", "2027-02-28")),
    ("2027-02-01", "2027-02-28", "month", ("2027-01-01", "2027-01-31"), ("2026-02-01", "2026-02-28")),
    ("2026-01-01", "2026-06-30", "months", ("2025-07-01", "2025-12-31"), ("2025-01-01", "2025-06-30")),
    ("2026-03-05", "2026-04-04", "days", ("2026-02-02", "2026-03-04"), ("2025-03-05", "2025-04-04")),
])
def test_which_period_each_report_compares_with(start, end, comparison, prior, last_year):
    p = period(start, end)
    assert p.comparison == comparison
    assert (p.prior().period_start, p.prior().period_end) == (D(prior[0]), D(prior[1]))
    assert (p.last_year().period_start, p.last_year().period_end) == (D(last_year[0]), D(last_year[1]))


def march_book():
    return inputs_from_frames(march_frames())


def march_frames() -> dict[str, pd.DataFrame]:
    """Sales: March 2025 1000, January 2026 400, February 2026 2000, March 2026 3000. Invoices: 01-15 1000
    and 02-10 2000, the first paid on 02-20; 03-05 3000."""
    sales = pd.DataFrame({"Date": ["2025-03-10", "2026-01-20", "2026-02-10", "2026-03-05"], "CustomerID": "K1",
                          "NetRevenue": [1000, 400, 2000, 3000], "COGS": [600, 200, 1500, 1800]})
    invoices = pd.DataFrame({"InvoiceNo": ["I1", "I2", "I3"], "CustomerID": "K1",
                             "InvoiceDate": ["2026-01-15", "2026-02-10", "2026-03-05"], "Amount": [1000, 2000, 3000],
                             "DueDate": ["2026-02-14", "2026-03-12", "2026-04-04"]})
    payments = pd.DataFrame({"InvoiceNo": ["I1"], "CustomerID": "K1", "PaymentDate": ["2026-02-20"], "Amount": [1000]})
    parameters = pd.DataFrame({"Parameter": ["PeriodStart", "PeriodEnd", "AsOfDate", "DataStart"],
                               "Value": ["2026-03-01", "2026-03-31", "2026-03-31", "2025-01-01"]})
    return {"Customers": pd.DataFrame({"CustomerID": ["K1"]}), "Sales": sales, "Invoices": invoices,
            "Payments": payments, "Parameters": parameters}


def test_a_march_report_compares_with_february_and_last_march():
    """This period March 2026: revenue 3000, gross margin 40 %. Prior = February (not 01-29 .. 02-28, which
    would hold no more sales here but 31 days): revenue 2000, margin 25 %. Last year = March 2025: 1000.
    February's DSO over its own 28 days: AR 1000 on 01-31 and 2000 on 02-28, credit sales 2000:
    28 × 1500 / 2000 = 21.0 (31 days would give 23.25)."""
    results = analyze(march_book())
    kpis = results["KPIs"].set_index("KPI")
    assert kpis.loc["NetRevenue", ["ThisPeriod", "PriorPeriod", "Change", "LastYear", "YoYChange"]].tolist() == [
        3000.0, 2000.0, 1000.0, 1000.0, 2000.0]
    assert kpis.loc["NetRevenue", "ChangePct"] == pytest.approx(0.5)
    assert kpis.loc["NetRevenue", "YoYChangePct"] == pytest.approx(2.0)
    assert kpis.loc["GrossMarginPct", ["ThisPeriod", "PriorPeriod", "LastYear"]].tolist() == pytest.approx(
        [0.4, 0.25, 0.4])
    assert kpis.loc["DSO", "PriorPeriod"] == pytest.approx(21.0)
    about = results["About"].set_index("Item")["Value"]
    assert about["Comparison"] == "month"
    assert about["PriorPeriod"] == "2026-02-01 – 2026-02-28"
    assert about["LastYearPeriod"] == "2025-03-01 – 2025-03-31"


def test_last_year_not_covered_is_said_and_left_empty():
    frames = march_frames()
    frames["Sales"] = frames["Sales"].iloc[1:]   # no 2025 sales
    inputs = inputs_from_frames(frames)
    inputs.params = Params(**{**inputs.params.__dict__, "data_start": None})
    results = analyze(inputs)
    assert pd.isna(results["KPIs"].set_index("KPI").loc["NetRevenue", "LastYear"])
    notes = results["DataQuality"].query("Severity == 'Info'")
    said = notes[notes["Message"].str.contains("the same period last year 2025-03-01 - 2025-03-31")]
    assert sorted(said["Table"]) == ["Invoices", "Sales"]              # an Info per table, not a Warning
    assert not results["DataQuality"]["Message"].str.contains("last year").loc[
        results["DataQuality"]["Severity"] != "Info"].any()


def test_a_period_longer_than_a_year_compares_with_its_own_last_year():
    """18 calendar months: the prior period is the 18 months before, last year is the same 18 months a year
    earlier, each with its own figures and dates."""
    p = period("2024-07-01", "2025-12-31")
    assert (p.prior().period_start, p.last_year().period_start) == (D("2023-01-01"), D("2023-07-01"))
    results = analyze(march_book(), {"PeriodStart": "2025-03-01", "PeriodEnd": "2026-03-31",
                                     "AsOfDate": "2026-03-31", "DataStart": "2024-01-01"})
    about = results["About"].set_index("Item")["Value"]
    assert about["LastYearPeriod"] == "2024-03-01 – 2025-03-31"
    kpis = results["KPIs"].set_index("KPI")
    # 13 months to March 2026 hold all 6400; the same 13 months a year earlier (from 2024-03) hold 1000
    assert kpis.loc["NetRevenue", ["ThisPeriod", "LastYear"]].tolist() == [6400.0, 1000.0]
