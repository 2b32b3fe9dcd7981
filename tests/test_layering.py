"""Dependencies point one way (docs/architecture.md): a test, not a convention.

Every import counts, at module level or inside a function (tests/import_graph.py), so an arrow
cannot hide behind a deferred import.
"""

from pathlib import Path

from tests.import_graph import ROOT, Arrow, all_arrows, cycles, project_graph

DATABASE = ("psycopg", "psycopg_pool", "sqlite3", "eventsourcing.persistence", "eventsourcing.sqlite",
            "eventsourcing.postgres", "eventsourcing.application", "eventsourcing.projection",
            "eventsourcing.system")
TERMINAL = ("typer", "rich", "click")

# Which layer may import which (an importer's layer -> the layers it must not import).
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "domain": ("projections", "cli", *DATABASE, *TERMINAL),
    "projections": ("cli", *DATABASE, *TERMINAL),
    "cli.formats": ("cli.application", "cli.persistence", "cli.commands", *DATABASE, *TERMINAL),
    "cli.persistence": ("cli.application", "cli.commands", *TERMINAL),
    "cli.application": ("cli.commands", *TERMINAL),
}


def _under(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def forbidden_arrows(arrows: list[Arrow]) -> list[str]:
    found = []
    for a in arrows:
        for layer, banned in FORBIDDEN.items():
            if _under(a.importer, layer) and any(_under(a.imported, b) for b in banned):
                found.append(f"{a.importer}:{a.line} imports {a.imported}")
    return found


def test_no_module_imports_against_the_layering():
    assert forbidden_arrows(all_arrows()) == []


def test_typer_and_rich_are_imported_only_by_the_command_layer():
    outside = [f"{a.importer}:{a.line} imports {a.imported}" for a in all_arrows()
               if any(_under(a.imported, t) for t in TERMINAL) and not _under(a.importer, "cli.commands")]
    assert outside == []


def test_the_import_graph_has_no_cycle():
    assert cycles(project_graph()) == []


def test_every_deferred_import_says_what_start_up_time_it_buys():
    unexplained = []
    for a in all_arrows():
        if a.lazy:
            file = ROOT / Path(*a.importer.split("."))
            path = file / "__init__.py" if file.is_dir() else file.with_suffix(".py")
            if "# start-up" not in path.read_text(encoding="utf-8").splitlines()[a.line - 1]:
                unexplained.append(f"{a.importer}:{a.line} {a.imported}")
    assert unexplained == []


def test_the_checks_find_what_they_look_for():
    """The rules above can fail: a made-up arrow of each kind is reported."""
    made_up = [Arrow("domain.facility", "psycopg", 1, False), Arrow("projections.engine", "cli.commands.app", 2, True),
               Arrow("cli.persistence.storage", "cli.application.ledger", 3, False)]
    assert len(forbidden_arrows(made_up)) == 3
    assert cycles({"a": {"b"}, "b": {"a"}, "c": set()}) == [["a", "b"]]
    assert forbidden_arrows([Arrow("cli.commands.app", "cli.application.ledger", 1, False)]) == []
