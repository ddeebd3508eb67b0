"""The admin's people pages and each person's profile: roles, fragments, wrong person."""

from __future__ import annotations

import re

import pytest

from app.extensions import db
from app.forms import new_form_key


@pytest.mark.parametrize("url", ["/people", "/people/invite", "/people/1"])
def test_people_pages_are_for_admins_only(client, make_user, login, url):
    assert client.get(url).status_code == 302  # anonymous: to sign-in
    login(make_user("leader", "coach", "author"))
    assert client.get(url).status_code == 403
    assert client.post("/people/1/reset-code").status_code == 403


def test_people_page_full_and_htmx_fragment(client, make_user, login):
    admin = make_user("admin", name="Fatuma")
    make_user("leader", name="Grace")
    login(admin)
    full = client.get("/people").get_data(as_text=True)
    assert full.startswith("<!doctype html>") and "Grace" in full and 'class="tabs"' in full
    fragment = client.get("/people", headers={"HX-Request": "true"})
    body = fragment.get_data(as_text=True)
    assert "<html" not in body and "Grace" in body and 'id="people"' in body
    assert "HX-Request" in fragment.headers["Vary"]
    boosted = client.get("/people", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert boosted.get_data(as_text=True).startswith("<!doctype html>")


def test_admin_edits_roles_but_cannot_lock_themself_out(client, make_user, login):
    admin = make_user("admin")
    person = make_user("leader")
    login(admin)
    response = client.post(
        f"/people/{person.id}",
        data={"email": person.email, "roles": ["leader", "coach"], "active": "y"},
    )
    assert response.status_code == 303 and person.roles == {"leader", "coach"}
    self_edit = client.post(
        f"/people/{admin.id}", data={"email": admin.email, "roles": ["leader"], "active": "y"}
    )
    assert "cannot remove your own admin role" in self_edit.get_data(as_text=True)
    assert admin.has_role("admin")


def test_profile_saves_and_language_follows_the_setting(client, make_user, login):
    user = make_user()
    login(user)
    response = client.post(
        "/me",
        data={
            "name": "Grace W.",
            "school": "Kibera Primary",
            "country": "KE",
            "locale": "sw",
            "timezone": "Africa/Nairobi",
            "data_rung": "lowest",
        },
    )
    assert response.status_code == 303
    assert (user.name, user.country, user.locale, user.data_rung) == (
        "Grace W.",
        "KE",
        "sw",
        "lowest",
    )
    page = client.get("/me", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert '<html lang="sw">' in page and "Hifadhi" in page


def test_profile_error_keeps_input(client, make_user, login):
    login(make_user())
    response = client.post(
        "/me", data={"name": "", "school": "Kisumu Day", "locale": "en", "timezone": "UTC"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'value="Kisumu Day"' in page and 'class="error"' in page


def test_a_field_with_a_hint_and_an_error_points_at_both(client, make_user, login):
    login(make_user())
    response = client.post(
        "/me",
        data={"name": "Amina", "data_rung": "8K", "locale": "en", "timezone": "UTC"},
    )
    page = response.get_data(as_text=True)
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), "every id on the page is unique"
    described = re.search(r'<select[^>]*aria-describedby="([^"]+)"[^>]*id="data_rung"', page)[1]
    assert described.split() == ["data_rung-hint", "data_rung-error"]
    assert 'id="data_rung-hint"' in page and 'id="data_rung-error"' in page


def test_the_country_is_chosen_from_a_list_named_in_the_readers_language(
    app, client, make_user, login, monkeypatch
):
    monkeypatch.setitem(app.config, "DEFAULT_REGION", "RW")
    login(make_user(locale="sw", country="IN"))
    page = client.get("/me").get_data(as_text=True)
    options = re.findall(r'<option (?:selected )?value="([A-Z]{2})"', page.split('id="country"')[1])
    assert options[:2] == ["RW", "IN"]  # the programme's country, then the person's own
    assert len(options) > 200 and "KE" in options and "EU" not in options
    assert '<option value="KE">Kenya</option>' in page and ">Ufaransa<" in page  # in Swahili
    assert (
        client.post(
            "/me",
            data={
                "name": "A",
                "country": "XX",
                "locale": "sw",
                "timezone": "UTC",
                "data_rung": "low",
            },
        ).status_code
        == 422
    )


def test_anonymous_language_choice_and_accept_language(client):
    assert '<html lang="fr">' in client.get("/sign-in", headers={"Accept-Language": "fr"}).get_data(
        as_text=True
    )
    client.post("/language", data={"locale": "sw"})
    assert '<html lang="sw">' in client.get("/sign-in", headers={"Accept-Language": "fr"}).get_data(
        as_text=True
    )
    assert client.post("/language", data={"locale": "xx"}).status_code == 400


def test_bottom_navigation_shows_what_roles_allow(client, make_user, login):
    login(make_user("author"))
    page = client.get("/me").get_data(as_text=True)
    assert 'href="/me"' in page and "#coaching" not in page


def _tabs(html: str) -> list[tuple[str, bool]]:
    nav = html[html.index('<nav class="tabs"') :]
    nav = nav[: nav.index("</nav>")]
    return [
        (href, current == " aria-current")
        for href, current in re.findall(r'<a href="([^"]+)"(\s+aria-current)?', nav)
    ]


@pytest.mark.parametrize(
    "url, current",
    [
        ("/", "/"),
        ("/people", "/people"),
        ("/people/invite", "/people"),
        ("/studio/", "/studio/"),
        ("/programme/", "/programme/"),
        ("/programme/people/{admin}/data", "/people"),  # reached from the person's page
        ("/programme/people/{admin}/erasure", "/people"),
        ("/frameworks/", None),  # a card on the home page, as are groups and coaching pairs
        ("/me", "/me"),
    ],
)
def test_an_admin_has_tabs_for_people_and_the_studio(client, make_user, login, url, current):
    admin = make_user("admin")
    login(admin)
    tabs = _tabs(client.get(url.format(admin=admin.id)).get_data(as_text=True))
    assert [href for href, _ in tabs] == ["/", "/people", "/studio/", "/programme/", "/me"]
    assert [href for href, is_current in tabs if is_current] == ([current] if current else [])


def test_the_admin_s_home_page_leads_to_what_has_no_tab(client, make_user, login):
    login(make_user("admin"))
    html = client.get("/").get_data(as_text=True)
    for href in ("/frameworks/", "/groups/", "/coaching/pairings", "/studio/", "/people"):
        assert f'href="{href}' in html, href


def test_a_leader_has_no_admin_tabs(client, make_user, login):
    login(make_user("leader"))
    tabs = _tabs(client.get("/learn/").get_data(as_text=True))
    assert [href for href, is_current in tabs] == [
        "/learn/",
        "/groups/",
        "/coaching/",
        "/practices/",
        "/me",
    ]
    assert [href for href, is_current in tabs if is_current] == ["/learn/"]


def test_nobody_removes_their_own_admin_role_whoever_asks(app, make_user):
    """The rule lives in the service, so every caller (page, command, script) obeys it."""
    from app.accounts import services

    admin, other_admin = make_user("admin"), make_user("admin")
    for roles, active in ((["leader"], True), (["admin"], False)):
        with pytest.raises(services.AccountError) as refused:
            services.update_account(
                admin, email=admin.email, phone=None, roles=roles, active=active, by=admin
            )
        assert refused.value.field == "roles"
    assert admin.has_role("admin") and admin.active
    services.update_account(
        admin, email=admin.email, phone=None, roles=["leader"], active=True, by=other_admin
    )
    assert admin.roles == {"leader"}


def test_account_problems_are_shown_in_the_readers_language(client, make_user, login):
    admin = make_user("admin", locale="fr")
    taken = make_user("leader")
    login(admin)
    response = client.post(
        "/people/invite",
        data={"key": new_form_key(), "email": taken.email, "name": "Amina", "roles": ["leader"]},
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Quelqu’un a déjà cette adresse e-mail." in body


@pytest.mark.parametrize(
    "email", ["grace", "grace@", "grace@school", "gr ace@school.org", "a@b@c.org"]
)
def test_an_email_address_an_admin_enters_is_checked_for_shape(client, make_user, login, email):
    admin = make_user("admin")
    person = make_user("leader")
    login(admin)
    invited = client.post(
        "/people/invite",
        data={"key": new_form_key(), "email": email, "name": "Amina Yusuf", "roles": ["leader"]},
    )
    assert invited.status_code == 422
    assert "is not an email address" in invited.text and 'value="Amina Yusuf"' in invited.text
    edited = client.post(
        f"/people/{person.id}", data={"email": email, "roles": ["leader"], "active": "y"}
    )
    assert edited.status_code == 422 and "is not an email address" in edited.text
    db.session.expire_all()
    assert person.email != email.strip().lower()


@pytest.mark.parametrize(
    "name", ["Grace\r\nWanjiru", "Grace\nWanjiru", "Grace\tWanjiru", "Grace\u2028W"]
)
def test_a_name_is_one_line(app, client, make_user, login, runner, name):
    from app.accounts import services

    person = make_user()
    login(person)
    response = client.post(
        "/me", data={"name": name, "school": "Kisumu Day", "locale": "en", "timezone": "UTC"}
    )
    assert response.status_code == 422
    assert "A name is one line" in response.text and 'value="Kisumu Day"' in response.text
    db.session.expire_all()
    assert person.name != name
    with pytest.raises(services.AccountError):
        services.create_user(email="amina@example.org", name=name)
    result = runner.invoke(
        args=["users", "invite", "amina@example.org", "--name", name, "--role", "leader"]
    )
    assert result.exit_code != 0 and "A name is one line" in result.output


def test_the_shape_of_an_address_is_explained_in_french(client, make_user, login):
    login(make_user("admin", locale="fr"))
    response = client.post(
        "/people/invite",
        data={"key": new_form_key(), "email": "amina@", "name": "Amina", "roles": ["leader"]},
    )
    assert response.status_code == 422
    assert "« amina@ » n’est pas une adresse e-mail" in response.text
