"""The author's journey in Chromium, at phone and laptop size: create a course and a lesson,
upload a clip whose connection is cut half-way and whose browser is closed, resume, watch
it transcode, preview, publish — and a leader sees the lesson. Then the same without
JavaScript, through the plain form upload."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from app.extensions import db
from app.learning.models import Course, Lesson
from app.media import services as media
from app.media.models import MediaAsset
from app.studio.models import Upload
from tests.conftest import PASSWORD
from tests.media_pipeline.conftest import lavfi_clip
from tests.services import require_ffmpeg

pytestmark = pytest.mark.browser

LAPTOP = {"viewport": {"width": 1280, "height": 800}, "is_mobile": False, "has_touch": False}
CHUNK = 64 * 1024


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    require_ffmpeg()
    # Noise does not compress: several chunks' worth in two seconds.
    return lavfi_clip(tmp_path_factory.mktemp("studio") / "assembly.mp4", size="320x240", seconds=2)


@pytest.fixture
def small_chunks(app):
    saved, app.config["STUDIO_TUS_CHUNK_BYTES"] = app.config["STUDIO_TUS_CHUNK_BYTES"], CHUNK
    yield
    app.config["STUDIO_TUS_CHUNK_BYTES"] = saved


def _sign_in(page, base_url, user):
    page.goto(f"{base_url}/sign-in")
    page.fill("input[name=identifier]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stack button.primary")
    page.wait_for_url(lambda url: "/sign-in" not in url)


def _create_course_and_lesson(page, base_url) -> None:
    page.click("nav.tabs a[href='/studio/']")
    page.wait_for_selector("#new-course")
    page.fill("#title", "Assemblies that teach")
    page.select_option("#language", "en")
    page.click("#new-course button.primary")
    page.wait_for_selector("h1:has-text('Assemblies that teach')")
    page.fill("#new-module-title", "Assemblies")  # the author names the first module
    page.click("#new-module button")
    page.wait_for_selector(".flash:has-text('Assemblies')")
    page.fill("input[name=title][id^=new-lesson-]", "Planning an assembly")
    page.click("form:has(input[id^=new-lesson-]) button")
    page.wait_for_selector("h1:has-text('Planning an assembly')")
    page.fill("#body", "Plan **one message** and one action.")
    page.fill("#reflection_prompt", "What will your next assembly ask of pupils?")
    page.fill("#duration_minutes", "4")
    page.check("input[name=competencies] >> nth=0")
    page.click("#text button.primary")
    page.wait_for_selector(".flash:has-text('Saved.')")


def _finish_transcoding() -> MediaAsset:
    """The job, run here rather than by a worker; the page's polling then shows it."""
    db.session.expire_all()
    upload = db.session.scalars(select(Upload)).one()
    assert upload.asset_id is not None
    media.run_transcode(upload.asset_id)
    db.session.expire_all()
    asset = db.session.get(MediaAsset, upload.asset_id)
    assert asset.status == "ready", (asset.error, asset.error_detail)
    return asset


def _publish_and_check_a_leader_sees_it(page, phone, base_url, make_user) -> None:
    page.click("#publish button.primary")
    page.wait_for_selector(".flash:has-text('Published.')")
    page.click(".crumbs a:nth-of-type(2)")
    page.click("#publish button.primary")
    page.wait_for_selector(".flash:has-text('leaders now see this course')")
    leader_page = phone()
    _sign_in(leader_page, base_url, make_user("leader"))
    leader_page.goto(f"{base_url}/learn/")
    leader_page.click("a:has-text('Planning an assembly')")
    leader_page.wait_for_selector("h1:has-text('Planning an assembly')")
    # The lesson plays: its segments through player.js (which takes the <source>s away), or
    # the <source> MP4s where there is no Media Source.
    assert leader_page.locator("video source, [data-rungs] option[data-playlist]").count() > 0


@pytest.mark.parametrize("size", ["phone", "laptop"])
def test_an_upload_cut_off_and_restarted_resumes_and_the_lesson_goes_live(
    live_server, phone, make_user, framework, clip, small_chunks, size
):
    options = {} if size == "phone" else LAPTOP
    author = make_user("author", name="Priya Raman")
    page = phone(**options)
    _sign_in(page, live_server, author)
    _create_course_and_lesson(page, live_server)
    if size == "phone":
        assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # The connection drops after the first chunk and stays down.
    patches = []

    def cut_after_first_chunk(route):
        if route.request.method == "PATCH":
            patches.append(route.request)
            if len(patches) > 1:
                route.abort("internetdisconnected")
                return
        route.continue_()

    page.route("**/studio/uploads/**", cut_after_first_chunk)

    page.set_input_files("#upload-file", str(clip))
    page.click("#upload-button")
    page.wait_for_selector("#upload-progress .network:has-text('Waiting for the network')")
    db.session.expire_all()
    [upload] = db.session.scalars(select(Upload)).all()
    assert upload.offset == CHUNK < upload.length

    # The laptop is closed: a new page (same browser profile) picks the same file again.
    lesson_url = page.url
    context = page.context
    page.close()
    page = context.new_page()
    posts = []
    page.on(
        "request",
        lambda r: posts.append(r) if r.method == "POST" and "/uploads/" in r.url else None,
    )
    page.goto(lesson_url)
    page.set_input_files("#upload-file", str(clip))
    page.click("#upload-button")
    page.wait_for_selector("#upload-progress .network:has-text('Uploaded.')")
    assert posts == []  # resumed, not started again
    assert "MB sent" in page.locator("#upload-progress .figures-line").inner_text()

    db.session.expire_all()
    [upload] = db.session.scalars(select(Upload)).all()
    original = hashlib.sha256(clip.read_bytes()).hexdigest()
    assert upload.sha256 == original
    stored = b"".join(media.storage().open(upload.asset.source_key))
    assert hashlib.sha256(stored).hexdigest() == original

    _finish_transcoding()
    page.wait_for_selector("#lesson-media:has-text('Ready.')", timeout=20_000)
    assert page.locator("#lesson-media .figures tbody tr").count() >= 2  # renditions, sized

    preview = page.context.new_page()
    lesson = db.session.scalars(select(Lesson)).one()
    preview.goto(f"{live_server}/studio/lessons/{lesson.id}/preview")
    preview.wait_for_selector("article.lesson video")
    assert "one message" in preview.locator(".prose").inner_text()

    _publish_and_check_a_leader_sees_it(page, phone, live_server, make_user)


def test_without_javascript_the_studio_works_with_plain_forms(
    live_server, phone, make_user, framework, clip
):
    author = make_user("author", name="Priya Raman")
    page = phone(java_script_enabled=False)
    _sign_in(page, live_server, author)
    _create_course_and_lesson(page, live_server)
    assert page.is_visible(".nojs-note")
    page.set_input_files("#upload-file", str(clip))
    page.click("#upload-button")
    page.wait_for_selector(".flash:has-text('Received.')")
    _finish_transcoding()
    page.reload()
    page.wait_for_selector("#lesson-media:has-text('Ready.')")
    course = db.session.scalars(select(Course)).one()
    assert not course.published
    # Order and a second lesson, by plain forms.
    page.click(".crumbs a:nth-of-type(2)")
    page.fill("input[name=title][id^=new-lesson-]", "After the assembly")
    page.click("form:has(input[id^=new-lesson-]) button")
    page.wait_for_selector("h1:has-text('After the assembly')")
    page.click("#order button:has-text('Move up')")
    page.wait_for_selector("#outline")
    titles = page.locator("#outline .lessons li b").all_inner_texts()
    assert titles == ["After the assembly", "Planning an assembly"]
    page.click("a:has-text('Planning an assembly')")
    _publish_and_check_a_leader_sees_it(page, phone, live_server, make_user)
