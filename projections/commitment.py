"""What the write side asks the engine when checking a revolver's commitment: a note's
principal at the end of a day, from every fact recorded so far (pending ones included)."""

from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal

from domain.events import FacilityEvent
from domain.money import ZERO

from projections.engine import Sweep


def principal_provider(events: Callable[[], Iterable[FacilityEvent]]):  # type: ignore[no-untyped-def]
    """A `domain.facility.PrincipalOf` over the facility's events so far, as `events()` gives them
    in version order (the caller keeps them: the aggregate holds no events)."""

    def principal_of(note: str, day: date) -> Decimal:
        sweep = Sweep(list(events()), need_rates=False, explain=False)
        sweep.run_to(day)
        state = sweep.notes.get(note)
        return state.principal if state is not None else ZERO

    return principal_of
