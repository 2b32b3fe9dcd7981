"""What accompanies every fact a user records: who recorded it, from which document, and its
external reference (the contract §2, the common fields)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Meta:
    recorded_by: str
    source: str | None = None
    reference: str | None = None
