"""Every link or control that stands on its own is a thumb's target, 44 px tall at least, on
a 360×740 phone: sign-in's code links, the lesson's download and "Discuss this lesson", a
thread's Quote, Edit and Report, breadcrumbs. (Links within a sentence are exempt.)"""

from __future__ import annotations

import pytest

from app.groups import services as groups
from tests.conftest import sign_in_page
from tests.media.conftest import lesson_for, ready_asset, tiny_clip  # noqa: F401

pytestmark = pytest.mark.browser

HEIGHTS = """selector => Array.from(document.querySelectorAll(selector))
    .map(e => [e.innerText.trim().slice(0, 40), Math.round(e.getBoundingClientRect().height)])"""


def _heights(page, selector: str) -> list:
    found = page.evaluate(HEIGHTS, selector)
    assert found, f"{selector} is on the page"  # the test measures something real
    return found


def test_standalone_links_and_controls_are_thumb_sized(
    live_server,
    phone,
    make_user,
    ready_asset,  # noqa: F811
    lesson_for,  # noqa: F811
):
    lesson = lesson_for(ready_asset())
    leader, other = make_user("leader"), make_user("leader")
    group = groups.create_group("Cluster")
    for member in (leader, other):
        groups.add_member(group, member)
    thread = groups.start_thread(group, other, "Timetables", "How do you plan?", "t1")
    groups.reply(thread, groups.membership_of(leader, group.id), leader, "Like this.", "r1")
    pages = {
        "/sign-in": ('a[href="/welcome"]', 'a[href="/password-reset"]', "label.check"),
        f"/learn/{lesson.course.slug}/{lesson.slug}": (
            ".crumbs a",
            "a[download]",
            'a[href$="/discussion"]',
        ),
        f"/groups/threads/{thread.id}": (".crumbs a", ".links a"),
    }
    page = phone()
    for path, selectors in pages.items():
        if path != "/sign-in" and "/sign-in" in page.url:
            sign_in_page(page, live_server, leader)
        page.goto(f"{live_server}{path}")
        small = [
            found for selector in selectors for found in _heights(page, selector) if found[1] < 44
        ]
        assert small == [], path
