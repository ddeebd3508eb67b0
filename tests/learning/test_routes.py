"""Learning pages: full page and HTMX fragment for the same URL, the 403 for the wrong
role, and every write as a plain form (303) and as an HTMX swap."""

from __future__ import annotations

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import func, select

from app.extensions import db
from app.forms import new_form_key
from app.learning.models import (
    Lesson,
    LessonProgress,
    QuickCheckAnswer,
    Reflection,
    SelfAssessment,
)

HX = {"HX-Request": "true"}
LESSON_URL = "/learn/leading-learning-essentials/short-frequent-classroom-visits"


@pytest.fixture
def leader(make_user, login, demo_course):
    user = make_user("leader", name="Grace")
    login(user)
    return user


def _lesson(slug="short-frequent-classroom-visits"):
    return db.session.scalar(select(Lesson).where(Lesson.slug == slug))


@pytest.mark.parametrize("url", ["/learn/", LESSON_URL, "/learn/growth", "/learn/self-assessment"])
def test_full_page_and_fragment(client, leader, url):
    page = client.get(url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.startswith("<!doctype html>") and '<nav class="tabs"' in html
    fragment = client.get(url, headers=HX)
    assert fragment.status_code == 200
    body = fragment.get_data(as_text=True)
    assert "<html" not in body and "<h1>" in body
    assert "HX-Request" in fragment.headers["Vary"]


@pytest.mark.parametrize("url", ["/learn/", LESSON_URL, "/learn/growth", "/learn/self-assessment"])
def test_wrong_role_gets_403_and_anonymous_signs_in(client, make_user, login, demo_course, url):
    assert client.get(url).status_code == 302  # to the sign-in page
    login(make_user("coach"))
    assert client.get(url).status_code == 403


def test_learn_home_shows_continue_courses_durations_and_competencies(client, leader):
    html = client.get("/learn/").get_data(as_text=True)
    assert html.index("Start here") < html.index("Leading learning: essentials")
    assert "0 of 6 lessons done" in html
    assert "54 sec" in html and "LL.2 Observing and improving teaching" in html
    client.get(LESSON_URL)
    assert "Continue where you left off" not in client.get("/learn/").get_data(as_text=True)
    assert client.post(f"/learn/lessons/{_lesson().id}/opened", headers=HX).status_code == 204
    html = client.get("/learn/").get_data(as_text=True)
    assert "Continue where you left off" in html


def test_lesson_page_has_media_text_reflection_quick_check_and_next(client, leader):
    html = client.get(LESSON_URL).get_data(as_text=True)
    assert "<h1>Short, frequent classroom visits</h1>" in html
    assert "<strong>Make it routine.</strong>" in html
    assert 'id="reflection-body"' in html and 'hx-trigger="input changed delay:1500ms"' in html
    assert html.count('class="question"') == 2
    assert "Mark complete" in html and "Next: Feedback teachers act on" in html
    # Looking writes nothing; the page says it was opened, once shown (a POST on load).
    assert db.session.scalar(select(LessonProgress.lesson_id)) is None
    opened = f"/learn/lessons/{_lesson().id}/opened"
    assert f'hx-post="{opened}" hx-trigger="load"' in html
    assert client.post(opened).headers["Location"].endswith(LESSON_URL)  # no JS: 303 back
    assert db.session.scalar(select(LessonProgress.lesson_id)) == _lesson().id
    assert f'hx-post="{opened}"' not in client.get(LESSON_URL).get_data(as_text=True)


def test_opening_a_lesson_is_for_those_who_may_open_it(client, make_user, login, demo_course):
    """Nobody signed in is sent to sign in, a coach is refused, a lesson outside the
    leader's reach is not found; none of them starts it."""
    lesson = _lesson()
    opened = f"/learn/lessons/{lesson.id}/opened"
    assert client.post(opened).status_code == 302
    login(make_user("coach"))
    assert client.post(opened).status_code == 403
    client.post("/sign-out")
    login(make_user("leader"))
    lesson.published = False
    db.session.commit()
    assert client.post(opened).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(LessonProgress)) == 0


def test_unknown_or_unpublished_lesson_is_404(client, leader):
    assert client.get("/learn/leading-learning-essentials/nope").status_code == 404
    lesson = _lesson()
    lesson.published = False
    db.session.commit()
    assert client.get(LESSON_URL).status_code == 404
    assert client.post(f"/learn/lessons/{lesson.id}/complete").status_code == 404


def test_answer_without_javascript(client, leader):
    lesson = _lesson()
    question = lesson.questions[0]
    response = client.post(
        f"/learn/lessons/{lesson.id}/questions/{question.id}", data={"choice": "1"}
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"{LESSON_URL}#question-{question.id}")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Not quite." in html and question.feedback_incorrect in html


def test_answer_with_htmx_returns_the_question_fragment(client, leader):
    lesson = _lesson()
    question = lesson.questions[0]
    response = client.post(
        f"/learn/lessons/{lesson.id}/questions/{question.id}", data={"choice": "2"}, headers=HX
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.lstrip().startswith(
        f'<form id="question-{question.id}"'
    )
    # The demo's explanation opens with its own "Yes.": no "Correct." before it.
    assert question.feedback_correct in html and "Correct." not in html
    assert db.session.scalar(select(QuickCheckAnswer.correct)) is True
    missing = client.post(
        f"/learn/lessons/{lesson.id}/questions/{question.id}", data={}, headers=HX
    )
    assert missing.status_code == 200 and "Choose one of the answers" in missing.get_data(
        as_text=True
    )
    assert db.session.scalar(select(QuickCheckAnswer.choice)) == 2  # the earlier answer stands


def test_reflection_saved_by_form_and_by_htmx(client, leader):
    lesson = _lesson()
    url = f"/learn/lessons/{lesson.id}/reflection"
    response = client.post(url, data={"body": "Visit 4B on Tuesday"})
    assert response.status_code == 303 and response.headers["Location"].endswith("#reflection")
    html = client.get(LESSON_URL).get_data(as_text=True)
    assert "Visit 4B on Tuesday</textarea>" in html and "Saved in your notebook." in html
    response = client.post(url, data={"body": "Visit 4B and 5A"}, headers=HX)
    assert response.status_code == 200 and "Saved" in response.get_data(as_text=True)
    assert db.session.scalar(select(Reflection.body)) == "Visit 4B and 5A"
    too_long = client.post(url, data={"body": "x" * 20_001}, headers=HX)
    assert (
        too_long.status_code == 422
        and db.session.scalar(select(Reflection.body)) == "Visit 4B and 5A"
    )


def test_the_page_and_each_save_tell_the_phone_which_version_the_server_holds(client, leader):
    """learning.js keeps this with a draft: a draft begun from an older version is offered,
    not restored over newer text saved from another phone."""
    lesson = _lesson()
    assert 'data-saved-at=""' in client.get(LESSON_URL).get_data(as_text=True)  # nothing saved yet
    url = f"/learn/lessons/{lesson.id}/reflection"
    first = client.post(url, data={"body": "Visit 4B"}, headers=HX).get_data(as_text=True)
    version = db.session.scalar(select(Reflection)).version
    assert version and f'data-saved-at="{version}"' in first
    assert f'data-saved-at="{version}"' in client.get(LESSON_URL).get_data(as_text=True)
    second = client.post(url, data={"body": "Visit 4B and 5A"}, headers=HX).get_data(as_text=True)
    db.session.expire_all()
    newer = db.session.scalar(select(Reflection)).version
    assert newer != version and f'data-saved-at="{newer}"' in second


def test_mark_complete_then_next(client, leader):
    lesson = _lesson()
    response = client.post(f"/learn/lessons/{lesson.id}/complete")
    assert response.status_code == 303 and response.headers["Location"].endswith("#finish")
    html = client.get(LESSON_URL).get_data(as_text=True)
    assert "You completed this lesson." in html and "Mark complete" not in html
    assert "1 of 6 lessons done" in client.get("/learn/").get_data(as_text=True)


def test_position_is_saved(client, leader):
    lesson = _lesson()
    assert (
        client.post(f"/learn/lessons/{lesson.id}/position", data={"seconds": "12.5"}).status_code
        == 204
    )
    assert db.session.scalar(select(LessonProgress.position_seconds)) == 12
    assert (
        client.post(f"/learn/lessons/{lesson.id}/position", data={"seconds": "x"}).status_code
        == 400
    )


def test_position_is_kept_within_the_lesson_and_only_in_a_published_one(client, leader):
    lesson = _lesson()
    url = f"/learn/lessons/{lesson.id}/position"
    assert client.post(url, data={"seconds": "80000"}).status_code == 204
    assert db.session.scalar(select(LessonProgress.position_seconds)) == lesson.duration_seconds
    assert client.post(url, data={"seconds": "7"}).status_code == 204
    assert db.session.scalar(select(LessonProgress.position_seconds)) == 7
    assert client.post("/learn/lessons/999999/position", data={"seconds": "1"}).status_code == 404
    lesson.published = False
    db.session.commit()
    assert client.post(url, data={"seconds": "30"}).status_code == 404
    assert db.session.scalar(select(LessonProgress.position_seconds)) == 7


def test_self_assessment_then_growth(client, leader, framework):
    html = client.get("/learn/growth").get_data(as_text=True)
    assert "Rate yourself to start" in html
    ll2 = next(c for d in framework.domains for c in d.competencies if c.code == "LL.2")
    assert (
        client.post("/learn/self-assessment", data={"key": new_form_key()}).status_code == 200
    )  # nothing chosen: form again
    unkeyed = client.post("/learn/self-assessment", data={f"c{ll2.id}": "1"})
    assert unkeyed.status_code == 422 and "This form is out of date" in unkeyed.text
    assert 'value="1" checked' in unkeyed.text  # what was chosen stays
    response = client.post(
        "/learn/self-assessment", data={f"c{ll2.id}": "1", "key": new_form_key()}
    )
    assert response.status_code == 303 and response.headers["Location"].endswith("/learn/growth")
    client.post("/learn/self-assessment", data={f"c{ll2.id}": "2", "key": new_form_key()})
    html = client.get("/learn/growth").get_data(as_text=True)
    assert "Self-rating: 1 Emerging → 2 Developing" in html and "+1" in html
    assert "Lessons done: 0 of 3" in html


@pytest.mark.parametrize("locale", ["fr", "sw"])
def test_pages_in_french_and_swahili(app, client, make_user, login, demo_course, locale):
    login(make_user("leader", locale=locale))
    with app.test_request_context(), force_locale(locale):
        expected = [
            gettext("Learn"),
            gettext("Start here"),
            gettext("Mark complete"),
            gettext("My growth"),
        ]
    assert all(text not in ("Start here", "Mark complete", "My growth") for text in expected[1:]), (
        expected
    )
    home = client.get("/learn/").get_data(as_text=True)
    assert expected[1] in home and expected[3] in home
    assert expected[2] in client.get(LESSON_URL).get_data(as_text=True)
    assert f'<html lang="{locale}">' in home


def test_lesson_plays_the_renditions_the_media_area_made(client, leader):
    from app.media.models import MediaAsset, MediaStatus, Rendition

    lesson = _lesson()
    asset = MediaAsset(
        status=MediaStatus.READY,
        source_key="a/source",
        key_prefix="a",
        progress=100,
        captions_key="a/captions.vtt",
        captions_language="en",
    )
    asset.renditions = [
        Rendition(
            name="240p",
            kind="video",
            storage_key="a/240p.mp4",
            content_type="video/mp4",
            codecs="avc1.4d401e,mp4a.40.2",
            height=240,
            bytes=1_400_000,
            duration_s=60,
            bitrate_kbps=190,
        ),
        Rendition(
            name="audio",
            kind="audio",
            storage_key="a/audio.webm",
            content_type="audio/webm",
            codecs="opus",
            bytes=200_000,
            duration_s=60,
            bitrate_kbps=26,
        ),
    ]
    db.session.add(asset)
    db.session.flush()
    lesson.media_asset_id = asset.id
    db.session.commit()
    client.post(f"/learn/lessons/{lesson.id}/position", data={"seconds": "33"})
    html = client.get(LESSON_URL).get_data(as_text=True)
    assert f'<video id="media-{lesson.id}" controls preload="none"' in html
    assert 'data-start="33"' in html
    assert html.index('type="video/mp4; codecs=') < html.index('type="audio/webm; codecs=')
    assert '<track kind="captions"' in html and "1.4 MB" in html and "0.2 MB" in html

    asset.status = MediaStatus.TRANSCODING
    asset.progress = 40
    db.session.commit()
    assert "The video is being prepared (40%)" in client.get(LESSON_URL).get_data(as_text=True)


def test_learn_tab_for_leaders_home_tab_for_others(client, make_user, login, demo_course):
    login(make_user("leader"))
    html = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert '<a href="/learn/" aria-current="page">' in html  # Learn is their first tab
    client.post("/sign-out")
    login(make_user("coach"))
    html = client.get("/").get_data(as_text=True)
    assert 'href="/learn/"' not in html and 'href="/"' in html


def test_admin_finds_frameworks_from_the_start_page(client, make_user, login, framework):
    login(make_user("admin"))
    assert 'href="/frameworks/"' in client.get("/").get_data(as_text=True)


def test_every_write_needs_the_csrf_token(make_app, make_user, demo_course):
    app = make_app(WTF_CSRF_ENABLED=True)
    leader = make_user("leader")
    client = app.test_client()
    with app.app_context():
        html = client.get("/sign-in").get_data(as_text=True)
        token = html.split('name="csrf_token" value="')[1].split('"')[0]
        client.post(
            "/sign-in",
            data={
                "identifier": leader.email,
                "password": "correct horse battery",
                "csrf_token": token,
            },
        )
        lesson = _lesson()
        url = f"/learn/lessons/{lesson.id}/reflection"
        assert client.post(url, data={"body": "no token"}).status_code == 400
        page = client.get(LESSON_URL).get_data(as_text=True)
        token = page.split('"X-CSRFToken":"')[1].split('"')[0]
        assert (
            client.post(
                url, data={"body": "with token"}, headers={**HX, "X-CSRFToken": token}
            ).status_code
            == 200
        )


def test_a_long_reflection_the_browser_allowed_is_saved(client, leader):
    """A browser counts a line break as one character against maxlength but sends it as
    CR LF: an entry within the limit on the phone must not be refused as too long (which,
    without JavaScript, threw the whole entry away)."""
    lesson = _lesson()
    body = "\r\n".join(["x" * 999] * 20)  # 19,999 characters as the browser counts them
    response = client.post(f"/learn/lessons/{lesson.id}/reflection", data={"body": body})
    assert response.status_code == 303
    assert db.session.scalar(select(Reflection.body)) == body.replace("\r\n", "\n")


@pytest.mark.parametrize("value", ["²", "١", "7", "0", "01", "one"])
def test_a_rating_that_is_not_a_level_is_refused_and_the_others_kept(
    client, leader, framework, value
):
    ll1, ll2 = (
        next(c for d in framework.domains for c in d.competencies if c.code == code)
        for code in ("LL.1", "LL.2")
    )
    response = client.post("/learn/self-assessment", data={f"c{ll1.id}": "3", f"c{ll2.id}": value})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Choose one of the levels shown" in html
    assert f'name="c{ll1.id}" value="3" checked' in html  # what was chosen is still chosen
    assert f'class="rating invalid" id="rate-{ll2.id}"' in html
    assert not db.session.scalars(select(SelfAssessment)).all()


@pytest.mark.parametrize("value", ["²", "١", "nan", "inf", "-1", "1e999"])
def test_odd_numbers_in_the_other_number_fields_are_refused_cleanly(client, leader, value):
    lesson = _lesson()
    question = lesson.questions[0]
    position = client.post(f"/learn/lessons/{lesson.id}/position", data={"seconds": value})
    assert position.status_code in (204, 400)
    answer = client.post(
        f"/learn/lessons/{lesson.id}/questions/{question.id}", data={"choice": value}, headers=HX
    )
    assert answer.status_code == 200
    for progress in db.session.scalars(select(LessonProgress)):
        assert 0 <= progress.position_seconds <= lesson.duration_seconds


def test_a_reflection_holding_a_nul_is_refused_with_the_reason(client, leader):
    lesson = _lesson()
    url = f"/learn/lessons/{lesson.id}/reflection"
    fragment = client.post(url, data={"body": "I will\x00 try"}, headers=HX)
    assert fragment.status_code == 422
    assert "invisible character (NUL)" in fragment.get_data(as_text=True)
    too_long = client.post(url, data={"body": "x" * 20_001}, headers=HX)
    assert too_long.status_code == 422
    assert "Not saved: the entry is too long." in too_long.get_data(as_text=True)
    page = client.post(url, data={"body": "I will\x00 try"}, follow_redirects=True)
    assert "invisible character (NUL)" in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Reflection)) == 0


def test_a_courses_lessons_are_listed_open_until_it_is_finished(
    client, make_user, login, make_course
):
    """A new course's lessons show at once (folded, a leader may think it empty); a course
    whose every lesson is done folds its list away."""
    from app.learning import services as learning

    leader = make_user("leader")
    first, second = make_course("first", lessons=1), make_course("second", lessons=2)
    only = db.session.scalar(select(Lesson).where(Lesson.course_id == first.id))
    learning.complete_lesson(leader, only)
    login(leader)
    html = client.get("/learn/").get_data(as_text=True)
    sections = {
        course.id: html.split(f'id="course-{course.id}"')[1].split("</section>")[0]
        for course in (first, second)
    }
    assert "<details>" in sections[first.id] and "<details open>" in sections[second.id]
