"""The README's layout rules, checked over every area under ``app/``."""

from __future__ import annotations

import ast
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app"


def _areas() -> list[Path]:
    return sorted(p.parent for p in APP.glob("*/__init__.py"))


def _routes_modules() -> list[Path]:
    """Each area's ``routes.py`` and the modules of its ``routes/`` package."""
    found = []
    for area in _areas():
        found += [area / "routes.py"] if (area / "routes.py").exists() else []
        found += sorted((area / "routes").glob("*.py"))
    return found


def _imports(path: Path) -> list[tuple[str, str]]:
    """(module, name) for every import in ``path``, at any depth."""
    pairs = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            pairs += [(alias.name, "") for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = "." * node.level + (node.module or "")
            pairs += [(module, alias.name) for alias in node.names]
    return pairs


def test_routes_reach_the_database_only_through_services():
    """A route loads through its area's services (``services.get_course(id)``), never
    ``db.session`` or a ``select()`` of its own. Catching the database's errors
    (``sqlalchemy.exc``) is a route's business: the core answers 503 when it is away."""
    offenders = [
        f"{path.relative_to(APP.parent)}: {module} {name}".strip()
        for path in _routes_modules()
        for module, name in _imports(path)
        if (module.split(".")[0] == "sqlalchemy" and module != "sqlalchemy.exc")
        or (module in ("app.extensions", "app") and name in ("db", "extensions"))
    ]
    assert _routes_modules(), "no routes modules found"
    assert offenders == []
