"""Issue #15, goal 6, in process (SQLite): a facility on daily compounded SOFR with five years of
daily fixings answers `past-due --as-of` (read the facility's stream, read the SOFR stream, run
the engine) within 2× the same facility on a prime rate (read its stream, run the engine).

Both facilities: a $50M term note (quarterly amortization) and a $20M revolver, five years of
monthly drawings and repayments and a payment on every due date; the prime one has a rate change
a quarter; the SOFR one is compounded in arrears (5-day lookback; the revolver with observation
shift), its fixings a synthetic series (projections/synthetic_fixings.py) of ~1,260 business days.
"""

import json
from datetime import date, timedelta
from pathlib import Path

from benchmarks.backends import sqlite_db
from benchmarks.results import Result
from benchmarks.timing import loanledger, median_seconds, run

START, END = date(2021, 1, 4), date(2025, 12, 31)
AS_OF = date(2025, 12, 31)


def facility(code: str, sofr: bool) -> list[dict]:
    def rec(event_type: str, **fields: object) -> dict:
        return {"facility": code, "type": event_type, **fields}

    if sofr:
        common = {"index": "SOFR", "convention": "compounded_in_arrears", "lookback_days": 5,
                  "spread_adjustment": "0.11448", "index_floor": "0"}
        term = {**common, "margin": "2.25", "interest_period_months": 3}
        revolver = {**common, "margin": "2", "observation_shift": True}
    else:
        term, revolver = {"index": "PRIME", "margin": "1"}, {"index": "PRIME", "margin": "0.5"}
    out = [rec("FacilityOpened", code=code, borrower="B", lender="L", agreement_date=START.isoformat()),
           rec("NoteIssued", note="TERM", kind="term", face_amount="50000000.00", issue_date=START.isoformat(),
               maturity_date="2027-01-04", interest=term,
               amortization=[{"due_date": f"{y}-{m:02d}-04", "amount": "500000.00"}
                             for y in range(2021, 2026) for m in (4, 7, 10) ]),
           rec("NoteIssued", note="REV", kind="revolving", face_amount="20000000.00", issue_date=START.isoformat(),
               maturity_date="2027-01-04", interest=revolver),
           rec("AdvanceMade", note="TERM", amount="50000000.00", effective_date=START.isoformat())]
    if not sofr:
        out += [rec("IndexRateSet", index="PRIME", rate=f"{3.25 + (k % 12) * 0.25:.2f}",
                    effective_date=(START + timedelta(days=91 * k)).isoformat()) for k in range(20)]
    day, k = START, 0
    while day < END:
        k += 1
        out.append(rec("AdvanceMade", note="REV", amount="1000000.00", effective_date=day.isoformat()))
        out.append(rec("PaymentReceived", amount="950000.00", note="REV", component="principal",
                       effective_date=(day + timedelta(days=20)).isoformat()))
        day += timedelta(days=30)
    return out


def bench(tmp: Path, runs: int = 5) -> list[Result]:
    from cli.application.ledger import Ledger
    from cli.application.market import fixings_for
    from cli.persistence.storage import database
    from projections.report import past_due_as_of
    from projections.synthetic_fixings import records, synthetic_sofr

    files = {}
    for code, sofr in (("BENCH-PRIME", False), ("BENCH-SOFR", True)):
        files[code] = tmp / f"{code}.jsonl"
        files[code].write_text("".join(json.dumps(r) + "\n" for r in facility(code, sofr)))
    fixings = tmp / "sofr-5y.jsonl"
    series = synthetic_sofr(START - timedelta(days=30), END, seed=5)
    fixings.write_text("".join(json.dumps(r) + "\n" for r in records("SOFR", series)))
    with sqlite_db(tmp, "sofr") as db:
        for file in files.values():
            run(loanledger(db, "import", str(file)))
        run(loanledger(db, "index", "import", str(fixings)))
        ledger = Ledger(database(db))

        def ask(code: str) -> object:
            events = ledger.facility_events(code)
            return past_due_as_of(events, AS_OF, fixings=fixings_for(ledger, events))

        def ask_cold(code: str) -> object:  # a new ledger: nothing read before is kept (one CLI command)
            fresh = Ledger(database(db))
            try:
                events = fresh.facility_events(code)
                return past_due_as_of(events, AS_OF, fixings=fixings_for(fresh, events))
            finally:
                fresh.close()

        try:
            ask("BENCH-SOFR")  # refused if anything is missing: fail loudly, not time a refusal
            prime = median_seconds(lambda: ask("BENCH-PRIME"), runs)
            sofr = median_seconds(lambda: ask("BENCH-SOFR"), runs)
            prime_cold = median_seconds(lambda: ask_cold("BENCH-PRIME"), runs)
            sofr_cold = median_seconds(lambda: ask_cold("BENCH-SOFR"), runs)
        finally:
            ledger.close()
    return [Result(f"15 past-due --as-of, compounded SOFR, {len(series):,} fixings", f"{sofr * 1000:.1f} ms",
                   f"prime {prime * 1000:.1f} ms", sofr / prime, "≤ 2.00", sofr <= 2 * prime),
            Result("15 same, first report of a new ledger (nothing cached)", f"{sofr_cold * 1000:.1f} ms",
                   f"prime {prime_cold * 1000:.1f} ms", sofr_cold / prime_cold, "(shown)", True)]
