"""Shared fixtures: the app on a private database, clients, factories and a real browser.

The database is SQLite in a temporary folder, or PostgreSQL when ``TEST_DATABASE_URL``
is set, in a schema of its own so parallel runs never meet. Every test starts with
empty tables.
"""

from __future__ import annotations

import contextvars
import hashlib
import itertools
import os
import re
import shutil
import threading
import time
import uuid
from functools import partial
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import has_app_context
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from werkzeug.serving import make_server

from app import create_app
from app.extensions import db, limiter
from tests.services import require_chromium

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "correct horse battery"
MOBILE_VIEWPORT = {"width": 360, "height": 740}


def compile_catalogs() -> None:
    """Tests read the French and Swahili pages, so the catalogues must be compiled."""
    for po_path in ROOT.glob("app/**/translations/*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
            with po_path.open("rb") as po, mo_path.open("wb") as mo:
                write_mo(mo, read_po(po), use_fuzzy=True)


def on_postgresql() -> bool:
    return bool(os.environ.get("TEST_DATABASE_URL"))


def postgresql_can_change(item) -> bool:
    """Whether a test's outcome can depend on the database engine: it uses the database (the
    ``database_url`` fixture, which every app fixture builds on) and is not a browser
    journey. A journey exercises pages whose queries the route tests already run on both
    engines, and costs a browser's time, so it runs once, on SQLite."""
    journey = "browser" in item.fixturenames or item.get_closest_marker("browser")
    return "database_url" in item.fixturenames and not journey


def pytest_collection_modifyitems(config, items):
    """The suite runs twice in CI (.ci/run): on SQLite, everything but the tests marked
    ``postgresql`` (they need PostgreSQL itself); on PostgreSQL (``TEST_DATABASE_URL``), only
    what PostgreSQL can change (:func:`postgresql_can_change`) — the media pipeline, pure
    functions and browser journeys would only repeat the SQLite pass. Both deselect rather
    than skip, so a skip still means something is missing."""
    if on_postgresql():
        elsewhere = [item for item in items if not postgresql_can_change(item)]
    else:
        elsewhere = [item for item in items if item.get_closest_marker("postgresql")]
    if elsewhere:
        config.hook.pytest_deselected(items=elsewhere)
        unwanted = set(elsewhere)
        items[:] = [item for item in items if item not in unwanted]


#: Tests that start servers and workers of their own (gunicorn, nginx, ``flask media worker``):
#: under pytest-xdist they run one after another, on one worker, beside lighter tests only.
SERVING_TESTS = (
    "tests/media/test_media_queue.py",
    "tests/ops/test_ops_logs.py",
    "tests/ops/test_ops_metrics.py",
    "tests/ops/test_ops_scaled_out.py",
    "tests/ops/test_ops_slow_clients.py",
)


def pytest_xdist_make_scheduler(config, log):
    """``make test`` runs the suite on every core with pytest-xdist. A file's tests stay on
    one worker, so its module and session fixtures (a transcoded clip, a browser) are made
    once, and the serving tests form one unit of their own (:data:`SERVING_TESTS`)."""
    from xdist.scheduler import LoadFileScheduling

    class ByFile(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = super()._split_scope(nodeid)
            return "serving" if path in SERVING_TESTS else path

    return ByFile(config, log)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    url = os.environ.get("TEST_DATABASE_URL")
    if not on_postgresql():
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        return
    from app.config import database_url as normalise

    url = normalise(url)
    schema = f"test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in url else "?"
    yield f"{url}{sep}options=-csearch_path%3D{schema}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def app_config(database_url: str, instance_path: Path, **overrides) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-that-is-long-enough",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        "SERVER_NAME": None,
        # Hundreds of throwaway accounts: scrypt's ~0.1-0.4 s each would be minutes of the run
        # (tests/core/test_app.py keeps scrypt's own test).
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1",
        **overrides,
    }


class FreshContextClient(FlaskClient):
    """Each request runs in its own app context, as in production, so nothing cached on
    ``g`` (the signed-in user, the chosen language) leaks from one request to the next.
    The test's own session is then expired so it reads what the request wrote."""

    def open(self, *args, **kwargs):
        response = contextvars.Context().run(super().open, *args, **kwargs)
        if has_app_context():
            db.session.expire_all()
        return response


@pytest.fixture(scope="session")
def _app(database_url, tmp_path_factory):
    compile_catalogs()
    instance = tmp_path_factory.mktemp("instance")
    os.environ["INSTANCE_PATH"] = str(instance)
    app = create_app(app_config(database_url, instance))
    app.test_client_class = FreshContextClient
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@pytest.fixture
def app(_app):
    """The app, in an app context, with every table empty at the start."""
    with _app.app_context():
        _empty_tables()
        _fresh_limits()
        _app.extensions.pop("data_use", None)  # data counted and not written (the meter)
        yield _app
        db.session.remove()


def _empty_tables() -> None:
    """``DELETE`` from every table, children first: on tables of a test's few rows it costs a
    few milliseconds, where PostgreSQL's ``TRUNCATE`` of every table costs about a second
    (it makes new files for each). Ids go on from where they were, so no test may count on
    an id. A browser closed by the last test may still be reporting (a player's beacon on
    pagehide) to the live server: a deadlock with that late write is retried, not failed."""
    from sqlalchemy.exc import OperationalError

    for attempt in range(5):
        db.session.remove()
        try:
            with db.engine.begin() as conn:
                for table in reversed(db.metadata.sorted_tables):
                    conn.execute(table.delete())
            return
        except OperationalError:
            if attempt == 4:
                raise
            time.sleep(0.5)


class Ladders:
    """The media pipeline's output for each source (and captions) it has made this run.

    Tests of pages and players need a ready asset, not a fresh transcode: ``run_transcode``
    here runs the real job (claim, storage, publishing) and the real pipeline the first time
    a source is seen; after that the pipeline hands back a copy of what it made then. Tests
    of the transcode itself call ``app.media.services.run_transcode``."""

    def __init__(self, root: Path):
        self.root = root
        self.made: dict[tuple, tuple[Path, object]] = {}

    def run_transcode(self, asset_id: int) -> None:
        from unittest import mock

        from app.media.services import jobs

        with mock.patch.object(jobs, "transcode", partial(self._transcode, jobs.transcode)):
            jobs.run_transcode(asset_id)

    def _transcode(self, real_transcode, source, out_dir, *, captions=None, **options):
        digest = hashlib.sha256(Path(source).read_bytes()).hexdigest()
        key = (digest, captions, repr(options.get("limits")))
        if key not in self.made:
            manifest = real_transcode(source, out_dir, captions=captions, **options)
            folder = self.root / str(len(self.made))
            shutil.copytree(out_dir, folder)
            self.made[key] = (folder, manifest)
        folder, manifest = self.made[key]
        shutil.copytree(folder, out_dir, dirs_exist_ok=True)
        return manifest


@pytest.fixture(scope="session")
def ladders(tmp_path_factory) -> Ladders:
    return Ladders(tmp_path_factory.mktemp("ladders"))


def _fresh_limits() -> None:
    """Flask-Limiter is one object for every app of the run: a test whose storage was
    unreachable leaves it on its in-memory fallback, which would then count some requests
    there and some in the real storage. Each test starts on the real storage, counting
    nothing (private attributes: the extension has no public way to say this)."""
    limiter._storage_dead = False
    fallback = getattr(limiter, "_fallback_storage", None)
    if fallback is not None:
        fallback.reset()
    limiter.reset()


@pytest.fixture
def make_app(database_url, tmp_path):
    """Another app on the same database with some settings changed (CSRF on, say)."""

    def factory(**overrides):
        app = create_app(app_config(database_url, tmp_path, **overrides))
        app.test_client_class = FreshContextClient
        return app

    return factory


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


_counter = itertools.count(1)


@pytest.fixture
def make_user(app):
    """``make_user("coach", "leader", name=…)``: an account that can sign in with PASSWORD."""
    from app.accounts import services

    def factory(*roles, password=PASSWORD, **fields):
        n = next(_counter)
        fields.setdefault("email", f"person{n}@example.org")
        fields.setdefault("name", f"Person {n}")
        return services.create_user(roles=roles or ("leader",), password=password, **fields)

    return factory


def without_csrf_tokens(html: str) -> str:
    """The page with its CSRF tokens blanked: a signed token carries a timestamp, so two
    pages rendered a second apart differ there and nowhere else."""
    return re.sub(r'("csrf_token" value=|"X-CSRFToken":)"[^"]+"', r"\1TOKEN", html)


def sign_in(client, user, password=PASSWORD):
    response = client.post(
        "/sign-in", data={"identifier": user.email or user.phone, "password": password}
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    return response


def wait_until(condition, seconds=15) -> None:
    """Until ``condition()`` holds (a state the server reaches, say after a browser's
    request), or fail; the test's session reads afresh each time."""
    give_up = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < give_up, "not reached in time"
        time.sleep(0.1)
        db.session.expire_all()


def wait_in_page(page, script, seconds=15) -> None:
    """Until ``script`` (a function, maybe async) is truthy in ``page``, or fail. Playwright's
    ``wait_for_function`` takes a returned promise as truthy at once; ``evaluate`` awaits it."""
    wait_until(lambda: page.evaluate(script), seconds)


def sign_in_page(page, base_url, user, password=PASSWORD) -> None:
    """Sign ``user`` in on a browser ``page`` through the sign-in form."""
    page.goto(f"{base_url}/sign-in")
    page.fill("input[name=identifier]", user.email or user.phone)
    page.fill("input[name=password]", password)
    page.click("form.stack button.primary")
    page.wait_for_url(lambda url: "/sign-in" not in url)


@pytest.fixture
def login(client):
    """``login(user)`` signs the test client in as ``user``."""
    return lambda user, password=PASSWORD: sign_in(client, user, password)


# --- a real server and a real browser --------------------------------------------------


@pytest.fixture(scope="session")
def live_server(_app):
    """The app served over HTTP on 127.0.0.1 in a thread, for the browser."""
    server = make_server("127.0.0.1", 0, _app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser():
    executable = require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def phone(browser, app):
    """A new phone-sized browser context; ``phone(java_script_enabled=False)`` for no-JS,
    ``phone(service_workers="allow")`` for the service worker (blocked by default)."""
    contexts = []

    def factory(**options):
        options.setdefault("viewport", MOBILE_VIEWPORT)
        options.setdefault("is_mobile", True)
        options.setdefault("has_touch", True)
        options.setdefault("locale", "en-GB")
        # Pages as the network sends them: the service worker (static/js/sw.js) would answer
        # from its caches and CDP would weigh that as 0 bytes. Tests of offline allow it.
        options.setdefault("service_workers", "block")
        context = browser.new_context(**options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield factory
    for context in contexts:
        context.close()
