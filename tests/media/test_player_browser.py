"""The segment player in Chromium at phone size: it plays the chosen rung's segments, spends
only what is watched plus a bounded look-ahead, and switches rung mid-play keeping the
position without fetching again what it holds. Without Media Source, the plain <video>."""

from __future__ import annotations

import pytest

from app.accounts.data_use import month_usage
from app.extensions import db
from app.media import services
from app.media.models import MediaAsset
from media_pipeline.profiles import keyframe_times
from tests.conftest import PASSWORD
from tests.media_pipeline.conftest import lavfi_clip
from tests.services import require_ffmpeg

pytestmark = [pytest.mark.browser, pytest.mark.slow]
#: The read-ahead on a link measured to refill it fast (static/js/player.js LEAN): a local
#: server is one.
LOOK_AHEAD_S = 10


@pytest.fixture(scope="session")
def minute_clip(tmp_path_factory):
    """640×360, 60 s: three rungs (144p, 240p, 360p) of 31 segments (1 s, 1 s, then 2 s).
    Watching 30 s and leaving must fetch at most 30 + 10 s of it (plus the segment under way)."""
    require_ffmpeg()
    return lavfi_clip(tmp_path_factory.mktemp("player") / "minute.mp4", seconds=60)


@pytest.fixture
def lesson_page(app, minute_clip, lesson_for, make_user, phone, live_server, ladders):
    def open_page(**options):
        asset = services.queue_transcode(minute_clip)
        db.session.commit()
        ladders.run_transcode(asset.id)
        asset = db.session.get(MediaAsset, asset.id)
        lesson = lesson_for(asset)
        leader = make_user("leader")
        page = phone(**options)
        page.goto(f"{live_server}/sign-in")
        page.fill("input[name=identifier]", leader.email)
        page.fill("input[name=password]", PASSWORD)
        page.click("form.stack button.primary")
        page.wait_for_url(lambda url: "/sign-in" not in url)
        fetched = []
        page.on("request", lambda r: fetched.append(r.url) if "/media/" in r.url else None)
        page.goto(f"{live_server}/learn/media-course/media-lesson")
        return page, asset, lesson, leader, fetched

    return open_page


def _video(page, lesson):
    return page.locator(f"#media-{lesson.id}").element_handle()


def _play(page, video):
    page.evaluate("v => { v.muted = true; return v.play(); }", video)


def _settled(page):
    """Until the loader has nothing in flight (it fetches only while under its look-ahead)."""
    page.wait_for_function(
        "() => { const l = document.querySelector('[data-player]').loader;"
        " return l && !l.busy && !(l.sb && l.sb.updating); }"
    )


def _segments_upto(seconds: float) -> int:
    """Segments that start before ``seconds``, and at most one more being fetched."""
    return len(keyframe_times(seconds)) + 1


def _segment_bytes(asset, name, upto_s):
    rendition = next(r for r in asset.renditions if r.name == name)
    folder = rendition.playlist_key.rsplit("/", 1)[0]
    store = services.storage()
    count = _segments_upto(upto_s)
    return store.size(f"{folder}/init.mp4") + sum(
        store.size(f"{folder}/{i:04d}.m4s")
        for i in range(count)
        if store.exists(f"{folder}/{i:04d}.m4s")
    )


def test_plays_segments_spends_only_what_is_watched_and_switches_keeping_position(lesson_page):
    page, asset, lesson, leader, fetched = lesson_page()
    options = page.locator("[data-rungs] select option")
    assert options.count() == 5
    assert all("MB" in text for text in options.all_inner_texts())  # each cost, before play
    assert page.locator("[data-rungs] select").bounding_box()["height"] >= 44  # a thumb's
    assert page.locator("[data-rungs] option:checked").inner_text().startswith("Low")
    # Before play, the poster only (the lowest choices show the inline placeholder instead).
    assert [url.rsplit("/", 1)[1] for url in fetched] == ["poster.jpg"]
    fetched.clear()

    video = _video(page, lesson)
    _play(page, video)
    page.wait_for_function("v => v.currentTime > 1", arg=video)
    assert page.evaluate("v => v.src", video).startswith("blob:")  # Media Source, not the MP4
    page.evaluate("v => { v.playbackRate = 4; }", video)  # 30 s of lesson in under 10 s
    page.wait_for_function("v => v.currentTime >= 30", arg=video)
    page.evaluate("v => v.pause()", video)
    _settled(page)
    watched = page.evaluate("v => v.currentTime", video)
    assert all("/240p/" in url for url in fetched), fetched
    assert not any(url.endswith(".mp4") and "/init" not in url for url in fetched)
    db.session.expire_all()
    spent = month_usage(leader).media_bytes - asset.poster_bytes
    rendition = next(r for r in asset.renditions if r.name == "240p")
    assert 0 < spent <= _segment_bytes(asset, "240p", watched + LOOK_AHEAD_S) + 2_000  # + playlist
    segments = {url for url in fetched if url.endswith(".m4s")}
    assert len(segments) <= _segments_upto(watched + LOOK_AHEAD_S) < 31, "not the whole minute"
    assert spent < rendition.bytes

    # Medium, mid-play: the position holds, what is buffered stays, 360p follows it.
    _play(page, video)
    at = page.evaluate("v => v.currentTime", video)
    page.select_option("[data-rungs] select", "medium")
    page.wait_for_function(
        "() => performance.getEntriesByType('resource').some(e => e.name.includes('/360p/0'))"
    )
    page.wait_for_function(f"v => v.currentTime > {at + 2}", arg=video)
    assert page.evaluate("v => v.currentTime", video) >= at
    assert any("/360p/init.mp4" in url for url in fetched)
    assert len(fetched) == len(set(fetched)), "nothing fetched twice"
    db.session.expire_all()
    assert leader.data_rung == "medium"  # the one tap is also the leader's setting


def test_without_media_source_the_plain_video_plays_the_chosen_mp4(lesson_page):
    page, asset, lesson, leader, fetched = lesson_page()
    page.add_init_script("delete window.MediaSource; delete window.ManagedMediaSource;")
    page.reload()
    video = _video(page, lesson)
    _play(page, video)
    page.wait_for_function("v => v.currentTime > 1", arg=video)
    assert page.evaluate("v => v.currentSrc", video).endswith("/240p.mp4")
    at = page.evaluate("v => v.currentTime", video)
    page.select_option("[data-rungs] select", "lowest")
    page.wait_for_function("v => v.currentSrc.endsWith('/144p.mp4') && !v.paused", arg=video)
    page.wait_for_function(f"v => v.currentTime > {at}", arg=video)


def test_auto_climbs_with_the_throughput_but_stays_within_the_monthly_limit(lesson_page):
    page, asset, lesson, leader, fetched = lesson_page()
    costs = {r.name: r.segments_bytes for r in asset.renditions if r.kind == "video"}
    # A limit that leaves room for the lesson at 240p but not at 360p.
    leader.data_limit_mb = round((costs["240p"] + costs["360p"]) / 2 / 1_000_000)
    assert costs["240p"] < leader.data_limit_mb * 1_000_000 - 200_000 < costs["360p"]
    leader.data_rung = "auto"
    db.session.commit()

    page.reload()
    video = _video(page, lesson)
    _play(page, video)
    page.wait_for_function("v => v.currentTime > 4", arg=video)
    assert any("/240p/" in url for url in fetched), fetched  # Low, on a phone that never measured
    assert not any("/360p/" in url for url in fetched), "above what the limit leaves"

    leader.data_limit_mb = None
    db.session.commit()
    fetched.clear()
    page.reload()
    video = _video(page, lesson)
    _play(page, video)
    page.wait_for_function(
        "() => performance.getEntriesByType('resource').some(e => e.name.includes('/360p/0'))"
    )


def test_without_javascript_the_plain_video_a_download_and_the_choices_work(lesson_page):
    page, asset, lesson, leader, fetched = lesson_page(java_script_enabled=False)
    sources = page.locator(f"#media-{lesson.id} source")
    assert sources.first.get_attribute("src").endswith("/240p.mp4")
    download = page.locator("a[download]")
    assert "MB" in download.inner_text() and download.get_attribute("href").endswith("/240p.mp4")
    page.select_option("[data-rungs] select", "lowest")
    page.click("[data-rungs] [data-apply]")  # a plain form: POST, 303, GET
    page.wait_for_selector("[data-rungs] option[value=lowest][selected]", state="attached")
    assert sources.first.get_attribute("src").endswith("/144p.mp4")
    db.session.expire_all()
    assert leader.data_rung == "lowest"
