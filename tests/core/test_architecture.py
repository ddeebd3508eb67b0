"""Dependencies point one way (README, "Conventions"): the core imports no area, and
``media_pipeline/`` nothing of ``app/``. Areas put themselves in the shell through
``app/registry.py``; only the factory (``app/__init__.py``) and the demo loader beside it
(``app/demo.py``) put the areas together."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app"
#: Every package under app/ but the core's own blueprint is an area.
AREAS = sorted(p.parent.name for p in APP.glob("*/__init__.py") if p.parent.name != "core")
#: Where the areas are put together.
COMPOSITION = {APP / "__init__.py", APP / "demo.py"}


def core_modules() -> list[Path]:
    modules = [p for p in APP.glob("*.py") if p not in COMPOSITION]
    return sorted([*modules, *(APP / "core").rglob("*.py")])


def imports(path: Path) -> set[str]:
    """Every module ``path`` imports, anywhere in it (relative imports resolved)."""
    package = path.relative_to(ROOT).with_suffix("").parts[:-1]  # a module's, or __init__'s
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else ()
            module = ".".join([*base, *([node.module] if node.module else [])])
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def area_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "app" and parts[1] in AREAS else None


def test_the_areas_are_found():
    assert {"accounts", "learning", "groups", "coaching", "studio", "programmes"} <= set(AREAS)
    assert "core" not in AREAS and len(core_modules()) > 15


def test_the_core_imports_no_area():
    wrong = {
        f"{path.relative_to(ROOT)} imports {module}"
        for path in core_modules()
        for module in imports(path)
        if area_of(module)
    }
    assert not wrong, sorted(wrong)


def test_the_media_pipeline_imports_nothing_of_the_app():
    wrong = {
        f"{path.relative_to(ROOT)} imports {module}"
        for path in (ROOT / "media_pipeline").rglob("*.py")
        for module in imports(path)
        if module == "app" or module.startswith("app.")
    }
    assert not wrong, sorted(wrong)


def test_the_shell_names_no_area_s_pages():
    """Tabs and home cards come from the areas (``registry.tab``, ``registry.home_cards``):
    the navigation and the home page name no area's endpoint or partial."""
    named = re.compile(rf"""['"]({"|".join(AREAS)})[./]""")
    shell = [APP / "navigation.py", *(APP / "core" / "templates").rglob("*.html")]
    wrong = [
        f"{path.relative_to(ROOT)}: {m[0]}"
        for path in shell
        for m in named.finditer(path.read_text())
    ]
    assert not wrong, wrong
