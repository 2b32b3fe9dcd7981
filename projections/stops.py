"""Which days the sweep processes (docs/arithmetic.md, "How it is computed"): only those on which
`Sweep._process` can change something. Every other day would only confirm that each note's
end-of-day principal and rate are unchanged, so skipping it leaves every sub-interval, and so
every figure, as a day-by-day walk has it (tests/test_sweep_skips_quiet_days)."""

from bisect import bisect_right
from collections.abc import Iterator
from datetime import date

from projections.facility_state import NoteState


class StopScheduler:
    """The stops of a `Sweep` (a mixin: it reads the sweep's day, notes, open items and the
    `_fixed_stops` worked out when the sweep is built)."""

    def next_stop(self, limit: date) -> date:
        """The first day after the current one on which `_process` can change anything, or
        `limit` if that comes first. It reads the same state `_process` tests: event dates and
        rate bounds (`_fixed_stops`), each note's period end, its next installment and maturity
        (`next_fall_due`), and the due dates of open items (credit is applied and past due grows
        when one falls due)."""
        after, best = self.day, limit
        fixed = self._fixed_stops
        at = bisect_right(fixed, after)
        if at < len(fixed) and fixed[at] < best:
            best = fixed[at]
        for note in self._note_states:
            end = note.next_end
            if end is not None and after < end < best:
                best = end
        due = self.next_fall_due()
        if due is not None and due <= after:  # overdue before the sweep began: look note by note
            best = self._scheduled_after(after, best)
        elif due is not None and due < best:
            best = due
        item_due = self.next_item_due_after(after)
        if item_due is not None and item_due < best:
            best = item_due
        if self._fee_notes:
            best = self.fee_stops(after, best)
        if self._pik_notes:
            best = self.pik_stops(after, best)
        return best

    def next_fall_due(self) -> date | None:
        """The first adjusted date on which a note's next installment or its maturity falls due
        (cached in `_next_fall_due` until the schedule, a maturity or an acceleration changes)."""
        if self._next_fall_due is None:
            self._next_fall_due = min((due for note in self._note_states for due in self.scheduled_dates(note)),
                                      default=date.max)
        return None if self._next_fall_due == date.max else self._next_fall_due

    def scheduled_dates(self, note: NoteState) -> Iterator[date]:
        """The business-day-adjusted dates of the note's next installment and of its maturity,
        those not yet fallen due; none while the note is accelerated (they wait)."""
        if note.accelerated_on is not None:
            return
        if note.next_installment < len(note.installments):
            yield self.calendar.following(note.installments[note.next_installment].due_date)
        if not note.matured and note.maturity is not None:
            yield self.calendar.following(note.maturity)

    def _scheduled_after(self, after: date, best: date) -> date:
        """The first scheduled date (`scheduled_dates`) of any note after `after`, or `best`."""
        for note in self._note_states:
            for due in self.scheduled_dates(note):
                if after < due < best:
                    best = due
        return best
