"""The configuration file: defaults for the database, actor, output format and colour; an
option or its environment variable wins over the file (docs/cli.md, "Configuration file")."""

import csv
import io
import json

from cli.commands.app import app
from tests.helpers import OPEN, REVOLVER, run, runner


def invoke(*args):
    return runner.invoke(app, list(args))


def test_the_file_gives_the_database_actor_and_format(db_url, tmp_path, monkeypatch):
    monkeypatch.delenv("LOANLEDGER_DB", raising=False)
    monkeypatch.delenv("LOANLEDGER_ACTOR", raising=False)
    monkeypatch.delenv("LOANLEDGER_FORMAT", raising=False)
    config = tmp_path / "config.toml"
    config.write_text(f'db = "{db_url}"\nactor = "ops-desk"\nformat = "csv"\ncolor = "never"\n', encoding="utf-8")
    monkeypatch.setenv("LOANLEDGER_CONFIG", str(config))

    assert invoke(*OPEN).exit_code == 0  # a recording command prints its sentence, not CSV
    assert invoke(*REVOLVER).exit_code == 0
    listed = list(csv.DictReader(io.StringIO(invoke("facility", "list").stdout)))
    assert [row["code"] for row in listed] == ["ACME-1"]
    events = json.loads(invoke("events", "ACME-1", "--format", "json").stdout)  # an option beats the file
    # the actor: the author on SQLite; on PostgreSQL the store names the role and keeps the actor
    # as on_behalf_of (docs/events.md)
    assert {e.get("on_behalf_of", e["recorded_by"]) for e in events} == {"ops-desk"}
    assert json.loads(invoke("--json", "facility", "list").stdout)[0]["code"] == "ACME-1"

    other = tmp_path / "other.db"
    run(str(other), "init")
    monkeypatch.setenv("LOANLEDGER_DB", str(other))  # the variable beats the file
    assert invoke("facility", "list").stdout.strip() == "code,borrower,lender,agreement_date,currency"


def test_the_default_place_is_under_xdg_config_home(sqlite_url, tmp_path, monkeypatch):
    monkeypatch.delenv("LOANLEDGER_CONFIG", raising=False)
    monkeypatch.delenv("LOANLEDGER_DB", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    (tmp_path / "xdg" / "loanledger").mkdir(parents=True)
    (tmp_path / "xdg" / "loanledger" / "config.toml").write_text(f'db = "{sqlite_url}"\n', encoding="utf-8")
    run(sqlite_url, *OPEN)

    assert "ACME-1" in invoke("facility", "list").stdout


def test_a_bad_file_is_refused_naming_it(tmp_path, monkeypatch):
    config = tmp_path / "config.toml"
    monkeypatch.setenv("LOANLEDGER_CONFIG", str(config))
    for text, expected in [('dbb = "x"\n', "unknown key 'dbb'"), ("db = 5\n", "db must be a non-empty string"),
                           ("db = \n", "not TOML"), ('format = "xml"\n', "format 'xml' is not one of table, json, csv")]:
        config.write_text(text, encoding="utf-8")
        result = invoke("facility", "list")
        assert result.exit_code == 2 and expected in result.output, (text, result.output)
    config.unlink()
    missing = invoke("facility", "list")
    assert missing.exit_code == 2 and "does not exist" in missing.output
