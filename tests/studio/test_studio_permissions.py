"""Who reaches the studio, and who may edit which course — also by guessing ids."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.learning.models import Course, Lesson


@pytest.mark.parametrize("role", ["leader", "coach"])
def test_leaders_and_coaches_cannot_reach_the_studio(client, make_user, login, role):
    login(make_user(role))
    assert client.get("/studio/").status_code == 403
    assert client.post("/studio/courses", data={"title": "x"}).status_code == 403
    assert client.post("/studio/uploads/", headers={"Tus-Resumable": "1.0.0"}).status_code == 403


def test_anonymous_people_are_sent_to_sign_in(client):
    response = client.get("/studio/")
    assert response.status_code in (302, 303)
    assert "/sign-in" in response.headers["Location"]


def test_studio_tab_for_authors_and_admins_only(client, make_user, login, author):
    login(author)
    page = client.get("/studio/").get_data(as_text=True)
    assert 'href="/studio/"' in page and "#studio" in page
    client.post("/sign-out")
    leader = make_user("leader")
    login(leader)
    assert 'href="/studio/"' not in client.get("/").get_data(as_text=True)


def test_an_author_edits_only_their_own_courses(
    app, client, login, author, other_author, studio_course
):
    mine, theirs = studio_course(author), studio_course(other_author, title="Someone else's")
    theirs_lesson = theirs.modules[0].id
    login(author)
    home = client.get("/studio/").get_data(as_text=True)
    assert mine.title in home and theirs.title not in home
    assert client.get(f"/studio/courses/{mine.id}").status_code == 200
    lesson_id = db.session.scalar(select(Lesson.id).where(Lesson.course_id == theirs.id))
    for url in (
        f"/studio/courses/{theirs.id}",
        f"/studio/lessons/{lesson_id}",
        f"/studio/lessons/{lesson_id}/preview",
        f"/studio/lessons/{lesson_id}/media",
    ):
        assert client.get(url).status_code == 404, url
    for url in (
        f"/studio/courses/{theirs.id}",
        f"/studio/courses/{theirs.id}/publish",
        f"/studio/courses/{theirs.id}/authors",
        f"/studio/modules/{theirs_lesson}",
        f"/studio/modules/{theirs_lesson}/lessons",
        f"/studio/lessons/{lesson_id}",
        f"/studio/lessons/{lesson_id}/publish",
        f"/studio/lessons/{lesson_id}/questions",
        f"/studio/lessons/{lesson_id}/move",
        "/studio/courses/999999",
        "/studio/lessons/999999",
    ):
        assert client.post(url, data={"title": "Mine now", "step": 1}).status_code == 404, url
    db.session.expire_all()
    assert db.session.get(Course, theirs.id).title == "Someone else's"


def test_a_coauthor_may_edit_and_an_admin_edits_all(
    client, login, make_user, author, other_author, studio_course
):
    course = studio_course(author)
    login(author)
    response = client.post(
        f"/studio/courses/{course.id}/authors", data={"email": other_author.email}
    )
    assert response.status_code == 303
    client.post("/sign-out")
    login(other_author)
    assert client.get(f"/studio/courses/{course.id}").status_code == 200
    client.post("/sign-out")
    login(make_user("admin"))
    assert client.get(f"/studio/courses/{course.id}").status_code == 200


def test_adding_a_leader_as_coauthor_is_refused_with_a_reason(
    client, login, make_user, author, studio_course
):
    course = studio_course(author)
    leader = make_user("leader")
    login(author)
    response = client.post(f"/studio/courses/{course.id}/authors", data={"email": leader.email})
    assert response.status_code == 422
    assert "No author has the address" in response.get_data(as_text=True)


def test_the_demo_author_owns_the_demo_course_and_a_draft(client, runner):
    from app import demo

    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "author@example.org owns leading-learning-essentials" in first.output
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0 and "Created the draft" not in second.output
    client.post(
        "/sign-in", data={"identifier": "author@example.org", "password": demo.DEMO_PASSWORD}
    )
    page = client.get("/studio/").get_data(as_text=True)
    assert "Leading learning essentials" in page or "leading" in page.lower()
    assert "Coaching conversations that stick" in page and "Draft" in page


def test_drafts_are_seen_only_by_their_authors_and_admins(
    make_user, author, other_author, studio_course
):
    from app.learning.permissions import can_view_lesson
    from app.studio import services

    course = studio_course(author)
    lesson = db.session.scalars(select(Lesson).where(Lesson.course_id == course.id)).one()
    leader, admin = make_user("leader"), make_user("admin")
    assert can_view_lesson(author, lesson) and can_view_lesson(admin, lesson)
    assert not can_view_lesson(leader, lesson) and not can_view_lesson(other_author, lesson)
    services.publish_lesson(lesson)
    assert not can_view_lesson(leader, lesson)  # the course is still a draft
    services.publish_course(course)
    assert can_view_lesson(leader, lesson) and can_view_lesson(other_author, lesson)
    lesson.module.published = False
    assert not can_view_lesson(leader, lesson)


def test_an_author_reaches_only_the_media_of_courses_they_edit(
    client, make_user, login, author, other_author, studio_course, ready_asset_for_studio
):
    """Another author's draft video (its status page, its retry button) is not theirs."""
    from app.studio import services

    course = studio_course(author)
    lesson = db.session.scalar(select(Lesson).where(Lesson.course_id == course.id))
    asset = ready_asset_for_studio(ready=False)
    asset.owner_id, asset.status = author.id, "failed"
    lesson.media_asset_id = asset.id
    db.session.commit()
    login(other_author)
    assert client.get(f"/media/{asset.id}").status_code == 403
    assert client.post(f"/media/{asset.id}/retry").status_code == 403
    client.post("/sign-out")
    # A co-author of the course, the uploader and an admin may.
    co_author = make_user("author")
    services.add_coauthor(course, co_author.email)
    for person in (co_author, author, make_user("admin")):
        login(person)
        assert client.get(f"/media/{asset.id}").status_code == 200
        client.post("/sign-out")
