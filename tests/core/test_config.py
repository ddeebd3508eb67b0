"""Every setting the app reads has its one default in ``app/config.py`` and is read as
``config["NAME"]``: no default written a second time beside the code that reads it (as
media, the studio's uploads, ops and coaching each had), and no setting read that is
nowhere defaulted."""

from __future__ import annotations

import ast
import os
import re
from collections import defaultdict
from pathlib import Path

from flask import Flask

from app.config import S3_SETTINGS, Config, load_config

ROOT = Path(__file__).resolve().parents[2]
#: Where the defaults are made: the one module that may read a setting that is not there.
CONFIG = ROOT / "app" / "config.py"
TEMPLATE_READ = re.compile(r"""\bconfig(?:\.([A-Z][A-Z0-9_]*)|\[['"]([A-Z][A-Z0-9_]*)['"]\])""")
TEMPLATE_GET = re.compile(r"\bconfig\.(get|setdefault|pop)\(")
#: The job queue reads the settings its jobs name (``jobs.every(minutes_setting="X")``,
#: ``jobs.loop(name, "X")``); those declarations count as reads of X here.
JOBS = ROOT / "app" / "jobs.py"


def _modules() -> list[Path]:
    return sorted(p for p in [*(ROOT / "app").rglob("*.py"), ROOT / "wsgi.py"] if p != CONFIG)


def _is_config(node: ast.AST) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "config") or (
        isinstance(node, ast.Name) and node.id == "config"
    )


def _named_by_job(call: ast.Call) -> str | None:
    """The setting a job declaration names, if ``call`` is one."""
    name = getattr(call.func, "attr", getattr(call.func, "id", None))
    if name == "every":
        for keyword in call.keywords:
            if keyword.arg == "minutes_setting" and isinstance(keyword.value, ast.Constant):
                return keyword.value.value
    if name == "loop" and len(call.args) == 2 and isinstance(call.args[1], ast.Constant):
        return call.args[1].value
    return None


def settings_read() -> tuple[dict[str, list[str]], list[str]]:
    """Each setting read anywhere, with where; and every read that is not ``config["NAME"]``
    (``config.get``, ``setdefault``, a key that is not written out)."""
    read, other = defaultdict(list), []
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.Subscript) and _is_config(node.value):
                key = node.slice
                if isinstance(key, ast.Constant) and isinstance(key.value, str):
                    read[key.value].append(where)
                elif path != JOBS:
                    other.append(f"{where} config[{ast.unparse(key)}]")
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("get", "setdefault", "pop")
                and _is_config(node.func.value)
            ):
                other.append(f"{where} {ast.unparse(node)}")
            elif isinstance(node, ast.Call):
                read_by_jobs = _named_by_job(node)
                if read_by_jobs:
                    read[read_by_jobs].append(where)
    for path in sorted((ROOT / "app").rglob("*.html")):
        text = path.read_text()
        for match in TEMPLATE_READ.finditer(text):
            read[match[1] or match[2]].append(str(path.relative_to(ROOT)))
        other += [f"{path.relative_to(ROOT)} config.{m[1]}(…)" for m in TEMPLATE_GET.finditer(text)]
    return read, other


def defaults(tmp_path, monkeypatch) -> set[str]:
    """The settings app/config.py gives a value, with nothing in the environment."""
    for name in list(os.environ):
        if name.startswith("HEADWAY_") or name in ("DATABASE_URL", "REDIS_URL", *S3_SETTINGS):
            monkeypatch.delenv(name)
    app = Flask("defaults", instance_path=str(tmp_path))
    load_config(app, None)
    missing = object()
    changed = {k for k, v in app.config.items() if Flask.default_config.get(k, missing) != v}
    return {name for name in vars(Config) if name.isupper()} | changed


def test_every_setting_read_has_a_default_in_app_config(tmp_path, monkeypatch):
    read, _ = settings_read()
    assert {
        "MEDIA_ROOT",
        "STUDIO_UPLOAD_LEASE_S",
        "COACHING_REMIND_EVERY_MINUTES",
        "MEDIA_SWEEP_INTERVAL_S",
    } <= set(read)
    known = defaults(tmp_path, monkeypatch)
    undefaulted = {name: where for name, where in read.items() if name not in known}
    assert not undefaulted, undefaulted


def test_settings_are_read_as_config_name():
    _, other = settings_read()
    assert not other, other


def test_folders_default_to_the_instance_and_the_environment_still_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("S3_BUCKET", "from-the-s3-tools")
    monkeypatch.setenv("HEADWAY_MEDIA_WORK_DIR", str(tmp_path / "elsewhere"))
    app = Flask("defaults", instance_path=str(tmp_path))
    load_config(app, {"MEDIA_MAX_BYTES": 1000})
    assert app.config["MEDIA_ROOT"] == str(tmp_path / "media")
    assert app.config["STUDIO_UPLOAD_DIR"] == str(tmp_path / "studio-uploads")
    assert app.config["MEDIA_WORK_DIR"] == str(tmp_path / "elsewhere")
    assert app.config["S3_BUCKET"] == "from-the-s3-tools"
    assert app.config["STUDIO_UPLOAD_MAX_BYTES"] == 1000  # none of its own: the media limit
    monkeypatch.setenv("HEADWAY_S3_BUCKET", "headway's own")
    load_config(app := Flask("again", instance_path=str(tmp_path)), None)
    assert app.config["S3_BUCKET"] == "headway's own"


def test_sqlite_flushes_as_the_setting_says(tmp_path):
    """WAL with synchronous NORMAL by default (a commit does not hold the process for a
    disk flush); FULL when the operator asks; anything else stops the start with advice."""
    import pytest
    from sqlalchemy import text

    from app import create_app
    from app.extensions import db

    def synchronous(**settings) -> int:
        app = create_app(
            {
                "SECRET_KEY": "a-test-secret-key-that-is-long-enough",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'flush.db'}",
                **settings,
            }
        )
        with app.app_context():
            return db.session.execute(text("PRAGMA synchronous")).scalar()

    assert synchronous() == 1  # NORMAL
    assert synchronous(SQLITE_SYNCHRONOUS="full") == 2  # FULL
    with pytest.raises(RuntimeError, match="use NORMAL"):
        synchronous(SQLITE_SYNCHRONOUS="off")
