"""The one way the ledger opens a plain PostgreSQL connection (outside the library's own pool):
the ledger's credentials from its environment, the same defaults everywhere."""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import psycopg

DEFAULT_PORT = "5432"
DEFAULT_CONNECT_TIMEOUT = "5"


def connect(env: dict[str, str], **options: Any) -> "psycopg.Connection[Any]":
    """`options` go to psycopg.connect (e.g. autocommit=True)."""
    import psycopg  # start-up: psycopg costs ~140 ms, and a SQLite ledger never needs it

    return psycopg.connect(
        host=env["POSTGRES_HOST"], port=env.get("POSTGRES_PORT") or DEFAULT_PORT,
        user=env["POSTGRES_USER"], password=env.get("POSTGRES_PASSWORD") or None,
        dbname=env["POSTGRES_DBNAME"],
        connect_timeout=int(env.get("POSTGRES_CONNECT_TIMEOUT") or DEFAULT_CONNECT_TIMEOUT), **options,
    )
