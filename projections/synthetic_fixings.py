"""Long synthetic index series, for examples and benchmarks: never published data.

`synthetic_sofr(start, end, seed)` gives a two-decimal rate (as SOFR is published) on every
US-GOVT business day of [start, end]: a seeded random walk with rare steps of a quarter point
(policy moves) and month-end spikes, within [0.01, 6.50]. The same seed always gives the same
series. `python -m projections.synthetic_fixings START END [SEED]` prints JSON Lines records for
`loanledger index import`.
"""

import json
import random
import sys
from datetime import date, timedelta
from decimal import Decimal

from projections.business_days import calendar_for

SOURCE = "synthetic series (projections/synthetic_fixings.py), not published data"


def synthetic_sofr(start: date, end: date, seed: int = 15, first: Decimal = Decimal("4.30")) -> dict[date, Decimal]:
    rng, calendar = random.Random(seed), calendar_for("US-GOVT")
    rate, base, out, day = first, first, {}, start
    while day <= end:
        if calendar.is_business_day(day):
            if rng.random() < 0.012:  # a policy move
                base = max(Decimal("0.05"), min(Decimal("6.25"), base + rng.choice((-25, 25)) / Decimal(100)))
            spike = Decimal(rng.randint(3, 12)) / 100 if (day + timedelta(days=1)).month != day.month else 0
            rate = base + Decimal(rng.randint(-3, 3)) / 100 + spike
            out[day] = max(Decimal("0.01"), min(Decimal("6.50"), rate))
        day += timedelta(days=1)
    return out


def records(index: str, series: dict[date, Decimal]) -> list[dict[str, str]]:
    return [{"index": index, "type": "IndexFixingPublished", "date": d.isoformat(), "rate": f"{r:.2f}",
             "source": SOURCE} for d, r in sorted(series.items())]


if __name__ == "__main__":
    low, high = date.fromisoformat(sys.argv[1]), date.fromisoformat(sys.argv[2])
    for record in records("SOFR", synthetic_sofr(low, high, int(sys.argv[3]) if len(sys.argv) > 3 else 15)):
        print(json.dumps(record))
