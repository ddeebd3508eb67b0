"""Building a course in the studio with plain forms (no JavaScript): text per language,
what is missing, Markdown preview, questions, order, publishing, preview, round trip."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.forms import new_form_key
from app.learning import services as learning
from app.learning.course_files import load_course
from app.learning.models import Course, Lesson, LessonProgress, Module, QuickCheckQuestion
from app.learning.services import answer_question, start_lesson
from app.learning.services.lessons import lesson_text
from app.studio import services
from app.studio.models import CourseAuthor


@pytest.fixture
def course(studio_course):
    return studio_course()


def _lesson(course) -> Lesson:
    return db.session.scalars(
        select(Lesson).where(Lesson.course_id == course.id).order_by(Lesson.position)
    ).first()


def test_an_author_creates_a_draft_course_they_own(client, login, author, framework):
    login(author)
    response = client.post(
        "/studio/courses",
        data={
            "title": "Leading with data",
            "summary": "",
            "language": "en",
            "framework": framework.id,
            "key": new_form_key(),
        },
    )
    assert response.status_code == 303
    course = db.session.scalars(select(Course)).one()
    assert not course.published and course.slug == "leading-with-data"
    assert db.session.get(CourseAuthor, (course.id, author.id)).is_owner
    assert response.headers["Location"].endswith(f"/studio/courses/{course.id}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Draft" in page and "Leading with data" in page
    # No module named after the course (its crumb read "X · X"): the author names the first.
    assert db.session.scalars(select(Module)).all() == []
    assert "Start with a module" in page
    added = client.post(
        f"/studio/courses/{course.id}/modules",
        data={"title": "Reading data", "key": new_form_key()},
    )
    assert added.status_code == 303
    page = client.get(added.headers["Location"]).get_data(as_text=True)
    assert "Module “Reading data” added" in page and "Start with a module" not in page


def test_a_course_without_a_title_comes_back_with_what_was_typed(client, login, author, framework):
    login(author)
    response = client.post(
        "/studio/courses",
        data={"title": "", "summary": "Keep me", "language": "fr", "framework": framework.id},
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Give the course a title." in page and "Keep me" in page
    assert db.session.scalars(select(Course)).all() == []


def test_lesson_text_per_language_and_what_is_missing_at_a_glance(client, login, author, course):
    lesson = _lesson(course)
    login(author)
    page = client.get(f"/studio/courses/{course.id}").get_data(as_text=True)
    assert "French: title, text, reflection prompt" in page
    response = client.post(
        f"/studio/lessons/{lesson.id}?lang=fr",
        data={
            "title": "Lire les chiffres",
            "body": "Regardez **la présence**.",
            "reflection_prompt": "",
        },
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert lesson.translation("fr")["title"] == "Lire les chiffres"
    assert "<strong>la présence</strong>" in lesson.translation("fr")["body_html"]
    assert lesson.title == "Reading the numbers"  # the original is untouched
    page = client.get(f"/studio/courses/{course.id}").get_data(as_text=True)
    assert "French: reflection prompt" in page
    # The leader reads it in French.
    assert lesson_text(lesson, "fr").title == "Lire les chiffres"


def test_the_markdown_preview_shows_the_text_and_saves_nothing(client, login, author, course):
    lesson = _lesson(course)
    login(author)
    response = client.post(
        f"/studio/lessons/{lesson.id}",
        data={
            "title": "Reading",
            "body": "A *new* draft <script>x</script>",
            "reflection_prompt": "",
            "preview": "1",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<em>new</em>" in page and "&lt;script&gt;" in page and "<script>x" not in page
    assert "A *new* draft" in page  # what was typed is still in the form
    db.session.expire_all()
    assert lesson.body == "Look at **attendance** first."


def test_a_lesson_without_a_title_is_refused_and_keeps_the_text(client, login, author, course):
    lesson = _lesson(course)
    login(author)
    response = client.post(
        f"/studio/lessons/{lesson.id}",
        data={"title": " ", "body": "Typed with care", "reflection_prompt": ""},
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Give the lesson a title." in page and "Typed with care" in page


def test_competencies_come_from_the_courses_framework(client, login, author, course, framework):
    lesson = _lesson(course)
    codes = {c.code: c.id for c in services.course_competencies(lesson)}
    login(author)
    client.post(
        f"/studio/lessons/{lesson.id}",
        data={
            "title": "Reading the numbers",
            "body": "x",
            "reflection_prompt": "",
            "duration_minutes": "5",
            "competencies": [codes["LL.2"], 999999],
        },
    )
    db.session.expire_all()
    assert [link.competency.code for link in lesson.competency_links] == ["LL.2"]
    assert lesson.duration_seconds == 300


def _question(client, lesson, index=None, **fields):
    prefix = "new" if index is None else f"q{services.active_questions(lesson)[index].id}"
    url = f"/studio/lessons/{lesson.id}/questions" + ("" if index is None else f"/{index}")
    data = {
        "prompt": "Which first?",
        "choices": "Attendance\nMarks",
        "answer": "1",
        "feedback_correct": "Yes.",
        "feedback_incorrect": "Look again.",
        **({"key": new_form_key()} if index is None else {}),
        **fields,
    }
    return client.post(url, data={f"{prefix}-{k}": v for k, v in data.items()})


def test_editing_a_published_lesson_keeps_progress_and_answers(
    client, login, author, course, make_user
):
    lesson = _lesson(course)
    login(author)
    assert _question(client, lesson).status_code == 303
    services.publish_lesson(lesson)
    services.publish_course(course)
    leader = make_user("leader")
    start_lesson(leader, lesson)
    question = services.active_questions(lesson)[0]
    answer_question(leader, question, 1)

    # Reworded: the same row, the answer still counts.
    _question(client, lesson, 0, prompt="Which comes first?")
    db.session.expire_all()
    assert [q.id for q in services.active_questions(lesson)] == [question.id]
    # New choices: a new row; the old one is hidden with its answer.
    _question(client, lesson, 0, choices="Attendance\nMarks\nBehaviour", answer="3")
    db.session.expire_all()
    [now] = services.active_questions(lesson)
    assert now.id != question.id and now.answer == 3
    assert db.session.get(QuickCheckQuestion, question.id).active is False
    client.post(
        f"/studio/lessons/{lesson.id}",
        data={"title": "Reading the numbers again", "body": "New text", "reflection_prompt": "?"},
    )
    assert db.session.scalars(select(LessonProgress)).one().lesson_id == lesson.id
    assert db.session.get(Lesson, lesson.id).published


def test_a_question_needs_two_answers_and_a_right_one(client, login, author, course):
    lesson = _lesson(course)
    login(author)
    response = _question(client, lesson, choices="Only one", answer="1")
    assert response.status_code == 422
    assert "Give between 2 and 6 answers" in response.get_data(as_text=True)
    response = _question(client, lesson, answer="4")
    assert "right answer is a number from 1 to 2" in response.get_data(as_text=True)
    response = _question(client, lesson, answer="")
    assert "Give the number of the right answer." in response.get_data(as_text=True)
    assert "Which first?" in response.get_data(as_text=True)  # nothing typed is lost
    assert services.active_questions(lesson) == []


def test_question_translations_keep_the_same_number_of_answers(client, login, author, course):
    lesson = _lesson(course)
    login(author)
    _question(client, lesson)
    url = f"/studio/lessons/{lesson.id}/questions/0?lang=fr"
    prefix = f"q{services.active_questions(lesson)[0].id}"
    bad = client.post(url, data={f"{prefix}-prompt": "Quoi ?", f"{prefix}-choices": "A\nB\nC"})
    assert "Give exactly 2 answers" in bad.get_data(as_text=True)
    ok = client.post(
        url, data={f"{prefix}-prompt": "Quoi d'abord ?", f"{prefix}-choices": "Présence\nNotes"}
    )
    assert ok.status_code == 303
    db.session.expire_all()
    assert services.active_questions(lesson)[0].translation("fr")["choices"] == [
        "Présence",
        "Notes",
    ]


def test_modules_and_lessons_move_up_and_down_without_javascript(client, login, author, course):
    first_module = course.modules[0]
    second = services.add_module(course, "Second module", by=author, key=new_form_key())
    services.add_lesson(second, "Later lesson", by=author, key=new_form_key())
    other = services.add_lesson(first_module, "Another lesson", by=author, key=new_form_key())
    login(author)
    client.post(f"/studio/lessons/{other.id}/move", data={"step": "-1"})
    db.session.expire_all()
    titles = [
        lesson.title
        for lesson in db.session.scalars(
            select(Lesson).where(Lesson.course_id == course.id).order_by(Lesson.position)
        )
    ]
    assert titles == ["Another lesson", "Reading the numbers", "Later lesson"]
    client.post(f"/studio/modules/{second.id}/move", data={"step": "-1"})
    db.session.expire_all()
    titles = [
        lesson.title
        for lesson in db.session.scalars(
            select(Lesson).where(Lesson.course_id == course.id).order_by(Lesson.position)
        )
    ]
    assert titles == ["Later lesson", "Another lesson", "Reading the numbers"]
    modules = db.session.scalars(
        select(Module).where(Module.course_id == course.id).order_by(Module.position)
    ).all()
    assert [m.title for m in modules] == ["Second module", "Data in the staff room"]


def test_publishing_says_what_blocks_it_and_leaders_never_see_drafts(
    client, login, author, course, make_user
):
    lesson = _lesson(course)
    empty = services.add_lesson(course.modules[0], "Empty so far", by=author, key=new_form_key())
    login(author)
    page = client.get(f"/studio/lessons/{empty.id}").get_data(as_text=True)
    for reason in (
        "It has no text.",
        "It has no reflection prompt.",
        "It has no estimated length.",
        "It is tagged with no competency.",
    ):
        assert reason in page
    client.post(f"/studio/lessons/{empty.id}/publish")
    assert not db.session.get(Lesson, empty.id).published
    page = client.get(f"/studio/courses/{course.id}").get_data(as_text=True)
    assert "Publish at least one lesson first." in page

    client.post(f"/studio/lessons/{lesson.id}/publish")
    client.post(f"/studio/courses/{course.id}/publish")
    db.session.expire_all()
    assert course.published and lesson.published and course.lesson_count == 1
    client.post("/sign-out")
    leader = make_user("leader")
    login(leader)
    home = client.get("/learn/").get_data(as_text=True)
    assert "Reading the numbers" in home and "Empty so far" not in home
    assert client.get(f"/learn/{course.slug}/{lesson.slug}").status_code == 200
    assert client.get(f"/learn/{course.slug}/{empty.slug}").status_code == 404
    services.unpublish_course(course)
    assert client.get(f"/learn/{course.slug}/{lesson.slug}").status_code == 404


def test_a_lesson_whose_video_is_not_ready_cannot_be_published(course, ready_asset_for_studio):
    lesson = _lesson(course)
    asset = ready_asset_for_studio(ready=False)
    lesson.media_asset_id = asset.id
    db.session.commit()
    db.session.expire_all()
    blockers = [b.template for b in services.lesson_blockers(lesson)]
    assert "Its video is not ready yet: wait for it, or try again." in blockers
    with pytest.raises(services.StudioError):
        services.publish_lesson(lesson)


def test_a_half_translated_lesson_waits_until_its_translation_is_finished(
    client, login, author, course
):
    """What is published exports to files, and a lesson file's translation is whole."""
    lesson = _lesson(course)
    login(author)
    client.post(
        f"/studio/lessons/{lesson.id}?lang=sw",
        data={"title": "Kusoma namba", "body": "", "reflection_prompt": ""},
    )
    db.session.expire_all()
    blockers = [b.translated() for b in services.lesson_blockers(lesson)]
    assert blockers == ["The Swahili translation is not finished: finish it, or empty it."]
    client.post(
        f"/studio/lessons/{lesson.id}?lang=sw",
        data={"title": "", "body": "", "reflection_prompt": ""},
    )
    db.session.expire_all()
    assert services.lesson_blockers(lesson) == [] and lesson.translations is None


def test_the_preview_is_the_leaders_page_drawn_from_the_draft(client, login, author, course):
    lesson = _lesson(course)
    login(author)
    response = client.get(f"/studio/lessons/{lesson.id}/preview")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'id="lesson-{lesson.id}"' in page and "<strong>attendance</strong>" in page
    assert "What do your numbers say?" in page
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in response.headers["Content-Security-Policy"]
    studio_page = client.get(f"/studio/lessons/{lesson.id}").get_data(as_text=True)
    assert 'class="phone"' in studio_page
    assert "tus-js-client-4.3.1" in studio_page
    assert "tus-js-client" not in client.get("/studio/").get_data(as_text=True)


def test_the_pages_render_as_fragments(client, login, author, course):
    lesson = _lesson(course)
    login(author)
    for url in (f"/studio/courses/{course.id}", f"/studio/lessons/{lesson.id}"):
        whole = client.get(url)
        fragment = client.get(url, headers={"HX-Request": "true"})
        assert whole.status_code == fragment.status_code == 200
        assert "<html" in whole.get_data(as_text=True)
        assert "<html" not in fragment.get_data(as_text=True)


def test_what_the_studio_makes_exports_and_imports_back_identically(
    app, client, login, author, course, runner, tmp_path
):
    lesson = _lesson(course)
    login(author)
    client.post(
        f"/studio/lessons/{lesson.id}?lang=fr",
        data={"title": "Lire les chiffres", "body": "Texte.", "reflection_prompt": "Et vous ?"},
    )
    client.post(f"/studio/courses/{course.id}?lang=fr", data={"title": "Diriger", "summary": "."})
    _question(client, lesson)
    prefix = f"q{services.active_questions(lesson)[0].id}"
    client.post(
        f"/studio/lessons/{lesson.id}/questions/0?lang=fr",
        data={
            f"{prefix}-prompt": "Quoi d'abord ?",
            f"{prefix}-choices": "Présence\nNotes",
            f"{prefix}-feedback_correct": "Oui.",
            f"{prefix}-feedback_incorrect": "Regardez encore.",
        },
    )
    codes = {c.code: c.id for c in services.course_competencies(lesson)}
    client.post(
        f"/studio/lessons/{lesson.id}",
        data={
            "title": "Reading the numbers",
            "body": "Look at **attendance** first.",
            "reflection_prompt": "What do your numbers say?",
            "duration_minutes": "4",
            "competencies": [codes["LL.2"]],
        },
    )
    services.publish_lesson(lesson)
    services.publish_course(course)
    db.session.expire_all()
    before = learning.course_to_spec(db.session.get(Course, course.id))

    out = tmp_path / "export"
    result = runner.invoke(args=["learning", "export", course.slug, "--out", str(out)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["learning", "import", "--no-media", str(out)])
    assert result.exit_code == 0, result.output
    assert "0 lessons added, 0 updated, 0 unpublished" in result.output
    db.session.expire_all()
    after = learning.course_to_spec(db.session.get(Course, course.id))
    assert after == before
    assert load_course(out).title == "Leading with data"
    # Still the author's.
    assert db.session.get(CourseAuthor, (course.id, author.id)) is not None


def test_studio_strings_are_translated(client, login, make_user, framework):
    login(make_user("author", locale="sw"))
    page = client.get("/studio/").get_data(as_text=True)
    assert "New course" not in page
    assert re.search(r"<h2>[^<]+</h2>", page)


@pytest.mark.parametrize("value", [str(2**63), "²"])
def test_a_competency_that_cannot_exist_is_refused(client, login, author, course, value):
    lesson = _lesson(course)
    login(author)
    response = client.post(
        f"/studio/lessons/{lesson.id}",
        data={"title": "Reading the numbers", "body": "x", "competencies": [value]},
    )
    assert response.status_code == 422 and "Reading the numbers" in response.text


def test_the_author_says_whether_a_question_comes_back_in_the_daily_review(
    client, login, author, course
):
    lesson = _lesson(course)
    login(author)
    page = client.get(f"/studio/lessons/{lesson.id}").get_data(as_text=True)
    assert "Comes back in the daily review" in page
    assert _question(client, lesson, in_review="y").status_code == 303
    assert services.active_questions(lesson)[0].in_review is True
    _question(client, lesson, 0)  # the box left unticked
    db.session.expire_all()
    assert services.active_questions(lesson)[0].in_review is False
