"""/healthz says the process is alive; /readyz says whether it can serve, and what is down."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _answered_afresh(app):
    """The suite's app keeps /readyz's answer for 2 s (``READYZ_CACHE_S``): each test here
    changes what it should say, so none may read the answer the last one left."""
    app.extensions.pop("readiness", None)


def test_healthz_answers_without_touching_the_database(make_app):
    app = make_app(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:1/gone")
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_is_ok_when_everything_is_reachable(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "LOW_DISK_BYTES", 1)  # whatever this machine has free
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "ok",
        "checks": {"database": "ok", "queue": "ok", "storage": "ok", "disk": "ok"},
    }


def test_readyz_reports_a_low_disk_and_stays_in_rotation(app, client, monkeypatch):
    """Less free than LOW_DISK_BYTES where this process writes: said, but still 200 — the
    pages work while transcodes wait (the threshold is raised past any real disk here)."""
    monkeypatch.setitem(app.config, "LOW_DISK_BYTES", 2**62)
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "degraded"
    assert body["checks"]["disk"].startswith("low (") and "GiB free in /" in body["checks"]["disk"]
    assert body["checks"]["database"] == body["checks"]["storage"] == "ok"


def test_readyz_names_an_unreachable_database(make_app):
    app = make_app(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:1/gone")
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"].startswith("down")
    assert body["checks"]["queue"] == body["checks"]["storage"] == "ok"


def test_readyz_names_an_unreachable_queue(make_app):
    app = make_app(REDIS_URL="redis://127.0.0.1:1/0")
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    checks = response.get_json()["checks"]
    assert checks["queue"].startswith("down") and checks["database"] == "ok"


def test_readyz_names_storage_it_cannot_write(make_app, tmp_path):
    root = tmp_path / "media-gone"
    app = make_app(MEDIA_ROOT=str(root))
    shutil.rmtree(root)
    Path(root).write_text("not a folder")
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    checks = response.get_json()["checks"]
    assert checks["storage"].startswith("down") and checks["database"] == "ok"


def test_health_endpoints_are_not_rate_limited_or_signed_in(client):
    for _ in range(30):
        assert client.get("/healthz").status_code == 200
    assert "Set-Cookie" not in client.get("/readyz").headers


def test_readyz_checks_at_most_once_in_its_cache_time(client, monkeypatch):
    """Public and touching the database, queue and storage: a flood of calls must not each
    run the checks."""
    from app.ops import checks

    runs = []
    monkeypatch.setitem(checks.CHECKS, "database", lambda: runs.append(1))
    now = [1000.0]
    monkeypatch.setattr(checks, "clock", lambda: now[0])
    for _ in range(50):
        assert client.get("/readyz").status_code == 200
    assert len(runs) == 1
    now[0] += 1.9
    client.get("/readyz")
    assert len(runs) == 1
    now[0] += 0.2  # the answer is now 2.1 s old
    client.get("/readyz")
    assert len(runs) == 2
