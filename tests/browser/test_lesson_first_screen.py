"""The lesson's first screen on a 360×740 phone (issue 24): the video's box is reserved before
its poster lands (a play control shows, nothing below moves), the data-saver choice is one
compact control that works without JavaScript, the lesson text starts on the first screen,
and marking a lesson complete offline says it is done and will be sent."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from tests.conftest import sign_in_page, wait_until
from tests.media.conftest import ready_asset, tiny_clip  # noqa: F401

pytestmark = pytest.mark.browser

COURSE, LESSON = "first-screen", "parents-meeting"
TOP_OF = "selector => document.querySelector(selector).getBoundingClientRect().top"


@pytest.fixture
def lesson(app, ready_asset):  # noqa: F811
    """A lesson as leaders meet it: a title of two lines, two competencies, its video, a
    few paragraphs and a quick check."""
    from app.frameworks import services as frameworks
    from app.frameworks.files import load_framework
    from app.learning import services as learning
    from app.learning.course_files import CourseSpec, LessonSpec, ModuleSpec
    from app.learning.course_files.spec import QuestionSpec
    from app.learning.models import Lesson
    from tests.media.conftest import ROOT

    framework = frameworks.import_framework(
        load_framework(ROOT / "courses" / "frameworks" / "school-leadership-core.yaml")
    ).framework
    body = "\n\n".join(["Parents come when the meeting is about their own child's learning."] * 4)
    question = QuestionSpec(
        "What brings parents to a meeting?", ["Their child's learning", "Tea"], 1, "Yes.", "No."
    )
    spec = CourseSpec(
        slug=COURSE,
        title="Working with parents and the community",
        summary="",
        framework=framework.code,
        modules=[
            ModuleSpec(
                "parents",
                "Working with parents",
                [
                    LessonSpec(
                        slug=LESSON,
                        title="A parents' meeting that works, every term",
                        competencies=["LL.2", "LL.1"],
                        duration_seconds=240,
                        reflection_prompt="?",
                        body=body,
                        questions=[question],
                    )
                ],
            )
        ],
    )
    course = learning.import_course(spec, queue_media=False).course
    row = db.session.scalars(select(Lesson).where(Lesson.course_id == course.id)).one()
    row.media_asset_id = ready_asset().id
    db.session.commit()
    return row


@pytest.fixture
def leader_on(phone, live_server, make_user):
    def open_lesson(locale=None, **options):
        leader = make_user("leader", **({"locale": locale} if locale else {}))
        page = phone(**options)
        sign_in_page(page, live_server, leader)
        return page, leader

    return open_lesson


def _lesson_url(live_server):
    return f"{live_server}/learn/{COURSE}/{LESSON}"


def test_the_video_box_is_reserved_before_the_poster_and_nothing_moves(
    leader_on, live_server, lesson
):
    page, _ = leader_on()
    held = []
    page.route("**/poster.jpg", lambda route: held.append(route))
    page.goto(_lesson_url(live_server), wait_until="domcontentloaded")
    page.wait_for_function("() => document.querySelector('.prose')")
    assert held, "the poster is on its way, held back"
    video = page.locator(f"#media-{lesson.id}")
    box = video.bounding_box()
    # The box has the picture's shape (16:9) before any of the picture arrives, so the
    # player's controls, and its play button, are there to tap.
    assert box["height"] == pytest.approx(box["width"] * 9 / 16, abs=2)
    assert page.evaluate("v => v.controls", video.element_handle())
    before = page.evaluate(TOP_OF, ".prose")

    with page.expect_response("**/poster.jpg"):
        held[0].continue_()
    page.wait_for_function(
        "src => { const i = new Image(); i.src = src; return i.complete; }",
        arg=page.evaluate("v => v.poster", video.element_handle()),
    )
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    assert page.evaluate(TOP_OF, ".prose") == before, "the text below did not move"


def test_the_lesson_text_starts_on_the_first_screen(leader_on, live_server, lesson):
    page, _ = leader_on()
    page.goto(_lesson_url(live_server))
    # Above the tab bar that covers the bottom of the screen, with a line of text to read.
    tabs = page.evaluate(TOP_OF, ".tabs")
    assert tabs <= 740
    assert page.evaluate(TOP_OF, ".prose p") + 26 <= tabs
    # One control for the choice: each choice with its cost, the chosen one Low.
    options = page.locator("[data-rungs] select option")
    assert options.count() == 5 and all("MB" in t for t in options.all_inner_texts())
    assert page.locator("[data-rungs] select option:checked").inner_text().startswith("Low ·")
    assert page.locator("[data-rungs] [data-apply]").is_hidden()  # with JS, it applies at once


def test_the_choice_applies_without_javascript(leader_on, live_server, lesson):
    page, leader = leader_on(java_script_enabled=False)
    page.goto(_lesson_url(live_server))
    video = f"#media-{lesson.id}"
    assert page.locator(f"{video} source").first.get_attribute("src").endswith("p.mp4")
    assert page.locator("[data-rungs] [data-apply]").is_visible()
    page.select_option("[data-rungs] select", "audio")
    page.click("[data-rungs] [data-apply]")  # a plain form: POST, 303, back to the lesson
    page.wait_for_selector("[data-rungs] option[value=audio][selected]", state="attached")
    assert page.url == _lesson_url(live_server)
    assert page.locator(f"{video} source").first.get_attribute("src").endswith("/audio-aac.m4a")
    wait_until(lambda: db.session.get(type(leader), leader.id).data_rung == "audio")


def test_the_choice_switches_at_once_with_javascript(leader_on, live_server, lesson):
    page, leader = leader_on()
    page.goto(_lesson_url(live_server))
    page.wait_for_function("() => document.querySelector('[data-player]').dataset.ready")
    page.select_option("[data-rungs] select", "lowest")
    assert page.url == _lesson_url(live_server)  # no page load
    wait_until(lambda: db.session.get(type(leader), leader.id).data_rung == "lowest")


@pytest.mark.parametrize(
    ("locale", "said"),
    [
        (None, "Done. It will be sent when you are online."),
        ("fr", "C’est fait. Ce sera envoyé dès que vous serez en ligne."),
        ("sw", "Imekamilika. Itatumwa utakapokuwa mtandaoni."),
    ],
)
def test_completing_offline_says_it_is_done_and_will_be_sent(
    leader_on, live_server, lesson, locale, said
):
    page, _ = leader_on(locale=locale, service_workers="allow")
    page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller")
    page.goto(_lesson_url(live_server))
    page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller")
    page.context.set_offline(True)
    button = page.locator("#finish button.primary")
    button.click()
    page.wait_for_function(
        "said => document.querySelector('#finish button').innerText === said", arg=said
    )
    page.context.set_offline(False)
