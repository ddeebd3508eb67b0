"""A cohort's leaders come a page at a time and can be searched, as People can."""

from __future__ import annotations

from sqlalchemy import insert, select

from app.extensions import db
from app.programmes.models import CohortMember
from tests.accounts.test_people_directory import many_leaders
from tests.conftest import sign_in


def test_a_cohorts_leaders_come_a_page_at_a_time_and_can_be_searched(
    client, admin, programme, cohort, count_queries
):
    sign_in(client, admin)
    ids = many_leaders(75)
    db.session.execute(
        insert(CohortMember),
        [{"cohort_id": cohort.id, "user_id": i, "region": "Coast"} for i in ids],
    )
    db.session.commit()
    url = f"/programme/{programme.id}/cohorts/{cohort.id}"
    with count_queries() as few:
        page = client.get(url).get_data(as_text=True)
    assert page.count('id="member-') == 50 and "75 leaders" in page and "Coast" in page
    assert "Page 1 of 2" in page
    found = client.get(url, query_string={"q": "Leader 0042"}).get_data(as_text=True)
    assert found.count('id="member-') == 1 and "Leader 0042" in found
    fragment = client.get(f"{url}?page=2", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert fragment.startswith('<section id="members">') and fragment.count('id="member-') == 25
    more = many_leaders(300, prefix="More")
    db.session.execute(insert(CohortMember), [{"cohort_id": cohort.id, "user_id": i} for i in more])
    db.session.commit()
    with count_queries() as many:
        client.get(url)
    assert many.count == few.count


def test_an_existing_leader_is_added_to_a_cohort_once_with_an_audit_entry(
    client, admin, programme, cohort, make_user
):
    from app.audit import AuditEntry

    sign_in(client, admin)
    grace = make_user("leader", name="Grace Wanjiru", phone="+254712345678", email=None)
    url = f"/programme/{programme.id}/cohorts/{cohort.id}/members"
    data = {"identifier": "+254 712 345 678", "region": "Coast"}
    first = client.post(url, data=data)
    assert first.status_code == 303
    again = client.post(url, data=data)  # a double tap, or sent again
    assert again.status_code == 303
    page = client.get(first.headers["Location"]).get_data(as_text=True)
    assert "Grace Wanjiru was in this cohort already." in page and "Coast" in page
    rows = db.session.scalars(select(CohortMember).where(CohortMember.user_id == grace.id)).all()
    assert [(row.cohort_id, row.region) for row in rows] == [(cohort.id, "Coast")]
    db.session.refresh(cohort)
    assert cohort.member_count == 1
    actions = db.session.scalars(select(AuditEntry.action)).all()
    assert actions.count("cohort_add") == 1


def test_adding_to_a_cohort_says_what_to_fix_and_is_for_admins_only(
    client, admin, programme, cohort, make_user, login
):
    sign_in(client, admin)
    make_user("author", email="priya@example.org")
    url = f"/programme/{programme.id}/cohorts/{cohort.id}/members"
    unknown = client.post(url, data={"identifier": "nobody@example.org", "region": "Rift"})
    body = unknown.get_data(as_text=True)
    assert unknown.status_code == 422 and "No account has this e-mail address" in body
    assert 'value="nobody@example.org"' in body and 'value="Rift"' in body  # nothing lost
    author = client.post(url, data={"identifier": "priya@example.org"})
    assert author.status_code == 422 and "is not a leader" in author.get_data(as_text=True)
    client.post("/sign-out")
    login(make_user("coach", "leader"))
    assert client.post(url, data={"identifier": "priya@example.org"}).status_code == 403
