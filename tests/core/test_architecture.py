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


#: in a template: an area's endpoint or partial (``url_for('offline.web_manifest')``,
#: ``"notifications/_bell.html"``)
NAMED_IN_TEMPLATE = re.compile(rf"""['"]({"|".join(AREAS)})[./]""")
#: in a module: a string that is an area's endpoint, or the prefix of its endpoints
ENDPOINT = re.compile(rf"({'|'.join(AREAS)})\.\w*")


def core_templates() -> list[Path]:
    return sorted(
        [*(APP / "templates").rglob("*.html"), *(APP / "core" / "templates").rglob("*.html")]
    )


def named_areas(path: Path) -> list[str]:
    """What in ``path`` (a template or a module) names an area's page."""
    text = path.read_text()
    if path.suffix == ".html":
        return [m[0] for m in NAMED_IN_TEMPLATE.finditer(text)]
    return [
        node.value
        for node in ast.walk(ast.parse(text, str(path)))
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and ENDPOINT.fullmatch(node.value)
    ]


def test_the_check_finds_an_area_named(tmp_path):
    template, module = tmp_path / "layout.html", tmp_path / "shell.py"
    template.write_text("""<a href="{{ url_for('notifications.index') }}">""")
    module.write_text('TAB = "accounts.profile"\nok = "see app/accounts/routes.py"\n')
    assert named_areas(template) == ["'notifications."]
    assert named_areas(module) == ["accounts.profile"]


def test_the_shell_names_no_area_s_pages():
    """Tabs, home cards and the layout's parts (the manifest link, the bell, the language
    buttons) come from the areas (``registry.tab``, ``registry.home_cards``,
    ``registry.shell_part``, ``registry.body_data``): no core template or module names an
    area's endpoint or partial."""
    assert len(core_templates()) >= 4
    wrong = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in [*core_templates(), *core_modules()]
        for name in named_areas(path)
    ]
    assert not wrong, wrong
