"""Writes the SOFR-era example (docs/market-data.md, README "A SOFR facility"):

* examples/sofr-2025-fixings.jsonl: SOFR fixings for 2024-12-02..2025-12-31, a SYNTHETIC series
  (projections/synthetic_fixings.py, seed 2025): the published 2025 fixings are not in this
  repository; each record says so in its `source`. (Published fixings: examples/nyfed-sofr-2026.csv.)
* examples/sofr-term-revolver-2025.jsonl: facility SOFR-TLR-2025, a $50M five-year term loan
  (TERM-A: compounded in arrears, 5-business-day lookback, quarterly periods, 1.25% quarterly
  amortization) and a $20M revolver (REVOLVER: compounded in arrears with a 5-day lookback and
  observation shift, monthly periods), both SOFR + the ARRC's one-month CSA 0.11448% + margin,
  SOFR floored at 0; drawings in 2025 and a year of payments, each paying exactly what the engine
  says fell due that day (so nothing is past due at the end of 2025 but the December items).

Run from the repository root:  python examples/build_sofr_facility.py
"""

import json
import sys
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from projections.fixings import Fixings  # noqa: E402
from projections.report import past_due_as_of  # noqa: E402
from projections.synthetic_fixings import records, synthetic_sofr  # noqa: E402
from tests.streams import stream  # noqa: E402

CODE = "SOFR-TLR-2025"
AGREEMENT = "Credit Agreement dated 2025-01-15 (example)"
SERIES = synthetic_sofr(date(2024, 12, 2), date(2025, 12, 31), seed=2025)
FIXINGS = Fixings({"SOFR": SERIES})
COMMON = {"index": "SOFR", "convention": "compounded_in_arrears", "lookback_days": 5,
          "spread_adjustment": "0.11448", "index_floor": "0"}


def rec(event_type: str, **fields) -> dict:
    return {"facility": CODE, "type": event_type, **fields}


def terms() -> list[dict]:
    installments = []
    for year in range(2025, 2030):
        for month in (4, 7, 10, 1):
            y = year + 1 if month == 1 else year
            if date(y, month, 15) < date(2030, 1, 15):
                installments.append({"due_date": f"{y}-{month:02d}-15", "amount": "625000.00"})
    return [
        rec("FacilityOpened", code=CODE, borrower="Example Manufacturing LLC", lender="Example Bank N.A.",
            agent="Example Bank N.A., as Administrative Agent", agreement_date="2025-01-15", source=AGREEMENT),
        rec("NoteIssued", note="TERM-A", kind="term", face_amount="50000000.00", issue_date="2025-01-15",
            maturity_date="2030-01-15", day_count="ACT/360", amortization=installments, default_margin="2",
            interest={**COMMON, "margin": "2.25", "interest_period_months": 3}, source=AGREEMENT),
        rec("NoteIssued", note="REVOLVER", kind="revolving", face_amount="20000000.00", issue_date="2025-01-15",
            maturity_date="2030-01-15", day_count="ACT/360", default_margin="2",
            interest={**COMMON, "margin": "2.00", "observation_shift": True, "interest_period_months": 1},
            source=AGREEMENT),
        rec("AdvanceMade", note="TERM-A", amount="50000000.00", effective_date="2025-01-15", reference="DRAW-TERM-A"),
        rec("AdvanceMade", note="REVOLVER", amount="5000000.00", effective_date="2025-01-15", reference="DRAW-R-001"),
        rec("AdvanceMade", note="REVOLVER", amount="3000000.00", effective_date="2025-04-10", reference="DRAW-R-002"),
        rec("PaymentReceived", note="REVOLVER", component="principal", amount="2000000.00",
            effective_date="2025-07-15", reference="WIRE-R-PRIN-001"),
        rec("AdvanceMade", note="REVOLVER", amount="4000000.00", effective_date="2025-09-02", reference="DRAW-R-003"),
    ]


def with_payments(records_so_far: list[dict], until: date) -> list[dict]:
    """Each day on which something falls due, a payment of exactly what is past due that day."""
    out, day, n = list(records_so_far), date(2025, 1, 16), 0
    while day <= until:
        due = past_due_as_of(stream(*out), day, fixings=FIXINGS).total.amount
        if due > 0:
            n += 1
            out.append(rec("PaymentReceived", amount=f"{due:.2f}", effective_date=day.isoformat(),
                           reference=f"WIRE-{n:04d}", source="borrower's wire, paying what fell due"))
        day += timedelta(days=1)
    return out


def main() -> None:
    fixings = ROOT / "examples" / "sofr-2025-fixings.jsonl"
    fixings.write_text("".join(json.dumps(r) + "\n" for r in records("SOFR", SERIES)))
    history = with_payments(terms(), date(2025, 11, 30))
    (ROOT / "examples" / "sofr-term-revolver-2025.jsonl").write_text("".join(json.dumps(r) + "\n" for r in history))
    print(f"{len(SERIES)} fixings, {len(history)} facility records")


if __name__ == "__main__":
    main()
