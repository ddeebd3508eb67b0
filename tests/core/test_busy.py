"""When every database connection stays taken, people are told Headway is busy — at once,
with Retry-After, on a page that needs no database — instead of waiting and getting a 500."""

from __future__ import annotations

from app.extensions import db
from tests.conftest import sign_in


def test_a_full_pool_answers_busy_without_the_database(app, make_app, make_user):
    leader = make_user("leader")
    db.session.commit()
    busy_app = make_app(DATABASE_POOL_SIZE=1, DATABASE_POOL_TIMEOUT=0.2)
    client = busy_app.test_client()
    with busy_app.app_context():
        engine = db.engine
    sign_in(client, leader)
    assert client.get("/learn/").status_code == 200
    held = [engine.connect(), engine.connect()]  # the pool (1) and its overflow (1)
    try:
        response = client.get("/learn/")
    finally:
        for connection in held:
            connection.close()
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    page = response.get_data(as_text=True)
    assert "Headway is very busy right now" in page
    assert "Nothing you entered is lost" in page
    # Once connections are free again the same person carries on, still signed in.
    assert client.get("/learn/").status_code == 200
    engine.dispose()


def test_the_pool_settings_reach_the_engine(make_app):
    with (busy_app := make_app(DATABASE_POOL_SIZE=3, DATABASE_POOL_TIMEOUT=4)).app_context():
        pool = db.engine.pool
        assert (pool.size(), pool._max_overflow, pool._timeout) == (3, 3, 4)
        db.engine.dispose()
    # A server's connection can drop (a restart): each checkout pings it first. A SQLite
    # file cannot, and the ping would be a statement of every request's.
    on_sqlite = busy_app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")
    assert busy_app.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is not on_sqlite
