"""Receivables: open items, aging, turnover, DSO, days to pay and credit risk.

Money in the reporting currency, time in days. Balances are as of a date;
flows (credit sales, payments) are over the period.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kam_xl.contract import age_bucket_names, bucket_names, not_due_split
from kam_xl.domain.frames import in_window, map_distinct, per_customer, ratio, round_money
from kam_xl.quality import INFO, DataQuality


def average_ar(opening_ar, closing_ar):
    """AverageAR = (AR at PeriodStart - 1 day + AR at PeriodEnd) / 2 (currency)."""
    return (opening_ar + closing_ar) / 2.0


def month_end_points(start: pd.Timestamp, end: pd.Timestamp) -> list[pd.Timestamp]:
    """The balance dates of the MonthEnd average: the day before PeriodStart
    (the opening), every month end inside the period, and PeriodEnd."""
    month_ends = pd.date_range(start, end, freq="ME")
    return sorted({start - pd.Timedelta(days=1), *month_ends, end})


def average_ar_month_end(invoices: pd.DataFrame, payments: pd.DataFrame | None, start, end,
                         customer_ids: pd.Index, decimals: int) -> pd.Series:
    """AverageAR = the mean of the balances on :func:`month_end_points`
    (currency): steadier than the opening and closing pair, which a single
    large invoice near either date moves."""
    balances = [balance_as_of(invoices, payments, date, customer_ids, decimals)
                for date in month_end_points(start, end)]
    return sum(balances) / len(balances)


def countback_dso(closing: pd.Series, invoices: pd.DataFrame, end: pd.Timestamp, first: pd.Timestamp,
                  customer_ids: pd.Index, months: int = 36, decimals: int = 2) -> pd.Series:
    """Countback DSO (days): the closing balance is matched against the
    credit sales of the latest calendar months, newest first (the month of
    PeriodEnd up to PeriodEnd, then whole months): each month the balance
    exceeds adds its days, the month that covers the rest adds its share of
    days (rest / that month's sales × its days). 0 for a balance <= 0; empty
    when the sales since ``first`` (the first invoice) or ``months`` months do
    not cover the balance. Balances and sales are compared in the minor unit
    (``decimals``): a balance equal to three months' sales is covered by the
    third month (not left 0.00000003 over by the subtractions)."""
    billed = invoices[invoices["InvoiceDate"] <= end]
    by_month = (billed.groupby(["CustomerID", billed["InvoiceDate"].dt.to_period("M")])["Amount"].sum()
                .unstack(fill_value=0.0).reindex(customer_ids, fill_value=0.0))
    remaining = round_money(closing.reindex(customer_ids).to_numpy(dtype="float64", na_value=np.nan, copy=True),
                            decimals)
    days = np.zeros(len(customer_ids))
    result = np.where(remaining <= 0, 0.0, np.nan)
    done = np.isnan(remaining) | (remaining <= 0)
    month_end = end
    for _ in range(months):
        if done.all() or month_end < first:
            break
        month_start = month_end.replace(day=1)
        span = float((month_end - month_start).days + 1)
        month = pd.Period(month_end, "M")
        sales = round_money((by_month[month].to_numpy() if month in by_month.columns
                             else np.zeros(len(customer_ids))).clip(min=0.0), decimals)
        covers = ~done & (sales > 0) & (remaining <= sales)
        result[covers] = days[covers] + remaining[covers] / sales[covers] * span
        done |= covers
        remaining[~done] = round_money(remaining[~done] - sales[~done], decimals)
        days[~done] += span
        month_end = month_start - pd.Timedelta(days=1)
    return pd.Series(result, index=customer_ids)


def ar_turnover(credit_sales: pd.Series, average: pd.Series) -> pd.Series:
    """ARTurnover = CreditSales / AverageAR (times per period; empty when AverageAR <= 0)."""
    return ratio(credit_sales, average)


def days_sales_outstanding(period_days, turnover: pd.Series) -> pd.Series:
    """DSO = period days / ARTurnover (days; empty when the turnover is <= 0 or empty)."""
    days = period_days if isinstance(period_days, pd.Series) else pd.Series(period_days, index=turnover.index,
                                                                            dtype="float64")
    return ratio(days, turnover)


def aging_bucket(days_overdue: pd.Series, buckets: tuple[int, ...]) -> pd.Series:
    """Bucket name of each item: NotDue when days overdue <= 0, then one per AgingBuckets limit."""
    return pd.cut(days_overdue, bins=[-np.inf, 0, *buckets, np.inf], labels=bucket_names(buckets), right=True)


def due_dates(invoices: pd.DataFrame, customers: pd.DataFrame, dq: DataQuality | None = None) -> pd.Series:
    """DueDate, else InvoiceDate + the customer's PaymentTermsDays, else InvoiceDate."""
    due, missing_terms = _due_dates(invoices, customers)
    _note_missing_terms(invoices, missing_terms, dq)
    return due


def _due_dates(invoices: pd.DataFrame, customers: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """(due dates as :func:`due_dates`, the invoices with neither a DueDate nor the customer's terms)."""
    terms = map_distinct(invoices["CustomerID"],
                         customers.set_index("CustomerID")["PaymentTermsDays"].to_dict().get).astype("float64")
    fallback = invoices["InvoiceDate"] + pd.to_timedelta(terms.fillna(0.0), unit="D")
    return invoices["DueDate"].fillna(fallback), invoices["DueDate"].isna() & terms.isna()


def _note_missing_terms(invoices: pd.DataFrame, missing_terms: pd.Series, dq: DataQuality | None) -> None:
    """An Info naming the first invoice due on its own date for want of a DueDate and terms, and how many are."""
    if dq is not None and missing_terms.any():
        dq.add(INFO, "Invoices", "invoice.no_terms", int(invoices.loc[missing_terms, "_row"].iloc[0]), "DueDate",
               count=int(missing_terms.sum()))


DOCUMENT = "_document"   # one integer per (CustomerID, InvoiceNo) pair, see with_document_keys


def with_document_keys(invoices: pd.DataFrame,
                       payments: pd.DataFrame | None) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Both tables with a DOCUMENT column: one integer per distinct
    (CustomerID, InvoiceNo) pair across the two, -1 where InvoiceNo is blank.
    Payments then match invoices on one number instead of two text columns."""
    parts = [invoices[["CustomerID", "InvoiceNo"]]] + (
        [payments[["CustomerID", "InvoiceNo"]]] if payments is not None else [])
    both = pd.concat(parts, ignore_index=True)
    customer, _ = pd.factorize(both["CustomerID"])
    number, numbers = pd.factorize(both["InvoiceNo"])
    keys = np.where(number < 0, -1, customer.astype(np.int64) * (len(numbers) + 1) + number)
    invoices = invoices.assign(**{DOCUMENT: keys[: len(invoices)]})
    if payments is not None:
        payments = payments.assign(**{DOCUMENT: keys[len(invoices):]})
    return invoices, payments


def split_payments(invoices: pd.DataFrame, payments: pd.DataFrame | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(applied, unapplied): a payment is applied when its (CustomerID,
    InvoiceNo) names a known invoice; otherwise it is an unapplied receipt.
    Both tables carry DOCUMENT keys."""
    if payments is None or payments.empty:
        empty = pd.DataFrame({"CustomerID": pd.Series(dtype="str"), "InvoiceNo": pd.Series(dtype="str"),
                              "PaymentDate": pd.Series(dtype="datetime64[ns]"), "Amount": pd.Series(dtype="float64"),
                              DOCUMENT: pd.Series(dtype="int64")})
        return empty, empty
    keys = payments[DOCUMENT]
    applied = (keys.isin(invoices[DOCUMENT]) & (keys >= 0)).to_numpy()
    return payments[applied], payments[~applied]


def balance_as_of(invoices: pd.DataFrame, payments: pd.DataFrame | None, date: pd.Timestamp,
                  customer_ids: pd.Index, decimals: int = 2) -> pd.Series:
    """AR at the end of ``date`` = invoices dated <= date - payments dated <= date."""
    billed = invoices.loc[invoices["InvoiceDate"] <= date].groupby("CustomerID")["Amount"].sum()
    paid = (payments.loc[payments["PaymentDate"] <= date].groupby("CustomerID")["Amount"].sum()
            if payments is not None else pd.Series(dtype="float64"))
    return round_money(per_customer(billed, customer_ids).sub(per_customer(paid, customer_ids), fill_value=0.0),
                       decimals)


def open_items(invoices: pd.DataFrame, applied: pd.DataFrame, as_of: pd.Timestamp, decimals: int = 2) -> pd.DataFrame:
    """Invoices dated <= AsOfDate with Open = Amount - payments applied on or
    before AsOfDate, rounded to the minor unit (a fully paid invoice is 0, not 1e-11)."""
    issued = invoices[invoices["InvoiceDate"] <= as_of]
    paid = applied[applied["PaymentDate"] <= as_of].groupby(DOCUMENT)["Amount"].sum()
    paid_on_each = issued[DOCUMENT].map(paid).astype("float64").fillna(0.0).to_numpy()
    # An invoice number listed twice shares its payments once: apply them to the first line.
    first = ~issued[DOCUMENT].duplicated().to_numpy()
    return issued.assign(Open=round_money(issued["Amount"].to_numpy() - np.where(first, paid_on_each, 0.0), decimals))


def outstanding_invoices(items: pd.DataFrame, unapplied_credit: pd.Series,
                         as_of: pd.Timestamp) -> tuple[pd.DataFrame, pd.Series]:
    """(open invoices, credit per customer). The customer's credits (credit
    notes, overpaid invoices, unapplied receipts) are set against its oldest
    open invoices first (by DueDate, then InvoiceDate); Outstanding is what is
    left of each invoice (currency) and DaysOverdue = AsOfDate - DueDate (days,
    negative when not yet due)."""
    debit = items[items["Open"] > 0].sort_values(["CustomerID", "DueDate", "InvoiceDate", "InvoiceNo"])
    credit = (-items.loc[items["Open"] < 0].groupby("CustomerID")["Open"].sum()).add(unapplied_credit, fill_value=0.0)
    running = debit.groupby("CustomerID")["Open"].cumsum()
    available = debit["CustomerID"].map(credit).astype("float64").fillna(0.0)
    debit = debit.assign(Outstanding=np.minimum(debit["Open"], np.maximum(running - available, 0.0)),
                         DaysOverdue=(as_of - debit["DueDate"]).dt.days)
    return debit, credit


def credit_left(debit: pd.DataFrame, credit: pd.Series, customer_ids: pd.Index) -> pd.Series:
    """Per customer, the credit (currency, >= 0) left once set against all its
    open invoices (``debit`` and ``credit`` of :func:`outstanding_invoices`):
    what it has paid or been credited beyond what it owes."""
    open_debit = debit.groupby("CustomerID")["Open"].sum().reindex(customer_ids).fillna(0.0)
    return (credit.reindex(customer_ids).fillna(0.0) - open_debit).clip(lower=0.0)


def aging(items: pd.DataFrame, unapplied_credit: pd.Series, as_of: pd.Timestamp,
          buckets: tuple[int, ...], customer_ids: pd.Index, decimals: int = 2,
          basis: str = "DueDate", outstanding: tuple[pd.DataFrame, pd.Series] | None = None) -> pd.DataFrame:
    """Open balances by age (currency). By due date: days overdue =
    AsOfDate - DueDate, NotDue when <= 0 and one column per AgingBuckets
    limit; NotDue is also split into DueIn0_<first limit> (due within that
    many days, today included) and DueAfter<first limit>. By invoice date
    (``basis`` InvoiceDate): days since InvoiceDate, Age0_<first limit> ...
    Age<last>Plus.

    Credits (credit notes, overpaid invoices, unapplied receipts) are set
    against the customer's oldest open invoices first (by DueDate, then
    InvoiceDate). A credit larger than all open invoices stays as a negative
    amount in NotDue (and DueAfter<first>), or in the youngest age, so the
    buckets always add up to OpenBalance. ``outstanding``: :func:`outstanding_invoices` of these items, when
    already worked out.
    """
    debit, credit = outstanding if outstanding is not None else outstanding_invoices(items, unapplied_credit, as_of)
    leftover = credit_left(debit, credit, customer_ids)

    def by_bucket(bucket: pd.Series, names: list[str], credit_column: str) -> pd.DataFrame:
        table = (pd.DataFrame({"CustomerID": debit["CustomerID"], "bucket": bucket, "amount": debit["Outstanding"]})
                 .groupby(["CustomerID", "bucket"], observed=True)["amount"].sum().unstack()
                 .reindex(index=customer_ids, columns=names).fillna(0.0))
        table[credit_column] -= leftover
        table.columns = list(names)
        return round_money(table, decimals)

    if basis == "InvoiceDate":
        names = age_bucket_names(buckets)
        age = (as_of - debit["InvoiceDate"]).dt.days
        return by_bucket(pd.cut(age, bins=[-np.inf, *buckets, np.inf], labels=names, right=True), names, names[0])
    names = bucket_names(buckets)
    table = by_bucket(aging_bucket(debit["DaysOverdue"], buckets), names, "NotDue")
    split = not_due_split(buckets)
    when_due = pd.cut(debit["DaysOverdue"], bins=[-np.inf, -buckets[0] - 1, 0], labels=split[::-1], right=True)
    return table.join(by_bucket(when_due, split, split[1]))


def weighted_days(payments: pd.DataFrame, days: pd.Series, customer_ids: pd.Index) -> pd.Series:
    """Amount-weighted mean of ``days`` per customer over positive payments."""
    weight = payments["Amount"].clip(lower=0.0)
    frame = pd.DataFrame({"CustomerID": payments["CustomerID"], "wd": weight * days, "w": weight})
    sums = frame.groupby("CustomerID")[["wd", "w"]].sum().reindex(customer_ids)
    return ratio(sums["wd"], sums["w"])


def days_to_pay(applied: pd.DataFrame, invoices: pd.DataFrame, start, end,
                customer_ids: pd.Index) -> tuple[pd.Series, pd.Series]:
    """(AvgDaysToPay, AvgDaysLate) per customer (days): amount-weighted over the applied payments received in
    [start, end], from their invoice's InvoiceDate and DueDate, late days floored at 0 (both tables with
    DOCUMENT keys)."""
    received = in_window(applied, "PaymentDate", start, end)
    first = invoices[~invoices[DOCUMENT].duplicated().to_numpy()]   # a document listed twice: its first line
    at = pd.Index(first[DOCUMENT]).get_indexer(received[DOCUMENT])   # -1, none: no date (NaT)

    def of_invoice(column: str) -> pd.Series:
        return pd.Series(first[column].array.take(at, allow_fill=True), index=received.index)
    paid = received["PaymentDate"]
    return (weighted_days(received, (paid - of_invoice("InvoiceDate")).dt.days, customer_ids),
            weighted_days(received, (paid - of_invoice("DueDate")).dt.days.clip(lower=0), customer_ids))


def credit_risk(table: pd.DataFrame, names: list[str]) -> pd.Series:
    """High when anything is in the oldest bucket or utilisation > 1; Medium
    when anything is overdue by more than the first bucket; else Low."""
    oldest = table[names[-1]] > 0.005
    beyond_first = (table[names[2:]] > 0.005).any(axis=1)
    over_limit = table["CreditUtilization"] > 1
    return pd.Series(np.select([oldest | over_limit, beyond_first], ["High", "Medium"], "Low"), index=table.index)


@dataclass(frozen=True, eq=False)
class KeyedLedger:
    """The invoices with their due dates and DOCUMENT keys, the payments with keys, split into applied and
    unapplied (see :func:`keyed_ledger`): what the open position on any date starts from."""

    invoices: pd.DataFrame
    payments: pd.DataFrame | None
    applied: pd.DataFrame
    unapplied: pd.DataFrame
    missing_terms: pd.Series   # per invoice: neither a DueDate nor the customer's PaymentTermsDays


def keyed_ledger(invoices: pd.DataFrame, payments: pd.DataFrame | None, customers: pd.DataFrame) -> KeyedLedger:
    """Invoices with DueDate (see :func:`due_dates`) and DOCUMENT keys, payments with keys, and the payments
    split into applied and unapplied (:func:`split_payments`). Independent of the as-of date, so one run
    works it out once for every date it looks at."""
    due, missing_terms = _due_dates(invoices, customers)
    invoices, payments = with_document_keys(invoices.assign(DueDate=due), payments)
    applied, unapplied = split_payments(invoices, payments)
    return KeyedLedger(invoices, payments, applied, unapplied, missing_terms)


@dataclass(frozen=True, eq=False)
class OpenPosition:
    """The receivable as of one date (see :func:`position_as_of`): the common start of the receivables
    figures, the chase list and the bad-debt allowance of that date."""

    as_of: pd.Timestamp
    ledger: KeyedLedger
    unapplied_to_date: pd.Series   # per customer, receipts not applied to an invoice, dated <= as_of (currency)
    items: pd.DataFrame            # :func:`open_items` as of as_of
    debit: pd.DataFrame            # the open invoices after credits (:func:`outstanding_invoices`)
    credit: pd.Series              # per customer, the credits set against them (currency)


def position_as_of(ledger: KeyedLedger, as_of, decimals: int = 2) -> OpenPosition:
    """The open position of ``ledger`` as of AsOfDate: unapplied receipts to date per customer, open items
    (:func:`open_items`) and the open invoices after credits (:func:`outstanding_invoices`)."""
    unapplied = ledger.unapplied
    unapplied_to_date = unapplied[unapplied["PaymentDate"] <= as_of].groupby("CustomerID")["Amount"].sum()
    items = open_items(ledger.invoices, ledger.applied, as_of, decimals)
    debit, credit = outstanding_invoices(items, unapplied_to_date, as_of)
    return OpenPosition(as_of, ledger, unapplied_to_date, items, debit, credit)


def open_position(invoices: pd.DataFrame, payments: pd.DataFrame | None, customers: pd.DataFrame, as_of,
                  dq: DataQuality | None = None, decimals: int = 2) -> OpenPosition:
    """The open position as of AsOfDate (:func:`position_as_of`) worked out from the tables; ``dq`` is told
    of invoices without a DueDate or terms."""
    ledger = keyed_ledger(invoices, payments, customers)
    _note_missing_terms(ledger.invoices, ledger.missing_terms, dq)
    return position_as_of(ledger, as_of, decimals)


def follow_up_level(days_overdue: pd.Series, levels: tuple[int, ...]) -> pd.Series:
    """The number (1 .. len(levels)) of the highest FollowUpLevels threshold
    the days overdue have reached; 0 below the first (not yet due included)."""
    return pd.Series(np.searchsorted(np.asarray(levels), days_overdue.to_numpy(), side="right"),
                     index=days_overdue.index).astype("int64")


def chase_list(invoices: pd.DataFrame, payments: pd.DataFrame | None, customers: pd.DataFrame, as_of,
               levels: tuple[int, ...], last_contact: pd.Series | None, decimals: int = 2,
               position: OpenPosition | None = None) -> pd.DataFrame:
    """The open items as collection works them (催收清单): one row per invoice
    still open on AsOfDate after the customer's credits (see
    :func:`outstanding_invoices`), with the customer's account manager, the
    days overdue, FollowUpLevel (see :func:`follow_up_level`) and the last
    contact on or before AsOfDate; Owner is the customer's AccountManager. Sorted by level, then days overdue, then
    amount, highest first. ``position``: the open position of these invoices and payments as of AsOfDate
    (:func:`open_position`), when already worked out."""
    position = position if position is not None else open_position(invoices, payments, customers, as_of, None,
                                                                    decimals)
    debit = position.debit[position.debit["Outstanding"] > 0.005]
    info = customers.set_index("CustomerID")
    table = pd.DataFrame({
        "CustomerID": debit["CustomerID"], "CustomerName": debit["CustomerID"].map(info["CustomerName"]),
        "Owner": debit["CustomerID"].map(info["AccountManager"]), "InvoiceNo": debit["InvoiceNo"],
        "InvoiceDate": debit["InvoiceDate"], "DueDate": debit["DueDate"], "Amount": debit["Amount"],
        "OpenAmount": round_money(debit["Outstanding"], decimals), "DaysOverdue": debit["DaysOverdue"],
        "FollowUpLevel": follow_up_level(debit["DaysOverdue"], levels),
        "LastContact": debit["CustomerID"].map(last_contact) if last_contact is not None else pd.NaT,
    })
    return (table.sort_values(["FollowUpLevel", "DaysOverdue", "OpenAmount", "CustomerID", "InvoiceNo"],
                              ascending=[False, False, False, True, True], kind="stable").reset_index(drop=True))


def receivables(invoices: pd.DataFrame, payments: pd.DataFrame | None, customers: pd.DataFrame,
                as_of, start, end, buckets: tuple[int, ...], dq: DataQuality | None = None,
                opening_known: bool = True, decimals: int = 2,
                average_method: str = "OpeningClosing", aging_basis: str = "DueDate",
                position: OpenPosition | None = None) -> pd.DataFrame:
    """Per customer: OpenBalance and its aging buckets (days overdue, and with
    ``aging_basis`` InvoiceDate also the ages from the invoice date; see
    :func:`aging`) as of AsOfDate,
    OverdueShare = overdue / OpenBalance, CreditSales (invoices dated in the
    period), AverageAR = (AR at PeriodStart - 1 day + AR at PeriodEnd) / 2,
    (or with ``average_method`` MonthEnd, see :func:`average_ar_month_end`),
    ARTurnover = CreditSales / AverageAR (times), DSO = period days /
    ARTurnover (days), DSOCountback (see :func:`countback_dso`), AvgDaysToPay and AvgDaysLate (amount-weighted over
    applied payments received in the period, from InvoiceDate and DueDate,
    late days floored at 0), CreditUtilization = OpenBalance / CreditLimit,
    CreditRisk. Money is rounded to the minor unit (``decimals``) per open
    item and per customer. With ``opening_known`` False (the invoices do not
    reach back before PeriodStart) AverageAR, ARTurnover and DSO are empty. ``position``: the open position
    of these invoices and payments as of AsOfDate (:func:`open_position`), when already worked out."""
    customer_ids = pd.Index(customers["CustomerID"], name="CustomerID")
    if position is None:
        position = open_position(invoices, payments, customers, as_of, dq, decimals)
    else:
        _note_missing_terms(position.ledger.invoices, position.ledger.missing_terms, dq)
    ledger, unapplied_to_date, items = position.ledger, position.unapplied_to_date, position.items
    invoices, payments, applied = ledger.invoices, ledger.payments, ledger.applied
    names = bucket_names(buckets)
    outstanding = (position.debit, position.credit)
    table = aging(items, unapplied_to_date, as_of, buckets, customer_ids, decimals, outstanding=outstanding)
    if aging_basis == "InvoiceDate":   # overdue measures still count from the due date
        table = table.join(aging(items, unapplied_to_date, as_of, buckets, customer_ids, decimals, "InvoiceDate",
                                 outstanding))
    table.insert(0, "OpenBalance", round_money(per_customer(items.groupby("CustomerID")["Open"].sum(), customer_ids)
                                               - per_customer(unapplied_to_date, customer_ids), decimals))
    table["OverdueShare"] = ratio(table[names[1:]].sum(axis=1), table["OpenBalance"])
    table["CreditSales"] = round_money(per_customer(
        in_window(invoices, "InvoiceDate", start, end).groupby("CustomerID")["Amount"].sum(), customer_ids), decimals)
    closing = balance_as_of(invoices, payments, end, customer_ids, decimals)
    if not opening_known:
        table["AverageAR"] = np.nan
    elif average_method == "MonthEnd":
        table["AverageAR"] = round_money(average_ar_month_end(invoices, payments, start, end, customer_ids, decimals),
                                         decimals)
    else:
        opening = balance_as_of(invoices, payments, start - pd.Timedelta(days=1), customer_ids, decimals)
        table["AverageAR"] = average_ar(opening, closing)
    table["ARTurnover"] = ar_turnover(table["CreditSales"], table["AverageAR"])
    table["DSO"] = days_sales_outstanding(float((end - start).days + 1), table["ARTurnover"])
    table["DSOCountback"] = countback_dso(closing, invoices, end, invoices["InvoiceDate"].min(), customer_ids,
                                          decimals=decimals)
    table["AvgDaysToPay"], table["AvgDaysLate"] = days_to_pay(applied, invoices, start, end, customer_ids)
    limits = customers.set_index("CustomerID")["CreditLimit"].reindex(customer_ids)
    table["CreditUtilization"] = ratio(table["OpenBalance"], limits)
    table["CreditRisk"] = credit_risk(table, names)
    return table


def provision_band(age_days: pd.Series, rates: pd.DataFrame) -> pd.Series:
    """The position in ``rates`` (sorted by ToDays, the open-ended band last)
    of the band each age falls in: the first whose ToDays is >= the age."""
    limits = rates["ToDays"].fillna(np.inf).to_numpy()
    return pd.Series(np.searchsorted(limits, age_days.to_numpy(), side="left"), index=age_days.index)


def bad_debt_allowance(invoices: pd.DataFrame, payments: pd.DataFrame | None, customers: pd.DataFrame, as_of,
                       bands: pd.DataFrame, decimals: int = 2,
                       position: OpenPosition | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(per customer, per customer and band). The receivable still open on
    AsOfDate after credits (see :func:`outstanding_invoices`) is aged from
    the invoice date (账龄 counts from recognition) into the age ``bands`` of
    :func:`kam_xl.inputs.policies.provision_policy`; allowance = open amount × the band's rate
    (fraction), rounded per band. A customer's SpecificProvisionAmount
    (单项计提, currency, at most its gross receivable), else its
    SpecificProvisionRate × its gross receivable, replaces the bands. Per
    customer: GrossReceivable, one column per band (its gross receivable),
    Allowance, NetReceivable = GrossReceivable - Allowance, CreditBalance
    (currency, <= 0: the credit left after all its open invoices, on which no
    allowance is made; GrossReceivable + CreditBalance = OpenBalance), Method
    ('Specific' or 'Aging'); per band: Band, FromDays, ToDays, Rate,
    GrossReceivable, Allowance (empty for a customer provided for specifically). ``position``: the open
    position of these invoices and payments as of AsOfDate (:func:`open_position`), when already worked out."""
    ids = pd.Index(customers["CustomerID"], name="CustomerID")
    position = position if position is not None else open_position(invoices, payments, customers, as_of, None,
                                                                    decimals)
    debit, credit = position.debit, position.credit
    # An age beyond a policy's last limit is in its last band (the analysis warns of a policy without an open end).
    band = provision_band((as_of - debit["InvoiceDate"]).dt.days, bands).clip(upper=len(bands) - 1)
    by_band = (pd.DataFrame({"CustomerID": debit["CustomerID"], "band": band, "GrossReceivable": debit["Outstanding"]})
               .groupby(["CustomerID", "band"], sort=True)["GrossReceivable"].sum().reset_index())
    by_band["GrossReceivable"] = round_money(by_band["GrossReceivable"], decimals)
    by_band = by_band[by_band["GrossReceivable"] > 0]
    by_band = by_band.join(bands[["Band", "FromDays", "ToDays", "Rate"]], on="band")
    by_band["Allowance"] = round_money(by_band["GrossReceivable"] * by_band["Rate"], decimals)
    gross = per_customer(by_band.groupby("CustomerID")["GrossReceivable"].sum(), ids)
    aging_allowance = per_customer(by_band.groupby("CustomerID")["Allowance"].sum(), ids)
    info = customers.set_index("CustomerID").reindex(ids)
    amount = np.minimum(info["SpecificProvisionAmount"], gross)   # never more than is owed
    specific = amount.where(amount.notna(), info["SpecificProvisionRate"] * gross)
    allowance = round_money(specific.where(specific.notna(), aging_allowance), decimals)
    table = pd.DataFrame({"GrossReceivable": round_money(gross, decimals)}, index=ids)
    columns = by_band.set_index(["CustomerID", "band"])["GrossReceivable"].unstack()   # one row per pair already
    for position, name in enumerate(bands["Band"]):
        in_band = columns[position].reindex(ids) if position in columns else pd.Series(np.nan, index=ids)
        table[name] = in_band.fillna(0.0)
    table["Allowance"] = allowance
    table["NetReceivable"] = round_money(table["GrossReceivable"] - table["Allowance"], decimals)
    table["CreditBalance"] = -round_money(credit_left(debit, credit, ids), decimals) + 0.0
    table["Method"] = np.where(specific.notna(), "Specific", "Aging")
    by_band.loc[by_band["CustomerID"].map(specific.notna()).astype(bool).to_numpy(), "Allowance"] = np.nan
    rows = by_band[["CustomerID", "Band", "FromDays", "ToDays", "Rate", "GrossReceivable", "Allowance"]]
    return table, rows.reset_index(drop=True)


FORECAST_WEEKS = 13
FORECAST_MONTHS = 12


def forecast_buckets(as_of: pd.Timestamp) -> pd.DataFrame:
    """The cash-forecast periods after AsOfDate: 13 weeks (week 1 = the 7 days
    after AsOfDate), then calendar months from the day after week 13 to the
    end of the 12th month: Bucket, PeriodStart, PeriodEnd (dates, both
    included), Granularity (Week | Month)."""
    rows = []
    start = as_of + pd.Timedelta(days=1)
    for week in range(1, FORECAST_WEEKS + 1):
        rows.append((f"W{week:02d}", start, start + pd.Timedelta(days=6), "Week"))
        start += pd.Timedelta(days=7)
    for _ in range(FORECAST_MONTHS):
        end = start + pd.offsets.MonthEnd(0)
        rows.append((start.strftime("%Y-%m"), start, end, "Month"))
        start = end + pd.Timedelta(days=1)
    return pd.DataFrame(rows, columns=["Bucket", "PeriodStart", "PeriodEnd", "Granularity"])


def expected_receipts(open_items: pd.DataFrame, avg_days_late: pd.Series, as_of: pd.Timestamp,
                      payments: pd.DataFrame | None, prior_shift, doubtful_after: int,
                      decimals: int = 2) -> pd.DataFrame:
    """The cash forecast of the open receivable (currency). Each invoice still
    open (``open_items``: CustomerID, DueDate, OpenAmount, DaysOverdue) is
    expected on its DueDate + the customer's AvgDaysLate (amount-weighted, 0
    without payment history). Stated rules for what is already late: an
    invoice more than ``doubtful_after`` days overdue is not forecast (the
    Doubtful row); one whose expected date has passed is expected in week 1.
    Per bucket of :func:`forecast_buckets`: Expected, Invoices (count), and
    PriorActual, the receipts actually seen in the same dates moved back by
    ``prior_shift`` (a Timedelta or DateOffset: the prior period's dates). A Later row holds what is
    expected after the last month (Granularity Later), a Doubtful row what is
    not forecast (Granularity Doubtful)."""
    buckets = forecast_buckets(as_of)
    items = open_items[open_items["OpenAmount"] > 0]
    doubtful = items["DaysOverdue"] > doubtful_after
    late = items["CustomerID"].map(avg_days_late).astype("float64").fillna(0.0)
    expected = items["DueDate"] + pd.to_timedelta(late.round(), unit="D")
    expected = expected.where(expected > as_of, as_of + pd.Timedelta(days=1))
    position = np.searchsorted(buckets["PeriodEnd"].to_numpy(), expected.to_numpy(), side="left")
    forecast = items[~doubtful].assign(position=position[~doubtful.to_numpy()])
    sums = forecast.groupby("position")["OpenAmount"].agg(["sum", "size"])
    table = buckets.copy()
    table["Expected"] = round_money(sums["sum"].reindex(range(len(buckets))).fillna(0.0).to_numpy(), decimals)
    table["Invoices"] = sums["size"].reindex(range(len(buckets))).fillna(0).astype("int64").to_numpy()
    paid = payments if payments is not None else pd.DataFrame({"PaymentDate": pd.Series(dtype="datetime64[ns]"),
                                                               "Amount": pd.Series(dtype="float64")})
    def received(start, end, granularity) -> float:
        start, end = start - prior_shift, end - prior_shift
        if granularity == "Month":   # a whole month back is a whole month (Feb 28 - 6 months is Aug 31)
            end = end + pd.offsets.MonthEnd(0)
        dates = paid["PaymentDate"]
        return round_money(float(paid.loc[(dates >= start) & (dates <= end), "Amount"].sum()), decimals)
    table["PriorActual"] = [received(*bucket) for bucket in
                            zip(table["PeriodStart"], table["PeriodEnd"], table["Granularity"])]
    later = forecast[forecast["position"] >= len(buckets)]
    extra = pd.DataFrame([("Later", buckets["PeriodEnd"].iloc[-1] + pd.Timedelta(days=1), pd.NaT, "Later",
                           round_money(float(later["OpenAmount"].sum()), decimals), len(later), np.nan),
                          ("Doubtful", pd.NaT, pd.NaT, "Doubtful",
                           round_money(float(items.loc[doubtful, "OpenAmount"].sum()), decimals), int(doubtful.sum()),
                           np.nan)],
                         columns=table.columns)
    return pd.concat([table, extra], ignore_index=True)
