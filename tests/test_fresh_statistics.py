"""After a bulk import the events table may have no planner statistics yet (autovacuum analyses
it later); `projections rebuild` and `verify` read streams by chunks of ids, which a planner
without statistics scans the whole table for. Both analyse a table whose statistics are missing
or stale first (PostgreSQL; SQLite has no such planner statistics to go stale)."""

from cli.application.ledger import Ledger
from cli.persistence.storage import database
from cli.persistence.stored_rows import fresh_statistics
from tests.helpers import run
from tests.reliability_support import write_import_file


def _analysed(db_url):
    ledger = Ledger(database(db_url))
    try:
        with ledger.recorder.datastore.transaction(commit=False) as c:
            c.execute("SELECT last_analyze FROM pg_stat_user_tables WHERE relname = 'ledger_events'")
            return c.fetchone()["last_analyze"] is not None
    finally:
        ledger.close()


def test_the_events_table_is_analysed_when_its_statistics_are_missing_and_only_then(db_url, tmp_path):
    run(db_url, "import", str(write_import_file(tmp_path / "book.jsonl", 400, facilities=4)), "--no-refresh")
    ledger = Ledger(database(db_url))
    try:
        first, second = fresh_statistics(ledger), fresh_statistics(ledger)
    finally:
        ledger.close()
    postgres = db_url.startswith("postgresql")
    assert (first, second) == ((True, False) if postgres else (False, False))
    if postgres:
        assert _analysed(db_url)


def test_rebuild_analyses_a_table_imported_without_statistics(db_url, tmp_path):
    if not db_url.startswith("postgresql"):
        ledger = Ledger(database(db_url))
        try:
            assert fresh_statistics(ledger) is False
        finally:
            ledger.close()
        return
    run(db_url, "import", str(write_import_file(tmp_path / "book.jsonl", 400, facilities=4)), "--no-refresh")
    assert not _analysed(db_url)
    run(db_url, "projections", "rebuild")
    assert _analysed(db_url)
