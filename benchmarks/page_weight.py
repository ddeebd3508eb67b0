"""Page weight on a phone over Slow 3G: bytes, requests and first paint per page.

    .venv/bin/python benchmarks/page_weight.py            # starts its own app with demo data
    .venv/bin/python benchmarks/page_weight.py --no-throttle

Budgets (issue 3): a first visit to the sign-in or home page transfers at most 32 KB
compressed, HTML, CSS and JavaScript together; moving to another page afterwards at
most 6 KB. Bytes are what Chromium received on the wire (headers included), read from
the DevTools protocol. ``tests/core/test_page_weight.py`` asserts the byte budgets with
the same code; times are only printed here.
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

FIRST_VISIT_BUDGET = 32 * 1024
NAVIGATION_BUDGET = 6 * 1024
# Chrome DevTools' "Slow 3G" as the issue defines it: 400 kbps down and up, 400 ms RTT.
SLOW_3G = {
    "offline": False,
    "latency": 400,
    "downloadThroughput": 400_000 / 8,
    "uploadThroughput": 400_000 / 8,
}
MOBILE = {
    "viewport": {"width": 360, "height": 740},
    "is_mobile": True,
    "has_touch": True,
    "locale": "en-GB",
    # Pages are weighed as the network delivers them: with the service worker in control its
    # Cache API would answer "first visits" from what the journey fetched before, and CDP
    # reports what the worker serves as 0 bytes. The worker's own JS is weighed with the
    # player's (tests/offline/test_offline_weight.py).
    "service_workers": "block",
}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@dataclass
class Measurement:
    page: str
    kind: str  # "first visit" or "navigation"
    bytes: int
    requests: int
    fcp_ms: float | None
    seconds: float

    @property
    def budget(self) -> int:
        return FIRST_VISIT_BUDGET if self.kind == "first visit" else NAVIGATION_BUDGET


class Meter:
    """Counts what the page receives, through the DevTools protocol."""

    def __init__(self, page, throttle: bool):
        self.page = page
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.send("Network.enable")
        if throttle:
            self.cdp.send("Network.emulateNetworkConditions", SLOW_3G)
        self.received: dict[str, int] = {}
        self.pending: set[str] = set()
        self.last_sent = time.monotonic()
        self.cdp.on("Network.requestWillBeSent", self._sent)
        self.cdp.on("Network.loadingFinished", self._finished)
        self.cdp.on("Network.loadingFailed", lambda e: self.pending.discard(e["requestId"]))

    def _sent(self, event) -> None:
        self.pending.add(event["requestId"])
        self.last_sent = time.monotonic()

    def _finished(self, event) -> None:
        self.received[event["requestId"]] = event["encodedDataLength"]
        self.pending.discard(event["requestId"])

    def settle(self, timeout: float = 30.0, quiet: float = 0.5) -> None:
        """Wait until every request the page made has finished loading and none has started
        for ``quiet`` seconds: after an htmx swap, which is no navigation, the requests the
        new content sends (``hx-trigger="load"``) start a moment later."""
        self.page.wait_for_load_state("networkidle")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and (
            self.pending or time.monotonic() - self.last_sent < quiet
        ):
            self.page.wait_for_timeout(50)

    def clear_cache(self) -> None:
        self.cdp.send("Network.clearBrowserCache")

    def measure(self, name: str, kind: str, action) -> Measurement:
        self.received.clear()
        self.pending.clear()
        started = time.perf_counter()
        action()
        self.settle()
        seconds = time.perf_counter() - started
        fcp = None
        if kind == "first visit":
            fcp = self.page.evaluate(
                "performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null"
            )
        return Measurement(
            name, kind, sum(self.received.values()), len(self.received), fcp, seconds
        )


def sign_in(page, base_url: str, identifier: str, password: str) -> None:
    page.goto(f"{base_url}/sign-in")
    page.fill("input[name=identifier]", identifier)
    page.fill("input[name=password]", password)
    page.click("form.stack button.primary")
    page.wait_for_url(lambda url: "/sign-in" not in url)


def shell_journey(
    page, meter: Meter, base_url: str, identifier: str, password: str
) -> list[Measurement]:
    """The pages of the shell: sign-in and home on a first visit, then a tab."""
    results = [meter.measure("sign-in", "first visit", lambda: page.goto(f"{base_url}/sign-in"))]
    sign_in(page, base_url, identifier, password)
    meter.clear_cache()
    results.append(meter.measure("home", "first visit", lambda: page.goto(f"{base_url}/")))
    results.append(
        meter.measure("home → Me", "navigation", lambda: follow(page, "nav.tabs a[href='/me']"))
    )
    return results


def follow(page, selector: str) -> None:
    """Click a link and wait for its page to arrive (a boosted link loads by XHR)."""
    with page.expect_response(lambda r: r.request.resource_type in ("document", "xhr", "fetch")):
        page.click(selector)


DEMO_LESSON = "/learn/leading-learning-essentials/feedback-teachers-act-on"


def learning_journey(
    page, meter: Meter, base_url: str, identifier: str, password: str
) -> list[Measurement]:
    """A leader's Learn page and a lesson (without its media), each on a first visit, then
    Learn → lesson and lesson → next lesson as navigations."""
    sign_in(page, base_url, identifier, password)
    meter.clear_cache()
    results = [meter.measure("learn", "first visit", lambda: page.goto(f"{base_url}/learn/"))]
    meter.clear_cache()
    results.append(
        meter.measure("lesson", "first visit", lambda: page.goto(f"{base_url}{DEMO_LESSON}"))
    )
    page.goto(f"{base_url}/learn/")
    page.wait_for_load_state("networkidle")
    results.append(
        meter.measure(
            "learn → lesson", "navigation", lambda: follow(page, f"a[href='{DEMO_LESSON}']")
        )
    )
    results.append(
        meter.measure(
            "lesson → next lesson", "navigation", lambda: follow(page, "#finish a.button")
        )
    )
    return results


def groups_journey(
    page, meter: Meter, base_url: str, identifier: str, password: str
) -> list[Measurement]:
    """The most active thread of the leader's first group on a first visit, then
    group → that thread as a navigation."""
    sign_in(page, base_url, identifier, password)
    page.goto(f"{base_url}/groups/")
    group = page.locator("#groups a").first.get_attribute("href")
    page.goto(f"{base_url}{group}")
    thread = page.locator("#threads a[id^=thread-]").first.get_attribute("href")
    meter.clear_cache()
    results = [meter.measure("thread", "first visit", lambda: page.goto(f"{base_url}{thread}"))]
    page.goto(f"{base_url}{group}")
    page.wait_for_load_state("networkidle")
    results.append(
        meter.measure("group → thread", "navigation", lambda: follow(page, f"a[href='{thread}']"))
    )
    return results


# Areas add their own journeys here: (name, function(page, meter, base_url) -> [Measurement]).
JOURNEYS = [("shell", shell_journey), ("learning", learning_journey), ("groups", groups_journey)]


def run(
    base_url: str, identifier: str, password: str, throttle: bool, executable: str
) -> list[Measurement]:
    from playwright.sync_api import sync_playwright

    results = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        for _name, journey in JOURNEYS:
            context = browser.new_context(**MOBILE)
            page = context.new_page()
            meter = Meter(page, throttle)
            results += journey(page, meter, base_url, identifier, password)
            context.close()
        browser.close()
    return results


def serve_demo_app() -> str:
    """Start Headway with demo data on a free port, in this process."""
    import logging

    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    logging.getLogger("headway").setLevel(logging.WARNING)

    instance = tempfile.mkdtemp(prefix="headway-bench-")
    os.environ["INSTANCE_PATH"] = instance
    from flask_migrate import upgrade

    from app import create_app, demo

    app = create_app({"SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False})
    with app.app_context():
        upgrade()
        demo.load_people()
        from app.learning.demo import load_demo_content

        load_demo_content()
        from app.groups.demo import load_demo_groups

        load_demo_groups()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}"


def print_table(results: list[Measurement], throttled: bool) -> None:
    print(
        f"Page weight on a 360×740 phone{', Slow 3G (400 kbps, 400 ms RTT)' if throttled else ''}"
    )
    print(
        f"{'page':<22} {'kind':<12} {'bytes':>8} {'budget':>8} {'reqs':>5} {'FCP ms':>8} {'seconds':>8}  ok"
    )
    for r in results:
        fcp = f"{r.fcp_ms:.0f}" if r.fcp_ms is not None else "-"
        ok = "yes" if r.bytes <= r.budget else "NO"
        print(
            f"{r.page:<22} {r.kind:<12} {r.bytes:>8} {r.budget:>8} {r.requests:>5} {fcp:>8} {r.seconds:>8.2f}  {ok}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--base-url", help="a running Headway with the demo data (default: start one)"
    )
    parser.add_argument("--identifier", default="+254700000001", help="a demo leader's sign-in")
    parser.add_argument("--password", default="headway-demo")
    parser.add_argument("--no-throttle", action="store_true")
    parser.add_argument("--chromium", default=os.environ.get("CHROMIUM", "/usr/bin/chromium"))
    args = parser.parse_args()
    base_url = args.base_url or serve_demo_app()
    results = run(base_url, args.identifier, args.password, not args.no_throttle, args.chromium)
    print_table(results, not args.no_throttle)
    return 0 if all(r.bytes <= r.budget for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
