"""A seeded, realistic key-account book for demos, tests and benchmarks.

Revenue is Pareto-shaped across industries, sizes and regions, with
seasonality, returns and credit notes, a few large customers that lose money
after cost-to-serve, slow and partial payers, unapplied receipts, churned
customers and a contact log with follow-ups. Everything is vectorised, so
``customers`` and ``lines_per_customer`` scale it to a million sales lines.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kam_xl.words import demo_name

AS_OF = pd.Timestamp("2026-10-31")
HISTORY_MONTHS = 24
# The first day of the history: every record of the book is from this day on.
DATA_START = (AS_OF.to_period("M") - HISTORY_MONTHS + 1).to_timestamp()
# Industries and their yearly growth outlook. Industries, regions and sizes are named in the book's language
# (the catalogues' DEMO_NAMES).
INDUSTRIES = {"Manufacturing": 0.05, "Retail": 0.03, "Healthcare": 0.09, "Automotive": -0.02, "Electronics": 0.07,
              "Construction": -0.04, "Logistics": 0.04, "Food & Beverage": 0.06}
REGIONS = ["East", "North", "South", "West", "Central"]
MANAGERS = ["Li Na", "Wang Wei", "Zhang Min", "Liu Yang", "Chen Jie", "Zhao Lei"]
PRODUCTS = ["Valve V-100", "Pump P-220", "Sensor S-35", "Controller C-9", "Filter F-12", "Motor M-400",
            "Cable K-7", "Panel D-50"]
ACTIVITY_RATES = {"Order handling": 80.0, "Delivery": 260.0, "Sales visit": 900.0, "Support ticket": 150.0,
                  "Technical service": 1200.0}
FEEDBACK = ["Happy with delivery times", "Asked for a volume discount", "Complained about a late delivery",
            "Interested in the new sensor line", "Quality issue on last batch resolved",
            "Wants consignment stock", "Price comparison with a competitor", "Requests quarterly review"]
_NAME_A = ["Hua", "Zhong", "Xin", "Tian", "Jin", "Hong", "Long", "Da", "Mei", "Sheng", "Heng", "Rui", "Feng", "Bao"]
_NAME_B = ["tai", "xing", "cheng", "da", "yuan", "li", "hua", "guang", "tong", "ming", "fa", "an"]
_SUFFIX = {"Manufacturing": "Machinery", "Retail": "Trading", "Healthcare": "Medical", "Automotive": "Auto Parts",
           "Electronics": "Electronics", "Construction": "Construction", "Logistics": "Logistics",
           "Food & Beverage": "Foods"}
# Seasonality by calendar month (Spring Festival dip, year-end peak).
SEASON = np.array([0.85, 0.6, 1.0, 1.0, 1.05, 1.1, 0.95, 0.95, 1.05, 1.1, 1.15, 1.3])


@dataclass
class _Profiles:
    """Who each demo customer is: index i describes customer ids[i]."""

    ids: np.ndarray
    industry: np.ndarray
    annual: np.ndarray          # yearly revenue
    size: np.ndarray
    names: list
    terms: np.ndarray           # payment terms, days
    behaviour: np.ndarray       # paying behaviour
    churn_month: np.ndarray
    start_month: np.ndarray
    margin: np.ndarray
    heavy_service: np.ndarray   # large accounts that cost a lot to serve
    growth: np.ndarray
    month_start: pd.DatetimeIndex | None = None   # first day of each month of the history

    @property
    def index(self) -> pd.Series:
        return pd.Series(np.arange(len(self.ids)), index=self.ids)


def generate(customers: int = 120, seed: int = 7, lines_per_customer: float = 80.0,
             language: str = "en") -> dict[str, pd.DataFrame]:
    """Input tables keyed by canonical name, with canonical column names.
    The steps draw from one seeded generator in a fixed order, so a seed
    always gives the same book."""
    rng = np.random.default_rng(seed)
    p = _profiles(rng, customers)
    sales = _sales(rng, p, lines_per_customer)
    invoices, docs = _invoices(rng, p, sales)
    payments = _payments(rng, p, invoices, seed)
    activities, visits = _activities(rng, p, docs)
    contacts = _contacts(rng, p, visits, seed)
    rates = pd.DataFrame({"Activity": list(ACTIVITY_RATES), "Rate": list(ACTIVITY_RATES.values())})
    outlook = pd.DataFrame({"Industry": [demo_name(industry, language) for industry in INDUSTRIES],
                            "GrowthOutlook": list(INDUSTRIES.values())})
    # DataStart: the book is complete from its first month (nothing was owed before it), so the prior period,
    # which starts on that same day, is compared: the Dashboard's prior net contribution, net margin and DSO.
    parameters = pd.DataFrame({"Parameter": ["AsOfDate", "ReportingCurrency", "Language", "DataStart"],
                               "Value": [AS_OF.date().isoformat(), "CNY", language, DATA_START.date().isoformat()]})
    customer_table = _customers(rng, p, language)
    return {"Customers": customer_table, "Sales": sales, "Invoices": invoices, "Payments": payments,
            "Activities": activities, "ActivityRates": rates, "Contacts": contacts, "IndustryOutlook": outlook,
            "Targets": _targets(customer_table, sales, payments), "Parameters": parameters}


def _targets(customers: pd.DataFrame, sales: pd.DataFrame, payments: pd.DataFrame) -> pd.DataFrame:
    """Each account manager's monthly plan for the twelve months to AS_OF: the
    same month a year earlier plus 8 % for revenue and 5 % for collections,
    rounded to thousands (computed, no random draw: the other tables do not move)."""
    manager = customers.set_index("CustomerID")["AccountManager"]
    months = pd.period_range(AS_OF.to_period("M") - 11, AS_OF.to_period("M"), freq="M")

    def year_before(frame: pd.DataFrame, date: str, amount: str) -> pd.Series:
        month = frame[date].dt.to_period("M") + 12
        return frame.groupby([frame["CustomerID"].map(manager), month])[amount].sum()
    revenue, receipts = year_before(sales, "Date", "NetRevenue"), year_before(payments, "PaymentDate", "Amount")
    def plan(history: pd.Series, key: tuple, growth: float) -> float | None:
        before = history.get(key, 0.0)
        return round(before * growth, -3) if before > 0 else None   # nothing a year ago: no target
    rows = [(m, str(month), plan(revenue, (m, month), 1.08), plan(receipts, (m, month), 1.05))
            for m in sorted(manager.dropna().unique()) for month in months]
    planned = [row for row in rows if row[2] is not None or row[3] is not None]   # a row without a target is an error
    return pd.DataFrame(planned, columns=["AccountManager", "Period", "Revenue", "Collections"])


def _profiles(rng, n: int) -> _Profiles:
    ids = np.array([f"C{i:05d}" for i in range(1, n + 1)])
    industry = rng.choice(list(INDUSTRIES), n)
    # Pareto-shaped yearly revenue (alpha 1.16 gives roughly 80/20).
    annual = np.sort((rng.pareto(1.16, n) + 1.0) * 150_000.0)[::-1]
    annual = np.minimum(annual, annual[0]) * rng.uniform(0.9, 1.1, n)
    size = np.where(annual > np.quantile(annual, 0.85), "Large",
                    np.where(annual > np.quantile(annual, 0.5), "Medium", "Small"))
    names = [f"{rng.choice(_NAME_A)}{rng.choice(_NAME_B)} {_SUFFIX[ind]} Co., Ltd." for ind in industry]
    terms = rng.choice([30, 45, 60, 90], n, p=[0.4, 0.2, 0.3, 0.1])
    behaviour = rng.choice(["prompt", "normal", "slow", "very_slow"], n, p=[0.35, 0.4, 0.18, 0.07])
    churn_month = np.where(rng.random(n) < 0.12, rng.integers(6, HISTORY_MONTHS - 1, n), HISTORY_MONTHS + 99)
    start_month = np.where(rng.random(n) < 0.1, rng.integers(8, HISTORY_MONTHS - 2, n), 0)
    margin = rng.uniform(0.14, 0.38, n)
    # A few large accounts that lose money after cost-to-serve.
    heavy_service = np.zeros(n, dtype=bool)
    heavy_service[rng.choice(np.arange(min(12, n)), size=min(3, n), replace=False)] = True
    margin[heavy_service] = rng.uniform(0.08, 0.11, heavy_service.sum())
    growth = rng.normal(0.05, 0.2, n)

    return _Profiles(ids, industry, annual, size, names, terms, behaviour, churn_month, start_month, margin,
                     heavy_service, growth)


def _sales(rng, p: _Profiles, lines_per_customer: float) -> pd.DataFrame:
    """Orders (count per customer proportional to revenue, dates weighted by
    season), their lines, and about 2 % of lines returned as credit documents."""
    n, annual, ids = len(p.ids), p.annual, p.ids
    churn_month, start_month, growth, margin = p.churn_month, p.start_month, p.growth, p.margin
    orders_per_year = np.clip(annual / 25_000.0, 2, None) * lines_per_customer / 80.0
    active_months = np.clip(np.minimum(churn_month, HISTORY_MONTHS) - start_month, 1, None)
    order_counts = rng.poisson(orders_per_year / 12.0 * active_months / 2.2) + 1
    owner = np.repeat(np.arange(n), order_counts)
    months = AS_OF.to_period("M") - HISTORY_MONTHS + 1
    month_offset = start_month[owner] + np.floor(rng.random(len(owner)) * active_months[owner]).astype(int)
    month_offset = np.minimum(month_offset, HISTORY_MONTHS - 1)
    calendar_month = (months.month - 1 + month_offset) % 12
    keep = rng.random(len(owner)) < SEASON[calendar_month] / SEASON.max()
    owner, month_offset = owner[keep], month_offset[keep]
    month_start = pd.PeriodIndex([months + int(m) for m in range(HISTORY_MONTHS)]).to_timestamp()
    days_in = month_start.days_in_month.to_numpy()
    order_date = month_start.to_numpy()[month_offset] + (
        rng.random(len(owner)) * days_in[month_offset]).astype("timedelta64[D]")
    order_date = np.minimum(order_date, AS_OF.to_datetime64())
    trend = (1 + growth[owner]) ** ((month_offset - HISTORY_MONTHS) / 12.0)
    order_value = annual[owner] * 2.2 / 12.0 / np.maximum(orders_per_year[owner] / 12.0, 1e-9) / 2.2 * trend
    order_value *= rng.lognormal(0, 0.35, len(owner))
    order_no = np.array([f"SO{i:07d}" for i in range(1, len(owner) + 1)])

    # Lines per order.
    line_counts = rng.integers(1, 5, len(owner))
    line_order = np.repeat(np.arange(len(owner)), line_counts)
    split = rng.random(len(line_order)) + 0.2
    revenue = np.round(order_value[line_order] * _normalised(split, line_order), 2)
    product = rng.choice(PRODUCTS, len(line_order))
    unit_price = rng.choice([45.0, 120.0, 380.0, 990.0], len(line_order))
    quantity = np.maximum(np.round(revenue / unit_price), 1)
    cogs = np.round(revenue * (1 - margin[owner[line_order]] * rng.uniform(0.85, 1.15, len(line_order))), 2)
    sales = pd.DataFrame({"Date": pd.to_datetime(order_date[line_order]).normalize(),
                          "CustomerID": ids[owner[line_order]], "DocumentNo": order_no[line_order], "Product": product,
                          "Quantity": quantity, "NetRevenue": revenue, "COGS": cogs})
    # Returns: about 2% of lines come back 5-40 days later as credit documents.
    returned = rng.random(len(sales)) < 0.02
    returns = sales[returned].copy()
    returns["Date"] = np.minimum(returns["Date"] + pd.to_timedelta(rng.integers(5, 40, len(returns)), unit="D"), AS_OF)
    returns["DocumentNo"] = "RT" + returns["DocumentNo"].str[2:]
    # A return is one document on one day: its lines take the earliest of their drawn dates.
    returns["Date"] = returns.groupby("DocumentNo")["Date"].transform("min")
    fraction = rng.uniform(0.2, 1.0, len(returns))
    returns["NetRevenue"] = -np.round(returns["NetRevenue"] * fraction, 2)
    returns["COGS"] = -np.round(returns["COGS"] * fraction, 2)
    returns["Quantity"] = -np.maximum(np.round(returns["Quantity"] * fraction), 1)
    sales = pd.concat([sales, returns]).sort_values(["Date", "DocumentNo"]).reset_index(drop=True)
    p.month_start = month_start
    return sales


def _invoices(rng, p: _Profiles, sales: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One invoice per document (incl. VAT 13 %), credit notes for returns; 30 % carry a due date."""
    n, terms, ids = len(p.ids), p.terms, p.ids
    docs = sales.groupby("DocumentNo", sort=False).agg(CustomerID=("CustomerID", "first"),
                                                       InvoiceDate=("Date", "first"),
                                                       NetRevenue=("NetRevenue", "sum")).reset_index()
    cust_index = pd.Series(np.arange(n), index=ids)
    ci = cust_index[docs["CustomerID"]].to_numpy()
    invoices = pd.DataFrame({"InvoiceNo": "INV" + docs["DocumentNo"].str[2:], "CustomerID": docs["CustomerID"],
                             "InvoiceDate": docs["InvoiceDate"], "DueDate": pd.NaT,
                             "Amount": np.round(docs["NetRevenue"] * 1.13, 2)})
    explicit_due = rng.random(len(invoices)) < 0.3
    invoices.loc[explicit_due, "DueDate"] = invoices.loc[explicit_due, "InvoiceDate"] + pd.to_timedelta(
        terms[ci[explicit_due]], unit="D")
    return invoices, docs


def _payments(rng, p: _Profiles, invoices: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Payments by behaviour: delay after the due date, partial payments, unapplied receipts."""
    terms, behaviour = p.terms, p.behaviour
    ci = p.index[invoices["CustomerID"]].to_numpy()
    positive = invoices["Amount"].to_numpy() > 0
    delay_mean = pd.Series({"prompt": -3, "normal": 6, "slow": 45, "very_slow": 110})[behaviour[ci]].to_numpy()
    delay = np.round(rng.normal(delay_mean, np.abs(delay_mean) * 0.4 + 4)).astype(int)
    pay_date = invoices["InvoiceDate"].to_numpy() + (terms[ci] + delay).astype("timedelta64[D]")
    partial = rng.random(len(invoices)) < 0.12
    first_share = np.where(partial, rng.uniform(0.3, 0.7, len(invoices)), 1.0)
    amount = invoices["Amount"].to_numpy()
    first = pd.DataFrame({"InvoiceNo": invoices["InvoiceNo"], "CustomerID": invoices["CustomerID"],
                          "PaymentDate": pay_date, "Amount": np.round(amount * first_share, 2)})[positive]
    second = pd.DataFrame({"InvoiceNo": invoices["InvoiceNo"], "CustomerID": invoices["CustomerID"],
                           "PaymentDate": pay_date + rng.integers(20, 75, len(invoices)).astype("timedelta64[D]"),
                           "Amount": np.round(amount * (1 - first_share), 2)})[positive & partial]
    payments = pd.concat([first, second])
    payments = payments[payments["PaymentDate"] <= AS_OF]
    unapplied = payments.sample(frac=0.03, random_state=seed).index
    payments = payments.reset_index(drop=True)
    payments.loc[payments.index.isin(unapplied[: len(unapplied)]), "InvoiceNo"] = None
    payments = payments.sort_values("PaymentDate").reset_index(drop=True)
    return payments


def _activities(rng, p: _Profiles, docs: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Cost drivers from orders, deliveries, visits and support (heavy-service
    accounts get more); returns (activities, visits)."""
    n, ids, size, heavy_service, annual = len(p.ids), p.ids, p.size, p.heavy_service, p.annual
    start_month, churn_month, month_start, cust_index = p.start_month, p.churn_month, p.month_start, p.index
    order_frame = docs[docs["NetRevenue"] > 0]
    oc = cust_index[order_frame["CustomerID"]].to_numpy()
    handling = pd.DataFrame({"Date": order_frame["InvoiceDate"], "CustomerID": order_frame["CustomerID"],
                             "Activity": "Order handling", "DriverQuantity": 1.0, "DirectCost": np.nan})
    deliveries = handling.assign(Activity="Delivery", DriverQuantity=np.where(
        heavy_service[oc], rng.integers(3, 7, len(oc)), rng.integers(1, 3, len(oc))).astype(float))
    visit_months = np.repeat(np.arange(n), HISTORY_MONTHS)
    visit_offset = np.tile(np.arange(HISTORY_MONTHS), n)
    visit_keep = rng.random(len(visit_months)) < np.where(size[visit_months] == "Large", 0.8,
                                                          np.where(size[visit_months] == "Medium", 0.35, 0.1))
    visit_keep &= (visit_offset >= start_month[visit_months]) & (visit_offset < churn_month[visit_months])
    vm, vo = visit_months[visit_keep], visit_offset[visit_keep]
    visit_dates = month_start.to_numpy()[vo] + rng.integers(0, 28, len(vm)).astype("timedelta64[D]")
    visits = pd.DataFrame({"Date": visit_dates, "CustomerID": ids[vm], "Activity": "Sales visit",
                           "DriverQuantity": np.where(heavy_service[vm], 3.0, 1.0), "DirectCost": np.nan})
    tickets = visits.assign(Activity=np.where(heavy_service[vm], "Technical service", "Support ticket"),
                            DriverQuantity=rng.poisson(np.where(heavy_service[vm], 6, 1.2)).astype(float))
    rebate_rows = visits[heavy_service[vm]].assign(Activity="Rebate", DriverQuantity=0.0,
                                                   DirectCost=np.round(annual[vm[heavy_service[vm]]] * 0.015, 2))
    activities = pd.concat([handling, deliveries, visits, tickets[tickets["DriverQuantity"] > 0], rebate_rows])
    activities = activities[activities["Date"] <= AS_OF].sort_values("Date").reset_index(drop=True)
    return activities, visits


def _contacts(rng, p: _Profiles, visits: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Contacts from visits plus calls; satisfaction lower for heavy-service and very slow payers."""
    heavy_service, behaviour, cust_index = p.heavy_service, p.behaviour, p.index
    contact_rows = visits.sample(frac=0.9, random_state=seed)
    calls = contact_rows.sample(frac=0.5, random_state=seed + 1).assign(
        Date=lambda f: f["Date"] + pd.to_timedelta(10, unit="D"))
    contacts = pd.concat([contact_rows.assign(Channel="Visit"), calls.assign(Channel="Phone")])
    contacts = contacts[contacts["Date"] <= AS_OF]
    cc = cust_index[contacts["CustomerID"]].to_numpy()
    base = np.where(heavy_service[cc] | np.isin(behaviour[cc], ["very_slow"]), 2.6, 4.0)
    contacts = pd.DataFrame({
        "Date": contacts["Date"].to_numpy(), "CustomerID": contacts["CustomerID"].to_numpy(),
        "Channel": contacts["Channel"].to_numpy(), "Owner": np.array(MANAGERS)[cc % len(MANAGERS)],
        "Satisfaction": np.clip(np.round(rng.normal(base, 0.8)), 1, 5),
        "Feedback": np.where(rng.random(len(cc)) < 0.6, rng.choice(FEEDBACK, len(cc)), None),
        "NextFollowUp": contacts["Date"].to_numpy() + rng.integers(14, 75, len(cc)).astype("timedelta64[D]"),
    }).sort_values("Date").reset_index(drop=True)

    return contacts


def _customers(rng, p: _Profiles, language: str) -> pd.DataFrame:
    n, annual = len(p.ids), p.annual
    # Two groups (集团客户), set without drawing from the generator so every other figure stays as it was:
    # a head customer buying through three subsidiaries, another through two.
    parent = np.full(n, None, dtype=object)
    if n >= 30:
        for head, members in ((1, range(n // 6, n // 6 + 3)), (4, range(n // 3, n // 3 + 2))):
            parent[list(members)] = p.ids[head]
    return pd.DataFrame({
        "CustomerID": p.ids, "CustomerName": p.names,
        "Industry": [demo_name(i, language) for i in p.industry],
        "Size": [demo_name(s, language) for s in p.size],
        "Region": [demo_name(r, language) for r in rng.choice(REGIONS, n)],
        "AccountManager": np.array(MANAGERS)[np.arange(n) % len(MANAGERS)],
        "CreditLimit": np.round(annual * rng.uniform(0.12, 0.3, n) * 1.13, -3),
        "PaymentTermsDays": p.terms.astype(float),
        "EstimatedWallet": np.where(rng.random(n) < 0.8, np.round(annual * rng.uniform(1.1, 3.0, n), -3), np.nan),
        "ParentID": parent,
    })


def _normalised(split: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Shares within each order that add up to 1."""
    totals = np.bincount(group, weights=split)
    return split / totals[group]
