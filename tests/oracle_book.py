"""A ten-customer book in which every output column has a hand-derived value
(tests/test_every_column_by_hand.py holds the arithmetic). Data start on the prior
period's first day, so prior-period figures are covered.

Period 2025-07-01 .. 2026-06-30 (365 days), AsOfDate 2026-06-30; prior period
2024-07-01 .. 2025-06-30. CostOfCapital 0.06 (default), so FinancingCost =
AverageAR x 0.06 x 365 / 365 = AverageAR x 0.06.
"""
import pandas as pd

D = pd.Timestamp
NaT = pd.NaT


def oracle_book() -> dict[str, pd.DataFrame]:
    customers = pd.DataFrame({
        "CustomerID": [f"C{i:02d}" for i in range(1, 11)],
        "CustomerName": ["Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf", "Hotel", "India", "Juliet"],
        "Industry": ["Retail", "Retail", "Steel", "Retail", "Chemicals", "Retail", "Chemicals", "Steel", "Steel",
                     "Chemicals"],
        "Size": ["Large", "Large", "Medium", "Medium", "Medium", "Small", "Small", "Small", None, "Small"],
        "Region": ["East", "West", "East", "West", "East", "West", "North", "West", "East", "North"],
        "AccountManager": ["Ann", "Bob", "Ann", "Bob", "Ann", "Bob", "Ann", "Bob", "Ann", "Bob"],
        "CreditLimit": [1000, 4000, None, None, None, None, None, None, None, None],
        "PaymentTermsDays": [30, 30, None, None, None, None, None, None, None, None],
        "EstimatedWallet": [10000, 3000, None, 2000, None, None, None, None, None, None],
    })
    sales = pd.DataFrame([
        (D("2024-07-01"), "C01", "D01-0", 2000, 1000),     # prior period, first day
        (D("2025-08-01"), "C01", "D01-1", 800, 400),
        (D("2025-11-01"), "C01", "D01-2", 800, 400),
        (D("2026-02-01"), "C01", "D01-3", 800, 400),
        (D("2026-05-01"), "C01", "D01-4", 800, 400),
        (D("2026-06-30"), "C01", "D01-5", 800, 400),       # on AsOfDate
        (D("2025-03-01"), "C02", "D02-0", 4000, 3000),     # prior
        (D("2025-09-15"), "C02", "D02-1", 1000, 600),
        (D("2025-12-15"), "C02", "D02-2", 1000, 600),
        (D("2026-03-15"), "C02", "D02-3", 1000, 600),
        (D("2026-06-20"), "C02", "D02-4", 1000, 600),
        (D("2025-12-10"), "C03", "D03-1", 400, 300),
        (D("2026-03-10"), "C03", "D03-2", 400, 300),
        (D("2026-06-10"), "C03", "D03-3", 200, 150),
        (D("2024-10-01"), "C04", "D04-0", 1000, 500),      # prior
        (D("2026-01-01"), "C04", "D04-1", 300, 150),
        (D("2026-05-01"), "C04", "D04-2", 200, 100),
        (D("2025-12-01"), "C05", "D05-1", 150, 100),
        (D("2026-04-01"), "C05", "D05-2", 150, 100),
        (D("2025-06-30"), "C06", "D06-0", 100, 50),        # prior period, last day
        (D("2025-07-01"), "C06", "D06-1", 100, 50),        # PeriodStart
        (D("2026-03-02"), "C06", "D06-2", 50, 25),
        (D("2025-09-01"), "C07", "D07-1", 60, 36),
        (D("2025-10-01"), "C07", "D07-2", 40, 24),
        (D("2025-11-01"), "C07", "R07", -300, -180),       # return larger than the sales
        (D("2025-03-01"), "C08", "D08-0", 500, 300),       # prior only
        (D("2026-01-31"), "C09", "D09-1", 50, 20),
    ], columns=["Date", "CustomerID", "DocumentNo", "NetRevenue", "COGS"])
    invoices = pd.DataFrame([
        # C01: one invoice per aging boundary, days overdue = 2026-06-30 - DueDate
        ("I00", "C01", D("2026-05-31"), D("2026-06-30"), 10),    # 0 days: NotDue
        ("I30", "C01", D("2026-05-01"), D("2026-05-31"), 20),    # 30: Overdue1_30
        ("I31", "C01", D("2026-04-30"), D("2026-05-30"), 40),    # 31: Overdue31_60
        ("I60", "C01", D("2026-04-01"), D("2026-05-01"), 80),    # 60: Overdue31_60
        ("I61", "C01", D("2026-03-31"), D("2026-04-30"), 160),   # 61: Overdue61_90
        ("I90", "C01", D("2026-03-02"), D("2026-04-01"), 320),   # 90: Overdue61_90
        ("I91", "C01", D("2026-03-01"), NaT, 640),               # terms 30 -> due 03-31, 91: Overdue90Plus
        ("J0", "C02", D("2024-07-01"), D("2024-07-31"), 500),
        ("J1", "C02", D("2025-06-01"), D("2025-06-30"), 600),    # due on the prior AsOfDate
        ("J2", "C02", D("2025-07-01"), D("2025-07-31"), 1000),   # dated PeriodStart
        ("J3", "C02", D("2026-06-01"), D("2026-07-01"), 2000),
    ], columns=["InvoiceNo", "CustomerID", "InvoiceDate", "DueDate", "Amount"])
    payments = pd.DataFrame([
        ("J0", "C02", D("2024-07-01"), 500),
        ("J1", "C02", D("2025-07-10"), 600),
        ("J2", "C02", D("2025-08-15"), 1000),
        (None, "C10", D("2025-06-01"), 500),                     # prepayment, unapplied
    ], columns=["InvoiceNo", "CustomerID", "PaymentDate", "Amount"])
    activities = pd.DataFrame([
        (D("2025-07-01"), "C01", "Visit", 2, None),              # PeriodStart: counted
        (D("2026-03-01"), "C01", "Rebate", 0, 100),
        (D("2024-07-01"), "C02", "Visit", 1, None),              # prior
        (D("2025-06-30"), "C02", "Visit", 1, None),              # prior, last day
        (D("2026-02-01"), "C07", "Order", 5, None),
        (D("2026-06-30"), "C09", "Visit", 1, None),              # AsOfDate: counted
    ], columns=["Date", "CustomerID", "Activity", "DriverQuantity", "DirectCost"])
    rates = pd.DataFrame({"Activity": ["Order", "Visit", "Rebate"], "Rate": [10, 100, 0]})
    contacts = pd.DataFrame([
        (D("2026-01-15"), "C01", "Visit", "Ann", 4, "good", NaT),
        (D("2026-05-31"), "C01", "Phone", "Ann", 3, None, D("2026-07-15")),   # 30 days = A cadence
        (D("2026-05-30"), "C02", "Visit", "Bob", 4, "ok", D("2026-06-15")),   # 31 days > 30
        (D("2026-06-20"), "C03", "Visit", "Ann", 2, "late deliveries", D("2026-07-15")),
        (D("2025-06-15"), "C04", "Visit", "Bob", 1, "bad", NaT),              # before the period
        (D("2026-03-01"), "C04", "Phone", "Bob", 4, "fine", NaT),
        (D("2026-05-01"), "C04", "Visit", "Bob", 5, None, NaT),               # 60 days = B cadence
        (D("2026-04-01"), "C05", "Phone", "Ann", 3, None, NaT),               # 90 days > 60 (B)
        (D("2026-07-05"), "C06", "Visit", "Bob", 5, "after AsOfDate", NaT),   # ignored
    ], columns=["Date", "CustomerID", "Channel", "Owner", "Satisfaction", "Feedback", "NextFollowUp"])
    outlook = pd.DataFrame({"Industry": ["Retail", "Steel", "Chemicals"], "GrowthOutlook": [0.05, -0.02, 0.03]})
    # DataStart: the books start on the prior period's first day with nothing owed before it, so the
    # prior period's opening receivables (0) are known and its DSO and net profit can be compared.
    parameters = pd.DataFrame({"Parameter": ["AsOfDate", "PeriodStart", "PeriodEnd", "DataStart"],
                               "Value": ["2026-06-30", "2025-07-01", "2026-06-30", "2024-07-01"]})
    return {"Customers": customers, "Sales": sales, "Invoices": invoices, "Payments": payments,
            "Activities": activities, "ActivityRates": rates, "Contacts": contacts,
            "IndustryOutlook": outlook, "Parameters": parameters}
