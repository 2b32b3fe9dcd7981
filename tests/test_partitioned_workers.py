"""Projection workers and verify shared by facility partition (`--partition K/N`): N workers on
one database apply every event once, with no overlap and no gap, and leave the same tables as one
worker; N verify runs check every facility once (docs/read-models.md, "Partitioned workers")."""

import uuid

import pytest

from benchmarks.generate import portfolio_records, write
from cli.application.readmodel_sync import close_view, open_view
from cli.persistence.readmodel_tables import PartitionsAhead
from cli.persistence.storage import database
from domain.facility import facility_id
from tests.helpers import run, run_json
from tests.readmodel_helpers import catch_up_now, reset, tables
from tests.test_read_models_exactly_once import loanledger

FACILITIES = 12


@pytest.fixture
def book(db_url, tmp_path):
    """A ledger of 12 small facilities, read models brought up to date by the import itself."""
    path = tmp_path / "book.jsonl"
    write(path, portfolio_records(FACILITIES * 30, per_facility=30, seed=19))
    run(db_url, "import", str(path))
    return db_url


def codes(db_url):
    return sorted(f["facility"] for f in run_json(db_url, "verify")["facilities"])


def by_hand(code, k, n):
    """The partition rule written out independently: the facility id is uuid5(NAMESPACE, code)
    read as a 128-bit number; partition K holds the ids whose remainder mod N is K - 1."""
    namespace = uuid.uuid5(uuid.NAMESPACE_URL, "https://loanledger.invalid/facility")
    number = int(uuid.uuid5(namespace, code).hex, 16)
    assert uuid.UUID(int=number) == facility_id(code)
    return number % n == k - 1


def summary_codes(db_url):
    return sorted(row[1] for row in tables(db_url)["rm_facility_summary"])


def test_three_partitions_build_the_same_tables_as_one_worker(book):
    one_worker = tables(book)
    everyone = codes(book)
    assert len(everyone) == FACILITIES and len(one_worker["rm_facility_summary"]) == FACILITIES
    expected_share = {k: [c for c in everyone if by_hand(c, k, 3)] for k in (1, 2, 3)}
    assert all(expected_share.values()), "the 12 facilities should fall into all three partitions"

    reset(book)
    run(book, "projections", "run", "--partition", "1/3", "--once")
    assert summary_codes(book) == expected_share[1]  # only its own facilities, all of them
    assert tables(book)["position"] == [(0,)]  # the whole view waits for the other two
    status = run_json(book, "projections", "status")
    assert (status["position"], status["partitions"]) == (0, {"1/3": one_worker["position"][0][0]})

    workers = [loanledger(book, "projections", "run", "--partition", f"{k}/3", "--once") for k in (2, 3)]
    for worker in workers:
        output, _ = worker.communicate(timeout=300)
        assert worker.returncode == 0, output

    assert tables(book) == one_worker


def test_a_recording_command_waits_for_partitions_that_are_ahead(book):
    one_worker = tables(book)
    head = one_worker["position"][0][0]
    reset(book)
    run(book, "projections", "run", "--partition", "2/3", "--once")

    # the whole view is at 0 and partition 2 at the head: one worker for the whole view would
    # apply partition 2's events a second time, so it is refused and the refresh left alone
    with pytest.raises(PartitionsAhead):
        catch_up_now(book)
    first = codes(book)[0]
    run(book, "record", "fee", first, "--amount", "10", "--kind", "late", "--date", "2020-01-02",
        "--basis", "partition test")
    assert tables(book)["position"] == [(0,)]

    for k in (1, 2, 3):
        run(book, "projections", "run", "--partition", f"{k}/3", "--once")
    after = tables(book)
    assert after["position"] == [(head + 1,)]
    assert len(after["rm_event_journal"]) == len(one_worker["rm_event_journal"]) + 1

    run(book, "projections", "rebuild")  # the rebuild's tables are the partitions' tables
    assert tables(book) == after


def test_partitions_caught_up_hand_back_to_one_worker(book):
    reset(book)
    for k in (1, 2):
        run(book, "projections", "run", "--partition", f"{k}/2", "--once")
    caught_up = tables(book)
    first = codes(book)[0]
    run(book, "record", "fee", first, "--amount", "10", "--kind", "late", "--date", "2020-01-02",
        "--basis", "partition test")  # partitions at the head: the command's own refresh runs again
    now = tables(book)
    assert now["position"][0][0] == caught_up["position"][0][0] + 1
    view = open_view(database(book))
    try:
        assert view.partitions_ahead() == 0
        assert view.rows("SELECT COUNT(*) AS n FROM " + view._tracking_table() +
                         " WHERE application_name LIKE ?", ("Ledger#%",))[0]["n"] == 0
    finally:
        close_view(view)


def test_verify_partitions_check_every_facility_once(book):
    whole = run_json(book, "verify")
    assert whole["ok"]
    parts = [run_json(book, "verify", "--partition", f"{k}/3") for k in (1, 2, 3)]
    assert all(p["ok"] for p in parts)
    seen = [f["facility"] for p in parts for f in p["facilities"]]
    assert sorted(seen) == sorted(f["facility"] for f in whole["facilities"])  # no gap, no overlap
    assert sum(p["events"] for p in parts) == whole["events"]
    for k, part in enumerate(parts, start=1):
        assert all(by_hand(f["facility"], k, 3) for f in part["facilities"])


def test_verify_partitions_check_every_index_stream_once(book):
    """Index streams are split by the same rule as facilities (their stream id): N partitions do
    not each check (and report) every index stream."""
    for name, rate in (("SOFR", "3.65"), ("EFFR", "3.60")):
        run(book, "index", "set", name, "--date", "2026-01-05", "--rate", rate)
    whole = run_json(book, "verify")
    parts = [run_json(book, "verify", "--partition", f"{k}/3") for k in (1, 2, 3)]
    seen = [s["stream"] for p in parts for s in p["index_streams"]]
    assert sorted(seen) == sorted(s["stream"] for s in whole["index_streams"]) == ["index:EFFR", "index:SOFR"]


@pytest.mark.parametrize("given", ["0/3", "4/3", "3", "1/0", "a/b", "1/3/2", "-1/3", "1/2000"])
def test_a_bad_partition_is_a_usage_error(sqlite_url, given):
    for args in (["projections", "run", "--partition", given, "--once"], ["verify", "--partition", given]):
        result = run(sqlite_url, *args, ok=False)
        assert result.exit_code == 2, result.output
        assert "--partition" in result.output and given in result.output


def test_verify_of_one_facility_takes_no_partition(sqlite_url):
    result = run(sqlite_url, "verify", "ACME-1", "--partition", "1/2", ok=False)
    assert result.exit_code == 2 and "--partition: give no CODE" in result.output


def test_the_partition_rule_splits_ids_evenly_and_exactly_once():
    from hypothesis import given, settings, strategies as st

    from cli.persistence.partitions import Partition

    @settings(max_examples=200, deadline=None)
    @given(st.uuids(), st.integers(min_value=1, max_value=64))
    def exactly_one(stream, n):
        holders = [k for k in range(1, n + 1) if Partition(k, n).holds(stream)]
        assert holders == [stream.int % n + 1]
        assert Partition(holders[0], n).holds(str(stream))  # text or UUID: the same answer

    exactly_one()
    ids = [uuid.uuid5(uuid.NAMESPACE_URL, str(i)) for i in range(3000)]
    sizes = [sum(Partition(k, 3).holds(i) for i in ids) for k in (1, 2, 3)]
    assert sum(sizes) == 3000 and min(sizes) > 900  # near-equal shares


def test_a_book_imported_without_refresh_then_shared_by_two_workers(db_url, tmp_path):
    """The migration path: `import --no-refresh` writes only the events; two partitioned workers
    then build the read models, equal to those of a plain import (into another ledger)."""
    path = tmp_path / "book.jsonl"
    write(path, portfolio_records(8 * 30, per_facility=30, seed=7))
    plain = str(tmp_path / "plain.db")
    run(plain, "import", str(path))

    imported = run_json(db_url, "import", str(path), "--no-refresh")
    assert imported["recorded"] == 8 * 30
    status = run_json(db_url, "projections", "status")
    assert (status["position"], status["lag"]) == (0, 8 * 30)

    for k in (1, 2):
        run(db_url, "projections", "run", "--partition", f"{k}/2", "--once")
    shared, reference = tables(db_url), tables(plain)
    assert shared["position"] == reference["position"] == [(8 * 30,)]
    # the same facilities and figures (ids are the same: uuid5 of the code); the journal's
    # recorded times differ between the two ledgers, so compare its events' versions and types
    def summary(t):  # every column but last_recorded_at (the 8th)
        return [r[:7] + r[8:] for r in t["rm_facility_summary"]]

    assert len(summary(shared)) == 8 and summary(shared) == summary(reference)
    assert shared["rm_portfolio_steps"] == reference["rm_portfolio_steps"]
    assert [r[:3] for r in shared["rm_event_journal"]] == [r[:3] for r in reference["rm_event_journal"]]


def test_once_does_not_queue_behind_a_running_worker_of_its_partition(book):
    from tests.test_read_models_exactly_once import stop

    reset(book)
    running = loanledger(book, "projections", "run", "--partition", "1/2", "--poll", "0.1")
    try:
        for line in running.stdout:  # its messages (stderr joined to stdout)
            if "worker 1/2 started" in line:
                break
        once = run_json(book, "projections", "run", "--partition", "1/2", "--once")
        assert once == {"partition": "1/2", "events": 0}
        other = run_json(book, "projections", "run", "--partition", "2/2", "--once")
        head = run_json(book, "projections", "status")["head"]
        assert other["events"] == head > 0  # partition 2 is free: it went over the whole log
    finally:
        code, output = stop(running)
    assert code == 0, output
