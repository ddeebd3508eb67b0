"""Peer groups in a real Chromium on a 360×740 phone: what hostile posts cannot do, what a
20-post thread costs, and two leaders talking, with JavaScript and without."""

from __future__ import annotations

import pytest

from app.groups import services
from benchmarks.page_weight import FIRST_VISIT_BUDGET, NAVIGATION_BUDGET, Meter, groups_journey
from tests.conftest import PASSWORD
from tests.groups.conftest import new_key, reply
from tests.groups.xss_payloads import PAYLOADS

pytestmark = pytest.mark.browser


def _sign_in(page, live_server, user) -> None:
    page.goto(f"{live_server}/sign-in")
    page.fill("#identifier", user.email)
    page.fill("#password", PASSWORD)
    page.click("form.stack button.primary")
    page.wait_for_url(lambda url: not url.endswith("/sign-in"))


ALLOWED = ["P", "BR", "STRONG", "EM", "UL", "OL", "LI", "A"]


def test_hostile_posts_run_nothing_in_the_browser(live_server, phone, circle, thread):
    for payload in PAYLOADS:
        reply(thread, circle.amani, payload)
    page = phone()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    _sign_in(page, live_server, circle.grace)
    page.goto(f"{live_server}/groups/threads/{thread.id}?before=999999999")
    page.goto(f"{live_server}/groups/threads/{thread.id}")
    page.wait_for_load_state("networkidle")
    # Point at and focus everything the posts hold, as a curious reader would.
    page.evaluate(
        """() => document.querySelectorAll('#posts .prose *').forEach(el => {
            for (const type of ['mouseover', 'mouseenter', 'focus', 'toggle'])
                el.dispatchEvent(new Event(type));
        })"""
    )
    found = page.evaluate(
        """(allowed) => [...document.querySelectorAll('#posts .prose *')].flatMap(el => {
            const bad = [];
            if (!allowed.includes(el.tagName)) bad.push(el.tagName);
            for (const a of el.attributes) if (!['href', 'rel'].includes(a.name)) bad.push(a.name);
            if (el.href && !/^(https?|mailto):/.test(el.href)) bad.push(el.href);
            return bad;
        })""",
        ALLOWED,
    )
    assert found == []
    assert dialogs == []
    assert page.evaluate("document.querySelectorAll('script:not([src])').length") == 0


def test_a_twenty_post_thread_keeps_the_page_budgets(live_server, phone, circle, thread):
    for n in range(19):
        reply(
            thread,
            [circle.amani, circle.coach][n % 2],
            f"Reply {n}: we tried **reading corners** in P{n % 7 + 1} and it "
            f"helped. @Grace the [guide](https://example.org/guide-{n}) is useful.",
        )
    page = phone()
    results = groups_journey(
        page, Meter(page, throttle=False), live_server, circle.grace.email, PASSWORD
    )
    by_name = {r.page: r for r in results}
    print({r.page: r.bytes for r in results})
    assert 10_000 < by_name["thread"].bytes <= FIRST_VISIT_BUDGET, by_name["thread"]
    navigation = by_name["group → thread"]
    assert navigation.requests == 1 and 1_000 < navigation.bytes <= NAVIGATION_BUDGET, navigation


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_two_leaders_talk_in_their_group(live_server, phone, circle, javascript):
    grace, amani = phone(java_script_enabled=javascript), phone(java_script_enabled=javascript)
    _sign_in(grace, live_server, circle.grace)
    _sign_in(amani, live_server, circle.amani)

    # Grace starts a thread from the Groups tab.
    grace.click("nav.tabs a[href='/groups/']")
    grace.click(f"#group-{circle.group.id}")
    grace.click("text=New thread")
    grace.fill("#title", "Teachers arriving late")
    grace.fill("#body", "Three teachers arrive after 8:00 most days. What has worked for you?")
    grace.click("form.stack button.primary")
    grace.wait_for_selector("h1:has-text('Teachers arriving late')")

    # Amani sees the unread badge on her group, opens the thread and replies, mentioning Grace.
    amani.goto(f"{live_server}/groups/")
    assert amani.locator(f"#group-{circle.group.id} .badge").inner_text().startswith("1")
    amani.click(f"#group-{circle.group.id}")
    amani.click("a.unread:has-text('Teachers arriving late')")
    amani.wait_for_selector("text=What has worked for you?")
    amani.fill("#body", "We sign in at the gate with the deputy. @Grace it took two weeks.")
    amani.click("#reply button.primary")
    amani.wait_for_selector("#posts li:has-text('We sign in at the gate')")
    if javascript:  # the post was appended in place and the form is empty for the next one
        assert amani.input_value("#body") == ""
        assert amani.evaluate("Object.keys(localStorage).filter(k => k.startsWith('draft:'))") == []

    # Grace is told: the bell shows it, and the notification opens the reply.
    grace.goto(f"{live_server}/groups/")
    assert grace.locator("#bell .badge").inner_text().startswith("1")
    grace.click("#bell")
    grace.click("text=Amani Mutesi mentioned you in “Teachers arriving late”")
    grace.wait_for_selector("text=We sign in at the gate")
    assert "/groups/threads/" in grace.url
    thread = services.get_thread(services.first_group_of(circle.grace).id)
    assert thread is not None


def test_a_draft_survives_a_closed_tab(live_server, phone, circle, thread):
    page = phone()
    _sign_in(page, live_server, circle.amani)
    page.goto(f"{live_server}/groups/threads/{thread.id}")
    page.fill("#body", "Half a thought about reading corners")
    page.goto(f"{live_server}/groups/")
    page.goto(f"{live_server}/groups/threads/{thread.id}")
    assert page.input_value("#body") == "Half a thought about reading corners"


def test_a_photo_loads_only_when_tapped(live_server, phone, circle, thread):
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.effect_noise((200, 150), 50).convert("RGB").save(out, "JPEG")
    out.seek(0)
    membership = services.membership_of(circle.amani, thread.group_id)
    services.reply(thread, membership, circle.amani, "Our timetable", new_key(), photo=out)
    page = phone()
    _sign_in(page, live_server, circle.grace)
    photos = []
    page.on(
        "request",
        lambda r: photos.append(r.url) if "/photo" in r.url else None,
    )
    page.goto(f"{live_server}/groups/threads/{thread.id}")
    page.wait_for_load_state("networkidle")
    assert photos == []
    with page.expect_response(lambda r: "/photo" in r.url and r.status == 200):
        page.click("summary:has-text('Photo')")
    assert photos


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_thread_read_is_marked_read(live_server, phone, circle, thread, javascript):
    """The page marks it read once shown (htmx, a POST on load); without JavaScript, its
    "Mark as read" button does, and the reader comes back to the thread."""
    page = phone(java_script_enabled=javascript)
    _sign_in(page, live_server, circle.amani)
    page.goto(f"{live_server}/groups/{circle.group.id}")
    assert page.locator(f"#thread-{thread.id}.unread").count()
    if javascript:
        with page.expect_response(lambda r: r.url.endswith("/read")) as marked:
            page.click(f"#thread-{thread.id}")
        assert marked.value.status == 204
    else:
        page.goto(f"{live_server}/groups/threads/{thread.id}")
        page.click("#read-marker button")
        page.wait_for_url(f"{live_server}/groups/threads/{thread.id}")
    page.goto(f"{live_server}/groups/{circle.group.id}")
    assert not page.locator(f"#thread-{thread.id}.unread").count()
