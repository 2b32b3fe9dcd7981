"""verify and audit head: checking what is stored, and keeping a head to check it against later."""

from typing import Annotated, Any

import typer

from cli import roles
from cli.tables import output_console
from cli.context import emit_json, ledger, settings
from domain.errors import LedgerError, UnknownFacility

console = output_console()
audit_app = typer.Typer(no_args_is_help=True, help="Audit helpers: the head of a facility's chain.")


class VerificationFailed(LedgerError):
    def __init__(self, verification: Any) -> None:
        findings = verification.findings
        super().__init__(f"verification failed: {len(findings)} finding(s); the first: {findings[0]}")


def register(app: typer.Typer) -> None:
    app.command("verify")(verify_command)
    app.add_typer(audit_app, name="audit")
    roles.register(app)


def read_model_checks(ctx: typer.Context) -> tuple[list[Any], str | None]:
    """The read models compared with the fold (DESIGN §4), with a note when they cannot be:
    not built yet, or behind the events (then there is nothing to hold against them)."""
    from cli.readmodel_sync import close_view, open_view
    from projections.readmodels.checks import read_model_findings

    book = ledger(ctx)
    try:
        view = open_view(book.db)
    except Exception as error:  # noqa: BLE001 - e.g. an auditor role that cannot create them
        return [], f"read models not compared: {str(error).splitlines()[0]}"
    head = book.recorder.max_notification_id() or 0
    if view.position() < head:
        lag = head - view.position()
        close_view(view)
        return [], (f"read models not compared: they are {lag} event(s) behind "
                    "(run 'loanledger projections run' or 'projections rebuild')")

    def check(stream: Any) -> list[Any]:
        key = (str(stream.stream),)
        summary = view.rows("SELECT * FROM rm_facility_summary WHERE facility_id = ?", key)
        return read_model_findings(
            stream, summary[0] if summary else None,
            view.rows("SELECT * FROM rm_event_journal WHERE facility_id = ?", key),
            view.rows("SELECT * FROM rm_portfolio_steps WHERE facility_id = ?", key),
        )

    ctx.find_root().call_on_close(lambda: close_view(view))
    return [check], None


def verify_command(
    ctx: typer.Context,
    code: Annotated[str | None, typer.Argument(metavar="[CODE]", help="One facility (default: all).")] = None,
    expect: Annotated[str | None, typer.Option(
        "--expect", metavar="HASH", help="A chain hash kept from 'audit head': it must still be stored.")] = None,
) -> None:
    """Check the stored events: hash chains, version continuity, replay and stated figures.

    Reads the rows as stored. Any finding (facility, version, expected, found) exits with status 1.

    Example: loanledger verify ATG-LAURUS-2005 --expect 3f1c...e9
    """
    if expect is not None and code is None:
        raise LedgerError("--expect: give the facility CODE whose head this is")
    from cli.stored_rows import stored_streams
    from projections.verification import verify_streams

    groups = stored_streams(ledger(ctx), code)
    if code is not None:
        groups = list(groups)  # one facility: to tell an unknown code before anything else
        if not groups and expect is None:
            raise UnknownFacility(code)
    checks, note = read_model_checks(ctx)
    result = verify_streams(groups, code=code, expect=expect, read_model_checks=checks)
    if note and not settings(ctx).json:
        console.print(note)
    if settings(ctx).json:
        emit_json(_as_json(result))
    else:
        _print(result)
    if not result.ok:
        raise VerificationFailed(result)


def _as_json(result: Any) -> dict:
    return {
        "ok": result.ok,
        "facilities": [{"facility": s.code, "events": s.rows, "version": s.head_version,
                        "chain_hash": s.head_hash} for s in result.streams],
        "events": result.events,
        "findings": [f.as_json() for f in result.findings],
    }


def _print(result: Any) -> None:
    for finding in result.findings:
        console.print(str(finding), soft_wrap=True, markup=False)
    verdict = "OK" if result.ok else f"{len(result.findings)} finding(s)"
    console.print(f"Verified {len(result.streams)} facilit{'y' if len(result.streams) == 1 else 'ies'}, "
                  f"{result.events} event(s): {verdict}.")


@audit_app.command("head")
def head(ctx: typer.Context, code: Annotated[str, typer.Argument(metavar="CODE", help="The facility code.")]) -> None:
    """Print the facility's current version and chain hash, to keep and pass to 'verify --expect'.

    Example: loanledger audit head ATG-LAURUS-2005
    """
    from cli.stored_rows import stored_rows
    from projections.integrity import check_stream

    rows = stored_rows(ledger(ctx), code)
    if not rows:
        raise UnknownFacility(code)
    stream, _ = check_stream(rows[0].stream, rows)
    if settings(ctx).json:
        emit_json({"facility": code, "version": stream.head_version, "chain_hash": stream.head_hash})
        return
    console.print(f"{code} version {stream.head_version} chain_hash {stream.head_hash}", soft_wrap=True)
    console.print(f"Later: loanledger verify {code} --expect {stream.head_hash}", soft_wrap=True)
