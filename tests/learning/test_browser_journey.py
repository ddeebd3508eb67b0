"""A leader's learning journey in Chromium on a phone, with and without JavaScript:
continue a lesson, answer the quick check, write a reflection, mark complete, see growth."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from app.extensions import db
from app.learning import services
from app.learning.models import Lesson, Reflection
from tests.conftest import sign_in_page

pytestmark = pytest.mark.browser

FIRST = "short-frequent-classroom-visits"
SECOND = "feedback-teachers-act-on"


def _lesson(slug):
    return db.session.scalar(select(Lesson).where(Lesson.slug == slug))


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_continue_answer_reflect_complete_grow(
    live_server, phone, make_user, demo_course, javascript
):
    leader = make_user("leader", name="Grace Wanjiru")
    services.complete_lesson(leader, _lesson(FIRST))
    services.save_position(leader, _lesson(SECOND), 20)  # started yesterday, stopped at 0:20
    page = phone(java_script_enabled=javascript)
    sign_in_page(page, live_server, leader)

    page.goto(f"{live_server}/learn/growth")
    ll2 = page.locator("li", has_text="LL.2 Observing and improving teaching")
    assert "Lessons done: 1 of 3" in ll2.inner_text()

    page.click("nav.tabs a[href='/learn/']")
    page.wait_for_selector("#continue")
    assert "Continue where you left off" in page.locator("#continue").inner_text()
    assert "stopped at 0:20" in page.locator("#continue").inner_text()
    page.click("#continue a")
    page.wait_for_selector("h1:has-text('Feedback teachers act on')")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    lesson = _lesson(SECOND)
    first_question, second_question = lesson.questions[0], lesson.questions[1]
    # Quick check: with JavaScript, choosing an answer is enough; without, press Check.
    form = page.locator(f"#question-{first_question.id}")
    form.get_by_label("One, small and specific").check()
    if not javascript:
        form.get_by_role("button", name="Check").click()
        page.wait_for_load_state()
    feedback = page.locator(f"#question-{first_question.id} .feedback")
    feedback.wait_for()
    # The author's "Yes. …" gives the verdict: the page adds no "Correct." before it.
    assert feedback.inner_text().startswith("Yes.")
    form = page.locator(f"#question-{second_question.id}")
    form.get_by_label("At the end of the term, in the appraisal").check()
    if not javascript:
        form.get_by_role("button", name="Check").click()
        page.wait_for_load_state()
    feedback = page.locator(f"#question-{second_question.id} .feedback")
    feedback.wait_for()
    assert feedback.inner_text().startswith("Not quite.")
    assert "while the lesson is fresh" in feedback.inner_text()

    # Reflection: saved as it is typed with JavaScript; with the Save button without.
    page.fill("#reflection-body", "Agree one step with Mr Otieno: pair talk before answers.")
    if javascript:
        page.wait_for_selector("#reflection-status .saved")
    else:
        page.click("#reflection button")
        page.wait_for_selector("#flashes:has-text('Saved in your notebook.')")
    db.session.expire_all()
    assert (
        db.session.scalar(select(Reflection.body).where(Reflection.lesson_id == lesson.id))
        == "Agree one step with Mr Otieno: pair talk before answers."
    )

    page.click("button:has-text('Mark complete')")
    page.wait_for_selector("text=You completed this lesson.")
    assert page.input_value("#reflection-body").startswith("Agree one step")  # kept
    next_link = page.locator("#finish a", has_text="Next: Starting a teacher learning circle")
    assert next_link.is_visible()

    page.goto(f"{live_server}/learn/growth")
    ll2 = page.locator("li", has_text="LL.2 Observing and improving teaching")
    assert "Lessons done: 2 of 3" in ll2.inner_text()
    assert "Quick checks right first time: 50%" in ll2.inner_text()


def test_a_reflection_typed_offline_is_kept_and_saved_later(
    live_server, phone, make_user, demo_course
):
    leader = make_user("leader")
    page = phone()
    sign_in_page(page, live_server, leader)
    page.goto(
        f"{live_server}/learn/demo/none".replace("/demo/none", f"/{demo_course.slug}/{FIRST}")
    )
    page.wait_for_selector("#reflection-body")
    page.context.set_offline(True)
    page.fill("#reflection-body", "Written on the bus with no signal.")
    page.wait_for_timeout(2000)  # the autosave fires and fails
    page.context.set_offline(False)
    page.reload()  # a new page load: the server has nothing, the phone has the draft
    page.wait_for_selector("#reflection-status .saved")
    assert page.input_value("#reflection-body") == "Written on the bus with no signal."
    db.session.expire_all()
    assert db.session.scalar(select(Reflection.body)) == "Written on the bus with no signal."


def _write_offline(page, text):
    page.context.set_offline(True)
    page.fill("#reflection-body", text)
    page.wait_for_timeout(2000)  # the autosave fires and fails
    page.context.set_offline(False)


def _saved_body():
    db.session.expire_all()
    return db.session.scalar(select(Reflection.body))


def test_a_draft_begun_from_the_saved_text_is_restored_and_saved(
    live_server, phone, make_user, demo_course
):
    leader = make_user("leader")
    services.save_reflection(leader, _lesson(FIRST), "Saved at school.")
    page = phone()
    sign_in_page(page, live_server, leader)
    page.goto(f"{live_server}/learn/{demo_course.slug}/{FIRST}")
    _write_offline(page, "Saved at school. Then more on the bus.")
    page.reload()  # the server still holds the text the draft began from
    key = f"draft:reflection-{leader.id}-{_lesson(FIRST).id}"
    page.wait_for_function(
        f"() => document.querySelector('#reflection-status .saved')"
        f" && localStorage.getItem('{key}') === null"
    )  # saved, then the draft removed
    assert page.input_value("#reflection-body") == "Saved at school. Then more on the bus."
    assert _saved_body() == "Saved at school. Then more on the bus."
    assert page.locator("#reflection .flash").count() == 0


@pytest.mark.parametrize("choice", ["Use it", "Discard it"])
def test_a_stale_draft_is_offered_not_saved_over_newer_text(
    live_server, phone, make_user, demo_course, choice
):
    """Phone A failed to save offline; meanwhile the leader wrote more from phone B. Back on
    phone A the newer text stays, and the old draft is offered rather than saved over it."""
    leader = make_user("leader")
    lesson = _lesson(FIRST)
    services.save_reflection(leader, lesson, "Started at school.")
    key = f"draft:reflection-{leader.id}-{lesson.id}"
    page = phone()
    sign_in_page(page, live_server, leader)
    page.goto(f"{live_server}/learn/{demo_course.slug}/{FIRST}")
    _write_offline(page, "Started at school. Written on phone A, no signal.")
    services.save_reflection(leader, lesson, "Rewritten in full on phone B.")

    page.reload()
    page.wait_for_selector("#reflection-body")
    page.wait_for_timeout(2500)  # longer than the autosave delay: nothing is sent
    assert page.input_value("#reflection-body") == "Rewritten in full on phone B."
    assert _saved_body() == "Rewritten in full on phone B."
    notice = page.locator(
        "#reflection .flash", has_text="This phone has an unsaved version of this note from"
    )
    assert notice.is_visible()
    assert "phone A" in page.evaluate(f"localStorage.getItem('{key}')")  # still kept on the phone

    notice.get_by_role("button", name=choice).click()
    assert notice.count() == 0
    if choice == "Use it":
        page.wait_for_function(
            f"() => localStorage.getItem('{key}') === null"
        )  # saved, then removed
        assert (
            page.input_value("#reflection-body")
            == "Started at school. Written on phone A, no signal."
        )
        assert _saved_body() == "Started at school. Written on phone A, no signal."
        db.session.expire_all()
        version = db.session.scalar(select(Reflection)).version
        assert (
            page.get_attribute("#reflection-body", "data-saved-at") == version
        )  # the next draft's base
    else:
        assert page.evaluate(f"localStorage.getItem('{key}')") is None
        page.wait_for_timeout(2000)
        assert page.input_value("#reflection-body") == "Rewritten in full on phone B."
        assert _saved_body() == "Rewritten in full on phone B."
    page.reload()
    page.wait_for_selector("#reflection-status")
    assert page.locator("#reflection .flash").count() == 0


# Play as a tap does. The player may swap in its own source (Media Source segments) as play
# starts, which aborts that first play() promise; a tap again plays, as it would for a person.
PLAY = """async v => {
  v.muted = true;
  for (let tries = 0; tries < 20; tries++) {
    try { return await v.play(); }
    catch (error) {
      if (error.name !== "AbortError") throw error;
      await new Promise(resolve => setTimeout(resolve, 250));
    }
  }
}"""


@pytest.mark.slow
def test_the_player_resumes_where_the_leader_stopped(
    live_server, phone, make_user, demo_course, ladders
):
    """With real renditions from the media area: play, pause, come back, carry on."""
    from app.media import services as media
    from tests.conftest import ROOT
    from tests.services import require_ffmpeg

    require_ffmpeg()
    lesson = _lesson(FIRST)
    asset = media.queue_transcode(ROOT / "courses" / demo_course.slug / "media" / f"{FIRST}.mp4")
    lesson.media_asset_id = asset.id
    db.session.commit()
    ladders.run_transcode(asset.id)

    leader = make_user("leader")
    page = phone()
    sign_in_page(page, live_server, leader)
    page.goto(f"{live_server}/learn/{demo_course.slug}/{FIRST}")
    video = page.locator(f"#media-{lesson.id}")
    assert "MB" in page.locator("#player").inner_text()  # the cost is shown before spending it
    page.evaluate(PLAY, video.element_handle())
    page.wait_for_function("v => v.currentTime > 3", arg=video.element_handle())
    page.evaluate("v => v.pause()", video.element_handle())
    page.wait_for_timeout(500)
    db.session.expire_all()
    from app.learning.models import LessonProgress

    assert db.session.scalar(select(LessonProgress.position_seconds)) >= 3
    page.click("nav.tabs a[href='/learn/']")
    page.wait_for_selector("#continue:has-text('stopped at 0:0')")
    page.click("#continue a")
    video = page.locator(f"#media-{lesson.id}")
    video.wait_for()
    page.evaluate(PLAY, video.element_handle())
    page.wait_for_function("v => !v.paused && v.currentTime > 0", arg=video.element_handle())
    # Straight after starting, it is already past where the leader stopped, not at 0.
    assert page.evaluate("v => v.currentTime", video.element_handle()) >= 3

    # Watched to the end, the lesson plays again from the start rather than at its last second.
    db.session.execute(update(LessonProgress).values(position_seconds=lesson.duration_seconds))
    db.session.commit()
    page.reload()
    video = page.locator(f"#media-{lesson.id}")
    page.evaluate(PLAY, video.element_handle())
    page.wait_for_function("v => !v.paused && v.currentTime > 0", arg=video.element_handle())
    assert page.evaluate("v => v.currentTime", video.element_handle()) < 5


@pytest.mark.slow
def test_leaving_a_playing_lesson_by_a_tab_keeps_the_position(
    live_server, phone, make_user, demo_course, ladders
):
    """The tab swaps the page, which removes (and so pauses) the player: its report must go
    with the lesson page's own credentials, not the next page's (the Learn page has none)."""
    from app.learning.models import LessonProgress
    from app.media import services as media
    from tests.conftest import ROOT
    from tests.services import require_ffmpeg

    require_ffmpeg()
    lesson = _lesson(FIRST)
    asset = media.queue_transcode(ROOT / "courses" / demo_course.slug / "media" / f"{FIRST}.mp4")
    lesson.media_asset_id = asset.id
    db.session.commit()
    ladders.run_transcode(asset.id)

    page = phone()
    sign_in_page(page, live_server, make_user("leader"))
    page.goto(f"{live_server}/learn/{demo_course.slug}/{FIRST}")
    video = page.locator(f"#media-{lesson.id}")
    page.evaluate(PLAY, video.element_handle())
    page.wait_for_function("v => v.currentTime > 3", arg=video.element_handle())
    with page.expect_request(lambda r: r.url.endswith("/position")) as report:
        page.click("nav.tabs a[href='/learn/']")
    assert report.value.response().status == 204
    db.session.expire_all()
    assert db.session.scalar(select(LessonProgress.position_seconds)) >= 3


def test_back_to_a_lesson_shows_the_notebook_as_saved(live_server, phone, make_user, demo_course):
    """Going back restored htmx's snapshot of the page: the notebook as it was first sent
    (empty), so what the leader typed next replaced what was saved. A private notebook
    must not sit in that snapshot in localStorage either."""
    leader = make_user("leader")
    page = phone()
    sign_in_page(page, live_server, leader)
    page.goto(f"{live_server}/learn/{demo_course.slug}/{FIRST}")
    page.fill("#reflection-body", "Visit Form 2 on Tuesday.")
    page.wait_for_selector("#reflection-status .saved")
    page.click("#finish a:has-text('Next:')")
    page.wait_for_selector("h1:has-text('Feedback teachers act on')")
    assert "Visit Form 2" not in (page.evaluate("localStorage.getItem('htmx-history-cache')") or "")

    page.go_back()
    page.wait_for_selector("h1:has-text('Short, frequent classroom visits')")
    page.wait_for_load_state("networkidle")
    assert page.input_value("#reflection-body") == "Visit Form 2 on Tuesday."
    page.locator("#reflection-body").press("End")
    page.locator("#reflection-body").type(" And Form 3.")
    page.wait_for_function("() => document.querySelector('#reflection-status .saved')")
    page.wait_for_timeout(2500)
    db.session.expire_all()
    assert db.session.scalar(select(Reflection.body)) == "Visit Form 2 on Tuesday. And Form 3."


def test_nothing_is_wider_than_the_smallest_phone(live_server, phone, make_user, demo_course):
    """At 320 px nothing may push the page sideways (a long competency tag once did, and the
    phone then zoomed the whole page out)."""
    leader = make_user("leader")
    page = phone(viewport={"width": 320, "height": 640})
    sign_in_page(page, live_server, leader)
    for path in (
        "/",
        "/learn/",
        f"/learn/{demo_course.slug}/{FIRST}",
        "/learn/growth",
        "/learn/self-assessment",
        "/me",
    ):
        page.goto(f"{live_server}{path}")
        widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert widths == [320, 320], (path, widths)
