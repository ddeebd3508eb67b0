"""A database that is away (restarting, unreachable, its connection cut mid-request) is
"busy, try again shortly": 503 with Retry-After on the page that needs no database, the same
as a full pool — never a 500, and never gunicorn's bare "Internal Server Error"."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import create_engine, event, text

from app.extensions import db
from tests.conftest import PASSWORD, sign_in

UNREACHABLE = "postgresql+psycopg://nobody@127.0.0.1:1/gone"


def _assert_busy(response) -> None:
    assert response.status_code == 503, response.get_data(as_text=True)[:500]
    assert response.headers["Retry-After"] == "30"
    page = response.get_data(as_text=True)
    assert "Headway is very busy right now" in page
    assert "Something went wrong" not in page


def test_an_unreachable_database_is_busy_not_an_error(make_app, capsys):
    # As production answers: an error is a page, not an exception out of the test client.
    away = make_app(SQLALCHEMY_DATABASE_URI=UNREACHABLE, PROPAGATE_EXCEPTIONS=False)
    response = away.test_client().post(
        "/sign-in", data={"identifier": "grace@example.org", "password": PASSWORD}
    )
    _assert_busy(response)
    assert '"event": "database_unavailable"' in capsys.readouterr().err


def test_sqlite_locked_or_full_is_busy(make_app, tmp_path):
    """On SQLite the database is "away" when it is locked past the busy timeout or its disk
    is full: the driver's error is raised where it would be (simulated: no disk is filled).
    SQLite in both passes: these are its own errors."""
    from app.accounts import services

    served = make_app(
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'own.db'}", PROPAGATE_EXCEPTIONS=False
    )
    with served.app_context():
        db.create_all()
        services.create_user(password=PASSWORD, email="g@example.org", name="G")
        engine = db.engine
    client = served.test_client()
    signed_in = client.post("/sign-in", data={"identifier": "g@example.org", "password": PASSWORD})
    assert signed_in.status_code == 303
    failing = {"error": None}

    @event.listens_for(engine, "before_cursor_execute")
    def fail(conn, cursor, statement, parameters, context, executemany):
        if failing["error"]:
            raise sqlite3.OperationalError(failing["error"])

    for message in ("database is locked", "database or disk is full"):
        failing["error"] = message
        _assert_busy(client.get("/learn/"))
    failing["error"] = "no such table: users"  # the code's fault, not the database's
    assert client.get("/learn/").status_code == 500
    failing["error"] = None
    assert client.get("/learn/").status_code == 200, "the same person carries on"
    engine.dispose()


@pytest.mark.postgresql
@pytest.mark.parametrize("cut_at", [1, 2])
def test_a_connection_cut_mid_request_is_busy(app, make_app, make_user, cut_at):
    """PostgreSQL restarting ends every connection ("terminating connection due to
    administrator command"): here the server ends this request's own connection, for real,
    before its first or its second statement. Flask-SQLAlchemy's teardown then rolls back on
    the dead connection, which must not turn the answer into gunicorn's bare 500."""
    leader = make_user("leader")
    db.session.commit()
    served = make_app(PROPAGATE_EXCEPTIONS=False)
    client = served.test_client()
    sign_in(client, leader)
    with served.app_context():
        engine = db.engine
    admin = create_engine(engine.url, isolation_level="AUTOCOMMIT")
    seen = {"cut": False, "statements": 0, "armed": False}

    @event.listens_for(engine, "before_cursor_execute")
    def cut(conn, cursor, statement, parameters, context, executemany):
        if not seen["armed"] or seen["cut"]:
            return
        seen["statements"] += 1
        if seen["statements"] == cut_at:
            pid = conn.connection.dbapi_connection.info.backend_pid
            with admin.connect() as other:
                assert other.scalar(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid})
            seen["cut"] = True

    seen["armed"] = True
    _assert_busy(client.get("/learn/"))
    assert seen["cut"]
    seen["armed"] = False
    assert client.get("/learn/").status_code == 200, "the next request finds a fresh connection"
    engine.dispose()
    admin.dispose()


@pytest.mark.postgresql
def test_a_connection_cut_after_the_page_is_made_does_not_lose_the_page(app, make_app, make_user):
    """The server ends the connection after the request's last statement: the page is made,
    and Flask-SQLAlchemy's teardown rollback on the dead connection must not replace it with
    gunicorn's bare "Internal Server Error" (here, an exception out of the app)."""
    leader = make_user("leader")
    db.session.commit()
    served = make_app(PROPAGATE_EXCEPTIONS=False)
    armed = {"cut": False}
    admin = None

    @served.after_request
    def cut(response):
        if armed["cut"]:
            pid = db.session.connection().connection.dbapi_connection.info.backend_pid
            with admin.connect() as other:
                assert other.scalar(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid})
        return response

    client = served.test_client()
    sign_in(client, leader)
    with served.app_context():
        engine = db.engine
        checked_out = engine.pool.checkedout()
    admin = create_engine(engine.url, isolation_level="AUTOCOMMIT")

    armed["cut"] = True
    response = client.get("/learn/")
    assert response.status_code == 200
    assert engine.pool.checkedout() == checked_out, "the dead connection left the pool"
    armed["cut"] = False
    assert client.get("/learn/").status_code == 200
    engine.dispose()
    admin.dispose()
