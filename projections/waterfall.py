"""Due items and how money is allocated to them (the contract §3, Payments).

Waterfall order: fees, then interest, then principal; within each, the oldest due date first;
ties in note issue order, a facility fee (no note) ranking before note fees; then creation
order.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from domain.values import Component

COMPONENT_RANK = {Component.FEES: 0, Component.INTEREST: 1, Component.PRINCIPAL: 2}
FACILITY_RANK = -1


@dataclass(eq=False)
class Item:
    """Something owed: a fee, an interest bill or an amount of principal, from its due date."""

    component: Component
    note: str | None
    due_date: date
    amount: Decimal
    note_rank: int
    seq: int
    label: str
    outstanding: Decimal = Decimal("0.00")
    cancelled: Decimal = Decimal("0.00")

    def __post_init__(self) -> None:
        self.outstanding = self.amount

    def waterfall_key(self) -> tuple[int, date, int, int]:
        return (COMPONENT_RANK[self.component], self.due_date, self.note_rank, self.seq)

    def age_key(self) -> tuple[date, int, int]:
        return (self.due_date, self.note_rank, self.seq)


@dataclass(frozen=True)
class Allocation:
    """One part of one payment (or of unapplied credit) applied to one item."""

    note: str | None
    component: str
    label: str
    due_date: date | None
    amount: Decimal


def in_waterfall_order(items: Iterable[Item]) -> list[Item]:
    return sorted(items, key=Item.waterfall_key)


def oldest_first(items: Iterable[Item]) -> list[Item]:
    return sorted(items, key=Item.age_key)


def pay(amount: Decimal, items: Iterable[Item]) -> tuple[list[tuple[Item, Decimal]], Decimal]:
    """Apply `amount` to `items` in the order given; return the parts and what is left."""
    parts: list[tuple[Item, Decimal]] = []
    for item in items:
        if amount <= 0:
            break
        part = min(amount, item.outstanding)
        if part > 0:
            item.outstanding -= part
            amount -= part
            parts.append((item, part))
    return parts, amount


def allocation(item: Item, part: Decimal) -> Allocation:
    return Allocation(item.note, item.component.value, item.label, item.due_date, part)
