"""Two writers on one facility: the loser reloads, decides again, and lands exactly once."""

from decimal import Decimal

import pytest

from cli.application.ledger import ConflictPersisted, Ledger, Meta
from cli.persistence.storage import database
from domain import facts
from tests.helpers import facility_with_two_notes


class InterruptedLedger(Ledger):
    """Before it saves, another writer records on the same facility (`interruptions` times)."""

    def __init__(self, db, other, interruptions):
        super().__init__(db)
        self.other, self.interruptions, self.decisions = other, interruptions, 0

    def _decide(self, facility, fact, meta):
        outcome = super()._decide(facility, fact, meta)
        self.decisions += 1
        if self.decisions <= self.interruptions:
            self.other.record("ACME-1", payment(f"{self.decisions}.00"), Meta("other"))
        return outcome


def payment(amount):
    return facts.ReceivePayment(amount=amount, effective_date="2024-02-01")


@pytest.fixture
def two_writers(db_url):
    facility_with_two_notes(db_url)
    other = Ledger(database(db_url))
    yield db_url, other
    other.close()


def test_a_conflict_is_retried_and_recorded_once(two_writers):
    db_url, other = two_writers
    ledger = InterruptedLedger(database(db_url), other, interruptions=2)
    try:
        outcome = ledger.record("ACME-1", payment("500.00"), Meta("me"))
        events = ledger.facility_events("ACME-1")
    finally:
        ledger.close()

    amounts = [e.amount for e in events if type(e).__name__ == "PaymentReceived"]
    assert ledger.decisions == 3 and outcome.event.version == 7
    assert amounts == [Decimal("1.00"), Decimal("2.00"), Decimal("500.00")]
    assert [e.version for e in events] == list(range(1, 8))


def test_endless_conflicts_give_up_with_nothing_recorded(two_writers):
    db_url, other = two_writers
    ledger = InterruptedLedger(database(db_url), other, interruptions=100)
    try:
        with pytest.raises(ConflictPersisted, match="nothing was recorded"):
            ledger.record("ACME-1", payment("500.00"), Meta("me"))
        mine = [e for e in ledger.facility_events("ACME-1") if e.recorded_by == "me"]
    finally:
        ledger.close()
    assert mine == []
