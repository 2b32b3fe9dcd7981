"""notice render|template: documents rendered from the engine, never from typed-in figures
(docs/documents.md), and recorded as a DocumentIssued with the SHA-256 of their bytes."""

from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer

from cli.commands.context import emit_json, err_console, ledger, meta_text, settings
from cli.commands.tables import output_console
from cli.formats.dates import parse_report_day
from domain import parsing
from domain.errors import InvalidInput, LedgerError

console = output_console()
notice_app = typer.Typer(no_args_is_help=True,
                         help="Documents rendered from the ledger: notices of default, billing, rates, payoff, payoff letters, statements.")

KINDS = ("default", "billing", "rate-set", "payoff", "payoff-quote", "statement")
KINDS_HELP = "default, billing, rate-set, payoff, payoff-quote or statement."
FORMATS = ("html", "pdf", "md", "json")


def register(app: typer.Typer) -> None:
    app.add_typer(notice_app, name="notice")


@notice_app.command("render")
def render(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(metavar="CODE", help="The facility code.")],
    kind: Annotated[str, typer.Option("--kind", help=KINDS_HELP)],
    output: Annotated[str, typer.Option("--output", "-o", metavar="FILE",
                                        help="The file to write (- for standard output); kept unless --force.")],
    fmt: Annotated[str, typer.Option("--format", metavar="html|pdf|md|json",
                                     help="HTML, PDF (from the HTML template), Markdown, or the values as JSON.")] = "html",
    known_at: Annotated[str | None, typer.Option(
        "--known-at", metavar="INSTANT",
        help="Only facts recorded at or before this instant (default: the latest recorded event's time, "
             "which the document states).")] = None,
    template: Annotated[Path | None, typer.Option(
        "--template", metavar="FILE", help="Your Jinja2 template (start from 'notice template KIND').")] = None,
    demand_deadline: Annotated[str | None, typer.Option(
        "--demand-deadline", metavar="INSTANT",
        help="default: the deadline, when no notice of default of that date is recorded "
             "(an instant with its offset, e.g. 2008-02-01T14:00:00-05:00).")] = None,
    record: Annotated[bool, typer.Option(
        "--record", help="Record a DocumentIssued with the SHA-256 of the bytes written.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Replace the output file if it exists.")] = False,
    reference: Annotated[str | None, typer.Option("--reference", help="With --record: an external id for the document.")] = None,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", metavar="YYYY-MM-DD", help="The document's date: figures at its end (required, except for a "
                                              "payoff-quote, which takes --good-through).")] = None,
    good_through: Annotated[str | None, typer.Option(
        "--good-through", metavar="YYYY-MM-DD",
        help="payoff-quote: the value date the letter's payoff amount is good through (a business day); "
             "the figures are the 'payoff' command's for that day.")] = None,
) -> None:
    """Render a document from the engine's figures, to HTML, PDF or Markdown; optionally record it.

    Example: loanledger notice render ATG-LAURUS-2005 --kind default --as-of 2008-01-31 --format pdf -o notice.pdf

    Example: loanledger notice render ACME-1 --kind payoff-quote --good-through 2024-06-28 --format pdf -o payoff.pdf
    """
    from cli.application.documents import render as render_document  # start-up: Jinja2 and the engine load only here
    from cli.application.market import fixings_for  # start-up: deferred (docs/architecture.md, "Start-up")
    from cli.formats.event_views import instant  # start-up: deferred (docs/architecture.md, "Start-up")
    from cli.formats.output_bytes import write_bytes  # start-up: deferred (docs/architecture.md, "Start-up")

    _one_of("--kind", kind, KINDS)
    _one_of("--format", fmt, FORMATS)
    if record and fmt == "json":
        raise InvalidInput("--record: a JSON dump of the values is not a document; record html, pdf or md",
                           field="record")
    if record and output == "-":
        raise InvalidInput("--record: write the document to a file (-o FILE), the file that is sent", field="record")
    day = _document_day(kind, as_of, good_through)
    deadline = _deadline(demand_deadline)
    book = ledger(ctx)
    events = book.facility_events(code)
    rendered = render_document(events, kind, day, fmt, instant("--known-at", known_at, end_of_day=True),
                               template, deadline, fixings_at=lambda moment: fixings_for(book, events, moment))
    doc, data, digest, moment = rendered.document, rendered.data, rendered.sha256, rendered.known_at
    template_digest = rendered.template_sha256
    fact = meta = None
    if record:  # validated before anything is written
        from cli.commands.context import build  # start-up: deferred (docs/architecture.md, "Start-up")
        from cli.commands.recording import _meta  # start-up: deferred (docs/architecture.md, "Start-up")
        from domain import facts  # start-up: deferred (docs/architecture.md, "Start-up")

        fact = build(facts.IssueDocument, effective_date=day, kind=kind, format=fmt, known_at=moment,
                     sha256=digest, size=len(data), template_sha256=template_digest,
                     file_name=meta_text("--output", Path(output).name[:200], parsing.SHORT_TEXT))
        meta = _meta(ctx, None, reference)
    wrote = write_bytes(output, data, force=force)
    summary = {"facility": code, "kind": kind, "format": fmt, "as_of": day.isoformat(),
               "known_at": moment.isoformat() if moment else None, "output": output, "sha256": digest,
               "size": len(data), "template_sha256": template_digest, "recorded": None}
    if fact is not None:
        try:
            outcome = book.record(code, fact, meta)
        except LedgerError as error:
            raise LedgerError(f"{output} was written but not recorded: {error}", field=error.field) from None
        event = outcome.event
        summary["recorded"] = {"version": event.version, "recorded_at": event.recorded_at.isoformat(),
                               "chain_hash": event.chain_hash, "duplicate": outcome.duplicate}
    if settings(ctx).json:
        if wrote:
            emit_json(summary)
        return
    if wrote:
        err_console.print(f"Wrote {doc.title.lower()} of {code} as of {day} to {output} "
                          f"({len(data):,} bytes, SHA-256 {digest}).", soft_wrap=True, markup=False)
    if summary["recorded"]:
        r = summary["recorded"]
        verb = "Already recorded" if r["duplicate"] else "Recorded DocumentIssued"
        err_console.print(f"{verb} as version {r['version']} of {code} (chain {r['chain_hash'][:12]}…).",
                          markup=False)


@notice_app.command("template")
def template(
    kind: Annotated[str, typer.Argument(metavar="KIND", help=KINDS_HELP)],
    fmt: Annotated[str, typer.Option("--format", metavar="html|md", help="The HTML (also used for PDF) or Markdown template.")] = "html",
) -> None:
    """Print a built-in template, to copy and change, then pass with 'notice render --template'.

    Example: loanledger notice template default > my-notice.html.j2

    Example: loanledger notice template payoff-quote --format md > my-payoff-letter.md.j2
    """
    from cli.formats.documents import template_text  # start-up: deferred (docs/architecture.md, "Start-up")

    _one_of("KIND", kind, KINDS)
    _one_of("--format", fmt, ("html", "md"))
    console.file.write(template_text(kind, fmt))


def _document_day(kind: str, as_of: str | None, good_through: str | None) -> date:
    """The document's date: --as-of, or for a payoff-quote --good-through (one of the two)."""
    if kind != "payoff-quote":
        if good_through is not None:
            raise InvalidInput(f"--good-through is for --kind payoff-quote; a {kind} document takes --as-of",
                               field="good_through")
        if as_of is None:
            raise InvalidInput("--as-of: missing: the document's date (YYYY-MM-DD)", field="as_of")
        return parse_report_day("--as-of", as_of)
    if as_of is not None and good_through is not None:
        raise InvalidInput("--good-through and --as-of: give one (a payoff letter's date is the day it is good through)",
                           field="good_through")
    if as_of is None and good_through is None:
        raise InvalidInput("--good-through: missing: the value date the payoff letter is good through (YYYY-MM-DD)",
                           field="good_through")
    return parse_report_day("--good-through" if good_through is not None else "--as-of", good_through or as_of)


def _deadline(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"--demand-deadline: {text!r} is not a date-time with an offset", field="demand_deadline") from None
    if moment.tzinfo is None:
        raise InvalidInput(f"--demand-deadline: {text!r} has no UTC offset: add one, e.g. {text}-05:00",
                           field="demand_deadline")
    return moment


def _one_of(option: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise InvalidInput(f"{option}: {value!r} is not one of {', '.join(allowed)}", field=option.lstrip("-").lower())
