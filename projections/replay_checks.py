"""Replaying each verified stream through the engine, and checking notices against it (DESIGN §4, §5).

- replay: every facility's events fold without the engine refusing them (as of the latest
  effective date in the stream, everything known);
- stated figures: each DefaultNoticeIssued that stands (is not reversed) states past-due figures
  within one dollar of the engine's, per component and in total, as of the notice date and
  known at the notice's recorded time.

The engine (`projections.report`) is imported when a check runs.
"""

from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from domain.errors import LedgerError
from domain.events import DefaultNoticeIssued
from domain.reversals import reversed_by

from projections.integrity import Finding, Stream

TOLERANCE = Decimal("1.00")
COMPONENTS = ("principal", "interest", "fees")

ReadModelCheck = Callable[[Stream], Iterable[Finding]]
"""Compares one materialised read model with the fold of a verified stream; yields findings."""


def engine() -> Any:
    """The engine's public functions, or None before the engine is installed."""
    try:
        from projections import report
    except ImportError:
        return None
    return report


def replay_findings(stream: Stream) -> list[Finding]:
    as_of = latest_effective_date(stream)
    try:
        engine().report(stream.events, as_of)
    except LedgerError as refused:
        return [Finding(stream.code, stream.head_version, "replay_refused",
                        f"a replay of versions 1..{stream.head_version} as of {as_of}", str(refused))]
    return []


def stated_figure_findings(stream: Stream) -> list[Finding]:
    cancelled = reversed_by(stream.events)
    findings: list[Finding] = []
    for notice in stream.events:
        if isinstance(notice, DefaultNoticeIssued) and notice.version not in cancelled:
            findings.extend(_compare(stream, notice))
    return findings


def _compare(stream: Stream, notice: DefaultNoticeIssued) -> list[Finding]:
    when = f"as of {notice.effective_date} known at {notice.recorded_at.isoformat()}"
    try:
        figures = engine().past_due_as_of(stream.events, notice.effective_date, notice.recorded_at)
    except LedgerError as refused:
        return [Finding(stream.code, notice.version, "stated_figures",
                        f"past-due figures {when}", f"none: {refused}")]
    computed = {name: figures.component(name).amount for name in COMPONENTS}
    computed["total"] = figures.total.amount
    findings = []
    for name, amount in computed.items():
        stated = getattr(notice.stated_past_due, name)
        if abs(stated - amount) > TOLERANCE:
            findings.append(Finding(
                stream.code, notice.version, "stated_figures",
                f"{name} {amount} (the engine's past due {when}, within {TOLERANCE})",
                f"{name} {stated} as the notice states it"))
    return findings


def latest_effective_date(stream: Stream) -> date:
    days = [e.effective() for e in stream.events]
    return max(d for d in days if d is not None)
