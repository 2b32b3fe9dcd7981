"""The read-model tables, for SQLite and PostgreSQL (docs/read-models.md describes each column)."""

BATCH = 2000  # events per transaction when catching up

TABLES = ("rm_facility_summary", "rm_event_journal", "rm_portfolio_steps")

# One spelling per column type: (PostgreSQL, SQLite)
TYPES = {
    "MONEY": ("NUMERIC(20,2)", "TEXT"),
    "DAY": ("DATE", "TEXT"),
    "INSTANT": ("TIMESTAMPTZ", "TEXT"),
    "ID": ("BIGINT", "INTEGER"),
}

DDL = (
    """CREATE TABLE IF NOT EXISTS rm_facility_summary (
        facility_id TEXT PRIMARY KEY,
        code TEXT NOT NULL UNIQUE,
        borrower TEXT NOT NULL,
        status TEXT NOT NULL,
        principal_outstanding MONEY NOT NULL,
        last_version INTEGER NOT NULL,
        last_effective_date DAY,
        last_recorded_at INSTANT NOT NULL,
        horizon DAY NOT NULL,
        problem TEXT,
        notification_id ID NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS rm_event_journal (
        facility_id TEXT NOT NULL,
        facility_code TEXT NOT NULL,
        version INTEGER NOT NULL,
        notification_id ID NOT NULL,
        event_type TEXT NOT NULL,
        effective_date DAY,
        recorded_at INSTANT NOT NULL,
        recorded_by TEXT NOT NULL,
        note TEXT,
        amount MONEY,
        reference TEXT,
        source TEXT,
        chain_hash TEXT NOT NULL,
        reversed_by INTEGER,
        PRIMARY KEY (facility_id, version))""",
    "CREATE INDEX IF NOT EXISTS rm_event_journal_by_code ON rm_event_journal (facility_code, version)",
    "CREATE INDEX IF NOT EXISTS rm_event_journal_by_type ON rm_event_journal (event_type, effective_date)",
    """CREATE TABLE IF NOT EXISTS rm_portfolio_steps (
        facility_id TEXT NOT NULL,
        valid_from DAY NOT NULL,
        valid_until DAY NOT NULL,
        status TEXT NOT NULL,
        principal MONEY NOT NULL,
        past_due_principal MONEY NOT NULL,
        past_due_interest MONEY NOT NULL,
        past_due_fees MONEY NOT NULL,
        past_due_total MONEY NOT NULL,
        oldest_due DAY,
        problem TEXT,
        PRIMARY KEY (facility_id, valid_from))""",
    "CREATE INDEX IF NOT EXISTS rm_portfolio_steps_by_day ON rm_portfolio_steps (valid_until, valid_from)",
)

WORKER_DDL = """CREATE TABLE IF NOT EXISTS rm_worker (
        name TEXT PRIMARY KEY, owner TEXT NOT NULL, heartbeat DOUBLE PRECISION NOT NULL)"""


def statements(postgres: bool) -> list[str]:
    out = []
    for sql in (*DDL, WORKER_DDL):
        for name, (pg, lite) in TYPES.items():
            sql = sql.replace(f" {name} ", f" {pg if postgres else lite} ").replace(f" {name},", f" {pg if postgres else lite},").replace(f" {name})", f" {pg if postgres else lite})")
        out.append(sql)
    return out
