"""The open items of a facility: fees, interest bills and principal due, each with its due
date and outstanding amount (docs/arithmetic.md, "Payments, waterfall, credit" for their order
and "Past due and aging" for how they are read)."""

from datetime import date
from decimal import Decimal

from domain import events as ev
from domain.money import ZERO
from domain.values import Component

from projections.facility_state import NoteState
from projections.journal import FeeRecord
from projections.waterfall import FACILITY_RANK, Item


class OpenItems:
    """The items of a `Sweep` (a mixin): `items` holds every item not yet found settled (a paid
    item is dropped when the waterfall pays it; a cancelled one stays, outstanding 0), and
    `_earliest_due` the earliest due date among them (None: no item)."""

    def _item(self, component: Component, note: NoteState | None, due: date, amount: Decimal, label: str) -> Item:
        """A new open item, in creation order (the waterfall's last tie-break)."""
        self._seq += 1
        if self._earliest_due is None or due < self._earliest_due:
            self._earliest_due = due
        rank = note.rank if note is not None else FACILITY_RANK
        item = Item(component, note.code if note else None, due, amount, rank, self._seq, label)
        self.items.append(item)
        return item

    def _settled(self) -> None:
        """Drop the paid items (after a payment) and work out `_earliest_due` again."""
        self.items = [i for i in self.items if i.outstanding > 0]
        self._earliest_due = min((i.due_date for i in self.items), default=None)

    def due(self, day: date) -> list[Item]:
        return [i for i in self.items if i.outstanding > 0 and i.due_date <= day]

    def open_items(self) -> list[Item]:
        return [i for i in self.items if i.outstanding > 0]

    def _open(self, note: str, component: Component) -> list[Item]:
        return [i for i in self.items if i.note == note and i.component is component and i.outstanding > 0]

    def billed_unpaid(self, note: NoteState) -> Decimal:
        """The note's interest billed and not yet paid: its open interest items' outstanding."""
        return outstanding_by(self.items).get((note.code, Component.INTEREST), ZERO)

    def _fee(self, event: ev.FeeAssessed, day: date) -> None:
        """A fee is an item due the day it is assessed (of its note, or of the facility)."""
        note = self.notes.get(event.note) if event.note else None
        if event.note and note is None:
            self.journal.skipped.append(f"v{event.version}: fee on unknown note {event.note}")
            return
        if self.explains:
            self.journal.fees.append(FeeRecord(event.version, event.note, day, event.kind.value, event.amount, event.basis))
        self._item(Component.FEES, note, day, event.amount, f"{event.kind.value} fee v{event.version}")


def outstanding_by(items: list[Item]) -> dict[tuple[str | None, Component], Decimal]:
    """(note, component) -> the outstanding of the open items among `items`, summed in their
    order from ZERO (`billed_unpaid`, and the position's billed interest and fees per note, read
    it: one pass over the items for a whole position)."""
    sums: dict[tuple[str | None, Component], Decimal] = {}
    for item in items:
        if item.outstanding > 0:
            key = (item.note, item.component)
            sums[key] = sums.get(key, ZERO) + item.outstanding
    return sums
