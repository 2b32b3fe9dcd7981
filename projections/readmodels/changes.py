"""What one batch of events does to the read models, as rows (no database here)."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from domain.events import EventReversed, FacilityEvent
from domain.reversals import reversed_by

from projections.readmodels.facility_figures import FacilityFigures, facility_figures
from projections.selection import as_utc


@dataclass(frozen=True)
class JournalRow:
    facility_id: str
    facility_code: str
    version: int
    notification_id: int
    event_type: str
    effective_date: date | None
    recorded_at: datetime
    recorded_by: str
    note: str | None
    amount: Decimal | None
    reference: str | None
    source: str | None
    chain_hash: str


@dataclass(frozen=True)
class Reversal:
    facility_id: str
    target: int
    reversed_by: int | None


@dataclass
class Changes:
    facilities: list[FacilityFigures] = field(default_factory=list)
    journal: list[JournalRow] = field(default_factory=list)
    reversals: list[Reversal] = field(default_factory=list)


@dataclass(frozen=True)
class FacilityRows:
    """Every read-model row of one facility, from its whole stream: what a rebuild writes."""

    summary: tuple[Any, ...]
    steps: list[tuple[Any, ...]]
    journal: list[tuple[Any, ...]]
    lenders: list[tuple[Any, ...]]


def facility_rows(stream: Sequence[FacilityEvent], notification_ids: Sequence[int],
                  figures: FacilityFigures | None = None) -> FacilityRows:
    """The summary, steps and journal rows (table column order, `reversed_by` included) of a
    facility's stream (versions 1..n, with each event's notification id): the same rows as the
    incremental path leaves once it has applied the whole stream."""
    figures = figures or facility_figures(stream)
    code, facility = figures.code, figures.facility_id
    cancelled = reversed_by(stream)
    journal = [(*journal_values(e, code, n, facility), cancelled.get(e.originator_version))
               for e, n in zip(stream, notification_ids)]
    return FacilityRows(summary_row(figures, notification_ids[-1]), step_rows(figures), journal,
                        lender_share_rows(figures))


def summary_row(f: FacilityFigures, notification_id: int) -> tuple[Any, ...]:
    return (f.facility_id, f.code, f.borrower, f.status, f.principal, f.last_version, f.last_effective_date,
            as_utc(f.last_recorded_at), f.horizon, f.problem, notification_id)


def step_rows(f: FacilityFigures) -> list[tuple[Any, ...]]:
    return [(f.facility_id, s.valid_from, s.valid_until, s.status, s.principal, s.past_due_principal,
             s.past_due_interest, s.past_due_fees, s.past_due_total, s.oldest_due, s.problem) for s in f.steps]


def lender_share_rows(f: FacilityFigures) -> list[tuple[Any, ...]]:
    return [(f.facility_id, s.note, s.lender, s.valid_from, s.valid_until, s.commitment) for s in f.lender_shares]


def journal_row(event: FacilityEvent, code: str, notification_id: int) -> JournalRow:
    return JournalRow(*journal_values(event, code, notification_id))


def journal_values(event: FacilityEvent, code: str, notification_id: int,
                   facility: str | None = None) -> tuple[Any, ...]:
    """A journal row's columns but `reversed_by`, in table order (`facility`: the id as text, when known)."""
    amount = getattr(event, "amount", None) or getattr(event, "face_amount", None)
    return (facility or str(event.originator_id), code, event.originator_version, notification_id,
            type(event).__name__, event.effective(), as_utc(event.timestamp), event.recorded_by,
            getattr(event, "note", None), amount, event.reference, event.source, event.chain_hash)


def reversals(stream: Sequence[FacilityEvent]) -> list[Reversal]:
    """Every version ever targeted by a reversal in `stream`, with the reversal in force that
    cancels it, or None where that reversal was itself reversed (the target counts again)."""
    in_force = reversed_by(stream)
    targets = sorted({e.target for e in stream if isinstance(e, EventReversed)})
    return [Reversal(str(stream[0].originator_id), t, in_force.get(t)) for t in targets]


def as_row(values: Sequence[Any], postgres: bool) -> tuple[Any, ...]:
    """PostgreSQL takes dates and decimals as they are; SQLite stores ISO text."""
    if postgres:
        return tuple(values)
    return tuple(_text(v) for v in values)


def _text(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, datetime):
        return as_utc(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value
