"""What can still be drawn under each note on a day (docs/arithmetic.md, "Commitments"): its
commitment, what is drawn on it, what is available and, when nothing or less is, why.

Read off the sweep at the end of the day, with the engine's own rules (projections.commitment_fees),
so that availability says what the domain's advance check would accept for an ordinary
(not protective) advance dated that day.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from domain.money import ZERO

from projections.commitment_fees import REVOLVING
from projections.engine import Sweep
from projections.facility_state import NoteState


@dataclass(frozen=True)
class NoteAvailability:
    note: str
    kind: str
    sublimit_of: str | None
    commitment: Decimal
    drawn: Decimal
    available: Decimal
    accrued_fee: Decimal  # unused or ticking fee accrued in the open fee period, exact (not rounded)
    why_not: tuple[str, ...]


@dataclass(frozen=True)
class Availability:
    facility: str
    as_of: date
    notes: tuple[NoteAvailability, ...]

    @property
    def available(self) -> Decimal:
        """What the facility's top-level notes (not sublimits, drawn under their parent) have available."""
        return sum((n.available for n in self.notes if n.sublimit_of is None), ZERO)


def availability(sweep: Sweep) -> Availability:
    day = sweep.day
    own = {code: _own(sweep, note, day) for code, note in sweep.notes.items()}
    lines = []
    for code, note in sweep.notes.items():
        commitment, drawn, room, why = own[code]
        parent = note.terms.sublimit_of
        if parent is not None and parent in own and own[parent][2] < room:
            room = own[parent][2]
            why = (*why, f"limited by {parent}, which it is drawn under: {own[parent][2]:.2f} available there")
        fee = note.fee.accruer.interest_through_end_of(day) if note.fee is not None and note.fee.next_end else ZERO
        lines.append(NoteAvailability(code, note.terms.kind.value, parent, commitment, drawn, room, fee, why))
    return Availability(sweep.facility.code, day, tuple(lines))


def _own(sweep: Sweep, note: NoteState, day: date) -> tuple[Decimal, Decimal, Decimal, tuple[str, ...]]:
    """The note's commitment, drawn, its own room and the reasons it is short, its parent aside."""
    terms = note.terms
    commitment = sweep.commitment(note, day)
    drawn = sweep.drawn(note)
    why: list[str] = []
    if day < terms.issue_date:
        why.append(f"not issued until {terms.issue_date}")
    elif note.maturity is not None and day > note.maturity:
        why.append(f"matured on {note.maturity}")
    elif commitment.terminated_on is not None:
        why.append(f"commitment terminated on {commitment.terminated_on}")
    elif commitment.accelerated:
        why.append(f"accelerated on {note.accelerated_on}: commitment terminated (only protective advances)")
    room = max(commitment.amount - drawn, ZERO)
    if room and sweep._in_default(note, day):
        why.append("an event of default covering it is open: only protective advances")
        room = ZERO
    if not why and room == 0:
        why.append("fully drawn" if terms.kind in REVOLVING or drawn else "commitment is zero")
        if terms.kind not in REVOLVING and drawn:
            why[-1] = "fully drawn (repaid term principal cannot be drawn again)"
    return commitment.amount, drawn, room, tuple(why)
