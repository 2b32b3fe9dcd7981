"""One way to print a report: rows under typed columns, rendered as a table, JSON or CSV.

A report is one or more sections; a section is a title, columns (each with a kind and a priority),
rows and total rows. `cli.commands.output.show` prints it in one of three formats:

- `table` on a terminal (drawn by cli.commands.output): a rich table that fits the terminal's width. No cell ever wraps: when the
  columns do not fit, the columns with the highest priority number are left out (and named under
  the table); when even the priority-0 columns do not fit, each row is printed as `column: value`
  lines. Numbers carry thousands separators (`1,234,567.89`).
- `table` not on a terminal (a pipe, a file): plain text, columns separated by two spaces, no box
  drawing, no colour, every column, nothing wrapped.
- `json`: the command's documented JSON shape (or, without one, a list of row objects);
  `csv`: one header line and plain numbers (`1234567.89`), every column; a report of several
  sections has a first column `section`.

docs/cli.md ("Output") documents the rules and how a new report adopts this module.
"""

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from cli.formats.printable import printable

KINDS = ("text", "code", "money", "exact", "rate", "count", "date", "instant")
NUMBER_KINDS = frozenset({"money", "exact", "rate", "count"})
FORMATS = ("table", "json", "csv")


@dataclass(frozen=True)
class Column:
    """`priority` 0 is never left out; higher numbers are left out first on a narrow terminal."""

    name: str
    kind: str = "text"
    priority: int = 0
    key: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")

    @property
    def field(self) -> str:
        return self.key or self.name.replace(" ", "_").replace("%", "pct").replace(".", "").strip("_")


@dataclass
class Section:
    title: str
    columns: Sequence[Column]
    rows: list[Sequence[Any]] = field(default_factory=list)
    totals: list[Sequence[Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    key: str | None = None  # the section's name in CSV and derived JSON; default: from the title

    @property
    def name(self) -> str:
        return self.key or _key(self.title)

    def add(self, *values: Any) -> None:
        self.rows.append(values)

    def total(self, *values: Any) -> None:
        self.totals.append(values)


@dataclass
class Report:
    sections: list[Section]
    json: Any = None  # the command's documented JSON shape; None: derived from the rows
    show_empty: bool = False  # print sections without rows (by default they are left out)


# ---------------------------------------------------------------------------------------------
# values


def _decimal(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def plain(value: Any, kind: str) -> str:
    """A value as JSON and CSV carry it: no thousands separators, exact digits."""
    if value is None or value == "":
        return ""
    if kind == "money":
        return f"{_decimal(value).quantize(Decimal('0.01'), ROUND_HALF_UP):f}"
    if kind == "exact":  # unrounded: at most 12 decimals, at least 2
        return _at_least_two_decimals(_decimal(value).quantize(Decimal("1e-12")))
    if kind == "rate":
        return _at_least_two_decimals(_decimal(value))
    if kind == "count":
        return str(int(value))
    if kind == "instant" and isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def shown(value: Any, kind: str) -> str:
    """A value as a table shows it: numbers with thousands separators, text made printable."""
    text = plain(value, kind)
    if not text:
        return ""
    if kind in ("money", "exact", "rate"):
        return f"{Decimal(text):,f}" if "." in text else f"{Decimal(text):,}"
    if kind == "count":
        return f"{int(text):,}"
    if kind == "instant" and isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M:%S}"
    return printable(text)


def _at_least_two_decimals(value: Decimal) -> str:
    """Exact digits, trailing zeros dropped down to two decimals: 8.5 -> 8.50, 4.579608 kept."""
    text = f"{value.normalize():f}"
    whole, _, decimals = text.partition(".")
    return f"{whole}.{decimals.ljust(2, '0')}"


# ---------------------------------------------------------------------------------------------
# rendering


def render(report: Report, fmt: str) -> str:
    """CSV, or the plain-text table written when standard output is not a terminal (the
    terminal's table is drawn, and JSON written with emit_json, by cli.commands.output.show)."""
    if fmt == "csv":
        return _csv(report)
    if fmt != "table":
        raise ValueError(f"unknown format {fmt!r}")
    return "\n".join(_plain_section(s) for s in shown_sections(report))


def shown_sections(report: Report) -> list[Section]:
    """The sections a table shows: those with rows (all of them with `show_empty`)."""
    return [s for s in report.sections if s.rows or s.totals or report.show_empty]


def json_rows(report: Report) -> Any:
    def rows(section: Section) -> list[dict[str, str]]:
        return [{c.field: plain(v, c.kind) for c, v in zip(section.columns, row)}
                for row in [*section.rows, *section.totals]]

    if len(report.sections) == 1:
        return rows(report.sections[0])
    return {s.name: rows(s) for s in report.sections}


def _key(title: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in title.lower()).strip("_")


def _csv(report: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    several = len(report.sections) > 1
    if several:
        names: list[str] = []
        for s in report.sections:
            names += [c.field for c in s.columns if c.field not in names]
        writer.writerow(["section", *names])
        for s in report.sections:
            for row in [*s.rows, *s.totals]:
                values = {c.field: plain(v, c.kind) for c, v in zip(s.columns, row)}
                writer.writerow([s.name, *(values.get(n, "") for n in names)])
    else:
        s = report.sections[0]
        writer.writerow([c.field for c in s.columns])
        for row in [*s.rows, *s.totals]:
            writer.writerow([plain(v, c.kind) for c, v in zip(s.columns, row)])
    return out.getvalue()


def cells(section: Section) -> tuple[list[list[str]], list[list[str]]]:
    def text(rows: Iterable[Sequence[Any]]) -> list[list[str]]:
        return [[shown(v, c.kind) for c, v in zip(section.columns, row)] for row in rows]

    return text(section.rows), text(section.totals)


def _plain_section(section: Section) -> str:
    rows, totals = cells(section)
    headers = [c.name for c in section.columns]
    widths = [max(len(x) for x in [h, *(r[i] for r in rows + totals)]) for i, h in enumerate(headers)]

    def line(values: Sequence[str]) -> str:
        parts = [v.rjust(w) if c.kind in NUMBER_KINDS else v.ljust(w)
                 for c, v, w in zip(section.columns, values, widths)]
        return "  ".join(parts).rstrip()

    lines = [printable(section.title), line(headers), "  ".join("-" * w for w in widths)]
    lines += [line(r) for r in rows]
    if totals:
        lines.append("  ".join("-" * w for w in widths))
        lines += [line(r) for r in totals]
    lines += [printable(n) for n in section.notes]
    return "\n".join(lines) + "\n"
