"""``compute(inputs) -> Results``: every output table of the contract.

This module only wires the domain modules together; each figure is defined
where it is computed.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kam_xl import __version__
from kam_xl.contract import (
    CLASSIFICATION_COLUMNS,
    CUSTOMER_COLUMNS,
    EXPECTED_RECEIPTS_COLUMNS,
    OPEN_ITEMS_COLUMNS,
    PROVISION_BANDS_COLUMNS,
    RECEIVABLES_BY_CURRENCY_COLUMNS,
    POTENTIAL_COLUMNS,
    RELATIONSHIP_COLUMNS,
    STRATEGY_COLUMNS,
    ATTAINMENT_COLUMNS,
    ACTION_REVIEW_COLUMNS,
    TREND_COLUMNS,
    TREND_SUMMARY_COLUMNS,
    bucket_names,
    not_due_split,
    profitability_columns,
    provision_columns,
    groups_columns,
    receivables_columns,
    shown_buckets,
)
from kam_xl.domain import controls as ctl
from kam_xl.domain.classification import abc_tiers, portfolio_quadrant, rfm, segments
from kam_xl.domain.coverage import History, history
from kam_xl.domain.currency import balances_by_currency, converted, rate_on
from kam_xl.domain.frames import first_match, minor_unit_decimals, round_money
from kam_xl.domain.potential import ModelReport, potential
from kam_xl.domain.profitability import (
    activity_costs,
    cost_to_serve,
    financing_cost,
    gross_profit,
    profitability,
    whale_curve,
)
from kam_xl.domain.targets import MEASURES, attainment
from kam_xl.domain.trend import DIMENSIONS, customer_trend, trend_months, trend_summary
from kam_xl.domain.receivables import (
    OpenPosition,
    bad_debt_allowance,
    chase_list,
    expected_receipts,
    keyed_ledger,
    position_as_of,
    receivables,
)
from kam_xl.domain.relationship import relationship
from kam_xl.domain.risk import group_exposure, risk_summary
from kam_xl.domain.strategy import churn_risk, strategy
from kam_xl.domain.review import action_review, purchases_since, review_facts
from kam_xl.domain.summary import attainment_kpis, commentary_facts, kpi_table, period_kpis, target_facts
from kam_xl.inputs.params import DataDates, Params, data_dates, with_overrides
from kam_xl.inputs.parsing import currency_codes
from kam_xl.inputs.policies import provision_policy, targets_table, with_specific_provisions
from kam_xl.inputs.ledger import row_keys
from kam_xl.inputs.reader import Inputs
from kam_xl.inputs.safe_io import InputError
from kam_xl.quality import ERROR, INFO, WARNING, DataQuality


@dataclass
class CustomerFigures:
    """Per-customer frames (index CustomerID, ABC order) from which every
    portfolio table is assembled; kept so that a subset of customers (one
    account manager's) can be summarised without analysing again."""

    info: pd.DataFrame
    classification: pd.DataFrame
    profit: pd.DataFrame
    receivables: pd.DataFrame | None
    relationship: pd.DataFrame | None
    potential: pd.DataFrame
    strategy: pd.DataFrame
    prior_profit: pd.DataFrame
    prior_receivables: pd.DataFrame | None
    prior_tiers: pd.Series
    last_year: tuple[pd.DataFrame, pd.DataFrame | None, pd.Series]   # profit, receivables, tiers a year earlier
    models: pd.DataFrame
    receivables_by_currency: pd.DataFrame | None = None
    open_items: pd.DataFrame | None = None
    provision: pd.DataFrame | None = None
    provision_bands: pd.DataFrame | None = None
    provision_policy: pd.DataFrame | None = None   # the age bands used: Band, FromDays, ToDays, Rate
    expected_receipts: pd.DataFrame | None = None
    trend: pd.DataFrame | None = None   # per customer and month, a year more than shown (for YoY)
    trend_shown: pd.Index | None = None  # the months shown
    attainment: pd.DataFrame | None = None
    review: pd.DataFrame | None = None   # last period's actions reviewed (see kam_xl.domain.review)
    model_report: ModelReport | None = None   # the purchase model used, why, and its checks
    sources: Inputs | None = None   # the tables analysed (in the reporting currency), for the controls
    ledger_controls: list = field(default_factory=list)   # whole-book controls of the lines read (domain.controls)


@dataclass
class Results(Mapping):
    """Named output tables (canonical column names), the parameters used, the
    commentary and the data-quality log. Reads like a dict of DataFrames:
    ``results["Profitability"]``, ``for name in results``, ``results.items()``.

    As the core leaves them, strategies and actions are keys, a blank segment
    is empty, and the commentary is facts; :func:`kam_xl.render.localize.localized`
    puts them into words and adds the Commentary and DataQuality tables."""

    tables: dict[str, pd.DataFrame]
    params: Params
    commentary: list[str] = field(default_factory=list)   # the sentences, once worded (render.localize)
    dq: DataQuality = field(default_factory=DataQuality)
    about: dict = field(default_factory=dict)
    figures: CustomerFigures | None = field(default=None, repr=False)
    facts: list[tuple[str, dict]] = field(default_factory=list)   # what the commentary says, as keys and figures
    private: bool = False   # some customers only: other customers' IDs and values stay out
    audience: str | None = None   # who a split workbook is for ("AccountManager Li")

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    def __contains__(self, name: object) -> bool:
        return name in self.tables

    def __iter__(self) -> Iterator[str]:
        return iter(self.tables)

    def __len__(self) -> int:
        return len(self.tables)

    @property
    def exit_code(self) -> int:
        return self.dq.exit_code()


def latest_date(inputs: Inputs) -> DataDates:
    """The data's dates the parameters are resolved against: the latest
    transaction date (default AsOfDate, ``.latest``) and where Sales and
    Invoices begin (the default PeriodStart of a short ledger); see
    :meth:`kam_xl.inputs.params.Params.resolved`."""
    return data_dates(inputs)


def _period(inputs: Inputs, params: Params, customers: pd.DataFrame, dq: DataQuality | None,
            opening_known: bool = True, allowance_on=None, positions: dict[pd.Timestamp, OpenPosition] | None = None):
    """Profitability, receivables and ABC tiers for one period (NetProfit
    after the bad-debt charge when ProvisionInNetProfit is set); ``positions``:
    the open positions already worked out, by date (see :func:`_open_positions`)."""
    ids = pd.Index(customers["CustomerID"], name="CustomerID")
    start, end, as_of = params.period_start, params.period_end, params.as_of_date
    decimals = minor_unit_decimals(params.reporting_currency)
    gross = gross_profit(inputs["Sales"], ids, start, end, decimals)
    cts = cost_to_serve(inputs.get("Activities"), inputs.get("ActivityRates"), ids, start, end, dq, decimals)
    invoices = inputs.get("Invoices")
    ar = None
    if invoices is not None:
        ar = receivables(invoices, inputs.get("Payments"), customers, as_of, start, end, params.aging_buckets, dq,
                         opening_known, decimals, params.average_ar_method, params.aging_basis,
                         (positions or {}).get(as_of))
        finance = financing_cost(ar["AverageAR"], params.cost_of_capital, params.period_days, decimals)
    else:
        finance = pd.Series(float("nan"), index=ids)
    absent = tuple(part for part, table in (("CostToServe", "Activities"), ("FinancingCost", "Invoices"))
                   if inputs.get(table) is None)
    charge = None
    if params.provision_in_net_profit and invoices is not None:
        charge = _bad_debt_charge(params, allowance_on, opening_known)
    profit = profitability(gross, cts, finance, absent, decimals, charge)
    basis = profit[params.abc_basis]
    abc = abc_tiers(basis, params.abc_share_a, params.abc_share_b)
    return profit, ar, abc


def _this_period(inputs: Inputs, p: Params, customers: pd.DataFrame, sales: History, invoices: History,
                 dq: DataQuality, allowance_on, positions: dict | None = None):
    """This period's figures. The period is the user's choice: where the data
    cover only part of it the figures are kept and DataQuality says so; an
    opening balance before the invoices begin leaves what needs it empty.
    A PeriodStart taken from where a short ledger begins is said too."""
    opening_known = invoices.balance_known(p.period_start - pd.Timedelta(days=1))
    figures = _period(inputs, p, customers, dq, opening_known, allowance_on, positions)
    if p.records_begin is not None:
        whole = p.period_start.day == 1 and p.period_start != p.records_begin
        dq.add(INFO, "Parameters", "period.from_data", None, "PeriodStart", p.period_start.date(),
               first=p.records_begin.date(), end=p.period_end.date(), start=p.period_start.date(),
               which="~period.first_month" if whole else "~period.first_record")
    for table, history_ in (("Sales", sales), ("Invoices", invoices)):
        share = history_.share_of(p.period_start, p.period_end)
        if share < p.min_coverage:
            dq.add(WARNING, table, "coverage.this", share=f"{share:.0%}", start=p.period_start.date(),
                   end=p.period_end.date(), table_name=table, first=history_.start.date())
    if inputs.get("Invoices") is not None and not opening_known:
        dq.add(WARNING, "Invoices", "coverage.opening_ar_declared" if invoices.declared else "coverage.opening_ar",
               first=invoices.start.date(), start=p.period_start.date(), period="~this period")
    return figures


def _compared_period(inputs: Inputs, p: Params, compared: Params, customers: pd.DataFrame, sales: History,
                     invoices: History, dq: DataQuality, allowance_on, last_year: bool = False,
                     positions: dict | None = None):
    """The figures of a period compared with this one (the prior period, or
    the same period last year), left empty where the data do not cover it
    (DataQuality says which figures of which period and why: a Warning for
    the prior period, an Info for last year, which young books never have)."""
    opening_known = invoices.balance_known(compared.period_start - pd.Timedelta(days=1))
    profit, ar, abc = _period(inputs, compared, customers, None, opening_known, allowance_on, positions)
    tiers = abc["ABCTier"]
    severity = INFO if last_year else WARNING
    which = "~the same period last year" if last_year else "~the prior period"
    effect = "effect.last_year" if last_year else "effect.prior"
    share = sales.share_of(compared.period_start, compared.period_end)
    if share < p.min_coverage:
        profit = profit.astype("float64") * np.nan
        tiers = pd.Series(None, index=tiers.index, dtype=object)
        _coverage_note(dq, severity, "Sales", share, compared, sales, p.min_coverage, effect + "_revenue", which)
    if ar is not None:
        credit_share = invoices.share_of(compared.period_start, compared.period_end)
        balances_known = invoices.balance_known(compared.period_end)
        if not balances_known:
            ar.loc[:, ["OpenBalance", *bucket_names(p.aging_buckets), "OverdueShare"]] = np.nan
        if credit_share < p.min_coverage:
            ar.loc[:, ["CreditSales", "ARTurnover", "DSO"]] = np.nan
            _coverage_note(dq, severity, "Invoices", credit_share, compared, invoices, p.min_coverage,
                           effect + ("_ar" if balances_known else "_ar_balances"), which)
        elif not opening_known:
            dq.add(severity, "Invoices", "coverage.opening_ar_declared" if invoices.declared else "coverage.opening_ar",
                   first=invoices.start.date(), start=compared.period_start.date(), period=which)
    return profit, ar, tiers


def _coverage_note(dq: DataQuality, severity: str, table: str, share: float, compared: Params, history_: History,
                   minimum: float, effect: str, which: str) -> None:
    """What of a compared period was left empty and why; DataStart is
    suggested only when it is not set."""
    dq.add(severity, table, "coverage.prior_declared" if history_.declared else "coverage.prior",
           share=f"{share:.0%}", start=compared.period_start.date(), end=compared.period_end.date(),
           table_name=table, first=history_.start.date(), minimum=f"{minimum:.0%}", effect="~" + effect, which=which)


# The amounts of each table in a currency, and the date whose rate converts them (None: AsOfDate, the
# closing rate, for receivables and receipts: an open balance is a monetary item).
CURRENCY_AMOUNTS = {"Sales": ("Date", ["NetRevenue", "COGS", "GrossAmount"]), "Invoices": (None, ["Amount"]),
                    "Payments": (None, ["Amount"])}


def _in_reporting_currency(inputs: Inputs, p: Params, dq: DataQuality) -> tuple[Inputs, pd.Series | None]:
    """Sales, Invoices and Payments with every amount in the reporting
    currency: sales lines at the rate of their date, invoices and receipts at
    the AsOfDate rate, so open balances follow the closing-rate rule (and the
    prior period's balances are at the same rates: a constant-currency
    comparison). A line whose currency is not understood, or has no rate on
    or before that date, is an Error and not used: it is never summed as the
    reporting currency. Returns the inputs and, when any amount was foreign,
    the closing rate of each currency met (1 for the reporting one)."""
    rates = inputs.get("FXRates")
    if rates is not None:
        rates = rates.assign(Currency=currency_codes(rates["Currency"]))
    tables = dict(inputs.tables)
    currencies: set[str] = set()
    for table, (date_column, amounts) in CURRENCY_AMOUNTS.items():
        frame = tables.get(table)
        if frame is None:
            continue
        inherits = table == "Payments" and "Invoices" in tables and tables["Invoices"]["Currency"].notna().any()
        if frame["Currency"].isna().all() and not inherits:
            if date_column is None:   # for ReceivablesByCurrency: all in the reporting currency
                tables[table] = frame.assign(Currency=p.reporting_currency, OriginalAmount=frame[amounts[0]])
            continue
        code = currency_codes(frame["Currency"])
        unknown = frame["Currency"].notna() & code.isna()
        if table == "Payments" and "Invoices" in tables and "Currency" in tables["Invoices"]:
            # A receipt without its own currency is in that of the invoice it pays (the first line listing it).
            billed = tables["Invoices"].dropna(subset=["InvoiceNo"])
            at = first_match(frame, billed, ["CustomerID", "InvoiceNo"])
            of_invoice = pd.Series(billed["Currency"].array.take(at, allow_fill=True), dtype=billed["Currency"].dtype)
            code = code.fillna(pd.Series(currency_codes(of_invoice).to_numpy(), index=frame.index))
        code = code.fillna(p.reporting_currency)
        foreign = code != p.reporting_currency
        when = frame[date_column] if date_column else pd.Series(p.as_of_date, index=frame.index)
        rate = pd.Series(np.nan, index=frame.index)
        rate[foreign] = rate_on(rates, code[foreign], when[foreign])
        missing = foreign & rate.isna() & ~unknown
        for key, rows in (("currency.unknown", unknown), ("currency.no_rate", missing)):
            for index in rows[rows].index:
                dq.add(ERROR, table, key, int(frame.at[index, "_row"]), "Currency", frame.at[index, "Currency"],
                       code=code[index], date=pd.Timestamp(when[index]).date())
        keep = ~(unknown | missing)
        frame = converted(frame[keep].assign(Currency=code[keep], OriginalAmount=frame.loc[keep, amounts[0]]),
                          amounts, rate[keep], minor_unit_decimals(p.reporting_currency))
        tables[table] = frame.reset_index(drop=True)
        used = sorted(set(code[keep & foreign]))
        if used:
            currencies.update(used)
            dq.add(INFO, table, "currency.converted", None, "Currency", None, lines=int((keep & foreign).sum()),
                   currencies=", ".join(used), reporting=p.reporting_currency,
                   basis="~" + ("rate of each line's date" if date_column else "closing rate of AsOfDate"))
    if not currencies:   # nothing converted; rows refused above stay refused
        return dataclasses.replace(inputs, tables=tables), None
    closing = rate_on(rates, pd.Series(sorted(currencies)), pd.Series(p.as_of_date, index=range(len(currencies))))
    closing.index = sorted(currencies)
    closing[p.reporting_currency] = 1.0
    return dataclasses.replace(inputs, tables=tables), closing


def _open_positions(inputs: Inputs, customers: pd.DataFrame, p: Params) -> dict[pd.Timestamp, OpenPosition]:
    """The open position of the invoices and payments (see :func:`kam_xl.domain.receivables.position_as_of`) on
    each date the run looks at: AsOfDate of this period and of the periods compared, and with ProvisionInNetProfit
    the day before each PeriodStart. One keyed ledger serves them all, and the receivables, the chase list and the
    allowance of one date share its position."""
    ledger = keyed_ledger(inputs["Invoices"], inputs.get("Payments"), customers)
    periods = (p, p.prior(), p.last_year())
    dates = {period.as_of_date for period in periods}
    if p.provision_in_net_profit:
        dates |= {period.period_start - pd.Timedelta(days=1) for period in periods}
    decimals = minor_unit_decimals(p.reporting_currency)
    return {date: position_as_of(ledger, date, decimals) for date in dates}


def _allowances(inputs: Inputs, customers: pd.DataFrame, bands: pd.DataFrame, decimals: int,
                positions: dict[pd.Timestamp, OpenPosition] | None = None):
    """The bad-debt allowance as of a date (see :func:`bad_debt_allowance`),
    each date worked out once: the period's charges and the Provision table
    ask for the same dates (this AsOfDate, the day before PeriodStart...);
    from the open position of that date in ``positions`` when there is one."""
    computed: dict = {}

    def on(date: pd.Timestamp) -> tuple[pd.DataFrame, pd.DataFrame]:
        if date not in computed:
            computed[date] = bad_debt_allowance(inputs["Invoices"], inputs.get("Payments"), customers, date, bands,
                                                decimals, (positions or {}).get(date))
        return computed[date]
    return on


def _bad_debt_charge(p: Params, allowance_on, opening_known: bool) -> pd.Series:
    """The period's bad-debt charge per customer = the allowance as of
    AsOfDate - the allowance the day before PeriodStart (empty when the
    invoices do not reach back that far)."""
    now = allowance_on(p.as_of_date)[0]["Allowance"]
    if not opening_known:
        return now * np.nan
    before = allowance_on(p.period_start - pd.Timedelta(days=1))[0]["Allowance"]
    return round_money(now - before, minor_unit_decimals(p.reporting_currency))


def _provision(p: Params, allowance_on, invoices: History) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The bad-debt allowance as of AsOfDate and as of the prior period's end
    (empty when the invoices do not reach back that far), and the charge for
    the period = Allowance - PriorAllowance."""
    decimals = minor_unit_decimals(p.reporting_currency)
    table, rows = allowance_on(p.as_of_date)
    table = table.copy()   # the shared one stays as computed
    prior_end = p.prior().as_of_date
    prior = allowance_on(prior_end)[0]["Allowance"]
    table["PriorAllowance"] = prior if invoices.balance_known(prior_end) else np.nan
    table["Charge"] = round_money(table["Allowance"] - table["PriorAllowance"], decimals)
    return table, rows


def _trend(inputs: Inputs, p: Params, ids: pd.Index, sales: History, invoices: History,
           dq: DataQuality) -> tuple[pd.DataFrame | None, pd.Index | None]:
    """Each customer's figures per calendar month for TrendMonths months up to
    AsOfDate's, and the twelve before them where the data reach (for the
    year-on-year changes). A month the sales do not cover (MinCoverage) is
    left out, and DataQuality says from when the trend runs."""
    months = trend_months(p.as_of_date, p.trend_months + 12)
    covered = np.array([sales.share_of(m, t) >= p.min_coverage for m, t in zip(months["Month"], months["Through"])])
    # only the unbroken run of covered months up to AsOfDate
    first = len(covered) - int(np.argmin(covered[::-1])) if not covered.all() else 0
    months = months.iloc[first:].reset_index(drop=True)
    shown = pd.Index(months["Month"].iloc[-p.trend_months:])
    if len(shown) < p.trend_months:
        dq.add(INFO, "Sales", "trend.short", months=len(shown), wanted=p.trend_months,
               first=shown[0].date() if len(shown) else p.as_of_date.date())
    if months.empty:
        return None, None
    opening_known = pd.Series([invoices.balance_known(m - pd.Timedelta(days=1)) for m in months["Month"]],
                              index=pd.Index(months["Month"]))
    activities = inputs.get("Activities")
    costs = activity_costs(activities, inputs.get("ActivityRates")) if activities is not None else None
    trend = customer_trend(inputs["Sales"], costs, inputs.get("Invoices"), inputs.get("Payments"), ids, months,
                           opening_known, p.cost_of_capital, minor_unit_decimals(p.reporting_currency))
    return trend, shown


def _targets(inputs: Inputs, p: Params, customers: pd.DataFrame, sales: History,
             dq: DataQuality) -> pd.DataFrame | None:
    """Attainment of the Targets table's usable rows (see :func:`kam_xl.inputs.policies.targets_table`), each
    window counted where the sales, or the receipts for Collections, cover it."""
    targets = inputs.get("Targets")
    if targets is None or targets.empty:
        return None
    managers = customers.set_index("CustomerID")["AccountManager"]
    table = targets_table(targets, managers, MEASURES, p.period_start, p.period_end, dq)
    receipts = inputs.get("Payments")
    collections = history(receipts["PaymentDate"] if receipts is not None else None, p.data_start)

    def covered(measure: str, start: pd.Timestamp, end: pd.Timestamp) -> bool:
        return (collections if measure == "Collections" else sales).share_of(start, end) >= p.min_coverage
    return attainment(table, inputs["Sales"], receipts, managers, customers.set_index("CustomerID")["CustomerName"],
                      p.period_start, p.period_end, covered, minor_unit_decimals(p.reporting_currency))


def _review(previous, p: Params, customers: pd.Index, current: pd.DataFrame, sales: pd.DataFrame,
            oldest: str | None, dq: DataQuality) -> pd.DataFrame | None:
    """Last period's actions reviewed, or None with an Error when that summary
    cannot be compared with this one: another reporting currency, an AsOfDate
    not before this one, or none of these customers."""
    problem = None
    if previous.currency and previous.currency != p.reporting_currency:
        problem = ("previous.currency", {"theirs": previous.currency, "ours": p.reporting_currency})
    elif previous.as_of is not None and previous.as_of >= p.as_of_date:
        problem = ("previous.not_earlier", {"theirs": previous.as_of.date(), "ours": p.as_of_date.date()})
    elif not previous.customers.index.isin(customers).any():
        problem = ("previous.other_customers", {})
    if problem:
        dq.add(ERROR, "PreviousSummary", problem[0], None, None, previous.path.name, **problem[1])
        return None
    if previous.unknown_actions:
        dq.add(WARNING, "PreviousSummary", "previous.unknown_actions", None, "Actions", previous.unknown_actions[0],
               count=len(previous.unknown_actions))
    known = previous.customers[previous.customers.index.isin(customers)]
    if previous.oldest != oldest:   # 90+ then is not 120+ now, nor an age from the invoice date
        dq.add(WARNING, "PreviousSummary", "previous.buckets", None, None, previous.path.name,
               theirs=previous.oldest or "-", ours=oldest or "-")
        known = known.assign(Oldest=np.nan)
    after = previous.as_of if previous.as_of is not None else p.period_start - pd.Timedelta(days=1)
    current = current.assign(PurchasesSince=purchases_since(sales, after, p.as_of_date, customers))
    return action_review(known, current, oldest or "Oldest")


def compute(inputs: Inputs, params: dict | Params | None = None, previous=None, run_time: str = "") -> Results:
    """Every output table of the contract (docs/CONTRACT.md section 2) from validated inputs.

    ``params`` overrides the workbook's Parameters (a dict of canonical names,
    e.g. ``{"AsOfDate": "2026-06-30"}``, or a full :class:`Params`);
    ``previous``: last period's summary as read by
    :func:`kam_xl.render.results_reader.read_previous`, whose actions are reviewed;
    ``run_time``: the moment of the run for About (the core reads no clock)."""
    if inputs.fatal:
        raise InputError("; ".join(inputs.fatal))
    dq = inputs.dq.copy()
    base = params if isinstance(params, Params) else with_overrides(inputs.params, params, dq)
    p = base.resolved(latest_date(inputs), inputs.language)
    as_read = inputs
    inputs, closing = _in_reporting_currency(inputs, p, dq)
    customers = inputs["Customers"]
    if customers.empty:
        raise InputError("The Customers table has no usable rows")
    invoices = inputs.get("Invoices")
    bands = allowance_on = positions = None
    if invoices is not None:
        bands, specific = provision_policy(inputs.get("ProvisionRates"), dq)
        customers = with_specific_provisions(customers, specific, dq)
        positions = _open_positions(inputs, customers, p)
        allowance_on = _allowances(inputs, customers, bands, minor_unit_decimals(p.reporting_currency), positions)
    ids = pd.Index(customers["CustomerID"], name="CustomerID")
    sales_history = history(inputs["Sales"]["Date"], p.data_start)
    invoice_history = history(invoices["InvoiceDate"] if invoices is not None else None, p.data_start)
    (profit, ar, abc), prior, last_year = _three_periods(inputs, p, customers, sales_history, invoice_history, dq,
                                                         allowance_on, positions)
    order = abc.index
    info = customers.set_index("CustomerID")
    classification = _classification(inputs, p, info, abc)
    pot, models, model_report = potential(inputs["Sales"], customers, profit["GrossMarginPct"], profit["NetRevenue"],
                                          prior[0]["NetRevenue"], inputs.get("IndustryOutlook"), p, dq)
    classification["PortfolioQuadrant"] = portfolio_quadrant(profit["NetProfit"], pot["PotentialScore"]).reindex(order)
    joined, rel = _joined(inputs, p, profit.reindex(order), classification, pot, ar)
    oldest = bucket_names(p.aging_buckets)[-1] if ar is not None else None
    plan = strategy(joined, oldest)
    for name in ("Invoices", "Contacts"):
        if inputs.get(name) is None:
            dq.add(INFO, name, "analysis.no_invoices" if name == "Invoices" else "analysis.no_contacts")
    collection = _collection(inputs, p, customers, ar, rel, closing, allowance_on, invoice_history, positions)
    trend, trend_shown = _trend(inputs, p, ids, sales_history, invoice_history, dq)
    review = None
    if previous is not None:
        measures = joined.assign(Oldest=joined[oldest] if oldest else np.nan)
        review = _review(previous, p, ids, measures, inputs["Sales"], oldest, dq)
    figures = CustomerFigures(info=info.reindex(order), classification=classification, profit=profit.reindex(order),
                              receivables=ar, relationship=rel, potential=pot, strategy=plan, **collection,
                              provision_policy=bands, trend=trend, trend_shown=trend_shown,
                              attainment=_targets(inputs, p, customers, sales_history, dq), review=review,
                              prior_profit=prior[0], prior_receivables=prior[1], prior_tiers=prior[2],
                              last_year=last_year, models=models, model_report=model_report, sources=inputs,
                              ledger_controls=_ledger_controls(as_read, inputs, p))
    results = assemble(figures, p, dq, _about(inputs, run_time))
    _say_breaks(results.tables["Controls"], dq)
    return results


def _three_periods(inputs: Inputs, p: Params, customers: pd.DataFrame, sales: History, invoices: History,
                   dq: DataQuality, allowance_on, positions: dict | None = None):
    """(profit, receivables, ABC tiers) of this period, (profit, receivables, tiers) of the prior period and of
    the same period a year earlier (for a twelve-month report, the prior period itself)."""
    this = _this_period(inputs, p, customers, sales, invoices, dq, allowance_on, positions)
    prior = _compared_period(inputs, p, p.prior(), customers, sales, invoices, dq, allowance_on, positions=positions)
    a_year_ago = p.last_year()
    if (p.prior().period_start, p.prior().period_end) == (a_year_ago.period_start, a_year_ago.period_end):
        return this, prior, prior
    return this, prior, _compared_period(inputs, p, a_year_ago, customers, sales, invoices, dq, allowance_on,
                                         last_year=True, positions=positions)


def _classification(inputs: Inputs, p: Params, info: pd.DataFrame, abc: pd.DataFrame) -> pd.DataFrame:
    """Who each customer is (its group: its ParentID, else itself), its ABC tier and its RFM scores, in ABC
    order."""
    groups = info["ParentID"].fillna(pd.Series(info.index, index=info.index))   # no group: its own
    classification = info[CUSTOMER_COLUMNS].assign(ParentID=groups).reindex(abc.index).join(abc)
    return classification.join(rfm(inputs["Sales"], pd.Index(info.index, name="CustomerID"), p.as_of_date,
                                   p.period_start, p.period_end, minor_unit_decimals(p.reporting_currency)))


def _joined(inputs: Inputs, p: Params, profit: pd.DataFrame, classification: pd.DataFrame, pot: pd.DataFrame,
            ar: pd.DataFrame | None) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Every per-customer measure the strategy reads (profit, tier, quadrant, potential, receivables and the
    relationship), and the relationship table (None without Contacts)."""
    joined = profit.join(classification[["ABCTier", "PortfolioQuadrant"]]).join(pot)
    if ar is not None:
        joined = joined.join(ar.drop(columns=[c for c in ar.columns if c in joined]))
    contacts = inputs.get("Contacts")
    if contacts is None:
        return joined, None
    rel = relationship(contacts, classification["ABCTier"], p.contact_cadence_days, p.as_of_date, p.period_start,
                       p.period_end)
    return joined.join(rel), rel


def _collection(inputs: Inputs, p: Params, customers: pd.DataFrame, ar: pd.DataFrame | None,
                rel: pd.DataFrame | None, closing: pd.Series | None, allowance_on, invoices: History,
                positions: dict | None = None) -> dict:
    """With Invoices: the open items to chase, the expected receipts, the provision and its bands, and (when an
    amount was in another currency) the balances by currency; each None without Invoices."""
    found = dict.fromkeys(("open_items", "expected_receipts", "provision", "provision_bands",
                           "receivables_by_currency"))
    if inputs.get("Invoices") is None:
        return found
    decimals = minor_unit_decimals(p.reporting_currency)
    chase = chase_list(inputs["Invoices"], inputs.get("Payments"), customers, p.as_of_date, p.follow_up_levels,
                       rel["LastContact"] if rel is not None else None, decimals, (positions or {}).get(p.as_of_date))
    # the same dates of the prior period: calendar months back for a calendar report, else its days
    shift = pd.DateOffset(months=p.calendar_months) if p.calendar_months else p.as_of_date - p.prior().as_of_date
    found.update(open_items=chase, expected_receipts=expected_receipts(
        chase, ar["AvgDaysLate"], p.as_of_date, inputs.get("Payments"), shift, p.aging_buckets[-1], decimals))
    found["provision"], found["provision_bands"] = _provision(p, allowance_on, invoices)
    if closing is not None:
        found["receivables_by_currency"] = balances_by_currency(inputs["Invoices"], inputs.get("Payments"),
                                                                p.as_of_date, closing, decimals)
    return found


def _about(inputs: Inputs, run_time: str) -> dict:
    """About's run facts: the tool, its version, the moment of the run, the input file with its SHA-256 and,
    when some tables came from a database or Spark, where each did (its URL without password, and table)."""
    about = {"Tool": "kam-xl", "Version": __version__, "RunTime": run_time,
             "InputFile": str(inputs.source.name) if inputs.source else "", "InputSHA256": inputs.source_sha256 or ""}
    remote = [f"{name}: {source.sheet}" for name, source in inputs.dq.sources.items() if source.database]
    if remote:
        about["DatabaseTables"] = "; ".join(remote)
    return about


def _say_breaks(controls: pd.DataFrame, dq: DataQuality) -> None:
    """A summary that does not tie to its ledgers says so: an Error for each control that breaks."""
    for row in controls.itertuples(index=False):
        if row.Status == ctl.BREAK:
            dq.add(ERROR, "Controls", "control.break", None, None, row.Difference, control=f"~control.{row.Control}",
                   table_name=row.Table, source=row.SourceTotal, report=row.ReportTotal)


# The amount each ledger control sums, by table (Sales: the net amount, else the gross one it was derived from).
LEDGER_PARTS = {"Sales": "period", "Invoices": "as_of", "Payments": "receipts"}


def _ledger_controls(as_read: Inputs, analysed: Inputs, p: Params) -> list:
    """The controls of the lines read, for the whole book: lines read = where
    they went + rejected (Sales: in the period, outside it; Invoices: dated to
    AsOfDate, after it; Payments: applied, unapplied), an export's own totals
    rows, and each conversion to the reporting currency."""
    found = []
    for table, split in LEDGER_PARTS.items():
        ledger, lines = as_read.ledgers.get(table), as_read.get(table)
        if ledger is None or lines is None:
            continue
        weights = _line_counts(as_read, table, lines)
        if split == "period":
            parts = ctl.split_by_period(lines, "Date", ledger.amount, p.period_start, p.period_end, weights)
        elif split == "as_of":
            parts = ctl.split_by_period(lines, "InvoiceDate", ledger.amount, pd.Timestamp.min, p.as_of_date, weights)
            parts = {"to_date": parts["inside"], "later": parts["outside"]}
        else:
            parts = ctl.split_receipts(lines, as_read.get("Invoices"), weights)
        found += ctl.lines_read(table, ledger.read_rows, ledger.read_amount, parts, len(ledger.rejected),
                                float(ledger.rejected["amount"].sum()))
    found += ctl.export_totals(as_read.export_totals)
    rates = analysed.get("FXRates")
    for table, (date_column, amounts) in CURRENCY_AMOUNTS.items():
        frame = analysed.get(table)
        if frame is None or "OriginalAmount" not in frame or rates is None:
            continue
        when = frame[date_column] if date_column else pd.Series(p.as_of_date, index=frame.index)
        control = ctl.conversion(table, frame, amounts[0], rates.assign(Currency=currency_codes(rates["Currency"])),
                                 when, p.reporting_currency, minor_unit_decimals(p.reporting_currency))
        if control is not None:
            found.append(control)
    return found


def _line_counts(inputs: Inputs, table: str, frame: pd.DataFrame) -> pd.Series:
    """How many lines read each row of ``frame`` stands for: 1, or the lines a
    condensed file summed into it (the reader's ledger knows)."""
    ledger = inputs.ledgers.get(table)
    if ledger is None or frame.empty:
        return pd.Series(1, index=frame.index, dtype="int64")
    # the keys of row_keys; a plain _row column becomes an index as one array, not a list of a million ints
    keys = pd.Index(row_keys(frame), tupleize_cols=False) if "Source" in frame else \
        pd.Index(frame["_row"].to_numpy(dtype="int64"))
    counts = ledger.lines.reindex(keys).fillna(1)
    return pd.Series(counts.to_numpy(dtype="int64"), index=frame.index)


def _report_controls(f: CustomerFigures, tables: dict[str, pd.DataFrame], p: Params) -> list:
    """The controls of the summary's own tables against the lines analysed:
    the period's sales = Profitability; the ledger's receivable = Receivables
    = its aging buckets = Provision's base (for the customers shown)."""
    sales = f.sources["Sales"]
    found = ctl.period_sales(sales, p.period_start, p.period_end, tables["Profitability"],
                             _line_counts(f.sources, "Sales", sales), minor_unit_decimals(p.reporting_currency))
    if "Receivables" in tables:
        ar = tables["Receivables"]
        found.append(ctl.ledger_balance(f.sources["Invoices"], f.sources.get("Payments"), p.as_of_date, ar))
        buckets = shown_buckets(p.aging_buckets, p.aging_basis)
        found.append(ctl.aging_total(ar, [b for b in buckets if b not in not_due_split(p.aging_buckets)]))
        if "Provision" in tables:
            found.append(ctl.provision_base(ar, tables["Provision"]))
    return found


def assemble(figures: CustomerFigures, p: Params, dq: DataQuality, about: dict,
             customer_ids=None) -> Results:
    """The output tables for all customers, or only ``customer_ids``: per-customer
    rows are filtered; segments, whale curve, risk, KPIs and commentary are
    summed over the customers kept. Tiers, ranks and scores stay those of the
    whole book."""
    f = figures
    order = f.info.index if customer_ids is None else f.info.index[f.info.index.isin(list(customer_ids))]

    def cut(frame):
        return None if frame is None else frame.reindex(order)
    profit, ar, pot = cut(f.profit), cut(f.receivables), cut(f.potential)
    tiers = f.classification["ABCTier"].reindex(order)
    tables: dict[str, pd.DataFrame] = {}
    tables["Classification"] = _out(f.classification, order, CLASSIFICATION_COLUMNS)
    decimals = minor_unit_decimals(p.reporting_currency)
    tables["Segments"] = segments(f.info.reindex(order).reset_index(), profit, decimals)
    # Who the customer is, beside it where money is counted: its name and its group.
    group = f.classification[["CustomerName", "ParentID"]]
    tables["Profitability"] = _out(profit.join(group), order, profitability_columns("BadDebtCharge" in profit))
    tables["WhaleCurve"] = whale_curve(profit)
    tables.update(_receivable_tables(f, order, p, ar, group, portfolio=customer_ids is None))
    if f.relationship is not None:
        tables["Relationship"] = _out(f.relationship, order, RELATIONSHIP_COLUMNS)
    if f.trend is not None:
        tables["TrendSummary"], tables["Trend"] = _trend_tables(f, order, decimals)
    if f.review is not None:
        kept = f.review[f.review["CustomerID"].isin(order)]
        tables["ActionReview"] = kept.assign(CustomerName=kept["CustomerID"].map(f.info["CustomerName"])) \
            .reset_index(drop=True)[ACTION_REVIEW_COLUMNS]
    if f.attainment is not None:
        tables["Attainment"] = _attainment_rows(f, order)
    tables["Potential"] = _out(pot, order, POTENTIAL_COLUMNS)
    tables["ModelParameters"] = f.models
    if f.model_report is not None:   # the models' own checks: no customer's figures in them
        tables.update(f.model_report.tables)
    tables["Strategy"] = _out(f.strategy.join(group[["CustomerName"]]), order, STRATEGY_COLUMNS)
    tables.update(_risk_tables(f, order, p, profit, ar, churn_risk(tiers, pot["PAlive"]), decimals))
    tables["KPIs"] = _kpis(f, order, p, profit, ar, tables.get("Attainment"), decimals)
    facts = commentary_facts(tables["KPIs"], tables["RiskSummary"], profit, f.info["CustomerName"],
                             model_fitted=bool(f.potential["PAlive"].notna().any()),
                             targets=target_facts(tables["Attainment"], tiers) if "Attainment" in tables else None,
                             review=review_facts(tables["ActionReview"]) if "ActionReview" in tables else None)
    rows = {**about, "Customers": len(order), "PeriodDays": p.period_days, "Comparison": p.comparison,
            "PriorPeriod": p.prior().span, "LastYearPeriod": p.last_year().span}
    tables["About"] = pd.DataFrame(list(rows.items()) + p.as_rows(), columns=["Item", "Value"])
    if f.sources is not None:
        checks = _report_controls(f, tables, p) + (f.ledger_controls if customer_ids is None else [])
        tables["Controls"] = ctl.controls_table(checks, decimals)
    return Results(tables=tables, params=p, facts=facts, dq=dq, about=about, figures=figures,
                   private=customer_ids is not None)


def _receivable_tables(f: CustomerFigures, order: pd.Index, p: Params, ar: pd.DataFrame | None,
                       group: pd.DataFrame, portfolio: bool) -> dict[str, pd.DataFrame]:
    """Receivables, the expected receipts (a portfolio forecast: not in a workbook of some customers only), the
    open items, the provision and its bands and the balances by currency, for the customers kept, as there are."""
    tables = {}
    if ar is not None:
        tables["Receivables"] = _out(ar.join(group), order, receivables_columns(p.aging_buckets, p.aging_basis))
    if f.expected_receipts is not None and portfolio:
        tables["ExpectedReceipts"] = f.expected_receipts[EXPECTED_RECEIPTS_COLUMNS]
    if f.open_items is not None:
        tables["OpenItems"] = _rows_of(f.open_items.assign(NextStep=None), order, OPEN_ITEMS_COLUMNS)
    if f.provision is not None:
        tables["Provision"] = _out(f.provision, order, provision_columns(list(f.provision_policy["Band"])))
        tables["ProvisionBands"] = _rows_of(f.provision_bands, order, PROVISION_BANDS_COLUMNS)
    if f.receivables_by_currency is not None:
        tables["ReceivablesByCurrency"] = _rows_of(f.receivables_by_currency, order, RECEIVABLES_BY_CURRENCY_COLUMNS)
    return tables


def _rows_of(frame: pd.DataFrame, order: pd.Index, columns: list[str]) -> pd.DataFrame:
    """The rows of the customers kept (a table with a CustomerID column), in their order, contract columns only."""
    return frame[frame["CustomerID"].isin(order)].reset_index(drop=True)[columns]


def _attainment_rows(f: CustomerFigures, order: pd.Index) -> pd.DataFrame:
    """Attainment of the customers kept; a manager's row only where all the manager's customers are kept (it
    sums them all)."""
    met, managers = f.attainment, f.info["AccountManager"]
    kept = pd.Series(managers.index.isin(order), index=managers.index).groupby(managers).all()
    whole = set(kept.index[kept.to_numpy()])
    mine = ((met["Level"] == "Customer") & met["Key"].isin(order)) | \
        ((met["Level"] == "AccountManager") & met["Key"].isin(whole))
    return met[mine].reset_index(drop=True)[ATTAINMENT_COLUMNS]


def _risk_tables(f: CustomerFigures, order: pd.Index, p: Params, profit: pd.DataFrame, ar: pd.DataFrame | None,
                 churn: pd.Series, decimals: int) -> dict[str, pd.DataFrame]:
    """RiskSummary of the customers kept, and Groups when any customer belongs to a group (without ParentIDs
    every group is one customer)."""
    buckets = bucket_names(p.aging_buckets)
    groups = group_exposure(f.classification["ParentID"].reindex(order), f.info["CustomerName"], profit, ar,
                            f.info["CreditLimit"], buckets[1:], decimals)
    tables = {"RiskSummary": risk_summary(profit["NetRevenue"], profit["NetProfit"],
                                          ar[buckets[-1]] if ar is not None else None,
                                          ar["CreditUtilization"] if ar is not None else None, churn, decimals,
                                          groups.set_index("ParentID")["NetRevenue"])}
    if f.info["ParentID"].reindex(order).notna().any():
        tables["Groups"] = groups[groups_columns(p.aging_buckets)]
    return tables


def _kpis(f: CustomerFigures, order: pd.Index, p: Params, profit: pd.DataFrame, ar: pd.DataFrame | None,
          attainment: pd.DataFrame | None, decimals: int) -> pd.DataFrame:
    """The KPI table of the customers kept: this period, the prior period and the same period last year, then
    the attainment KPIs (this period only) when there are targets."""
    def of(period_profit, period_ar, period_tiers, period: Params) -> dict:
        return period_kpis(period_profit.reindex(order), period_ar.reindex(order) if period_ar is not None else None,
                           period_tiers.reindex(order), period.period_days, decimals)
    this = period_kpis(profit, ar, f.classification["ABCTier"].reindex(order), p.period_days, decimals)
    table = kpi_table(this, of(f.prior_profit, f.prior_receivables, f.prior_tiers, p.prior()),
                      of(*f.last_year, p.last_year()))
    if attainment is None:
        return table
    attained = attainment_kpis(attainment)
    return pd.concat([table, pd.DataFrame({"KPI": list(attained), "ThisPeriod": list(attained.values())})],
                     ignore_index=True)


def _trend_tables(f: CustomerFigures, order: pd.Index, decimals: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The monthly totals and the per-customer months shown, for the customers kept."""
    groups = f.classification[list(DIMENSIONS)].reindex(order).rename_axis("CustomerID").reset_index()
    trend = f.trend[f.trend["CustomerID"].isin(order)]
    summary = trend_summary(trend, groups, decimals)
    trend = trend.merge(groups, on="CustomerID", how="left")
    shown = f.trend_shown
    return (summary[summary["Month"].isin(shown)].reset_index(drop=True)[TREND_SUMMARY_COLUMNS],
            trend[trend["Month"].isin(shown)].reset_index(drop=True)[TREND_COLUMNS])


def for_customers(results: Results, customer_ids, audience: str | None = None) -> Results:
    """The output tables of a subset of customers (e.g. one account manager's)
    from an analysed book, without analysing again; ``audience`` says whose it
    is. The public :func:`kam_xl.render.localize.restrict` words them."""
    return dataclasses.replace(assemble(results.figures, results.params, results.dq, results.about, customer_ids),
                               audience=audience)


def _out(frame: pd.DataFrame, order: pd.Index, columns: list[str]) -> pd.DataFrame:
    """Rows in ABC order, CustomerID as the first column, contract columns only."""
    result = frame.reindex(order).rename_axis("CustomerID").reset_index()
    return result[columns]
