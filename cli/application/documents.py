"""Rendering a document as a use case, for `notice render` and the web view's downloads alike."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from cli.formats import documents as files
from projections.documents import Document, document
from projections.fixings import NO_FIXINGS


@dataclass(frozen=True)
class Rendered:
    document: Document
    data: bytes
    sha256: str
    template_sha256: str | None
    known_at: datetime | None


def render(events: list[Any], kind: str, as_of: date, fmt: str, known_at: datetime | None = None,
           template: Path | None = None, demand_deadline: datetime | None = None,
           fixings_at: Callable[[datetime | None], Any] | None = None) -> Rendered:
    """The document's bytes. Without `known_at`, the figures are known at the latest recorded
    time of the facility's events and of the index fixings its notes read, which the document
    states: rendering again with that `--known-at` gives the same bytes (docs/documents.md).
    `fixings_at(instant)`: the market fixings the facility reads, as known then."""
    moment = known_at if known_at is not None else (max(e.recorded_at for e in events) if events else None)
    fixings = fixings_at(known_at) if fixings_at is not None else NO_FIXINGS
    if known_at is None and fixings.latest is not None and moment is not None and fixings.latest > moment:
        moment = fixings.latest
    if fixings_at is not None and moment is not None and known_at is None:  # with known_at: already as of it
        fixings = fixings_at(moment)
    doc = document(events, kind, as_of, moment, demand_deadline=demand_deadline, fixings=fixings)
    data, template_digest = files.render(doc.values, kind, fmt, template)
    return Rendered(doc, data, files.sha256(data), template_digest, moment)
