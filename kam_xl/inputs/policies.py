"""The policy tables read into clean, typed frames: ProvisionRates (the bad-debt provision policy: age bands and
specific provisions) and Targets (each customer's and account manager's targets by period). Every row that
cannot be used is named in DataQuality with its row, column and value and left out, so the core (analysis, the
domain) receives only rows it can use; nothing is dropped silently, no value is invented."""
from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from kam_xl.inputs.parsing import parse_period
from kam_xl.quality import ERROR, INFO, WARNING, DataQuality

# Bad-debt provision by age when no ProvisionRates table is given: a common Chinese policy
# (账龄组合: within 1 year 5 %, 1-2 years 10 %, 2-3 years 30 %, over 3 years 100 %).
DEFAULT_PROVISION_RATES = pd.DataFrame({"Band": ["0-1y", "1-2y", "2-3y", "3y+"],
                                        "FromDays": [0.0, 366.0, 731.0, 1096.0],
                                        "ToDays": [365.0, 730.0, 1095.0, np.nan], "Rate": [0.05, 0.10, 0.30, 1.0]})
# Provision columns a band label may not take (the band's column would hide them).
_PROVISION_FIGURES = {"CustomerID", "GrossReceivable", "Allowance", "NetReceivable", "CreditBalance", "Method",
                      "PriorAllowance", "Charge"}


def provision_policy(rates: pd.DataFrame | None, dq: DataQuality | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(age bands, specific provisions) of a ProvisionRates table.

    Rows without a CustomerID are age bands: a band covers ages FromDays ..
    ToDays (days, both included); a blank ToDays is read from the next band's
    FromDays - 1, and the band left without one has no upper limit. Bands are
    ordered and read by ToDays, so a FromDays that does not follow the band
    before is a Warning (the band covers from the day after the one before).
    A blank Band is named by its days ("366-730", "1096+"). Rows with a
    CustomerID are that customer's specific provision (单项计提): Rate
    (fraction) or Amount (currency; wins over Rate). Rows that cannot be used
    (no rate; a second band without limit; a customer twice) are Errors.
    Without any band the documented default policy is used (Info).
    Bands: Band, FromDays, ToDays, Rate; specific: index CustomerID,
    SpecificProvisionRate, SpecificProvisionAmount (and _row, the table row)."""
    log = _logger(dq)
    if rates is None:
        rates = DEFAULT_PROVISION_RATES.iloc[:0].assign(CustomerID=None, Amount=np.nan)
    specific_rows = rates["CustomerID"].notna() if "CustomerID" in rates else pd.Series(False, index=rates.index)
    specific = _specific_provisions(rates[specific_rows], log)
    bands = rates[~specific_rows]
    no_rate = bands["Rate"].isna()
    log(ERROR, "provision.rate_blank", bands, no_rate, "Rate")
    bands = bands[~no_rate]
    if bands.empty:
        if dq is not None:
            dq.add(INFO, "ProvisionRates", "provision.default")
        return DEFAULT_PROVISION_RATES.copy(), specific
    return _age_bands(bands, log, dq), specific


def _logger(dq: DataQuality | None):
    """log(severity, key, frame, mask, column, **values): one ProvisionRates message per row of ``frame`` where
    ``mask`` holds, naming its row, the column and its value (days as typed); a value may be computed per row."""
    def log(severity, key, frame, mask, column, **values):
        if dq is None:
            return
        for index in frame.index[mask]:
            row = int(frame.at[index, "_row"]) if "_row" in frame else None
            value = frame.at[index, column]
            value = None if value is None or pd.isna(value) else _days(value) if isinstance(value, float) else value
            dq.add(severity, "ProvisionRates", key, row, column, value,
                   **{k: (v(frame.loc[index]) if callable(v) else v) for k, v in values.items()})
    return log


def _specific_provisions(specific: pd.DataFrame, log) -> pd.DataFrame:
    """The rows with a CustomerID: that customer's Rate, or its Amount (which wins); a row with neither, or a
    customer's second row, is an Error and not used. Index CustomerID."""
    unusable = specific["Rate"].isna() & specific["Amount"].isna()
    log(ERROR, "provision.specific_blank", specific, unusable, "Rate")
    twice = specific["CustomerID"].duplicated() & ~unusable
    log(ERROR, "provision.specific_twice", specific, twice, "CustomerID")
    specific = specific[~unusable & ~twice]
    if not len(specific):
        return pd.DataFrame({"SpecificProvisionRate": pd.Series(dtype="float64"),
                             "SpecificProvisionAmount": pd.Series(dtype="float64")},
                            index=pd.Index([], dtype=object, name="CustomerID"))
    return pd.DataFrame({"SpecificProvisionRate": specific["Rate"].where(specific["Amount"].isna()).to_numpy(),
                         "SpecificProvisionAmount": specific["Amount"].to_numpy(),
                         "_row": specific["_row"].to_numpy() if "_row" in specific else None},
                        index=pd.Index(specific["CustomerID"], name="CustomerID"))


def _age_bands(bands: pd.DataFrame, log, dq: DataQuality | None) -> pd.DataFrame:
    """The age bands (rows with a rate) in order of ToDays, each from the day after the one before, named, and
    at most one without an upper limit (see :func:`provision_policy`)."""
    bands = bands.assign(FromDays=bands.get("FromDays", np.nan), ToDays=bands.get("ToDays", np.nan))
    by_start = bands.sort_values("FromDays", kind="stable")
    next_start = by_start["FromDays"].shift(-1) - 1
    bands["ToDays"] = bands["ToDays"].fillna(next_start.reindex(bands.index).where(by_start["FromDays"].notna()))
    bands = bands.sort_values(["ToDays", "FromDays"], na_position="last", kind="stable")
    open_ended = bands["ToDays"].isna()
    extra_open = open_ended & open_ended.cumsum().gt(1)
    log(ERROR, "provision.two_open_bands", bands, extra_open, "ToDays")
    bands = bands[~extra_open]
    implied = (bands["ToDays"].shift(1) + 1).fillna(0.0)
    off = bands["FromDays"].notna() & (bands["FromDays"] != implied)
    log(WARNING, "provision.band_edge", bands, off, "FromDays",
        previous=lambda r: _days(implied[r.name] - 1), start=lambda r: _days(implied[r.name]))
    bands = bands.assign(FromDays=implied)
    named = bands["FromDays"].map(_days) + np.where(
        bands["ToDays"].isna(), "+", "-" + bands["ToDays"].map(lambda d: "" if pd.isna(d) else _days(d)))
    label = bands["Band"].where(bands["Band"].notna(), named) if "Band" in bands else named
    clash = label.duplicated() | label.isin(_PROVISION_FIGURES)
    log(WARNING, "provision.band_renamed", bands.assign(Band=label), clash, "Band",
        name=lambda r: f"{label[r.name]} {named[r.name]}")
    bands = bands.assign(Band=label.where(~clash, label + " " + named))
    if dq is not None and bands["ToDays"].notna().all():
        dq.add(WARNING, "ProvisionRates", "provision.no_open_band", None, "ToDays", None,
               last=_days(bands["ToDays"].max()))
    return bands[["Band", "FromDays", "ToDays", "Rate"]].reset_index(drop=True)


def _days(value: float) -> str:
    """A number of days as typed: 365, 1000000 or 30.5 (never 1e+06)."""
    return f"{value:.15g}"


def with_specific_provisions(customers: pd.DataFrame, specific: pd.DataFrame, dq: DataQuality) -> pd.DataFrame:
    """Customers with the specific provisions (单项计提) of ProvisionRates: a
    customer listed there takes its Rate or Amount instead of those in
    Customers (a Warning when Customers said something else)."""
    if specific.empty:
        return customers
    info = customers.set_index("CustomerID")
    listed = info.index.isin(specific.index)
    columns = ["SpecificProvisionRate", "SpecificProvisionAmount"]
    before = info.loc[listed, columns]
    after = specific.reindex(before.index)[columns]
    differs = (before.notna() & ~np.isclose(before.fillna(0.0), after.fillna(0.0))).any(axis=1)
    for cid in differs[differs].index:
        dq.add(WARNING, "ProvisionRates", "provision.specific_replaces", int(specific.at[cid, "_row"]), "CustomerID",
               cid, customers=", ".join(f"{c} {v:g}" for c, v in before.loc[cid].dropna().items()))
    info.loc[listed, columns] = after.to_numpy()
    return info.reset_index()


def targets_table(targets: pd.DataFrame, managers: pd.Series, measures: tuple[str, ...], period_start: pd.Timestamp,
                  period_end: pd.Timestamp, dq: DataQuality) -> pd.DataFrame:
    """The usable rows of the Targets table: Level (Customer, or AccountManager), Key (the CustomerID, or the
    account manager as Customers spells it), Start and End (the period's days) and the ``measures`` (currency;
    blank: no target). A period that is not understood, a row without CustomerID or AccountManager, an account
    manager no customer has (``managers``: AccountManager by CustomerID), or a row without any target is an Error
    and not used, as is a target whose period overlaps an earlier one of the same key and measure (a sale would
    count twice). A row with both keys is the customer's target. Targets that run past the period or the year to
    date are kept, and an Info says they are not counted there."""
    periods = targets["Period"].map(functools.cache(parse_period))   # a month's text repeats for every key
    known = {str(m).strip().casefold(): m for m in managers.dropna().unique()}
    manager = targets["AccountManager"].map(lambda m: known.get(str(m).strip().casefold()) if pd.notna(m) else None)
    checks = [
        ("targets.period", "Period", periods.isna()),
        ("targets.no_key", "CustomerID", targets["CustomerID"].isna() & targets["AccountManager"].isna()),
        ("targets.unknown_manager", "AccountManager",
         targets["CustomerID"].isna() & targets["AccountManager"].notna() & manager.isna()),
        ("targets.empty", "Revenue", targets[list(measures)].isna().all(axis=1)),
    ]
    usable = pd.Series(True, index=targets.index)
    for key, column, bad in checks:
        for index in bad[bad & usable].index:
            dq.add(ERROR, "Targets", key, int(targets.at[index, "_row"]), column, targets.at[index, column])
        usable &= ~bad
    table = pd.DataFrame({
        "Level": np.where(targets["CustomerID"].notna(), "Customer", "AccountManager"),
        "Key": targets["CustomerID"].where(targets["CustomerID"].notna(), manager),
        "Start": periods.map(lambda x: x[0] if x else pd.NaT), "End": periods.map(lambda x: x[1] if x else pd.NaT),
        **{m: targets[m] for m in measures}}, index=targets.index)
    table = _without_overlaps(table[usable], targets, measures, dq)
    year_start = pd.Timestamp(period_end.year, 1, 1)
    past = ((table["Start"] < period_start) & (table["End"] >= period_start)) | \
        ((table["Start"] <= period_end) & (table["End"] > period_end)) | \
        ((table["Start"] < year_start) & (table["End"] >= year_start))
    if past.any():
        dq.add(INFO, "Targets", "targets.partial", rows=int(past.sum()))
    return table


def _without_overlaps(table: pd.DataFrame, targets: pd.DataFrame, measures: tuple[str, ...],
                      dq: DataQuality) -> pd.DataFrame:
    """``table`` with each measure's target emptied (an Error) where its period overlaps an earlier row's of the
    same key: a key's periods for one measure must not overlap, or a sale counts twice."""
    table = table.copy()
    for measure in measures:
        kept: dict = {}
        rows = table.loc[table[measure].notna(), ["Level", "Key", "Start", "End"]]
        for index, level, key, start, end in rows[overlapping_keys(rows)].itertuples():
            if any(start <= e and s <= end for s, e in kept.get((level, key), [])):
                dq.add(ERROR, "Targets", "targets.overlap", int(targets.at[index, "_row"]), "Period",
                       targets.at[index, "Period"], measure=f"~measure.{measure}")
                table.loc[index, measure] = np.nan
            else:
                kept.setdefault((level, key), []).append((start, end))
    return table


def overlapping_keys(rows: pd.DataFrame) -> pd.Series:
    """The rows (Level, Key, Start, End) of the keys with two periods that share a day: a period overlaps an
    earlier-starting one of its key when it starts on or before the latest end among them."""
    ordered = rows.sort_values(["Level", "Key", "Start"], kind="stable")
    key = ordered.groupby(["Level", "Key"], sort=False).ngroup()
    overlaps = ordered["Start"] <= ordered["End"].groupby(key).cummax().groupby(key).shift()
    return key.isin(key[overlaps]).reindex(rows.index)
