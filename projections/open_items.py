"""The open items of a facility: fees, interest bills and principal due, each with its due
date and outstanding amount (docs/arithmetic.md, "Payments, waterfall, credit" for their order
and "Past due and aging" for how they are read)."""

from datetime import date
from decimal import Decimal
from heapq import heappop, heappush

from domain import events as ev
from domain.money import ZERO
from domain.values import Component

from projections.facility_state import NoteState
from projections.journal import FeeRecord
from projections.waterfall import FACILITY_RANK, Item


DueKey = tuple[str | None, Component]


class DueSums:
    """(note, component) -> [outstanding, oldest due date] of the open items due by a day: what
    `projections.figures` reads at every step, kept up to date as items are made, paid and
    cancelled and as the day moves on, instead of a pass over every open item per reading (a
    facility far behind carries hundreds). The definition is the pass itself
    (`due_sums_by_scan`); tests/test_due_sums.py holds the two equal over random histories.

    A key's sums are only ever added to (an item falling due, or made already due); when an item
    of a counted key is paid or cancelled, that key is summed again from its items, in their
    order, so every amount is the same Decimal, digits and exponent, as the scan's. `pending`
    holds the open items not yet due, by due date (paid ones are dropped when met)."""

    def __init__(self) -> None:
        self.day = date.min
        self.sums: dict[DueKey, list] = {}
        self.pending: list[tuple[date, int, Item]] = []

    def added(self, item: Item) -> None:
        if item.outstanding <= 0:
            return
        if item.due_date <= self.day:
            self._count(item)
        else:
            heappush(self.pending, (item.due_date, item.seq, item))

    def _count(self, item: Item) -> None:
        found = self.sums.get((item.note, item.component))
        if found is None:
            self.sums[(item.note, item.component)] = [item.outstanding, item.due_date]
        else:
            found[0] += item.outstanding
            if item.due_date < found[1]:
                found[1] = item.due_date

    def reduced(self, keys: set[DueKey], items: list[Item]) -> None:
        """Items of these keys were paid or cancelled: sum the keys again from `items`."""
        keys = {k for k in keys if k in self.sums}
        if not keys:
            return  # none of them was counted yet: they are pending, read when they fall due
        for key in keys:
            del self.sums[key]
        day = self.day
        for item in items:
            if item.outstanding > 0 and item.due_date <= day and (item.note, item.component) in keys:
                self._count(item)

    def at(self, day: date, items: list[Item]) -> dict[DueKey, list]:
        """The sums on `day` (read-only to the caller: they change as the sweep goes on)."""
        if day < self.day:  # never in a sweep, which only moves forward: start again
            self.__init__()  # type: ignore[misc]
            for item in items:
                self.added(item)
        self.day = day
        pending = self.pending
        while pending and pending[0][0] <= day:
            item = heappop(pending)[2]
            if item.outstanding > 0:
                self._count(item)
        return self.sums

    def next_due_after(self, day: date) -> date | None:
        """The earliest due date after `day` of an open item (after `at(day)`)."""
        pending = self.pending
        while pending and pending[0][2].outstanding <= 0:
            heappop(pending)
        return pending[0][0] if pending else None


def due_sums_by_scan(items: list[Item], day: date) -> dict[DueKey, list]:
    """The definition of `DueSums.at`: one pass over the items, in their order."""
    due: dict[DueKey, list] = {}
    for item in items:
        if item.outstanding > 0 and item.due_date <= day:
            key = (item.note, item.component)
            found = due.get(key)
            if found is None:
                due[key] = [item.outstanding, item.due_date]
            else:
                found[0] += item.outstanding
                if item.due_date < found[1]:
                    found[1] = item.due_date
    return due


class OpenItems:
    """The items of a `Sweep` (a mixin): `items` holds every item not yet found settled (a paid
    item is dropped when the waterfall pays it; a cancelled one stays, outstanding 0), and
    `_earliest_due` the earliest due date among them (None: no item). `_due_sums` keeps what is
    due by day (DueSums); `_looked` and `_touched` let a reader ask whether anything about the
    open items changed since it last looked (`open_items_changed`)."""

    def _init_items(self) -> None:
        self.items: list[Item] = []
        self._earliest_due: date | None = None
        self._seq = 0  # items created so far
        self._due_sums = DueSums()
        self._looked = (0, date.min, None)  # (items made by then, day, next due date after it)
        self._touched = False  # an item made before the last look was paid or cancelled since

    def _item(self, component: Component, note: NoteState | None, due: date, amount: Decimal, label: str) -> Item:
        """A new open item, in creation order (the waterfall's last tie-break)."""
        self._seq += 1
        if self._earliest_due is None or due < self._earliest_due:
            self._earliest_due = due
        rank = note.rank if note is not None else FACILITY_RANK
        item = Item(component, note.code if note else None, due, amount, rank, self._seq, label)
        self.items.append(item)
        self._due_sums.added(item)
        return item

    def _reduced(self, items: list[Item]) -> None:
        """These items' outstanding went down (paid, or cancelled)."""
        made_by_last_look = self._looked[0]
        if any(item.seq <= made_by_last_look for item in items):
            self._touched = True
        self._due_sums.reduced({(item.note, item.component) for item in items}, self.items)

    def _settled(self) -> None:
        """Drop the paid items (after a payment) and work out `_earliest_due` again."""
        self.items = [i for i in self.items if i.outstanding > 0]
        self._earliest_due = min((i.due_date for i in self.items), default=None)

    def due_sums(self) -> dict[DueKey, list]:
        """(note, component) -> [outstanding, oldest due date] of the open items due by the
        sweep's day (DueSums; read-only)."""
        return self._due_sums.at(self.day, self.items)

    def next_item_due_after(self, day: date) -> date | None:
        """The earliest due date after `day` (the sweep's day) of an open item."""
        self._due_sums.at(day, self.items)
        return self._due_sums.next_due_after(day)

    def open_items_changed(self) -> bool:
        """Whether the open items' (seq, outstanding, due by the sweep's day) differ from what
        they were at the previous call: an item made since is still open, an item made before
        was paid or cancelled, or one fell due (the first call compares with no items)."""
        seq, then, next_due = self._looked
        day = self.day
        changed = self._touched or (next_due is not None and next_due <= day)
        if not changed:
            for item in reversed(self.items):  # creation order: the new ones are at the end
                if item.seq <= seq:
                    break
                if item.outstanding > 0:
                    changed = True
                    break
        if day < then:
            changed = True
        self._looked = (self._seq, day, self.next_item_due_after(day))
        self._touched = False
        return changed

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
