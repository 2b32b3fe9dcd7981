"""verify and audit head: checking what is stored, and keeping a head to check it against later."""

from datetime import datetime, timezone
from typing import Annotated, Any

import typer

from cli.commands import roles
from cli.application.processes import WORTH_IT_FROM_EVENTS, pool, wanted
from cli.commands.tables import output_console
from cli.commands.context import emit_json, ledger, settings
from domain.errors import LedgerError, UnknownFacility
from domain.facility import facility_id

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


def stored_models(ctx: typer.Context) -> tuple[Any, str | None]:
    """A function from a stream id to its rows in the read models, to hold against the fold
    (DESIGN §4), or None with a note when they cannot be compared: not built yet, or behind the
    events (then there is nothing to hold against them)."""
    from cli.application.readmodel_sync import close_view, open_view  # start-up: deferred (docs/architecture.md, "Start-up")

    book = ledger(ctx)
    try:
        view = open_view(book.db)
    except Exception as error:  # noqa: BLE001 - e.g. an auditor role that cannot create them
        return None, f"read models not compared: {str(error).splitlines()[0]}"
    ctx.find_root().call_on_close(lambda: close_view(view))
    head = book.recorder.max_notification_id() or 0
    if view.stale_rules():
        return None, (f"read models not compared: they were computed by rules edition {view.rules_edition()} "
                      "(run 'loanledger projections rebuild')")
    if view.position() < head:
        lag = head - view.position()
        return None, (f"read models not compared: they are {lag} event(s) behind "
                      "(run 'loanledger projections run' or 'projections rebuild')")

    def rows_of(stream_id: Any) -> tuple[Any, list[Any], list[Any]]:
        summary, journal, steps = view.facility_rows(str(stream_id))
        return (summary[0] if summary else None, journal, steps)

    return rows_of, None


def read_model_facilities(ctx: typer.Context) -> dict[str, str]:
    """facility id -> code of every facility the read models list (they must all have events)."""
    from cli.application.readmodel_sync import close_view, open_view  # start-up: deferred (docs/architecture.md, "Start-up")

    view = open_view(ledger(ctx).db)
    try:
        return {s.facility_id: s.code for s in view.summaries()}
    finally:
        close_view(view)


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
) -> None:
    """Check the stored events: hash chains, version continuity, replay, stated figures and the
    read models against the fold.

    Reads the rows as stored, one facility at a time. Any finding (facility, version, expected,
    found) exits with status 1.

    Example: loanledger verify ATG-LAURUS-2005 --expect 3f1c...e9
    """
    if expect is not None and code is None:
        raise LedgerError("--expect: give the facility CODE whose head this is")
    if at is not None and expect is None:
        raise LedgerError("--at: give the head kept at that instant too (--expect HASH)")
    from cli.formats.event_views import instant  # start-up: deferred (docs/architecture.md, "Start-up")

    kept_at = instant("--at", at, end_of_day=True) if at is not None else None
    from cli.persistence.stored_rows import stored_rows, stream_ids, stream_rows  # start-up: deferred (docs/architecture.md, "Start-up")
    from projections.verification import stray_findings, verify_streams, with_findings  # start-up: deferred (docs/architecture.md, "Start-up")

    book = ledger(ctx)
    models, note = stored_models(ctx)
    listed = read_model_facilities(ctx) if models is not None else {}
    malformed: list[tuple[str, int]] = []
    if code is not None:
        rows = stored_rows(book, code)
        if not rows and expect is None and str(facility_id(code)) not in listed:
            raise UnknownFacility(code)
        groups: Any = [(rows[0].stream, rows)] if rows else []
        events = len(rows)
        listed = {k: v for k, v in listed.items() if k == str(facility_id(code))}
    else:
        ids = stream_ids(book)
        groups = ((stream_id, stream_rows(book, stream_id)) for stream_id in ids.well_formed)
        events = sum(ids.well_formed.values())
        malformed = ids.malformed
    count = wanted(processes, events)
    with pool(count) as executor:
        result = verify_streams(groups, code=code, expect=expect, read_models=models, pool=executor,
                                window=2 * count, at=kept_at)
    result = with_findings(result, stray_findings(result, malformed, listed))
    stamps = _stamps_note(book, result)
    if not settings(ctx).json:
        for line in (note, stamps):
            if line:
                console.print(line, soft_wrap=True)
    if settings(ctx).json:
        emit_json({**_as_json(result), "store_stamps": _stamps_kind(book), "unstamped": result.unstamped})
    else:
        _print(result)
    if not result.ok:
        raise VerificationFailed(result)


def _stamps_kind(book: Any) -> str:
    if not book.db.is_postgres:
        return "none: SQLite has no roles; recorded times and authors are as the client wrote them"
    if not book.stamped_by_store:
        return "none: this events table predates the store's stamps (its owner adds them with 'db roles')"
    return "stored_at and stored_by, set by the database"


def _stamps_note(book: Any, result: Any) -> str | None:
    """What the store's stamps could and could not prove, in one line (None: every event stamped)."""
    if book.db.is_postgres and book.stamped_by_store and not result.unstamped:
        return None
    if book.db.is_postgres and book.stamped_by_store:
        return (f"{result.unstamped} event(s) carry no store stamp (stored before the store stamped events, "
                "or inserted directly by the tables' owner): their recorded times and authors are as written")
    return f"recorded times and authors not checked against the store: {_stamps_kind(book)}"


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
