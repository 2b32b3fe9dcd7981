"""PostgreSQL roles (the contract §5): an append-only writer and a read-only auditor, each proved by
connecting as it. Roles are cluster-wide: each test makes its own and drops them afterwards."""

import uuid
from urllib.parse import urlparse

import psycopg
import pytest

from cli.persistence.faults import write_denied
from tests.conftest import PG_HOST, PG_PORT, PG_USER
from tests.helpers import facility_with_two_notes, run, run_json, stored


@pytest.fixture
def roles(postgres_url):
    suffix = uuid.uuid4().hex[:10]
    names = (f"ll_writer_{suffix}", f"ll_auditor_{suffix}", f"ll_projector_{suffix}")
    yield names
    with psycopg.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname=_dbname(postgres_url),
                         autocommit=True) as admin:
        for name in names:
            if admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone():
                admin.execute(f'DROP OWNED BY "{name}"')
                admin.execute(f'DROP ROLE "{name}"')


def _dbname(url):
    return urlparse(url).path.lstrip("/")


def as_role(postgres_url, role):
    return f"postgresql://{role}:pw-{role}@{PG_HOST}:{PG_PORT}/{_dbname(postgres_url)}"


def set_up(postgres_url, writer, auditor, projector=None):
    projector = projector or writer.replace("ll_writer_", "ll_projector_")
    return run_json(postgres_url, "db", "roles", "--writer", writer, "--writer-password", f"pw-{writer}",
                    "--auditor", auditor, "--auditor-password", f"pw-{auditor}",
                    "--projector", projector, "--projector-password", f"pw-{projector}")


def refused(url, role, statement):
    with psycopg.connect(host=PG_HOST, port=PG_PORT, user=role, dbname=_dbname(url)) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege) as error:
            conn.execute(statement)
    return str(error.value)


def test_the_writer_records_events_but_cannot_change_lock_or_remove_them(postgres_url, roles):
    writer, auditor, _ = roles
    set_up(postgres_url, writer, auditor)

    facility_with_two_notes(as_role(postgres_url, writer))  # through the store's append function
    recorded = run_json(as_role(postgres_url, writer), "record", "advance", "ACME-1", "--note", "REV",
                        "--amount", "1000", "--date", "2024-01-16")
    before = stored(postgres_url)

    assert recorded["version"] == 5 and len(before) == 5
    for statement in ("UPDATE ledger_events SET topic = topic", "DELETE FROM ledger_events WHERE originator_version = 5",
                      "TRUNCATE ledger_events", "LOCK TABLE ledger_events IN ACCESS EXCLUSIVE MODE",
                      "LOCK TABLE ledger_events IN EXCLUSIVE MODE",
                      "INSERT INTO ledger_events (originator_id, originator_version) "
                      "SELECT originator_id, 99 FROM ledger_events LIMIT 1"):
        assert "permission denied" in refused(postgres_url, writer, statement), statement
    assert "must be owner" in refused(postgres_url, writer, "ALTER TABLE ledger_events DISABLE TRIGGER ALL")
    assert stored(postgres_url) == before


def test_after_setting_up_roles_even_the_owner_cannot_change_stored_events(postgres_url, roles):
    facility_with_two_notes(postgres_url)
    set_up(postgres_url, *roles)

    for statement in ("UPDATE ledger_events SET topic = topic", "DELETE FROM ledger_events", "TRUNCATE ledger_events"):
        assert "append-only" in refused(postgres_url, PG_USER, statement)
    assert len(stored(postgres_url)) == 4


def test_the_auditor_reads_exports_and_verifies_but_cannot_write(postgres_url, roles, tmp_path):
    writer, auditor, _ = roles
    facility_with_two_notes(postgres_url)
    set_up(postgres_url, writer, auditor)
    url = as_role(postgres_url, auditor)

    events = run_json(url, "events", "ACME-1")
    exported = run(url, "export", "ACME-1", "--format", "csv").stdout
    verified = run_json(url, "verify")
    head = run_json(url, "audit", "head", "ACME-1")
    attempt = run(url, "record", "advance", "ACME-1", "--note", "REV", "--amount", "1", "--date", "2024-01-16", ok=False)

    assert len(events) == 4 and len(exported.splitlines()) == 5
    assert verified["ok"] is True and head["version"] == 4
    assert attempt.exit_code == 1 and "permission denied" in attempt.stderr
    assert "permission denied" in refused(postgres_url, auditor,
                                          "INSERT INTO ledger_events (originator_id, originator_version) "
                                          "SELECT originator_id, 99 FROM ledger_events LIMIT 1")
    assert "permission denied" in refused(postgres_url, auditor, "DELETE FROM ledger_events")
    assert "permission denied" in refused(postgres_url, auditor, "LOCK TABLE ledger_events IN EXCLUSIVE MODE")
    assert "permission denied" in refused(postgres_url, auditor, "SELECT loanledger_append(ARRAY[]::stored_event_uuid[])")
    assert len(stored(postgres_url)) == 4


def test_the_auditor_runs_the_reports(postgres_url, roles):
    writer, auditor, _ = roles
    facility_with_two_notes(postgres_url)
    run(postgres_url, "record", "advance", "ACME-1", "--note", "REV", "--amount", "250000", "--date", "2024-01-16")
    set_up(postgres_url, writer, auditor)
    url = as_role(postgres_url, auditor)

    for report in ("balance", "past-due", "explain"):
        assert run(url, "--json", report, "ACME-1", "--as-of", "2024-03-31").stdout == \
            run(postgres_url, "--json", report, "ACME-1", "--as-of", "2024-03-31").stdout


def test_setting_up_roles_twice_changes_nothing_and_grants_only_what_is_needed(postgres_url, roles):
    writer, auditor, projector = roles
    first = set_up(postgres_url, writer, auditor)

    second = set_up(postgres_url, writer, auditor)

    assert first == second
    with psycopg.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname=_dbname(postgres_url)) as admin:
        def can(role, privilege):
            return admin.execute("SELECT has_table_privilege(%s, 'ledger_events', %s)", (role, privilege)).fetchone()[0]

        every = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "TRIGGER")
        assert [can(writer, p) for p in every] == [True, False, False, False, False, False]
        assert [can(auditor, p) for p in every] == [True, False, False, False, False, False]
        assert [can(projector, p) for p in every] == [True, False, False, False, False, False]

        def appends(role):
            return admin.execute("SELECT has_function_privilege(%s, 'loanledger_append(stored_event_uuid[])', "
                                 "'EXECUTE')", (role,)).fetchone()[0]

        assert [appends(writer), appends(auditor), appends(projector)] == [True, False, False]
        assert admin.execute("SELECT has_table_privilege(%s, 'rm_event_journal', 'SELECT'), "
                             "has_table_privilege(%s, 'rm_event_journal', 'INSERT'), "
                             "has_table_privilege(%s, 'rm_event_journal', 'UPDATE')",
                             (writer, writer, projector)).fetchone() == (True, False, True)
    for role in (auditor, projector):
        assert "permission denied" in refused(postgres_url, role, "LOCK TABLE ledger_events IN EXCLUSIVE MODE")


def test_roles_need_postgresql(sqlite_url):
    result = run(sqlite_url, "db", "roles", ok=False)

    assert result.exit_code == 1 and "needs PostgreSQL" in result.stderr


def test_a_refused_write_is_named_whichever_way_the_pipeline_reports_it(postgres_url, roles):
    """psycopg's pipeline may report the refused LOCK/INSERT only as 'pipeline aborted'; the
    ledger then asks the server whether this role may write at all."""
    from cli.application.ledger import Ledger
    from cli.persistence.storage import database, ready

    writer, auditor, _ = roles
    facility_with_two_notes(postgres_url)
    set_up(postgres_url, writer, auditor)
    as_auditor = Ledger(ready(database(as_role(postgres_url, auditor))))
    as_writer = Ledger(ready(database(as_role(postgres_url, writer))))
    try:
        assert write_denied(as_auditor.recorder).startswith(f"permission denied: role {auditor} may not record")
        assert write_denied(as_writer.recorder) is None
    finally:
        as_auditor.close()
        as_writer.close()


def test_the_auditor_still_reads_the_read_models_after_a_rebuild(postgres_url, roles):
    """A rebuild replaces the read-model tables: their grants go with them."""
    writer, auditor, _ = roles
    facility_with_two_notes(postgres_url)
    set_up(postgres_url, writer, auditor)
    url = as_role(postgres_url, auditor)
    before = run_json(url, "projections", "status")

    run(postgres_url, "projections", "rebuild")

    after = run_json(url, "projections", "status")
    assert after["read_models"] == before["read_models"] and after["lag"] == 0
    with psycopg.connect(host=PG_HOST, port=PG_PORT, user=auditor, password=f"pw-{auditor}",
                         dbname=_dbname(postgres_url)) as conn:
        assert conn.execute("SELECT count(*) FROM rm_event_journal").fetchone()[0] == before["head"]
    assert "permission denied" in refused(postgres_url, auditor, "DELETE FROM rm_event_journal")


def test_a_rebuild_keeps_a_grant_made_by_hand_on_one_read_model_and_widens_none(postgres_url, roles):
    """No default privileges cover this role: only the copy of the replaced table's grants does."""
    analyst, _, _ = roles
    facility_with_two_notes(postgres_url)
    with psycopg.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname=_dbname(postgres_url),
                         autocommit=True) as admin:
        admin.execute(f'CREATE ROLE "{analyst}" LOGIN')
        admin.execute(f'GRANT SELECT ON rm_event_journal TO "{analyst}"')

    run(postgres_url, "projections", "rebuild")

    with psycopg.connect(host=PG_HOST, port=PG_PORT, user=analyst, dbname=_dbname(postgres_url)) as conn:
        assert conn.execute("SELECT count(*) FROM rm_event_journal").fetchone()[0] > 0
    assert "permission denied" in refused(postgres_url, analyst, "SELECT * FROM rm_portfolio_steps")


def test_the_writer_records_fixings_through_the_store_and_cannot_change_them(postgres_url, roles):
    """market_events (index fixings) is guarded as the events table is: the writer appends only
    through the owner's loanledger_append_market, which refuses another author; nobody updates or
    deletes; the auditor reads (docs/market-data.md; docs/auditor-guide.md §0)."""
    writer, auditor, _ = roles
    set_up(postgres_url, writer, auditor)
    as_writer, as_auditor = as_role(postgres_url, writer), as_role(postgres_url, auditor)

    run(as_writer, "index", "set", "SOFR", "--date", "2026-01-05", "--rate", "3.65")
    run(as_writer, "index", "set", "SOFR", "--date", "2026-01-05", "--rate", "3.66", "--correct", "--reason", "revised")
    shown = run_json(as_auditor, "index", "show", "SOFR")
    forged = ("SELECT loanledger_append_market(ARRAY[ROW(gen_random_uuid(), 1, 'domain.market:IndexFixingPublished', "
              "convert_to('{\"recorded_by\": \"someone_else\", \"timestamp\": \"' || now()::text || '\"}', 'UTF8'))"
              "]::stored_event_uuid[])")

    assert [(row["date"], row["rate"]) for row in shown] == [("2026-01-05", "3.66")]
    assert run_json(as_auditor, "verify")["index_streams"] == [{"stream": "index:SOFR", "events": 2}]
    for statement in ("UPDATE market_events SET topic = topic", "DELETE FROM market_events", "TRUNCATE market_events",
                      "INSERT INTO market_events (originator_id, originator_version) "
                      "SELECT originator_id, 99 FROM market_events LIMIT 1"):
        assert "permission denied" in refused(postgres_url, writer, statement), statement
        assert "permission denied" in refused(postgres_url, auditor, statement), statement
    assert "recorded_by someone_else" in refused(postgres_url, writer, forged)
    assert "permission denied" in refused(postgres_url, auditor, forged.replace("someone_else", auditor))
    for statement in ("UPDATE market_events SET topic = topic", "DELETE FROM market_events"):
        assert "append-only" in refused(postgres_url, PG_USER, statement)
    assert run(as_auditor, "index", "set", "SOFR", "--date", "2026-01-06", "--rate", "3.6", ok=False).exit_code != 0
