"""`verify` as a pure function of stored rows: every check of DESIGN §5, findings as values.

The chain and stream checks (projections.integrity) always run; replay and stated figures run on
every stream whose rows all decode (an undecodable row is already a finding, and replaying the
rest would only add noise). Materialised read models are compared through `read_model_checks`,
supplied by whoever maintains them.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from domain.facility import facility_id

from projections import replay_checks
from projections.integrity import Finding, StoredRow, Stream, check_streams, expected_head
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
    streams, findings = check_streams(rows)
    if expect is not None:
        if code is None:
            raise ValueError("an expected head belongs to one facility: give its code")
        stream = next((s for s in streams if s.stream == facility_id(code)), Stream(facility_id(code), code))
        findings += expected_head(stream, expect)
    broken = {f.facility for f in findings}
    for stream in streams:
        if stream.decoded and stream.events:
            findings += replay_checks.replay_findings(stream)
            findings += replay_checks.stated_figure_findings(stream)
        if stream.code not in broken and stream.decoded:
            # a stream whose rows fail their own checks is no fold to hold the read models to
            for check in read_model_checks:
                findings += check(stream)
    findings.sort(key=lambda f: (f.facility, f.version or 0))
    return Verification(streams, findings)
