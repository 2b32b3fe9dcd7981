"""The store's own stamp on every event, on PostgreSQL (issue #13, docs/auditor-guide.md §0).

Installed by the table's owner when a ledger is created (or upgraded by `db roles`):

- two columns on the events table, `stored_at timestamptz` and `stored_by text`;
- `loanledger_append(events)`, a SECURITY DEFINER function owned by the table's owner and the
  writer role's only way in: it takes the library's `LOCK TABLE … IN EXCLUSIVE MODE` (as the
  owner, so the writer needs neither INSERT nor UPDATE, and can lock nothing), notifies the
  followers and inserts the rows;
- the BEFORE INSERT row trigger `ledger_events_stamp`: it sets `stored_at` to the server's
  `clock_timestamp()` and `stored_by` to `session_user` (the role that logged in, whatever the
  client sends), and refuses an event whose stored JSON claims another author (`recorded_by`), a
  recorded time (`timestamp`) more than `TOLERANCE_SECONDS` away from the server's clock, or a
  recorded time earlier than its stream's previous event's.

The table's owner inserting directly (not through the function) is the one exception: a copy or a
restore keeps the stamps it gives (NULL if none). The owner can change anything anyway (it can
drop the trigger); only a head kept outside the database catches it (`verify --expect --at`).
"""

from typing import Any

from cli.persistence.storage import APPEND_FUNCTION, EVENTS_TABLE, STORE_STAMPS

STAMP_FUNCTION = "loanledger_stamp"
STAMP_TRIGGER = f"{EVENTS_TABLE}_stamp"
TOLERANCE_SECONDS = 10
APPENDING = "loanledger.appending"  # set (transaction-local) by the append function for its trigger
__all__ = ["APPEND_FUNCTION", "STORE_STAMPS", "append_through_store", "install", "installed", "stamps"]


def installed(cursor: Any, schema: str, function: str = APPEND_FUNCTION) -> bool:
    """Whether the append function (or, for the market-data table, `function`) exists."""
    cursor.execute("SELECT to_regproc(format('%%I.%%I', %s::text, %s::text)) IS NOT NULL AS ok",
                   (schema, function))
    return bool(_first(cursor.fetchone()))


def install(cursor: Any, schema: str, stored_event_type: str) -> None:
    """Create (or bring up to date) the columns, the trigger and the append function. Run by the
    events table's owner; safe to repeat."""
    from psycopg import sql  # start-up: psycopg costs ~140 ms, and a SQLite ledger never needs it

    table = sql.Identifier(schema, EVENTS_TABLE)
    stamp = sql.Identifier(schema, STAMP_FUNCTION)
    append = sql.Identifier(schema, APPEND_FUNCTION)
    names = {"table": table, "stamp": stamp, "append": append, "trigger": sql.Identifier(STAMP_TRIGGER),
             "tolerance": sql.Literal(TOLERANCE_SECONDS), "appending": sql.Literal(APPENDING),
             "type": sql.Identifier(schema, stored_event_type), "channel": sql.Identifier(EVENTS_TABLE)}
    for statement in (
        "ALTER TABLE {table} ADD COLUMN IF NOT EXISTS stored_at timestamptz, "
        "ADD COLUMN IF NOT EXISTS stored_by text",
        """CREATE OR REPLACE FUNCTION {stamp}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    claimed jsonb;
    claimed_at timestamptz;
    previous_at timestamptz;
BEGIN
    IF current_setting({appending}, true) IS DISTINCT FROM 'on'
       AND pg_has_role(session_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'MEMBER') THEN
        RETURN NEW;  -- the owner inserting directly (a copy, a restore): its stamps stand as given
    END IF;
    NEW.stored_at := clock_timestamp();
    NEW.stored_by := session_user;
    BEGIN
        claimed := convert_from(NEW.state, 'UTF8')::jsonb;
        claimed_at := (claimed->>'timestamp')::timestamptz;
    EXCEPTION WHEN others THEN
        claimed_at := NULL;
    END;
    IF claimed_at IS NULL THEN
        RAISE EXCEPTION 'loanledger refused the event: its stored state names no recorded time'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF claimed->>'recorded_by' IS DISTINCT FROM session_user THEN
        RAISE EXCEPTION 'loanledger refused the event: it says recorded_by %, but the session''s role is %',
            coalesce(claimed->>'recorded_by', 'nothing'), session_user USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF abs(extract(epoch FROM claimed_at - NEW.stored_at)) > {tolerance} THEN
        RAISE EXCEPTION 'loanledger refused the event: its recorded time % is more than % s from the database''s clock (%)',
            claimed_at, {tolerance}, NEW.stored_at USING ERRCODE = 'insufficient_privilege';
    END IF;
    BEGIN
        SELECT (convert_from(e.state, 'UTF8')::jsonb->>'timestamp')::timestamptz INTO previous_at
        FROM {table} AS e
        WHERE e.originator_id = NEW.originator_id AND e.originator_version = NEW.originator_version - 1;
    EXCEPTION WHEN others THEN
        previous_at := NULL;  -- an unreadable predecessor is verify's finding, not this insert's
    END;
    IF previous_at IS NOT NULL AND claimed_at < previous_at THEN
        RAISE EXCEPTION 'loanledger refused the event: its recorded time % is earlier than the previous event''s (%)',
            claimed_at, previous_at USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$""",
        "CREATE OR REPLACE TRIGGER {trigger} BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION {stamp}()",
        """CREATE OR REPLACE FUNCTION {append}(events {type}[]) RETURNS SETOF bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    LOCK TABLE {table} IN EXCLUSIVE MODE;
    PERFORM set_config({appending}, 'on', true);
    NOTIFY {channel};
    RETURN QUERY INSERT INTO {table} AS t (originator_id, originator_version, topic, state)
        SELECT e.originator_id, e.originator_version, e.topic, e.state FROM unnest(events) AS e
        RETURNING t.notification_id;
    PERFORM set_config({appending}, 'off', true);
END $$""",
        "REVOKE ALL ON FUNCTION {append}({type}[]) FROM PUBLIC",
    ):
        cursor.execute(sql.SQL(statement).format(**names))


def append_through_store(recorder: Any, function: str = APPEND_FUNCTION) -> None:
    """Make the library's recorder insert through `loanledger_append` (or, for the market-data
    table, `function`) instead of its own LOCK TABLE + INSERT (in the same pipeline and
    transaction)."""
    from psycopg import sql  # start-up: psycopg costs ~140 ms, and a SQLite ledger never needs it

    schema = recorder.datastore.schema
    statement = sql.SQL("SELECT n FROM {}(%s::{}[]) AS n").format(
        sql.Identifier(schema, function), sql.Identifier(schema, recorder.stored_event_type_name))

    def insert(curs: Any, stored_events: Any, **_: Any) -> None:
        rows = [recorder.construct_pg_stored_event(e.originator_id, e.originator_version, e.topic, e.state)
                for e in stored_events]
        curs.execute(statement, (rows,), prepare=True)

    def fetch_ids(curs: Any, stored_events: Any, **_: Any) -> list[int]:
        return [row["n"] for row in curs.fetchall()]

    recorder._insert_stored_events = insert
    recorder._fetch_ids_after_insert_events = fetch_ids


def install_market_append(cursor: Any, schema: str, table: str, function: str, stored_event_type: str) -> None:
    """`function(events)`: the writer's only way into the market-data table, as `loanledger_append`
    is into the events table. SECURITY DEFINER (run as the table's owner): it takes the table's
    EXCLUSIVE lock, refuses an event whose stored JSON claims another author than the session's
    role or a recorded time more than TOLERANCE_SECONDS from the server's clock, and inserts the
    rows. Run by the table's owner; safe to repeat."""
    from psycopg import sql  # start-up: psycopg costs ~140 ms, and a SQLite ledger never needs it

    names = {"table": sql.Identifier(schema, table), "append": sql.Identifier(schema, function),
             "type": sql.Identifier(schema, stored_event_type), "tolerance": sql.Literal(TOLERANCE_SECONDS),
             "channel": sql.Identifier(table)}
    for statement in (
        """CREATE OR REPLACE FUNCTION {append}(events {type}[]) RETURNS SETOF bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    claimed jsonb;
    ev record;
BEGIN
    LOCK TABLE {table} IN EXCLUSIVE MODE;
    FOR ev IN SELECT * FROM unnest(events) LOOP
        BEGIN
            claimed := convert_from(ev.state, 'UTF8')::jsonb;
        EXCEPTION WHEN others THEN
            claimed := NULL;
        END;
        IF claimed IS NULL OR claimed->>'recorded_by' IS DISTINCT FROM session_user THEN
            RAISE EXCEPTION 'loanledger refused the fixing: it says recorded_by %, but the session''s role is %',
                coalesce(claimed->>'recorded_by', 'nothing'), session_user USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF abs(extract(epoch FROM (claimed->>'timestamp')::timestamptz - clock_timestamp())) > {tolerance} THEN
            RAISE EXCEPTION 'loanledger refused the fixing: its recorded time % is more than % s from the database''s clock',
                claimed->>'timestamp', {tolerance} USING ERRCODE = 'insufficient_privilege';
        END IF;
    END LOOP;
    NOTIFY {channel};
    RETURN QUERY INSERT INTO {table} AS t (originator_id, originator_version, topic, state)
        SELECT e.originator_id, e.originator_version, e.topic, e.state FROM unnest(events) AS e
        RETURNING t.notification_id;
END $$""",
        "REVOKE ALL ON FUNCTION {append}({type}[]) FROM PUBLIC",
    ):
        cursor.execute(sql.SQL(statement).format(**names))


def _first(row: Any) -> Any:
    if row is None:
        return None
    return row["ok"] if isinstance(row, dict) else row[0]
