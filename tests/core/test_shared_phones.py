"""Shared phones (app/shared_phones.py): each page names, by an opaque tag, the person it was
made for, and a write made by a page of someone other than the person now signed in is
refused. The browser side is in tests/media/test_shared_phone_browser.py."""

from __future__ import annotations

import re

from app.extensions import db
from app.shared_phones import NOBODY, OWNER_HEADER, owner_tag
from tests.conftest import sign_in


def _set_rung(client, tag=None, **headers):
    if tag is not None:
        headers[OWNER_HEADER] = tag
    return client.post("/me/data-saver", data={"data_rung": "lowest"}, headers=headers)


def test_a_page_names_its_person_by_a_tag_that_tells_nothing(client, make_user):
    grace = make_user("leader", name="Grace Wanjiru", email="grace@example.org")
    baraka = make_user("leader")
    assert client.get("/sign-in").headers[OWNER_HEADER] == NOBODY
    assert 'data-owner="-"' in client.get("/sign-in").get_data(as_text=True)

    sign_in(client, grace)
    page = client.get("/me")
    tag = page.headers[OWNER_HEADER]
    assert tag == owner_tag(grace) != owner_tag(baraka)
    assert f'data-owner="{tag}"' in page.get_data(as_text=True)
    assert re.fullmatch("[0-9a-f]{20}", tag)  # an HMAC: no name, no id
    # The same from one sign-in to the next: her saved lessons stay hers.
    client.post("/sign-out")
    sign_in(client, grace)
    assert client.get("/me").headers[OWNER_HEADER] == tag
    # Named on pages and fragments; not on files, nor on redirects, which show nothing.
    fragment = client.get("/me", headers={"HX-Request": "true"})
    assert fragment.headers[OWNER_HEADER] == tag
    assert OWNER_HEADER not in client.get("/sw.js").headers
    assert OWNER_HEADER not in _set_rung(client).headers  # 303


def test_a_write_from_someone_elses_page_is_refused(client, make_user):
    grace, baraka = make_user("leader"), make_user("leader")
    sign_in(client, baraka)

    refused = _set_rung(client, owner_tag(grace), **{"HX-Request": "true"})
    assert refused.status_code == 409
    assert refused.headers["HX-Refresh"] == "true"  # htmx reloads it as what is now Baraka's
    assert "someone else" in refused.get_data(as_text=True)
    assert baraka.data_rung != "lowest"

    assert _set_rung(client, NOBODY).status_code == 409  # a page from before anyone signed in
    assert _set_rung(client, owner_tag(baraka)).status_code == 303
    assert baraka.data_rung == "lowest"
    assert _set_rung(client).status_code == 303  # a plain form sends no tag


def test_with_nobody_signed_in_a_tagged_write_is_not_refused_but_signs_in(client, make_user):
    grace = make_user("leader")
    response = _set_rung(client, owner_tag(grace))
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    # The sign-in form of a page that still carries her tag (her session lapsed) works.
    response = client.post(
        "/sign-in",
        data={"identifier": grace.email, "password": "correct horse battery"},
        headers={OWNER_HEADER: owner_tag(grace)},
    )
    assert response.status_code == 303


def test_a_server_error_names_nobody_so_a_phone_keeps_what_it_saved(app, make_app, make_user):
    """A 500 page is made without the database, for nobody: it must not tell the phone that
    no one is signed in, or the worker would forget the leader's saved lessons."""
    grace = make_user("leader")
    failing = make_app(PROPAGATE_EXCEPTIONS=False)

    @failing.get("/fails")
    def fails():
        raise RuntimeError("a bug")

    client = failing.test_client()
    sign_in(client, grace)
    response = client.get("/fails")
    assert response.status_code == 500
    assert OWNER_HEADER not in response.headers
    with failing.app_context():
        db.engine.dispose()
