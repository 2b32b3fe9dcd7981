"""Which events a reversal cancels (the contract §2), as a pure function of the reversals recorded.

A reversal can itself be reversed (reinstating its target); a reversal always targets an
earlier version, so walking reversals from the newest down settles every case.
"""

from collections.abc import Iterable, Mapping
from typing import Any


def cancelled(reversals: Mapping[int, int]) -> dict[int, int]:
    """{reversal version: target version} -> {cancelled version: the reversal in force}."""
    result: dict[int, int] = {}
    for reversal in sorted(reversals, reverse=True):
        if reversal not in result:
            result[reversals[reversal]] = reversal
    return result


def reversals_in(events: Iterable[Any]) -> dict[int, int]:
    """{reversal version: target version} for the EventReversed among `events`."""
    return {e.version: e.target for e in events if type(e).__name__ == "EventReversed"}


def reversed_by(events: Iterable[Any]) -> dict[int, int]:
    """Each cancelled version with the reversal that cancels it, among `events`."""
    return cancelled(reversals_in(events))
