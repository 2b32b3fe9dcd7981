"""No amount finer than its currency's minor units (ISO 4217: JPY 0, USD 2, BHD 3; the contract §3 Revisions).

The fact types accept up to four decimal places, as no fact knows its facility's currency;
the facility checks its facts here before recording them.
"""

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from domain import parsing
from domain.errors import RuleViolation

MONEY_FIELDS = frozenset({"amount", "face_amount", "principal", "interest", "fees", "total"})


def check_minor_units(fact: BaseModel, currency: str) -> None:
    """Refuse a fact with an amount that has more decimal places than `currency` allows."""
    units = parsing.minor_units(currency)
    for where, value in amounts_in(fact):
        if parsing.places(value) > units:
            raise RuleViolation(
                f"{where}: {value.normalize():f} has more decimal places than {currency} allows ({units})",
                field=where,
            )


def amounts_in(model: BaseModel, prefix: str = "") -> Iterator[tuple[str, Decimal]]:
    """Every amount in a fact, nested terms included, named by its path ('amortization.3.amount')."""
    for name in type(model).model_fields:
        yield from _amounts(prefix + name, name, getattr(model, name))


def _amounts(where: str, name: str, value: Any) -> Iterator[tuple[str, Decimal]]:
    if isinstance(value, Decimal) and name in MONEY_FIELDS:
        yield where, value
    elif isinstance(value, BaseModel):
        yield from amounts_in(value, where + ".")
    elif isinstance(value, tuple):
        for number, item in enumerate(value):
            if isinstance(item, BaseModel):
                yield from amounts_in(item, f"{where}.{number}.")
