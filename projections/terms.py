"""A note's terms on a day (docs/arithmetic.md, "Amended terms"): as issued, then each
TermsAmended in (effective date, recorded order) from its effective date replacing the terms it
gives. The rate, the default margin and a fee's rate are read through here on every day, so a
backdated amendment reprocesses like any other event, and `known_at` before it was recorded
reproduces the figures as they were."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from domain.events import StoredInterest, TermsAmended

from projections.facility_state import NoteState

INTEREST_FIELDS = ("rate", "margin", "floor", "cap", "index_floor", "spread_adjustment")


@dataclass(frozen=True)
class TermsInForce:
    """The terms that applied to a note from `start` to `end` (exclusive; None: still), and the
    amendment that set them (None: as issued)."""

    note: str
    start: date
    end: date | None
    version: int | None
    basis: str | None
    changed: dict[str, Any]


def amendments_of(note: NoteState, amendments: list[TermsAmended]) -> list[TermsAmended]:
    return sorted((a for a in amendments if a.note == note.code), key=lambda a: (a.effective_date, a.version))


def _given(note: NoteState, day: date) -> dict[str, Any]:
    """The amended terms in force on `day`, by name (later amendments win)."""
    merged: dict[str, Any] = {}
    for amendment in note.amendments:
        if amendment.effective_date > day:
            break
        merged.update(amendment.terms.given())
    return merged


def interest_on(note: NoteState, day: date) -> StoredInterest:
    if not note.amendments:
        return note.terms.interest
    changes = {k: v for k, v in _given(note, day).items() if k in INTEREST_FIELDS}
    return note.terms.interest.model_copy(update=changes) if changes else note.terms.interest


def _term_on(note: NoteState, day: date, name: str, issued: Any) -> Any:
    """The term `name` on `day`: as last amended by then, else `issued`."""
    return _given(note, day).get(name, issued) if note.amendments else issued


def default_margin_on(note: NoteState, day: date) -> Decimal:
    return _term_on(note, day, "default_margin", note.terms.default_margin)


def fee_rate_on(note: NoteState, day: date) -> Decimal:
    return _term_on(note, day, "fee_rate", note.fee.rate)


def terms_in_force(note: NoteState, through: date) -> list[TermsInForce]:
    """The note's terms periods up to `through`: as issued, then one per amendment in force by then."""
    periods, start, version, basis, changed = [], note.terms.issue_date, None, None, {}
    for amendment in note.amendments:
        if amendment.effective_date > through:
            break
        if amendment.effective_date > start:
            periods.append(TermsInForce(note.code, start, amendment.effective_date, version, basis, changed))
            start = amendment.effective_date
        version, basis = amendment.version, amendment.basis
        changed = {**changed, **amendment.terms.model_dump(mode="json")}
    periods.append(TermsInForce(note.code, start, None, version, basis, changed))
    return periods


def overdue_margin_on(note: NoteState, day: date) -> Decimal:
    return _term_on(note, day, "overdue_margin", note.overdue.margin)


def pik_rate_on(note: NoteState, day: date) -> Decimal:
    return _term_on(note, day, "pik_rate", note.pik.rate)
