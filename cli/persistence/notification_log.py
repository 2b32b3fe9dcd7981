"""Reading the ledger's notification log (every stored event, in the order it was stored) a page
at a time: the one paging loop that the rows, the read models and verify all use."""

from collections.abc import Iterator, Sequence
from typing import Any

from eventsourcing.persistence import Notification

PAGE = 10_000


def pages(recorder: Any, after: int = 0, *, stop: int | None = None, topics: Sequence[str] = (),
          limit: int = PAGE) -> Iterator[list[Notification]]:
    """Pages of the notifications with ids above `after` (and at most `stop`), of the given
    topics (all when empty), each at most `limit` long, until the log ends."""
    while True:
        page = recorder.select_notifications(start=after, limit=limit, stop=stop, topics=topics,
                                             inclusive_of_start=False)
        if page:
            yield page
        if len(page) < limit:
            return
        after = page[-1].id


def notifications(recorder: Any, after: int = 0, **options: Any) -> Iterator[Notification]:
    for page in pages(recorder, after, **options):
        yield from page
