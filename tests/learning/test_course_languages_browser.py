"""Courses in the leader's language, in Chromium on a phone: a French leader reads and hears
the lesson in French with French captions, a Swahili leader in Swahili, and switching a
lesson's language keeps the answers and the place in the video."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.learning import services
from app.learning.models import Lesson, LessonMedia
from app.media import services as media
from tests.conftest import sign_in_page
from tests.media_pipeline.conftest import lavfi_clip
from tests.services import require_ffmpeg

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FIRST = "short-frequent-classroom-visits"
CAPTIONS = {
    "en": "Welcome, head teachers.",
    "fr": "Bienvenue, chers directeurs.",
    "sw": "Karibuni, walimu wakuu.",
}


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    require_ffmpeg()
    return lavfi_clip(tmp_path_factory.mktemp("languages") / "clip.mp4", size="320x180", seconds=2)


def _ready_asset(ladders, clip, language):
    captions = f"WEBVTT\n\n00:00.200 --> 00:01.500\n{CAPTIONS[language]}\n".encode()
    asset = media.queue_transcode(clip, captions=captions, captions_language=language)
    db.session.commit()
    ladders.run_transcode(asset.id)
    return asset.id


@pytest.fixture
def lesson(demo_course, clip, ladders):
    """The first demo lesson with a short video in each language, captioned in each."""
    lesson = db.session.scalar(select(Lesson).where(Lesson.slug == FIRST))
    lesson.media_asset_id = _ready_asset(ladders, clip, "en")
    for language in ("fr", "sw"):
        row = db.session.get(LessonMedia, (lesson.id, language))
        row.media_asset_id = _ready_asset(ladders, clip, language)
    db.session.commit()
    return lesson


def _captions(page) -> tuple[str, str]:
    """The caption track's language and its last line (the cue's text)."""
    track = page.locator("video track")
    text = page.request.get(page.evaluate("document.querySelector('video track').src")).text()
    return track.get_attribute("srclang"), text.strip().splitlines()[-1]


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_french_leader_reads_hears_and_switches(
    live_server, phone, make_user, lesson, javascript
):
    leader = make_user("leader", locale="fr", name="Amani Mutesi")
    services.save_position(leader, lesson, 1)
    page = phone(java_script_enabled=javascript, locale="fr-FR")
    sign_in_page(page, live_server, leader)
    page.click(f"a[href$='/{FIRST}']")
    page.wait_for_selector("h1:has-text('Des visites de classe courtes et fréquentes')")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("article.lesson").get_attribute("lang") is None
    assert _captions(page) == ("fr", CAPTIONS["fr"])

    question = lesson.questions[0]
    form = page.locator(f"#question-{question.id}")
    form.get_by_label("À voir ce que font et apprennent les élèves").check()
    if not javascript:
        form.get_by_role("button", name="Vérifier").click()
        page.wait_for_load_state()
    page.locator(f"#question-{question.id} .feedback").wait_for()
    assert "Oui." in page.locator(f"#question-{question.id} .feedback").inner_text()

    page.click("a[hreflang=en]")
    page.wait_for_selector("h1:has-text('Short, frequent classroom visits')")
    assert page.locator("article.lesson").get_attribute("lang") == "en"
    assert page.locator(".tag", has_text="En anglais").is_visible()
    assert _captions(page)[0] == "en"
    chosen = page.locator(f"#question-{question.id} input[value='2']")
    assert chosen.is_checked()  # the answer belongs to the lesson, not the language
    assert "A short visit is a look at learning" in page.locator(".feedback").first.inner_text()
    assert page.locator("video").get_attribute("data-start") == "1"  # and so does the place
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_a_swahili_leader_reads_and_hears_swahili(live_server, phone, make_user, lesson):
    leader = make_user("leader", locale="sw")
    page = phone(locale="sw-KE")
    sign_in_page(page, live_server, leader)
    page.goto(f"{live_server}/learn/leading-learning-essentials/{FIRST}")
    page.wait_for_selector("h1:has-text('Ziara fupi')")
    assert page.locator(".tag", has_text="Kiingereza").count() == 0
    assert page.locator("article.lesson").get_attribute("lang") is None
    assert _captions(page) == ("sw", CAPTIONS["sw"])
    assert page.locator("a[hreflang=fr]").inner_text() == "français"
