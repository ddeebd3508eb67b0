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


VIEW_DECORATORS = {"route", "get", "post", "put", "patch", "delete", "add_url_rule"}


def _area_modules(area: Path) -> list[Path]:
    return sorted(p for p in area.rglob("*.py") if "translations" not in p.parts)


def _is_routes_module(area: Path, path: Path) -> bool:
    relative = path.relative_to(area)
    return relative == Path("routes.py") or relative.parts[0] == "routes"


def _registers_views(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        call = node.func if isinstance(node, ast.Call) else node
        if (
            isinstance(call, ast.Attribute)
            and call.attr in VIEW_DECORATORS
            and isinstance(call.value, ast.Name)
            and call.value.id == "bp"
        ):
            return True
    return False


def test_views_live_in_routes_py_or_a_routes_package():
    """An area's views are in ``routes.py``, or in a ``routes/`` package of modules by
    topic when one file is too long; never both, never ``manage.py``, ``me.py`` or
    ``*_routes.py`` beside them."""
    both = [a.name for a in _areas() if (a / "routes.py").exists() and (a / "routes").is_dir()]
    astray = [
        str(path.relative_to(APP.parent))
        for area in _areas()
        for path in _area_modules(area)
        if not _is_routes_module(area, path) and _registers_views(path)
    ]
    assert both == [] and astray == []


def test_routes_modules_share_only_through_routes_common():
    """Modules of a ``routes/`` package import from each other only ``_common`` (what they
    share), and nothing private from anywhere."""
    offenders = []
    for area in _areas():
        for path in _area_modules(area):
            in_routes_package = path.parent == area / "routes"
            for module, name in _imports(path):
                sibling = module.startswith(".") and not module.startswith("..")
                if in_routes_package and sibling and module not in (".", "._common"):
                    offenders.append(f"{path.relative_to(APP.parent)}: from {module}")
                if module.startswith(".") and name.startswith("_") and name != "__version__":
                    offenders.append(f"{path.relative_to(APP.parent)}: {name} from {module}")
    assert offenders == []


def test_shared_service_helpers_live_in_services_common():
    """A ``services/`` package keeps what its modules share — the area's ServiceError
    subclass first — in ``services/_common.py``: no ``common.py`` or ``errors.py`` beside."""
    misnamed, errors_elsewhere = [], []
    for area in _areas():
        package = area / "services"
        if not package.is_dir():
            continue
        misnamed += [
            str(p.relative_to(APP.parent))
            for p in package.glob("*.py")
            if p.stem in ("common", "errors")
        ]
        for path in package.glob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in tree.body:
                bases = [getattr(b, "id", "") for b in getattr(node, "bases", [])]
                if (
                    isinstance(node, ast.ClassDef)
                    and "ServiceError" in bases
                    and path.stem != "_common"
                ):
                    errors_elsewhere.append(f"{path.relative_to(APP.parent)}: {node.name}")
    assert misnamed == [] and errors_elsewhere == []
