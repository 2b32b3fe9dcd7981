"""Read models computed by another edition of the rules are never shown as figures: the portfolio
asks the engine, verify says why it does not compare them, and the next refresh recomputes them
(docs/read-models.md, "Rules edition"). On both backends; an old ledger is made by dropping the
`rm_rules` table, as every ledger had none before editions were kept."""

import sqlite3

import psycopg

from projections.readmodels import RULES_EDITION
from tests.helpers import facility_with_two_notes, run, run_json


def sql(db_url, statement):
    if db_url.startswith("postgresql://"):
        with psycopg.connect(db_url, autocommit=True) as conn:
            cursor = conn.execute(statement)
            return cursor.fetchall() if cursor.description else None
    with sqlite3.connect(db_url) as conn:
        return conn.execute(statement).fetchall()


def lines(db_url):
    return run_json(db_url, "portfolio", "--as-of", "2024-03-31")["facilities"]


def test_a_new_ledger_keeps_the_current_edition_and_reads_its_tables(db_url):
    facility_with_two_notes(db_url)
    run(db_url, "record", "advance", "ACME-1", "--note", "REV", "--amount", "1000", "--date", "2024-01-16")

    assert sql(db_url, "SELECT edition FROM rm_rules") == [(RULES_EDITION,)]
    assert [x["computed_by"] for x in lines(db_url)] == ["tables"]


def test_read_models_of_an_older_edition_are_not_read_and_are_recomputed_on_the_next_refresh(db_url):
    facility_with_two_notes(db_url)
    run(db_url, "record", "advance", "ACME-1", "--note", "REV", "--amount", "1000", "--date", "2024-01-16")
    sql(db_url, "DROP TABLE rm_rules")  # as every ledger made before editions were kept
    sql(db_url, "UPDATE rm_portfolio_steps SET status = 'performing'")

    old = lines(db_url)
    verified = run(db_url, "verify")

    assert [(x["computed_by"], x["status"]) for x in old] == [("engine", "past_due")]
    assert verified.exit_code == 0
    assert "read models not compared: they were computed by rules edition 1" in verified.stdout

    run(db_url, "record", "advance", "ACME-1", "--note", "REV", "--amount", "1000", "--date", "2024-01-17")

    assert sql(db_url, "SELECT edition FROM rm_rules") == [(RULES_EDITION,)]
    assert [(x["computed_by"], x["status"]) for x in lines(db_url)] == [("tables", "past_due")]
    assert "not compared" not in run(db_url, "verify").stdout
    assert sql(db_url, "SELECT COUNT(*) FROM rm_portfolio_steps WHERE status = 'performing'") == [(0,)]
