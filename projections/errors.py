"""Reports the engine refuses to produce (the CLI turns these into exit status 1)."""

from datetime import date

from domain.errors import LedgerError


class ReportRefused(LedgerError):
    """A report cannot be computed from the facts; the message says why."""


class MissingIndexRate(ReportRefused):
    def __init__(self, note: str, index: str, day: date) -> None:
        super().__init__(
            f"note {note} accrues on index {index} from {day.isoformat()} but no {index} rate "
            f"is in force on {day.isoformat()}: record one with an IndexRateSet, or a fixing "
            f"with 'loanledger index set {index}' / 'loanledger index import'"
        )
        self.index, self.day = index, day


class MissingFixing(ReportRefused):
    """A note needs a fixing that is not recorded (or not known at the instant asked): the report
    is refused, never computed with a guess (the contract §10)."""

    def __init__(self, note: str, index: str, day: date, for_day: date) -> None:
        super().__init__(
            f"note {note} needs the {index} fixing for {day.isoformat()} (for interest on "
            f"{for_day.isoformat()}) but none is recorded at the time asked: import it with "
            f"'loanledger index import FILE' or record it with "
            f"'loanledger index set {index} --date {day.isoformat()} --rate R'"
        )
        self.index, self.day, self.for_day = index, day, for_day
