"""Where the ledger lives: a database URL becomes the eventsourcing library's environment.

- nothing given: a SQLite file in the user's data directory;
- a path, or `sqlite:///path`: that SQLite file;
- `postgresql://user[:password]@host[:port]/dbname`: PostgreSQL through psycopg 3.
"""

import os
import re
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

from cli.persistence import postgres

from domain.errors import LedgerError


class BadDatabaseURL(LedgerError):
    pass


@dataclass(frozen=True)
class Database:
    url: str
    env: dict[str, str]

    @property
    def is_postgres(self) -> bool:
        return self.env["PERSISTENCE_MODULE"] == "eventsourcing.postgres"


EVENTS_TABLE = "ledger_events"  # PostgreSQL: the Ledger application's name + "_events"
APPEND_FUNCTION = "loanledger_append"  # the store's stamped way in (cli.persistence.store_stamps)
STORE_STAMPS = "LEDGER_STORE_STAMPS"  # in a Database's env: this events table has the store's stamps


def default_url() -> str:
    import platformdirs  # start-up: only when no --db names the ledger

    return str(Path(platformdirs.user_data_dir("loanledger")) / "ledger.db")


_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")


def database(url: str | None) -> Database:
    url = url or os.environ.get("LOANLEDGER_DB") or default_url()
    if url.startswith(("postgresql://", "postgres://")):
        return Database(url, _postgres_env(url))
    scheme = _SCHEME.match(url)
    if scheme and not url.startswith("sqlite:///") and (url[scheme.end():].startswith("//") or len(scheme[1]) > 1):
        # a URL of another kind (mysql://, http://, sqlite:relative) is refused, not taken for a file
        # name; a Windows drive (C:\\...) has a one-letter "scheme" and no //
        if scheme[1] == "sqlite":
            raise BadDatabaseURL(f"--db {_redacted(url)}: write a SQLite URL as sqlite:///path (or give the path)")
        raise BadDatabaseURL(f"--db {_redacted(url)}: {scheme[1]!r} is not a database loanledger can use: give "
                             "a SQLite file path, sqlite:///path or postgresql://user@host:5432/dbname")
    path = url.removeprefix("sqlite:///") if url.startswith("sqlite:") else url
    if path == ":memory:" or not path:
        raise BadDatabaseURL("an in-memory SQLite database would forget every event: give a file")
    file = Path(path).expanduser()
    if file.is_dir():
        raise BadDatabaseURL(f"database path {file} is a directory, not a file")
    return Database(str(file), {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "SQLITE_DBNAME": str(file),
        "SQLITE_LOCK_TIMEOUT": lock_timeout(),
    })


def lock_timeout() -> str:
    """Seconds to wait for another writer's lock before giving up (LOANLEDGER_LOCK_TIMEOUT, default 10)."""
    text = os.environ.get("LOANLEDGER_LOCK_TIMEOUT", "10")
    if not text.isdigit() or not 1 <= int(text) <= 3600:
        raise BadDatabaseURL(f"LOANLEDGER_LOCK_TIMEOUT={text!r}: give whole seconds from 1 to 3600")
    return str(int(text))


def _postgres_env(url: str) -> dict[str, str]:
    try:
        parts = urlparse(url)
        port = parts.port  # a port that is not a number from 0 to 65535 raises here
    except ValueError as error:
        raise BadDatabaseURL(f"{_redacted(url)} is not a PostgreSQL URL ({str(error).lower()}): "
                             "postgresql://user@host:5432/dbname") from None
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    unknown = sorted(query.keys() - {"host", "port", "dbname", "user", "password", "service"})
    if unknown:
        raise BadDatabaseURL(f"{_redacted(url)}: unknown parameter {unknown[0]!r} (host, port, dbname, user, "
                             "password and service are understood)")
    # libpq's order: the URL, then its parameters, then the service file's entry, then PG* variables
    service = _service(query.get("service") or os.environ.get("PGSERVICE"))

    def given(key: str, part: str | None, variable: str) -> str | None:
        return part or query.get(key) or service.get(key) or os.environ.get(variable) or None

    dbname = given("dbname", unquote(parts.path.lstrip("/")), "PGDATABASE")
    host = given("host", parts.hostname, "PGHOST")
    if not dbname or not host:
        raise BadDatabaseURL(f"{_redacted(url)} needs a host and a database: postgresql://user@host:5432/dbname "
                             "(or PGHOST and PGDATABASE, or a service)")
    port_text = given("port", str(port) if port else None, "PGPORT") or "5432"
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise BadDatabaseURL(f"{_redacted(url)}: port {port_text!r} is not a number from 1 to 65535")
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": dbname,
        "POSTGRES_HOST": host,
        "POSTGRES_PORT": port_text,
        "POSTGRES_USER": given("user", unquote(parts.username or ""), "PGUSER") or "postgres",
        "POSTGRES_PASSWORD": given("password", unquote(parts.password or ""), "PGPASSWORD") or "",
        "POSTGRES_CONNECT_TIMEOUT": "5",
        "POSTGRES_LOCK_TIMEOUT": lock_timeout(),
        "POSTGRES_POOL_SIZE": "2",
    }


def _service(name: str | None) -> dict[str, str]:
    """A libpq connection service (pg_service.conf): PGSERVICEFILE or ~/.pg_service.conf, then
    PGSYSCONFDIR/pg_service.conf; the first file with the section wins."""
    if not name:
        return {}
    import configparser  # start-up: only when a service is named

    files = [os.environ.get("PGSERVICEFILE") or str(Path("~/.pg_service.conf").expanduser())]
    if os.environ.get("PGSYSCONFDIR"):
        files.append(str(Path(os.environ["PGSYSCONFDIR"]) / "pg_service.conf"))
    for file in files:
        parser = configparser.ConfigParser(interpolation=None)
        try:
            parser.read(file, encoding="utf-8")
        except (OSError, configparser.Error) as error:
            raise BadDatabaseURL(f"service file {file}: {error}") from None
        if parser.has_section(name):
            return dict(parser[name])
    raise BadDatabaseURL(f"service {name!r} is not defined in {' or '.join(files)}")


class NoLedger(LedgerError):
    """The database holds no ledger, and this command may not create one."""


def ready(db: Database, *, create: bool = False) -> Database:
    """The database to open the ledger on: an existing ledger, or (`create`) a new one.

    Only `init`, `demo` and `import` create a ledger; every other command refuses a path or a
    database without one, so a mistyped path is an error, never a new empty ledger.

    The library runs CREATE TABLE/INDEX IF NOT EXISTS whenever an application starts, which a
    role without CREATE rights (the append-only writer, the auditor: `db roles`) may not do. So on
    PostgreSQL, when the events table already exists, CREATE_TABLE is turned off, unless
    CREATE_TABLE (or LEDGER_CREATE_TABLE) is set in the environment, which then decides.
    """
    if not db.is_postgres:
        return _sqlite_ready(db, create)
    schema = db.env.get("POSTGRES_SCHEMA") or "public"
    with connect(db) as connection:
        found = connection.execute(
            "SELECT to_regclass(format('%%I.%%I', %s::text, %s::text)), "
            "to_regproc(format('%%I.%%I', %s::text, %s::text)) IS NOT NULL",
            (schema, EVENTS_TABLE, schema, APPEND_FUNCTION),
        ).fetchone()
    if found is None or found[0] is None:
        if not create:
            raise NoLedger(f"no ledger in {_redacted(db.url)}: it has no {EVENTS_TABLE} table "
                           f"(create one with 'loanledger --db URL init')")
        return db
    env = {**db.env, STORE_STAMPS: "true"} if found[1] else dict(db.env)
    if {"CREATE_TABLE", "LEDGER_CREATE_TABLE"} & os.environ.keys():
        return Database(db.url, env)
    return Database(db.url, {**env, "CREATE_TABLE": "false"})


def _sqlite_ready(db: Database, create: bool) -> Database:
    file = Path(db.env["SQLITE_DBNAME"])
    if create:
        try:
            file.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise LedgerError(f"cannot create the folder {file.parent}: {error.strerror}") from None
        return db
    if not file.is_file():
        raise NoLedger(f"no ledger at {file}: the file does not exist "
                       f"(create one with 'loanledger --db {file} init', or check the path)")
    if not _has_events_table(file):
        raise NoLedger(f"{file} is not a loanledger ledger: it has no stored_events table")
    return db


def _has_events_table(file: Path) -> bool:
    import sqlite3  # start-up: only a SQLite ledger that is opened without creating it needs this check

    try:
        with closing(sqlite3.connect(_read_only_uri(file), uri=True)) as conn:
            return conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'stored_events'").fetchone() is not None
    except sqlite3.DatabaseError:
        return False


class ReadOnlyLedger(LedgerError):
    """A command that writes, on a SQLite ledger this process may not write."""


def read_only(db: Database) -> Database:
    """The ledger opened for reading only (the read commands: docs/cli.md, "Read-only ledgers").

    SQLite: a `file:` URI with `mode=ro`, so no statement of this process can change the file;
    and `immutable=1` as well when this process may not write the folder and no write-ahead log
    is beside the file (a ledger in WAL mode otherwise needs its `-shm` file, which it cannot
    create there; with no `-wal` file every commit is in the file itself). PostgreSQL: unchanged
    (what a role may do is the server's to say: `db roles`).
    """
    if db.is_postgres:
        return db
    file = Path(db.env["SQLITE_DBNAME"])
    return Database(db.url, {**db.env, "SQLITE_DBNAME": _read_only_uri(file), "CREATE_TABLE": "false"})


def _read_only_uri(file: Path) -> str:
    uri = f"{file.resolve().as_uri()}?mode=ro"
    wal = Path(f"{file}-wal")
    if not os.access(file.parent, os.W_OK) and not (wal.exists() and wal.stat().st_size > 0):
        uri += "&immutable=1"
    return uri


def writable(db: Database) -> Database:
    """The ledger, if this process may write it (SQLite: the file, and the folder where SQLite
    keeps its write-ahead log); a clear refusal otherwise, before anything is attempted."""
    if db.is_postgres:
        return db
    file = Path(db.env["SQLITE_DBNAME"])
    if file.exists() and not os.access(file, os.W_OK):
        raise ReadOnlyLedger(f"the ledger {file} is read-only (no write permission on the file); nothing "
                             "was written (read commands such as balance, events and verify still work)")
    if not os.access(file.parent, os.W_OK):
        doing = "written" if file.exists() else "created"
        raise ReadOnlyLedger(f"the folder {file.parent} is read-only: the ledger {file} cannot be {doing} "
                             f"(SQLite keeps its write-ahead log beside the file); nothing was written")
    return db


def connect(db: Database, **options: Any) -> Any:
    """A plain psycopg connection with the ledger's credentials (PostgreSQL only)."""
    return postgres.connect(db.env, **options)


def _redacted(url: str) -> str:
    """The URL without its password (also when the URL does not parse)."""
    return re.sub(r"^([a-z]+://[^:/@]*):[^/]*@", r"\1:***@", url)
