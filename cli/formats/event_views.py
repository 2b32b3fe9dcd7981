"""What auditors select and how it is written: filters over a facility's stream (type, effective
dates, recorded times) and the JSON Lines / CSV renderings, with each reversed event marked with
the reversal in force that cancels it (`reversed_by`)."""

import csv
import io
import json
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from cli.formats.dates import parse_day
from cli.formats.records import dumps, to_record
from domain.errors import InvalidInput, LedgerError
from domain.events import EVENT_TYPES, FacilityEvent
from domain.reversals import reversed_by

FORMATS = ("jsonl", "csv")
CSV_COLUMNS = ("facility", "version", "type", "effective", "recorded_at", "recorded_by",
               "source", "reference", "reversed_by", "chain_hash", "fields")


@dataclass(frozen=True)
class Selection:
    types: tuple[str, ...] = ()
    effective_from: date | None = None
    effective_to: date | None = None
    recorded_from: datetime | None = None
    recorded_to: datetime | None = None

    def __contains__(self, event: FacilityEvent) -> bool:
        return (
            (not self.types or type(event).__name__ in self.types)
            and _within(event.effective(), self.effective_from, self.effective_to)
            and (self.recorded_from is None or event.recorded_at >= self.recorded_from)
            and (self.recorded_to is None or event.recorded_at <= self.recorded_to)
        )


def selection(
    types: list[str] | None, effective_from: str | None, effective_to: str | None,
    recorded_from: str | None, recorded_to: str | None,
) -> Selection:
    """The filters as given on the command line, validated; a bad one names its option."""
    for name in types or ():
        if name not in EVENT_TYPES:
            raise LedgerError(f"--type: {name!r} is not an event type (one of {', '.join(EVENT_TYPES)})")
    return Selection(
        tuple(types or ()), _day("--from", effective_from), _day("--to", effective_to),
        instant("--recorded-from", recorded_from, end_of_day=False),
        instant("--recorded-to", recorded_to, end_of_day=True),
    )


Row = tuple[FacilityEvent, dict[str, Any]]


def rows(code: str, events: list[FacilityEvent], chosen: Selection) -> list[Row]:
    """The chosen events with their export records; `reversed_by` is judged on the whole stream."""
    cancelled = reversed_by(events)
    return [(e, {**to_record(code, e), "reversed_by": cancelled.get(e.version)}) for e in events if e in chosen]


def render(chosen: list[Row], fmt: str) -> str:
    if fmt == "jsonl":
        return "".join(dumps(record) + "\n" for _, record in chosen)
    if fmt == "csv":
        return _csv(chosen)
    raise LedgerError(f"--format: {fmt!r} is not one of {', '.join(FORMATS)}")


def _csv(chosen: list[Row]) -> str:
    """One row per event: the common columns, `effective` (the event's effective date, e.g. a
    note's issue date), and the fact's own fields as compact JSON."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for event, record in chosen:
        row = {**record, "effective": event.effective(),
               "fields": json.dumps(event.fact_fields(), ensure_ascii=False, separators=(",", ":"))}
        writer.writerow(["" if row.get(c) is None else row[c] for c in CSV_COLUMNS])
    return out.getvalue()


def instant(option: str, text: str | None, *, end_of_day: bool) -> datetime | None:
    """An aware datetime, or a date meaning the start (or, for an upper bound, the end) of that
    day in UTC, the zone of recorded times.

    Both start with a date written exactly YYYY-MM-DD. An instant selects recorded times, it is
    not walked day by day, so any year is accepted: one beyond Python's datetime range in UTC
    (9999-12-31T23:00-05:00) or the end of 9999-12-31 means "after everything", 0001-01-01T00:00+05:00
    "before everything". A malformed one is a usage error (exit 2) naming the option."""
    if text is None:
        return None
    if _DAY.fullmatch(text):
        day = parse_day(option, text)
        start = datetime.combine(day, time(0), tzinfo=timezone.utc)
        if not end_of_day:
            return start
        return start + timedelta(days=1, microseconds=-1) if day < date.max else _LATEST
    try:
        if not _DAY.fullmatch(text[:10]) or text[10:11] not in ("T", " "):
            raise ValueError(text)
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{option}: {text!r} is not a date (YYYY-MM-DD) or a date-time with an offset "
                           "(YYYY-MM-DDTHH:MM[:SS]+HH:MM or Z)", field=option.lstrip("-")) from None
    if moment.tzinfo is None:
        raise InvalidInput(f"{option}: {text!r} has no UTC offset: add one, e.g. {text}Z or {text}-05:00",
                           field=option.lstrip("-"))
    try:
        moment.astimezone(timezone.utc)
    except OverflowError:  # beyond year 1..9999 once in UTC: before or after every recorded time
        return _LATEST if moment.year == 9999 else _EARLIEST
    return moment


_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
_LATEST = datetime.max.replace(tzinfo=timezone.utc)
_EARLIEST = datetime.min.replace(tzinfo=timezone.utc)


def _day(option: str, text: str | None) -> date | None:
    return None if text is None else parse_day(option, text)


def _within(day: date | None, low: date | None, high: date | None) -> bool:
    if day is None:
        return low is None and high is None
    return (low is None or day >= low) and (high is None or day <= high)
