"""Parameters (docs/CONTRACT.md section 1): defaults, parsing and validation."""
from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from kam_xl.contract import file_parameters, normalize_name
from kam_xl.inputs.parsing import parse_date, parse_number, parse_period
from kam_xl.inputs.safe_io import InputError
from kam_xl.quality import ERROR, INFO, DataQuality
from kam_xl.words import CATALOGUES, catalogue, language_spellings, message, word

DEFAULT_POTENTIAL_WEIGHTS = {"CLV": 0.4, "Growth": 0.2, "Industry": 0.15, "Wallet": 0.15, "Alive": 0.1}
DEFAULT_CADENCE = {"A": 30, "B": 60, "C": 90}
ABC_BASES = ("NetRevenue", "GrossProfit", "NetProfit")
AVERAGE_AR_METHODS = ("OpeningClosing", "MonthEnd")
AGING_BASES = ("DueDate", "InvoiceDate")
PURCHASE_MODELS = ("BGNBD", "ParetoNBD", "Auto")
_YES, _NO = ("TRUE", "yes", "y", "1", "1.0", "是", "真"), ("FALSE", "no", "n", "0", "0.0", "否", "假")
# Parameters that take one of a few values: (the values, other spellings -> value). Word key reason.<field>.
CHOICES = {
    "average_ar_method": (AVERAGE_AR_METHODS, {"期初期末": "OpeningClosing", "月末": "MonthEnd"}),
    "purchase_model": (PURCHASE_MODELS, {"BG/NBD": "BGNBD", "Pareto/NBD": "ParetoNBD", "自动": "Auto"}),
    "aging_basis": (AGING_BASES, {"到期日": "DueDate", "开票日期": "InvoiceDate", "开票日": "InvoiceDate"}),
    "provision_in_net_profit": ((), {**dict.fromkeys(_YES, True), **dict.fromkeys(_NO, False)}),
}
# The collection steps FollowUpLevels sets the days of (word keys followup.<step> in kam_xl.words).
FOLLOW_UP_STEPS = ("reminder", "call", "manager", "stop_deliveries", "legal")   # a language is a words catalogue

# Chinese aliases of parameter names (matching as for column names): the words catalogue's.
PARAMETER_ZH = CATALOGUES["zh-CN"].PARAMETERS


@dataclass(frozen=True)
class Params:
    """Resolved parameters. Dates are pandas Timestamps; rates are fractions per year."""

    as_of_date: pd.Timestamp | None = None
    period_start: pd.Timestamp | None = None
    period_end: pd.Timestamp | None = None
    reporting_currency: str = "CNY"
    abc_basis: str = "NetRevenue"
    abc_share_a: float = 0.80
    abc_share_b: float = 0.95
    aging_buckets: tuple[int, ...] = (30, 60, 90)
    aging_basis: str = "DueDate"   # or InvoiceDate: the Receivables buckets count from the invoice date
    average_ar_method: str = "OpeningClosing"   # or MonthEnd: the mean of the month-end balances
    cost_of_capital: float = 0.06
    forecast_months: int = 12
    discount_rate: float = 0.10
    potential_weights: dict = field(default_factory=lambda: dict(DEFAULT_POTENTIAL_WEIGHTS))
    contact_cadence_days: dict = field(default_factory=lambda: dict(DEFAULT_CADENCE))
    language: str | None = None   # None: not set; the input's header language is used
    data_start: pd.Timestamp | None = None   # records complete from this date; None: the earliest date in each table
    min_coverage: float = 0.95    # share of a comparison period the data must cover for it to be compared
    vat_rate: float = 0.13        # for NetRevenue from a tax-inclusive amount on lines without a TaxRate
    # Days overdue at which collection steps up: reminder, call, account manager, stop deliveries, legal.
    follow_up_levels: tuple[int, ...] = (1, 15, 30, 60, 90)
    provision_in_net_profit: bool = False   # NetProfit after the period's bad-debt charge
    trend_months: int = 12   # calendar months shown month by month, up to the one holding AsOfDate
    previous_summary: str | None = None   # last period's summary, whose actions are reviewed
    purchase_model: str = "BGNBD"   # or ParetoNBD, or Auto: the lower holdout error, else the lower AIC
    holdout_months: int | None = None   # the last months held out to check the purchase models' forecast
    # Not a parameter: set by resolved() when PeriodStart was not given and came from where the records begin
    # (a ledger shorter than the default year), so that DataQuality can say so.
    records_begin: pd.Timestamp | None = field(default=None, compare=False, repr=False)

    @property
    def period_days(self) -> int:
        """Days in [PeriodStart, PeriodEnd], both included."""
        return int((self.period_end - self.period_start).days) + 1

    @property
    def span(self) -> str:
        """The period as written in the summary: '2026-01-01 – 2026-06-30'."""
        return f"{self.period_start.date()} – {self.period_end.date()}"

    @property
    def calendar_months(self) -> int | None:
        """How many calendar months the period spans when it is made of whole
        months (PeriodStart on a 1st, PeriodEnd on a month's last day), else None."""
        start, end = self.period_start, self.period_end
        if start.day != 1 or (end + pd.Timedelta(days=1)).day != 1:
            return None
        return (end.year - start.year) * 12 + end.month - start.month + 1

    @property
    def comparison(self) -> str:
        """What the prior period is: 'month', 'quarter', 'months' (whole
        calendar months) or 'days' (the same number of days just before)."""
        months = self.calendar_months
        return "days" if months is None else {1: "month", 3: "quarter"}.get(months, "months")

    def prior(self) -> "Params":
        """The period just before, with balances as of its end: the previous
        calendar month(s) when the period is whole calendar months (March ->
        February, a quarter -> the quarter before), else the same number of
        days just before."""
        end = self.period_start - pd.Timedelta(days=1)
        months = self.calendar_months
        if months is not None:
            start = self.period_start - pd.DateOffset(months=months)
        else:
            start = end - pd.Timedelta(days=self.period_days - 1)
        return dataclasses.replace(self, as_of_date=end, period_start=start, period_end=end)

    def last_year(self) -> "Params":
        """The same period a year earlier (month ends stay month ends: a
        February report compares with the whole February before)."""
        start = self.period_start - pd.DateOffset(years=1)
        end = self.period_end - pd.DateOffset(years=1)
        if self.calendar_months is not None:
            end = end + pd.offsets.MonthEnd(0)
        return dataclasses.replace(self, as_of_date=end, period_start=start, period_end=end)

    def resolved(self, dates: "DataDates | pd.Timestamp | None", language: str | None = None) -> "Params":
        """Fill the defaults from the data's dates (:class:`DataDates`; a
        Timestamp is the latest date alone): AsOfDate = the latest date in the
        data, PeriodEnd = AsOfDate, PeriodStart = PeriodEnd - 12 months + 1 day,
        or, when the records begin after that (a short ledger), the first month
        they cover whole with its opening receivables (:meth:`_short_ledger_start`);
        Language, when not set, ``language`` (that of the input's headers), else en.

        A period that cannot be is refused (:class:`ParameterRefusal`, in the
        user's language) before anything runs: PeriodEnd or AsOfDate before
        PeriodStart, or PeriodStart after the last date in the data."""
        dates = dates if isinstance(dates, DataDates) else DataDates(latest=dates)
        language = self.language or language or "en"
        as_of = self.as_of_date if self.as_of_date is not None else dates.latest
        if as_of is None:
            as_of = pd.Timestamp.today().normalize()
        end = self.period_end if self.period_end is not None else as_of
        start, begin = self.period_start, None
        if start is None:
            start = end - pd.DateOffset(months=12) + pd.Timedelta(days=1)
            short = self._short_ledger_start(dates, start, min(end, as_of, dates.latest or end))
            if short is not None:
                start, begin = short, self._records_begin(dates)
        resolved = dataclasses.replace(self, as_of_date=as_of, period_start=start, period_end=end,
                                       language=language, records_begin=begin)
        self._refuse_impossible(resolved, dates.latest)
        return resolved

    def _records_begin(self, dates: "DataDates") -> pd.Timestamp | None:
        """Where the records begin: DataStart when given, else the later of
        the first Sales date and the first Invoices date."""
        if self.data_start is not None:
            return self.data_start
        firsts = [d for d in (dates.first_sales, dates.first_invoice) if d is not None and pd.notna(d)]
        return max(firsts) if firsts else None

    def _short_ledger_start(self, dates: "DataDates", default: pd.Timestamp,
                            last: pd.Timestamp) -> pd.Timestamp | None:
        """The default PeriodStart of a ledger shorter than the default year:
        the first calendar month the sales cover whole and whose opening
        receivables the invoices hold (they begin before it: the month after
        the first invoice; with DataStart, nothing was owed before it, so the
        month DataStart opens). None when the records reach the default start.
        When no such month begins by ``last`` (the earliest of PeriodEnd,
        AsOfDate and the latest record: the period holds a record), the first
        record's date when it is by then, else None."""
        day = pd.Timedelta(days=1)
        if self.data_start is not None:
            months = [(self.data_start - day) + pd.offsets.MonthBegin(1)]
        else:
            months = []
            if dates.first_sales is not None and pd.notna(dates.first_sales):
                months.append((dates.first_sales - day) + pd.offsets.MonthBegin(1))
            if dates.first_invoice is not None and pd.notna(dates.first_invoice):
                months.append(dates.first_invoice + pd.offsets.MonthBegin(1))
        if not months or max(months) <= default:
            return None
        if max(months) <= last:
            return max(months)
        begin = self._records_begin(dates)
        return begin if begin is not None and default < begin <= last else None

    def _refuse_impossible(self, p: "Params", latest: pd.Timestamp | None) -> None:
        """Raise :class:`ParameterRefusal` when ``p``, this resolved, is a
        period that cannot be (see :meth:`resolved`); the message names each
        parameter and its value, a default one as such, a blank one as blank."""
        def shown(field_name: str) -> str:
            name = parameter_name(_CANONICAL[field_name], p.language)
            if getattr(self, field_name) is not None:
                return f"{name} {getattr(p, field_name).date()}"
            if field_name == "as_of_date":   # blank: the latest date in the data
                return f"{name} {word('param.blank', p.language)} → {p.as_of_date.date()}"
            return f"{name} {getattr(p, field_name).date()} ({word('param.by_default', p.language)})"
        if self.period_end is not None and p.period_end < p.period_start:
            raise ParameterRefusal.of("period.end_before_start", p.language, end=shown("period_end"),
                                      start=shown("period_start"))
        if latest is not None and p.period_start > latest:
            raise ParameterRefusal.of("period.after_data", p.language, start=shown("period_start"),
                                      latest=latest.date(), as_of=shown("as_of_date"))
        if p.as_of_date < p.period_start:
            raise ParameterRefusal.of("period.as_of_before_start", p.language, as_of=shown("as_of_date"),
                                      start=shown("period_start"))
        if p.period_end < p.period_start:   # PeriodEnd by default is AsOfDate: not reached; kept as the rule
            raise ParameterRefusal.of("period.end_before_start", p.language, end=shown("period_end"),
                                      start=shown("period_start"))

    def typed(self) -> dict[str, object]:
        """Canonical name -> value as a user types it in the Parameters table:
        numbers as numbers, dates, lists and pairs as text, unset as ''."""
        def typed(value: object) -> object:
            if value is None:
                return ""
            if isinstance(value, pd.Timestamp):
                return value.date().isoformat()
            if isinstance(value, tuple):
                return ",".join(str(v) for v in value)
            if isinstance(value, dict):
                return ", ".join(f"{k} {v}" for k, v in value.items())
            if isinstance(value, bool):   # as a spreadsheet writes it
                return "TRUE" if value else "FALSE"
            return value
        return {_CANONICAL[f.name]: typed(getattr(self, f.name)) for f in dataclasses.fields(self)
                if f.name in _CANONICAL}

    def as_rows(self) -> list[tuple[str, str]]:
        """(Parameter, Value) pairs as a user would type them, for About."""
        return [(name, str(value)) for name, value in self.typed().items()]


_CANONICAL = {
    "as_of_date": "AsOfDate", "period_start": "PeriodStart", "period_end": "PeriodEnd",
    "reporting_currency": "ReportingCurrency", "abc_basis": "ABCBasis", "abc_share_a": "ABCShareA",
    "abc_share_b": "ABCShareB", "aging_buckets": "AgingBuckets", "cost_of_capital": "CostOfCapital",
    "forecast_months": "ForecastMonths", "discount_rate": "DiscountRate",
    "potential_weights": "PotentialWeights", "contact_cadence_days": "ContactCadenceDays",
    "language": "Language", "data_start": "DataStart", "min_coverage": "MinCoverage", "vat_rate": "VATRate",
    "follow_up_levels": "FollowUpLevels", "average_ar_method": "AverageARMethod", "aging_basis": "AgingBasis",
    "provision_in_net_profit": "ProvisionInNetProfit", "trend_months": "TrendMonths",
    "previous_summary": "PreviousSummary", "purchase_model": "PurchaseModel", "holdout_months": "HoldoutMonths",
}
_FIELD_BY_KEY = {normalize_name(v): k for k, v in _CANONICAL.items()}
_FIELD_BY_KEY.update({normalize_name(PARAMETER_ZH[v]): k for k, v in _CANONICAL.items()})


class ParameterError(ValueError):
    """A parameter value that cannot be used; ``reason`` is a word key of
    :mod:`kam_xl.words` (the exception text is its English form)."""

    def __init__(self, key: str):
        self.reason = "~" + key
        super().__init__(word(key, "en"))


class ParameterRefusal(InputError):
    """A parameter, or a command-line option, that cannot be used, refused
    before anything runs (exit code 2): the text is the message in the
    user's language, naming each parameter or option and its value."""

    @classmethod
    def of(cls, key: str, language: str | None, **values) -> "ParameterRefusal":
        return cls(message(key, language or "en", values))

    @classmethod
    def invalid(cls, option: str, value: object, reason: str, language: str | None) -> "ParameterRefusal":
        """``option`` (a parameter's name, or --as-of) with ``value``: ``reason`` (a word key, ``~`` first)."""
        return cls.of("option.invalid", language, option=option, value=value, reason=reason)


def parameter_name(canonical: str, language: str | None) -> str:
    """A parameter's name as the user reads it: its catalogue's name for it (English keeps the canonical)."""
    return catalogue(language).PARAMETERS.get(canonical, canonical)


@dataclass(frozen=True)
class DataDates:
    """The data's dates the period is resolved against (:meth:`Params.resolved`):
    the latest transaction date (the default AsOfDate) and where Sales and
    Invoices begin (the default PeriodStart of a ledger shorter than a year)."""

    latest: pd.Timestamp | None = None
    first_sales: pd.Timestamp | None = None
    first_invoice: pd.Timestamp | None = None


# The tables and date columns whose latest date is the default AsOfDate.
DATED_TABLES = (("Sales", "Date"), ("Invoices", "InvoiceDate"), ("Payments", "PaymentDate"),
                ("Activities", "Date"), ("Contacts", "Date"))


def data_dates(tables: Mapping) -> DataDates:
    """The :class:`DataDates` of the input tables (name -> frame)."""
    def dates(table: str, column: str) -> pd.Series:
        frame = tables.get(table)
        return frame[column].dropna() if frame is not None and column in frame and len(frame) else pd.Series([])
    latest = [d.max() for d in (dates(t, c) for t, c in DATED_TABLES) if len(d)]
    sales, invoices = dates("Sales", "Date"), dates("Invoices", "InvoiceDate")
    return DataDates(max(latest) if latest else None, sales.min() if len(sales) else None,
                     invoices.min() if len(invoices) else None)


# A period as --period and kam.toml's period take it: a month, a quarter, a year, or a range of them or of dates.
_RANGE = re.compile(r"\s*(?:\.\.|–|—|~|～|至|到|\bto\b)\s*")
_FULL_DATE = re.compile(r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?|\d{8}")


def period_bounds(text: object) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """(first day, last day) of a period written as a month ('2026-03'), a
    quarter ('2026Q1'), a year ('2026') or a range of them or of dates
    ('2026-01..2026-03', '2026-01-01..2026-03-31', '2026Q1 至 2026Q2'); None
    when it is none of these or runs backwards."""
    value = unicodedata.normalize("NFKC", str(text)).strip()
    parts = [part for part in _RANGE.split(value) if part]
    if len(parts) == 1:
        return parse_period(parts[0])
    if len(parts) != 2:
        return None
    bounds = []
    for side, part in enumerate(parts):
        if _FULL_DATE.fullmatch(part):   # a day, not the month a date on the 1st may stand for
            parsed, bad = parse_date(pd.Series([part], dtype="object"))
            bounds.append(None if bad.iloc[0] or pd.isna(parsed.iloc[0]) else parsed.iloc[0])
        else:
            period = parse_period(part)
            bounds.append(None if period is None else period[side])
    if None in bounds or bounds[1] < bounds[0]:
        return None
    return bounds[0], bounds[1]


_PAIR = re.compile(r"([A-Za-z\u4e00-\u9fff]+)\s*[:=]?\s*(-?[\d.]+)")


def _weights(text: str, allowed: dict) -> dict:
    pairs = {k: float(v) for k, v in _PAIR.findall(text)}
    keys = {normalize_name(k): k for k in allowed}
    keys.update({normalize_name(shown): k for words in CATALOGUES.values() for k, shown in words.WEIGHTS.items()
                 if k in allowed})   # 客户终身价值 0.4 ... as About writes them in Chinese
    result = {keys[normalize_name(k)]: v for k, v in pairs.items() if normalize_name(k) in keys}
    if not pairs or len(result) != len(pairs) or any(v < 0 for v in result.values()):
        raise ParameterError("reason.weights" if allowed is DEFAULT_POTENTIAL_WEIGHTS else "reason.cadence")
    return {k: result.get(k, 0.0) for k in allowed}


def _one(value: object, parser) -> object:
    parsed, bad = parser(pd.Series([value], dtype="object"))
    if bad.iloc[0] or pd.isna(parsed.iloc[0]):
        raise ParameterError("reason.not_understood")
    return parsed.iloc[0]


def _convert(field_name: str, value: object) -> object:
    """Parse one parameter value; raise ValueError with a reason when invalid."""
    text = str(value).strip()
    if field_name in ("as_of_date", "period_start", "period_end", "data_start"):
        return _one(value, parse_date)
    if field_name in ("abc_share_a", "abc_share_b", "cost_of_capital", "discount_rate", "min_coverage", "vat_rate"):
        number = float(_one(value, parse_number))
        if not 0 <= number <= 1:
            raise ParameterError("reason.fraction")
        return number
    if field_name == "holdout_months" and not text:
        return None
    if field_name in ("forecast_months", "trend_months", "holdout_months"):
        number = float(_one(value, parse_number))
        if not (number.is_integer() and 1 <= number <= 120):
            raise ParameterError("reason.months")
        return int(number)
    if field_name in ("aging_buckets", "follow_up_levels"):
        parts = [p for p in re.split(r"[,，;；\s]+", text) if p]
        days = tuple(int(float(p)) for p in parts)
        if not days or any(d <= 0 for d in days) or list(days) != sorted(set(days)):
            raise ParameterError("reason.buckets")
        if field_name == "follow_up_levels" and len(days) != len(FOLLOW_UP_STEPS):
            raise ParameterError("reason.follow_up_levels")
        return days
    if field_name in CHOICES:
        values, aliases = CHOICES[field_name]
        match = {normalize_name(v): v for v in values}
        match.update({normalize_name(alias): v for alias, v in aliases.items()})
        if normalize_name(text) not in match:
            raise ParameterError(f"reason.{field_name}")
        return match[normalize_name(text)]
    if field_name == "previous_summary":
        return text or None
    if field_name == "abc_basis":
        match = {normalize_name(b): b for b in ABC_BASES}.get(normalize_name(text))
        if match is None:
            raise ParameterError("reason.basis")
        return match
    if field_name == "language":
        match = {normalize_name(s): code for s, code in language_spellings().items()}.get(normalize_name(text))
        if match is None:
            raise ParameterError("reason.language")
        return match
    if field_name == "reporting_currency":
        if not re.fullmatch(r"[A-Za-z]{3}", text):
            raise ParameterError("reason.currency")
        return text.upper()
    if field_name == "potential_weights":
        return _weights(text, DEFAULT_POTENTIAL_WEIGHTS)
    if field_name == "contact_cadence_days":
        return {k: int(v) for k, v in _weights(text, DEFAULT_CADENCE).items()}
    raise ParameterError("reason.unknown")


def parameters_from_table(table: pd.DataFrame | None, dq: DataQuality) -> Params:
    """Read the Parameters table (Parameter, Value, _row). A bad value is a
    DataQuality error and its default is used."""
    values: dict = {}
    if table is None:
        return Params()
    for name, value, row in zip(table["Parameter"], table["Value"], table["_row"]):
        if pd.isna(name) or pd.isna(value) or str(value).strip() == "":
            continue
        field_name = _FIELD_BY_KEY.get(normalize_name(name))
        if normalize_name(name) in file_parameters():
            continue   # read by the reader (see kam_xl.contract.EXTERNAL_TABLES)
        if field_name is None:
            dq.add(INFO, "Parameters", "param.unknown", row, "Parameter", name, name=name,
                   known=", ".join(_CANONICAL.values()))
            continue
        try:
            values[field_name] = _convert(field_name, value)
        except ParameterError as exc:
            dq.add(ERROR, "Parameters", "param.invalid", row, "Value", value, name=_CANONICAL[field_name],
                   reason=exc.reason)
        except (ValueError, TypeError):
            dq.add(ERROR, "Parameters", "param.invalid", row, "Value", value, name=_CANONICAL[field_name],
                   reason="~reason.not_understood")
    return validated(Params(**values), dq)


def validated(params: Params, dq: DataQuality) -> Params:
    """Cross-field checks; an inconsistent value falls back to its default.
    (A period that cannot be is refused when it is resolved: Params.resolved.)"""
    if params.abc_share_a >= params.abc_share_b:
        dq.add(ERROR, "Parameters", "param.shares_order", None, "Value", f"{params.abc_share_a} / {params.abc_share_b}")
        params = dataclasses.replace(params, abc_share_a=0.80, abc_share_b=0.95)
    if sum(params.potential_weights.values()) <= 0:
        dq.add(ERROR, "Parameters", "param.weights_zero", None, "Value", None)
        params = dataclasses.replace(params, potential_weights=dict(DEFAULT_POTENTIAL_WEIGHTS))
    return params


def with_overrides(params: Params, overrides: dict | None, dq: DataQuality) -> Params:
    """Apply overrides given in Python (canonical names or field names); a
    blank date is not set. A value that is not understood is refused
    (:class:`ParameterRefusal` naming the parameter and the value)."""
    if not overrides:
        return params
    language = params.language
    changes = {}
    for key, value in overrides.items():
        field_name = key if key in _CANONICAL else _FIELD_BY_KEY.get(normalize_name(key))
        if field_name is None:
            raise KeyError(f"unknown parameter {key!r}")
        if field_name in DATE_FIELDS and isinstance(value, str) and not value.strip():
            value = None
        elif isinstance(value, (str, int, float)) and not isinstance(value, bool):
            value = _checked(field_name, value, language)
        elif field_name in DATE_FIELDS and value is not None:
            value = pd.Timestamp(value)
        changes[field_name] = value
        if field_name == "language":
            language = value
    return validated(dataclasses.replace(params, **changes), dq)


DATE_FIELDS = ("as_of_date", "period_start", "period_end", "data_start")


def _checked(field_name: str, value: object, language: str | None, option: str | None = None) -> object:
    """One value parsed, or refused naming ``option`` (default: the parameter in the user's language)."""
    try:
        return _convert(field_name, value)
    except ParameterError as exc:
        reason = exc.reason
    except (ValueError, TypeError):
        reason = "~reason.not_understood"
    if field_name in DATE_FIELDS:
        reason = "~reason.option_date"
    raise ParameterRefusal.invalid(option or parameter_name(_CANONICAL[field_name], language), value, reason,
                                   language) from None


def option_overrides(parameters: Mapping | None, as_of: object = None, period: object = None,
                     language: str | None = None) -> dict:
    """A run's parameters as typed on the command line or in kam.toml, checked
    before anything runs: the [parameters] values, ``--as-of`` (AsOfDate) and
    ``--period`` (PeriodStart, PeriodEnd and AsOfDate = the period's last day,
    over the workbook's and [parameters]' values). Refused, naming the option
    and the value in ``language``: a value not understood, and --period with
    --as-of (both would set AsOfDate: one is given)."""
    changes = dict(parameters or {})
    for name, value in changes.items():
        field_name = _FIELD_BY_KEY.get(normalize_name(name))
        blank = field_name in DATE_FIELDS and isinstance(value, str) and not value.strip()
        plain = isinstance(value, (str, int, float)) and not isinstance(value, bool)
        if field_name is not None and not blank and plain:
            _checked(field_name, value, language)
    if as_of is not None and period is not None:
        raise ParameterRefusal.of("option.period_and_as_of", language, period=period, as_of=as_of)
    if as_of is not None:
        changes = _setting(changes, AsOfDate=_checked("as_of_date", as_of, language, "--as-of"))
    if period is not None:
        bounds = period_bounds(period)
        if bounds is None:
            raise ParameterRefusal.invalid("--period", period, "~reason.period", language)
        changes = _setting(changes, PeriodStart=bounds[0], PeriodEnd=bounds[1], AsOfDate=bounds[1])
    return changes


def _setting(changes: dict, **values) -> dict:
    """``changes`` with ``values`` (canonical names) instead of what it had for them, by any name."""
    fields = {_FIELD_BY_KEY[normalize_name(name)] for name in values}
    kept = {k: v for k, v in changes.items() if _FIELD_BY_KEY.get(normalize_name(k)) not in fields}
    return {**kept, **values}


def parse_parameter(name: str, value: object) -> object:
    """One parameter value by its canonical or Chinese name; ValueError when invalid."""
    field_name = _FIELD_BY_KEY.get(normalize_name(name))
    if field_name is None:
        raise ValueError(f"unknown parameter {name!r}")
    return _convert(field_name, value)


def resolved_for(inputs, period: str | None = None, language: str | None = None) -> Params:
    """The parameters a build of ``inputs`` (kam_xl.inputs.reader.Inputs) would
    use, with ``--period`` and ``--lang``, resolved against its data: a period
    that cannot be is refused here (:class:`ParameterRefusal`) as the build
    refuses it (``kam-xl validate``)."""
    overrides = option_overrides(None, None, period, language or inputs.language)
    if language:
        overrides["Language"] = language
    return with_overrides(inputs.params, overrides, DataQuality()).resolved(data_dates(inputs), inputs.language)
