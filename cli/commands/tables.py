"""Rich output that never cuts a figure short.

On a terminal, tables fit its width and fold cells that do not fit; into a pipe or a file
(no terminal to fit), lines may be as wide as 200 columns so that figures stay on one line.
"""

import os
import sys
from typing import Any

from rich.console import Console

PIPE_WIDTH = 200


def output_console() -> Console:
    width = None if sys.stdout.isatty() or "COLUMNS" in os.environ else PIPE_WIDTH
    return Console(highlight=False, width=width)


def printable(text: str) -> str:
    """Text safe to show on a terminal (cli.formats.report.printable: each character no text
    field may hold becomes a visible escape such as \\x1b)."""
    from cli.formats.report import printable as escaped  # start-up: the report formats load when text is shown

    return escaped(text)


def new_table(*headers: str, **options: Any) -> Any:
    from rich.table import Table  # start-up: only when a table is drawn

    grid = Table(**options)
    for header in headers:
        grid.add_column(header, overflow="fold")
    return grid


def cell(value: Any) -> Any:
    """A table cell holding data: shown as written (never read as rich markup), escaped."""
    from rich.text import Text  # start-up: only when a table is drawn

    return Text(printable(str(value)))
