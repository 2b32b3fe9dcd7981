"""`verify` as a pure function of stored rows: every check of DESIGN §5, findings as values.

The chain and stream checks (projections.integrity) always run; replay and stated figures run on
every stream whose rows all decode (an undecodable row is already a finding, and replaying the
rest would only add noise). Materialised read models are compared through `read_model_checks`,
supplied by whoever maintains them.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from uuid import UUID

from domain.facility import facility_id

from projections import replay_checks
from projections.integrity import Finding, StoredRow, Stream, check_stream, expected_head
from projections.replay_checks import ReadModelCheck


@dataclass(frozen=True)
class Verification:
    streams: list[Stream]
    findings: list[Finding]

    @property
    def ok(self) -> bool:
        return not self.findings

    @property
    def events(self) -> int:
        return sum(s.rows for s in self.streams)


def verify(
    rows: Iterable[StoredRow], *, code: str | None = None, expect: str | None = None,
    read_model_checks: Sequence[ReadModelCheck] = (),
) -> Verification:
    """Check `rows` (all facilities, or those of `code`); `expect` is a head kept from `audit head`."""
    by_stream: dict[UUID, list[StoredRow]] = {}
    for row in rows:
        by_stream.setdefault(row.stream, []).append(row)
    return verify_streams(by_stream.items(), code=code, expect=expect, read_model_checks=read_model_checks)


def verify_streams(
    groups: Iterable[tuple[UUID, list[StoredRow]]], *, code: str | None = None, expect: str | None = None,
    read_model_checks: Sequence[ReadModelCheck] = (),
) -> Verification:
    """`verify`, one stream's rows at a time: each stream is checked, replayed and compared, then
    only its head is kept, so memory is bounded by the largest stream, not the ledger."""
    if expect is not None and code is None:
        raise ValueError("an expected head belongs to one facility: give its code")
    wanted = facility_id(code) if code is not None else None
    streams: list[Stream] = []
    findings: list[Finding] = []
    for stream_id, stream_rows in groups:
        stream, found = check_stream(stream_id, sorted(stream_rows, key=lambda r: r.version))
        if expect is not None and stream_id == wanted:
            found += expected_head(stream, expect)
        findings += found + _checked(stream, found, read_model_checks)
        streams.append(_head_only(stream))
    if expect is not None and wanted is not None and not any(s.stream == wanted for s in streams):
        findings += expected_head(Stream(wanted, code or ""), expect)
    streams.sort(key=lambda s: s.code)
    findings.sort(key=lambda f: (f.facility, f.version or 0))
    return Verification(streams, findings)


def _checked(stream: Stream, found: list[Finding], read_model_checks: Sequence[ReadModelCheck]) -> list[Finding]:
    findings: list[Finding] = []
    if stream.decoded and stream.events:
        findings += replay_checks.replay_findings(stream)
        findings += replay_checks.stated_figure_findings(stream)
    if not found and stream.decoded:
        # a stream whose rows fail their own checks is no fold to hold the read models to
        for check in read_model_checks:
            findings += check(stream)
    return findings


def _head_only(stream: Stream) -> Stream:
    return Stream(stream.stream, stream.code, stream.rows, stream.head_version, stream.head_hash,
                  undecodable=stream.undecodable)
