"""Queries per page do not grow with the data: the same count for one course as for fifty,
and a handful: Learn 3 (2, and the practices for the leader's priority; the daily review's
card rides on Learn's own statement), a lesson 3 with its video, a position save 2."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.forms import new_form_key
from app.learning import services
from app.learning.models import Course, Lesson
from tests.learning.test_published_cache import _ready_asset


def _exercise(leader, lessons):
    """Give the leader progress, answers and a reflection on every lesson."""
    for lesson in lessons:
        services.complete_lesson(leader, lesson)
        services.save_reflection(leader, lesson, "notes")
        for question in lesson.questions:
            services.answer_question(leader, question, 1)


def _measure(client, count_queries, lesson_url) -> dict[str, int]:
    counts = {}
    for name, url in (
        ("home", "/learn/"),
        ("lesson", lesson_url),
        ("growth", "/learn/growth"),
        ("self-assessment", "/learn/self-assessment"),
    ):
        client.get(url)  # warm: the first visit to a lesson also records that it was started
        with count_queries() as counter:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[name] = counter.count
    return counts


def test_page_queries_are_constant_in_courses_and_lessons(
    client, make_user, login, make_course, count_queries, framework
):
    leader = make_user("leader")
    login(leader)
    make_course("course-0", lessons=1)
    first = db.session.scalar(select(Lesson))
    _exercise(leader, [first])
    url = f"/learn/course-0/{first.slug}"
    one = _measure(client, count_queries, url)

    for n in range(1, 50):
        make_course(f"course-{n}", lessons=1 if n % 2 else 6, competencies=("LL.2", "LP.2"))
    lessons = db.session.scalars(select(Lesson)).all()
    assert len(lessons) > 150
    _exercise(leader, lessons[:60])
    ratings = {c.id: 2 for d in framework.domains for c in d.competencies}
    services.record_self_assessment(leader, framework, ratings, new_form_key())
    services.record_self_assessment(leader, framework, ratings, new_form_key())
    fifty = _measure(client, count_queries, url)

    print("queries per page, 1 course vs 50:", one, fifty)
    assert one == fifty, (one, fifty)
    # Small: the signed-in user with their roles, the published content's version and the
    # unread notifications badge (1), plus what the page needs of the leader: the courses
    # open to them with their progress, and the daily review's numbers as columns of the
    # same statement (Learn, 1: app/review, through registry.page_card); their progress,
    # notebook entry and answers in the lesson (1). The courses themselves are the
    # process's catalogue. "Practices for your priority" (app/practices) adds 1 to Learn.
    assert all(count <= 10 for count in fifty.values()), fifty
    assert fifty["home"] <= 3 and fifty["lesson"] <= 2, fifty


def _first_visits(client, count_queries, urls) -> dict[str, int]:
    """Statements of each page the first time after the content changed (the catalogue, and
    the lesson's text, read again)."""
    course = db.session.scalar(select(Course).order_by(Course.id))
    course.summary = f"{course.summary} "  # a change to published content: a new version
    db.session.commit()
    counts = {}
    for url in urls:
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        counts[url] = counter.count
    return counts


def test_reading_the_catalogue_again_is_constant_in_courses(
    client, make_user, login, make_course, count_queries
):
    """After a change, the first page reads the courses again: the same few statements for
    one course as for fifty, once per process and version."""
    login(make_user("leader"))
    make_course("course-0", lessons=1)
    urls = ("/learn/", "/learn/course-0/lesson-1")
    client.get(urls[1])  # started
    one = _first_visits(client, count_queries, urls)
    for n in range(1, 50):
        make_course(f"course-{n}", lessons=1 if n % 2 else 6, competencies=("LL.2", "LP.2"))
    fifty = _first_visits(client, count_queries, urls)
    print("first visits after a change, 1 course vs 50:", one, fifty)
    assert one == fifty, (one, fifty)
    # Learn: its 3, and courses, modules, lessons, their competencies. The lesson then
    # reads its own text, questions and media per language. (+1: the practices' card.)
    assert fifty["/learn/"] <= 3 + 1 + 4 and fifty[urls[1]] <= 2 + 3, fifty


def test_a_lesson_with_its_video_is_three_statements(
    client, make_user, login, make_course, count_queries
):
    """The video adds one statement: the asset with its renditions joined."""
    login(make_user("leader"))
    make_course("course-0", lessons=1)
    lesson = db.session.scalar(select(Lesson))
    lesson.media_asset_id = _ready_asset("clip").id
    db.session.commit()
    url = "/learn/course-0/lesson-1"
    client.get(url)
    with count_queries() as counter:
        response = client.get(url)
    assert f'data-player="{lesson.media_asset_id}"' in response.get_data(as_text=True)
    assert counter.count <= 3, counter.statements


def test_a_write_does_not_load_the_person_again_after_its_commit(
    client, make_user, login, make_course, count_queries
):
    """A commit expires every row in the session, the signed-in person included: asking
    whether they are signed in afterwards (the security headers, the data-use count) used
    to load them and their roles again, two queries on every save."""
    leader = make_user("leader")
    login(leader)
    make_course("course-0", lessons=1)
    lesson = db.session.scalar(select(Lesson))
    url = f"/learn/lessons/{lesson.id}/position"
    client.post(url, data={"seconds": 3})
    with count_queries() as counter:
        response = client.post(url, data={"seconds": 9})
    assert response.status_code == 204
    writes = [i for i, sql in enumerate(counter.statements) if sql.lstrip().startswith("INSERT")]
    assert len(writes) == 1, counter.statements
    after = counter.statements[writes[0] + 1 :]
    assert not any("FROM users" in sql for sql in after), after
    # The signed-in person (with their roles and sign-in) and the upsert, which reads
    # whether the lesson is published and its course and duration itself.
    assert counter.count <= 2, counter.statements
    # No body, so no document: none of a page's security headers (about 400 bytes over
    # the air on every save, a third of a leader's requests).
    assert "Content-Security-Policy" not in response.headers
    assert "X-Frame-Options" not in response.headers and "Cache-Control" not in response.headers
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_signed_in_person_and_their_roles_are_one_statement(
    client, make_user, login, count_queries
):
    """Every request loads who is signed in; with their roles joined that is one round trip
    (the roles' own ``selectin`` load was a second on every request)."""
    coach = make_user("coach")
    coach.set_roles(["coach", "leader", "author"])
    db.session.commit()
    login(coach)
    with count_queries() as counter:
        response = client.get("/notifications/")
    assert response.status_code == 200
    people = [sql for sql in counter.statements if "FROM users" in sql]
    roles = [sql for sql in counter.statements if "user_roles" in sql]
    assert len(people) == 1 and roles == people, counter.statements
