"""One money type (Decimal) and one rounding rule (ROUND_HALF_UP to the cent)."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def to_cents(amount: Decimal) -> Decimal:
    """Round an amount to the cent, half up: the only rounding the ledger does."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def to_dollars(amount: Decimal) -> Decimal:
    """Round to whole units, half up (used only to compare with letters stated to the dollar)."""
    return amount.quantize(Decimal("1"), rounding=ROUND_HALF_UP)
