"""Synthetic facility histories in the import format (docs/contract.md §6), deterministic for a seed.

Each facility has a prime-based amortizing term note and a revolver; over its years it gets
monthly payments (interest and installments through the waterfall), revolver draws and directed
repayments, prime changes and the odd late fee, all dated on or before today and valid for the
domain rules (the revolver's commitment is sized so draws always fit). `density` scales the
number of events per month, so one facility can carry 10,000 events over ten years.

    python -m benchmarks.generate OUT.jsonl --events 100000 [--facilities N] [--density D]
"""

import argparse
import json
import random
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

START = date(2010, 1, 4)
YEARS = 10


def facility_records(code: str, n_events: int, *, seed: int = 0, years: int = YEARS) -> Iterator[dict[str, Any]]:
    """About `n_events` records for one facility, spread evenly over `years` from START."""
    rng = random.Random(f"{seed}:{code}")
    days = years * 365
    maturity = START + timedelta(days=days + 400)
    yield _rec(code, "FacilityOpened", code=code, borrower=f"{code} Borrower LLC", lender="Synthetic Capital LP",
               agreement_date=START.isoformat())
    yield _rec(code, "IndexRateSet", index="PRIME", rate="3.25", effective_date=(START - timedelta(days=3)).isoformat())
    quarters = [START + timedelta(days=91 * q) for q in range(1, days // 91)]
    yield _rec(code, "NoteIssued", note="TERM", kind="term", face_amount="12000000.00", issue_date=START.isoformat(),
               maturity_date=maturity.isoformat(), interest={"index": "PRIME", "margin": "2.5", "floor": "4"},
               amortization=[{"due_date": q.isoformat(), "amount": "100000.00"} for q in quarters],
               default_margin="2", grace_days=10)
    yield _rec(code, "NoteIssued", note="REVOLVER", kind="revolving", face_amount="999000000.00",
               issue_date=START.isoformat(), maturity_date=maturity.isoformat(),
               interest={"index": "PRIME", "margin": "1.75"}, interest_day=15)
    yield _rec(code, "AdvanceMade", note="TERM", amount="12000000.00", effective_date=START.isoformat())
    remaining = max(n_events - 5, 0)
    for number in range(remaining):
        day = START + timedelta(days=1 + number * (days - 1) // max(remaining, 1))
        yield _activity(code, rng, number, day)


def _activity(code: str, rng: random.Random, number: int, day: date) -> dict[str, Any]:
    when = day.isoformat()
    roll = rng.random()
    if number % 40 == 39:
        return _rec(code, "IndexRateSet", index="PRIME", rate=f"{rng.uniform(3.25, 8.5):.2f}", effective_date=when)
    if roll < 0.40:
        return _rec(code, "PaymentReceived", amount=_money(rng, 20_000, 90_000), effective_date=when,
                    reference=f"WIRE-{code}-{number}", source="bank statement")
    if roll < 0.75:
        return _rec(code, "AdvanceMade", note="REVOLVER", amount=_money(rng, 10_000, 250_000), effective_date=when,
                    source="borrowing request")
    if roll < 0.97:
        return _rec(code, "PaymentReceived", amount=_money(rng, 5_000, 60_000), effective_date=when,
                    note="REVOLVER", component="principal", reference=f"SWEEP-{code}-{number}")
    return _rec(code, "FeeAssessed", amount=_money(rng, 250, 5_000), kind="late", effective_date=when,
                basis="late charge, section 2.9")


def _money(rng: random.Random, low: int, high: int) -> str:
    return f"{rng.randrange(low * 100, high * 100) / 100:.2f}"


def _rec(facility: str, event_type: str, **fields: Any) -> dict[str, Any]:
    return {"facility": facility, "type": event_type, **fields}


def portfolio_records(n_events: int, per_facility: int = 250, *, seed: int = 0) -> Iterator[dict[str, Any]]:
    """`n_events` records over ceil(n_events / per_facility) facilities, one facility after another."""
    left, index = n_events, 0
    while left > 0:
        size = min(per_facility, left)
        yield from facility_records(f"SYN-{index:05d}", size, seed=seed)
        left -= size
        index += 1


def write(path: Path, records: Iterator[dict[str, Any]]) -> int:
    count = 0
    with path.open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, separators=(",", ":")) + "\n")
            count += 1
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--per-facility", type=int, default=250)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    count = write(args.out, portfolio_records(args.events, args.per_facility, seed=args.seed))
    print(f"wrote {count} records to {args.out}")


if __name__ == "__main__":
    main()
