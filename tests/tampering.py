"""Changing a ledger's events table directly with SQL, as someone with database access could:
the attacks `verify` must catch. Works on the SQLite file and on PostgreSQL alike."""

import json
import sqlite3

import psycopg

from cli.persistence.storage import database


class StoredEvents:
    def __init__(self, db_url):
        self.db = database(db_url)
        self.table = "ledger_events" if self.db.is_postgres else "stored_events"

    def _connect(self):
        if self.db.is_postgres:
            env = self.db.env
            return psycopg.connect(host=env["POSTGRES_HOST"], port=env["POSTGRES_PORT"],
                                   user=env["POSTGRES_USER"], dbname=env["POSTGRES_DBNAME"])
        return sqlite3.connect(self.db.env["SQLITE_DBNAME"])

    def execute(self, statement, *params):
        if self.db.is_postgres:
            statement = statement.replace("?", "%s")
        connection = self._connect()
        try:
            cursor = connection.execute(statement.format(table=self.table), params)
            rows = cursor.fetchall() if cursor.description else []
            connection.commit()
            return rows
        finally:
            connection.close()

    def state(self, version):
        (state,), = self.execute("SELECT state FROM {table} WHERE originator_version = ?", version)
        return json.loads(bytes(state))

    def set_state(self, version, state):
        self.execute("UPDATE {table} SET state = ? WHERE originator_version = ?", _bytes(state), version)

    def edit(self, version, **changes):
        self.set_state(version, {**self.state(version), **changes})

    def delete(self, version):
        self.execute("DELETE FROM {table} WHERE originator_version = ?", version)

    def swap(self, a, b):
        state_a, state_b = self.state(a), self.state(b)
        self.set_state(a, state_b)
        self.set_state(b, state_a)

    def append(self, version, topic, state):
        """A new row in the stream of version 1's facility (the tests hold one facility)."""
        self.execute(
            "INSERT INTO {table} (originator_id, originator_version, topic, state) "
            "SELECT originator_id, ?, ?, ? FROM {table} WHERE originator_version = 1",
            version, topic, _bytes(state))

    def topic(self, version):
        (topic,), = self.execute("SELECT topic FROM {table} WHERE originator_version = ?", version)
        return topic


def _bytes(state):
    return json.dumps(state, separators=(",", ":")).encode("utf-8")
