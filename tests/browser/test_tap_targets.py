"""Every link or control that stands on its own is a thumb's target, 44 px tall and wide at
least, on a 360×740 phone: sign-in's code links and "remember me", the lesson's data-saver
choice, download, "Discuss this lesson" and quick-check answers, a thread's Quote, Edit and
Report, breadcrumbs. (Links within a sentence are exempt.)"""

from __future__ import annotations

import pytest

from app.extensions import db
from app.groups import services as groups
from tests.conftest import sign_in_page
from tests.media.conftest import lesson_for, ready_asset, tiny_clip  # noqa: F401

pytestmark = pytest.mark.browser

SIZES = """selector => Array.from(document.querySelectorAll(selector)).map(e => {
    const box = e.getBoundingClientRect();
    return [e.innerText.trim().slice(0, 40), Math.round(Math.min(box.width, box.height))];
})"""


def _heights(page, selector: str) -> list:
    found = page.evaluate(SIZES, selector)
    assert found, f"{selector} is on the page"  # the test measures something real
    return found


def test_standalone_links_and_controls_are_thumb_sized(
    live_server,
    phone,
    make_user,
    ready_asset,  # noqa: F811
    lesson_for,  # noqa: F811
):
    from app.learning.models import QuickCheckQuestion as Question

    lesson = lesson_for(ready_asset())
    db.session.add(
        Question(
            lesson_id=lesson.id,
            position=1,
            prompt="Where do you look?",
            choices=["At the pupils", "At the walls"],
            answer=1,
            feedback_correct="Yes.",
            feedback_incorrect="No.",
        )
    )
    db.session.commit()
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
            ".question label.check",
            "[data-rungs] select",
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
