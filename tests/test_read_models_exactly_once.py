"""Each event is applied exactly once: across crashes, restarts, rebuilds and rival workers."""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from cli.application.readmodel_sync import close_view, open_view
from cli.persistence.storage import database
from cli.application.projection import catch_up, changes_for
from cli.persistence.readmodel_schema import TABLES as READ_MODEL_TABLES
from cli.persistence.readmodel_tables import FAULT_DELAY, PositionMoved
from tests.helpers import run
from tests.readmodel_helpers import ledger_for, reset, tables

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "atg-laurus-2005.jsonl"


def seeded(db_url):
    run(db_url, "import", str(SEED))  # the import brings the read models up to date itself
    return tables(db_url)


def loanledger(db_url, *args, env=None, session=False):
    """`loanledger --db URL ARGS…` in its own process (so that it can be killed); `session`: in
    its own process group, as a terminal's Ctrl-C would reach it and its pool."""
    return subprocess.Popen(
        [sys.executable, "-c", "from cli.commands.app import main; main()", "--db", db_url, *args],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=session,
    )


def worker(db_url, *extra, env=None):
    return loanledger(db_url, "projections", "run", *extra, env=env)


def position(db_url):
    return tables(db_url)["position"][0][0]


def wait_for(condition, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    raise AssertionError("condition not reached in time")


def stop(process):
    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=30)
    return process.returncode, output


def test_a_recording_command_leaves_the_read_models_up_to_date(db_url):
    after_import = seeded(db_url)

    run(db_url, "record", "payment", "ATG-LAURUS-2005", "--amount", "100", "--date", "2008-01-31")

    now = tables(db_url)
    assert now["position"][0][0] == after_import["position"][0][0] + 1 == 89
    assert len(now["rm_event_journal"]) == 89


def test_rebuild_equals_the_incremental_tables(db_url):
    incremental = seeded(db_url)
    assert len(incremental["rm_event_journal"]) == 88

    run(db_url, "projections", "rebuild")

    assert tables(db_url) == incremental


def test_a_batch_already_applied_is_refused_and_changes_nothing(db_url):
    seeded(db_url)
    reset(db_url)
    book = ledger_for(db_url)
    view = open_view(book.db)
    try:
        page = book.recorder.select_notifications(start=0, limit=10, inclusive_of_start=False)
        batch = changes_for([(n.id, book.mapper.to_domain_event(n)) for n in page], book)
        view.apply(batch, after=0, upto=page[-1].id)
        before = tables(db_url)
        with pytest.raises(PositionMoved):
            view.apply(batch, after=0, upto=page[-1].id)
        with pytest.raises(PositionMoved):
            view.apply(batch, after=page[-1].id, upto=page[-1].id)
        assert tables(db_url) == before and before["position"] == [(page[-1].id,)]
    finally:
        close_view(view)
        book.close()


def test_a_worker_killed_mid_batch_and_restarted_leaves_the_same_tables(db_url):
    expected = seeded(db_url)
    reset(db_url)
    slow = worker(db_url, "--batch", "7", env={FAULT_DELAY: "0.4"})
    try:
        wait_for(lambda: position(db_url) >= 14)
        time.sleep(0.2)  # now inside a batch's transaction (it sleeps before committing)
    finally:
        slow.send_signal(signal.SIGKILL)
        slow.wait(timeout=30)
    killed_at = position(db_url)
    assert 14 <= killed_at < 88
    partial = tables(db_url)
    assert len(partial["rm_event_journal"]) == killed_at  # one journal row per applied event, no more

    restarted = worker(db_url, "--batch", "7")
    wait_for(lambda: position(db_url) == 88)
    code, output = stop(restarted)

    assert code == 0 and "worker stopped at position 88" in output
    assert tables(db_url) == expected


def test_two_workers_started_at_once_apply_each_event_once(db_url, tmp_path):
    expected = seeded(db_url)
    reset(db_url)
    logs = [tmp_path / "first.log", tmp_path / "second.log"]
    workers = [worker_logging_to(db_url, log, "--batch", "5") for log in logs]
    said = lambda: [log.read_text() for log in logs]  # noqa: E731
    try:
        # both have started (one works, the other waits to take over) and the work is done;
        # stopping earlier could hit a worker still importing, before its signal handler exists
        wait_for(lambda: position(db_url) == 88 and sum("another worker is running" in t for t in said()) == 1
                 and sum("worker started" in t for t in said()) == 1)
    finally:
        for process in workers:
            process.send_signal(signal.SIGTERM)
        codes = [process.wait(timeout=30) for process in workers]
    assert codes == [0, 0], said()
    assert tables(db_url) == expected
    assert sum("another worker is running" in t for t in said()) == 1


def worker_logging_to(db_url, log, *extra):
    return subprocess.Popen(
        [sys.executable, "-c", "from cli.commands.app import main; main()", "--db", db_url, "projections", "run", *extra],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=log.open("w"), stderr=subprocess.STDOUT, text=True,
    )


def test_two_catch_ups_racing_without_the_worker_lock_apply_each_event_once(db_url):
    expected = seeded(db_url)
    reset(db_url)
    pairs = [(book, open_view(book.db)) for book in (ledger_for(db_url), ledger_for(db_url))]
    errors, applied = [], []

    def race(book, view):
        try:
            applied.append(catch_up(view, book, batch=3))
        except Exception as error:  # noqa: BLE001
            errors.append(error)

    threads = [threading.Thread(target=race, args=pair) for pair in pairs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for book, view in pairs:
        close_view(view)
        book.close()

    assert errors == [] and sum(applied) == 88
    assert tables(db_url) == expected


def test_the_worker_follows_new_events_and_a_recording_command_leaves_them_to_it(db_url):
    seeded(db_url)
    follower = worker(db_url)
    try:
        wait_for(lambda: "worker_running\": true" in run(db_url, "--json", "projections", "status").stdout)
        run(db_url, "record", "payment", "ATG-LAURUS-2005", "--amount", "100", "--date", "2008-01-31")
        wait_for(lambda: position(db_url) == 89, timeout=20)
    finally:
        code, output = stop(follower)
    assert code == 0 and "worker stopped at position 89" in output
    assert "error:" not in output  # it follows (PostgreSQL: LISTEN/NOTIFY), it does not fail and retry


def interleaved_ledger(db_url):
    """Three facilities whose events alternate in the log, with a reversal; read models brought
    up to date after every event (the incremental path, no deferral)."""
    from tests.readmodel_helpers import catch_up_now, open_facility, record_step

    book = ledger_for(db_url)
    try:
        for code in ("I-1", "I-2", "I-3"):
            open_facility(book, code)
            catch_up_now(db_url, book)
        for n, (kind, amount) in enumerate([("advance", "400000.00"), ("payment", "25000.00"), ("fee", "333.33"),
                                            ("reversal", ""), ("payment", "1000.00"), ("default", "")]):
            for i, code in enumerate(("I-1", "I-2", "I-3")):
                record_step(book, code, kind, 10 + 40 * n + i, amount or "1.00")
                catch_up_now(db_url, book)
    finally:
        book.close()
    return tables(db_url)


def test_a_rebuild_of_interleaved_facilities_in_small_batches_equals_the_incremental_tables(db_url):
    from tests.readmodel_helpers import catch_up_now

    incremental = interleaved_ledger(db_url)
    assert len({r[0] for r in incremental["rm_facility_summary"]}) == 3
    reset(db_url)
    catch_up_now(db_url, batch=3)  # each facility's summary and steps deferred to its last batch
    assert tables(db_url) == incremental

    for processes in ("1", "2"):
        run(db_url, "projections", "rebuild", "--batch", "4", "--processes", processes)
        assert tables(db_url) == incremental


def test_a_catch_up_stopped_between_deferred_batches_resumes_to_the_same_tables(db_url):
    from tests.readmodel_helpers import catch_up_now

    incremental = interleaved_ledger(db_url)
    reset(db_url)
    batches = iter(range(100))
    catch_up_now(db_url, batch=5, should_stop=lambda: next(batches) >= 3)  # 3 batches, then stops
    assert position(db_url) == 15
    stopped = tables(db_url)
    assert len(stopped["rm_event_journal"]) == 15
    assert stopped != incremental

    catch_up_now(db_url, batch=5)
    assert tables(db_url) == incremental


def rebuild_process(db_url, *extra, env=None, session=False):
    return loanledger(db_url, "projections", "rebuild", *extra, env=env, session=session)


def shadow_tables(db_url):
    view = open_view(database(db_url))
    try:
        if view.postgres:
            rows = view.rows("SELECT tablename AS name FROM pg_tables WHERE tablename LIKE ?", ("rm_%__rebuild",))
        else:
            rows = view.rows("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE ?", ("rm_%__rebuild",))
        return sorted(r["name"] for r in rows)
    finally:
        close_view(view)


def test_a_rebuild_killed_midway_changes_nothing_and_the_next_one_finishes(db_url):
    incremental = interleaved_ledger(db_url)
    # one facility per unit of work, each written in its own transaction that waits before committing
    killed = rebuild_process(db_url, "--batch", "1", "--processes", "1", env={FAULT_DELAY: "0.5"})
    try:
        wait_for(lambda: len(shadow_tables(db_url)) == len(READ_MODEL_TABLES))
        time.sleep(0.8)  # the first facility's rows are in, the second's transaction is open
    finally:
        killed.send_signal(signal.SIGKILL)
        killed.wait(timeout=30)
    assert tables(db_url) == incremental  # readers never saw the shadow tables; position unchanged

    run(db_url, "projections", "rebuild")
    assert tables(db_url) == incremental
    assert shadow_tables(db_url) == []


def test_ctrl_c_stops_a_rebuild_says_so_and_changes_nothing(db_url):
    incremental = interleaved_ledger(db_url)
    interrupted = rebuild_process(db_url, "--batch", "1", "--processes", "2", env={FAULT_DELAY: "0.5"},
                                  session=True)
    try:
        wait_for(lambda: len(shadow_tables(db_url)) == len(READ_MODEL_TABLES))
        time.sleep(0.3)
        os.killpg(interrupted.pid, signal.SIGINT)  # the whole group, as Ctrl-C in a terminal
        output, _ = interrupted.communicate(timeout=60)
    finally:
        if interrupted.poll() is None:
            interrupted.kill()
    assert interrupted.returncode == 130, output
    assert "interrupted: nothing was changed" in output
    assert tables(db_url) == incremental and shadow_tables(db_url) == []


def test_a_second_rebuild_while_one_runs_is_refused_and_changes_nothing(db_url):
    incremental = interleaved_ledger(db_url)
    first = rebuild_process(db_url, "--batch", "1", "--processes", "1", env={FAULT_DELAY: "0.5"})
    try:
        wait_for(lambda: len(shadow_tables(db_url)) == len(READ_MODEL_TABLES))
        second = run(db_url, "projections", "rebuild", ok=False)
        assert second.exit_code == 1
        assert "another 'projections rebuild' is running" in second.output
        output, _ = first.communicate(timeout=60)
    finally:
        if first.poll() is None:
            first.kill()
    assert first.returncode == 0, output
    assert tables(db_url) == incremental and shadow_tables(db_url) == []


def test_events_recorded_while_rebuilding_are_applied_before_the_rebuild_returns(db_url):
    from cli.application.rebuild import rebuild
    from tests.readmodel_helpers import catch_up_now, record_step

    interleaved_ledger(db_url)
    book = ledger_for(db_url)
    view = open_view(book.db)
    recorded = []

    def record_once(_events):  # progress callback: runs after the first facility is loaded
        if not recorded:
            recorded.append(record_step(book, "I-2", "payment", 300, "1234.56"))

    try:
        done = rebuild(book, view, processes_wanted=1, chunk=1, progress=record_once)
        head = book.recorder.max_notification_id()
    finally:
        close_view(view)
        book.close()
    assert recorded == [True] and done.position == head and done.facilities == 3
    rebuilt = tables(db_url)
    reset(db_url)
    catch_up_now(db_url)  # every event, the incremental way
    assert rebuilt == tables(db_url)
    assert rebuilt["position"] == [(head,)]
