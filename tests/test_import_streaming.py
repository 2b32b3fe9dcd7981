"""The streaming import decides exactly as the aggregate does, compact or not, resumes from a
partial import, and keeps its memory flat as the file grows (issue #6, part 5)."""

import json

from tests.helpers import run, run_json, stored
from tests.reliability_support import import_only_measured, second_database, size, stored_content, write_import_file

OPEN = {"facility": "S1", "type": "FacilityOpened", "code": "S1", "borrower": "B", "lender": "L",
        "agreement_date": "2020-01-01"}
TERM = {"facility": "S1", "type": "NoteIssued", "note": "T", "kind": "term", "face_amount": "100",
        "issue_date": "2020-01-01", "maturity_date": "2021-01-01", "interest": {"rate": "5"}}
REVOLVER = {**TERM, "note": "R", "kind": "revolving"}


def pay(amount, reference=None):
    record = {"facility": "S1", "type": "PaymentReceived", "amount": amount, "effective_date": "2020-02-03"}
    return {**record, "reference": reference} if reference else record


def write(tmp_path, *records, name="f.jsonl"):
    file = tmp_path / name
    file.write_text("".join(json.dumps(r) + "\n" for r in records))
    return file


def test_a_compact_facility_still_judges_reversals_by_the_kind_of_their_target(db_url, tmp_path):
    reverse = lambda target: {"facility": "S1", "type": "EventReversed", "target": target, "reason": "wrong"}  # noqa: E731
    good = write(tmp_path, OPEN, TERM, pay("10"), reverse(3))
    bad = write(tmp_path, OPEN, TERM, pay("10"), reverse(2), reverse(9), name="bad.jsonl")

    refused = run(db_url, "import", str(bad), ok=False)
    run(db_url, "import", str(good))

    assert "line 4: EventReversed on S1: version 2 is a NoteIssued, which cannot be reversed" in refused.stderr
    assert "line 5: EventReversed on S1: S1 has no version 9 to reverse" in refused.stderr
    assert [e["type"] for e in run_json(db_url, "events", "S1")][-1] == "EventReversed"


def test_a_reference_repeated_with_other_content_is_refused_in_a_compact_import(db_url, tmp_path):
    run(db_url, "import", str(write(tmp_path, OPEN, TERM, pay("10", "W1"))))
    before = stored(db_url)

    again = run(db_url, "import", str(write(tmp_path, pay("10", "W1"), pay("11", "W1"), name="g.jsonl")), ok=False)

    assert "line 2: PaymentReceived on S1: reference 'W1' was already recorded (version 3) with different content" in again.stderr
    assert stored(db_url) == before


def test_a_partial_import_is_completed_by_importing_the_whole_file(db_url, tmp_path):
    records = [OPEN, TERM, REVOLVER, pay("1"), pay("1"), pay("2", "W2"), pay("1"), pay("3", "W3")]
    run(db_url, "import", str(write(tmp_path, *records[:5], name="half.jsonl")))

    result = run_json(db_url, "import", str(write(tmp_path, *records)))

    assert (result["recorded"], result["already_recorded"]) == (3, 5)
    amounts = [e.get("amount") for e in run_json(db_url, "events", "S1")[3:]]
    assert amounts == ["1.00", "1.00", "2.00", "1.00", "3.00"]


def test_batches_change_nothing_but_the_transactions(db_url, tmp_path):
    file = write_import_file(tmp_path / "b.jsonl", 300, facilities=3)

    with second_database(db_url, tmp_path, "batched") as other:
        run(db_url, "import", str(file))
        run(other, "import", str(file), "--batch-size", "7")

        assert stored_content(other) == stored_content(db_url)
    assert [e["version"] for e in run_json(db_url, "events", "F0001")] == list(range(1, 101))


def test_a_revolver_redrawn_after_repayment_is_judged_on_its_archived_history(db_url, tmp_path):
    """The commitment check replays the revolver's payments through the engine: in an import
    they are kept on disk (the facility is compact in memory) and must all be read back,
    whether the facility was opened in this file or stored by an earlier import."""
    advance = lambda amount, day: {"facility": "S1", "type": "AdvanceMade", "note": "R",  # noqa: E731
                                   "amount": amount, "effective_date": day}
    repay = lambda amount, day: {"facility": "S1", "type": "PaymentReceived", "note": "R",  # noqa: E731
                                 "component": "principal", "amount": amount, "effective_date": day}
    first = [OPEN, REVOLVER, advance("100", "2020-01-02"), repay("60", "2020-01-06")]
    then = [advance("60", "2020-01-07"), repay("30", "2020-01-08"), advance("30", "2020-01-09")]
    over = [advance("0.01", "2020-01-10")]

    run(db_url, "import", str(write(tmp_path, *first, *then, name="one.jsonl")), "--batch-size", "2")
    refused = run(db_url, "import", str(write(tmp_path, *over, name="over.jsonl")), ok=False)
    again = run_json(db_url, "import", str(write(tmp_path, repay("50", "2020-01-13"), advance("50", "2020-01-14"),
                                                     name="two.jsonl")))

    assert "exceeds its commitment: 0.00 of 100.00 is available" in refused.stderr
    assert again["recorded"] == 2
    assert [e["type"] for e in run_json(db_url, "events", "S1")][-2:] == ["PaymentReceived", "AdvanceMade"]


def test_import_memory_does_not_grow_with_the_file(db_url, tmp_path):
    """`Ledger.import_records` alone: the `import` command then also brings the read models up
    to date, whose memory is theirs (docs/reliability.md §5)."""
    small, large = size(2_000, 100_000), size(20_000, 1_000_000)
    batch = size(500, 5_000)  # the peak follows the batch size (docs/reliability.md): keep it equal
    peaks = {}
    with second_database(db_url, tmp_path, "large") as other:
        for n, url in ((small, db_url), (large, other)):
            file = write_import_file(tmp_path / f"{n}.jsonl", n)
            status, out, err, peaks[n] = import_only_measured(url, file, batch)
            assert status == 0 and out.strip() == str(n), err

    assert peaks[large] - peaks[small] < 20 * 1024, peaks  # KiB: ten times the events, not ten times the memory
    assert peaks[large] < 150 * 1024, peaks
