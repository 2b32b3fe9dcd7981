"""A change of an event's shape: `class_version` and `upcast_vN_vN+1` (docs/events.md, "Changing
an event's shape"). Here a hypothetical version 2 of PaymentReceived adds `channel`; every stored
version-1 payment is brought up to it on load, on every decode path, and the hash chain of old
and new rows still verifies."""

import json
from datetime import date
from decimal import Decimal
from typing import ClassVar

import pytest
from eventsourcing.utils import _topic_cache, get_topic
from pydantic import ValidationError

from cli.application.ledger import Ledger
from cli.application.meta import Meta
from cli.persistence.storage import database
from domain import events as ev
from domain import facility as facility_module
from domain import facts
from projections.integrity import check_streams
from tests.golden.make_golden import ROWS
from tests.helpers import OPEN, REVOLVER, run, run_json, stored
from projections.integrity import StoredRow

TOPIC = "domain.events:PaymentReceived"


class PaymentReceived(ev.PaymentReceived):
    """Tomorrow's domain.events:PaymentReceived: version 2 says how the money came."""

    class_version: ClassVar[int] = 2
    channel: str

    @staticmethod
    def upcast_v1_v2(state: dict) -> None:
        state["channel"] = "unrecorded"


PaymentReceived.__module__ = "domain.events"  # where it would live: its topic is the same


class ReceivePaymentV2(facts.ReceivePayment):
    channel: str


def switch_to_version_2(monkeypatch):
    """The code base after the change: the topic, the catalogue and the command table name v2."""
    monkeypatch.setattr(ev, "PaymentReceived", PaymentReceived)
    monkeypatch.setitem(_topic_cache, TOPIC, PaymentReceived)
    monkeypatch.setitem(ev.EVENT_TYPES, "PaymentReceived", PaymentReceived)
    monkeypatch.setitem(ev.EVENT_FOR, ReceivePaymentV2, PaymentReceived)
    commands = getattr(facility_module, "COMMANDS", None)  # where the aggregate dispatches by fact type
    if commands is not None:
        monkeypatch.setitem(commands, ReceivePaymentV2, commands[facts.ReceivePayment])
    assert get_topic(PaymentReceived) == TOPIC


def golden_payment_state() -> dict:
    rows = [json.loads(line) for line in ROWS.read_text(encoding="utf-8").splitlines()]
    return json.loads(next(r["state"] for r in rows if r["topic"] == TOPIC))


def test_a_version_1_state_is_upcast_when_validated():
    old = golden_payment_state()

    event = PaymentReceived.from_stored(old)

    assert event.channel == "unrecorded" and event.amount == Decimal(old["amount"])


def test_a_version_1_state_is_upcast_when_decoded_from_json():
    old = json.dumps(golden_payment_state()).encode()

    assert PaymentReceived.from_stored(old).channel == "unrecorded"


def test_a_version_2_event_is_stored_with_its_class_version_and_reads_back_unchanged():
    event = PaymentReceived.from_stored(golden_payment_state())

    state = event.model_dump(mode="json")

    assert state["class_version"] == 2 and state["channel"] == "unrecorded"
    assert PaymentReceived.from_stored(state) == event
    assert PaymentReceived.from_stored(event.model_dump_json()) == event
    assert "class_version" not in event.fact_fields()


def test_a_new_event_is_built_at_the_current_version_and_never_upcast():
    current = {**golden_payment_state(), "channel": "wire"}

    assert PaymentReceived(**current).channel == "wire"
    assert PaymentReceived.model_validate(current).channel == "wire"


def test_version_1_events_are_stored_without_a_class_version():
    state = golden_payment_state()

    assert ev.PaymentReceived.from_stored(state).model_dump(mode="json") == state


def test_a_state_from_a_later_version_than_the_code_knows_is_refused():
    with pytest.raises(ValidationError, match="class_version 3"):
        PaymentReceived.from_stored({**golden_payment_state(), "class_version": 3})
    with pytest.raises(ValidationError, match="class_version 2"):  # yesterday's code, tomorrow's row
        ev.PaymentReceived.from_stored({**golden_payment_state(), "class_version": 2})


def test_a_stored_stream_of_version_1_payments_loads_upcast_and_verifies_with_new_ones(db_url, monkeypatch):
    run(db_url, *OPEN)
    run(db_url, *REVOLVER)
    run(db_url, "record", "payment", "ACME-1", "--amount", "100.00", "--date", "2024-02-01")  # v1, today's code
    switch_to_version_2(monkeypatch)
    ledger = Ledger(database(db_url))
    try:
        new = ReceivePaymentV2(amount="50.00", effective_date=date(2024, 2, 2), channel="wire")
        ledger.record("ACME-1", new, Meta("tester"))
        loaded = [e for e in ledger.facility_events("ACME-1") if isinstance(e, PaymentReceived)]
        facility = ledger.facility("ACME-1")
    finally:
        ledger.close()

    assert [(e.version, e.channel) for e in loaded] == [(3, "unrecorded"), (4, "wire")]
    assert facility.version == 4 and facility.chain_head == loaded[-1].chain_hash
    states = [json.loads(state) for *_, state in stored(db_url)]
    assert "class_version" not in states[2] and states[3]["class_version"] == 2
    rows = [StoredRow(stream, version, topic, state) for _, stream, version, topic, state in stored(db_url)]
    streams, findings = check_streams(rows)
    assert findings == [] and [type(e).__name__ for e in streams[0].events][-2:] == ["PaymentReceived"] * 2
    assert run_json(db_url, "verify")["findings"] == []
