"""verify's comparison of the materialised read models with the fold (the contract §4, §5).

Pure functions: given one facility's verified stream and the rows the read models hold for it,
list every difference as a finding. The expected rows are what the projection itself would
write from the stream (facility_figures, journal_row, reversed_by), so a stale, edited or
half-applied table shows up here.
"""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from domain.reversals import reversed_by

from projections.integrity import Finding, Stream
from projections.readmodels.changes import journal_row
from projections.readmodels.facility_figures import FacilityFigures, facility_figures

SUMMARY = ("status", "principal_outstanding", "last_version", "last_effective_date")
JOURNAL = ("event_type", "effective_date", "note", "amount", "reference", "chain_hash", "reversed_by")
STEP = ("valid_until", "status", "principal", "past_due_principal", "past_due_interest",
        "past_due_fees", "past_due_total", "oldest_due")
SHARE = ("valid_until", "commitment")


def read_model_findings(
    stream: Stream, summary: dict[str, Any] | None, journal: Iterable[dict[str, Any]],
    steps: Iterable[dict[str, Any]], lenders: Iterable[dict[str, Any]] = (), figures: FacilityFigures | None = None,
) -> list[Finding]:
    """`figures`: `facility_figures(stream.events)` when the caller has it already."""
    figures = figures or facility_figures(stream.events)
    found: list[Finding] = []
    expected_summary = {
        "status": figures.status, "principal_outstanding": figures.principal,
        "last_version": figures.last_version, "last_effective_date": figures.last_effective_date,
    }
    found += _compare(stream, None, "rm_facility_summary", {"": expected_summary},
                      {"": summary} if summary else {}, SUMMARY)
    cancelled = reversed_by(stream.events)
    expected_journal = {
        e.version: {**journal_row(e, stream.code, 0).__dict__, "reversed_by": cancelled.get(e.version)}
        for e in stream.events
    }
    found += _compare(stream, "version", "rm_event_journal", expected_journal,
                      {int(r["version"]): r for r in journal}, JOURNAL)
    expected_steps = {_text(s.valid_from): s.__dict__ for s in figures.steps}
    found += _compare(stream, "valid_from", "rm_portfolio_steps", expected_steps,
                      {_text(r["valid_from"]): r for r in steps}, STEP)
    expected_shares = {f"{s.note}/{s.lender}/{_text(s.valid_from)}": s.__dict__ for s in figures.lender_shares}
    found += _compare(stream, "note/lender/valid_from", "rm_lender_shares", expected_shares,
                      {f"{r['note']}/{r['lender']}/{_text(r['valid_from'])}": r for r in lenders}, SHARE)
    return found


def _compare(stream: Stream, key: str | None, table: str, expected: dict[Any, dict[str, Any]],
             stored: dict[Any, dict[str, Any]], columns: tuple[str, ...]) -> list[Finding]:
    found = []
    where = (lambda k: f"{table} row {key}={k}") if key else (lambda k: f"{table} row")
    version = (lambda k: k) if key == "version" else (lambda k: None)
    for k in sorted(set(expected) | set(stored), key=str):
        if k not in stored:
            found.append(Finding(stream.code, version(k), "read_model_missing_row", where(k), "no such row"))
        elif k not in expected:
            found.append(Finding(stream.code, version(k), "read_model_extra_row", f"no {where(k)}", "a row"))
        else:
            row, kept = expected[k], stored[k]
            diff = [c for c in columns if not _same(row[c], kept.get(c))]
            if diff:
                found.append(Finding(stream.code, version(k), "read_model_differs",
                                     f"{where(k)} " + ", ".join(f"{c}={_text(row[c])}" for c in diff),
                                     ", ".join(f"{c}={_text(kept.get(c))}" for c in diff)))
    return found


def _same(want: Any, have: Any) -> bool:
    """`_text(want) == _text(have)`; two equal values of one type (what PostgreSQL returns for
    what the fold computes) spell alike, so they are not spelt."""
    if want is have or (type(want) is type(have) and want == have):
        return True
    if type(have) is str:  # SQLite keeps text: it is its own spelling
        return _text(want) == have
    return _text(want) == _text(have)


def _text(value: Any) -> str | None:
    """One spelling per value, whichever database returned it (SQLite keeps text)."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
