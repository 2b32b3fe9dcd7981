"""Sharing the read models' work between processes (on one machine or several): facility
partitions `K/N` (docs/read-models.md, "Partitioned workers").

A facility belongs to partition `(int(facility id) mod N) + 1`: its stream id is a UUID5 of its
code, so the N partitions are near-equal in size, fixed for a facility for ever, and every
facility is in exactly one of them (no overlap, no gap), whichever machine asks.
"""

import re
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from domain.errors import InvalidInput

MAX_PARTITIONS = 1024
_SHAPE = re.compile(r"^(\d{1,4})/(\d{1,4})$")


@dataclass(frozen=True)
class Partition:
    k: int  # 1..n
    n: int

    def holds(self, facility_id: Any) -> bool:
        """Whether this partition holds the facility (a UUID or its text); text that is no UUID
        (a malformed stored row) belongs to partition 1, so exactly one partition reports it."""
        try:
            number = (facility_id if isinstance(facility_id, UUID) else UUID(str(facility_id))).int
        except ValueError:
            return self.k == 1
        return number % self.n == self.k - 1

    @property
    def label(self) -> str:
        return f"{self.k}/{self.n}"

    @property
    def tracking_name(self) -> str:
        """This partition's row in the read models' tracking table (beside the whole view's)."""
        return f"Ledger#{self.k}/{self.n}"


def parse_partition(option: str, text: str | None) -> Partition | None:
    """`K/N` with 1 ≤ K ≤ N ≤ 1024, or None when not given; anything else is refused, naming it."""
    if text is None:
        return None
    found = _SHAPE.match(text.strip())
    if not found:
        raise InvalidInput(f"{option}: {text!r} is not K/N (e.g. 2/3: the second of three partitions)",
                           field=option.lstrip("-"))
    k, n = int(found[1]), int(found[2])
    if not 1 <= n <= MAX_PARTITIONS or not 1 <= k <= n:
        raise InvalidInput(f"{option}: {text!r}: K must be between 1 and N, and N between 1 and {MAX_PARTITIONS}",
                           field=option.lstrip("-"))
    return Partition(k, n)
