"""loanledger copy: a whole ledger moved between backends keeps recorded times, authors and
chain heads, so the history behind --known-at moves with it (docs/cli.md, "Copying a ledger")."""

import json

from tests.helpers import ROOT_EXAMPLES, run, run_json, stored
from tests.test_database_roles import roles  # noqa: F401 - fixture

CODE = "ATG-LAURUS-2005"


def seeded(url):
    run(url, "import", str(ROOT_EXAMPLES / "atg-laurus-2005.jsonl"))
    run(url, "index", "set", "SOFR", "--date", "2024-01-02", "--rate", "5.31")  # a market stream too
    run(url, "record", "payment", CODE, "--amount", "1.00", "--date", "2008-02-01", "--reference", "LATE-1")


def test_sqlite_to_postgres_and_back_keeps_every_stored_byte(sqlite_url, postgres_url, tmp_path):
    seeded(sqlite_url)
    source_rows = stored(sqlite_url)
    events = run_json(sqlite_url, "events", CODE)
    middle = events[40]["recorded_at"]  # a moment inside the history: what was known then

    said = run(sqlite_url, "copy", "--from", sqlite_url, "--to", postgres_url).stdout
    # the facility rows and the one index fixing (market_events, beside them)
    assert f"Copied {len(source_rows) + 1} event(s) in 2 stream(s)" in said and "verified" in said

    # every row, byte for byte and in order (notification ids may differ; the order may not)
    assert [r[1:] for r in stored(postgres_url)] == [r[1:] for r in source_rows]
    assert run_json(postgres_url, "events", CODE) == events
    assert run_json(postgres_url, "audit", "head", CODE)["chain_hash"] == run_json(sqlite_url, "audit", "head", CODE)["chain_hash"]
    for url in (sqlite_url, postgres_url):
        assert run(url, "verify").exit_code == 0
    as_known = [run_json(url, "past-due", CODE, "--as-of", "2008-01-31", "--known-at", middle)
                for url in (sqlite_url, postgres_url)]
    assert as_known[0] == as_known[1]
    assert as_known[0] != run_json(sqlite_url, "past-due", CODE, "--as-of", "2008-01-31")  # the middle differs

    back = str(tmp_path / "back.db")
    run(sqlite_url, "copy", "--from", postgres_url, "--to", back)
    assert [r[1:] for r in stored(back)] == [r[1:] for r in source_rows]
    assert run_json(back, "index", "show", "SOFR") == run_json(sqlite_url, "index", "show", "SOFR")


def test_a_target_that_holds_events_is_refused_and_left_alone(sqlite_url, tmp_path):
    seeded(sqlite_url)
    other = str(tmp_path / "other.db")
    run(other, "facility", "open", "X-1", "--borrower", "B", "--lender", "L", "--agreement-date", "2024-01-15",
        ok=False)  # no ledger there yet: refused, nothing created
    run(other, "init")
    run(other, "facility", "open", "X-1", "--borrower", "B", "--lender", "L", "--agreement-date", "2024-01-15")
    before = stored(other)

    refused = run(sqlite_url, "copy", "--from", sqlite_url, "--to", other, ok=False)
    assert refused.exit_code == 1 and "already holds events" in refused.stderr
    assert stored(other) == before
    same = run(sqlite_url, "copy", "--from", sqlite_url, "--to", sqlite_url, ok=False)
    assert same.exit_code == 2 and "same ledger" in same.stderr
    missing = run(sqlite_url, "copy", "--from", str(tmp_path / "nothing.db"), "--to", str(tmp_path / "new.db"), ok=False)
    assert missing.exit_code == 1 and "no ledger at" in missing.stderr
    assert json.loads(run(sqlite_url, "--json", "facility", "list").stdout)[0]["code"] == CODE


def test_on_postgresql_only_the_tables_owner_may_copy_in(sqlite_url, postgres_url, roles):
    """The writer role's times are the store's; a copy must not go through them, nor around."""
    from tests.test_database_roles import as_role, set_up

    writer, auditor, _ = roles
    set_up(postgres_url, writer, auditor)
    seeded(sqlite_url)

    refused = run(sqlite_url, "copy", "--from", sqlite_url, "--to", as_role(postgres_url, writer), ok=False)
    assert refused.exit_code == 1 and "owner" in refused.stderr and f"pw-{writer}" not in refused.stderr
    assert stored(postgres_url) == []
    run(sqlite_url, "copy", "--from", sqlite_url, "--to", postgres_url)  # the owner may
    assert [r[1:] for r in stored(postgres_url)] == [r[1:] for r in stored(sqlite_url)]
