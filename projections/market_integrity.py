"""Integrity of the market-data streams (`index:SOFR` ...), from their rows exactly as stored: the
same checks `verify` makes of a facility's stream (projections.integrity; docs/contract.md §5), for the
table `market_events`.

For each index stream: versions run 1..n without gaps; each row's JSON is an object whose
`originator_version` and `originator_id` are the row's own; its topic names a market event type
(`domain.market:IndexFixingPublished` or `...Corrected`) and it validates as that type; the index
it names is the one the stream id is derived from (`domain.market.index_id`: a fixing moved into
another index's stream is found); recorded times never decrease; and every `chain_hash` is
recomputed (domain.chain) from the previous row's stored hash, starting from the stream id, so
each altered row is located on its own. Findings name the stream as `index:SOFR`.
"""

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from pydantic import ValidationError

from domain.chain import chain_start
from domain.market import MARKET_EVENT_TYPES, index_id, index_stream_name

from projections.integrity import Finding, StoredRow, _instant, _load, check_chain, check_originator

MARKET_MODULE = "domain.market"


def check_index_streams(rows: Iterable[StoredRow]) -> tuple[dict[str, int], list[Finding]]:
    """Every index stream's rows checked: (stream name -> number of rows, findings)."""
    by_stream: dict[UUID, list[StoredRow]] = {}
    for row in rows:
        by_stream.setdefault(row.stream, []).append(row)
    counts: dict[str, int] = {}
    findings: list[Finding] = []
    for stream_id, stream_rows in by_stream.items():
        name, found = check_index_stream(stream_id, sorted(stream_rows, key=lambda r: r.version))
        counts[name] = len(stream_rows)
        findings += found
    findings.sort(key=lambda f: (f.facility, f.version or 0))
    return dict(sorted(counts.items())), findings


def check_index_stream(stream_id: UUID, rows: list[StoredRow]) -> tuple[str, list[Finding]]:
    """One index stream's rows (in version order): its name and what is wrong with it."""
    states = [_load(row.state) for row in rows]
    name = _name(stream_id, states)
    findings: list[Finding] = []

    def finding(version: int | None, kind: str, expected: Any, found: Any) -> None:
        findings.append(Finding(name, version, kind, str(expected), str(found)))

    previous: str | None = chain_start(stream_id)
    head, last_time = 0, None
    for row, state in zip(rows, states):
        if row.version != head + 1:
            finding(row.version, "version_gap", f"version {head + 1}", f"version {row.version}")
        head = row.version
        if not isinstance(state, dict):
            finding(row.version, "unreadable", "a JSON object", state)
            previous = None  # its hash is unknown: the next row cannot be checked against it
            continue
        check_originator(row, state, finding)
        index = state.get("index")
        if isinstance(index, str) and index_id(index) != row.stream:
            finding(row.version, "stream_mismatch", f"a fixing of the index whose stream this is ({name})",
                    f"a {index} fixing")
        module, _, event_type = row.topic.partition(":")
        known = module == MARKET_MODULE and event_type in MARKET_EVENT_TYPES
        if not known:
            finding(row.version, "unknown_type", "a topic domain.market:<EventType>", repr(row.topic))
        previous = check_chain(row, state, event_type, previous, finding)
        claimed = _instant(state.get("timestamp"))
        if claimed is not None and last_time is not None and claimed < last_time:
            finding(row.version, "recorded_time_decreases",
                    f"a recorded time at or after version {row.version - 1}'s ({last_time.isoformat()})",
                    f"recorded time {claimed.isoformat()}")
        last_time = claimed or last_time
        if known:
            try:
                MARKET_EVENT_TYPES[event_type].from_stored(state)
            except ValidationError as error:
                problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
                finding(row.version, "invalid_event", f"a valid {event_type}", problems)
    return name, findings


def _name(stream_id: UUID, states: list[Any]) -> str:
    """`index:SOFR` as the stream's events say (the first whose index derives the stream id), else
    the stream id."""
    for state in states:
        if isinstance(state, dict) and isinstance(state.get("index"), str) and index_id(state["index"]) == stream_id:
            return index_stream_name(state["index"])
    return str(stream_id)
