"""Every page answers an HTMX fragment request with its block, not only the whole page.

jinja2-fragments renders one block, so anything a block needs (imported macros, for one)
must be reachable from inside it; this walks every page a person can open.
"""

from __future__ import annotations

import pytest

HTMX = {"HX-Request": "true"}
NOT_PAGES = {"static", "ops.healthz", "ops.readyz", "ops.metrics", "accounts.sign_out"}


def _pages(app) -> list[str]:
    """The GET routes without arguments: every page one can open from the navigation."""
    return sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and not rule.arguments and rule.endpoint not in NOT_PAGES
    )


SIGNED_OUT_PAGES = ["/sign-in", "/welcome", "/password-reset"]
INVITATION_PAGE = "/invitation"  # shows the invitation the browser opened, else 404


@pytest.mark.parametrize("path", SIGNED_OUT_PAGES)
def test_signed_out_pages_render_as_fragments(client, path):
    whole = client.get(path)
    fragment = client.get(path, headers=HTMX)
    assert whole.status_code == fragment.status_code == 200
    assert fragment.get_data(as_text=True).lstrip().startswith("<h1>")
    assert "<html" not in fragment.get_data(as_text=True)


def test_the_invitation_page_renders_as_a_fragment(client, app):
    from app.accounts import services

    for opened in (False, True):
        if opened:
            client.get(f"/invitation?token={services.invite(email='f@example.org').token}")
        fragment = client.get(INVITATION_PAGE, headers=HTMX)
        assert fragment.status_code == (200 if opened else 404)
        body = fragment.get_data(as_text=True)
        assert body.lstrip().startswith("<h1>") and "<html" not in body


def test_every_page_renders_as_a_fragment_for_someone_with_every_role(
    app, client, make_user, login
):
    person = make_user("leader", "coach", "author", "admin")
    login(person)
    # "/" sends a leader on to Learn; its cards are walked for a non-leader below.
    skip = {*SIGNED_OUT_PAGES, INVITATION_PAGE, "/"}
    pages = [p for p in _pages(app) if p not in skip] + [f"/people/{person.id}"]
    assert "/me" in pages and "/learn/" in pages  # the walk really covers the areas
    failures = {}
    for path in pages:
        response = client.get(path, headers=HTMX)
        body = response.get_data(as_text=True)
        if response.status_code != 200 or "<html" in body:
            failures[path] = (response.status_code, body[:200])
    assert failures == {}
    client.post("/sign-out")
    login(make_user("coach", "author", "admin"))
    home = client.get("/", headers=HTMX)
    assert home.status_code == 200 and "<html" not in home.get_data(as_text=True)


def test_the_first_tab_is_where_signing_in_from_the_front_door_lands(client, make_user, login):
    """The front door, "/", is everyone's first tab: Learn for those who learn; the cards
    for the rest, each with the areas they run."""
    login(make_user("leader"))
    assert client.get("/").headers["Location"] == "/learn/"
    client.post("/sign-out")
    login(make_user("coach"))
    coach_home = client.get("/").get_data(as_text=True)
    assert 'href="/coaching/"' in coach_home and 'href="/programme/"' not in coach_home
    client.post("/sign-out")
    login(make_user("admin"))
    admin_home = client.get("/").get_data(as_text=True)
    assert 'href="/programme/"' in admin_home and 'href="/people"' in admin_home
