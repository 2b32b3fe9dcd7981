"""The JSON API answers exactly what the CLI's --json does (one code path), only to GET, over a
database opened read-only: a SQLite file, or PostgreSQL as the auditor role (docs/web.md)."""

import warnings

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette's note about httpx versions
    from starlette.testclient import TestClient

from cli.web.app import create_app
from tests.helpers import run, run_json
from tests.test_database_roles import as_role, roles, set_up  # noqa: F401 - the roles fixture

CODE = "ATG-LAURUS-2005"
DAY = "2008-01-31"


@pytest.fixture
def served(db_url, request):
    """The seed ledger, and a client of the web view over it (PostgreSQL: as the auditor role)."""
    run(db_url, "demo")
    with TestClient(create_app(read_only_url(db_url, request))) as client:
        yield db_url, client


def read_only_url(db_url, request):
    """The URL the web view is given: the SQLite file itself, or on PostgreSQL the auditor role."""
    if not db_url.startswith("postgresql://"):
        return db_url
    writer, auditor, projector = request.getfixturevalue("roles")
    set_up(db_url, writer, auditor, projector)
    return as_role(db_url, auditor)


def test_every_answer_is_the_clis_json(served):
    db, web = served
    pairs = [
        (f"/api/portfolio?as_of={DAY}", ["portfolio", "--as-of", DAY]),
        ("/api/portfolio?as_of=2007-10-31&bucket=31-60", ["portfolio", "--as-of", "2007-10-31", "--bucket", "31-60"]),
        ("/api/facilities", ["facility", "list"]),
        (f"/api/facilities/{CODE}/balance?as_of={DAY}", ["balance", CODE, "--as-of", DAY]),
        (f"/api/facilities/{CODE}/past-due?as_of={DAY}", ["past-due", CODE, "--as-of", DAY]),
        (f"/api/facilities/{CODE}/past-due?as_of={DAY}&known_at=2000-01-01T00:00:00Z", None),
        (f"/api/facilities/{CODE}/explain?as_of=2007-06-30", ["explain", CODE, "--as-of", "2007-06-30"]),
        (f"/api/facilities/{CODE}/timeline?from=2007-06-30&to={DAY}",
         ["timeline", CODE, "--from", "2007-06-30", "--to", DAY]),
        (f"/api/facilities/{CODE}/events?type=DefaultNoticeIssued", ["events", CODE, "--type", "DefaultNoticeIssued"]),
        (f"/api/facilities/{CODE}/verify", ["verify", CODE]),
        ("/api/verify", ["verify"]),
    ]
    for path, args in pairs:
        answer = web.get(path)
        if args is None:
            assert answer.status_code == 422 and answer.json()["error"]  # the CLI refuses it too (exit 1)
            continue
        assert answer.status_code == 200, (path, answer.text)
        assert answer.json() == run_json(db, *args), path


def test_refusals_are_the_clis_refusals_with_an_http_status(served):
    _, web = served

    assert web.get(f"/api/facilities/NOPE/balance?as_of={DAY}").status_code == 404
    bad = web.get(f"/api/facilities/{CODE}/balance?as_of=2008-02-30")
    assert bad.status_code == 400 and bad.json()["field"] == "as_of"
    assert web.get(f"/api/portfolio?as_of={DAY}&bucket=92+").status_code == 400
    assert web.get(f"/api/facilities/{CODE}/timeline?from={DAY}&to=2007-01-01").status_code == 422


def test_nothing_can_be_written(served):
    db, web = served
    def head():
        return {k: v for k, v in run_json(db, "audit", "head", CODE).items() if k != "kept_at"}  # kept_at: now

    before = head()
    for path in ("/", f"/facilities/{CODE}", "/api/portfolio", f"/api/facilities/{CODE}/events",
                 f"/facilities/{CODE}/documents/default.html"):
        for method in ("post", "put", "patch", "delete"):
            assert getattr(web, method)(path).status_code == 405, (method, path)
    assert head() == before
    for path, spec in web.get("/api/openapi.json").json()["paths"].items():
        assert list(spec) == ["get"], path


def test_the_openapi_description_names_every_api_route(served):
    _, web = served
    spec = web.get("/api/openapi.json").json()
    routes = {r.path for r in web.app.routes if r.path.startswith("/api/") and r.path != "/api/openapi.json"}

    assert spec["openapi"].startswith("3.") and set(spec["paths"]) == routes


def test_pages_and_downloads(served):
    db, web = served
    page = web.get(f"/facilities/{CODE}?as_of={DAY}")
    assert page.status_code == 200 and 'id="past-due-total">13,580,810.10<' in page.text
    assert 'id="verify-status" class="ok"' in page.text
    doc = web.get(f"/facilities/{CODE}/documents/default.pdf?as_of={DAY}")
    assert doc.status_code == 200 and doc.content.startswith(b"%PDF-") and len(doc.headers["X-SHA256"]) == 64
    assert web.get(f"/facilities/{CODE}/export.jsonl").text == run(db, "export", CODE).stdout
    assert web.get(f"/facilities/{CODE}/chart.png?to={DAY}").content.startswith(b"\x89PNG")
    assert web.get(f"/portfolio/chart.svg?as_of={DAY}").text.lstrip().startswith("<?xml")
    assert web.get("/facilities/NOPE").status_code == 404


def test_a_writing_postgresql_role_is_refused(postgres_url):
    from domain.errors import LedgerError

    with pytest.raises(LedgerError, match="read-only role"):
        create_app(postgres_url)


def test_the_sqlite_file_is_opened_read_only(sqlite_url):
    run(sqlite_url, "demo")
    app = create_app(sqlite_url)
    book = app.state.site.book
    try:
        with pytest.raises(Exception, match="readonly|read-only"):
            with book.recorder.datastore.transaction(commit=True) as cursor:
                cursor.execute("DELETE FROM stored_events")
    finally:
        book.close()
    assert len(run_json(sqlite_url, "events", CODE)) == 88


def test_a_facility_on_sofr_answers_as_the_cli_does(db_url, request):
    """The web view reads the market fixings a facility's notes need, as the CLI does
    (examples/sofr-term-revolver-2025.jsonl with its fixings; PostgreSQL: as the auditor role)."""
    from tests.helpers import ROOT_EXAMPLES

    run(db_url, "import", str(ROOT_EXAMPLES / "sofr-term-revolver-2025.jsonl"))
    run(db_url, "index", "import", str(ROOT_EXAMPLES / "sofr-2025-fixings.jsonl"))
    code, day = "SOFR-TLR-2025", "2025-12-31"
    with TestClient(create_app(read_only_url(db_url, request))) as web:
        for path, args in [
            (f"/api/facilities/{code}/balance?as_of={day}", ["balance", code, "--as-of", day]),
            (f"/api/facilities/{code}/past-due?as_of={day}", ["past-due", code, "--as-of", day]),
            (f"/api/facilities/{code}/explain?as_of=2025-10-15", ["explain", code, "--as-of", "2025-10-15"]),
            (f"/api/facilities/{code}/timeline?from=2025-10-01&to={day}",
             ["timeline", code, "--from", "2025-10-01", "--to", day]),
        ]:
            answer = web.get(path)
            assert answer.status_code == 200, (path, answer.text)
            assert answer.json() == run_json(db_url, *args), path
        page = web.get(f"/facilities/{code}?as_of={day}")
        chart = web.get(f"/facilities/{code}/chart.svg?from=2025-06-30&to={day}")
        rate_set = web.get(f"/facilities/{code}/documents/rate-set.json?as_of=2025-10-15")
        assert page.status_code == 200 and "58,125,000.00" in page.text.replace("58125000.00", "58,125,000.00")
        assert chart.status_code == 200 and chart.text.lstrip().startswith("<?xml")
        assert rate_set.status_code == 200 and rate_set.json()["indices"][0]["index"] == "SOFR"
