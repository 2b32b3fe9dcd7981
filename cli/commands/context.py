"""What every command shares: the global options, the ledger built from them, and output."""

import getpass
import json
import os
import re
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import typer
from pydantic import ValidationError
from cli.commands.tables import LazyConsole, printable
from domain import parsing
from domain.errors import InvalidInput

if TYPE_CHECKING:
    from cli.application.ledger import Ledger

err_console = LazyConsole(stderr=True, highlight=False)


@dataclass
class Settings:
    db: str | None = None
    read_db: str | None = None  # --read-db: where the read-only commands read (a replica)
    refresh: bool = True  # bring the read models up to date after recording (import --no-refresh: off)
    json: bool = False
    actor: str | None = None
    format: str | None = None  # table, json or csv (docs/cli.md, "Output"); None: table
    color: str = "auto"  # auto, always or never
    format_from_config: bool = False  # the format came from the configuration file, not an option
    _ledger: "Ledger | None" = field(default=None, repr=False)

    @property
    def recorded_by(self) -> str:
        # an explicit --actor "" is refused as empty text, not replaced by the OS user
        actor = self.actor if self.actor is not None else os.environ.get("LOANLEDGER_ACTOR") or _os_user()
        return meta_text("--actor", actor, parsing.SHORT_TEXT)  # type: ignore[return-value]


def settings(ctx: typer.Context) -> Settings:
    root = ctx.find_root()
    if not isinstance(root.obj, Settings):
        root.obj = Settings()
    return root.obj


# The commands that only read. On SQLite they open the file read-only (so they work on a ledger
# whose file and folder are read-only, and cannot change it); every other command writes, and is
# refused at once, naming the file or folder, on a ledger it may not write (docs/cli.md).
READ_ONLY_COMMANDS = frozenset({
    ("balance",), ("past-due",), ("explain",), ("timeline",), ("portfolio",),
    ("events",), ("export",), ("verify",), ("audit", "head"),
    ("facility", "list"), ("facility", "show"), ("projections", "status"),
    ("distribution",), ("lender", "balance"), ("lender", "statement"), ("index", "show"),
    ("notice", "template"), ("serve",), ("availability",), ("payoff",),  # serve opens its own read-only database (cli/persistence/read_only)
})


def command_path(ctx: typer.Context) -> tuple[str, ...]:
    """The command as typed, without the program: ("facility", "list")."""
    names: list[str] = []
    while ctx.parent is not None:
        names.append(ctx.info_name or "")
        ctx = ctx.parent
    return tuple(reversed(names))


def ledger(ctx: typer.Context, *, create: bool = False) -> "Ledger":
    """The ledger for this invocation, opened once and closed when the command ends. Only `init`,
    `demo` and `import` pass `create`: every other command refuses a database without a ledger."""
    state = settings(ctx)
    if state._ledger is None:
        from cli.application.ledger import Ledger  # start-up: deferred (docs/architecture.md, "Start-up")
        from cli.persistence.storage import database, read_only, ready, writable  # start-up: deferred (docs/architecture.md, "Start-up")

        reading = not create and command_path(ctx) in READ_ONLY_COMMANDS
        url = state.read_db if reading and state.read_db else state.db
        db = ready(database(url), create=create)
        db = read_only(db) if reading else writable(db)
        state._ledger = Ledger(db, principal_provider=_principal_provider())
        ctx.find_root().call_on_close(_closer(state))
        _keep_fresh(ctx, state._ledger)  # runs before the ledger closes (callbacks run last-in first)
    return state._ledger


def _keep_fresh(ctx: typer.Context, book: "Ledger") -> None:
    """After a command that recorded events, bring the read models up to date before exiting."""
    before = book.recorder.max_notification_id() or 0

    def after() -> None:
        if settings(ctx).refresh and (book.recorder.max_notification_id() or 0) > before:
            from cli.persistence.worker_lock import worker_running  # start-up: deferred (docs/architecture.md, "Start-up")

            if worker_running(book.db, book.recorder.datastore):  # the worker applies them; skip importing the refresh
                return
            from cli.application.readmodel_sync import LeftToWorker, refresh  # start-up: deferred (docs/architecture.md, "Start-up")

            try:
                refresh(book)
            except LeftToWorker as note:  # the writer role: the projection worker refreshes them
                err_console.print(f"note: read models not refreshed here: {note}", markup=False, soft_wrap=True)
            except Exception as error:  # noqa: BLE001 - the events are recorded; say so, exit 0
                reason = (str(error).strip().splitlines() or [type(error).__name__])[0]
                err_console.print(f"[yellow]warning:[/] read models not refreshed ({reason}); "
                                  "run 'loanledger projections run' or 'projections rebuild'")

    ctx.find_root().call_on_close(after)


def _principal_provider() -> Any:
    """The engine answers a revolver's principal; it is imported only when a rule asks."""

    def principal_provider(events: Any) -> Any:
        def principal_of(note: str, day: Any) -> Any:
            from projections.commitment import principal_provider as engine_provider  # start-up: deferred (docs/architecture.md, "Start-up")

            return engine_provider(events)(note, day)

        return principal_of

    return principal_provider


def _closer(state: Settings) -> Any:
    def close() -> None:
        if state._ledger is not None:
            state._ledger.close()
            state._ledger = None

    return close


def build(model: Any, **fields: Any) -> Any:
    """Validate CLI input into a fact; a bad value is a usage error (exit 2) naming the option."""
    try:
        return model.model_validate({k: v for k, v in fields.items() if v is not None})
    except ValidationError as error:
        from cli.formats.records import describe  # start-up: only when an option is refused

        first = error.errors()[0]["loc"]
        raise InvalidInput(_as_options(describe(error)), field=str(first[0]) if first else None) from None


def meta_text(option: str, value: str | None, max_length: int) -> str | None:
    """--source, --reference and --actor: one line of text of at most max_length characters."""
    if value is None:
        return None
    try:
        return parsing.text(value, max_length=max_length)
    except ValueError as error:
        raise InvalidInput(f"{option}: {error}", field=option.lstrip("-")) from None


OPTION_FOR = {"effective_date": "--date"}


def _as_options(message: str) -> str:
    """Name CLI options as the user typed them: 'effective_date: ...' becomes '--date: ...'."""
    parts = []
    for part in message.split("; "):
        field, _, reason = part.partition(": ")
        if field.startswith("interest"):  # `note issue` flattens the interest terms into options
            parts.append(_interest_options(f"{field}: {reason}" if field != "interest" else reason) if reason
                         else part)
            continue
        if reason and field in ("record", "terms"):  # a rule over several options: the reason names them
            parts.append(reason)
            continue
        if reason and (flat := _flattened(field)) is not None:
            parts.append(f"{flat}: {reason}")
            continue
        head = field.split(".")[0]
        option = OPTION_FOR.get(head, "--" + head.replace("_", "-"))
        parts.append(f"{option}{field[len(head):]}: {reason}" if reason else part)
    return "; ".join(parts)


FEE_OPTIONS = {"rate": None, "day_count": "--fee-day-count", "period_months": "--fee-period-months"}


def _flattened(field: str) -> str | None:
    """The option of `record amendment`, `note issue` that sets a nested field: 'terms.pik_rate' →
    '--pik-rate', 'unused_fee.rate' → '--unused-fee-rate', 'unused_fee.day_count' → '--fee-day-count',
    'prepayment_premium.0.rate' → '--prepayment-premium'; None for any other field."""
    head, _, rest = field.partition(".")
    if not rest:
        return None
    if head == "terms":
        return "--" + rest.split(".")[0].replace("_", "-")
    if head in ("unused_fee", "ticking_fee") and rest in FEE_OPTIONS:
        return FEE_OPTIONS[rest] or f"--{head.replace('_', '-')}-rate"
    if head == "prepayment_premium":
        return "--prepayment-premium"
    return None


def _interest_options(text: str) -> str:
    """'interest.lookback_days' → '--lookback-days' (the option of `note issue` that sets it)."""
    return re.sub(r"\binterest\.([a-z_]+)", lambda m: "--" + m.group(1).replace("_", "-"), text)


def emit_json(data: Any) -> None:
    from cli.formats.records import json_safe  # start-up: only for JSON output

    sys.stdout.write(json_safe(json.dumps(data, indent=2, ensure_ascii=False, default=str)) + "\n")


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def refuse(message: str, *, field: str | None = None, code: int = 1, as_json: bool = False) -> typer.Exit:
    """Say why a command was refused, one line (JSON on stdout with --json), and exit `code`."""
    if as_json:
        emit_json({"error": message, "field": field})
    else:
        from rich.markup import escape  # start-up: only when a command is refused

        err_console.print(f"[bold red]error:[/] {escape(printable(message))}", soft_wrap=True)
    return typer.Exit(code=code)
