"""The output options every command shares, and `show`, which prints a report in the chosen format.

`--format table|json|csv`, its shorthand `--json`, and `--color auto|always|never` are global
options: they may be written before the command (`loanledger --json balance X`) or after it
(`loanledger balance X --json`), because `adopt` adds them to every command. docs/cli.md
("Output") documents them.
"""

import io
import os
import shutil
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer._click.exceptions import BadParameter

from cli.commands.context import command_path, emit_json, settings

if TYPE_CHECKING:
    from cli.formats.report import Report, Section

# start-up: every command imports this module (`adopt`); rich's tables and the report formats
# load only when a report is shown (docs/architecture.md, "Start-up").
FORMATS = ("table", "json", "csv")  # cli.formats.report.FORMATS (test_cli_help checks they agree)

COLORS = ("auto", "always", "never")

# The commands whose output is a report printed by `show` (and so have CSV). Other commands
# print a sentence or a document; they take --format table (the default) and --format json.
REPORT_COMMANDS = frozenset({
    ("balance",), ("past-due",), ("explain",), ("timeline",), ("portfolio",), ("events",),
    ("facility", "list"), ("facility", "show"), ("distribution",), ("lender", "balance"), ("lender", "statement"),
    ("index", "show"), ("availability",), ("payoff",),
})


def set_format(ctx: Any, value: str | None, *, option: str = "--format") -> None:
    if value is None:
        return
    if value not in FORMATS:
        raise BadParameter(f"{value!r} is not one of {', '.join(FORMATS)}", ctx=ctx, param_hint=option)
    state = settings(ctx)
    state.format, state.json, state.format_from_config = value, value == "json", False


def set_color(ctx: Any, value: str | None) -> None:
    if value is None:
        return
    if value not in COLORS:
        raise BadParameter(f"{value!r} is not one of {', '.join(COLORS)}", ctx=ctx, param_hint="--color")
    settings(ctx).color = value


def _json_flag(ctx: typer.Context, value: bool) -> None:
    if value:
        set_format(ctx, "json")


def _format_option(ctx: typer.Context, value: str | None) -> None:
    set_format(ctx, value)
    path = command_path(ctx)
    state = settings(ctx)
    if state.format == "csv" and path not in REPORT_COMMANDS and state.format_from_config:
        state.format = None  # the file's default is for reports; this command prints a table
    if state.format == "csv" and path not in REPORT_COMMANDS:
        raise BadParameter(f"'{' '.join(path)}' prints no table, so no CSV (use table or json)",
                           ctx=ctx, param_hint="--format")


def _color_option(ctx: typer.Context, value: str | None) -> None:
    set_color(ctx, value)


_template = typer.Typer()


@_template.command()
def _options(
    json_output: Annotated[bool, typer.Option("--json", callback=_json_flag, expose_value=False,
                                              help="Print JSON (the same as --format json).")] = False,
    fmt: Annotated[str | None, typer.Option("--format", metavar="table|json|csv", callback=_format_option,
                                            expose_value=False, help="table (the default), json, or csv (reports).")] = None,
    color: Annotated[str | None, typer.Option("--color", metavar="auto|always|never", callback=_color_option,
                                              expose_value=False, help="Colour in tables: auto, always or never.")] = None,
) -> None:
    """The output options, built once by typer and given to every command by `adopt`."""


_OPTIONS: list[Any] = []


def adopt(command: Any, path: tuple[str, ...] = ()) -> None:
    """Give every command below `command` the output options, so that they may follow it."""
    _plain_help_option(command)
    if getattr(command, "lazy", False):
        return  # a lazy group (cli/commands/registry.py) adopts each command as it builds it
    if hasattr(command, "commands"):
        for name, sub in command.commands.items():
            adopt(sub, (*path, name))
        return
    if getattr(command, "_output_options", False):
        return
    if not _OPTIONS:
        _OPTIONS.extend(typer.main.get_command(_template).params)
    command._output_options = True
    command.help = copyable_example(command.help)
    owned = {o for p in command.params for o in getattr(p, "opts", ())}
    command.params.extend(p for p in _OPTIONS if p.opts[0] not in owned)
    for param in command.params:
        _name_its_value(param)
        if param.name == "code" and param._custom_shell_complete is None:
            param._custom_shell_complete = complete_facility
        elif param.name in ("note", "notes") and param._custom_shell_complete is None:
            param._custom_shell_complete = complete_note


EXAMPLE_WIDTH = 72


def copyable_example(help_text: str | None) -> str | None:
    """The docstring's `Example: loanledger …` paragraph, laid out so that it survives copying
    from an 80-column terminal: one command per paragraph kept as written (typer's \\b), split
    before options into lines of at most EXAMPLE_WIDTH characters joined by ` \\` (shell line
    continuations), so the help never wraps it mid-word."""
    if not help_text or "Example: loanledger" not in help_text:
        return help_text
    import inspect  # start-up: only while building help
    import re  # start-up: idem

    paragraphs = inspect.cleandoc(help_text).split("\n\n")
    for i, paragraph in enumerate(paragraphs):
        if paragraph.startswith("Example: loanledger"):
            words = re.split(r" (?=--)", " ".join(paragraph.removeprefix("Example: ").split()))
            lines = [words[0]]
            for word in words[1:]:
                if len(lines[-1]) + 1 + len(word) <= EXAMPLE_WIDTH:
                    lines[-1] += " " + word
                else:
                    lines.append(word)
            paragraphs[i] = "\b\nExample:\n  " + " \\\n    ".join(lines)
    return "\n\n".join(paragraphs)


def _plain_help_option(command: Any) -> None:
    """--help is a flag: show no <bool> beside it."""
    if getattr(command, "_plain_help", False):
        return
    command._plain_help = True
    original = command.get_help_option

    def get_help_option(ctx: Any) -> Any:
        option = original(ctx)
        if option is not None:
            option.metavar = ""
        return option

    command.get_help_option = get_help_option


# What a value is, shown in --help instead of the type's <str> (docs/cli.md, "Help").
AMOUNTS = {"amount", "face_amount", "commitment", "principal", "interest", "fees", "total"}
RATES = {"rate", "margin", "floor", "cap", "index_floor", "spread_adjustment", "default_margin", "default_premium",
         "premium_rate"}
# Options whose values are a closed list: the list itself is the metavar.
CHOICES = {"every": "day|month", "component": "principal|interest|fees", "accrued": "to_seller|to_buyer",
           "status_filter": "accelerated|in_default|past_due|current|refused",
           "bucket": "current|0-30|31-60|61-90|91+",
           "day_count": "ACT/360|ACT/365F|ACT/ACT-ISDA|30/360|30/360-US|30E/360"}
CODES = {"code": "CODE", "note": "NOTE", "notes": "NOTE", "sublimit_of": "NOTE", "index": "INDEX", "lender": "LENDER"}


def _name_its_value(param: Any) -> None:
    if getattr(param, "param_type_name", "") == "argument":
        param.display_type_rich = lambda ctx: None  # its name column already says CODE, FILE, ...
    if getattr(param, "is_flag", False):
        param.metavar = ""  # a flag takes no value: nothing to show
        return
    if param.metavar is not None or not param.name:
        return
    name = param.name
    if name in CHOICES:
        param.metavar = CHOICES[name]
    elif name in CODES:
        param.metavar = CODES[name]
    elif name in AMOUNTS:
        param.metavar = "AMOUNT"
    elif name in RATES:
        param.metavar = "RATE"
    elif name.endswith("date") or name in ("as_of", "day", "since", "until", "start", "end"):
        param.metavar = "DATE"
    elif name.endswith(("_days", "_day", "target", "batch", "processes", "port", "batch_size")):
        param.metavar = "N"
    else:
        param.metavar = "TEXT"


def _ledger_for_completion(ctx: Any) -> Any:
    from cli.application.ledger import Ledger  # start-up: only when the shell asks for completions
    from cli.persistence.storage import database, read_only, ready  # start-up: idem

    root = ctx.find_root()
    url = root.params.get("db")
    if url is None:
        from cli.formats.config import read_config  # start-up: idem

        url = read_config().get("db")
    return Ledger(read_only(ready(database(url))))


def complete_facility(ctx: Any, _param: Any, incomplete: str) -> list[str]:
    """The facility codes of the ledger that begin with what is typed (shell completion)."""
    try:
        book = _ledger_for_completion(ctx)
        try:
            return [f.code for f in book.facilities() if f.code.startswith(incomplete)]
        finally:
            book.close()
    except Exception:  # noqa: BLE001 - completion never fails loudly: no ledger, no suggestions
        return []


def complete_note(ctx: Any, _param: Any, incomplete: str) -> list[str]:
    """The note codes of the facility named on the line so far."""
    # while completing, the parser leaves positional arguments unassigned, in ctx.args
    code = ctx.params.get("code") or next(iter(ctx.args), None)
    if not code:
        return []
    try:
        book = _ledger_for_completion(ctx)
        try:
            facility, _ = book.facility_with_events(code)
            return [n for n in facility.notes if n.startswith(incomplete)]
        finally:
            book.close()
    except Exception:  # noqa: BLE001 - idem
        return []


def terminal() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def use_color(choice: str) -> bool:
    if choice == "always":
        return True
    if choice == "never":
        return False
    return terminal() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


def show(ctx: typer.Context, report: "Report") -> None:
    """Print `report` as the user asked: a table fitted to the terminal, JSON or CSV."""
    from cli.formats.report import json_rows, render, shown_sections  # start-up: only when a report is shown

    state = settings(ctx)
    fmt = state.format or ("json" if state.json else "table")
    on_terminal = terminal()
    width = shutil.get_terminal_size((80, 24)).columns if on_terminal else 80
    if fmt == "json":  # every character a terminal could act on written as a JSON escape
        emit_json(report.json if report.json is not None else json_rows(report))
    elif fmt == "table" and on_terminal:
        sys.stdout.write(_terminal(shown_sections(report), width, use_color(state.color)))
    else:
        sys.stdout.write(render(report, fmt))


def _terminal(sections: list["Section"], width: int, color: bool) -> str:
    from rich.console import Console  # start-up: only when a table is drawn

    out = io.StringIO()
    console = Console(file=out, width=width, force_terminal=color, no_color=not color, color_system="standard" if color else None,
                      highlight=False, emoji=False, markup=False, legacy_windows=False)
    for section in sections:
        _print_section(console, section, width)
    return out.getvalue()


def _print_section(console: Any, section: "Section", width: int) -> None:
    from rich.text import Text  # start-up: only when a table is drawn

    from cli.formats.report import cells, printable  # start-up: idem

    rows, totals = cells(section)
    kept = list(range(len(section.columns)))
    dropped: list[int] = []
    while _table(section, rows, totals, kept).__rich_measure__(console, console.options).maximum > width:
        droppable = [i for i in kept if section.columns[i].priority > 0]
        if not droppable:
            break
        worst = max(droppable, key=lambda i: (section.columns[i].priority, i))
        kept.remove(worst)
        dropped.append(worst)
    table = _table(section, rows, totals, kept)
    if table.__rich_measure__(console, console.options).maximum > width:  # even the essential columns: one row per block
        _vertical(console, section, rows, totals)
        return
    console.print(Text(printable(section.title), style="bold"))
    console.print(table)
    if dropped:
        names = ", ".join(section.columns[i].name for i in sorted(dropped))
        console.print(Text(f"(not shown: {names}; widen the terminal or use --format csv)"))
    for n in section.notes:
        console.print(Text(printable(n)))


def _table(section: "Section", rows: list[list[str]], totals: list[list[str]], kept: list[int]) -> Any:
    from rich.table import Table  # start-up: only when a table is drawn
    from rich.text import Text  # start-up: idem

    from cli.formats.report import NUMBER_KINDS  # start-up: idem

    table = Table(box=_rules(), show_edge=False, pad_edge=False, padding=(0, 1, 0, 0), header_style="bold")
    for i in kept:
        c = section.columns[i]
        table.add_column(c.name, justify="right" if c.kind in NUMBER_KINDS else "left", no_wrap=True)
    for r in rows:
        table.add_row(*(Text(r[i]) for i in kept))
    if totals and rows:
        table.rows[-1].end_section = True
    for r in totals:
        table.add_row(*(Text(r[i]) for i in kept), style="bold")
    return table


def _rules() -> Any:
    from rich.box import Box  # start-up: only when a table is drawn

    # a rule under the header and above the total rows, no vertical lines
    return Box("    \n    \n ── \n    \n ── \n ── \n    \n    \n")


def _vertical(console: Any, section: "Section", rows: list[list[str]], totals: list[list[str]]) -> None:
    from rich.text import Text  # start-up: only when a table is drawn

    from cli.formats.report import printable  # start-up: idem

    console.print(Text(printable(section.title), style="bold"))
    label = max(len(c.name) for c in section.columns)
    for r in [*rows, *totals]:
        console.print("")
        for c, v in zip(section.columns, r):
            if v:
                console.print(Text(f"{c.name.rjust(label)}  {v}"), soft_wrap=True)
    for n in section.notes:
        console.print(Text(printable(n)))
