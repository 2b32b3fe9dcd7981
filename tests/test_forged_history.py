"""History that cannot be rewritten unseen (issue #13): the store stamps each event with its own
time and the session's role on PostgreSQL, the writer's only way in is the store's append
function, recorded times never decrease, and a head kept at an instant (`verify --expect HASH
--at TIME`) proves every report known by then unchanged. Every claim of docs/auditor-guide.md §0
about roles and stamps is proved here on a real PostgreSQL (and, where it applies, on SQLite)."""

import json
from datetime import datetime, timedelta, timezone

import psycopg
import pytest

from domain.chain import chain_start, next_chain_hash
from domain.facility import facility_id
from tests.conftest import PG_HOST, PG_PORT, PG_USER
from tests.helpers import facility_with_two_notes, run, run_json
from tests.tampering import StoredEvents
from tests.test_database_roles import _dbname, as_role, roles, set_up  # noqa: F401 - the fixture
from tests.test_read_models_exactly_once import stop, wait_for, worker

BALANCE = ("balance", "ACME-1", "--as-of", "2024-04-30")


def iso(moment):
    return moment.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def when(state):
    return datetime.fromisoformat(state["timestamp"])


def ledger_with_a_kept_report(db_url):
    """ACME-1 with an advance; a balance report kept at K (its --known-at) and the head kept then."""
    facility_with_two_notes(db_url)
    run(db_url, "record", "advance", "ACME-1", "--note", "REV", "--amount", "250000", "--date", "2024-01-16")
    head = run_json(db_url, "audit", "head", "ACME-1")
    report = run_json(db_url, *BALANCE, "--known-at", head["kept_at"])
    return head, report


def forged_payment(store, after, timestamp, recorded_by, amount="200000.00"):
    """A PaymentReceived continuing the chain from version `after`, claiming this time and author."""
    previous = store.state(after)
    forged = {"originator_id": previous["originator_id"], "originator_version": after + 1,
              "timestamp": iso(timestamp), "amount": amount, "effective_date": "2024-04-01",
              "received_at": None, "note": None, "component": None, "recorded_by": recorded_by,
              "source": None, "reference": None}
    forged["chain_hash"] = next_chain_hash(previous["chain_hash"], "PaymentReceived", forged)
    return forged


def findings(db_url, *args):
    result = run(db_url, "--json", "verify", *args, ok=False)
    assert result.exit_code == 1, result.output
    return [(f["version"], f["kind"]) for f in json.loads(result.stdout)["findings"]]


# ---- both backends ----------------------------------------------------------------------------

def test_a_head_kept_at_an_instant_verifies_on_an_untouched_ledger(db_url):
    head, report = ledger_with_a_kept_report(db_url)
    run(db_url, "record", "payment", "ACME-1", "--amount", "500", "--date", "2024-04-01")  # after the head: fine

    verified = run_json(db_url, "verify", "ACME-1", "--expect", head["chain_hash"], "--at", head["kept_at"])

    assert verified["ok"] is True and verified["events"] == 6
    assert run_json(db_url, *BALANCE, "--known-at", head["kept_at"]) == report


def test_an_event_appended_after_a_kept_head_and_dated_back_is_caught(db_url):
    """The forged append of the issue, by someone the store does not stop (anyone with the SQLite
    file; on PostgreSQL the tables' owner, who can do anything): the chain continues, the report
    known at K changes, and only the head kept at K says so."""
    head, report = ledger_with_a_kept_report(db_url)
    store = StoredEvents(db_url)
    kept_at = datetime.fromisoformat(head["kept_at"])
    dated = max(kept_at - timedelta(seconds=1), when(store.state(5)))

    store.append(6, "domain.events:PaymentReceived", forged_payment(store, 5, dated, "anyone"))

    assert run_json(db_url, *BALANCE, "--known-at", head["kept_at"]) != report  # the report changed ...
    assert run(db_url, "verify", "ACME-1", "--expect", head["chain_hash"]).exit_code == 0  # ... the chain is whole
    caught = run(db_url, "verify", "ACME-1", "--expect", head["chain_hash"], "--at", head["kept_at"], ok=False)
    assert caught.exit_code == 1
    assert "ACME-1 v6: recorded_after_kept_head" in caught.stderr
    assert findings(db_url, "ACME-1", "--expect", head["chain_hash"], "--at", head["kept_at"]) == \
        [(6, "recorded_after_kept_head")]


def test_a_recorded_time_that_decreases_along_a_stream_is_reported(db_url):
    facility_with_two_notes(db_url)
    run(db_url, "record", "payment", "ACME-1", "--amount", "500", "--date", "2024-04-01")
    store = StoredEvents(db_url)
    earlier = when(store.state(5)) - timedelta(minutes=5)

    store.append(6, "domain.events:PaymentReceived", forged_payment(store, 5, earlier, store.state(5)["recorded_by"]))

    assert findings(db_url) == [(6, "recorded_time_decreases")]


def test_at_needs_a_kept_head(db_url):
    facility_with_two_notes(db_url)

    result = run(db_url, "verify", "ACME-1", "--at", "2024-01-01T00:00:00Z", ok=False)

    assert result.exit_code == 1 and "--at: give the head kept at that instant too" in result.stderr


# ---- PostgreSQL: the store's stamps and the writer role ----------------------------------------

def append_as(url, role, state, topic="domain.events:PaymentReceived"):
    """The writer's only way in, called by hand: the store's append function."""
    with psycopg.connect(host=PG_HOST, port=PG_PORT, user=role, dbname=_dbname(url)) as conn:
        conn.execute("SELECT loanledger_append(ARRAY[ROW(%s, %s, %s, %s)]::stored_event_uuid[])",
                     (state["originator_id"], state["originator_version"], topic,
                      json.dumps(state, separators=(",", ":")).encode()))


def refused_append(url, role, state, topic="domain.events:PaymentReceived"):
    with pytest.raises(psycopg.errors.InsufficientPrivilege) as error:
        append_as(url, role, state, topic)
    return str(error.value)


def test_the_writer_cannot_forge_the_recorded_time_or_author(postgres_url, roles):
    writer, auditor, _ = roles
    set_up(postgres_url, writer, auditor)
    url = as_role(postgres_url, writer)
    head, report = ledger_with_a_kept_report(url)
    store = StoredEvents(postgres_url)
    kept_at = datetime.fromisoformat(head["kept_at"])
    now = datetime.now(timezone.utc)

    # the issue's attack: a chained PaymentReceived dated back, in anyone's name
    anyone = refused_append(postgres_url, writer, forged_payment(store, 5, kept_at - timedelta(seconds=1), "anyone"))
    # in its own name, dated before its stream's previous event
    backwards = refused_append(postgres_url, writer, forged_payment(store, 5, when(store.state(5)) - timedelta(seconds=1),
                                                                    writer))
    # in its own name, the first event of a new facility, an hour before the database's clock
    opened = {**store.state(1), "originator_id": str(facility_id("FORGED-1")), "code": "FORGED-1",
              "timestamp": iso(now - timedelta(hours=1)), "recorded_by": writer}
    opened["chain_hash"] = next_chain_hash(chain_start(facility_id("FORGED-1")), "FacilityOpened", opened)
    an_hour_ago = refused_append(postgres_url, writer, opened, "domain.events:FacilityOpened")

    assert f"it says recorded_by anyone, but the session's role is {writer}" in anyone
    assert "earlier than the previous event's" in backwards
    assert "more than 10 s from the database's clock" in an_hour_ago
    assert run_json(postgres_url, *BALANCE, "--known-at", head["kept_at"]) == report
    assert run_json(postgres_url, "verify", "ACME-1", "--expect", head["chain_hash"], "--at", head["kept_at"])["ok"]


def test_the_store_names_the_author_and_time_and_actor_is_on_behalf_of(postgres_url, roles):
    writer, auditor, _ = roles
    set_up(postgres_url, writer, auditor)
    url = as_role(postgres_url, writer)
    facility_with_two_notes(url)  # tests.helpers runs every command with --actor tester

    with psycopg.connect(postgres_url) as conn:
        rows = conn.execute("SELECT stored_by, stored_at, convert_from(state, 'UTF8')::jsonb FROM ledger_events "
                            "ORDER BY notification_id").fetchall()
    events = run_json(postgres_url, "events", "ACME-1")

    assert {(by, state["recorded_by"], state["on_behalf_of"]) for by, _, state in rows} == {(writer, writer, "tester")}
    assert all(abs(datetime.fromisoformat(state["timestamp"]) - at) < timedelta(seconds=10) for _, at, state in rows)
    assert [e["recorded_by"] for e in events] == [writer] * 4
    verified = run_json(postgres_url, "verify")
    assert verified["ok"] and verified["unstamped"] == 0 and verified["store_stamps"].startswith("stored_at")


def test_a_store_stamp_that_disagrees_with_the_stored_event_is_reported(postgres_url):
    """Changing stamps needs UPDATE, which only the owner has (and after 'db roles' not even the
    owner without dropping the append-only trigger): then verify says so."""
    facility_with_two_notes(postgres_url)
    with psycopg.connect(postgres_url) as conn:
        conn.execute("UPDATE ledger_events SET stored_by = 'someone_else' WHERE originator_version = 2")
        conn.execute("UPDATE ledger_events SET stored_at = stored_at + interval '1 hour' WHERE originator_version = 3")

    assert findings(postgres_url) == [(2, "recorded_by_not_store_role"), (3, "recorded_time_not_store_time")]


def test_an_owner_insert_without_stamps_is_counted_as_unstamped(postgres_url):
    facility_with_two_notes(postgres_url)
    store = StoredEvents(postgres_url)
    store.append(5, "domain.events:PaymentReceived",
                 forged_payment(store, 4, datetime.now(timezone.utc), store.state(4)["recorded_by"], "500.00"))

    result = run(postgres_url, "verify")
    verified = run_json(postgres_url, "verify")

    assert verified["ok"] is True and verified["unstamped"] == 1
    assert "1 event(s) carry no store stamp" in result.stdout


def test_the_writer_records_cleanly_and_the_projector_s_worker_keeps_the_read_models_current(postgres_url, roles):
    writer, auditor, projector = roles
    facility_with_two_notes(postgres_url)
    set_up(postgres_url, writer, auditor)
    follower = worker(as_role(postgres_url, projector))
    try:
        wait_for(lambda: worker_holds_its_lock(postgres_url, projector))
        recorded = [run(as_role(postgres_url, writer), "record", "payment", "ACME-1", "--amount", str(100 + i),
                        "--date", "2024-04-01") for i in range(3)]
        wait_for(lambda: run_json(postgres_url, "projections", "status")["lag"] == 0)
        verified = run_json(as_role(postgres_url, auditor), "verify")
        read_model_check = run(as_role(postgres_url, auditor), "verify").stdout
    finally:
        code, output = stop(follower)

    assert [r.exit_code for r in recorded] == [0, 0, 0]
    assert all(r.stderr == "" for r in recorded), [r.stderr for r in recorded]
    assert verified["ok"] is True and verified["events"] == 7
    assert "read models not compared" not in read_model_check
    assert code == 0 and "permission denied" not in output


def worker_holds_its_lock(url, role):
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                            "WHERE l.locktype = 'advisory' AND l.mode = 'ExclusiveLock' AND l.granted "
                            "AND a.usename = %s", (role,)).fetchone()[0] > 0


def test_the_writer_without_a_worker_gets_one_line_and_no_sql(postgres_url, roles):
    writer, auditor, _ = roles
    facility_with_two_notes(postgres_url)
    set_up(postgres_url, writer, auditor)

    result = run(as_role(postgres_url, writer), "record", "payment", "ACME-1", "--amount", "100", "--date", "2024-04-01")

    assert result.exit_code == 0
    assert result.stderr.count("\n") == 1 and "the worker refreshes them" in result.stderr
    assert not any(word in result.stderr for word in ("SELECT", "INSERT", "permission denied for", "LINE", "^"))


def test_db_roles_refuses_an_existing_role_with_more_powers_than_its_part(postgres_url, roles):
    writer, auditor, projector = roles
    facility_with_two_notes(postgres_url)
    with psycopg.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname=_dbname(postgres_url),
                         autocommit=True) as admin:
        admin.execute(f'CREATE ROLE "{writer}" LOGIN')
        admin.execute(f'GRANT pg_write_all_data TO "{writer}"')
        admin.execute(f'CREATE ROLE "{auditor}" LOGIN CREATEROLE BYPASSRLS REPLICATION')

    result = run(postgres_url, "db", "roles", "--writer", writer, "--auditor", auditor, "--projector", projector,
                 ok=False)

    assert result.exit_code == 1
    assert f"role {writer}: member of pg_write_all_data" in result.stderr
    assert f"role {auditor}: CREATEROLE, BYPASSRLS, REPLICATION" in result.stderr
    assert "nothing changed" in result.stderr
    with psycopg.connect(postgres_url) as admin:
        assert admin.execute("SELECT count(*) FROM pg_roles WHERE rolname = %s", (projector,)).fetchone()[0] == 0
        assert admin.execute("SELECT has_function_privilege(%s, 'loanledger_append(stored_event_uuid[])', 'EXECUTE')",
                             (writer,)).fetchone()[0] is False


def test_db_roles_refuses_a_superuser_and_a_member_of_the_tables_owner(postgres_url, roles):
    writer, auditor, projector = roles
    facility_with_two_notes(postgres_url)
    with psycopg.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname=_dbname(postgres_url),
                         autocommit=True) as admin:
        admin.execute(f'CREATE ROLE "{writer}" LOGIN SUPERUSER')
        admin.execute(f'CREATE ROLE "{projector}" LOGIN')
        admin.execute(f'GRANT "{PG_USER}" TO "{projector}"')
        admin.execute(f'CREATE ROLE "{auditor}_helper"')  # a grant reaching the auditor through a membership
        admin.execute(f'GRANT TRIGGER ON ledger_events TO "{auditor}_helper"')
        admin.execute(f'CREATE ROLE "{auditor}" LOGIN IN ROLE "{auditor}_helper"')

    result = run(postgres_url, "db", "roles", "--writer", writer, "--auditor", auditor, "--projector", projector,
                 ok=False)

    assert result.exit_code == 1
    assert f"role {writer}: SUPERUSER" in result.stderr
    assert f"role {projector}: a member of the owner of ledger_events" in result.stderr
    assert f"role {auditor}: may TRIGGER on ledger_events" in result.stderr
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        admin.execute(f'DROP OWNED BY "{auditor}_helper"')
        admin.execute(f'DROP ROLE "{auditor}", "{auditor}_helper"')


def test_a_ledger_made_before_the_store_stamped_loads_verifies_and_is_brought_up_to_date(postgres_url, roles):
    writer, auditor, _ = roles
    with psycopg.connect(postgres_url, autocommit=True) as admin:  # as an older version created it
        admin.execute("DROP TRIGGER ledger_events_stamp ON ledger_events")
        admin.execute("DROP FUNCTION loanledger_append(stored_event_uuid[]), loanledger_stamp()")
        admin.execute("ALTER TABLE ledger_events DROP COLUMN stored_at, DROP COLUMN stored_by")
    facility_with_two_notes(postgres_url)  # the library's own insert, as before

    before = run(postgres_url, "verify")
    set_up(postgres_url, writer, auditor)
    run(as_role(postgres_url, writer), "record", "payment", "ACME-1", "--amount", "100", "--date", "2024-04-01")
    after = run_json(postgres_url, "verify")

    assert before.exit_code == 0 and "predates the store's stamps" in before.stdout
    assert after["ok"] is True and after["unstamped"] == 4 and after["events"] == 5


def test_store_stamps_are_installed_when_a_ledger_is_created(postgres_url):
    with psycopg.connect(postgres_url) as conn:
        columns = {r[0] for r in conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'ledger_events'").fetchall()}
        public = conn.execute("SELECT has_function_privilege('public', 'loanledger_append(stored_event_uuid[])', "
                              "'EXECUTE')").fetchone()[0]

    assert {"stored_at", "stored_by"} <= columns and public is False
