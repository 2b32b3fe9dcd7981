"""What an auditor reads: the stream filtered by type, effective dates and recorded times, in JSON
Lines and CSV, with reversed events marked; and an export whose chain can be checked offline."""

import csv
import io
import json
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from tests.helpers import facility_with_two_notes, run, run_json

VERIFY_EXPORT = Path(__file__).resolve().parent.parent / "docs" / "verify_export.py"


def advances_a_payment_and_a_reversal(db_url):
    """ACME-1 v5-7 advances (Jan, Feb, Mar), v8 a payment, v9 reverses v6."""
    facility_with_two_notes(db_url)
    for day in ("2024-01-16", "2024-02-16", "2024-03-16"):
        run(db_url, "record", "advance", "ACME-1", "--note", "REV", "--amount", "1000", "--date", day)
    run(db_url, "record", "payment", "ACME-1", "--amount", "500", "--date", "2024-04-01")
    run(db_url, "record", "reversal", "ACME-1", "--target", "6", "--reason", "booked twice")


def lines(result):
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_reversed_events_name_the_reversal_that_cancelled_them(db_url):
    advances_a_payment_and_a_reversal(db_url)

    records = lines(run(db_url, "events", "ACME-1", "--format", "jsonl"))

    assert {r["version"]: r["reversed_by"] for r in records if r["reversed_by"]} == {6: 9}
    assert [r["version"] for r in records] == list(range(1, 10))


def test_a_reversed_reversal_reinstates_its_target(db_url):
    advances_a_payment_and_a_reversal(db_url)
    run(db_url, "record", "reversal", "ACME-1", "--target", "9", "--reason", "it was not a duplicate")

    records = run_json(db_url, "events", "ACME-1")

    assert {r["version"]: r["reversed_by"] for r in records if r["reversed_by"]} == {9: 10}


def test_csv_has_one_row_per_event_with_the_audit_columns(db_url):
    advances_a_payment_and_a_reversal(db_url)

    table = list(csv.DictReader(io.StringIO(run(db_url, "export", "ACME-1", "--format", "csv").stdout)))

    assert [r["version"] for r in table] == [str(v) for v in range(1, 10)]
    advance = table[5]
    assert (advance["type"], advance["effective"], advance["reversed_by"]) == ("AdvanceMade", "2024-02-16", "9")
    assert json.loads(advance["fields"]) == {"note": "REV", "amount": "1000.00", "effective_date": "2024-02-16"}
    # on PostgreSQL the store names the session's role (--actor is kept as on_behalf_of)
    author = "postgres" if db_url.startswith("postgresql://") else "tester"
    assert table[0]["effective"] == "2024-01-15" and table[0]["recorded_by"] == author
    assert len(table[8]["chain_hash"]) == 64 and table[8]["reversed_by"] == ""


def test_filters_by_type_and_effective_dates_in_every_format(db_url):
    advances_a_payment_and_a_reversal(db_url)
    chosen = ("--type", "AdvanceMade", "--from", "2024-02-01", "--to", "2024-03-31")

    jsonl = lines(run(db_url, "export", "ACME-1", *chosen))
    table = list(csv.DictReader(io.StringIO(run(db_url, "events", "ACME-1", *chosen, "--format", "csv").stdout)))

    assert [(r["version"], r["effective_date"]) for r in jsonl] == [(6, "2024-02-16"), (7, "2024-03-16")]
    assert [r["version"] for r in table] == ["6", "7"]


def test_filters_by_recorded_time_with_aware_datetimes_and_dates(db_url):
    facility_with_two_notes(db_url)
    time.sleep(0.01)
    between = datetime.now(timezone.utc)
    time.sleep(0.01)
    run(db_url, "record", "advance", "ACME-1", "--note", "REV", "--amount", "1000", "--date", "2024-01-16")
    in_new_york = between.astimezone(timezone(timedelta(hours=-5))).isoformat()
    today = datetime.now(timezone.utc).date()

    before = run_json(db_url, "events", "ACME-1", "--recorded-to", in_new_york)
    after = run_json(db_url, "events", "ACME-1", "--recorded-from", between.isoformat())
    up_to_yesterday = run_json(db_url, "events", "ACME-1", "--recorded-to", str(today - timedelta(days=1)))
    through_today = run_json(db_url, "events", "ACME-1", "--recorded-to", str(today))

    assert [e["version"] for e in before] == [1, 2, 3, 4]
    assert [e["version"] for e in after] == [5]
    assert up_to_yesterday == [] and len(through_today) == 5


def test_bad_filters_and_formats_are_refused_naming_the_option(db_url):
    facility_with_two_notes(db_url)

    naive = run(db_url, "events", "ACME-1", "--recorded-from", "2024-01-01T10:00", ok=False)
    fmt = run(db_url, "export", "ACME-1", "--format", "xml", ok=False)

    assert naive.exit_code == 2 and "--recorded-from" in naive.stderr and "offset" in naive.stderr  # malformed: usage
    assert fmt.exit_code == 1 and "--format" in fmt.stderr


def offline_check(export, *args):
    """The guide's script, run without site-packages (-S): the standard library only."""
    return subprocess.run([sys.executable, "-I", "-S", str(VERIFY_EXPORT), str(export), *args],
                          capture_output=True, text=True, timeout=60)


def test_an_export_verifies_offline_and_a_tampered_one_does_not(db_url, tmp_path):
    advances_a_payment_and_a_reversal(db_url)
    run(db_url, "record", "payment", "ACME-1", "--amount", "7.25", "--date", "2024-04-02", "--reference", "WIRE-é",
        "--source", "statement «April»", "--received-at", "2024-04-02T11:00-04:00", "--note", "REV")
    head = run_json(db_url, "audit", "head", "ACME-1")
    export = tmp_path / "acme.jsonl"
    run(db_url, "export", "ACME-1", "-o", str(export))
    records = export.read_text(encoding="utf-8").splitlines()
    tampered = tmp_path / "tampered.jsonl"
    tampered.write_text("\n".join(records).replace('"amount": "500.00"', '"amount": "5000.00"') + "\n", encoding="utf-8")
    truncated = tmp_path / "truncated.jsonl"
    truncated.write_text("\n".join(records[:-1]) + "\n", encoding="utf-8")

    good, bad, short = offline_check(export, "--expect", head["chain_hash"]), offline_check(tampered), \
        offline_check(truncated, "--expect", head["chain_hash"])

    assert good.returncode == 0 and good.stdout.endswith("OK\n") and head["chain_hash"] in good.stdout
    assert bad.returncode == 1 and bad.stdout.startswith("ACME-1 v8: chain_break")
    assert short.returncode == 1 and f"expected an event with chain_hash {head['chain_hash']}" in short.stdout
