"""What every command shares: the global options, the ledger built from them, and output."""

import getpass
import json
import os
import sys
from dataclasses import dataclass, field
from typing import Any

import typer
from pydantic import ValidationError
from rich.console import Console

from cli.formats.records import describe
from domain.errors import LedgerError

err_console = Console(stderr=True, highlight=False)


@dataclass
class Settings:
    db: str | None = None
    json: bool = False
    actor: str | None = None
    _ledger: Any = field(default=None, repr=False)

    @property
    def recorded_by(self) -> str:
        return self.actor or os.environ.get("LOANLEDGER_ACTOR") or _os_user()


def settings(ctx: typer.Context) -> Settings:
    root = ctx.find_root()
    if not isinstance(root.obj, Settings):
        root.obj = Settings()
    return root.obj


def ledger(ctx: typer.Context) -> Any:
    """The ledger for this invocation, opened once and closed when the command ends."""
    state = settings(ctx)
    if state._ledger is None:
        from cli.application.ledger import Ledger
        from cli.persistence.storage import database, ready

        state._ledger = Ledger(ready(database(state.db)), principal_provider=_principal_provider())
        ctx.find_root().call_on_close(_closer(state))
        from cli.application.readmodel_sync import keep_fresh

        keep_fresh(ctx, state._ledger)  # runs before the ledger closes (callbacks run last-in first)
    return state._ledger


def _principal_provider() -> Any:
    """The engine answers a revolver's principal; it is imported only when a rule asks."""

    def principal_provider(facility: Any) -> Any:
        def principal_of(note: str, day: Any) -> Any:
            from projections.commitment import principal_provider as engine_provider

            return engine_provider(facility)(note, day)

        return principal_of

    return principal_provider


def _closer(state: Settings) -> Any:
    def close() -> None:
        if state._ledger is not None:
            state._ledger.close()
            state._ledger = None

    return close


def build(model: Any, **fields: Any) -> Any:
    """Validate CLI input into a fact; a bad value is a refused command naming the option."""
    try:
        return model.model_validate({k: v for k, v in fields.items() if v is not None})
    except ValidationError as error:
        raise LedgerError(_as_options(describe(error))) from None


OPTION_FOR = {"effective_date": "--date"}


def _as_options(message: str) -> str:
    """Name CLI options as the user typed them: 'effective_date: ...' becomes '--date: ...'."""
    parts = []
    for part in message.split("; "):
        field, _, reason = part.partition(": ")
        head = field.split(".")[0]
        option = OPTION_FOR.get(head, "--" + head.replace("_", "-"))
        parts.append(f"{option}{field[len(head):]}: {reason}" if reason else part)
    return "; ".join(parts)


def parse_day(option: str, text: str) -> "date":
    """A YYYY-MM-DD option value, or a refusal naming the option."""
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise LedgerError(f"{option}: {text!r} is not a date in the form YYYY-MM-DD") from None


def emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def refuse(message: str) -> typer.Exit:
    err_console.print(f"[bold red]error:[/] {message}", soft_wrap=True)
    return typer.Exit(code=1)
