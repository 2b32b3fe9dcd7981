"""Exact interest arithmetic: numerators summed per day-count basis, divided once.

Interest on a sub-interval is principal × rate/100 × days/basis. Keeping Σ principal × rate ×
days per basis exact (Decimal with a wide context) makes sums of sub-intervals exact, so the
only inexact step is the final division, and the only rounding is `domain.money.to_cents`.
"""

from collections.abc import Callable
from decimal import Context, Decimal, getcontext, localcontext
from functools import wraps
from typing import ParamSpec, TypeVar

WIDE = Context(prec=80)
_NOUGHT = Decimal(0)

P = ParamSpec("P")
R = TypeVar("R")


def is_wide() -> bool:
    """Whether the current context is already WIDE's (inside a `wide` call)."""
    context = getcontext()
    return context.prec == WIDE.prec and context.rounding == WIDE.rounding


def wide(fn: Callable[P, R]) -> Callable[P, R]:
    """Run `fn` with an 80-digit Decimal context so products and sums never lose digits."""

    @wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        if is_wide():
            return fn(*args, **kwargs)
        with localcontext(WIDE):
            return fn(*args, **kwargs)

    return run


class Accrual:
    """Σ principal × rate × days, kept per basis (360, 365, 366); value() divides once."""

    __slots__ = ("_sums",)

    def __init__(self) -> None:
        self._sums: dict[int, Decimal] = {}

    def add(self, principal: Decimal, rate: Decimal, parts: tuple[tuple[int, int], ...]) -> None:
        if not is_wide():
            with localcontext(WIDE):
                return self.add(principal, rate, parts)
        sums = self._sums
        for days, basis in parts:
            if days:
                sums[basis] = sums.get(basis, _NOUGHT) + principal * rate * days
        return None

    def add_amount(self, amount: Decimal) -> None:
        """Add an amount already worked out (a convention's sub-interval, projections.conventions):
        kept as Σ amount × 100 over a basis of 1, so `value()` gives it back exactly."""
        if not is_wide():
            with localcontext(WIDE):
                return self.add_amount(amount)
        self._sums[1] = self._sums.get(1, _NOUGHT) + amount * 100
        return None

    def value(self) -> Decimal:
        if not is_wide():
            with localcontext(WIDE):
                return self.value()
        sums = self._sums
        if len(sums) == 1:  # one basis (the usual case): the same sum without sorting a generator
            for basis, total in sums.items():
                return _NOUGHT + total / (100 * basis)
        return sum((total / (100 * basis) for basis, total in sorted(sums.items())), _NOUGHT)

    def copy(self) -> "Accrual":
        twin = Accrual.__new__(Accrual)
        twin._sums = self._sums.copy()
        return twin

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Accrual):
            return NotImplemented
        return {k: v for k, v in self._sums.items() if v} == {
            k: v for k, v in other._sums.items() if v
        }

    def __repr__(self) -> str:
        return f"Accrual({self._sums!r})"
