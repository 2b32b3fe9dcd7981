"""Rich output that never cuts a figure short.

On a terminal, tables fit its width and fold cells that do not fit; into a pipe or a file
(no terminal to fit), lines may be as wide as 200 columns so that figures stay on one line.
"""

import os
import sys
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from domain import parsing

PIPE_WIDTH = 200


def output_console() -> Console:
    width = None if sys.stdout.isatty() or "COLUMNS" in os.environ else PIPE_WIDTH
    return Console(highlight=False, width=width)


def new_table(*headers: str, **options: Any) -> Table:
    grid = Table(**options)
    for header in headers:
        grid.add_column(header, overflow="fold")
    return grid


def printable(text: str) -> str:
    """Text from the ledger or the user, safe to show on a terminal: each character that no text
    field may hold (domain.parsing.refused_character: controls such as ESC and newline, C1,
    line separators, bidirectional overrides, lone surrogates) becomes a visible escape such as
    \\x1b or \\u202e. New input cannot hold them; rows stored before the rule can."""
    if not any(parsing.refused_character(c) for c in text):
        return text
    return "".join(_escaped(c) if parsing.refused_character(c) else c for c in text)


def _escaped(c: str) -> str:
    code = ord(c)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def cell(value: Any) -> Text:
    """A table cell holding data: shown as written (never read as rich markup), escaped."""
    return Text(printable(str(value)))
