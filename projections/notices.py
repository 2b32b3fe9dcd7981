"""Stated figures: a DefaultNoticeIssued compared with the engine as of the notice date, known at
the notice's recorded time; differences above one dollar are reported (DESIGN §4)."""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from domain.events import DefaultNoticeIssued, FacilityEvent

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


def check_notice(events: list[FacilityEvent], notice: DefaultNoticeIssued) -> NoticeCheck:
    due = past_due_as_of(events, notice.effective_date, notice.recorded_at)
    computed = {"principal": due.component("principal").amount, "interest": due.component("interest").amount,
                "fees": due.component("fees").amount, "total": due.total.amount}
    stated = {k: getattr(notice.stated_past_due, k) for k in FIGURES}
    return NoticeCheck(notice.version, notice.effective_date.isoformat(), stated, computed)
