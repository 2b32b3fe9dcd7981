"""Reports the engine refuses to produce (the CLI turns these into exit status 1)."""

from datetime import date

from domain.errors import LedgerError


class ReportRefused(LedgerError):
    """A report cannot be computed from the facts; the message says why."""


class MissingIndexRate(ReportRefused):
    def __init__(self, note: str, index: str, day: date) -> None:
        super().__init__(
            f"note {note} accrues on index {index} from {day.isoformat()} but no {index} rate "
            f"is in force on {day.isoformat()}: record one with an IndexRateSet"
        )
        self.index, self.day = index, day
