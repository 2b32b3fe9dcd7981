"""Value types shared by facts and events: amounts, rates, dates, codes, enums, nested terms.

Every type validates its input and says what is wrong in one sentence; amounts are positive
decimals with at most two places, stored with exactly two.
"""

import re
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from domain.money import CENT

MAX_AMOUNT = Decimal("1e15")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_STORED_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_STORED_AMOUNT = re.compile(r"[1-9][0-9]{0,14}\.[0-9]{2}|0\.(?:0[1-9]|[1-9][0-9])")  # > 0, < 10^15, two places
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f]")  # control characters other than tab


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", use_enum_values=False, defer_build=True)


def _decimal(value: Any, what: str) -> Decimal:
    if isinstance(value, bool) or isinstance(value, float):
        raise ValueError(f"give {what} as a string such as \"75000.00\", not a binary float")
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, str):
        text = value.strip().replace(",", "").removeprefix("$")
        if len(text) > 40:
            raise ValueError("is too long to be a number")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"{value!r} is not a number") from None
    else:
        raise ValueError("must be a decimal number")
    if not number.is_finite():
        raise ValueError("must be a finite number")
    if not number:
        return Decimal(0)  # also 0E+999999999, whose exponent would overflow arithmetic later
    if not -30 <= number.adjusted() <= 30:  # 1e999999999: arithmetic on it raises decimal.Overflow
        raise ValueError(f"{value!r} is out of range")
    return number


def _amount(value: Any) -> Decimal:
    if type(value) is str and _STORED_AMOUNT.fullmatch(value):  # e.g. "75000.00", as amounts are stored
        return Decimal(value)
    number = _decimal(value, "amounts")
    if number <= 0:
        raise ValueError("must be greater than zero")
    if number >= MAX_AMOUNT:
        raise ValueError("is larger than any facility can hold (limit 10^15)")
    if number != number.quantize(CENT):
        raise ValueError("has more than two decimal places")
    return number.quantize(CENT)


def _rate(value: Any) -> Decimal:
    number = _decimal(value, "rates")
    if abs(number) > 1000:
        raise ValueError("is a percentage per annum and cannot exceed 1000")
    if number.as_tuple().exponent < -8:  # type: ignore[operator]
        raise ValueError("has more than eight decimal places")
    return number.normalize() if number == number.to_integral() else number


def _non_negative(value: Decimal) -> Decimal:
    if value < 0:
        raise ValueError("must not be negative")
    return value


def _date(value: Any) -> date:
    if type(value) is str and _STORED_DATE.fullmatch(value):  # e.g. "2022-01-08", as dates are stored
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass  # not a real calendar date: said below
    if isinstance(value, datetime):
        raise ValueError("give a calendar date (YYYY-MM-DD), not a date and time")
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _DATE.match(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"{value!r} is not a real calendar date") from None
    raise ValueError(f"{value!r} is not a date in the form YYYY-MM-DD")


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
    if not isinstance(value, str) or not _CODE.match(value):
        raise ValueError(
            "a code is 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit"
        )
    return value


def _text(value: Any) -> Any:
    if isinstance(value, str):
        if _CONTROL.search(value):
            raise ValueError("text must not contain control characters")
    return value


def _timezone(value: Any) -> str:
    try:
        ZoneInfo(str(value))
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{value!r} is not an IANA time zone such as America/New_York") from None
    return str(value)


Amount = Annotated[Decimal, BeforeValidator(_amount)]
Rate = Annotated[Decimal, BeforeValidator(_rate)]
NonNegativeRate = Annotated[Decimal, BeforeValidator(_rate), AfterValidator(_non_negative)]
Day = Annotated[date, BeforeValidator(_date)]
AwareDateTime = Annotated[datetime, BeforeValidator(_aware)]
Code = Annotated[str, BeforeValidator(_code)]
Text = Annotated[str, BeforeValidator(_text), Field(min_length=1, max_length=2000)]
TimeZoneName = Annotated[str, BeforeValidator(_timezone)]
CurrencyCode = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
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


class Interest(Frozen):
    """Fixed `rate`, or `index` + `margin` with optional `floor`/`cap`; all in % p.a."""

    rate: NonNegativeRate | None = None
    index: Code | None = None
    margin: Rate = Decimal("0")
    floor: NonNegativeRate | None = None
    cap: NonNegativeRate | None = None

    @model_validator(mode="after")
    def _fixed_or_index(self) -> "Interest":
        if (self.rate is None) == (self.index is None):
            raise ValueError("interest needs either a fixed 'rate' or an 'index' (not both)")
        if self.rate is not None and (self.margin or self.floor is not None or self.cap is not None):
            raise ValueError("margin, floor and cap apply only to an index rate")
        if self.floor is not None and self.cap is not None and self.floor > self.cap:
            raise ValueError("interest floor is above the cap")
        return self


class Installment(Frozen):
    due_date: Day
    amount: Amount


class DefaultPremium(Frozen):
    rate: NonNegativeRate
    base: PremiumBase = PremiumBase.PRINCIPAL_AND_INTEREST


class StatedFigures(Frozen):
    """What a notice states, exactly as written (not computed)."""

    principal: Decimal = Field(ge=0, decimal_places=2)
    interest: Decimal = Field(ge=0, decimal_places=2)
    fees: Decimal = Field(ge=0, decimal_places=2)
    total: Decimal = Field(ge=0, decimal_places=2)

    @model_validator(mode="after")
    def _adds_up(self) -> "StatedFigures":
        if self.principal + self.interest + self.fees != self.total:
            raise ValueError("stated principal + interest + fees do not add up to the stated total")
        return self
