"""The read-model tables, for SQLite and PostgreSQL (docs/read-models.md describes each column).

Each table is described once (columns, primary key, unique columns, indexes); from that come the
DDL of the live tables and of the rebuild's shadow copies (`shadow_tables.py`), which are loaded without
indexes and indexed once at the end.
"""

from dataclasses import dataclass

BATCH = 2000  # events per transaction when catching up
REBUILD_CHUNK = 25  # facilities per unit of a rebuild's work: enough to amortise a query, few enough to spread evenly

# One spelling per column type: (PostgreSQL, SQLite)
TYPES = {
    "MONEY": ("NUMERIC(20,2)", "TEXT"),
    "DAY": ("DATE", "TEXT"),
    "INSTANT": ("TIMESTAMPTZ", "TEXT"),
    "ID": ("BIGINT", "INTEGER"),
}
# Each column type's name for a binary COPY on PostgreSQL (psycopg's `set_types`)
COPY_TYPES = {"MONEY": "numeric", "DAY": "date", "INSTANT": "timestamptz", "ID": "int8", "TEXT": "text",
              "INTEGER": "int4"}


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[tuple[str, str], ...]  # (name, type [NOT NULL]); types from TYPES or plain SQL
    primary_key: tuple[str, ...]
    unique: tuple[str, ...] = ()  # single columns, each UNIQUE
    indexes: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (index name, columns)

    def column_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.columns)

    def copy_types(self) -> list[str]:
        """The columns' PostgreSQL types, in order, for a binary COPY."""
        return [COPY_TYPES[kind.partition(" ")[0]] for _, kind in self.columns]

    def column_sql(self, postgres: bool) -> str:
        return ",\n        ".join(f"{name} {_spelled(kind, postgres)}" for name, kind in self.columns)

    def create(self, postgres: bool, name: str | None = None, keys: bool = True) -> str:
        """CREATE TABLE IF NOT EXISTS, with the primary key and unique columns inline (`keys`)."""
        parts = [self.column_sql(postgres)]
        if keys:
            parts += [f"PRIMARY KEY ({', '.join(self.primary_key)})"]
            parts += [f"UNIQUE ({column})" for column in self.unique]
        body = ",\n        ".join(parts)
        return f"CREATE TABLE IF NOT EXISTS {name or self.name} (\n        {body})"

    def create_indexes(self, table: str | None = None, suffix: str = "") -> list[str]:
        return [f"CREATE INDEX IF NOT EXISTS {index}{suffix} ON {table or self.name} ({', '.join(columns)})"
                for index, columns in self.indexes]


SUMMARY = Table(
    "rm_facility_summary",
    (("facility_id", "TEXT NOT NULL"), ("code", "TEXT NOT NULL"), ("borrower", "TEXT NOT NULL"),
     ("status", "TEXT NOT NULL"), ("principal_outstanding", "MONEY NOT NULL"), ("last_version", "INTEGER NOT NULL"),
     ("last_effective_date", "DAY"), ("last_recorded_at", "INSTANT NOT NULL"), ("horizon", "DAY NOT NULL"),
     ("problem", "TEXT"), ("notification_id", "ID NOT NULL")),
    primary_key=("facility_id",), unique=("code",),
)

JOURNAL = Table(
    "rm_event_journal",
    (("facility_id", "TEXT NOT NULL"), ("facility_code", "TEXT NOT NULL"), ("version", "INTEGER NOT NULL"),
     ("notification_id", "ID NOT NULL"), ("event_type", "TEXT NOT NULL"), ("effective_date", "DAY"),
     ("recorded_at", "INSTANT NOT NULL"), ("recorded_by", "TEXT NOT NULL"), ("note", "TEXT"), ("amount", "MONEY"),
     ("reference", "TEXT"), ("source", "TEXT"), ("chain_hash", "TEXT NOT NULL"), ("reversed_by", "INTEGER")),
    primary_key=("facility_id", "version"),
    indexes=(("rm_event_journal_by_code", ("facility_code", "version")),
             ("rm_event_journal_by_type", ("event_type", "effective_date"))),
)

STEPS = Table(
    "rm_portfolio_steps",
    (("facility_id", "TEXT NOT NULL"), ("valid_from", "DAY NOT NULL"), ("valid_until", "DAY NOT NULL"),
     ("status", "TEXT NOT NULL"), ("principal", "MONEY NOT NULL"), ("past_due_principal", "MONEY NOT NULL"),
     ("past_due_interest", "MONEY NOT NULL"), ("past_due_fees", "MONEY NOT NULL"),
     ("past_due_total", "MONEY NOT NULL"), ("oldest_due", "DAY"), ("problem", "TEXT")),
    primary_key=("facility_id", "valid_from"),
    indexes=(("rm_portfolio_steps_by_day", ("valid_until", "valid_from")),),
)

LENDER_SHARES = Table(
    "rm_lender_shares",  # projections.readmodels.lender_shares
    (("facility_id", "TEXT NOT NULL"), ("note", "TEXT NOT NULL"), ("lender", "TEXT NOT NULL"),
     ("valid_from", "DAY NOT NULL"), ("valid_until", "DAY NOT NULL"), ("commitment", "MONEY NOT NULL")),
    primary_key=("facility_id", "note", "lender", "valid_from"),
    indexes=(("rm_lender_shares_by_lender", ("lender", "valid_from")),),
)

READ_MODELS = (SUMMARY, JOURNAL, STEPS, LENDER_SHARES)
TABLES = tuple(t.name for t in READ_MODELS)

WORKER_DDL = """CREATE TABLE IF NOT EXISTS rm_worker (
        name TEXT PRIMARY KEY, owner TEXT NOT NULL, heartbeat DOUBLE PRECISION NOT NULL)"""

# The rules edition the rows were computed by (projections.readmodels.RULES_EDITION); one row.
RULES_DDL = "CREATE TABLE IF NOT EXISTS rm_rules (edition INTEGER NOT NULL)"


def _spelled(kind: str, postgres: bool) -> str:
    head, _, rest = kind.partition(" ")
    if head in TYPES:
        head = TYPES[head][0 if postgres else 1]
    return f"{head} {rest}".strip()


def statements(postgres: bool) -> list[str]:
    """The DDL of the live tables (idempotent)."""
    out = []
    for table in READ_MODELS:
        out.append(table.create(postgres))
        out += table.create_indexes()
    out.append(WORKER_DDL)
    out.append(RULES_DDL)
    return out
