"""Who commits (issue 25): a building block (``app/units.py``) never commits; the service a
route, command or job calls commits once. Documented building blocks carry the marker, and a
marked one that commits fails at once (``tests/studio/test_studio_commits.py``: publishing
commits once)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import app as app_package
from app.extensions import db
from app.units import BUILDING_BLOCKS, BuildingBlockCommitted, building_block

SAYS_BUILDING_BLOCK = re.compile(
    r"building block|never commits|caller commits|caller's unit of work|caller's transaction",
    re.IGNORECASE,
)
APP = Path(app_package.__file__).parent


def _functions():
    for path in sorted(APP.rglob("*.py")):
        if path.name == "units.py" and path.parent == APP:
            continue  # the marker itself
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                yield path.relative_to(APP.parent), node


def _marked(node) -> bool:
    return any(getattr(d, "id", None) == "building_block" for d in node.decorator_list)


def test_every_function_documented_as_a_building_block_is_marked_and_never_commits():
    unmarked, committing = [], []
    for path, node in _functions():
        doc = ast.get_docstring(node) or ""
        if SAYS_BUILDING_BLOCK.search(doc) and not _marked(node):
            unmarked.append(f"{path}:{node.lineno} {node.name}")
        if _marked(node) and ".commit()" in ast.unparse(node):
            committing.append(f"{path}:{node.lineno} {node.name}")
    assert not unmarked, "say @building_block (app/units.py): " + ", ".join(unmarked)
    assert not committing, "a building block commits: " + ", ".join(committing)


def test_the_marked_ones_are_listed(app):
    names = set(BUILDING_BLOCKS)
    assert "app.studio.services._common.refresh_course_figures" in names
    assert "app.studio.services.uploads.apply_ready_asset" in names
    assert "app.media.services.uploads.queue_stored_source" in names


def test_a_building_block_that_commits_fails_and_stores_nothing(app, make_user):
    user = make_user("leader", name="Before")

    @building_block
    def rename_and_commit(name):
        db.session.get(type(user), user.id).name = name
        db.session.commit()

    with pytest.raises(BuildingBlockCommitted, match="rename_and_commit"):
        rename_and_commit("After")
    db.session.rollback()
    assert db.session.get(type(user), user.id).name == "Before"

    @building_block
    def rename(name):
        db.session.get(type(user), user.id).name = name

    rename("After")  # the caller commits: that is allowed
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(type(user), user.id).name == "After"
