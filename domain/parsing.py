"""The one strict reading of what a user types: amounts, rates, dates and text (the contract §3 Revisions).

Money typed in is never reinterpreted: a value either reads exactly as written or is refused
with one sentence saying the rule. Every fact's fields (domain.values) come through here,
whatever the entry point (a CLI option, a JSON Lines record, a YAML record).
"""

import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from domain.money import CENT

MAX_AMOUNT = Decimal("1e15")
MAX_AMOUNT_PLACES = 4  # the most minor units ISO 4217 gives any currency (CLF, UYW)
MAX_RATE_PLACES = 8
MAX_RATE = Decimal(1000)
SHORT_TEXT = 200  # names, clauses, references, actors
LONG_TEXT = 2000  # descriptions, sources, bases

# digits, an optional comma every three digits from the point, an optional fraction; no leading zero
_AMOUNT = re.compile(r"(?:0|[1-9][0-9]*|[1-9][0-9]{0,2}(?:,[0-9]{3})+)(?:\.[0-9]+)?", re.ASCII)
_RATE = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?", re.ASCII)
_WHOLE = re.compile(r"0|[1-9][0-9]*", re.ASCII)
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
_REFUSED_CATEGORIES = frozenset(("Cc", "Cs", "Zl", "Zp"))  # controls, lone surrogates, line/paragraph separators
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def amount(value: Any, *, zero_allowed: bool = False) -> Decimal:
    """A positive amount: a JSON/Python integer, a Decimal, or text such as "1,000.00" or "75000".

    Kept exactly in value; stored with at least two decimal places (more only if given, for
    currencies with three or four minor units: the facility's currency decides, see minor_units).
    """
    if isinstance(value, bool) or isinstance(value, float):
        raise ValueError('give amounts as text such as "75000.00" or whole numbers, not binary floats')
    if isinstance(value, str):
        number = _amount_text(value)
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, Decimal) and value.is_finite():
        number = value
    else:
        raise ValueError('must be an amount such as "75000.00"')
    if number < 0 or (number == 0 and not zero_allowed):
        raise ValueError("must be greater than zero" if not zero_allowed else "must not be negative")
    if number >= MAX_AMOUNT:
        raise ValueError("is larger than any facility can hold (limit 10^15)")
    if places(number) > MAX_AMOUNT_PLACES:
        raise ValueError(f"has more than {MAX_AMOUNT_PLACES} decimal places")
    return _at_least_cents(number)


def _amount_text(text: str) -> Decimal:
    if len(text) > 40:
        raise ValueError("is too long to be an amount")
    if text.startswith("-"):
        raise ValueError("must be greater than zero (amounts are written without a sign)")
    if not _AMOUNT.fullmatch(text):
        raise ValueError(
            f"{text!r} is not a plain amount: ASCII digits, at most one '.', commas only between "
            "groups of three digits (1,000.00); no sign, currency sign, exponent, '_' or leading zero"
        )
    return Decimal(text.replace(",", ""))


def _at_least_cents(number: Decimal) -> Decimal:
    if not number:
        return Decimal("0.00")
    reduced = number.normalize()
    return reduced if reduced.as_tuple().exponent < -2 else number.quantize(CENT)  # type: ignore[operator]


def rate(value: Any, *, negative_allowed: bool) -> Decimal:
    """A rate in % p.a.: an integer or text such as "8.25" ("-0.1" only where negative_allowed)."""
    if isinstance(value, bool) or isinstance(value, float):
        raise ValueError('give rates as text such as "8.25", not binary floats')
    if isinstance(value, str):
        if len(value) > 40 or not _RATE.fullmatch(value):
            raise ValueError(
                f"{value!r} is not a plain rate: ASCII digits, at most one '.', an optional leading "
                "'-'; no '%', '+', exponent, ',', '_' or leading zero"
            )
        number = Decimal(value)
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, Decimal) and value.is_finite():
        number = value
    else:
        raise ValueError('must be a rate such as "8.25"')
    if number < 0 and not negative_allowed:
        raise ValueError("must not be negative")
    if abs(number) > MAX_RATE:
        raise ValueError("is a percentage per annum and cannot exceed 1000")
    if number.as_tuple().exponent < -MAX_RATE_PLACES:  # type: ignore[operator]
        raise ValueError(f"has more than {MAX_RATE_PLACES} decimal places")
    return number.normalize() if number == number.to_integral() else number


def whole_number(value: Any) -> int:
    """A count or day of month: an integer, or ASCII digits with no sign, '_' or leading zero."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and len(value) <= 10 and _WHOLE.fullmatch(value):
        return int(value)
    raise ValueError(f"{value!r} is not a whole number written in plain digits")


def day(value: Any) -> date:
    """A calendar date, written exactly YYYY-MM-DD."""
    if isinstance(value, datetime):
        raise ValueError("give a calendar date (YYYY-MM-DD), not a date and time")
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _DAY.fullmatch(value):
        raise ValueError(f"{value!r} is not a date in the form YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a real calendar date") from None


def text(value: Any, *, max_length: int) -> str:
    """One line of text: 1 to max_length characters, no control or bidirectional-override characters.

    The one rule for every text field (names, clauses, references, actors, sources, descriptions,
    bases, reasons, delivery), from an option or an import file alike. Refused, whatever the
    length: C0 controls (NUL, tab, newline, ESC: terminal escape sequences start with it), DEL, C1
    controls (U+0080-U+009F), the line and paragraph separators U+2028/U+2029, bidirectional
    overrides and isolates, and lone surrogates (what undecodable bytes in an argument become).
    """
    if not isinstance(value, str):
        raise ValueError("must be text")
    if not value.strip():
        raise ValueError("must not be empty")
    if len(value) > max_length:
        raise ValueError(f"is longer than {max_length} characters")
    bad = next((c for c in value if refused_character(c)), None)
    if bad is not None:
        if unicodedata.category(bad) == "Cs":
            raise ValueError(f"is not valid text (found U+{ord(bad):04X}, a lone surrogate: bytes that are not UTF-8?)")
        raise ValueError(f"must not contain control characters (found U+{ord(bad):04X})")
    return value


def refused_character(c: str) -> bool:
    """A character no text field may hold (see `text`); displays escape it in older data."""
    return unicodedata.category(c) in _REFUSED_CATEGORIES or c in _BIDI


def minor_units(currency: str) -> int:
    """The currency's minor units from ISO 4217 (JPY 0, USD 2, BHD 3), or a refusal."""
    units = _iso4217_exponent(currency)
    if units is None:
        raise ValueError(f"{currency!r} is not an ISO 4217 currency with minor units")
    return units


def places(number: Decimal) -> int:
    """How many decimal places the value needs: 100000000.00 needs 0, 1.230 needs 2."""
    exponent = number.normalize().as_tuple().exponent
    return max(0, -exponent)  # type: ignore[operator]


@lru_cache(maxsize=None)
def _iso4217_exponent(currency: str) -> int | None:
    listed = _listed_minor_units().get(currency)
    if listed is not None:
        return listed
    from iso4217 import Currency  # start-up: deferred, ~20-50 ms (docs/architecture.md, "Start-up"; docs/dependencies.md)

    try:
        return Currency(currency).exponent
    except ValueError:
        return None


_ENTRY = re.compile(rb"<CcyNtry>(.*?)</CcyNtry>", re.S)


def _field(entry: bytes, tag: bytes) -> str | None:
    found = re.search(rb"<" + tag + rb">\s*([^<]*?)\s*</" + tag + rb">", entry)
    return found.group(1).decode("ascii", "replace") if found else None


@lru_cache(maxsize=1)
def _listed_minor_units() -> dict[str, int]:
    """The minor units of ISO 4217's currencies, read from the iso4217 package's own table
    (`table.xml`, the maintenance agency's list) without importing the package, whose import
    parses the whole table into an Enum (≈ 20 ms, on every recording command's path). As the
    package does: the first entry of each code counts, and only one with a number and digit
    minor units is kept here; any other code (none listed, N.A., no table found) is answered by
    the package itself. tests/test_parsing.py checks every code against the package."""
    import importlib.util  # start-up: only to find the table's file
    from pathlib import Path  # start-up: idem

    spec = importlib.util.find_spec("iso4217")
    folders = list(spec.submodule_search_locations or ()) if spec is not None else []
    try:
        data = (Path(folders[0]) / "table.xml").read_bytes() if folders else b""
    except OSError:
        return {}
    table: dict[str, int] = {}
    seen: set[str] = set()
    for entry in _ENTRY.finditer(data):
        code = _field(entry.group(1), b"Ccy")
        if code is None or code in seen:
            continue
        seen.add(code)
        number, units = _field(entry.group(1), b"CcyNbr"), _field(entry.group(1), b"CcyMnrUnts")
        if number and units is not None and units.isdigit():
            table[code] = int(units)
    return table
