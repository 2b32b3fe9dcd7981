"""Dependencies point one way: cli -> projections -> domain. A test, not a convention."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE = {"psycopg", "psycopg_pool", "sqlite3", "eventsourcing.postgres", "eventsourcing.sqlite",
            "eventsourcing.application", "eventsourcing.persistence", "typer", "rich", "click"}


def imports_of(package):
    found = {}
    for file in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(file.read_text())):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name, []).append(file.relative_to(ROOT))
    return found


def offending(package, forbidden_roots):
    return {
        name: files for name, files in imports_of(package).items()
        if name.split(".")[0] in forbidden_roots or name in forbidden_roots
        or any(name.startswith(f + ".") for f in forbidden_roots)
    }


def test_domain_imports_no_projection_cli_or_database_code():
    assert offending("domain", {"projections", "cli"} | DATABASE) == {}


def test_projections_import_no_cli_code():
    assert offending("projections", {"cli", "typer", "rich", "click"}) == {}
