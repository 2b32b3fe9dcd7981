"""Test helpers: facility event streams built from plain records (the contract §6 shape)."""

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from uuid import NAMESPACE_URL, uuid5

from domain.events import EVENT_TYPES, FACT_OF, FacilityEvent

START = datetime(2005, 9, 7, 14, 0, tzinfo=timezone.utc)
ROOT = Path(__file__).resolve().parent.parent


def facility_id(code: str):  # type: ignore[no-untyped-def]
    return uuid5(NAMESPACE_URL, f"loanledger:{code}")


def stream(*records: dict[str, Any], start: datetime = START, step: timedelta = timedelta(hours=1)) -> list[FacilityEvent]:
    """Events for records {"type": ..., fields}, validated as commands first (as the ledger does):
    versions 1..n, timestamps increasing by `step`."""
    events = []
    for version, record in enumerate(records, start=1):
        raw = {k: v for k, v in record.items() if k not in ("type", "facility")}
        meta = {k: raw.pop(k) for k in ("source", "reference") if k in raw}
        fields = {**FACT_OF[record["type"]].model_validate(raw).model_dump(), **meta}  # as the ledger records it
        cls = EVENT_TYPES[record["type"]]
        extra = {"originator_topic": "domain.events:FacilityOpened"} if record["type"] == "FacilityOpened" else {}
        events.append(cls(
            originator_id=facility_id(record.get("facility", "TEST")), originator_version=version,
            timestamp=start + step * version, recorded_by="test", **extra, **fields))
    return events


def append(events: list[FacilityEvent], *records: dict[str, Any], at: datetime) -> list[FacilityEvent]:
    """The stream with more records recorded at `at` (and a second apart after it)."""
    more = stream(*records)
    out = list(events)
    for offset, event in enumerate(more):
        out.append(event.model_copy(update={
            "originator_version": len(events) + offset + 1,
            "timestamp": at + timedelta(seconds=offset)}))
    return out


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def seed_events() -> list[FacilityEvent]:
    return stream(*read_jsonl(ROOT / "examples" / "atg-laurus-2005.jsonl"))


def opened(code: str = "TEST", **overrides: Any) -> dict[str, Any]:
    record = {"type": "FacilityOpened", "facility": code, "code": code, "borrower": "Borrower Inc.",
              "lender": "Lender Ltd.", "agreement_date": "2005-01-03"}
    return {**record, **overrides}


def note(code: str = "A", **overrides: Any) -> dict[str, Any]:
    record = {"type": "NoteIssued", "note": code, "kind": "term", "face_amount": "1000000.00",
              "issue_date": "2005-01-03", "maturity_date": "2010-01-04",
              "interest": {"rate": "6"}, "day_count": "ACT/360"}
    return {**record, **overrides}


def advance(amount: str, day: str, note_code: str = "A") -> dict[str, Any]:
    return {"type": "AdvanceMade", "note": note_code, "amount": amount, "effective_date": day}


def payment(amount: str, day: str, **more: Any) -> dict[str, Any]:
    return {"type": "PaymentReceived", "amount": amount, "effective_date": day, **more}


def rate(index: str, value: str, day: str) -> dict[str, Any]:
    return {"type": "IndexRateSet", "index": index, "rate": value, "effective_date": day}


def fee(amount: str, day: str, note_code: str | None = None, kind: str = "late") -> dict[str, Any]:
    record = {"type": "FeeAssessed", "amount": amount, "kind": kind, "effective_date": day, "basis": "test"}
    return {**record, "note": note_code} if note_code else record


def declare(day: str, clause: str = "§19(a)", notes: list[str] | None = None) -> dict[str, Any]:
    record = {"type": "EventOfDefaultDeclared", "effective_date": day, "clause": clause, "description": "test"}
    return {**record, "notes": notes} if notes else record


def waive(day: str, clause: str = "§19(a)") -> dict[str, Any]:
    return {"type": "DefaultWaived", "effective_date": day, "clause": clause, "description": "test"}


def accelerate(day: str) -> dict[str, Any]:
    return {"type": "ObligationsAccelerated", "effective_date": day}


def rescind(day: str) -> dict[str, Any]:
    return {"type": "AccelerationRescinded", "effective_date": day}


def reverse(target: int) -> dict[str, Any]:
    return {"type": "EventReversed", "target": target, "reason": "test"}


def extend(day: str, new_maturity: str, note_code: str = "A") -> dict[str, Any]:
    return {"type": "MaturityExtended", "note": note_code, "new_maturity_date": new_maturity, "effective_date": day}
