"""Rendering a document as a use case, for `notice render` and the web view's downloads alike."""

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from cli.formats import documents as files
from projections.documents import Document, document


@dataclass(frozen=True)
class Rendered:
    document: Document
    data: bytes
    sha256: str
    template_sha256: str | None
    known_at: datetime | None


def render(events: list[Any], kind: str, as_of: date, fmt: str, known_at: datetime | None = None,
           template: Path | None = None, demand_deadline: datetime | None = None) -> Rendered:
    """The document's bytes. Without `known_at`, the figures are known at the latest recorded
    event's time, which the document states: rendering again with that `--known-at` gives the
    same bytes (docs/documents.md)."""
    moment = known_at if known_at is not None else (max(e.recorded_at for e in events) if events else None)
    doc = document(events, kind, as_of, moment, demand_deadline=demand_deadline)
    data, template_digest = files.render(doc.values, kind, fmt, template)
    return Rendered(doc, data, files.sha256(data), template_digest, moment)
