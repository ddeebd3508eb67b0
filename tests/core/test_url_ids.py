"""Ids in URLs: a number too large for any id column is a page that does not exist (404),
whichever database holds the rows, never a database overflow (500)."""

from __future__ import annotations

import pytest

from app.urls import public_host

# PostgreSQL's ``integer`` ends at 2**31 - 1, SQLite's at 2**63 - 1.
TOO_LARGE = [str(2**31), str(2**63), str(2**64 + 1), "9" * 40]


@pytest.fixture
def admin(make_user, login):
    user = make_user("admin", "leader")
    login(user)
    return user


ROUTES = [
    ("get", "/frameworks/{n}"),
    ("get", "/frameworks/{n}/export.csv"),
    ("get", "/frameworks/{n}/levels/{n}/edit"),
    ("get", "/people/{n}"),
    ("post", "/people/{n}/reset-code"),
    ("post", "/learn/lessons/{n}/complete"),
    ("post", "/learn/lessons/{n}/questions/{n}"),
    ("get", "/media/{n}"),
    ("get", "/media/{n}/renditions/360p"),
]


@pytest.mark.parametrize("number", TOO_LARGE)
def test_an_id_too_large_for_the_database_is_not_found(client, admin, number):
    statuses = {
        url: getattr(client, method)(url.format(n=number)).status_code for method, url in ROUTES
    }
    assert statuses == {url: 404 for _method, url in ROUTES}


def test_the_largest_id_is_looked_up(client, admin):
    assert client.get(f"/frameworks/{2**31 - 1}").status_code == 404
    assert client.get(f"/people/{2**31 - 1}").status_code == 404
    assert client.get("/people/0").status_code == 404


def test_only_ascii_digits_make_an_id(client, admin, make_user):
    person = make_user()
    assert client.get(f"/people/{person.id}").status_code == 200
    arabic_indic = "".join(chr(0x0660 + int(d)) for d in str(person.id))
    assert client.get(f"/people/{arabic_indic}").status_code == 404


def test_urls_for_ids_are_built_as_before(app):
    from flask import url_for

    with app.test_request_context():
        assert url_for("accounts.edit_person", user_id=42) == "/people/42"


def test_public_host_is_the_configured_urls_host_and_port(app):
    for url, host in [
        ("https://learn.example.org/headway", "learn.example.org"),
        ("http://127.0.0.1:5119", "127.0.0.1:5119"),
    ]:
        app.config["PUBLIC_URL"] = url
        with app.app_context():
            assert public_host() == host
