"""verify replays every facility through the engine and checks each notice's stated figures
against it (as of the notice date, known at the notice's recorded time), on both backends."""

import json

from tests.helpers import OPEN, REVOLVER, TERM, facility_with_two_notes, run


def notice(db_url, principal, interest="0", fees="0", total=None):
    total = total or str(sum(map(float, (principal, interest, fees))))
    run(db_url, "record", "notice", "ACME-1", "--date", "2024-03-10", "--demand-deadline", "2024-03-11T14:00-04:00",
        "--principal", principal, "--interest", interest, "--fees", fees, "--total", total, "--clause", "SA §19(a)")


def findings(db_url):
    result = run(db_url, "--json", "verify", ok=False)
    return result.exit_code, json.loads(result.stdout)["findings"]


def test_a_notice_stating_figures_within_a_dollar_of_the_engine_verifies(db_url):
    facility_with_two_notes(db_url)
    notice(db_url, "0", interest="0.99", total="0.99")  # nothing was ever advanced: nothing is due

    assert findings(db_url) == (0, [])


def test_a_notice_stating_other_figures_is_a_finding_per_differing_figure(db_url):
    facility_with_two_notes(db_url)
    notice(db_url, "10000", total="10000")

    status, found = findings(db_url)

    assert status == 1
    assert [(f["facility"], f["version"], f["kind"]) for f in found] == [("ACME-1", 5, "stated_figures")] * 2
    assert found[0]["found"] == "principal 10000.00 as the notice states it"
    assert found[0]["expected"].startswith("principal 0.00 (the engine's past due as of 2024-03-10 known at 20")
    assert found[1]["found"] == "total 10000.00 as the notice states it"


def test_a_reversed_notice_is_not_held_to_its_figures(db_url):
    facility_with_two_notes(db_url)
    notice(db_url, "10000", total="10000")
    run(db_url, "record", "reversal", "ACME-1", "--target", "5", "--reason", "sent in error")

    assert findings(db_url) == (0, [])


def test_a_facility_the_engine_cannot_replay_is_a_finding(db_url):
    for command in (OPEN, REVOLVER, TERM):  # no PRIME rate: interest on the revolver cannot accrue
        run(db_url, *command)
    run(db_url, "record", "advance", "ACME-1", "--note", "REV", "--amount", "1000", "--date", "2024-01-16")

    status, found = findings(db_url)

    assert status == 1 and [(f["version"], f["kind"]) for f in found] == [(4, "replay_refused")]
    assert "PRIME" in found[0]["found"]
