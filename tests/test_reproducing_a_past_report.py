"""A report produced at T is reproduced later, exactly, with --known-at T, whatever was recorded
afterwards (the contract §1), while the plain report shows the new truth. On SQLite and PostgreSQL."""

import json
import time
from datetime import datetime, timezone

from tests.helpers import facility_with_two_notes, run

AS_OF = ("--as-of", "2024-03-15")


def past_due(db_url, *args):
    return run(db_url, "--json", "past-due", "ACME-1", *AS_OF, *args).stdout


def an_unpaid_facility(db_url):
    """v5: 500,000 on TERM, v6: 100,000 on REV, nothing paid: interest past due by mid-March."""
    facility_with_two_notes(db_url)
    run(db_url, "record", "advance", "ACME-1", "--note", "TERM", "--amount", "500000", "--date", "2024-01-16")
    run(db_url, "record", "advance", "ACME-1", "--note", "REV", "--amount", "100000", "--date", "2024-01-16")


def later_facts(db_url):
    """A payment backdated into February, and the REV advance reversed."""
    time.sleep(0.01)
    run(db_url, "record", "payment", "ACME-1", "--amount", "20000", "--date", "2024-02-01", "--reference", "LATE-WIRE")
    run(db_url, "record", "reversal", "ACME-1", "--target", "6", "--reason", "booked on the wrong facility")


def test_known_at_the_first_reports_time_gives_that_report_again(db_url):
    an_unpaid_facility(db_url)
    first = past_due(db_url)
    taken_at = datetime.now(timezone.utc).isoformat()
    later_facts(db_url)

    reproduced = past_due(db_url, "--known-at", taken_at)
    now = past_due(db_url)

    # The one difference is the echo of the option itself: null ("everything so far") then, T now.
    assert json.loads(reproduced)["known_at"] == taken_at
    assert reproduced.replace(json.dumps(taken_at), "null", 1) == first
    assert json.loads(first)["total"] != json.loads(now)["total"]
    assert json.loads(now)["notes"]["REV"]["total"] == "0.00"
    assert json.loads(first)["notes"]["REV"]["total"] != "0.00"


def test_a_report_pinned_to_its_time_is_reproduced_byte_for_byte(db_url):
    an_unpaid_facility(db_url)
    taken_at = datetime.now(timezone.utc).isoformat()
    first = past_due(db_url, "--known-at", taken_at)
    later_facts(db_url)

    reproduced = past_due(db_url, "--known-at", taken_at)

    assert reproduced == first
    assert json.loads(past_due(db_url))["total"] != json.loads(first)["total"]
