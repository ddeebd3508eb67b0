"""The session cookie goes out when it changes, and otherwise once a day to slide its expiry."""

from __future__ import annotations

import datetime as dt

from app import sessions
from tests.conftest import PASSWORD


def _session_cookies(response) -> list[str]:
    return [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]


class _Today:
    day = dt.date(2026, 11, 23)

    @classmethod
    def today(cls):
        return cls.day


def test_a_kept_session_is_refreshed_once_a_day_not_on_every_page(client, make_user, monkeypatch):
    monkeypatch.setattr(sessions, "date", _Today)
    user = make_user()
    signed_in = client.post(
        "/sign-in", data={"identifier": user.email, "password": PASSWORD, "remember": "y"}
    )
    cookie = _session_cookies(signed_in)
    assert cookie and "Expires=" in cookie[0]  # kept: a dated cookie
    client.get("/learn/")  # (tests post without a CSRF token; the first page stores one)
    assert all(_session_cookies(client.get(path)) == [] for path in ("/", "/me", "/learn/"))
    _Today.day += dt.timedelta(days=1)
    next_day = client.get("/me")
    assert len(_session_cookies(next_day)) == 1, "the expiry slides on the first page of a day"
    assert _session_cookies(client.get("/me")) == []
    assert client.get("/me").status_code == 200


def test_a_browser_session_is_not_resent_and_signing_out_clears_it(client, make_user):
    user = make_user()
    client.post("/sign-in", data={"identifier": user.email, "password": PASSWORD})
    client.get("/learn/")
    assert _session_cookies(client.get("/me")) == []
    signed_out = client.post("/sign-out")
    assert _session_cookies(signed_out), "the session cookie is replaced on sign-out"
    assert client.get("/me").status_code == 302
