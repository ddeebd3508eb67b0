"""A cohort's leaders come a page at a time and can be searched, as People can."""

from __future__ import annotations

from sqlalchemy import insert

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
