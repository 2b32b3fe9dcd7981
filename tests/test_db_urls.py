"""--db: a supported scheme or a file path; libpq's conventions (PG* variables, a service file)
for PostgreSQL; a mistyped --db never creates anything (docs/cli.md, "Where the ledger lives")."""

import os
from urllib.parse import urlparse

import pytest

from cli.persistence.storage import BadDatabaseURL, database
from tests.helpers import facility_with_two_notes, run, runner
from cli.commands.app import app


@pytest.mark.parametrize("url", ["mysql://x/y", "http://example.com/ledger", "sqlite:relative.db",
                                 "oracle://scott@db/orcl", "file://ledger.db"])
def test_an_unsupported_scheme_is_refused_and_nothing_is_created(tmp_path, monkeypatch, url):
    monkeypatch.chdir(tmp_path)
    for command in (["init"], ["balance", "X", "--as-of", "2024-01-31"], ["facility", "list"]):
        result = runner.invoke(app, ["--db", url, *command])
        assert result.exit_code == 1 and "--db" in result.stderr and "sqlite" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_read_command_on_a_mistyped_path_creates_nothing(tmp_path):
    missing = tmp_path / "legder.db"
    result = runner.invoke(app, ["--db", str(missing), "past-due", "X"])
    assert result.exit_code == 1 and "no ledger at" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_pg_variables_fill_what_the_url_leaves_out(monkeypatch):
    monkeypatch.setenv("PGHOST", "db.internal")
    monkeypatch.setenv("PGPORT", "6543")
    monkeypatch.setenv("PGDATABASE", "loans")
    monkeypatch.setenv("PGUSER", "alice")
    for var in ("PGSERVICE", "PGPASSWORD"):
        monkeypatch.delenv(var, raising=False)

    env = database("postgresql://").env
    assert (env["POSTGRES_HOST"], env["POSTGRES_PORT"], env["POSTGRES_DBNAME"], env["POSTGRES_USER"]) == (
        "db.internal", "6543", "loans", "alice")
    env = database("postgresql://bob@other:5433/books").env  # the URL wins over the variables
    assert (env["POSTGRES_HOST"], env["POSTGRES_PORT"], env["POSTGRES_DBNAME"], env["POSTGRES_USER"]) == (
        "other", "5433", "books", "bob")
    env = database("postgresql:///books?host=/var/run/postgresql").env  # a socket folder, as psql takes it
    assert env["POSTGRES_HOST"] == "/var/run/postgresql" and env["POSTGRES_DBNAME"] == "books"


def test_without_host_or_database_anywhere_the_url_is_refused(monkeypatch):
    for var in ("PGHOST", "PGDATABASE", "PGSERVICE"):
        monkeypatch.delenv(var, raising=False)
    with pytest.raises(BadDatabaseURL, match="needs a host and a database"):
        database("postgresql:///")
    with pytest.raises(BadDatabaseURL, match="unknown parameter 'sslmod'"):
        database("postgresql://h/db?sslmod=require")
    with pytest.raises(BadDatabaseURL, match="service 'nope' is not defined"):
        database("postgresql:///?service=nope")


def test_a_service_file_reaches_the_real_server(postgres_url, tmp_path, monkeypatch):
    parts = urlparse(postgres_url)
    service_file = tmp_path / "pg_service.conf"
    service_file.write_text(f"[books]\nhost={parts.hostname}\nport={parts.port or 5432}\n"
                            f"user={parts.username}\ndbname={parts.path.lstrip('/')}\n", encoding="utf-8")
    monkeypatch.setenv("PGSERVICEFILE", str(service_file))
    for var in ("PGHOST", "PGDATABASE", "PGPORT", "PGUSER"):
        monkeypatch.delenv(var, raising=False)
    facility_with_two_notes(postgres_url)

    listed = run("postgresql:///?service=books", "--json", "facility", "list")
    assert [f["code"] for f in __import__("json").loads(listed.stdout)] == ["ACME-1"]

    monkeypatch.setenv("PGHOST", parts.hostname)
    monkeypatch.setenv("PGDATABASE", parts.path.lstrip("/"))
    monkeypatch.setenv("PGUSER", parts.username)
    assert run("postgresql://", "facility", "show", "ACME-1").exit_code == 0
    assert os.environ["PGSERVICEFILE"] == str(service_file)
