"""Targets and attainment: months summed to the cent, row order, windows and measures the data do not cover;
worked out by hand."""
import numpy as np
import pandas as pd
import pytest

D = pd.Timestamp


def test_attainment_sums_months_to_the_cent_and_counts_a_customer_without_sales_as_nothing_sold():
    """C1's January and February targets (1.00 each) against sales of 0.10 and 0.20: Actual 0.30 exactly (not
    0.30000000000000004); C2 sold nothing against 500: Actual 0, attainment 0, not blank."""
    from kam_xl.domain.targets import attainment
    D = pd.Timestamp
    targets = pd.DataFrame({"Level": ["Customer"] * 3, "Key": ["C1", "C1", "C2"],
                            "Start": [D("2026-01-01"), D("2026-02-01"), D("2026-01-01")],
                            "End": [D("2026-01-31"), D("2026-02-28"), D("2026-02-28")],
                            "Revenue": [1.0, 1.0, 500.0], "GrossProfit": [np.nan] * 3, "Collections": [np.nan] * 3})
    sales = pd.DataFrame({"Date": [D("2026-01-15"), D("2026-02-15")], "CustomerID": ["C1", "C1"],
                          "NetRevenue": [0.1, 0.2], "COGS": [0.05, 0.1]})
    managers = pd.Series({"C1": "Li", "C2": "Li", "C3": "Wang"})
    table = attainment(targets, sales, None, managers, pd.Series({"C1": "Alpha", "C2": "Beta"}),
                       D("2026-01-01"), D("2026-02-28"))
    period = table[table["Window"] == "Period"].set_index("Key")
    assert period.loc["C1", ["Name", "Target", "Actual", "Variance"]].tolist() == ["Alpha", 2.0, 0.3, -1.7]
    assert period.loc["C1", "Attainment"] == pytest.approx(0.15)
    assert period.loc["C2", ["Target", "Actual", "Attainment", "Variance"]].tolist() == [500.0, 0.0, 0.0, -500.0]
    assert period.loc["C1", "Period"] == "2026-01-01 – 2026-02-28"


def test_attainment_rows_in_order_of_first_appearance_months_summed_and_a_window_without_targets():
    """Targets only in January-March, the report April-June: no Period rows, the year to date has them all.
    Rows keep the order in which their keys first appear (C2, then manager Li, then C1: not sorted), each key
    and measure's months are summed into one row (C1's two revenue and two gross-profit months too), and the
    targets are rounded to the cent (100.004 + 200 = 300.00)."""
    from kam_xl.domain.targets import attainment
    D = pd.Timestamp
    jan, feb, mar = (D("2026-01-01"), D("2026-01-31")), (D("2026-02-01"), D("2026-02-28")), \
        (D("2026-03-01"), D("2026-03-31"))
    rows = [("Customer", "C2", jan, 100.004, np.nan), ("Customer", "C2", feb, 200.0, np.nan),
            ("AccountManager", "Li", feb, 1000.0, np.nan), ("Customer", "C1", jan, 50.0, 10.0),
            ("Customer", "C1", mar, 60.0, 20.0)]
    targets = pd.DataFrame({"Level": [r[0] for r in rows], "Key": [r[1] for r in rows],
                            "Start": [r[2][0] for r in rows], "End": [r[2][1] for r in rows],
                            "Revenue": [r[3] for r in rows], "GrossProfit": [r[4] for r in rows],
                            "Collections": [np.nan] * len(rows)})
    sales = pd.DataFrame({"Date": [D("2026-01-10"), D("2026-03-10"), D("2026-02-10")], "CustomerID": ["C1", "C1", "C2"],
                          "NetRevenue": [30.0, 40.0, 150.0], "COGS": [20.0, 25.0, 100.0]})
    table = attainment(targets, sales, None, pd.Series({"C1": "Li", "C2": "Li"}),
                       pd.Series({"C1": "Alpha", "C2": "Beta"}), D("2026-04-01"), D("2026-06-30"))
    assert list(table.columns) == ["Level", "Key", "Name", "Window", "Period", "Measure", "Target", "Actual",
                                   "Attainment", "Variance"]
    assert table["Window"].tolist() == ["YearToDate"] * 4
    assert table[["Key", "Name", "Measure", "Period", "Target", "Actual", "Variance"]].values.tolist() == [
        ["C2", "Beta", "Revenue", "2026-01-01 – 2026-02-28", 300.0, 150.0, -150.0],
        ["Li", "Li", "Revenue", "2026-02-01 – 2026-02-28", 1000.0, 150.0, -850.0],
        ["C1", "Alpha", "Revenue", "2026-01-01 – 2026-03-31", 110.0, 70.0, -40.0],
        ["C1", "Alpha", "GrossProfit", "2026-01-01 – 2026-03-31", 30.0, 25.0, -5.0]]


def test_attainment_in_yen_with_periods_and_measures_the_data_do_not_cover():
    """Whole yen: C2's February and March sales of 100.4 are 100 each, so the actual is 200 (not 201), and
    C1's targets of 1000.4 and 10 are 1010. January is not covered, so C1's actuals are empty (February's
    alone would not be the target's), while C2's months after it are still worked out; February's collections
    are not covered (the receipts begin later), so C2's collections are empty while its revenue is not. In a
    currency of three decimals a variance keeps them."""
    from kam_xl.domain.targets import attainment
    D = pd.Timestamp
    targets = pd.DataFrame({"Level": ["Customer"] * 4, "Key": ["C1", "C1", "C2", "C2"],
                            "Start": [D("2026-01-01"), D("2026-02-01"), D("2026-02-01"), D("2026-03-01")],
                            "End": [D("2026-01-31"), D("2026-02-28"), D("2026-02-28"), D("2026-03-31")],
                            "Revenue": [1000.4, 10.0, 100.0, 100.0], "GrossProfit": [np.nan] * 4,
                            "Collections": [500.0, np.nan, 80.0, np.nan]})
    sales = pd.DataFrame({"Date": [D("2026-01-10"), D("2026-02-15"), D("2026-03-15")], "CustomerID": ["C1", "C2", "C2"],
                          "NetRevenue": [999.0, 100.4, 100.4], "COGS": [1.0, 1.0, 1.0]})
    payments = pd.DataFrame({"PaymentDate": [D("2026-02-20")], "CustomerID": ["C2"], "Amount": [70.0]})

    def covered(measure, start, end):
        return start.month != 1 and not (measure == "Collections" and end == D("2026-02-28"))
    table = attainment(targets, sales, payments, pd.Series({"C1": "Li", "C2": "Li"}),
                       pd.Series({"C1": "Alpha", "C2": "Beta"}), D("2026-01-01"), D("2026-03-31"), covered, 0)
    period = table[table["Window"] == "Period"]
    assert period[["Key", "Measure", "Target"]].values.tolist() == [
        ["C1", "Revenue", 1010.0], ["C1", "Collections", 500.0], ["C2", "Revenue", 200.0], ["C2", "Collections", 80.0]]
    assert period["Actual"].tolist()[2] == 200.0 and period["Variance"].tolist()[2] == 0.0
    assert period["Actual"].isna().tolist() == [True, True, False, True]
    kwd = attainment(targets.iloc[[2]].assign(Revenue=1.0, Collections=np.nan),
                     sales.assign(NetRevenue=[0.0, 1.2346, 0.0]), None, pd.Series({"C1": "Li", "C2": "Li"}),
                     pd.Series({"C1": "Alpha", "C2": "Beta"}), D("2026-02-01"), D("2026-02-28"), decimals=3)
    assert kwd[["Actual", "Variance"]].values.tolist()[0] == [1.235, 0.235]


@pytest.mark.parametrize("target, actual", [(0.0, 500.0), (1e-320, 500.0)])
def test_an_attainment_over_a_zero_target_is_blank_not_infinite(target, actual):
    """Σ Actual / Σ Target with a target of 0 (or a denormal one) is no figure: blank, never inf."""
    from kam_xl.domain.frames import ratio
    from kam_xl.domain.summary import attainment_kpis
    attainment = pd.DataFrame({"Level": ["Customer"], "Key": ["K1"], "Window": ["Period"], "Measure": ["Revenue"],
                               "Target": [target], "Actual": [actual], "Attainment": [np.nan]})
    kpis = attainment_kpis(attainment)
    assert all(np.isnan(v) for v in kpis.values())
    assert np.isnan(ratio(pd.Series([1e300]), pd.Series([1e-300])).iloc[0])
