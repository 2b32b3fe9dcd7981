"""The SQL behind `loanledger db roles`: an append-only writer role and a read-only auditor
role on PostgreSQL (docs/auditor-guide.md).

The writer may SELECT and INSERT events and use the notification id sequence. The library's
insert takes `LOCK TABLE ledger_events IN EXCLUSIVE MODE` (to keep notification ids gap-free),
and PostgreSQL before 17 allows that lock only to a role with UPDATE, DELETE or TRUNCATE on the
table (17 adds MAINTAIN, which changes no data). So the writer is granted UPDATE (MAINTAIN on 17+)
for the lock alone, and a statement trigger owned by the table's owner refuses every UPDATE,
DELETE and TRUNCATE on the events table, whoever runs it: the table is append-only. The auditor
may only SELECT. Running it again changes nothing (passwords are set when given).
"""

from dataclasses import dataclass
from typing import Any

from cli.persistence.storage import EVENTS_TABLE, Database, connect

GUARD_FUNCTION = "loanledger_refuse_change"
GUARD_TRIGGER = f"{EVENTS_TABLE}_append_only"


@dataclass(frozen=True)
class Role:
    name: str
    password: str | None


def set_up_roles(db: Database, writer: Role, auditor: Role) -> dict[str, Any]:
    from psycopg import sql  # start-up: psycopg costs ~140 ms, and only this command composes SQL with it

    schema = db.env.get("POSTGRES_SCHEMA") or "public"
    table = sql.Identifier(schema, EVENTS_TABLE)
    with connect(db) as conn, conn.transaction():
        version = conn.execute("SHOW server_version_num").fetchone()[0]  # type: ignore[index]
        lock_privilege = "MAINTAIN" if int(version) >= 170000 else "UPDATE"
        sequence = conn.execute("SELECT pg_get_serial_sequence(%s, 'notification_id')",
                                (f'"{schema}"."{EVENTS_TABLE}"',)).fetchone()[0]  # type: ignore[index]
        for role in (writer, auditor):
            _ensure_role(conn, role, db.env["POSTGRES_DBNAME"], schema)
        w, a = sql.Identifier(writer.name), sql.Identifier(auditor.name)
        for statement in (
            sql.SQL("REVOKE ALL ON {} FROM {}, {}").format(table, w, a),
            sql.SQL("GRANT SELECT, INSERT, {} ON {} TO {}").format(sql.SQL(lock_privilege), table, w),
            sql.SQL("GRANT USAGE, SELECT ON SEQUENCE {} TO {}").format(sql.SQL(sequence), w),
            sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA {} TO {}").format(sql.Identifier(schema), a),
            sql.SQL("ALTER DEFAULT PRIVILEGES IN SCHEMA {} GRANT SELECT ON TABLES TO {}").format(
                sql.Identifier(schema), a),
        ):
            conn.execute(statement)
        _guard(conn, schema, table)
    return {"table": f"{schema}.{EVENTS_TABLE}", "writer": ["SELECT", "INSERT", f"{lock_privilege} (lock only)",
                                                            f"USAGE on {sequence}"],
            "auditor": ["SELECT on every table"], "writer_role": writer.name, "auditor_role": auditor.name,
            "trigger": GUARD_TRIGGER}


def _ensure_role(conn: Any, role: Role, dbname: str, schema: str) -> None:
    from psycopg import sql  # start-up: psycopg costs ~140 ms, and only this command composes SQL with it

    exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role.name,)).fetchone()
    verb = sql.SQL("ALTER ROLE" if exists else "CREATE ROLE")
    password = sql.SQL(" PASSWORD {}").format(sql.Literal(role.password)) if role.password else sql.SQL("")
    conn.execute(sql.SQL("{} {} LOGIN{}").format(verb, sql.Identifier(role.name), password))
    conn.execute(sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(sql.Identifier(dbname), sql.Identifier(role.name)))
    conn.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(sql.Identifier(schema), sql.Identifier(role.name)))


def _guard(conn: Any, schema: str, table: Any) -> None:
    """The trigger that makes the events table append-only for every role."""
    from psycopg import sql  # start-up: psycopg costs ~140 ms, and only this command composes SQL with it

    function = sql.Identifier(schema, GUARD_FUNCTION)
    conn.execute(sql.SQL(
        "CREATE OR REPLACE FUNCTION {}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "RAISE EXCEPTION 'loanledger events are append-only: % on % refused', TG_OP, TG_TABLE_NAME "
        "USING ERRCODE = 'insufficient_privilege'; END $$").format(function))
    conn.execute(sql.SQL(
        "CREATE OR REPLACE TRIGGER {} BEFORE UPDATE OR DELETE OR TRUNCATE ON {} "
        "FOR EACH STATEMENT EXECUTE FUNCTION {}()").format(sql.Identifier(GUARD_TRIGGER), table, function))
