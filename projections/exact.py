"""Exact interest arithmetic: numerators summed per day-count basis, divided once.

Interest on a sub-interval is principal × rate/100 × days/basis. Keeping Σ principal × rate ×
days per basis exact (Decimal with a wide context) makes sums of sub-intervals exact, so the
only inexact step is the final division, and the only rounding is `domain.money.to_cents`.
"""

from collections.abc import Callable
from decimal import Context, Decimal, localcontext
from functools import wraps
from typing import ParamSpec, TypeVar

WIDE = Context(prec=80)

P = ParamSpec("P")
R = TypeVar("R")


def wide(fn: Callable[P, R]) -> Callable[P, R]:
    """Run `fn` with an 80-digit Decimal context so products and sums never lose digits."""

    @wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with localcontext(WIDE):
            return fn(*args, **kwargs)

    return run


class Accrual:
    """Σ principal × rate × days, kept per basis (360, 365, 366); value() divides once."""

    __slots__ = ("_sums",)

    def __init__(self) -> None:
        self._sums: dict[int, Decimal] = {}

    def add(self, principal: Decimal, rate: Decimal, parts: tuple[tuple[int, int], ...]) -> None:
        with localcontext(WIDE):
            for days, basis in parts:
                if days:
                    self._sums[basis] = self._sums.get(basis, Decimal(0)) + principal * rate * days

    def value(self) -> Decimal:
        with localcontext(WIDE):
            return sum(
                (total / (100 * basis) for basis, total in sorted(self._sums.items())), Decimal(0)
            )

    def copy(self) -> "Accrual":
        twin = Accrual()
        twin._sums = dict(self._sums)
        return twin

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Accrual):
            return NotImplemented
        return {k: v for k, v in self._sums.items() if v} == {
            k: v for k, v in other._sums.items() if v
        }

    def __repr__(self) -> str:
        return f"Accrual({self._sums!r})"
