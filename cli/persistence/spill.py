"""What a long import must remember per record, kept on disk instead of in memory.

A private temporary SQLite database (SQLite deletes it when the connection closes), with a
small page cache, holds each facility's references, the content digests of its stored
events without a reference, and the events of a facility whose commitment rule asks the engine. Memory then stays the same whatever the size of the file.
"""

import sqlite3
from collections.abc import Iterator, MutableMapping
from typing import Any

from domain.events import EVENT_TYPES

CACHE_KIB = 8_192


class SpillFile:
    def __init__(self) -> None:
        self.db = sqlite3.connect("", isolation_level=None)  # "" = a temporary file on disk
        for pragma in ("journal_mode=OFF", "synchronous=OFF", f"cache_size=-{CACHE_KIB}", "temp_store=FILE"):
            self.db.execute(f"PRAGMA {pragma}")
        self.db.execute("CREATE TABLE refs (facility TEXT, reference TEXT, version INT, digest BLOB,"
                        " PRIMARY KEY (facility, reference)) WITHOUT ROWID")
        self.db.execute("CREATE TABLE seen (facility TEXT, digest BLOB, n INT,"
                        " PRIMARY KEY (facility, digest)) WITHOUT ROWID")
        self.db.execute("CREATE TABLE archive (facility TEXT, version INT, type TEXT, json TEXT,"
                        " PRIMARY KEY (facility, version)) WITHOUT ROWID")
        self.db.execute("BEGIN")  # never committed: the file is thrown away

    def close(self) -> None:
        self.db.close()

    def references(self, facility: str) -> "References":
        return References(self.db, facility)

    def seen(self, facility: str) -> "Seen":
        return Seen(self.db, facility)

    def archive(self, facility: str) -> "Archive":
        return Archive(self.db, facility)


class References(MutableMapping[str, tuple[int, bytes]]):
    """One facility's references: reference -> (version, content digest)."""

    def __init__(self, db: sqlite3.Connection, facility: str) -> None:
        self.db, self.facility = db, facility

    def __getitem__(self, reference: str) -> tuple[int, bytes]:
        row = self.db.execute("SELECT version, digest FROM refs WHERE facility = ? AND reference = ?",
                              (self.facility, reference)).fetchone()
        if row is None:
            raise KeyError(reference)
        return row[0], row[1]

    def __setitem__(self, reference: str, value: tuple[int, bytes]) -> None:
        self.db.execute("INSERT OR REPLACE INTO refs VALUES (?, ?, ?, ?)", (self.facility, reference, *value))

    def __delitem__(self, reference: str) -> None:
        self.db.execute("DELETE FROM refs WHERE facility = ? AND reference = ?", (self.facility, reference))

    def __iter__(self) -> Iterator[str]:
        rows = self.db.execute("SELECT reference FROM refs WHERE facility = ?", (self.facility,))
        return (r[0] for r in rows.fetchall())

    def __len__(self) -> int:
        return self.db.execute("SELECT count(*) FROM refs WHERE facility = ?", (self.facility,)).fetchone()[0]


class Seen:
    """One facility's stored events without a reference, as a multiset of content digests."""

    def __init__(self, db: sqlite3.Connection, facility: str) -> None:
        self.db, self.facility = db, facility

    def add(self, digest: bytes) -> None:
        self.db.execute("INSERT INTO seen VALUES (?, ?, 1) ON CONFLICT DO UPDATE SET n = n + 1",
                        (self.facility, digest))

    def clear(self) -> None:
        """Forget this facility, its references too: it is about to be replayed from the start."""
        self.db.execute("DELETE FROM seen WHERE facility = ?", (self.facility,))
        self.db.execute("DELETE FROM refs WHERE facility = ?", (self.facility,))

    def take(self, digest: bytes) -> bool:
        """Use up one stored copy of this content; False if none is left."""
        cursor = self.db.execute("UPDATE seen SET n = n - 1 WHERE facility = ? AND digest = ? AND n > 0",
                                 (self.facility, digest))
        return cursor.rowcount == 1


class Archive(MutableMapping[int, Any]):
    """One facility's events, for the engine (a revolver's commitment check replays every event;
    the aggregate keeps none): version -> event, as JSON on disk, decoded when read."""

    def __init__(self, db: sqlite3.Connection, facility: str) -> None:
        self.db, self.facility = db, facility

    def __getitem__(self, version: int) -> Any:
        row = self.db.execute("SELECT type, json FROM archive WHERE facility = ? AND version = ?",
                              (self.facility, version)).fetchone()
        if row is None:
            raise KeyError(version)
        return EVENT_TYPES[row[0]].from_stored(row[1])

    def __setitem__(self, version: int, event: Any) -> None:
        self.db.execute("INSERT OR REPLACE INTO archive VALUES (?, ?, ?, ?)",
                        (self.facility, version, type(event).__name__, event.model_dump_json()))

    def __delitem__(self, version: int) -> None:
        self.db.execute("DELETE FROM archive WHERE facility = ? AND version = ?", (self.facility, version))

    def __iter__(self) -> Iterator[int]:
        rows = self.db.execute("SELECT version FROM archive WHERE facility = ? ORDER BY version", (self.facility,))
        return (r[0] for r in rows.fetchall())

    def __len__(self) -> int:
        return self.db.execute("SELECT count(*) FROM archive WHERE facility = ?", (self.facility,)).fetchone()[0]

    def items(self) -> Any:  # one query, not one per version
        rows = self.db.execute("SELECT version, type, json FROM archive WHERE facility = ? ORDER BY version",
                               (self.facility,)).fetchall()
        return [(v, EVENT_TYPES[t].from_stored(j)) for v, t, j in rows]

    def events(self) -> list[Any]:
        """Every event, in version order."""
        return [event for _, event in self.items()]

    def clear(self) -> None:
        self.db.execute("DELETE FROM archive WHERE facility = ?", (self.facility,))
