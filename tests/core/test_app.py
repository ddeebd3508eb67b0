"""The application shell: configuration, security headers, static files, errors."""

from __future__ import annotations

import pytest
from flask import request

from app import create_app
from app.config import Config
from tests.conftest import app_config


def test_refuses_a_weak_secret_key_outside_debug_and_tests(database_url, tmp_path):
    config = app_config(database_url, tmp_path, TESTING=False, SECRET_KEY="dev")
    with pytest.raises(RuntimeError, match="HEADWAY_SECRET_KEY"):
        create_app(config)


def test_refuses_to_guess_a_key_for_a_shared_database(tmp_path, monkeypatch):
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", "postgresql://db.internal/headway")
    monkeypatch.delenv("HEADWAY_SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="secret key"):
        create_app()
    assert not (tmp_path / "secret_key").exists()


def test_embedded_default_generates_and_keeps_a_secret_key(tmp_path, monkeypatch):
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("HEADWAY_SECRET_KEY", raising=False)
    first = create_app()
    key_file = tmp_path / "secret_key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert len(first.config["SECRET_KEY"]) >= 48
    assert first.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'headway.db'}"
    assert create_app().config["SECRET_KEY"] == first.config["SECRET_KEY"]


def test_postgres_urls_use_psycopg3(tmp_path, monkeypatch):
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", "postgres://u@h/db")
    monkeypatch.setenv("HEADWAY_SECRET_KEY", "x" * 40)
    assert create_app().config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"


def test_security_headers_on_every_page(client):
    response = client.get("/sign-in")
    headers = response.headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cache-Control"] == "private, no-cache"
    assert "HX-Request" in headers["Vary"]


def test_static_files_carry_no_cookie_and_only_the_headers_they_need(app, client, make_user, login):
    from app.assets import assets

    login(make_user())  # a permanent session, which Flask would otherwise refresh everywhere
    with app.test_request_context():
        urls = [assets.url("css/headway.css"), assets.url("icons.svg")]
    css = client.get(urls[0], headers={"Accept-Encoding": "br"})
    assert css.headers["Vary"] == "Accept-Encoding"  # not Cookie: caches may share it
    assert "Set-Cookie" not in css.headers
    assert css.headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" not in css.headers and "Permissions-Policy" not in css.headers
    svg = client.get(urls[1])  # an SVG can be opened as a page and run script: it keeps them
    assert "script-src 'self'" in svg.headers["Content-Security-Policy"]
    page = client.get("/me")
    assert "Content-Security-Policy" in page.headers and "Cookie" in page.headers["Vary"]


def test_session_cookie_is_httponly_samesite_and_secure_by_default(
    tmp_path, monkeypatch, make_user, database_url
):
    config = app_config(database_url, tmp_path)
    del config["SESSION_COOKIE_SECURE"], config["REMEMBER_COOKIE_SECURE"]
    app = create_app(config)
    user = make_user()
    client = app.test_client()
    response = client.post(
        "/sign-in",
        data={"identifier": user.email, "password": "correct horse battery", "remember": "y"},
    )
    cookies = response.headers.getlist("Set-Cookie")
    session_cookie = next(c for c in cookies if c.startswith("session="))
    remember_cookie = next(c for c in cookies if c.startswith("remember_token="))
    for cookie in (session_cookie, remember_cookie):
        assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=Lax" in cookie


def test_static_files_are_fingerprinted_compressed_and_cached_for_a_year(app, client):
    from app.assets import assets

    with app.test_request_context():
        url = assets.url("css/headway.css")
    assert "?v=" in url
    response = client.get(url, headers={"Accept-Encoding": "gzip, br"})
    assert response.headers["Content-Encoding"] == "br"
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    import brotli

    assert b":root" in brotli.decompress(response.data)
    again = client.get(
        url, headers={"Accept-Encoding": "br", "If-None-Match": response.headers["ETag"]}
    )
    assert again.status_code == 304
    plain = client.get(url, headers={"Accept-Encoding": ""})
    assert "Content-Encoding" not in plain.headers and plain.data.startswith(b"/*")
    stale = client.get("/static/css/headway.css?v=old")
    assert "immutable" not in stale.headers["Cache-Control"]
    assert client.get("/static/nope.css").status_code == 404


def test_pages_are_compressed_with_brotli_or_gzip(client, make_user, login):
    login(make_user("admin"))
    br = client.get("/me", headers={"Accept-Encoding": "br"})
    assert br.headers["Content-Encoding"] == "br"
    gz = client.get("/me", headers={"Accept-Encoding": "gzip"})
    assert gz.headers["Content-Encoding"] == "gzip"


def test_health_check(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_not_found_page_is_light_and_translated(client):
    response = client.get("/no-such-page", headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Nous n’avons pas trouvé cette page" in page
    assert len(response.data) < 4000


def test_a_request_over_the_size_limit_gets_a_clear_413(client, app):
    too_big = b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post("/sign-in", data=too_big, content_type="application/octet-stream")
    assert response.status_code == 413
    assert "too large to send" in response.get_data(as_text=True)


def test_server_error_page_is_logged_and_translated(make_app, capsys):
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.get("/boom-for-test")
    def boom():
        raise RuntimeError("kaboom")

    response = app.test_client().get("/boom-for-test", headers={"Accept-Language": "sw"})
    assert response.status_code == 500
    assert "Hitilafu" in response.get_data(as_text=True)
    assert '"event": "server_error"' in capsys.readouterr().err


def test_sqlite_connections_use_wal_and_wait_for_locks(tmp_path):
    from app.extensions import db

    # Always on SQLite, whichever database this run of the suite uses.
    app = create_app(app_config(f"sqlite:///{tmp_path / 'wal.db'}", tmp_path))
    with app.app_context(), db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_passwords_are_hashed_with_scrypt_by_default(app, make_app):
    """The suite hashes its accounts' passwords cheaply (conftest); people's get scrypt."""
    from app.accounts import services

    real = make_app(PASSWORD_HASH_METHOD=Config.PASSWORD_HASH_METHOD)
    with real.app_context():
        user = services.create_user(
            roles=("leader",), email="scrypt@example.org", name="S", password="long enough pw"
        )
        assert user.password_hash.startswith("scrypt:")
        assert services.authenticate("scrypt@example.org", "long enough pw").id == user.id
        assert services.authenticate("scrypt@example.org", "wrong password") is None
        assert services.authenticate("nobody@example.org", "long enough pw") is None


def test_refuses_a_cheap_password_hash_outside_tests(database_url, tmp_path):
    config = app_config(
        database_url, tmp_path, TESTING=False, PASSWORD_HASH_METHOD="pbkdf2:sha256:1"
    )
    with pytest.raises(RuntimeError, match="HEADWAY_PASSWORD_HASH_METHOD"):
        create_app(config)


@pytest.mark.parametrize(
    ("proxies", "address", "scheme"),
    [(0, "127.0.0.1", "http"), (1, "203.0.113.9", "https"), (2, "198.51.100.1", "https")],
)
def test_trusted_proxies_decide_whose_address_a_request_comes_from(
    make_app, proxies, address, scheme
):
    settings = {"TRUSTED_PROXIES": proxies} if proxies else {}  # 0 is the default
    app = make_app(**settings)

    @app.get("/_seen")
    def seen():
        return f"{request.remote_addr} {request.scheme}"

    # Each proxy adds the address and scheme it was reached from (the first one, HTTPS).
    forwarded = {
        "X-Forwarded-For": "198.51.100.1, 203.0.113.9",
        "X-Forwarded-Proto": ", ".join(["https"] * max(proxies, 1)),
    }
    response = app.test_client().get("/_seen", headers=forwarded)
    assert response.get_data(as_text=True) == f"{address} {scheme}"


@pytest.mark.parametrize("proxies", [0, 1])
def test_behind_a_trusted_proxy_each_client_has_its_own_sign_in_limit(app, make_app, proxies):
    client = make_app(TRUSTED_PROXIES=proxies, SIGN_IN_LIMIT_PER_ADDRESS="2/minute").test_client()

    def sign_in_from(address: str, n: int) -> int:
        return client.post(
            "/sign-in",
            data={"identifier": f"guess{n}@example.org", "password": "x"},
            headers={"X-Forwarded-For": address},
        ).status_code

    assert [sign_in_from("203.0.113.1", n) for n in range(3)] == [200, 200, 429]
    # Through the proxy another client is another address; without it, all are the proxy.
    assert sign_in_from("203.0.113.2", 3) == (200 if proxies else 429)


def test_trusted_proxies_come_from_the_environment_and_must_be_a_count(make_app, monkeypatch):
    monkeypatch.setenv("HEADWAY_TRUSTED_PROXIES", "2")
    assert make_app().config["TRUSTED_PROXIES"] == 2
    for wrong in ("yes", -1, True):
        with pytest.raises(RuntimeError, match="HEADWAY_TRUSTED_PROXIES"):
            make_app(TRUSTED_PROXIES=wrong)


def test_pages_describe_themselves_in_the_readers_language(client):
    """What a search result or a shared link shows under the title (Lighthouse SEO)."""
    english = client.get("/sign-in").get_data(as_text=True)
    assert '<meta name="description" content="Short video lessons, coaching' in english
    french = client.get("/sign-in", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert '<meta name="description" content="De courtes leçons vidéo' in french


def test_the_server_process_keeps_what_it_holds_for_good_out_of_the_collectors_sight(
    tmp_path, database_url
):
    """wsgi.py freezes what the app holds once it is made: a full garbage collection
    otherwise walks every module, route and template's code every thousand requests."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    env = {
        "PATH": "/usr/bin:/bin",
        "INSTANCE_PATH": str(tmp_path),
        "DATABASE_URL": database_url,
        "HEADWAY_SECRET_KEY": "x" * 40,
    }
    code = "import gc, wsgi; print(gc.get_freeze_count())"
    frozen = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert frozen.returncode == 0, frozen.stderr
    assert int(frozen.stdout.split()[-1]) > 50_000


def test_the_limiters_check_before_each_request_stays_when_a_limit_needs_it(make_app, monkeypatch):
    """The limiter's check before each request is left out while no limit needs it
    (app/__init__.py); with a default limit set, it stays. (The limiter is one object for
    every app of a process: setting a real default here would limit the tests after.)"""
    from app.extensions import limiter

    check = limiter._check_request_limit
    assert check not in make_app(RATELIMIT_ENABLED=True).before_request_funcs[None]
    manager = type(limiter.limit_manager)
    monkeypatch.setattr(manager, "default_limits", property(lambda self: ["3/minute"]))
    assert check in make_app(RATELIMIT_ENABLED=True).before_request_funcs[None]
