"""A person's data: downloaded whole (JSON and CSV), and erased everywhere on request,
after which no row names them."""

from __future__ import annotations

import csv
import io
import json

from sqlalchemy import String, Text, select

from app.accounts.models import SignIn, User
from app.audit import AuditEntry
from app.extensions import db
from app.learning.models import Reflection
from app.notifications import services as notifications
from app.programmes import services
from app.programmes.models import CohortMember, ErasureRequest
from tests.conftest import sign_in
from tests.programmes.conftest import add_profile, add_progress

NAME, EMAIL, PHONE, SCHOOL = "Zawadi Kamau", "zawadi@example.org", "+254711222333", "Ngong Road"


def _every_text_cell():
    """Every string value in every table."""
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String | Text)]
        json_columns = [c for c in table.columns if c.type.__class__.__name__ == "JSON"]
        if not columns and not json_columns:
            continue
        for row in db.session.execute(select(*columns, *json_columns)):
            for value in row:
                yield table.name, value if isinstance(value, str) else json.dumps(value)


def _person(make_user, enrol, make_course):
    person = make_user(name=NAME, email=EMAIL, phone=PHONE, school=SCHOOL)
    enrol(person, region="Nairobi")
    add_profile(person, gender="woman", years_as_head=4, locality="rural")
    lesson = make_course("c", lessons=1).modules[0]
    from app.learning.models import Lesson

    lesson = db.session.scalars(select(Lesson)).first()
    add_progress(person, lesson, day=1)
    db.session.add(Reflection(user_id=person.id, lesson_id=lesson.id, body=f"I, {NAME}, will"))
    db.session.commit()
    return person


def test_a_person_downloads_everything_held_about_them(
    client, make_user, enrol, make_course, cohort
):
    person = _person(make_user, enrol, make_course)
    sign_in(client, person)
    response = client.get("/programme/me/data.json")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    data = response.get_json()
    assert data["account"][0]["phone"] == PHONE and data["roles"] == [{"role": "leader"}]
    assert data["cohorts"][0]["cohort"] == "Nairobi 2026"
    assert data["research_answers"][0]["gender"] == "woman"
    assert data["reflections"][0]["body"].startswith("I, Zawadi")
    assert data["lesson_progress"][0]["completed_at"]
    rows = list(csv.DictReader(io.StringIO(client.get("/programme/me/data.csv").text)))
    assert {"section": "account", "item": "1", "field": "name", "value": NAME} in rows
    assert any(r["section"] == "reflections" for r in rows)
    # A whole E.164 number runs as nothing in a spreadsheet: written plain (issue 24).
    assert {"section": "account", "item": "1", "field": "phone", "value": PHONE} in rows


def test_erasure_asked_for_then_completed_leaves_no_row_naming_the_person(
    client, make_user, enrol, make_course, cohort, admin
):
    person = _person(make_user, enrol, make_course)
    notifications.kind("test_erasure", "Hello")
    notifications.notify(person.id, "test_erasure", url="/", name=NAME)
    db.session.commit()
    sign_in(client, person)
    assert client.post("/programme/me/erasure").status_code == 303
    assert client.post("/programme/me/erasure").status_code == 303  # asked twice: one request
    [erasure] = db.session.scalars(select(ErasureRequest)).all()
    client.post("/sign-out")
    sign_in(client, admin)
    assert NAME in client.get("/programme/erasures").text
    assert client.post(f"/programme/erasures/{erasure.id}").status_code == 303
    for table, value in _every_text_cell():
        for secret in (NAME, EMAIL, PHONE, SCHOOL, "Zawadi"):
            assert secret not in (value or ""), f"{table} still holds {secret!r}"
    user = db.session.get(User, person.id)
    assert user.display_name == "a former member" and not user.is_active and user.roles == set()
    assert db.session.scalars(select(SignIn).where(SignIn.user_id == person.id)).all() == []
    assert db.session.scalars(select(CohortMember)).all() == []
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "erasure"))
    assert entry.actor_id == admin.id and entry.target_user_id == person.id
    assert db.session.get(ErasureRequest, erasure.id).completed_at is not None


def test_an_admin_cannot_erase_an_admin_or_themself(admin, make_user):
    other = make_user("admin")
    for person in (admin, other):
        request = services.request_erasure(person)
        try:
            services.complete_erasure(request, by=admin)
        except services.ProgrammeError:
            pass
        else:
            raise AssertionError("an admin's data was erased")
    assert db.session.get(User, other.id).email is not None


def test_research_answers_need_consent_and_can_be_withdrawn(client, make_user):
    person = make_user()
    sign_in(client, person)
    page = client.get("/programme/me/research")
    assert page.status_code == 200 and "prefer not to say" in page.text
    client.post(
        "/programme/me/research",
        data={"gender": "woman", "years_as_head": "3", "school_type": "public", "locality": ""},
    )
    assert services.research_profile(person) is None  # no consent, nothing kept
    client.post(
        "/programme/me/research",
        data={"consent": "y", "gender": "woman", "years_as_head": "3", "school_size": ""},
    )
    profile = services.research_profile(person)
    assert (profile.gender, profile.years_as_head, profile.school_size) == ("woman", 3, None)
    response = client.post("/programme/me/research", data={"years_as_head": "300", "consent": "y"})
    assert response.status_code == 422 and "300" in response.text
    response = client.post("/programme/me/research", data={"gender": "woman"})
    assert response.status_code == 303, response.text
    assert services.research_profile(person) is None
