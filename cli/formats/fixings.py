"""Index fixing files (the contract §10): JSON Lines or YAML records
`{"index": "SOFR", "type": "IndexFixingPublished", "date": "2024-01-02", "rate": "5.31"}`
(or `IndexFixingCorrected` with a `reason`), and the New York Fed's published CSV layout
(`Effective Date,Rate Type,Rate (%),...`: dates MM/DD/YYYY, one index per Rate Type; rows without
a rate, such as the SOFR Averages and Index rows `SOFRAI`, are not fixings and are skipped)."""

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from cli.formats.records import BadLine, describe, read_file
from domain import parsing
from domain.market import CorrectFixing, PublishFixing

TYPES = {"IndexFixingPublished": PublishFixing, "IndexFixingCorrected": CorrectFixing}
NYFED_COLUMNS = ("Effective Date", "Rate Type", "Rate (%)")


@dataclass(frozen=True)
class ParsedFixing:
    line: int
    fact: PublishFixing
    source: str | None
    revision: bool = False  # the New York Fed marked the row revised: a changed rate is a correction


def read_fixings(path: Path, source: str | None = None) -> tuple[list[ParsedFixing], list[BadLine]]:
    """Every record of the file, or every bad line (each named with its line and field)."""
    if not path.is_file():
        return [], [BadLine(0, f"{path}: no such file")]
    if path.suffix.lower() == ".csv":
        return _split(_nyfed_csv(path, source))
    return _split(_record(item) if not isinstance(item, BadLine) else item for item in read_file(path))


def _split(items: Any) -> tuple[list[ParsedFixing], list[BadLine]]:
    good, bad = [], []
    for item in items:
        (bad if isinstance(item, BadLine) else good).append(item)
    return good, bad


def _record(item: tuple[int, Any]) -> ParsedFixing | BadLine:
    line, raw = item
    if not isinstance(raw, dict):
        return BadLine(line, "a record is an object such as {\"index\": \"SOFR\", \"type\": \"IndexFixingPublished\", ...}")
    fields = dict(raw)
    kind = fields.pop("type", None)
    if kind not in TYPES:
        return BadLine(line, f"type: {kind!r} is not IndexFixingPublished or IndexFixingCorrected")
    source = fields.pop("source", None)
    if source is not None:
        try:  # the one rule for a text field, as a facility record's source (cli.formats.records)
            source = parsing.text(source, max_length=parsing.LONG_TEXT)
        except ValueError as error:
            return BadLine(line, f"source: {error}")
    try:
        return ParsedFixing(line, TYPES[kind].model_validate(fields), source)
    except ValidationError as error:
        return BadLine(line, describe(error))


def _nyfed_csv(path: Path, source: str | None) -> Iterator[ParsedFixing | BadLine]:
    source = source or f"New York Fed reference rates CSV ({path.name})"
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in NYFED_COLUMNS if c not in (reader.fieldnames or ())]
            if missing:
                yield BadLine(1, f"not the New York Fed's CSV layout: no column {', '.join(map(repr, missing))}")
                return
            for row in reader:
                line = reader.line_num
                if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
                    continue
                rate = (row.get("Rate (%)") or "").strip()
                if not rate:
                    continue  # SOFRAI (averages and index) rows, or a day without a rate
                text = (row.get("Effective Date") or "").strip()
                month, _, rest = text.partition("/")
                day, _, year = rest.partition("/")
                if not (month.isdigit() and day.isdigit() and year.isdigit() and len(year) == 4):
                    yield BadLine(line, f"Effective Date: {text!r} is not a date such as 01/02/2024 (MM/DD/YYYY)")
                    continue
                fields = {"index": (row.get("Rate Type") or "").strip(),
                          "date": f"{year}-{int(month):02d}-{int(day):02d}", "rate": rate}
                try:
                    fact = PublishFixing.model_validate(fields)
                except ValidationError as error:
                    yield BadLine(line, describe(error))
                    continue
                revised = (row.get("Revision Indicator (Y/N)") or "").strip().upper() == "Y"
                yield ParsedFixing(line, fact, source, revised)
    except (UnicodeDecodeError, csv.Error) as error:
        yield BadLine(0, f"{path.name}: not a readable CSV file ({error})")
