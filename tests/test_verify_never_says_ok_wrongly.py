"""`verify` exits 0 only when nothing is wrong: a facility whose rows were all deleted, rows moved
to a stream id no reader would find, a mistyped ledger path, and any mutation of the stored rows
(deleted, reordered, edited, retyped) are each reported, and none of them crashes it."""

import json
import sqlite3
from contextlib import closing
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.events import EVENT_TYPES
from projections.integrity import StoredRow
from projections.verification import verify
from tests.helpers import runner, stored
from tests.tampering import StoredEvents
from tests.test_tampering_is_caught import a_facility_with_history, findings
from cli.commands.app import app


def test_a_facility_whose_rows_were_all_deleted_is_reported(db_url):
    a_facility_with_history(db_url)

    StoredEvents(db_url).execute("DELETE FROM {table}")

    assert findings(db_url) == [("ACME-1", None, "no_events")]
    assert findings(db_url, "ACME-1") == [("ACME-1", None, "no_events")]


def test_rows_moved_to_an_oddly_written_stream_id_are_reported(sqlite_url):
    a_facility_with_history(sqlite_url)
    table = StoredEvents(sqlite_url)
    table.execute("UPDATE {table} SET originator_id = 'NOT-A-UUID' WHERE originator_version = 5")
    table.execute("UPDATE {table} SET originator_id = upper(originator_id) WHERE originator_version = 7")

    found = findings(sqlite_url)

    assert ("stream 'NOT-A-UUID'", None, "malformed_stream_id") in found
    assert sum(1 for f in found if f[2] == "malformed_stream_id") == 2
    assert ("ACME-1", 6, "version_gap") in found


def test_a_mistyped_path_is_refused_and_creates_nothing(tmp_path):
    missing = tmp_path / "typo" / "ledger.db"
    for command in (["verify"], ["portfolio", "--as-of", "2024-01-31"], ["facility", "list"],
                    ["audit", "head", "ACME-1"], ["events", "ACME-1"]):
        result = runner.invoke(app, ["--db", str(missing), *command])
        assert result.exit_code == 1, (command, result.output)
        assert "no ledger at" in result.output and "init" in result.output
    assert not missing.parent.exists()


def test_a_file_that_is_no_ledger_is_refused_and_left_as_it_was(tmp_path):
    other = tmp_path / "other.db"
    with closing(sqlite3.connect(other)) as conn:
        conn.execute("CREATE TABLE notes (x)")
        conn.commit()
    before = other.read_bytes()

    result = runner.invoke(app, ["--db", str(other), "verify"])

    assert result.exit_code == 1 and "not a loanledger ledger" in result.output
    assert other.read_bytes() == before


def test_only_init_demo_and_import_create_a_ledger(tmp_path):
    seed = Path(__file__).resolve().parent.parent / "examples" / "atg-laurus-2005.jsonl"
    for name, command in (("a.db", ["init"]), ("b.db", ["demo"]), ("c.db", ["import", str(seed)])):
        result = runner.invoke(app, ["--db", str(tmp_path / "new" / name), *command])
        assert result.exit_code == 0, (command, result.output)
        assert (tmp_path / "new" / name).is_file()


# ---- any mutation of the stored rows is reported, and none crashes verify ----------------------

def _rows_of(db_url):
    return [StoredRow(stream, version, topic, state) for _, stream, version, topic, state in stored(db_url)]


MUTATIONS = ("delete", "swap", "edit", "retype", "truncate")


def _mutate(rows, kind, i, j, data):
    rows = list(rows)
    n = len(rows)
    i, j = i % n, j % n
    if kind == "delete":
        del rows[i]
    elif kind == "truncate":  # the last rows deleted: only a kept head can tell
        del rows[max(1, i):]
    elif kind == "swap":
        if rows[i].state == rows[j].state:
            j = (i + 1) % n
        a, b = rows[i], rows[j]
        rows[i] = StoredRow(a.stream, a.version, b.topic, b.state)
        rows[j] = StoredRow(b.stream, b.version, a.topic, a.state)
    elif kind == "edit":
        state = json.loads(rows[i].state)
        field = sorted(state)[data % len(state)]
        state[field] = _other(state[field])
        rows[i] = StoredRow(rows[i].stream, rows[i].version, rows[i].topic, json.dumps(state).encode())
    elif kind == "retype":
        names = sorted(EVENT_TYPES)
        current = rows[i].topic.rpartition(":")[2]
        other = names[(names.index(current) + 1 + data % (len(names) - 1)) % len(names)]
        rows[i] = StoredRow(rows[i].stream, rows[i].version, f"domain.events:{other}", rows[i].state)
    return rows


def _other(value):
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, str):
        return value + "x"
    if value is None:
        return "x"
    return None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(MUTATIONS), i=st.integers(0, 50), j=st.integers(0, 50), data=st.integers(0, 50))
def test_every_mutation_of_the_stored_rows_is_reported(sqlite_url, kind, i, j, data):
    if not stored(sqlite_url):
        a_facility_with_history(sqlite_url)
    rows = _rows_of(sqlite_url)
    head = verify(rows).streams[0].head_hash
    assert verify(rows, code="ACME-1", expect=head).ok

    mutated = _mutate(rows, kind, i, j, data)

    result = verify(mutated, code="ACME-1", expect=head)
    assert not result.ok, (kind, i, j, data)
