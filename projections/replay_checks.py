"""Replaying each verified stream through the engine, and checking notices against it (the contract §4, §5).

- replay: every facility's events fold without the engine refusing them (as of the latest
  effective date in the stream, everything known);
- stated figures: each DefaultNoticeIssued that stands (is not reversed) states past-due figures
  within one dollar of the engine's, per component and in total, as of the notice date and
  known at the notice's recorded time (projections.notices does the comparison).
"""

from collections.abc import Sequence
from datetime import date

from domain.errors import LedgerError
from domain.events import DefaultNoticeIssued
from domain.money import to_cents

from projections.fixings import NO_FIXINGS, FixingRow, Fixings

from projections.integrity import Finding, Stream
from projections.selection import active
from projections.report import report
from projections.notices import TOLERANCE, check_notice

def replay_findings(stream: Stream, market: Sequence[FixingRow] = ()) -> list[Finding]:
    """`market`: the market's fixing rows (projections.fixings.FixingRow) the facility's notes may read."""
    as_of = latest_effective_date(stream)
    try:
        report(stream.events, as_of, fixings=Fixings.of_rows(market) if market else NO_FIXINGS)
    except LedgerError as refused:
        return [Finding(stream.code, stream.head_version, "replay_refused",
                        f"a replay of versions 1..{stream.head_version} as of {as_of}", str(refused))]
    return []


def stated_figure_findings(stream: Stream, market: Sequence[FixingRow] = ()) -> list[Finding]:
    findings: list[Finding] = []
    for notice in active(stream.events):
        if isinstance(notice, DefaultNoticeIssued):
            findings.extend(_compare(stream, notice, market))
    return findings


def _compare(stream: Stream, notice: DefaultNoticeIssued, market: Sequence[FixingRow]) -> list[Finding]:
    when = f"as of {notice.effective_date} known at {notice.recorded_at.isoformat()}"
    try:
        checked = check_notice(stream.events, notice, market)
    except LedgerError as refused:
        return [Finding(stream.code, notice.version, "stated_figures", f"past-due figures {when}", f"none: {refused}")]
    return [
        Finding(stream.code, notice.version, "stated_figures",
                f"{name} {to_cents(checked.computed[name])} (the engine's past due {when}, within {TOLERANCE})",
                f"{name} {to_cents(checked.stated[name])} as the notice states it")
        for name in checked.differences
    ]


def latest_effective_date(stream: Stream) -> date:
    return max(day for day in (e.effective() for e in stream.events) if day is not None)
