"""The command tree, lazily: every top-level command's name, the module that defines it and its
one-line help, so that `loanledger record payment` imports the recording commands alone and
`loanledger --help` lists every command without importing any (docs/architecture.md, "Start-up").

`tests/test_cli_help.py` checks that this table names every command of every module, in order,
with the first paragraph of the help the command itself carries.
"""

import copy
import importlib
import inspect
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any, NamedTuple

import typer
from typer.core import TyperGroup


class Entry(NamedTuple):
    name: str
    module: str  # under cli.commands
    help: str  # the first paragraph of the command's help, as `--help` lists it


# The order of `loanledger --help`: the commands, then the groups.
COMMANDS: tuple[Entry, ...] = (
    Entry("init", "setup",
          "Create the ledger's tables in the database (SQLite file or PostgreSQL). Safe to repeat."),
    Entry("demo", "setup",
          'Load the seed scenario (the 2008-01-31 notice of default) into a fresh database and show it.'),
    Entry("import", "files",
          'Import events from a file: all of it, or (if any record is bad) none of it.'),
    Entry("export", "files",
          "Export a facility's stream: JSON Lines that 'import' reads back, or CSV."),
    Entry("events", "files",
          "Show a facility's event stream: version, type, effective date, recorded time, actor, source,\n"
          'fields, chain hash, and which reversal (if any) cancels each event.'),
    Entry("copy", "files",
          'Copy a whole ledger to another database (e.g. SQLite to PostgreSQL) with its recorded times,\n'
          "authors and chain heads, and verify it on arrival. On PostgreSQL, run as the tables' owner."),
    Entry("verify", "audit",
          'Check the stored events: hash chains, version continuity, replay, stated figures and the\n'
          'read models against the fold.'),
    Entry("portfolio", "readmodels",
          "Every facility's principal and past due as of a date, with days past due, bucket and totals."),
    Entry("balance", "reports",
          'Principal, accrued interest, unpaid fees and unapplied credit, per note and in total.'),
    Entry("past-due", "reports",
          'What is past due, per component and note, with days past due and aging bucket.'),
    Entry("explain", "reports",
          'Every figure with its derivation: sub-intervals, bills, allocations, premiums.'),
    Entry("timeline", "reports",
          'Positions and past due over a date range, computed in one pass.'),
    Entry("distribution", "syndication",
          'What each lender is owed from each receipt of a day, and what was paid to it.'),
    Entry("availability", "terms",
          'What can be drawn under each note at the end of a day: commitment, drawn, available and,\n'
          'when less than the commitment less what is drawn can be, why (terminated, accelerated, in\n'
          'default, matured, limited by the note it is a sublimit of). Also the unused or ticking fee\n'
          'accrued in the open fee period.'),
    Entry("payoff", "terms",
          'What must be paid on a day to retire every note: principal, interest accrued to that day,\n'
          'unpaid fees and items, accrued unused or ticking fees, any prepayment premium, less unapplied\n'
          "credit; and the per diem (one more day's interest). Recording a payment of the total on that\n"
          'day with `record payment --payoff` leaves nothing owed.'),
    Entry("serve", "web",
          'Serve a read-only web view and JSON API of the ledger until Ctrl-C.'),
    Entry("facility", "recording",
          'Open, list and show facilities.'),
    Entry("note", "recording",
          'Issue notes under a facility.'),
    Entry("record", "recording",
          "Record one fact on a facility. Every fact is an immutable event: correct a mistake with 'record reversal', never by editing."),
    Entry("audit", "audit",
          "Audit helpers: the head of a facility's chain."),
    Entry("db", "roles",
          'Database administration (PostgreSQL).'),
    Entry("projections", "readmodels",
          'The materialised read models: status, rebuild, worker.'),
    Entry("lender", "syndication",
          'Lenders of syndicated facilities: positions and statements.'),
    Entry("index", "market",
          'Index fixings (SOFR, TERM-SOFR-3M, ...): market data shared by every facility, one stream per index.'),
    Entry("notice", "documents",
          'Documents rendered from the ledger: notices of default, billing, rates, payoff, payoff letters, statements.'),
)

BY_NAME = {entry.name: entry for entry in COMMANDS}

# The facts of `record` defined outside cli/commands/recording.py, after its own (that order).
RECORD_ELSEWHERE: tuple[Entry, ...] = (
    Entry("assignment", "syndication",
          "An assignment settled: part of a lender's share of a note moves to another lender."),
    Entry("distribution", "syndication",
          "A distribution the agent wired to a lender."),
    Entry("commitment", "terms",
          "A note's commitment changed from a date (a reduction, an increase up to the face amount)."),
    Entry("termination", "terms",
          "A commitment terminated from a date: nothing more can be drawn on it and its unused or\n"
          "ticking fee stops. Without --note, every note issued on or before the date.\n"
          "(An acceleration terminates the commitments of its notes by itself.)"),
    Entry("amendment", "terms",
          "A note's terms amended from a date: only the terms given change. The rate, default margin\n"
          "and fee rate apply from the date (explain shows which terms applied when); a backdated\n"
          "amendment recomputes everything after its date, and --known-at before it was recorded shows\n"
          "the figures as they were."),
)


class LazyGroup(TyperGroup):
    """A group whose commands are built only when named. `--help` and shell completion list
    stand-ins carrying each name and one-line help; `commands` (whatever walks the whole tree:
    typer's "Did you mean ..." after a mistyped command, the tests) builds them all."""

    lazy = True  # cli.commands.output.adopt gives the output options to each command as it is built
    path: tuple[str, ...] = ()  # the group's own path ("record",); the root's is ()
    _listing = False  # True while the help or the shell completion lists the commands
    _every: dict[str, Any] | None = None

    def names(self) -> list[str]:
        raise NotImplementedError

    def one_line(self, name: str) -> Any:
        raise NotImplementedError

    def build(self, name: str) -> Any:
        raise NotImplementedError

    @property
    def commands(self) -> dict[str, Any]:  # type: ignore[override]
        if self._every is None:
            self._every = {name: self.get_command(None, name) for name in self.list_commands(None)}
        return self._every

    @commands.setter
    def commands(self, value: Any) -> None:
        if value:  # typer builds the group with no commands: they are built when named
            raise ValueError(f"{type(self).__name__} builds its commands when they are named")

    def list_commands(self, ctx: Any) -> list[str]:
        return self.names()

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in self.names():
            return None
        if self._listing:
            from typer.core import TyperCommand  # start-up: only when the commands are listed

            return TyperCommand(name=cmd_name, help=self.one_line(cmd_name))
        from cli.commands.output import adopt  # start-up: the output options load once a command is named

        command = self.build(cmd_name)
        adopt(command, (*self.path, cmd_name))  # --format, --json and --color may follow the command
        return command

    def format_help(self, ctx: Any, formatter: Any) -> None:
        with self._listing_only():
            super().format_help(ctx, formatter)

    def shell_complete(self, ctx: Any, incomplete: str) -> Any:
        with self._listing_only():
            return super().shell_complete(ctx, incomplete)

    @contextmanager
    def _listing_only(self) -> Iterator[None]:
        self._listing = True
        try:
            yield
        finally:
            self._listing = False


class RecordGroup(LazyGroup):
    """`record`: its facts from cli/commands/recording.py, then RECORD_ELSEWHERE's; a fact's
    module is imported and its command built only when named (`record payment` builds one)."""

    path = ("record",)

    def names(self) -> list[str]:
        return [info.name for info in _own_facts()] + [entry.name for entry in RECORD_ELSEWHERE]

    def one_line(self, name: str) -> Any:
        for info in _own_facts():
            if info.name == name:
                return inspect.cleandoc(info.help or inspect.getdoc(info.callback) or "").split("\n\n")[0].strip()
        return next(entry.help for entry in RECORD_ELSEWHERE if entry.name == name)

    def build(self, name: str) -> Any:
        infos = _own_facts() + _facts_of(next((e.module for e in RECORD_ELSEWHERE if e.name == name), ""))
        info = next(info for info in infos if info.name == name)
        return typer.main.get_command_from_info(info, pretty_exceptions_short=True, rich_markup_mode=self.rich_markup_mode)


def _own_facts() -> list[Any]:
    from cli.commands import recording  # start-up: loaded when `record` is named

    return list(recording.record_app.registered_commands)


@cache
def _facts_of(module: str) -> list[Any]:
    """The `record` facts a module registers (none for recording itself)."""
    if not module:
        return []
    facts = typer.Typer()
    importlib.import_module(f"cli.commands.{module}").register(typer.Typer(), facts)
    return list(facts.registered_commands)


@cache
def registered(module: str) -> typer.Typer:
    """The module's commands, registered once per process on a Typer of their own."""
    commands = importlib.import_module(f"cli.commands.{module}")
    scratch = typer.Typer()
    if module == "recording":  # `record` is a RecordGroup: its facts are built one by one when named
        scratch.add_typer(commands.facility_app, name="facility")
        scratch.add_typer(commands.note_app, name="note")
        facts = copy.copy(commands.record_app)
        facts.registered_commands, facts.registered_groups = [], []
        scratch.add_typer(facts, name="record", cls=RecordGroup)
    elif module in ("syndication", "terms"):
        commands.register(scratch, typer.Typer())  # their `record` facts load with `record`
    else:
        commands.register(scratch)
    return scratch


def load(name: str, rich_markup_mode: Any) -> Any:
    """The click command of one top-level name, built fresh (as typer builds it per invocation);
    None for an unknown name."""
    entry = BY_NAME.get(name)
    if entry is None:
        return None
    source = registered(entry.module)
    one = typer.Typer(rich_markup_mode=rich_markup_mode)
    one.registered_commands = [info for info in source.registered_commands if info.name == name]
    one.registered_groups = [info for info in source.registered_groups if info.name == name]
    return typer.main.get_group(one).commands[name]
