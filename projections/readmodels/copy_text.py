"""Rows in PostgreSQL's COPY text format (tab-separated, `\\N` for NULL, backslash escapes), so
that the processes computing a rebuild's rows hand the writer bytes it streams as they are.

Values are what the read models hold: text, integers, Decimal amounts, dates and aware instants
(written in ISO 8601 with their offset, which PostgreSQL reads back as the same instant).
"""

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def field(value: Any) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, str):
        return value.translate(_ESCAPES)
    if isinstance(value, bool):
        raise TypeError("the read models hold no booleans")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError(f"instant {value} has no offset")
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} {value!r} to a read model")


def copy_text(rows: Iterable[Sequence[Any]]) -> bytes:
    """The rows as one COPY ... FROM STDIN (text format) payload."""
    return "".join("\t".join(map(field, row)) + "\n" for row in rows).encode("utf-8")
