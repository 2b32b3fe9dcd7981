"""The SQL behind `loanledger db roles`: an append-only writer, a read-only auditor and a
projection role on PostgreSQL (docs/auditor-guide.md §0).

- The **writer** may SELECT events and EXECUTE `loanledger_append` (cli.persistence.store_stamps),
  a SECURITY DEFINER function owned by the table's owner: its only way in. It holds no INSERT,
  UPDATE, DELETE, TRUNCATE or TRIGGER on any table, so it can take no lock stronger than a
  reader's and cannot block anyone; the store stamps each event it appends with the server's
  time and the session's role and refuses an event that claims another author or time.
- The **auditor** may only SELECT (every table, and by default privileges the tables the owner
  creates later).
- The **projector** (the read-model worker, `projections run`) may SELECT events and write the
  read-model tables and their tracking row; nothing on the events table but SELECT.
- A statement trigger owned by the table's owner refuses every UPDATE, DELETE and TRUNCATE on the
  events table, whoever runs it: the table is append-only.

Existing roles are inspected first: one that can do more than its part (superuser, CREATEROLE,
BYPASSRLS, REPLICATION, a member of pg_write_all_data or of the tables' owner, or any other grant
that lets it write to a ledger table or append events) is refused, and nothing is changed.
Running it again changes nothing (passwords are set when given).
"""

from dataclasses import dataclass
from typing import Any

from cli.persistence import store_stamps
from cli.persistence.market_store import MARKET_APPEND_FUNCTION, MARKET_TABLE
from cli.persistence.storage import APPEND_FUNCTION, EVENTS_TABLE, Database, connect
from domain.errors import LedgerError

GUARD_FUNCTION = "loanledger_refuse_change"
GUARD_TRIGGER = f"{EVENTS_TABLE}_append_only"
STORED_EVENT_TYPE = "stored_event_uuid"  # the library's composite type for a row (UUID ids)
WRITES = ("INSERT", "UPDATE", "DELETE", "TRUNCATE", "TRIGGER")
EXTRA_ATTRIBUTES = {"rolsuper": "SUPERUSER", "rolcreaterole": "CREATEROLE", "rolbypassrls": "BYPASSRLS",
                    "rolreplication": "REPLICATION"}


class ExtraPowers(LedgerError):
    pass


@dataclass(frozen=True)
class Role:
    name: str
    password: str | None


def set_up_roles(db: Database, writer: Role, auditor: Role, projector: Role,
                 read_model_tables: list[str]) -> dict[str, Any]:
    """Grant each role its part, in one transaction; refuse (ExtraPowers, nothing changed) when an
    existing role can do more than its part."""
    from psycopg import sql  # start-up: psycopg costs ~140 ms, and only this command composes SQL with it

    schema = db.env.get("POSTGRES_SCHEMA") or "public"
    table = sql.Identifier(schema, EVENTS_TABLE)
    append = sql.SQL("{}({}[])").format(sql.Identifier(schema, APPEND_FUNCTION),
                                        sql.Identifier(schema, STORED_EVENT_TYPE))
    models = [sql.Identifier(schema, name) for name in read_model_tables]
    market = sql.Identifier(schema, MARKET_TABLE)
    market_append = sql.SQL("{}({}[])").format(sql.Identifier(schema, MARKET_APPEND_FUNCTION),
                                               sql.Identifier(schema, STORED_EVENT_TYPE))
    with connect(db) as conn, conn.transaction():
        with conn.cursor() as cursor:
            store_stamps.install(cursor, schema, STORED_EVENT_TYPE)
            store_stamps.install_market_append(cursor, schema, MARKET_TABLE, MARKET_APPEND_FUNCTION,
                                               STORED_EVENT_TYPE)
        for role in (writer, auditor, projector):
            _ensure_role(conn, role, db.env["POSTGRES_DBNAME"], schema)
        w, a, p = (sql.Identifier(r.name) for r in (writer, auditor, projector))
        sequence = conn.execute("SELECT pg_get_serial_sequence(%s, 'notification_id')",
                                (f'"{schema}"."{EVENTS_TABLE}"',)).fetchone()[0]  # type: ignore[index]
        statements = [
            sql.SQL("REVOKE ALL ON {} FROM {}, {}, {}").format(table, w, a, p),
            sql.SQL("REVOKE ALL ON SEQUENCE {} FROM {}, {}, {}").format(sql.SQL(sequence), w, a, p),
            sql.SQL("REVOKE ALL ON FUNCTION {} FROM PUBLIC, {}, {}").format(append, a, p),
            sql.SQL("GRANT SELECT ON {} TO {}, {}").format(table, w, p),
            sql.SQL("GRANT EXECUTE ON FUNCTION {} TO {}").format(append, w),
            sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA {} TO {}").format(sql.Identifier(schema), a),
            sql.SQL("ALTER DEFAULT PRIVILEGES IN SCHEMA {} GRANT SELECT ON TABLES TO {}").format(
                sql.Identifier(schema), a),
            # the market-data table (index fixings): as the events table, appended through the owner's function
            sql.SQL("REVOKE ALL ON {} FROM {}, {}, {}").format(market, w, a, p),
            sql.SQL("REVOKE ALL ON FUNCTION {} FROM PUBLIC, {}, {}").format(market_append, a, p),
            sql.SQL("GRANT SELECT ON {} TO {}, {}, {}").format(market, w, a, p),
            sql.SQL("GRANT EXECUTE ON FUNCTION {} TO {}").format(market_append, w),
        ]
        for model in models:
            statements += [sql.SQL("REVOKE ALL ON {} FROM {}, {}").format(model, w, p),
                           sql.SQL("GRANT SELECT ON {} TO {}").format(model, w),
                           sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON {} TO {}").format(model, p)]
        for statement in statements:
            conn.execute(statement)
        _guard(conn, schema, table)
        _guard(conn, schema, market, f"{MARKET_TABLE}_append_only")
        problems = (extra_powers(conn, writer.name, schema, may_append=True)
                    + extra_powers(conn, auditor.name, schema)
                    + extra_powers(conn, projector.name, schema, may_write=read_model_tables))
        if problems:
            raise ExtraPowers("refused, nothing changed: " + "; ".join(problems)
                              + " (remove these powers, e.g. REVOKE pg_write_all_data FROM role, "
                                "or name other roles)")
    return {"table": f"{schema}.{EVENTS_TABLE}", "market_table": f"{schema}.{MARKET_TABLE}",
            "writer": ["SELECT", f"EXECUTE {APPEND_FUNCTION} (its only way to append; stamped by the store)",
                       f"SELECT on {MARKET_TABLE}, EXECUTE {MARKET_APPEND_FUNCTION} (its only way to record fixings)"],
            "auditor": ["SELECT on every table"],
            "projector": ["SELECT", "SELECT, INSERT, UPDATE, DELETE on the read-model tables"],
            "writer_role": writer.name, "auditor_role": auditor.name, "projector_role": projector.name,
            "trigger": GUARD_TRIGGER, "stamp_trigger": store_stamps.STAMP_TRIGGER}


def extra_powers(conn: Any, role: str, schema: str, *, may_append: bool = False,
                 may_write: list[str] | None = None) -> list[str]:
    """What `role` can do beyond its part, in words (empty: nothing). Effective privileges are
    asked of the server, so grants through membership (pg_write_all_data, the owner's role, any
    other role) count."""
    found = []
    attributes = conn.execute(f"SELECT {', '.join(EXTRA_ATTRIBUTES)} FROM pg_roles WHERE rolname = %s",
                              (role,)).fetchone()
    found += [word for word, held in zip(EXTRA_ATTRIBUTES.values(), attributes or ()) if held]
    for builtin in ("pg_write_all_data", "pg_maintain"):
        member = conn.execute("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = %s) "
                              "AND pg_has_role(%s, %s, 'MEMBER')", (builtin, role, builtin)).fetchone()[0]
        if member:
            found.append(f"member of {builtin}")
    owner = conn.execute("SELECT pg_has_role(%s, c.relowner, 'MEMBER') FROM pg_class c "
                         "WHERE c.oid = to_regclass(format('%%I.%%I', %s::text, %s::text))",
                         (role, schema, EVENTS_TABLE)).fetchone()
    if owner and owner[0]:
        found.append(f"a member of the owner of {EVENTS_TABLE}")
    writes = conn.execute(
        "SELECT c.relname, p FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, "
        "unnest(%s::text[]) AS p WHERE n.nspname = %s AND c.relkind IN ('r', 'p') "
        "AND has_table_privilege(%s, c.oid, p) ORDER BY 1, 2", (list(WRITES), schema, role)).fetchall()
    allowed = {(t, p) for t in (may_write or []) for p in ("INSERT", "UPDATE", "DELETE")}
    extra = [f"{p} on {t}" for t, p in writes if (t, p) not in allowed]
    if extra:
        found.append("may " + ", ".join(extra))
    for function in (APPEND_FUNCTION, MARKET_APPEND_FUNCTION):
        appends = conn.execute("SELECT has_function_privilege(%s, p.oid, 'EXECUTE') FROM pg_proc p "
                               "JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = %s AND p.proname = %s",
                               (role, schema, function)).fetchone()
        if appends and appends[0] and not may_append:
            found.append(f"may EXECUTE {function} (append events)")
    return [f"role {role}: {', '.join(found)}"] if found else []


def _ensure_role(conn: Any, role: Role, dbname: str, schema: str) -> None:
    from psycopg import sql  # start-up: psycopg costs ~140 ms, and only this command composes SQL with it

    exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role.name,)).fetchone()
    verb = sql.SQL("ALTER ROLE" if exists else "CREATE ROLE")
    password = sql.SQL(" PASSWORD {}").format(sql.Literal(role.password)) if role.password else sql.SQL("")
    conn.execute(sql.SQL("{} {} LOGIN{}").format(verb, sql.Identifier(role.name), password))
    conn.execute(sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(sql.Identifier(dbname), sql.Identifier(role.name)))
    conn.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(sql.Identifier(schema), sql.Identifier(role.name)))


def _guard(conn: Any, schema: str, table: Any, trigger: str = GUARD_TRIGGER) -> None:
    """The trigger that makes the events table (or the market-data table) append-only for every role."""
    from psycopg import sql  # start-up: psycopg costs ~140 ms, and only this command composes SQL with it

    function = sql.Identifier(schema, GUARD_FUNCTION)
    conn.execute(sql.SQL(
        "CREATE OR REPLACE FUNCTION {}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "RAISE EXCEPTION 'loanledger events are append-only: % on % refused', TG_OP, TG_TABLE_NAME "
        "USING ERRCODE = 'insufficient_privilege'; END $$").format(function))
    conn.execute(sql.SQL(
        "CREATE OR REPLACE TRIGGER {} BEFORE UPDATE OR DELETE OR TRUNCATE ON {} "
        "FOR EACH STATEMENT EXECUTE FUNCTION {}()").format(sql.Identifier(trigger), table, function))


def may_refresh_read_models(db: Database, tracking_table: str) -> bool:
    """Whether this session's role may write the read models (the projector or the owner may; the
    writer and the auditor may not, and leave them to the worker)."""
    schema = db.env.get("POSTGRES_SCHEMA") or "public"
    with connect(db) as conn:
        row = conn.execute("SELECT to_regclass(format('%%I.%%I', %s::text, %s::text)) IS NULL "
                           "OR has_table_privilege(format('%%I.%%I', %s::text, %s::text), 'UPDATE')",
                           (schema, tracking_table, schema, tracking_table)).fetchone()
    return bool(row and row[0])
