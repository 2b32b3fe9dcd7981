"""Rich output that never cuts a figure short.

On a terminal, tables fit its width and fold cells that do not fit; into a pipe or a file
(no terminal to fit), lines may be as wide as 200 columns so that figures stay on one line.
"""

import os
import sys
from typing import Any

from cli.formats.printable import printable

PIPE_WIDTH = 200


class LazyConsole:
    """A rich Console made on first use: a command that prints no table, colour or progress
    (a recording command's one line, see `say`) never imports rich's console (≈ 25 ms of
    start-up; docs/architecture.md, "Start-up"). Attributes are the Console's; `made()` is the
    Console itself, for what needs a real one (rich's Progress)."""

    def __init__(self, **options: Any) -> None:
        self._options = options
        self._console: Any = None

    def made(self) -> Any:
        if self._console is None:
            from rich.console import Console  # start-up: only when something is printed through rich

            self._console = Console(**self._options)
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self.made(), name)


def output_console() -> LazyConsole:
    width = None if sys.stdout.isatty() or "COLUMNS" in os.environ else PIPE_WIDTH
    return LazyConsole(highlight=False, width=width)


def say(line: str) -> None:
    """One plain line on standard output, as written (no rich markup, no emoji codes), with
    the characters a terminal would act on escaped."""
    sys.stdout.write(printable(line) + "\n")


def new_table(*headers: str, **options: Any) -> Any:
    from rich.table import Table  # start-up: only when a table is drawn

    grid = Table(**options)
    for header in headers:
        grid.add_column(header, overflow="fold")
    return grid
