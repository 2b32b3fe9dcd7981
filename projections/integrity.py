"""Integrity of the stored streams, from the rows exactly as stored (the contract §5).

Input is raw rows (stream id, version, topic, state bytes) read straight from the recorder, never
an aggregate in memory. For each facility: versions run 1..n without gaps; each row's JSON is an
object whose `originator_version` and `originator_id` are the row's own, whose topic names a
facility event type and which validates as that type; version 1 is the FacilityOpened of the
code the stream id is derived from; and every `chain_hash` is recomputed (domain.chain) from the
previous row's stored hash, so each altered row is located on its own.

Recorded times (each JSON's `timestamp`) never decrease along a stream. On PostgreSQL the store
stamps every row with its own time and the session's role (cli.persistence.store_stamps): a row
whose JSON claims a recorded time more than STORE_CLOCK_TOLERANCE from the store's, or another
author, is a finding. A head kept at a known instant (`expected_head(..., at=)`) also proves that
no event after it claims to have been recorded at or before that instant.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from pydantic import ValidationError

from domain.chain import chain_start, next_chain_hash
from domain.events import EVENT_TYPES, FacilityEvent
from domain.facility import facility_id

EVENTS_MODULE = "domain.events"
STORE_CLOCK_TOLERANCE = timedelta(seconds=10)  # how far a claimed recorded time may be from the store's


@dataclass(frozen=True)
class StoredRow:
    stream: UUID
    version: int
    topic: str
    state: bytes
    stored_at: datetime | None = None  # the store's stamp (PostgreSQL with store stamps), else None
    stored_by: str | None = None


@dataclass(frozen=True)
class Finding:
    """One thing that is not as it should be: where (facility, version), what, expected, found."""

    facility: str
    version: int | None
    kind: str
    expected: str
    found: str

    def __str__(self) -> str:
        where = f"{self.facility} v{self.version}" if self.version is not None else self.facility
        return f"{where}: {self.kind}: expected {self.expected}; found {self.found}"

    def as_json(self) -> dict[str, Any]:
        return {"facility": self.facility, "version": self.version, "kind": self.kind,
                "expected": self.expected, "found": self.found, "message": str(self)}


@dataclass
class Stream:
    """One facility's stream as stored, with what could be decoded of it."""

    stream: UUID
    code: str
    rows: int = 0
    head_version: int = 0
    head_hash: str = ""
    hashes: dict[str, int] = field(default_factory=dict)
    events: list[FacilityEvent] = field(default_factory=list)
    undecodable: int = 0
    recorded: dict[int, datetime] = field(default_factory=dict)  # version -> claimed recorded time
    unstamped: int = 0  # rows without the store's stamp

    @property
    def decoded(self) -> bool:
        return self.undecodable == 0


def check_streams(rows: Iterable[StoredRow]) -> tuple[list[Stream], list[Finding]]:
    by_stream: dict[UUID, list[StoredRow]] = {}
    for row in rows:
        by_stream.setdefault(row.stream, []).append(row)
    streams, findings = [], []
    for stream_id, stream_rows in by_stream.items():
        stream, found = check_stream(stream_id, sorted(stream_rows, key=lambda r: r.version))
        streams.append(stream)
        findings.extend(found)
    streams.sort(key=lambda s: s.code)
    return streams, findings


def check_stream(stream_id: UUID, rows: list[StoredRow]) -> tuple[Stream, list[Finding]]:
    """Check one stream's rows (in version order) and decode them."""
    states = [_load(row.state) for row in rows]
    stream = Stream(stream_id, _code(stream_id, states))
    findings: list[Finding] = []

    def finding(version: int | None, kind: str, expected: Any, found: Any) -> None:
        findings.append(Finding(stream.code, version, kind, str(expected), str(found)))

    previous: str | None = chain_start(stream_id)
    for row, state in zip(rows, states):
        stream.rows += 1
        if row.version != stream.head_version + 1:
            finding(row.version, "version_gap", f"version {stream.head_version + 1}", f"version {row.version}")
        stream.head_version = row.version
        if not isinstance(state, dict):
            finding(row.version, "unreadable", "a JSON object", state)
            stream.undecodable += 1
            previous = None  # its hash is unknown: the next row cannot be checked against it
            continue
        _check_identity(row, state, stream, finding)
        event_type = _event_type(row.topic)
        if event_type is None:
            finding(row.version, "unknown_type", "a topic domain.events:<EventType>", repr(row.topic))
        elif (row.version == 1) != (event_type == "FacilityOpened"):
            finding(row.version, "wrong_type", "FacilityOpened at version 1 and only there", event_type)
        previous = check_chain(row, state, event_type, previous, finding)
        stream.head_hash = previous
        stream.hashes[previous] = row.version
        _check_times(row, state, stream, finding)
        _decode(row, state, event_type, stream, finding)
    return stream, findings


def _check_times(row: StoredRow, state: dict[str, Any], stream: Stream, finding: Any) -> None:
    """Recorded times never decrease; a store stamp must agree with what the JSON claims."""
    claimed = _instant(state.get("timestamp"))
    if row.stored_at is None:
        stream.unstamped += 1
    else:
        if claimed is not None and abs(claimed - row.stored_at) > STORE_CLOCK_TOLERANCE:
            finding(row.version, "recorded_time_not_store_time",
                    f"a recorded time within {STORE_CLOCK_TOLERANCE.seconds} s of the store's stamp "
                    f"({row.stored_at.isoformat()})", f"recorded time {claimed.isoformat()}")
        if state.get("recorded_by") != row.stored_by:
            finding(row.version, "recorded_by_not_store_role",
                    f"recorded_by {row.stored_by!r} (the role the store saw)",
                    f"recorded_by {state.get('recorded_by')!r}")
    if claimed is None:
        return
    before = stream.recorded.get(row.version - 1)
    if before is not None and claimed < before:
        finding(row.version, "recorded_time_decreases",
                f"a recorded time at or after version {row.version - 1}'s ({before.isoformat()})",
                f"recorded time {claimed.isoformat()}")
    stream.recorded[row.version] = claimed


def _instant(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def expected_head(stream: Stream, expect: str, at: datetime | None = None) -> list[Finding]:
    """`--expect HASH`: the event that had this hash (from `audit head`) must still be stored.
    `at`: the instant the head was kept; then no event after it may claim a recorded time at or
    before `at` (it would change a report known at that time), so every report known at or
    before `at` is as it was."""
    if expect in stream.hashes:
        head = stream.hashes[expect]
        if at is None:
            return []
        return [Finding(stream.code, version, "recorded_after_kept_head",
                        f"a recorded time after {at.isoformat()} (the head, version {head}, was kept then)",
                        f"recorded time {claimed.isoformat()}: an event added after the head was kept, "
                        "dated back into what reports known at that time saw")
                for version, claimed in sorted(stream.recorded.items()) if version > head and claimed <= at]
    return [Finding(
        stream.code, stream.head_version + 1, "missing_head",
        f"an event with chain_hash {expect} (the head an auditor kept)",
        f"the stream ends at version {stream.head_version} with chain_hash {stream.head_hash}; "
        "events were removed from the end or the chain was rewritten",
    )]


def check_chain(row: StoredRow, state: dict[str, Any], event_type: str | None, previous: str | None,
                finding: Any) -> str:
    """The row's `chain_hash` recomputed (domain.chain) from the previous row's, when that is known
    (facility and index streams alike); returns the hash the next row chains from."""
    stored_hash = state.get("chain_hash")
    recomputed = next_chain_hash(previous or "", event_type or row.topic, state)
    if previous is not None and stored_hash != recomputed:
        finding(row.version, "chain_break", f"chain_hash {recomputed}", f"chain_hash {stored_hash}")
    return stored_hash if isinstance(stored_hash, str) else recomputed


def check_originator(row: StoredRow, state: dict[str, Any], finding: Any) -> None:
    """The stored JSON names the row's own stream and version (facility and index streams alike)."""
    if state.get("originator_version") != row.version:
        finding(row.version, "version_mismatch", f"originator_version {row.version} (the row's)",
                f"originator_version {state.get('originator_version')!r} in the stored JSON")
    if state.get("originator_id") != str(row.stream):
        finding(row.version, "stream_mismatch", f"originator_id {row.stream} (the row's)",
                f"originator_id {state.get('originator_id')!r} in the stored JSON")


def _check_identity(row: StoredRow, state: dict[str, Any], stream: Stream, finding: Any) -> None:
    check_originator(row, state, finding)
    if row.version == 1 and state.get("code") is not None and facility_id(str(state["code"])) != row.stream:
        finding(1, "stream_mismatch", f"the stream of facility {state['code']} ({facility_id(str(state['code']))})",
                f"stream {row.stream}")


def _decode(row: StoredRow, state: dict[str, Any], event_type: str | None, stream: Stream, finding: Any) -> None:
    if event_type is None:
        stream.undecodable += 1
        return
    try:
        stream.events.append(EVENT_TYPES[event_type].from_stored(state))
    except ValidationError as error:
        stream.undecodable += 1
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        finding(row.version, "invalid_event", f"a valid {event_type}", problems)


def _event_type(topic: str) -> str | None:
    module, _, name = topic.partition(":")
    return name if module == EVENTS_MODULE and name in EVENT_TYPES else None


def _load(state: bytes) -> Any:
    try:
        return json.loads(bytes(state).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        return f"bytes that are not JSON ({error})"


def _code(stream_id: UUID, states: list[Any]) -> str:
    """The facility's code as its opening event states it; the stream id if that is unreadable."""
    first = states[0] if states else None
    if isinstance(first, dict) and isinstance(first.get("code"), str):
        return first["code"]
    return str(stream_id)
