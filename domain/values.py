"""Value types shared by facts and events: amounts, rates, dates, codes, enums, nested terms.

Every type validates its input through domain.parsing (one strict reading of amounts, rates,
dates and text) and says what is wrong in one sentence; amounts are positive decimals with at
most four places (the facility's currency allows fewer: Facility checks), stored with at least two.
"""

import re
from datetime import date, datetime, time
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, ClassVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, BeforeValidator, ConfigDict, StrictBool, model_serializer, model_validator

from domain import parsing

MAX_AMOUNT = parsing.MAX_AMOUNT
_STORED_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_STORED_AMOUNT = re.compile(r"[1-9][0-9]{0,14}\.[0-9]{2}|0\.(?:0[1-9]|[1-9][0-9])")  # > 0, < 10^15, two places
_STORED_RATE = re.compile(r"-?[1-9](?:\.[0-9]*[1-9])?E\+[0-9]{1,2}")
_CURRENCY = re.compile(r"[A-Z]{3}")


class Frozen(BaseModel):
    """A fact or a value inside one. `added_fields` are optional fields added after events were
    stored without them: left out of a dump while they hold their default (None or False), as
    the stored events leave them out (domain.events.Stored), so a repeated reference compares
    equal to what was stored before the field existed."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_enum_values=False, defer_build=True)
    added_fields: ClassVar[frozenset[str]] = frozenset()

    @model_serializer(mode="wrap")
    def _without_unused_additions(self, handler: Any) -> Any:
        return omit_unused_additions(self, handler(self))


def omit_unused_additions(model: BaseModel, state: Any) -> Any:
    """`state` (a dump of `model`) without the added fields that hold their default."""
    if isinstance(state, dict):
        added = _added_fields(type(model))
        for name in added:  # a class's own, and those of the classes it extends
            if name in state and (state[name] is None or state[name] is False):  # not `in`: 0 == False
                del state[name]
    return state


_ADDED: dict[type, frozenset[str]] = {}


def _added_fields(cls: type) -> frozenset[str]:
    """The added fields of a class and of the classes it extends (classes do not change after
    they are made, so each is worked out once: an import dumps every event several times)."""
    found = _ADDED.get(cls)
    if found is None:
        found = _ADDED[cls] = frozenset().union(*(k.__dict__.get("added_fields", ()) for k in cls.__mro__))
    return found


def _amount(value: Any) -> Decimal:
    if type(value) is str and _STORED_AMOUNT.fullmatch(value):  # e.g. "75000.00", as amounts are stored
        return Decimal(value)
    return parsing.amount(value)


def _amount_or_zero(value: Any) -> Decimal:
    return parsing.amount(value, zero_allowed=True)


def _rate(value: Any) -> Decimal:
    return parsing.rate(_stored_rate(value), negative_allowed=True)


def _non_negative_rate(value: Any) -> Decimal:
    return parsing.rate(_stored_rate(value), negative_allowed=False)


def _stored_rate(value: Any) -> Any:
    """Whole rates are stored normalized ("3E+1" for 30): stored events read back until they
    have their own permissive schema (events inherit facts today)."""
    return Decimal(value) if type(value) is str and _STORED_RATE.fullmatch(value) else value


def _date(value: Any) -> date:
    if type(value) is str and _STORED_DATE.fullmatch(value):  # e.g. "2022-01-08", as dates are stored
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass  # not a real calendar date: said below
    return parsing.day(value)


def _aware(value: Any) -> datetime:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(
                f"{value!r} is not a date and time such as 2008-02-01T14:00:00-05:00"
            ) from None
    if not isinstance(value, datetime):
        raise ValueError("must be a date and time with a UTC offset")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("date and time needs a UTC offset, e.g. 2008-02-01T14:00:00-05:00")
    return value


def _code(value: Any) -> str:
    if not isinstance(value, str) or not _CODE.fullmatch(value):
        raise ValueError(
            "a code is 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit"
        )
    return value


def _short_text(value: Any) -> str:
    return parsing.text(value, max_length=parsing.SHORT_TEXT)


def _long_text(value: Any) -> str:
    return parsing.text(value, max_length=parsing.LONG_TEXT)


def _currency(value: Any) -> str:
    if not isinstance(value, str) or not _CURRENCY.fullmatch(value):
        raise ValueError(f"{value!r} is not an ISO 4217 currency code such as USD")
    parsing.minor_units(value)
    return value


def _timezone(value: Any) -> str:
    try:
        ZoneInfo(str(value))
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{value!r} is not an IANA time zone such as America/New_York") from None
    return str(value)


Amount = Annotated[Decimal, BeforeValidator(_amount)]
AmountOrZero = Annotated[Decimal, BeforeValidator(_amount_or_zero)]
Rate = Annotated[Decimal, BeforeValidator(_rate)]
NonNegativeRate = Annotated[Decimal, BeforeValidator(_non_negative_rate)]
Day = Annotated[date, BeforeValidator(_date)]
WholeNumber = Annotated[int, BeforeValidator(parsing.whole_number)]
AwareDateTime = Annotated[datetime, BeforeValidator(_aware)]
Code = Annotated[str, BeforeValidator(_code)]
ShortText = Annotated[str, BeforeValidator(_short_text)]
Text = Annotated[str, BeforeValidator(_long_text)]
TimeZoneName = Annotated[str, BeforeValidator(_timezone)]
CurrencyCode = Annotated[str, BeforeValidator(_currency)]
LocalTime = time


class NoteKind(StrEnum):
    REVOLVING = "revolving"
    MINIMUM_BORROWING = "minimum_borrowing"
    TERM = "term"
    OTHER = "other"


class DayCount(StrEnum):
    ACT_360 = "ACT/360"
    ACT_365F = "ACT/365F"
    ACT_ACT_ISDA = "ACT/ACT-ISDA"
    THIRTY_360 = "30/360"
    THIRTY_360_US = "30/360-US"
    THIRTY_E_360 = "30E/360"


class Component(StrEnum):
    FEES = "fees"
    INTEREST = "interest"
    PRINCIPAL = "principal"


class FeeKind(StrEnum):
    LATE = "late"
    DEFAULT = "default"
    OTHER = "other"


class PremiumBase(StrEnum):
    PRINCIPAL = "principal"
    PRINCIPAL_AND_INTEREST = "principal_and_interest"


class Convention(StrEnum):
    """How an index becomes a period's rate (the contract §10; docs/arithmetic.md, "SOFR-era interest")."""

    IN_FORCE = "in_force"
    TERM = "term"
    DAILY_SIMPLE = "daily_simple"
    COMPOUNDED_IN_ARREARS = "compounded_in_arrears"


PERIOD_MONTHS = (1, 3, 6)
MAX_LAG_DAYS = 10  # lookback, lockout and fixing lag, in US-GOVT business days


class Interest(Frozen):
    """Fixed `rate`, or `index` + `margin` with optional `floor`/`cap` on the all-in rate, and
    `index_floor` on the index plus its `spread_adjustment` before the margin; all in % p.a.
    Third edition (the contract §10): the `convention` by which the index becomes a rate, its
    `lookback_days`, `observation_shift`, `lockout_days` or `fixing_lag_days`, and
    `interest_period_months`."""

    added_fields: ClassVar[frozenset[str]] = frozenset({
        "index_floor", "spread_adjustment", "convention", "lookback_days", "observation_shift", "lockout_days",
        "fixing_lag_days", "interest_period_months"})

    rate: NonNegativeRate | None = None
    index: Code | None = None
    margin: Rate = Decimal("0")
    floor: NonNegativeRate | None = None
    cap: NonNegativeRate | None = None
    index_floor: Rate | None = None
    spread_adjustment: Rate | None = None
    convention: Convention | None = None  # None: in force
    lookback_days: Annotated[int, BeforeValidator(parsing.whole_number)] | None = None
    observation_shift: StrictBool = False
    lockout_days: Annotated[int, BeforeValidator(parsing.whole_number)] | None = None
    fixing_lag_days: Annotated[int, BeforeValidator(parsing.whole_number)] | None = None
    interest_period_months: Annotated[int, BeforeValidator(parsing.whole_number)] | None = None

    @model_validator(mode="after")
    def _fixed_or_index(self) -> "Interest":
        if (self.rate is None) == (self.index is None):
            raise ValueError("interest needs either a fixed 'rate' or an 'index' (not both)")
        index_terms = (self.floor, self.cap, self.index_floor, self.spread_adjustment, self.convention,
                       self.lookback_days, self.lockout_days, self.fixing_lag_days)
        if self.rate is not None and (self.margin or self.observation_shift
                                      or any(t is not None for t in index_terms)):
            raise ValueError("margin, floor, cap, index_floor, spread_adjustment and the convention's terms "
                             "apply only to an index rate")
        if self.floor is not None and self.cap is not None and self.floor > self.cap:
            raise ValueError("interest floor is above the cap")
        convention = self.convention or Convention.IN_FORCE
        allowed = {
            Convention.IN_FORCE: set(),
            Convention.TERM: {"fixing_lag_days"},
            Convention.DAILY_SIMPLE: {"lookback_days"},
            Convention.COMPOUNDED_IN_ARREARS: {"lookback_days", "observation_shift", "lockout_days"},
        }[convention]
        for name in ("lookback_days", "observation_shift", "lockout_days", "fixing_lag_days"):
            value = getattr(self, name)
            if value not in (None, False) and name not in allowed:
                raise ValueError(f"interest.{name} does not apply to the convention {convention.value!r}")
            if isinstance(value, int) and not isinstance(value, bool) and not 0 <= value <= MAX_LAG_DAYS:
                raise ValueError(f"interest.{name} must be a whole number of business days from 0 to {MAX_LAG_DAYS}")
        if self.interest_period_months is not None and self.interest_period_months not in PERIOD_MONTHS:
            raise ValueError(f"interest.interest_period_months must be 1, 3 or 6, not {self.interest_period_months}")
        return self


FEE_PERIOD_MONTHS = (1, 3, 6, 12)


class FeeTerms(Frozen):
    """An unused (commitment) fee or a ticking fee (docs/arithmetic.md, "Unused and ticking
    fees"): `rate` % p.a. on the undrawn commitment, accrued daily with `day_count`, billed in
    arrears every `period_months` months from the note's issue date."""

    rate: NonNegativeRate
    day_count: DayCount = DayCount.ACT_360
    period_months: Annotated[int, BeforeValidator(parsing.whole_number)] = 3

    @model_validator(mode="after")
    def _period(self) -> "FeeTerms":
        if self.period_months not in FEE_PERIOD_MONTHS:
            raise ValueError(f"period_months must be 1, 3, 6 or 12, not {self.period_months}")
        return self


class AmendedTerms(Frozen):
    """What a TermsAmended changes from its effective date: only the terms given (docs/arithmetic.md,
    "Amended terms"). Interest terms of an index note (margin, floor, cap, index floor, spread
    adjustment) or the rate of a fixed-rate note; the default margin; the rate of the note's
    unused or ticking fee; the maturity date; the installments not yet fallen due."""

    rate: NonNegativeRate | None = None
    margin: Rate | None = None
    floor: NonNegativeRate | None = None
    cap: NonNegativeRate | None = None
    index_floor: Rate | None = None
    spread_adjustment: Rate | None = None
    default_margin: NonNegativeRate | None = None
    fee_rate: NonNegativeRate | None = None
    overdue_margin: NonNegativeRate | None = None
    pik_rate: NonNegativeRate | None = None
    maturity_date: Day | None = None
    amortization: tuple["Installment", ...] | None = None

    @model_validator(mode="after")
    def _something(self) -> "AmendedTerms":
        if all(getattr(self, name) is None for name in type(self).model_fields):
            raise ValueError("an amendment changes at least one term (rate, margin, floor, cap, index_floor, "
                             "spread_adjustment, default_margin, fee_rate, overdue_margin, pik_rate, "
                             "maturity_date or amortization)")
        return self

    INTEREST_FIELDS: ClassVar[tuple[str, ...]] = ("margin", "floor", "cap", "index_floor", "spread_adjustment")
    # the terms not given are left out of a dump (and of the stored event): only what changes shows
    added_fields: ClassVar[frozenset[str]] = frozenset({
        "rate", "margin", "floor", "cap", "index_floor", "spread_adjustment", "default_margin", "fee_rate",
        "overdue_margin", "pik_rate", "maturity_date", "amortization"})


class PremiumStep(Frozen):
    """A prepayment premium tier: `rate` % of the principal prepaid on or before `until`."""

    until: Day
    rate: NonNegativeRate


class Installment(Frozen):
    due_date: Day
    amount: Amount


class DefaultPremium(Frozen):
    rate: NonNegativeRate
    base: PremiumBase = PremiumBase.PRINCIPAL_AND_INTEREST


class StatedFigures(Frozen):
    """What a notice states, exactly as written (not computed)."""

    principal: AmountOrZero
    interest: AmountOrZero
    fees: AmountOrZero
    total: AmountOrZero

    @model_validator(mode="after")
    def _adds_up(self) -> "StatedFigures":
        if self.principal + self.interest + self.fees != self.total:
            raise ValueError("stated principal + interest + fees do not add up to the stated total")
        return self


AmendedTerms.model_rebuild()
