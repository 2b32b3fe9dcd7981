"""Rich tables that never cut a figure short: narrow terminals fold cells instead of '…'."""

from typing import Any

from rich.table import Table


def new_table(*headers: str, **options: Any) -> Table:
    grid = Table(**options)
    for header in headers:
        grid.add_column(header, overflow="fold")
    return grid
