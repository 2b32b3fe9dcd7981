"""loanledger: record what happens on a loan facility, and ask what was owed on any day.

The entry point: global options, the command groups, and the one place where expected
failures become one line on stderr (or, with --json, {"error", "field"} on stdout): a value that
does not read as its option's type exits 2 (a usage error), a refused command or a database
fault exits 1.
"""

import errno
import os
import sys
from typing import Annotated, Any

import typer
from typer._click.exceptions import UsageError  # typer 0.29 vendors click and exports no UsageError

from cli.commands import registry
from cli.commands.context import refuse, settings
from domain.errors import InvalidInput, LedgerError


class LedgerGroup(registry.LazyGroup):
    """The root group, built lazily: a command's module is imported only when that command is
    named (cli/commands/registry.py); `--help` and shell completion list the registry's names and
    one-line help without importing any command (docs/architecture.md, "Start-up")."""

    def names(self) -> list[str]:
        return [entry.name for entry in registry.COMMANDS]

    def one_line(self, name: str) -> Any:
        return registry.BY_NAME[name].help

    def build(self, name: str) -> Any:
        return registry.load(name, self.rich_markup_mode)

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except UsageError as error:
            if not settings(ctx).json:
                raise  # click prints the usage and exits 2
            raise refuse(error.format_message(), field=_param(error), code=2, as_json=True) from None
        except InvalidInput as error:
            raise refuse(str(error), field=error.field, code=2, as_json=settings(ctx).json) from None
        except LedgerError as error:
            as_json = settings(ctx).json and not getattr(error, "answered_on_stdout", False)
            raise refuse(str(error), field=error.field, as_json=as_json) from None
        except OSError as error:  # the machine, not the ledger: a full disk, a closed pipe, a file's rights
            if _output_failed(error):
                _drop_stdout()
                raise refuse(f"cannot write the output: {error.strerror or error}") from None
            raise refuse(_os_problem(error)) from None
        except Exception as error:  # noqa: BLE001 - only database faults are expected here
            message = database_fault(error)
            if message is None:
                raise
            raise refuse(message, as_json=settings(ctx).json) from None


# Writing standard output fails with these: a full disk (/dev/full), a closed pipe (| head), a
# file over its size limit or quota, an I/O error. They carry no file name.
_OUTPUT_ERRNOS = (errno.ENOSPC, errno.EPIPE, errno.EIO, errno.EFBIG, errno.EDQUOT)


def _output_failed(error: OSError) -> bool:
    return error.errno in _OUTPUT_ERRNOS and error.filename is None


def _drop_stdout() -> None:
    """What could not be written is dropped, so that Python's final flush does not fail again
    (with a second message and status 120) after the one-line error."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # no real file descriptor (e.g. a test runner's stdout)
        pass


def _os_problem(error: OSError) -> str:
    where = f"{error.filename}: " if error.filename is not None else ""
    return f"{where}{error.strerror or error}"


def _param(error: UsageError) -> str | None:
    param = getattr(error, "param", None)
    return getattr(param, "name", None)


def database_fault(error: Exception) -> str | None:
    from eventsourcing.persistence import PersistenceError  # start-up: deferred (docs/architecture.md, "Start-up")

    if isinstance(error, PersistenceError):
        return f"database error: {str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__}"
    if type(error).__module__.startswith(("psycopg", "sqlite3", "psycopg_pool")):
        return f"database error: {str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__}"
    return None


def _print_version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version  # start-up: only for --version

        try:
            number = version("loanledger")
        except PackageNotFoundError:  # run from a checkout that is not installed
            number = "unknown"
        sys.stdout.write(f"loanledger {number}\n")
        raise typer.Exit()


app = typer.Typer(
    cls=LedgerGroup,
    no_args_is_help=True,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
    help="Record what happens on a loan facility as immutable events, and ask what was owed "
         "and past due on any day, as known at any time.",
    pretty_exceptions_enable=False,
)


@app.callback()
def main_options(
    ctx: typer.Context,
    db: Annotated[str | None, typer.Option(
        "--db", envvar="LOANLEDGER_DB", metavar="URL",
        help="A SQLite file path (default: ledger.db in your data directory) or "
             "postgresql://user@host:5432/dbname.",
    )] = None,
    read_db: Annotated[str | None, typer.Option(
        "--read-db", envvar="LOANLEDGER_READ_DB", metavar="URL",
        help="Where the commands that only read (reports, events, export, verify, portfolio...) read: "
             "e.g. a PostgreSQL read replica. Commands that record still write to --db.",
    )] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON (the same as --format json).")] = False,
    fmt: Annotated[str | None, typer.Option(
        "--format", envvar="LOANLEDGER_FORMAT", metavar="table|json|csv",
        help="Output format: table (the default), json, or csv (reports). May also follow the command.")] = None,
    color: Annotated[str | None, typer.Option(
        "--color", envvar="LOANLEDGER_COLOR", metavar="auto|always|never",
        help="Colour and bold in tables: auto (on a terminal, unless NO_COLOR is set), always or never.")] = None,
    version: Annotated[bool, typer.Option(
        "--version", is_eager=True, callback=_print_version, help="Print the version and exit.")] = False,
    actor: Annotated[str | None, typer.Option(
        "--actor", envvar="LOANLEDGER_ACTOR", help="Who is recording (default: your OS user).",
    )] = None,
) -> None:
    from cli.commands.output import set_color, set_format  # start-up: idem

    from cli.formats.config import read_config  # start-up: idem

    state = settings(ctx)
    config = read_config() if not ctx.resilient_parsing else {}  # an option, or its variable, wins over the file
    # an explicit --actor "" stays "" (refused as empty text), not the file's actor
    state.db = db if db is not None else config.get("db")
    state.read_db = read_db
    state.json, state.actor = json_output, actor if actor is not None else config.get("actor")
    set_format(ctx, "json" if json_output else fmt)
    if state.format is None and config.get("format"):  # the file's format: for the commands that print it
        set_format(ctx, config["format"], option="format (configuration file)")
        state.format_from_config = True
    set_color(ctx, color or config.get("color"))


# The commands themselves are in cli/commands/registry.py, loaded by LedgerGroup when named.


def main() -> None:
    try:
        app()
    finally:
        _flush_output()


def _flush_output() -> None:
    """Output still buffered when the command ends is written here; if that fails (a full disk,
    a closed pipe), say so in one line and exit 1 rather than Python's "Exception ignored"."""
    try:
        sys.stdout.flush()
    except OSError as error:
        _drop_stdout()
        refuse(f"cannot write the output: {error.strerror or error}")
        raise SystemExit(1) from None
