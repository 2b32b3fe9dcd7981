"""A note's commitment on a day (docs/arithmetic.md, "Commitments"): the amount the lenders are
bound to lend under it, one rule read by the domain (an advance must fit) and by the engine
(availability, unused and ticking fees).

The commitment starts at the note's `commitment` (its face amount when not given) on its issue
date; each CommitmentChanged sets it from its effective date; a CommitmentTerminated ends it
from its date; an acceleration covering the note terminates it while the acceleration is in
force (a rescission reinstates it). A protective advance is made after the lenders stopped
being bound to lend: it is checked against the last commitment in force before any
termination. Outside [issue date, maturity] the commitment is zero.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

ZERO = Decimal("0")


@dataclass(frozen=True, order=True)
class CommitmentStep:
    """A change of a note's commitment from `effective_date`, in (date, version) order:
    `amount` None means terminated."""

    effective_date: date
    version: int
    amount: Decimal | None


@dataclass(frozen=True)
class CommitmentOn:
    """A note's commitment on a day and, when it is zero, why."""

    amount: Decimal
    terminated_on: date | None = None  # by a CommitmentTerminated
    accelerated: bool = False


def commitment_on(initial: Decimal, steps: Iterable[CommitmentStep], day: date, *, accelerated: bool = False,
                  protective: bool = False) -> CommitmentOn:
    """The commitment on `day` from its first amount and its steps (reversed ones left out by
    the caller). `accelerated`: whether an acceleration covering the note is in force on `day`."""
    amount, terminated = initial, None
    for step in sorted(steps):
        if step.effective_date > day:
            break
        if step.amount is None:
            terminated = step.effective_date
            break
        amount = step.amount
    if protective:
        return CommitmentOn(amount)
    if terminated is not None:
        return CommitmentOn(ZERO, terminated_on=terminated, accelerated=accelerated)
    if accelerated:
        return CommitmentOn(ZERO, accelerated=True)
    return CommitmentOn(amount)
