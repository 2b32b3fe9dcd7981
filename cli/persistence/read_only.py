"""The database as `loanledger serve` opens it: for reading only (docs/web.md).

SQLite: the file opened with `mode=ro` (SQLite itself refuses every write) and no DDL.
PostgreSQL: the server is asked whether the role may record events; a role that may (the owner,
the writer) is refused, so the web view runs as the auditor role of `db roles` (SELECT only).
"""

from pathlib import Path
from typing import Any

from cli.persistence.faults import write_denied
from cli.persistence.storage import Database, ready
from domain.errors import LedgerError


class NotReadOnly(LedgerError):
    pass


def read_only(db: Database) -> Database:
    """The ledger's database opened for reading (it must exist: serve never creates one)."""
    db = ready(db)
    if db.is_postgres:
        return Database(db.url, {**db.env, "CREATE_TABLE": "false"})
    file = Path(db.env["SQLITE_DBNAME"]).resolve()
    return Database(db.url, {**db.env, "SQLITE_DBNAME": f"{file.as_uri()}?mode=ro", "CREATE_TABLE": "false"})


def check_read_only(db: Database, recorder: Any) -> None:
    """Refuse a PostgreSQL role that may record events (SQLite is opened read-only above)."""
    if not db.is_postgres:
        return
    if write_denied(recorder) is None:
        raise NotReadOnly("serve runs as a read-only role: this role may record events; connect as the auditor "
                          "role that 'loanledger db roles --auditor NAME' creates (docs/web.md)")
