"""Stated figures: a DefaultNoticeIssued compared with the engine as of the notice date, known at
the notice's recorded time; differences above one dollar are reported (the contract §4)."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from domain.events import DefaultNoticeIssued, FacilityEvent


from projections.fixings import NO_FIXINGS, FixingRow, Fixings
from projections.report import past_due_as_of
from projections.selection import active

TOLERANCE = Decimal("1.00")
FIGURES = ("principal", "interest", "fees", "total")


@dataclass(frozen=True)
class NoticeCheck:
    version: int
    notice_date: str
    stated: dict[str, Decimal]
    computed: dict[str, Decimal]

    @property
    def differences(self) -> dict[str, Decimal]:
        return {k: self.computed[k] - self.stated[k] for k in FIGURES
                if abs(self.computed[k] - self.stated[k]) > TOLERANCE}

    @property
    def agrees(self) -> bool:
        return not self.differences


def check_notices(events: Iterable[FacilityEvent]) -> list[NoticeCheck]:
    """Every active notice, checked against the engine (reversed notices are not checked)."""
    events = list(events)
    return [check_notice(events, n) for n in active(events) if isinstance(n, DefaultNoticeIssued)]


def check_notice(events: list[FacilityEvent], notice: DefaultNoticeIssued, market: Sequence[FixingRow] = ()) -> NoticeCheck:
    """`market`: the market's fixing rows (projections.fixings.FixingRow), read as known when the notice was recorded."""
    fixings = Fixings.of_rows(market, notice.recorded_at) if market else NO_FIXINGS
    due = past_due_as_of(events, notice.effective_date, notice.recorded_at, fixings=fixings)
    computed = {"principal": due.component("principal").amount, "interest": due.component("interest").amount,
                "fees": due.component("fees").amount, "total": due.total.amount}
    stated = {k: getattr(notice.stated_past_due, k) for k in FIGURES}
    return NoticeCheck(notice.version, notice.effective_date.isoformat(), stated, computed)
