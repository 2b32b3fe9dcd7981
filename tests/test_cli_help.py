"""--help names what each value is (DATE, AMOUNT, CODE, ...), never a Python type; shell
completion offers the ledger's facility and note codes (docs/cli.md, "Help and completion")."""

import os
import re
import subprocess
import sys
from pathlib import Path

import typer

from cli.commands.app import app
from tests.helpers import facility_with_two_notes, run, runner

ROOT = Path(__file__).resolve().parent.parent


def every_command():
    root = typer.main.get_command(app)
    pending = [((), root)]
    while pending:
        path, command = pending.pop()
        subcommands = getattr(command, "commands", None)
        if subcommands:
            pending += [((*path, name), sub) for name, sub in subcommands.items()]
        else:
            yield path


def test_no_help_shows_a_python_type():
    commands = list(every_command())
    assert len(commands) > 30 and ("record", "advance") in commands
    for path in commands:
        result = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "200"})
        assert result.exit_code == 0, path
        assert not re.search(r"<(str|bool|int|list\[[a-z]+\])>", result.stdout), (path, result.stdout)


def test_values_are_named_for_what_they_are():
    shown = runner.invoke(app, ["record", "advance", "--help"], env={"COLUMNS": "200"}).stdout
    assert re.search(r"--amount\s+AMOUNT", shown) and re.search(r"--note\s+NOTE", shown)
    assert re.search(r"--basis\s+TEXT", shown)
    portfolio = runner.invoke(app, ["portfolio", "--help"], env={"COLUMNS": "200"}).stdout
    assert re.search(r"--bucket\s+current\|0-30\|31-60\|61-90\|91\+", portfolio)
    timeline = runner.invoke(app, ["timeline", "--help"], env={"COLUMNS": "200"}).stdout
    assert re.search(r"--every\s+day\|month", timeline)
    balance = runner.invoke(app, ["balance", "--help"], env={"COLUMNS": "200"}).stdout
    assert re.search(r"--as-of\s+DATE", balance) and "2024-Q3" in balance


def complete(words: list[str], env: dict[str, str]) -> list[str]:
    """Ask the program for completions as bash does (click's protocol)."""
    result = subprocess.run(
        [str(Path(sys.executable).parent / "loanledger")], cwd=ROOT, capture_output=True, text=True,
        env={**os.environ, **env, "_LOANLEDGER_COMPLETE": "complete_bash",
             "COMP_WORDS": " ".join(["loanledger", *words]), "COMP_CWORD": str(len(words))}, timeout=60)
    return result.stdout.split()


def test_completion_offers_facility_and_note_codes(db_url):
    facility_with_two_notes(db_url)
    env = {"LOANLEDGER_DB": db_url}

    assert complete(["balance", "AC"], env) == ["ACME-1"]
    assert complete(["balance", "ZZ"], env) == []
    assert sorted(complete(["record", "advance", "ACME-1", "--note", ""], env)) == ["REV", "TERM"]
    assert complete(["record", "advance", "ACME-1", "--note", "T"], env) == ["TERM"]
    assert complete(["balance", "AC"], {"LOANLEDGER_DB": "/nonexistent/ledger.db"}) == []


def shown_example(help_text: str) -> str | None:
    """The example as a reader copies it from the help: the lines under `Example:` joined at the
    shell's line continuations."""
    lines = help_text.splitlines()
    for n, line in enumerate(lines):
        if line.strip() == "Example:":
            command = []
            for following in lines[n + 1:]:
                text = following.strip()
                if not text:
                    break
                command.append(text.removesuffix("\\").strip())
                if not text.endswith("\\"):
                    break
            return " ".join(command)
    return None


def test_every_example_survives_an_80_column_terminal_and_names_real_options():
    import shlex

    root = typer.main.get_command(app)
    checked = 0
    for path in every_command():
        shown = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "80"}).stdout
        assert all(len(line) <= 80 for line in shown.splitlines()), path
        example = shown_example(shown)
        if example is None:
            continue
        words = shlex.split(example)  # copies as one valid shell command
        assert words[0] == "loanledger", example
        words = words[1:]
        while words and words[0] in ("--db", "--actor", "--format", "--color", "--json"):  # global options first
            words = words[1:] if words[0] == "--json" else words[2:]
        assert words[:len(path)] == list(path), (path, example)
        command = root
        for name in path:
            command = command.commands[name]
        known = {o for p in command.params for o in getattr(p, "opts", ())}
        used = {w.split("=")[0] for w in words if w.startswith("--")}
        assert used <= known, (path, used - known)
        checked += 1
    assert checked > 30


def test_the_lazy_registry_lists_every_command_with_its_own_help():
    """`--help` lists the registry's names and one-line help without importing the commands
    (cli/commands/registry.py): the table must match the commands themselves, in order."""
    import inspect

    from cli.commands import registry

    root = typer.main.get_command(app)
    names = [entry.name for entry in registry.COMMANDS]
    assert names == list(root.commands) and len(names) == len(set(names)) == 25
    for entry in registry.COMMANDS:
        command = root.commands[entry.name]
        own = inspect.cleandoc(command.short_help or command.help or "").split("\n\n")[0].strip()
        assert entry.help == own, entry.name
        subcommands = getattr(command, "commands", None)
        callbacks = [sub.callback for sub in subcommands.values()] if subcommands else [command.callback]
        assert f"cli.commands.{entry.module}" in {callback.__module__ for callback in callbacks}, entry.name


def test_the_record_group_lists_its_facts_from_every_module_with_their_own_help():
    """`record` builds one fact's command when named; its list (recording's facts, then
    registry.RECORD_ELSEWHERE's) must match the commands themselves, in order."""
    import inspect

    from cli.commands import recording, registry, syndication, terms

    group = typer.main.get_command(app).commands["record"]
    real = dict(group.commands)
    assert list(real) == [info.name for info in recording.record_app.registered_commands] + [
        "assignment", "distribution", "commitment", "termination", "amendment"]
    for name, command in real.items():
        assert group.one_line(name) == inspect.cleandoc(command.help or "").split("\n\n")[0].strip(), name
        assert "--json" in {o for p in command.params for o in getattr(p, "opts", ())}, name  # adopted
    for entry in registry.RECORD_ELSEWHERE:
        assert real[entry.name].callback.__module__ == {"syndication": syndication, "terms": terms}[entry.module].__name__


def _modules_after(args: list[str], tmp_path: Path) -> tuple[set[str], str]:
    """The cli.commands modules a real invocation imported (in a fresh interpreter), and its output."""
    script = ("import sys\nsys.argv = ['loanledger', *sys.argv[1:]]\nfrom cli.commands.app import main\n"
              "try:\n    main()\nexcept SystemExit:\n    pass\n"
              "sys.stderr.write('MODULES ' + ' '.join(m for m in sys.modules if m.startswith('cli.commands.')))\n")
    result = subprocess.run([sys.executable, "-c", script, *args], cwd=tmp_path, capture_output=True, text=True,
                            env={**os.environ, "COLUMNS": "100"}, timeout=120)
    return set(result.stderr.rsplit("MODULES ", 1)[1].split()), result.stdout


def test_a_command_imports_only_its_own_module(tmp_path):
    db = str(tmp_path / "ledger.db")
    run(db, "init")
    facility_with_two_notes(db)
    loaded, said = _modules_after(["--db", db, "record", "payment", "ACME-1", "--amount", "1.00", "--date", "2024-02-01"],
                                  tmp_path)
    assert said.startswith("Recorded PaymentReceived as version")
    commands = {m.rsplit(".", 1)[1] for m in loaded} - {"app", "context", "registry", "output", "tables"}
    assert commands == {"recording"}  # not syndication nor terms, whose facts `record` also holds
    listed, shown = _modules_after(["--help"], tmp_path)
    assert "Commands" in shown and all(f" {entry} " in shown for entry in ("record", "payoff", "notice"))
    assert {m.rsplit(".", 1)[1] for m in listed} <= {"app", "context", "registry", "tables"}


def test_the_output_options_name_the_report_formats():
    from cli.commands.output import FORMATS
    from cli.formats.report import FORMATS as REPORT_FORMATS

    assert FORMATS == REPORT_FORMATS == ("table", "json", "csv")
