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

from cli.formats.report import printable

PIPE_WIDTH = 200


def output_console() -> Console:
    width = None if sys.stdout.isatty() or "COLUMNS" in os.environ else PIPE_WIDTH
    return Console(highlight=False, width=width)


def new_table(*headers: str, **options: Any) -> Table:
    grid = Table(**options)
    for header in headers:
        grid.add_column(header, overflow="fold")
    return grid


def cell(value: Any) -> Text:
    """A table cell holding data: shown as written (never read as rich markup), escaped."""
    return Text(printable(str(value)))
