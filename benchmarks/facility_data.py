"""Synthetic facilities for the read-model benchmarks: N facilities × ~100 events each, decided by
the Facility aggregate (rules and chain hashes as in production) and saved many per `save()`.

Each facility: FacilityOpened, two term notes, a PRIME rate history, then about two years of
business: advances on one note, payments (waterfall), rate changes and the odd late fee;
one facility in ten defaults in its second year and one in twenty is accelerated.
"""

import random
from datetime import date, timedelta
from decimal import Decimal

from cli.application.ledger import Ledger
from domain import facts
from domain.facility import Facility, decide

START = date(2022, 1, 3)
TODAY = date(2025, 1, 1)
PER_SAVE = 50  # facilities per save(): ~5,000 events per transaction


def facility(code: str, events: int, rng: random.Random) -> Facility:
    def record(fact: facts.Fact) -> None:
        decide(f, fact, today=TODAY, recorded_by="bench")

    f = Facility.open(facts.OpenFacility(code=code, borrower=f"Borrower {code}", lender="Bench Bank",
                                         agreement_date=START), today=TODAY, recorded_by="bench")
    record(facts.SetIndexRate(index="PRIME", rate=Decimal("3.25"), effective_date=START))
    for note, kind in (("TERM-A", "term"), ("TERM-B", "term")):
        record(facts.IssueNote(note=note, kind=kind, face_amount=Decimal("5000000"), issue_date=START,
                               maturity_date=START + timedelta(days=1460), default_margin=Decimal("2"),
                               interest={"index": "PRIME", "margin": Decimal("2.5"), "floor": Decimal("4")},
                               amortization=[{"due_date": START + timedelta(days=365 * y), "amount": "250000"}
                                             for y in (1, 2, 3)]))
    record(facts.MakeAdvance(note="TERM-A", amount=Decimal("3000000"), effective_date=START))
    troubled, defaulted = rng.random() < 0.1, False
    day = START
    while len(f.pending_events) < events:
        day += timedelta(days=rng.randint(4, 10))
        roll = rng.random()
        if troubled and not defaulted and day > START + timedelta(days=400):
            defaulted = True
            record(facts.DeclareDefault(effective_date=day, clause="SA §19(a)", description="missed payment"))
            if rng.random() < 0.5:
                record(facts.AccelerateObligations(effective_date=day))
        elif roll < 0.15:
            record(facts.MakeAdvance(note="TERM-B", amount=Decimal(rng.randint(10, 200) * 1000), effective_date=day))
        elif roll < 0.2:
            record(facts.SetIndexRate(index="PRIME", rate=Decimal(rng.randint(300, 850)) / 100, effective_date=day))
        elif roll < 0.23:
            record(facts.AssessFee(amount=Decimal("500"), kind="late", effective_date=day, basis="flat"))
        elif not defaulted:
            record(facts.ReceivePayment(amount=Decimal(rng.randint(5, 60) * 1000), effective_date=day))
        else:
            record(facts.ReceivePayment(amount=Decimal("1000"), effective_date=day))
    return f


def populate(ledger: Ledger, facilities: int, events: int = 100, seed: int = 7, progress=None) -> int:
    """Save `facilities` facilities of about `events` events each; returns the events saved."""
    rng = random.Random(seed)
    saved = 0
    for start in range(0, facilities, PER_SAVE):
        batch = [facility(f"BENCH-{n:06d}", events, rng) for n in range(start, min(start + PER_SAVE, facilities))]
        saved += sum(len(f.pending_events) for f in batch)
        ledger.save(*batch)
        if progress:
            progress(len(batch))
    return saved
