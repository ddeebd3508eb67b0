"""Practices in a real Chromium on a 360×740 phone, JavaScript on and off: a leader shares
a practice, her coach approves it, another leader finds it, tries it and says how it went,
and the author sees the count; the same with a video sent by the resumable upload over a
link cut mid-upload (JavaScript on) or the plain upload (off), really transcoded, and
found from the other leader's priority; and what the library and a practice's page weigh."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.coaching import services as coaching
from app.extensions import db
from app.forms import new_form_key
from app.media import services as media
from app.media.models import MediaAsset
from app.practices.models import Practice, PracticeUpload
from benchmarks.page_weight import FIRST_VISIT_BUDGET, NAVIGATION_BUDGET, Meter
from tests.conftest import PASSWORD
from tests.media_pipeline.conftest import lavfi_clip
from tests.practices.conftest import make_practice
from tests.services import require_ffmpeg

CHUNK = 32 * 1024

pytestmark = pytest.mark.browser


def _sign_in(page, live_server, user) -> None:
    page.goto(f"{live_server}/sign-in")
    page.fill("#identifier", user.email)
    page.fill("#password", PASSWORD)
    page.click("form.stack button.primary")
    page.wait_for_url(lambda url: not url.endswith("/sign-in"))


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_share_review_find_try_and_report(live_server, phone, w, javascript):
    amina = phone(java_script_enabled=javascript)
    _sign_in(amina, live_server, w.amina)
    amina.goto(f"{live_server}/practices/new")
    amina.fill("#title", "Morning huddles")
    amina.fill("#problem", "Staff hear news late.")
    amina.fill("#steps", "Ten minutes at 7:30, standing.")
    amina.click("form.stack button.primary")
    amina.wait_for_url(lambda url: url.rstrip("/").split("/")[-1].isdigit())
    practice_url = amina.url
    amina.click("button:has-text('Send for review')")
    amina.wait_for_selector("text=With your coach for review")

    coach = phone(java_script_enabled=javascript)
    _sign_in(coach, live_server, w.coach)
    coach.goto(f"{live_server}/practices/reviews")
    coach.click("text=Morning huddles")
    coach.check("input[value=approve]")
    coach.click("button:has-text('Send the review')")
    coach.wait_for_selector("text=Your review is sent to the author.")

    chen = phone(java_script_enabled=javascript)
    _sign_in(chen, live_server, w.chen)
    chen.goto(f"{live_server}/practices/")
    chen.fill("#q", "huddles")
    chen.click("form[role=search] button")
    chen.click("#results >> text=Morning huddles")
    chen.click('button:has-text("I\'ll try this")')
    chen.wait_for_selector("text=You are trying this.")
    chen.check("input[value=worked]")
    chen.fill("#note", "Staff came on time.")
    chen.click("button:has-text('Say how it went')")
    chen.wait_for_selector("text=You said: It worked")

    amina.goto(practice_url)
    assert amina.is_visible("text=Tried by 1 leader: 1 worked, 0 partly, 0 not for them")
    assert amina.viewport_size == {"width": 360, "height": 740}
    width = amina.evaluate("document.documentElement.scrollWidth")
    assert width <= 360  # nothing wider than the phone


def test_the_library_and_a_practice_stay_within_their_byte_budgets(live_server, phone, w):
    practice = make_practice(w)
    for n in range(15):
        make_practice(w, title=f"Practice {n}")
    page = phone()
    meter = Meter(page, throttle=False)
    _sign_in(page, live_server, w.chen)
    meter.clear_cache()
    library = meter.measure(
        "library", "first visit", lambda: page.goto(f"{live_server}/practices/")
    )
    assert library.bytes <= FIRST_VISIT_BUDGET, library
    meter.clear_cache()
    one = meter.measure(
        "practice", "first visit", lambda: page.goto(f"{live_server}/practices/{practice.id}")
    )
    assert one.bytes <= FIRST_VISIT_BUDGET, one
    page.goto(f"{live_server}/practices/")
    page.wait_for_load_state("networkidle")
    later = meter.measure(
        "library → practice",
        "navigation",
        lambda: (page.click(f"#practice-{practice.id} a"), page.wait_for_url(f"**/{practice.id}")),
    )
    assert later.bytes <= NAVIGATION_BUDGET, later
    print(library, one, later)  # shown with -s: the measured bytes


@pytest.fixture(scope="module")
def phone_video(tmp_path_factory):
    """A phone's short video: several pieces' worth of noise-like test pattern and sound."""
    require_ffmpeg()
    folder = tmp_path_factory.mktemp("practice-video")
    return lavfi_clip(folder / "huddle.mp4", size="320x240", seconds=3, rate=15)


@pytest.fixture
def small_pieces(app):
    saved, app.config["PRACTICES_TUS_CHUNK_BYTES"] = app.config["PRACTICES_TUS_CHUNK_BYTES"], CHUNK
    yield
    app.config["PRACTICES_TUS_CHUNK_BYTES"] = saved


def _transcode_the_video(practice_id: int) -> None:
    """The transcode job, run here as a worker would (the real pipeline and ladder)."""
    db.session.expire_all()
    practice = db.session.get(Practice, practice_id)
    assert practice.video_asset_id is not None
    media.run_transcode(practice.video_asset_id)
    db.session.expire_all()
    asset = db.session.get(MediaAsset, practice.video_asset_id)
    assert asset.status == "ready", (asset.error, asset.error_detail)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_video_over_a_cut_link_then_found_from_a_priority_tried_and_counted(
    live_server, phone, w, phone_video, small_pieces, javascript
):
    wanted = w.framework.domains[0].competencies[0]
    coaching.save_priority(
        w.baraka,
        coaching.PriorityFields(title="Staff on time", competency_ids=(wanted.id,)),
        by=w.coach,
        framework_id=w.framework.id,
        key=new_form_key(),
    )
    amina = phone(java_script_enabled=javascript)
    _sign_in(amina, live_server, w.amina)
    amina.goto(f"{live_server}/practices/new")
    amina.fill("#title", "Morning huddles")
    amina.fill("#problem", "Staff hear news late.")
    amina.fill("#steps", "Ten minutes at 7:30, standing.")
    amina.check(f"input[name=competency_ids][value='{wanted.id}']")
    amina.click("form.stack button.primary")
    amina.wait_for_url(lambda url: url.rstrip("/").split("/")[-1].isdigit())
    practice_url = amina.url
    practice_id = int(practice_url.rstrip("/").split("/")[-1])

    amina.set_input_files("#upload-file", str(phone_video))
    if javascript:
        # The link drops during the second piece: that PATCH never reaches the server.
        seen, cut = [], []

        def cut_the_second_piece(route):
            request = route.request
            seen.append((request.method, request.url))
            if request.method == "PATCH" and len([m for m, _ in seen if m == "PATCH"]) == 2:
                cut.append(request.url)
                route.abort("internetdisconnected")
                return
            route.continue_()

        amina.route("**/practices/uploads/**", cut_the_second_piece)
        amina.click("#upload-button")
        amina.wait_for_selector("text=The video is being prepared", timeout=30_000)
        methods = [m for m, _ in seen]
        assert cut, methods
        after_cut = methods[methods.index("PATCH", methods.index("PATCH") + 1) + 1 :]
        # Resumed: it asked the server's offset (HEAD) and went on, never started again.
        assert "HEAD" in after_cut and "POST" not in after_cut, methods
        assert methods.count("PATCH") >= 4, methods  # in pieces
        db.session.expire_all()
        upload = db.session.scalars(select(PracticeUpload)).one()
        assert upload.status == "complete" and upload.offset == phone_video.stat().st_size
        # Nothing of the upload stays in the browser once done.
        kept = amina.evaluate("Object.keys(localStorage).filter(k => k.startsWith('tus::'))")
        assert kept == []
    else:
        assert amina.is_visible(".nojs-note")
        amina.click("#upload-button")
        amina.wait_for_selector(".flash:has-text('Received. The video is being prepared.')")
    _transcode_the_video(practice_id)
    amina.goto(practice_url)
    assert amina.locator("video source").count() >= 1
    # Shown across the phone in the picture's shape, not the browser's 16 × 10 default box.
    width, height = amina.locator("video").evaluate("v => [v.clientWidth, v.clientHeight]")
    assert width >= 300 and height >= 150, (width, height)
    assert amina.is_visible("text=Ten minutes at 7:30, standing.")
    amina.click("button:has-text('Send for review')")
    amina.wait_for_selector("text=With your coach for review")

    coach = phone(java_script_enabled=javascript)
    _sign_in(coach, live_server, w.coach)
    coach.goto(f"{live_server}/practices/reviews")
    coach.click("text=Morning huddles")
    coach.wait_for_selector("h1:has-text('Morning huddles')")
    assert coach.locator("video source").count() >= 1  # the reviewer sees the video
    coach.check("input[value=approve]")
    coach.click("button:has-text('Send the review')")
    coach.wait_for_selector("text=Your review is sent to the author.")

    baraka = phone(java_script_enabled=javascript)
    _sign_in(baraka, live_server, w.baraka)
    baraka.goto(f"{live_server}/learn/")
    baraka.click("#priority-practices >> text=Morning huddles")
    baraka.wait_for_selector("h1:has-text('Morning huddles')")
    assert baraka.locator("video source").count() >= 1
    baraka.click('button:has-text("I\'ll try this")')
    baraka.wait_for_selector("text=You are trying this.")
    baraka.check("input[value=worked]")
    baraka.fill("#note", "Staff came on time.")
    baraka.click("button:has-text('Say how it went')")
    baraka.wait_for_selector("text=You said: It worked")

    amina.goto(practice_url)
    assert amina.is_visible("text=Tried by 1 leader: 1 worked, 0 partly, 0 not for them")
    assert amina.evaluate("document.documentElement.scrollWidth") <= 360
    if javascript:  # signing out leaves nothing of hers in the browser's storage
        amina.goto(f"{live_server}/me")
        amina.click("button:has-text('Sign out')")
        amina.wait_for_url(lambda url: "/sign-in" in url)
        kept = amina.evaluate(
            "Object.keys(localStorage).filter(k => k.startsWith('tus::') || k.startsWith('draft:'))"
        )
        assert kept == []


def test_signing_out_mid_upload_leaves_nothing_of_it_in_the_browser(
    live_server, phone, w, phone_video, small_pieces
):
    """tus-js-client keeps an unfinished upload's URL (and the file's name) in localStorage
    to resume it; on a shared phone the next person must not find it."""
    practice = make_practice(w, status="draft")
    amina = phone()
    _sign_in(amina, live_server, w.amina)
    amina.goto(f"{live_server}/practices/{practice.id}")

    def cut_after_the_first_piece(route):
        if route.request.method == "PATCH" and cut_after_the_first_piece.sent:
            route.abort("internetdisconnected")
            return
        cut_after_the_first_piece.sent |= route.request.method == "PATCH"
        route.continue_()

    cut_after_the_first_piece.sent = False
    amina.route("**/practices/uploads/**", cut_after_the_first_piece)
    amina.set_input_files("#upload-file", str(phone_video))
    amina.click("#upload-button")
    amina.wait_for_selector("#upload-progress .network:has-text('Waiting for the network')")
    tus_keys = "Object.keys(localStorage).filter(k => k.startsWith('tus::'))"
    assert len(amina.evaluate(tus_keys)) == 1  # what would let it resume
    amina.goto(f"{live_server}/me")
    amina.click("button:has-text('Sign out')")
    amina.wait_for_url(lambda url: "/sign-in" in url)
    assert amina.evaluate(tus_keys) == []
