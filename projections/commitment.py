"""What the write side asks the engine when checking a revolver's commitment: a note's
principal at the end of a day, from every fact recorded so far (pending ones included)."""

from datetime import date
from decimal import Decimal
from typing import Any

from domain.money import ZERO

from projections.engine import Sweep


def principal_provider(facility: Any):  # type: ignore[no-untyped-def]
    """A `domain.facility.PrincipalOf` over the facility aggregate's history."""

    def principal_of(note: str, day: date) -> Decimal:
        sweep = Sweep(facility.all_events(), need_rates=False, explain=False)
        sweep.run_to(day)
        state = sweep.notes.get(note)
        return state.principal if state is not None else ZERO

    return principal_of
