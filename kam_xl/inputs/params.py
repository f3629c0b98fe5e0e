"""Parameters (docs/CONTRACT.md section 1): defaults, parsing and validation."""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field

import pandas as pd

from kam_xl.contract import file_parameters, normalize_name
from kam_xl.inputs.parsing import parse_date, parse_number
from kam_xl.quality import ERROR, INFO, DataQuality
from kam_xl.words import CATALOGUES, word

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
LANGUAGES = tuple(CATALOGUES)
# The collection steps FollowUpLevels sets the days of (word keys followup.<step> in kam_xl.words).
FOLLOW_UP_STEPS = ("reminder", "call", "manager", "stop_deliveries", "legal")   # a language is a words catalogue

# Chinese aliases of parameter names (matching as for column names).
PARAMETER_ZH = {
    "AsOfDate": "截止日期", "PeriodStart": "期间开始", "PeriodEnd": "期间结束",
    "ReportingCurrency": "报告币种", "ABCBasis": "ABC依据", "ABCShareA": "A类累计占比",
    "ABCShareB": "B类累计占比", "AgingBuckets": "账龄区间", "CostOfCapital": "资金成本率",
    "ForecastMonths": "预测月数", "DiscountRate": "折现率", "PotentialWeights": "潜力权重",
    "ContactCadenceDays": "联系频率天数", "Language": "语言", "DataStart": "数据起始日期",
    "MinCoverage": "最低数据覆盖率", "VATRate": "增值税税率", "FollowUpLevels": "催收级别天数",
    "AverageARMethod": "平均应收计算方法", "AgingBasis": "账龄起算日", "ProvisionInNetProfit": "坏账计入客户净贡献",
    "TrendMonths": "趋势月数", "PreviousSummary": "上期汇总", "PurchaseModel": "购买模型", "HoldoutMonths": "检验月数",
}


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

    def resolved(self, latest_date: pd.Timestamp | None, language: str | None = None) -> "Params":
        """Fill the defaults: AsOfDate = latest date in the data, PeriodEnd =
        AsOfDate, PeriodStart = PeriodEnd - 12 months + 1 day; Language, when
        not set, ``language`` (that of the input's headers), else en."""
        as_of = self.as_of_date if self.as_of_date is not None else latest_date
        if as_of is None:
            as_of = pd.Timestamp.today().normalize()
        end = self.period_end if self.period_end is not None else as_of
        start = self.period_start if self.period_start is not None else (
            end - pd.DateOffset(months=12) + pd.Timedelta(days=1))
        return dataclasses.replace(self, as_of_date=as_of, period_start=start, period_end=end,
                                   language=self.language or language or "en")

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
        return {_CANONICAL[f.name]: typed(getattr(self, f.name)) for f in dataclasses.fields(self)}

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


_PAIR = re.compile(r"([A-Za-z\u4e00-\u9fff]+)\s*[:=]?\s*(-?[\d.]+)")


def _weights(text: str, allowed: dict) -> dict:
    pairs = {k: float(v) for k, v in _PAIR.findall(text)}
    keys = {normalize_name(k): k for k in allowed}
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
        match = {normalize_name(x): x for x in LANGUAGES + ("zh", "中文", "cn")}.get(normalize_name(text))
        if match is None:
            raise ParameterError("reason.language")
        return "zh-CN" if match != "en" else "en"
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
    """Cross-field checks; an inconsistent value falls back to its default."""
    if params.abc_share_a >= params.abc_share_b:
        dq.add(ERROR, "Parameters", "param.shares_order", None, "Value", f"{params.abc_share_a} / {params.abc_share_b}")
        params = dataclasses.replace(params, abc_share_a=0.80, abc_share_b=0.95)
    if params.period_start is not None and params.period_end is not None and params.period_start > params.period_end:
        dq.add(ERROR, "Parameters", "param.period_order", None, "Value",
               f"{params.period_start.date()} > {params.period_end.date()}")
        params = dataclasses.replace(params, period_start=None, period_end=None)
    if sum(params.potential_weights.values()) <= 0:
        dq.add(ERROR, "Parameters", "param.weights_zero", None, "Value", None)
        params = dataclasses.replace(params, potential_weights=dict(DEFAULT_POTENTIAL_WEIGHTS))
    return params


def with_overrides(params: Params, overrides: dict | None, dq: DataQuality) -> Params:
    """Apply overrides given in Python (canonical names or field names)."""
    if not overrides:
        return params
    changes = {}
    for key, value in overrides.items():
        field_name = key if key in _CANONICAL else _FIELD_BY_KEY.get(normalize_name(key))
        if field_name is None:
            raise KeyError(f"unknown parameter {key!r}")
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            value = _convert(field_name, value)
        elif field_name.endswith("date") or field_name.startswith("period"):
            value = pd.Timestamp(value)
        changes[field_name] = value
    return validated(dataclasses.replace(params, **changes), dq)


def parse_parameter(name: str, value: object) -> object:
    """One parameter value by its canonical or Chinese name; ValueError when invalid."""
    field_name = _FIELD_BY_KEY.get(normalize_name(name))
    if field_name is None:
        raise ValueError(f"unknown parameter {name!r}")
    return _convert(field_name, value)
