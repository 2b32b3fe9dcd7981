"""`verify` as a pure function of stored rows: every check of the contract §5, findings as values.

The chain and stream checks (projections.integrity) always run; replay and stated figures run on
every stream whose rows all decode (an undecodable row is already a finding, and replaying the
rest would only add noise). The materialised read models' rows of each facility, fetched by the
caller (`read_models`), are compared with the fold (projections.readmodels.checks) when the
stream passes its own checks.

Streams are independent: each is checked by `verify_stream`, a pure function of its rows (in this
process, or in a pool's process that read them), and only its head is kept afterwards.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.facility import facility_id

from projections import replay_checks
from projections.fixings import FixingRow, market_indexes
from projections.integrity import Finding, StoredRow, Stream, check_stream, expected_head
from projections.market_integrity import check_index_streams
from projections.readmodels.checks import read_model_findings
from projections.readmodels.facility_figures import facility_figures

StoredModels = tuple[dict[str, Any] | None, list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]
"""One facility's rows in the read models: its summary (or None), journal rows, portfolio steps,
lender shares."""


@dataclass(frozen=True)
class Verification:
    streams: list[Stream]
    findings: list[Finding]
    indexes: dict[str, int] = field(default_factory=dict)  # index stream checked (`index:SOFR`) -> its rows

    @property
    def ok(self) -> bool:
        return not self.findings

    @property
    def events(self) -> int:
        return sum(s.rows for s in self.streams)

    @property
    def unstamped(self) -> int:
        return sum(s.unstamped for s in self.streams)


def verify(
    rows: Iterable[StoredRow], *, code: str | None = None, expect: str | None = None,
    read_models: Callable[[UUID], StoredModels] | None = None, at: datetime | None = None,
) -> Verification:
    """Check `rows` (all facilities, or those of `code`); `expect` is a head kept from `audit head`
    (at the instant `at`, if given)."""
    by_stream: dict[UUID, list[StoredRow]] = {}
    for row in rows:
        by_stream.setdefault(row.stream, []).append(row)
    return verify_streams(by_stream.items(), code=code, expect=expect, read_models=read_models, at=at)


def verify_streams(
    groups: Iterable[tuple[UUID, list[StoredRow]]], *, code: str | None = None, expect: str | None = None,
    read_models: Callable[[UUID], StoredModels] | None = None, at: datetime | None = None,
    market: Sequence[FixingRow] = (),
) -> Verification:
    """`verify`, one stream's rows at a time, so memory is bounded by the largest stream, not by
    the ledger (a whole ledger is checked in chunks by cli.application.auditing)."""
    if expect is not None and code is None:
        raise ValueError("an expected head belongs to one facility: give its code")
    if at is not None and expect is None:
        raise ValueError("an instant is when a head was kept: give the head too")
    wanted = facility_id(code) if code is not None else None
    result = collected(
        verify_stream(stream_id, stream_rows, expect if stream_id == wanted else None,
                      read_models(stream_id) if read_models is not None else None,
                      at if stream_id == wanted else None, market)
        for stream_id, stream_rows in groups)
    if expect is not None and wanted is not None and not any(s.stream == wanted for s in result.streams):
        result = replace(result, findings=sorted(result.findings + expected_head(Stream(wanted, code or ""), expect),
                                                 key=lambda f: (f.facility, f.version or 0)))
    return result


def collected(results: Iterable[tuple[Stream, list[Finding]]]) -> Verification:
    """The verification made of each stream's head and findings (verify_stream's results)."""
    streams: list[Stream] = []
    findings: list[Finding] = []
    for stream, found in results:
        streams.append(stream)
        findings += found
    streams.sort(key=lambda s: s.code)
    findings.sort(key=lambda f: (f.facility, f.version or 0))
    return Verification(streams, findings)


def verify_stream(stream_id: UUID, rows: list[StoredRow], expect: str | None,
                  stored_models: StoredModels | None, at: datetime | None = None,
                  market: Sequence[FixingRow] = ()) -> tuple[Stream, list[Finding]]:
    """Every check of one stream: chain and identity, the kept head, replay, stated figures, and
    the read models' rows against the fold. Returns the stream's head (without its events).
    `market`: the market's fixing rows (projections.fixings.FixingRow), for notes that read them."""
    stream, found = check_stream(stream_id, sorted(rows, key=lambda r: r.version))
    if expect is not None:
        found += expected_head(stream, expect, at)
    findings = list(found)
    figures = None
    if stored_models is not None and not found and stream.decoded:
        # a stream whose rows fail their own checks is no fold to hold the read models to

        figures = facility_figures(stream.events)
        findings += read_model_findings(stream, *stored_models, figures=figures)
    if stream.decoded and stream.events:
        market = market if market_indexes(stream.events) else ()
        if not _replayed_cleanly(stream, figures):
            findings += replay_checks.replay_findings(stream, market)
        findings += replay_checks.stated_figure_findings(stream, market)
    head = Stream(stream.stream, stream.code, stream.rows, stream.head_version, stream.head_hash,
                  undecodable=stream.undecodable, unstamped=stream.unstamped)
    return head, findings


def stray_findings(result: Verification, malformed: list[tuple[str, int]],
                   listed: dict[str, str]) -> list[Finding]:
    """What no stream's own checks can see: rows whose stream id is not written as the ledger
    writes it (no reader of the facility would find them), and facilities the read models list
    (facility id -> code) that have no stored event at all (their rows were deleted)."""
    found = [Finding(f"stream {raw!r}", None, "malformed_stream_id",
                     "a stream id as the ledger writes it (a UUID; 32 lower-case hex digits on SQLite)",
                     f"{count} row(s) under {raw!r}")
             for raw, count in malformed]
    verified = {str(s.stream) for s in result.streams if s.rows}
    found += [Finding(code, None, "no_events", "the stored events of a facility the read models list",
                      "no stored event (its rows were deleted?)")
              for fid, code in sorted(listed.items(), key=lambda item: item[1]) if fid not in verified]
    return found


def with_findings(result: Verification, more: list[Finding]) -> Verification:
    findings = sorted(result.findings + more, key=lambda f: (f.facility, f.version or 0))
    return replace(result, findings=findings)


def with_index_streams(result: Verification, rows: Iterable[StoredRow], names: set[str] | None = None) -> Verification:
    """The result with the market-data streams' own checks (projections.market_integrity): every
    index stream, or those named (`index:SOFR` ...: the ones a facility's notes read)."""
    counts, found = check_index_streams(rows)
    if names is not None:
        counts = {k: v for k, v in counts.items() if k in names}
        found = [f for f in found if f.facility in names]
    return replace(with_findings(result, found), indexes=counts)


def _replayed_cleanly(stream: Stream, figures: Any) -> bool:
    """True when the read-model figures' engine pass already replayed the whole stream, all
    known, through its latest effective date without a refusal: the engine is deterministic and
    a refusal happens on a given day whatever date the sweep runs to, so replaying again to that
    date (replay_findings) would find nothing. Anything else is replayed."""
    return (figures is not None and figures.problem is None and figures.swept_through is not None
            and figures.swept_through >= replay_checks.latest_effective_date(stream))
