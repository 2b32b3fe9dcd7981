"""verify and audit head: checking what is stored, and keeping a head to check it against later."""

from datetime import datetime, timezone
from typing import Annotated, Any

import typer

from cli.commands import roles
from cli.application.processes import WORTH_IT_FROM_EVENTS
from cli.commands.tables import output_console
from cli.commands.context import emit_json, ledger, settings
from domain.errors import InvalidInput, LedgerError, UnknownFacility

console = output_console()
audit_app = typer.Typer(no_args_is_help=True, help="Audit helpers: the head of a facility's chain.")


class VerificationFailed(LedgerError):
    answered_on_stdout = True  # with --json the findings are already on stdout: the message goes to stderr

    def __init__(self, verification: Any) -> None:
        findings = verification.findings
        super().__init__(f"verification failed: {len(findings)} finding(s); the first: {findings[0]}")


def register(app: typer.Typer) -> None:
    app.command("verify")(verify_command)
    app.add_typer(audit_app, name="audit")
    roles.register(app)


def verify_command(
    ctx: typer.Context,
    code: Annotated[str | None, typer.Argument(metavar="[CODE]", help="One facility (default: all).")] = None,
    expect: Annotated[str | None, typer.Option(
        "--expect", metavar="HASH", help="A chain hash kept from 'audit head': it must still be stored.")] = None,
    at: Annotated[str | None, typer.Option(
        "--at", metavar="INSTANT", help="When the --expect head was kept ('audit head' prints it): no later "
        "event may claim an earlier recorded time, so every report known by then is unchanged.")] = None,
    processes: Annotated[int, typer.Option(
        help=f"Processes checking facilities (0: one per CPU when there are over {WORTH_IT_FROM_EVENTS:,} events; "
             "1: in this process only).", min=0)] = 0,
    partition: Annotated[str | None, typer.Option(
        "--partition", metavar="K/N",
        help="Check only the facilities of partition K of N (as 'projections run --partition'): N runs, "
             "on one machine or several, check every facility once.")] = None,
) -> None:
    """Check the stored events: hash chains, version continuity, replay, stated figures and the
    read models against the fold.

    Reads the rows as stored, one facility at a time. Any finding (facility, version, expected,
    found) exits with status 1.

    Example: loanledger verify ATG-LAURUS-2005 --expect 3f1c...e9

    Shared by two machines: loanledger verify --partition 1/2 (and --partition 2/2 on the other)
    """
    if expect is not None and code is None:
        raise LedgerError("--expect: give the facility CODE whose head this is")
    if at is not None and expect is None:
        raise LedgerError("--at: give the head kept at that instant too (--expect HASH)")
    from cli.application.auditing import verify, verify_json  # start-up: deferred (docs/architecture.md, "Start-up")
    from cli.persistence.partitions import parse_partition  # start-up: deferred (docs/architecture.md, "Start-up")

    part = parse_partition("--partition", partition)
    if part is not None and code is not None:
        raise InvalidInput("--partition: give no CODE (a partition is a share of all facilities)", field="partition")
    from cli.formats.event_views import instant  # start-up: deferred (docs/architecture.md, "Start-up")

    kept_at = instant("--at", at, end_of_day=True) if at is not None else None
    book = ledger(ctx)
    result, note = verify(book, code, expect, processes, at=kept_at, partition=part)
    if note and not settings(ctx).json:
        for line in note.splitlines():
            console.print(line, soft_wrap=True)
    if settings(ctx).json:
        emit_json(verify_json(book, result))
    else:
        _print(result)
    if not result.ok:
        raise VerificationFailed(result)


def _print(result: Any) -> None:
    for finding in result.findings:
        console.print(str(finding), soft_wrap=True, markup=False)
    verdict = "OK" if result.ok else f"{len(result.findings)} finding(s)"
    fixings = (f"; {len(result.indexes)} index stream(s), {sum(result.indexes.values())} fixing event(s)"
               if result.indexes else "")
    console.print(f"Verified {len(result.streams)} facilit{'y' if len(result.streams) == 1 else 'ies'}, "
                  f"{result.events} event(s){fixings}: {verdict}.")


@audit_app.command("head")
def head(ctx: typer.Context, code: Annotated[str, typer.Argument(metavar="CODE", help="The facility code.")]) -> None:
    """Print the facility's current version and chain hash, to keep and pass to 'verify --expect'.

    Example: loanledger audit head ATG-LAURUS-2005
    """
    from cli.persistence.stored_rows import stored_rows  # start-up: deferred (docs/architecture.md, "Start-up")
    from projections.integrity import check_stream  # start-up: deferred (docs/architecture.md, "Start-up")

    rows = stored_rows(ledger(ctx), code)
    kept_at = datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")  # after the read: nothing later is in it
    if not rows:
        raise UnknownFacility(code)
    stream, _ = check_stream(rows[0].stream, rows)
    if settings(ctx).json:
        emit_json({"facility": code, "version": stream.head_version, "chain_hash": stream.head_hash,
                   "kept_at": kept_at})
        return
    console.print(f"{code} version {stream.head_version} chain_hash {stream.head_hash} kept_at {kept_at}",
                  soft_wrap=True)
    console.print(f"Later: loanledger verify {code} --expect {stream.head_hash} --at {kept_at}", soft_wrap=True)

