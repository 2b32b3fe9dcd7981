"""The command tree, lazily: every top-level command's name, the module that defines it and its
one-line help, so that `loanledger record payment` imports the recording commands alone and
`loanledger --help` lists every command without importing any (docs/architecture.md, "Start-up").

`tests/test_cli_help.py` checks that this table names every command of every module, in order,
with the first paragraph of the help the command itself carries.
"""

import importlib
from functools import cache
from typing import Any, NamedTuple

import typer


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
          'Documents rendered from the ledger: notices of default, billing, rates, payoff, statements.'),
)

BY_NAME = {entry.name: entry for entry in COMMANDS}


@cache
def registered(module: str) -> typer.Typer:
    """The module's commands, registered once per process on a Typer of their own."""
    commands = importlib.import_module(f"cli.commands.{module}")
    scratch = typer.Typer()
    if module == "recording":  # `record` also holds the syndication and terms facts
        from cli.commands import syndication, terms  # start-up: loaded with `record` only

        spare = typer.Typer()  # their top-level commands load by their own names
        syndication.register(spare, commands.record_app)
        terms.register(spare, commands.record_app)
        scratch.add_typer(commands.facility_app, name="facility")
        scratch.add_typer(commands.note_app, name="note")
        scratch.add_typer(commands.record_app, name="record")
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


def listed(name: str) -> Any:
    """A stand-in carrying the name and one-line help, for `--help` and shell completion."""
    from typer.core import TyperCommand  # start-up: only when the commands are listed

    return TyperCommand(name=name, help=BY_NAME[name].help)
