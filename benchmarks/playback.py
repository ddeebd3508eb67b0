"""Playback of a lesson on Slow 3G, in headless Chromium at 360×740 (issue 24).

    .venv/bin/python benchmarks/playback.py [--watch 10] [--clip FILE] [--rungs lowest low medium auto]

Starts its own Headway with the demo people and the demo course, transcodes one demo lesson's
video through the real pipeline ("Short, frequent classroom visits", 54 s, 854×480), and for
each data-saver choice opens the lesson as a leader on a fresh phone (empty cache) with the
page throttled through the DevTools protocol to Slow 3G (400 ms RTT, 50 KB/s down and up, as
DevTools defines it). The service worker is blocked: every request is the page's own, so
every request is throttled (a worker's fetches would escape the page's throttling). Then:

* first frame: from ``play()`` to the first painted frame (``requestVideoFrameCallback``),
  the page loaded and its player ready, as when a leader taps play once the page is in;
  targets ≤ 1.5 s at Low (the default) and ≤ 2 s at Medium;
* media bytes: what Chromium received for the lesson's video (playlist, init and media
  segments; not the poster or captions) once ``--watch`` seconds were watched and
  playback paused, any fetch under way landed;
* buffered: the seconds of video the player holds by then (from the start). Target: 10 s
  watched costs at most 20 s of video at the default.

Auto is opened with the throughput the Low run left on its phone (localStorage, as a
leader's phone keeps it from their last lesson): the table says which rung it started at.
The load average before the run is printed first: on a busy machine times are pessimistic.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.page_weight import CHROMIUM_ARGS, MOBILE, SLOW_3G, sign_in  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DEMO_SLUG = "short-frequent-classroom-visits"
DEMO_CLIP = ROOT / "courses" / "leading-learning-essentials" / "media" / f"{DEMO_SLUG}.mp4"
LEADER, PASSWORD = "+254700000001", "headway-demo"
TARGETS = {"low": 1.5, "medium": 2.0}  # first frame, seconds
THROUGHPUT_KEY = "hw-throughput"  # static/js/player.js


@dataclass
class Row:
    rung: str
    first_frame_s: float
    video_bytes: int
    buffered_s: float
    started_at: str
    rung_bytes: int  # the whole lesson in this rung, as the choice's label says


def serve(clip: Path):
    """Headway on a free port: demo people and course, ``clip`` transcoded for the lesson."""
    import logging

    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    logging.getLogger("headway").setLevel(logging.WARNING)
    os.environ["INSTANCE_PATH"] = tempfile.mkdtemp(prefix="headway-playback-")
    from flask_migrate import upgrade

    from app import create_app, demo
    from app.extensions import db
    from app.frameworks import services as frameworks
    from app.frameworks.files import load_framework
    from app.learning import services as learning
    from app.learning.course_files import load_course
    from app.learning.demo import DEMO_COURSES, DEMO_FRAMEWORK
    from app.learning.models import Lesson
    from app.media import services as media

    app = create_app({"SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False})
    with app.app_context():
        upgrade()
        demo.load_people()
        frameworks.import_framework(load_framework(DEMO_FRAMEWORK))
        spec = load_course(DEMO_COURSES[0], frameworks.known_competency_codes())
        course = learning.import_course(spec, queue_media=False).course
        asset = media.queue_transcode(clip)
        db.session.commit()
        media.run_transcode(asset.id)
        lesson = db.session.query(Lesson).filter_by(slug=DEMO_SLUG).one()
        lesson.media_asset_id = asset.id
        db.session.commit()
        asset = db.session.get(type(asset), asset.id)
        sizes = {r.name: (r.segments_bytes or r.bytes) for r in asset.renditions}
        path = f"/learn/{course.slug}/{DEMO_SLUG}"
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return app, f"http://127.0.0.1:{server.server_port}", path, sizes


def start_again(app) -> None:
    """Forget where the leader stopped: each rung's run plays from the start, not from where
    the last one left the lesson (the page would resume there)."""
    from sqlalchemy import update

    from app.extensions import db
    from app.learning.models import LessonProgress

    with app.app_context():
        db.session.execute(update(LessonProgress).values(position_seconds=0))
        db.session.commit()


class VideoBytes:
    """Bytes the page received for the lesson's video (segments, init, playlists), by CDP."""

    def __init__(self, page):
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.send("Network.enable")
        self.urls, self.bytes = {}, {}
        self.cdp.on("Network.requestWillBeSent", self._sent)
        self.cdp.on("Network.loadingFinished", self._done)

    def _sent(self, event):
        self.urls[event["requestId"]] = event["request"]["url"]

    def _done(self, event):
        url = self.urls.get(event["requestId"], "")
        if "/media/" in url and url.endswith((".m4s", ".m3u8", ".mp4", ".m4a", ".webm")):
            self.bytes[event["requestId"]] = event["encodedDataLength"]

    def throttle(self, conditions):
        self.cdp.send("Network.emulateNetworkConditions", conditions)

    def clear(self):
        self.cdp.send("Network.clearBrowserCache")
        self.bytes.clear()

    def total(self) -> int:
        return sum(self.bytes.values())

    def first_rung(self) -> str:
        """The rung of the first media segment fetched (its folder: ``…/240p/0000.m4s``)."""
        for rid, url in self.urls.items():
            if url.endswith(".m4s") and rid in self.bytes:
                return url.rsplit("/", 2)[-2]
        return "-"


FIRST_FRAME_JS = """async () => {
  const v = document.querySelector('video');
  v.muted = true;
  const t0 = performance.now();
  const painted = new Promise(r => v.requestVideoFrameCallback(() => r(performance.now())));
  v.play();
  return (await painted) - t0;
}"""

BUFFERED_JS = """() => {
  const v = document.querySelector('video'), b = v.buffered;
  let held = 0;
  for (let i = 0; i < b.length; i++) held += b.end(i) - b.start(i);
  return held;
}"""

SETTLED_JS = """() => { const l = document.querySelector('[data-player]').loader;
  return !l || (!l.busy && !(l.sb && l.sb.updating)); }"""


def measure_rung(browser, base_url, path, rung, watch_s, throughput=None) -> tuple[Row, float]:
    context = browser.new_context(**MOBILE)
    page = context.new_page()
    sign_in(page, base_url, LEADER, PASSWORD)
    page.goto(f"{base_url}{path}")
    page.wait_for_function("() => document.querySelector('[data-player]').dataset.ready")
    if page.eval_on_selector("[data-rungs] select", "s => s.value") != rung:
        with page.expect_response(lambda r: "/data-saver" in r.url):
            page.select_option("[data-rungs] select", rung)  # saved as the leader's choice
    if throughput:
        page.evaluate("([k, v]) => localStorage.setItem(k, v)", [THROUGHPUT_KEY, str(throughput)])
    meter = VideoBytes(page)
    meter.clear()
    meter.throttle(SLOW_3G)
    page.goto(f"{base_url}{path}")
    page.wait_for_function("() => document.querySelector('[data-player]').dataset.ready")
    page.wait_for_load_state("networkidle")  # the poster and captions are in
    meter.bytes.clear()
    first_frame = page.evaluate(FIRST_FRAME_JS) / 1000
    page.wait_for_function(
        f"() => document.querySelector('video').currentTime >= {watch_s}", timeout=120_000
    )
    page.evaluate("() => document.querySelector('video').pause()")
    page.wait_for_function(SETTLED_JS, timeout=30_000)
    time.sleep(1)  # a fetch already under way still lands; nothing more is asked for
    row = Row(rung, first_frame, meter.total(), page.evaluate(BUFFERED_JS), meter.first_rung(), 0)
    kept = page.evaluate("k => +localStorage.getItem(k) || 0", THROUGHPUT_KEY)
    context.close()
    return row, kept


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--watch", type=float, default=10.0, help="seconds watched per rung")
    parser.add_argument("--clip", type=Path, default=DEMO_CLIP, help="the lesson's video")
    parser.add_argument("--rungs", nargs="+", default=["lowest", "low", "medium", "auto"])
    parser.add_argument("--chromium", default=os.environ.get("CHROMIUM", "/usr/bin/chromium"))
    args = parser.parse_args()

    load = os.getloadavg()
    print(f"load average before the run: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    app, base_url, path, sizes = serve(args.clip)
    from playwright.sync_api import sync_playwright

    from app.media.services.playback import CHOICE_HEIGHTS

    def rung_size(choice: str) -> int:
        heights = sorted((int(n[:-1]), n) for n in sizes if n.endswith("p"))
        fitting = [n for h, n in heights if h <= CHOICE_HEIGHTS.get(choice, 0)] or [heights[0][1]]
        return sizes[fitting[-1]]

    rows, kept = [], None
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
        for rung in args.rungs:
            start_again(app)
            row, measured = measure_rung(
                browser, base_url, path, rung, args.watch, kept if rung == "auto" else None
            )
            row.rung_bytes = rung_size(rung)
            rows.append(row)
            if rung == "low" or kept is None:
                kept = measured  # what the default rung's lesson left on the phone
        browser.close()

    print(f"Playback on a 360×740 phone, Slow 3G (400 ms RTT, 50 KB/s), {args.watch:g} s watched")
    header = (
        f"{'rung':<8} {'first frame':>11} {'target':>7} {'video bytes':>12} "
        f"{'buffered':>9} {'started at':>10} {'lesson':>9}"
    )
    print(header)
    ok = True
    for r in rows:
        target = TARGETS.get(r.rung)
        meets = target is None or r.first_frame_s <= target
        ok &= meets and (r.rung != "low" or r.buffered_s <= 2 * args.watch)
        print(
            f"{r.rung:<8} {r.first_frame_s:>10.2f}s {f'≤ {target:g} s' if target else '':>7} "
            f"{r.video_bytes / 1e6:>9.3f} MB {r.buffered_s:>8.1f}s {r.started_at:>10} "
            f"{r.rung_bytes / 1e6:>6.2f} MB{'' if meets else '  (over target)'}"
        )
    if kept:
        print(
            f"throughput kept on the phone after Low: {kept / 1000:.0f} kbps (Auto starts from it)"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
