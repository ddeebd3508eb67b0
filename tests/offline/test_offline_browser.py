"""Offline in Chromium at phone size: a lesson saved for offline opens and plays with no
connection; completing it offline waits, says so, and lands exactly once when the
connection returns; Downloads lists and frees it; signing out leaves nothing behind."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.learning.models import LessonProgress
from app.media import services
from app.media.models import MediaAsset
from tests.conftest import PASSWORD, sign_in_page, wait_in_page, wait_until
from tests.media_pipeline.conftest import lavfi_clip
from tests.services import require_ffmpeg

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="session")
def short_clip(tmp_path_factory):
    require_ffmpeg()
    return lavfi_clip(tmp_path_factory.mktemp("offline") / "short.mp4", size="426x240", seconds=8)


def _completions(lesson):
    return db.session.scalar(
        select(func.count())
        .select_from(LessonProgress)
        .where(LessonProgress.lesson_id == lesson.id, LessonProgress.completed_at.is_not(None))
    )


def test_saved_lesson_plays_offline_and_an_offline_completion_lands_once(
    app, short_clip, lesson_for, make_user, phone, live_server
):
    asset = services.queue_transcode(short_clip)
    db.session.commit()
    services.run_transcode(asset.id)
    lesson = lesson_for(db.session.get(MediaAsset, asset.id))
    leader = make_user("leader")
    page = phone(service_workers="allow")
    page.goto(f"{live_server}/sign-in")
    page.fill("input[name=identifier]", leader.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stack button.primary")
    page.wait_for_url(lambda url: "/sign-in" not in url)
    # Signing in lands on a whole page that registers the worker; once it controls that
    # page, every page opened next is served through it. (A function, not an expression:
    # polling an expression evals it, which the CSP forbids.)
    page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller")
    lesson_url = f"{live_server}/learn/media-course/media-lesson"
    page.goto(lesson_url)
    page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller")

    page.click("[data-save]")
    page.wait_for_selector("[data-save]:has-text('Saved for offline')")
    assert "MB" in page.inner_text("[data-save]")

    page.context.set_offline(True)
    page.reload()
    video = page.locator(f"#media-{lesson.id}").element_handle()
    page.evaluate("v => { v.muted = true; return v.play(); }", video)
    page.wait_for_function("v => v.currentTime > 1", arg=video)

    page.click("#finish button.primary")  # Mark complete, with no connection
    page.wait_for_selector("[data-waiting]:has-text('1 change waits')")
    assert _completions(lesson) == 0

    page.context.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    wait_until(lambda: _completions(lesson) == 1)
    page.wait_for_selector("[data-waiting]", state="hidden")
    # A second flush (another page, the worker restarting) has nothing left to send.
    page.evaluate("() => navigator.serviceWorker.controller.postMessage('flush')")
    page.goto(lesson_url)
    assert _completions(lesson) == 1

    page.goto(f"{live_server}/downloads")
    row = page.locator("[data-list] li")
    row.wait_for()
    assert "Media lesson" in row.inner_text() and "MB" in row.inner_text()
    row.locator("button").click()
    row.wait_for(state="detached")
    assert (
        page.evaluate(
            "async () => (await (await caches.open('hw-pages')).keys()).filter(k => k.url.includes('/__saved/')).length"
        )
        == 0
    )

    # Signing out leaves no cache, no queued write and no worker for the next person.
    page.goto(lesson_url)
    page.goto(f"{live_server}/me")
    page.click("form[action='/sign-out'] button")
    page.wait_for_url(lambda url: "/sign-in" in url)
    wait_in_page(page, "async () => (await caches.keys()).length === 0")
    wait_in_page(
        page, "async () => (await navigator.serviceWorker.getRegistrations()).length === 0"
    )


@pytest.mark.parametrize("role", ["author", "admin"])
def test_offline_every_role_gets_headways_own_page(make_user, phone, live_server, role):
    """The worker installs for everyone signed in and keeps the offline page: an author or an
    admin offline sees Headway's page, not the browser's error."""
    page = phone(service_workers="allow")
    sign_in_page(page, live_server, make_user(role))
    page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller")
    # Until the worker keeps things for this person and holds their offline page.
    wait_in_page(
        page,
        "() => caches.open('hw-owner').then(c => c.match('/owner'))"
        ".then(r => r && r.text()).then(t => t === document.body.dataset.owner)",
    )
    wait_in_page(
        page, "() => caches.open('hw-pages').then(c => c.match('/offline')).then(r => !!r)"
    )
    page.context.set_offline(True)
    page.goto(f"{live_server}/me/data")
    assert page.locator("h1").inner_text() == "No connection"
    assert "back online" in page.content()
    page.context.set_offline(False)
