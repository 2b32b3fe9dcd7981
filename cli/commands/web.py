"""serve: the read-only web view and JSON API (docs/web.md)."""

from typing import Annotated

import typer

from cli.commands.context import err_console, settings


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help="The address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="The port to listen on.")] = 8000,
) -> None:
    """Serve a read-only web view and JSON API of the ledger until Ctrl-C.

    The database is opened for reading: a SQLite file read-only, PostgreSQL as a role that may not
    record (the auditor role of 'db roles'). Every route is GET; /api/openapi.json describes the API.

    Example: loanledger --db postgresql://loanledger_auditor@127.0.0.1:5432/loans serve --port 8000
    """
    import uvicorn  # start-up: the web server loads only for serve

    from cli.web.app import create_app  # start-up: Starlette, Jinja2 and the engine load only for serve

    app = create_app(settings(ctx).read_db or settings(ctx).db)  # read-only: a replica serves as well
    err_console.print(f"Serving the ledger read-only at http://{host}:{port}/ (Ctrl-C stops).", markup=False)
    uvicorn.run(app, host=host, port=port, log_level="warning")
