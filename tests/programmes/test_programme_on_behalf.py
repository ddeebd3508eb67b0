"""An admin serves a person who asks by letter, by phone or in person, from that person's
page: downloads what Headway holds about them (the file they would get from Me), erases it
(confirmed, complete, logged with how they asked), and adds them to a cohort. Nobody but a
programme admin reaches any of it."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.audit import AuditEntry
from app.extensions import db
from app.programmes import services
from app.programmes.models import CohortMember, ErasureRequest
from tests.conftest import sign_in
from tests.programmes.conftest import new_cohort
from tests.programmes.test_programme_privacy import (
    EMAIL,
    NAME,
    PHONE,
    SCHOOL,
    _every_text_cell,
    _person,
)

HX = {"HX-Request": "true"}


def _entries(action: str) -> list[AuditEntry]:
    return db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
    ).all()


def test_an_admin_downloads_a_persons_data_as_they_would_themselves_and_it_is_logged(
    client, make_user, enrol, make_course, cohort, admin
):
    person = _person(make_user, enrol, make_course)
    sign_in(client, person)
    own_json = client.get("/programme/me/data.json").get_json()
    client.post("/sign-out")
    sign_in(client, admin)

    page = client.get(f"/people/{person.id}").text
    assert f'href="/programme/people/{person.id}/data"' in page
    url = f"/programme/people/{person.id}/data"
    full = client.get(url)
    assert full.status_code == 200 and full.text.startswith("<!doctype html>")
    assert f"Data of {NAME}" in full.text and 'id="export"' in full.text
    fragment = client.get(url, headers=HX).text
    assert "<html" not in fragment and 'id="export"' in fragment

    # How they asked is needed; nothing is downloaded or logged without it.
    missing = client.post(url, data={"export-format": "json", "export-reference": "L-7"})
    assert missing.status_code == 422 and "Say how the person asked." in missing.text
    assert 'value="L-7"' in missing.text and _entries("personal_data_export") == []

    fields = {
        "export-channel": "letter",
        "export-reference": " Letter  of 3 May ",
        "export-format": "json",
    }
    response = client.post(url, data=fields)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="headway-data-{person.id}.json"'
    )
    assert response.headers["Cache-Control"] == "no-store"
    assert response.get_json() == own_json  # complete: exactly what they download from Me

    expected_csv = services.personal_data_csv(person)
    response = client.post(url, data=fields | {"export-format": "csv", "export-channel": "phone"})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.text == expected_csv
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert {"section": "account", "item": "1", "field": "name", "value": NAME} in rows

    first, second = _entries("personal_data_export")
    assert (first.actor_id, first.target_user_id) == (admin.id, person.id)
    assert first.details == {
        "format": "json",
        "on_behalf": True,
        "channel": "letter",
        "reference": "Letter of 3 May",
    }
    assert (second.details["format"], second.details["channel"]) == ("csv", "phone")
    log = client.get("/programme/audit").text
    assert "Downloaded a person&#39;s data for them" in log
    assert "By letter · Letter of 3 May" in log and "By phone" in log
    # The person sees, in their own file, that an admin downloaded it.
    actions = [row["action"] for row in services.personal_data(person)["admin_actions"]]
    assert actions.count("personal_data_export") == 2


def test_an_unknown_format_or_a_long_reference_says_what_to_fix(client, admin, make_user):
    person = make_user("leader")
    sign_in(client, admin)
    url = f"/programme/people/{person.id}/data"
    wrong = client.post(url, data={"export-channel": "letter", "export-format": "pdf"})
    assert wrong.status_code == 422 and "Choose JSON or CSV." in wrong.text
    long = client.post(
        url,
        data={"export-channel": "email", "export-reference": "x" * 61, "export-format": "csv"},
    )
    assert long.status_code == 422 and "60 characters" in long.text
    assert _entries("personal_data_export") == []


def test_an_admin_erases_a_person_who_asked_by_letter_completely_once_confirmed(
    client, make_user, enrol, make_course, cohort, admin
):
    person = _person(make_user, enrol, make_course)
    sign_in(client, admin)
    url = f"/programme/people/{person.id}/erasure"
    page = client.get(f"/programme/people/{person.id}/data").text
    assert f'href="{url}" id="to-erase"' in page and "It cannot be undone." in page
    confirm = client.get(url)
    assert confirm.status_code == 200 and 'id="erase"' in confirm.text
    assert "<html" not in client.get(url, headers=HX).text

    unconfirmed = client.post(url, data={"erase-channel": "letter", "erase-reference": "REF-9"})
    assert unconfirmed.status_code == 422 and "Tick the box to confirm." in unconfirmed.text
    assert 'value="REF-9"' in unconfirmed.text
    no_channel = client.post(url, data={"erase-confirm": "y"})
    assert no_channel.status_code == 422 and "Say how the person asked." in no_channel.text
    assert db.session.get(User, person.id).email == EMAIL  # nothing erased yet

    done = client.post(
        url, data={"erase-channel": "letter", "erase-reference": "REF-9", "erase-confirm": "y"}
    )
    assert done.status_code == 303 and done.headers["Location"] == f"/people/{person.id}"
    assert "Their data is erased." in client.get(done.headers["Location"]).text
    for table, value in _every_text_cell():
        for secret in (NAME, EMAIL, PHONE, SCHOOL, "Zawadi"):
            assert secret not in (value or ""), f"{table} still holds {secret!r}"
    user = db.session.get(User, person.id)
    assert user.display_name == "a former member" and not user.is_active and user.roles == set()
    assert db.session.scalars(select(CohortMember)).all() == []
    [entry] = _entries("erasure")
    assert (entry.actor_id, entry.target_user_id) == (admin.id, person.id)
    assert entry.details == {"on_behalf": True, "channel": "letter", "reference": "REF-9"}
    [erasure] = db.session.scalars(select(ErasureRequest)).all()
    assert erasure.completed_at is not None and erasure.completed_by_id == admin.id
    after = client.get(f"/programme/people/{person.id}/data").text
    assert 'id="erased"' in after and 'id="to-erase"' not in after
    assert 'id="erase"' not in client.get(url).text
    again = client.post(url, data={"erase-channel": "letter", "erase-confirm": "y"})
    assert again.status_code == 303 and len(_entries("erasure")) == 1


def test_erasing_for_a_person_completes_the_request_they_made_themselves(client, make_user, admin):
    person = make_user("leader")
    services.request_erasure(person)
    sign_in(client, admin)
    page = client.get(f"/programme/people/{person.id}/data").text
    assert 'id="erasure-asked"' in page
    client.post(
        f"/programme/people/{person.id}/erasure",
        data={"erase-channel": "in_person", "erase-confirm": "y"},
    )
    [erasure] = db.session.scalars(select(ErasureRequest)).all()
    assert erasure.completed_by_id == admin.id
    assert services.pending_erasures() == []


def test_an_admin_cannot_erase_themself_or_another_admin_this_way(client, admin, make_user):
    other = make_user("admin", name="Second Admin")
    sign_in(client, admin)
    fields = {"erase-channel": "phone", "erase-confirm": "y"}
    for person, why in (
        (admin, "Another admin must erase your own data."),
        (other, "Take away this person&#39;s admin role first"),
    ):
        page = client.get(f"/programme/people/{person.id}/data").text
        assert why in page and 'id="to-erase"' not in page
        page = client.get(f"/programme/people/{person.id}/erasure").text
        assert why in page and 'id="erase"' not in page
        refused = client.post(f"/programme/people/{person.id}/erasure", data=fields)
        assert refused.status_code == 422 and why in refused.text
        assert db.session.get(User, person.id).email is not None
    assert _entries("erasure") == [] and db.session.scalars(select(ErasureRequest)).all() == []


@pytest.mark.parametrize("roles", [("coach", "leader"), ("leader",), ("author",)])
def test_nobody_but_an_admin_reaches_a_persons_data_or_cohorts(client, make_user, cohort, roles):
    person = make_user("leader", name="Asked By Letter")
    sign_in(client, make_user(*roles))
    base = f"/programme/people/{person.id}"
    assert client.get(f"{base}/data").status_code == 403
    assert client.get(f"{base}/data", headers=HX).status_code == 403
    assert client.get(f"{base}/erasure").status_code == 403
    channel = {"export-channel": "letter", "export-format": "json"}
    assert client.post(f"{base}/data", data=channel).status_code == 403
    erase = {"erase-channel": "letter", "erase-confirm": "y"}
    assert client.post(f"{base}/erasure", data=erase).status_code == 403
    assert client.post(f"{base}/cohorts", data={"cohort_id": cohort.id}).status_code == 403
    assert db.session.get(User, person.id).name == "Asked By Letter"
    assert db.session.scalars(select(CohortMember)).all() == []
    assert db.session.scalars(select(AuditEntry.action)).all().count("personal_data_export") == 0


def test_an_admin_adds_a_person_to_a_cohort_from_their_page(
    client, admin, make_user, programme, cohort
):
    person = make_user("leader", name="Grace Wanjiru")
    other = new_cohort(programme, admin, "Coast 2026", starts_on=cohort.starts_on, ends_on=None)
    sign_in(client, admin)
    page = client.get(f"/people/{person.id}")
    assert page.status_code == 200 and 'id="add-to-cohort"' in page.text
    assert "Not in any cohort." in page.text
    assert f'<option value="{cohort.id}">Nairobi 2026 · Heads Kenya</option>' in page.text
    fragment = client.get(f"/people/{person.id}", headers=HX).text
    assert "<html" not in fragment and 'id="add-to-cohort"' in fragment

    url = f"/programme/people/{person.id}/cohorts"
    added = client.post(url, data={"cohort_id": cohort.id, "region": "Coast"})
    assert added.status_code == 303 and added.headers["Location"] == f"/people/{person.id}"
    page = client.get(added.headers["Location"]).text
    assert "Grace Wanjiru is in Nairobi 2026 now." in page and f'id="cohort-{cohort.id}"' in page
    # Nairobi is no longer offered; the other cohort still is.
    assert f'<option value="{cohort.id}"' not in page and f'<option value="{other.id}"' in page
    again = client.post(url, data={"cohort_id": cohort.id})  # sent again, or a stale page
    assert again.status_code == 303
    assert "Grace Wanjiru was in Nairobi 2026 already." in client.get(f"/people/{person.id}").text
    rows = db.session.scalars(select(CohortMember).where(CohortMember.user_id == person.id)).all()
    assert [(row.cohort_id, row.region) for row in rows] == [(cohort.id, "Coast")]
    db.session.refresh(cohort)
    assert cohort.member_count == 1
    [entry] = _entries("cohort_add")
    assert (entry.actor_id, entry.target_user_id) == (admin.id, person.id)
    assert entry.subject == f"cohort:{cohort.id}"
    assert "Added a leader to a cohort" in client.get("/programme/audit").text


def test_adding_from_a_persons_page_says_what_to_fix(client, admin, make_user, cohort):
    leader = make_user("leader", name="Grace Wanjiru")
    author = make_user("author", name="Priya Raman")
    sign_in(client, admin)
    url = f"/programme/people/{leader.id}/cohorts"
    for data, message in (
        ({}, "Choose a cohort."),
        ({"cohort_id": "2147483647"}, "That cohort is gone. Choose another."),
        ({"cohort_id": "abc"}, "Choose a cohort."),
    ):
        response = client.post(url, data=data)
        assert response.status_code == 303, data
        assert message in client.get(response.headers["Location"]).text, data
    page = client.get(f"/people/{author.id}").text
    assert "Only leaders join cohorts" in page and 'id="add-to-cohort"' not in page
    response = client.post(f"/programme/people/{author.id}/cohorts", data={"cohort_id": cohort.id})
    assert "Priya Raman is not a leader" in client.get(response.headers["Location"]).text
    assert db.session.scalars(select(CohortMember)).all() == []
    assert _entries("cohort_add") == []


def test_a_phone_number_no_one_can_have_is_a_message_on_the_cohort_page(
    client, admin, programme, cohort
):
    """Written as dialled at home, with no country known to read it by: said, not a 500."""
    sign_in(client, admin)
    url = f"/programme/{programme.id}/cohorts/{cohort.id}/members"
    response = client.post(url, data={"identifier": "0712 000 111"})
    assert response.status_code == 422
    assert "This is not a phone number we can reach" in response.text


@pytest.mark.parametrize(
    ("locale", "words"),
    [
        ("fr", ("Données de", "Comment l'a-t-elle demandé ?", "Par lettre", "Cochez la case")),
        ("sw", ("Data ya", "Aliomba kwa njia gani?", "Kwa barua", "Weka alama")),
    ],
)
def test_a_persons_data_page_speaks_the_admins_language(client, make_user, locale, words):
    admin = make_user("admin", locale=locale)
    person = make_user("leader", name="Baraka Mwangi")
    sign_in(client, admin)
    page = client.get(f"/programme/people/{person.id}/erasure").text
    refused = client.post(
        f"/programme/people/{person.id}/erasure", data={"erase-channel": "letter"}
    )
    for word in words[:3]:
        assert word in page, word
    assert refused.status_code == 422 and words[3] in refused.text
    person_page = client.get(f"/people/{person.id}").text
    assert {"fr": "Télécharger ou effacer ses données", "sw": "Pakua au futa data yake"}[
        locale
    ] in person_page
