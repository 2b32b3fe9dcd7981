"""`loanledger serve`: a read-only web view and JSON API over a ledger (docs/web.md).

Pages: the portfolio with its buckets (`/`), a facility (`/facilities/CODE`: position and past
due as of a date picked in the page, with known-at; the chart; the stream with versions,
recorded times, authors, chain hashes and reversal links; verify's status and findings; the
downloads). The JSON API (`/api/...`) returns exactly the CLI's `--json` shapes, built by the
same functions (projections.json_views, cli.application.queries and auditing); its OpenAPI
description is `/api/openapi.json`. Every route is GET: there is no write endpoint, and the
database is opened read-only (cli.persistence.read_only).
"""

import contextlib
import threading
from collections.abc import AsyncIterator
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from cli.application import auditing, queries
from cli.application.documents import render as render_document
from cli.application.ledger import Ledger
from cli.application.market import fixings_for
from cli.application.series import facility_series, first_day, portfolio_series
from cli.formats import event_views as views
from cli.formats.charts import portfolio_chart, timeline_chart
from cli.formats.dates import parse_report_day
from cli.formats.event_views import instant
from cli.persistence.read_only import check_read_only, read_only
from cli.persistence.storage import database
from cli.web.openapi import openapi
from domain.errors import InvalidInput, LedgerError, UnknownFacility
from projections import report as reports
from projections.documents import KINDS
from projections.json_views import (balance_json, explain_json, money, past_due_json, portfolio_json,
                                    timeline_json)

HERE = Path(__file__).parent
MEDIA = {"html": "text/html; charset=utf-8", "md": "text/markdown; charset=utf-8", "pdf": "application/pdf",
         "json": "application/json", "svg": "image/svg+xml", "png": "image/png",
         "jsonl": "application/x-ndjson; charset=utf-8", "csv": "text/csv; charset=utf-8"}
BUCKETS = ("current", "0-30", "31-60", "61-90", "91+")


class Site:
    """The ledger, opened read-only once, and the page templates."""

    def __init__(self, url: str | None) -> None:
        db = read_only(database(url))
        self.book = Ledger(db)
        check_read_only(db, self.book.recorder)
        self.lock = threading.Lock()  # one reader at a time on the one connection
        self.pages = jinja2.Environment(loader=jinja2.FileSystemLoader(str(HERE / "templates")), autoescape=True,
                                        undefined=jinja2.StrictUndefined)
        self.pages.filters["amount"] = lambda v: f"{float(v):,.2f}" if v not in (None, "") else ""
        self.pages.filters["q"] = lambda v: quote(str(v), safe="")

    def close(self) -> None:
        self.book.close()

    def events(self, code: str) -> list[Any]:
        return self.book.facility_events(code)


def _day(request: Request, name: str = "as_of", default: date | None = None) -> date:
    text = request.query_params.get(name)
    if not text:
        if default is None:
            raise InvalidInput(f"{name}: required (YYYY-MM-DD)", field=name)
        return default
    return parse_report_day(name, text)


def _known_at(request: Request) -> datetime | None:
    return instant("known_at", request.query_params.get("known_at") or None, end_of_day=True)


def _today() -> date:
    return datetime.now(timezone.utc).date()


def _error(error: Exception) -> JSONResponse:
    status = 400 if isinstance(error, InvalidInput) else 404 if isinstance(error, UnknownFacility) else 422
    return JSONResponse({"error": str(error), "field": getattr(error, "field", None)}, status_code=status)


def _guarded(handler: Any) -> Any:
    """A refusal becomes {"error", "field"} (the CLI's --json refusal) with an HTTP status."""

    async def endpoint(request: Request) -> Response:
        site: Site = request.app.state.site

        def answer() -> Response:
            with site.lock:
                return handler(request, site)

        try:
            return await run_in_threadpool(answer)
        except LedgerError as error:
            if request.url.path.startswith("/api/"):
                return _error(error)
            page = site.pages.get_template("error.html").render(message=str(error), path=request.url.path)
            return HTMLResponse(page, status_code=_error(error).status_code)

    return endpoint


# ---- the JSON API: the CLI's --json shapes ------------------------------------------------------

def api_facilities(request: Request, site: Site) -> Response:
    return JSONResponse([e.fact_fields() for e in site.book.facilities()])


def api_portfolio(request: Request, site: Site) -> Response:
    day, moment = _day(request), _known_at(request)
    status, bucket = request.query_params.get("status"), request.query_params.get("bucket")
    for name, value, allowed in (("status", status, ("accelerated", "in_default", "past_due", "current", "refused")),
                                 ("bucket", bucket, BUCKETS)):
        if value is not None and value not in allowed:
            raise InvalidInput(f"{name}: {value!r} is not one of {', '.join(allowed)}", field=name)
    lines, totals = queries.portfolio(site.book, day, moment, status, bucket)
    return JSONResponse(portfolio_json(day, moment, lines, totals))


def api_balance(request: Request, site: Site) -> Response:
    events, moment = site.events(request.path_params["code"]), _known_at(request)
    return JSONResponse(balance_json(reports.position_as_of(events, _day(request), moment,
                                                            fixings=fixings_for(site.book, events, moment))))


def api_past_due(request: Request, site: Site) -> Response:
    events, moment = site.events(request.path_params["code"]), _known_at(request)
    return JSONResponse(past_due_json(reports.past_due_as_of(events, _day(request), moment,
                                                             fixings=fixings_for(site.book, events, moment))))


def api_explain(request: Request, site: Site) -> Response:
    events, moment = site.events(request.path_params["code"]), _known_at(request)
    return JSONResponse(explain_json(reports.explain(events, _day(request), moment,
                                                     fixings=fixings_for(site.book, events, moment))))


def api_timeline(request: Request, site: Site) -> Response:
    events = site.events(request.path_params["code"])
    low, high = _day(request, "from"), _day(request, "to")
    every = request.query_params.get("every", "month")
    if every not in ("day", "month"):
        raise InvalidInput(f"every: {every!r} must be 'day' or 'month'", field="every")
    if high < low:
        raise LedgerError(f"to {high} is before from {low}")
    moment = _known_at(request)
    return JSONResponse(timeline_json(reports.timeline(events, low, high, every, moment,
                                                       fixings=fixings_for(site.book, events, moment))))


def _selection(request: Request) -> views.Selection:
    q = request.query_params
    return views.selection(q.getlist("type") or None, q.get("from"), q.get("to"), q.get("recorded_from"),
                           q.get("recorded_to"))


def api_events(request: Request, site: Site) -> Response:
    code = request.path_params["code"]
    chosen = views.rows(code, site.events(code), _selection(request))
    return JSONResponse([record for _, record in chosen])


def api_verify(request: Request, site: Site) -> Response:
    code = request.path_params.get("code")
    result, _ = auditing.verify(site.book, code, request.query_params.get("expect"), processes=1)
    return JSONResponse(auditing.verify_json(site.book, result), status_code=200)


def api_openapi(request: Request) -> Response:
    return JSONResponse(openapi())


# ---- downloads ------------------------------------------------------------------------------------

def export(request: Request, site: Site) -> Response:
    code, fmt = request.path_params["code"], request.path_params["fmt"]
    if fmt not in views.FORMATS:
        raise InvalidInput(f"format: {fmt!r} is not one of {', '.join(views.FORMATS)}", field="format")
    text = views.render(views.rows(code, site.events(code), _selection(request)), fmt)
    return Response(text, media_type=MEDIA[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{code}.{fmt}"'})


def document(request: Request, site: Site) -> Response:
    code, kind, fmt = request.path_params["code"], request.path_params["kind"], request.path_params["fmt"]
    if kind not in KINDS:
        raise InvalidInput(f"kind: {kind!r} is not one of {', '.join(KINDS)}", field="kind")
    if fmt not in ("html", "pdf", "md", "json"):
        raise InvalidInput(f"format: {fmt!r} is not one of html, pdf, md, json", field="format")
    events = site.events(code)
    rendered = render_document(events, kind, _day(request), fmt, _known_at(request),
                               fixings_at=lambda moment: fixings_for(site.book, events, moment))
    name = f"{code}-{kind}-{rendered.document.values['as_of']}.{fmt}"
    disposition = "inline" if fmt in ("html", "pdf") else "attachment"
    return Response(rendered.data, media_type=MEDIA[fmt],
                    headers={"Content-Disposition": f'{disposition}; filename="{name}"', "X-SHA256": rendered.sha256})


def chart(request: Request, site: Site) -> Response:
    code, fmt = request.path_params["code"], request.path_params["fmt"]
    if fmt not in ("svg", "png"):
        raise InvalidInput(f"format: {fmt!r} is not one of svg, png", field="format")
    events = site.events(code)
    high = _day(request, "to", default=_today())
    low = _day(request, "from", default=first_day(events))
    if high < low:
        raise LedgerError(f"to {high} is before from {low}")
    every = "day" if (high - low).days <= 5 * 366 else "month"
    moment = _known_at(request)
    points, marks = facility_series(events, low, high, every, moment, fixings_for(site.book, events, moment))
    data = timeline_chart(f"{code}: {low} to {high}" + (f", known at {moment.isoformat()}" if moment else ""),
                          points, marks, fmt)
    return Response(data, media_type=MEDIA[fmt])


def portfolio_chart_file(request: Request, site: Site) -> Response:
    fmt = request.path_params["fmt"]
    if fmt not in ("svg", "png"):
        raise InvalidInput(f"format: {fmt!r} is not one of svg, png", field="format")
    day, moment = _day(request, default=_today()), _known_at(request)
    days, totals = portfolio_series(site.book, day, moment)
    title = f"Past due by bucket, month ends to {day}" + (f", known at {moment.isoformat()}" if moment else "")
    return Response(portfolio_chart(title, days, totals, fmt), media_type=MEDIA[fmt])


# ---- pages ----------------------------------------------------------------------------------------

def portfolio_page(request: Request, site: Site) -> Response:
    day, moment = _day(request, default=_today()), _known_at(request)
    lines, totals = queries.portfolio(site.book, day, moment)
    data = portfolio_json(day, moment, lines, totals)
    page = site.pages.get_template("portfolio.html").render(
        data=data, as_of=day.isoformat(), known_at=request.query_params.get("known_at", ""))
    return HTMLResponse(page)


def facility_page(request: Request, site: Site) -> Response:
    code = request.path_params["code"]
    events = site.events(code)
    day, moment = _day(request, default=_today()), _known_at(request)
    report = reports.report(events, day, moment, fixings=fixings_for(site.book, events, moment))
    chosen = views.rows(code, events, views.Selection())
    stream = [{"version": e.version, "type": type(e).__name__, "effective": str(e.effective() or ""),
               "recorded_at": e.recorded_at.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f UTC"),
               "recorded_by": e.recorded_by, "source": e.source or "", "reference": e.reference or "",
               "chain_hash": e.chain_hash, "reversed_by": record["reversed_by"],
               "target": getattr(e, "target", None),
               "known": moment is None or e.recorded_at <= moment,
               "fields": _fields(e)} for e, record in chosen]
    result, note = auditing.verify(site.book, code, None, processes=1)
    known_at = request.query_params.get("known_at", "")
    page = site.pages.get_template("facility.html").render(
        code=code, opened=events[0], as_of=day.isoformat(), known_at=known_at,
        balance=balance_json(report.position), past_due=past_due_json(report.past_due), stream=stream,
        verification=auditing.verify_json(site.book, result), note=note, kinds=KINDS, money=money,
        chart_query=f"to={day.isoformat()}" + (f"&known_at={quote(known_at, safe='')}" if known_at else ""),
        doc_query=f"as_of={day.isoformat()}" + (f"&known_at={quote(known_at, safe='')}" if known_at else ""))
    return HTMLResponse(page)


def _fields(event: Any) -> str:
    parts = []
    for k, v in event.fact_fields().items():
        if v in (None, [], ()) or k == "effective_date":
            continue
        if isinstance(v, list):
            v = f"[{len(v)} items]" if v and isinstance(v[0], dict) else ",".join(map(str, v))
        elif isinstance(v, dict):
            v = "{" + " ".join(f"{a}={b}" for a, b in v.items() if b is not None) + "}"
        parts.append(f"{k}={v}")
    return ", ".join(parts)


def create_app(url: str | None) -> Starlette:
    """The web application over the ledger at `url` (opened read-only now: a bad URL fails here)."""
    site = Site(url)
    routes = [
        Route("/", _guarded(portfolio_page)),
        Route("/portfolio/chart.{fmt}", _guarded(portfolio_chart_file)),
        Route("/facilities/{code}", _guarded(facility_page)),
        Route("/facilities/{code}/export.{fmt}", _guarded(export)),
        Route("/facilities/{code}/documents/{kind}.{fmt}", _guarded(document)),
        Route("/facilities/{code}/chart.{fmt}", _guarded(chart)),
        Route("/api/openapi.json", api_openapi),
        Route("/api/facilities", _guarded(api_facilities)),
        Route("/api/portfolio", _guarded(api_portfolio)),
        Route("/api/verify", _guarded(api_verify)),
        Route("/api/facilities/{code}/balance", _guarded(api_balance)),
        Route("/api/facilities/{code}/past-due", _guarded(api_past_due)),
        Route("/api/facilities/{code}/explain", _guarded(api_explain)),
        Route("/api/facilities/{code}/timeline", _guarded(api_timeline)),
        Route("/api/facilities/{code}/events", _guarded(api_events)),
        Route("/api/facilities/{code}/verify", _guarded(api_verify)),
    ]
    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        yield
        site.close()

    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.site = site
    return app
