"""Expected receipts: weekly then monthly buckets after AsOfDate, settled and late items; worked out by hand."""
import pandas as pd

D = pd.Timestamp


def test_forecast_buckets_weeks_then_months_after_as_of_date():
    from kam_xl.domain.receivables import forecast_buckets
    buckets = forecast_buckets(D("2026-06-30"))
    assert len(buckets) == 13 + 12 and buckets["Granularity"].tolist() == ["Week"] * 13 + ["Month"] * 12
    assert buckets.iloc[0].tolist() == ["W01", D("2026-07-01"), D("2026-07-07"), "Week"]
    assert buckets.iloc[12].tolist() == ["W13", D("2026-09-23"), D("2026-09-29"), "Week"]
    # the rest of September (one day), then whole months
    assert buckets.iloc[13].tolist() == ["2026-09", D("2026-09-30"), D("2026-09-30"), "Month"]
    assert buckets.iloc[14].tolist() == ["2026-10", D("2026-10-01"), D("2026-10-31"), "Month"]


def test_expected_receipts_leave_out_settled_items_and_put_late_ones_in_week_one():
    from kam_xl.domain.receivables import expected_receipts
    items = pd.DataFrame({"CustomerID": ["C1", "C1", "C1", "C2"],
                          "DueDate": [D("2026-06-20"), D("2026-07-03"), D("2026-07-05"), D("2026-01-15")],
                          "OpenAmount": [100.0, 0.0, 50.0, 80.0], "DaysOverdue": [10, -3, -5, 166]})
    table = expected_receipts(items, pd.Series({"C1": 0.0}), D("2026-06-30"), None, pd.DateOffset(months=6), 90)
    week = table.set_index("Bucket")
    # 100 was due on 20 June: expected in week 1, with the 50 due on 5 July; the settled item is not an invoice
    assert week.loc["W01", ["Expected", "Invoices"]].tolist() == [150.0, 2]
    assert week.loc["Doubtful", ["Expected", "Invoices"]].tolist() == [80.0, 1]        # 166 days overdue > 90
