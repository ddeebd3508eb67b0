"""A shared phone, when a session ends some other way than signing out (issue 23).

Grace saves a lesson for offline with her private note in it, leaves a draft and completes the
lesson with no connection; then her session ends — "sign out everywhere" from another phone,
the session lapsing, an admin deactivating her account, or someone accepting an invitation on
her phone — and the next person uses it. In Chromium at phone size, with the service worker:
they find none of her Downloads, none of her note or draft (online or offline), and her
waiting write never lands as theirs.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.accounts import services as accounts
from app.extensions import db
from app.learning.models import LessonProgress, Reflection
from tests.conftest import PASSWORD, sign_in_page, wait_in_page, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LESSON = "/learn/media-course/media-lesson"
NOTE = "My deputy undermines me in staff meetings"
DRAFT = "Talk to the board chair about the deputy"


@pytest.fixture
def lesson(ready_asset, lesson_for):
    return lesson_for(ready_asset())


def _controlled(page):
    # A function, not an expression: polling an expression evals it, which the CSP forbids.
    page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller")


def _completed(user, lesson) -> bool:
    db.session.expire_all()
    return (
        db.session.scalar(
            select(LessonProgress.completed_at).where(
                LessonProgress.user_id == user.id, LessonProgress.lesson_id == lesson.id
            )
        )
        is not None
    )


def _lapse(page):
    """Sixty days on, the browser drops the session and remember cookies (the phone stays
    known: that cookie lasts longer)."""
    page.context.clear_cookies(name="session")
    page.context.clear_cookies(name="remember_token")


def _leave_traces(page, live_server, grace, lesson):
    """Grace's note saved and the lesson saved for offline with it; then, offline, a draft
    and a completion that waits for the connection."""
    sign_in_page(page, live_server, grace)
    _controlled(page)
    page.goto(live_server + LESSON)
    _controlled(page)
    page.fill("#reflection-body", NOTE)
    wait_until(
        lambda: (
            db.session.scalar(select(Reflection.body).where(Reflection.user_id == grace.id)) == NOTE
        )
    )
    page.click("[data-save]")
    page.wait_for_selector("[data-save]:has-text('Saved for offline')")

    page.context.set_offline(True)
    page.fill("#reflection-body", DRAFT)
    page.wait_for_function("() => Object.keys(localStorage).some(k => k.startsWith('draft:'))")
    page.click("#finish button.primary")
    page.wait_for_selector("[data-waiting]:has-text('1 change waits')")


def _nothing_of_hers_is_left(page, live_server, grace, person, lesson):
    """On the phone, now signed in as ``person``: no Downloads, note, draft or write of
    Grace's, online or offline."""
    page.goto(f"{live_server}/downloads")
    page.wait_for_function("() => window.headwayPlayer")
    kept = page.evaluate(
        """async () => {
            const saved = (await (await caches.open('hw-pages')).keys())
                .filter(k => k.url.includes('/__saved/')).length;
            const media = (await (await caches.open('hw-media')).keys()).length;
            const queue = (await (await caches.open('hw-queue')).keys()).length;
            const drafts = Object.keys(localStorage).filter(k => k.startsWith('draft:')).length;
            const stored = JSON.stringify([{...localStorage}, {...sessionStorage}]);
            return {saved, media, queue, drafts, stored};
        }"""
    )
    stored = kept.pop("stored")  # htmx's snapshots included
    assert kept == {"saved": 0, "media": 0, "queue": 0, "drafts": 0}
    assert NOTE not in stored and DRAFT not in stored and grace.name not in stored
    assert page.locator("[data-list] li").count() == 0
    assert page.locator("[data-none]").is_visible()
    assert not _completed(person, lesson)

    page.context.set_offline(True)
    page.goto(live_server + LESSON)
    html = page.content()
    assert NOTE not in html and DRAFT not in html
    assert "No connection" in html
    page.context.set_offline(False)
    assert not _completed(person, lesson)


def test_signed_out_everywhere_from_another_phone(app, lesson, make_user, phone, live_server):
    grace = make_user("leader", name="Grace Wanjiru")
    baraka = make_user("leader", name="Baraka Mwangi")
    page = phone(service_workers="allow")
    _leave_traces(page, live_server, grace, lesson)

    other = phone()
    sign_in_page(other, live_server, grace)
    other.goto(f"{live_server}/me")
    other.click("form[action='/sign-out/everywhere'] button")
    other.wait_for_url("**/sign-in")

    page.context.set_offline(False)
    sign_in_page(page, live_server, baraka)
    _nothing_of_hers_is_left(page, live_server, grace, baraka, lesson)


def test_the_session_lapsed(app, lesson, make_user, phone, live_server):
    grace = make_user("leader", name="Grace Wanjiru")
    baraka = make_user("leader", name="Baraka Mwangi")
    page = phone(service_workers="allow")
    _leave_traces(page, live_server, grace, lesson)

    _lapse(page)

    page.context.set_offline(False)
    sign_in_page(page, live_server, baraka)
    _nothing_of_hers_is_left(page, live_server, grace, baraka, lesson)


def test_an_admin_deactivated_the_account(app, lesson, make_user, phone, live_server):
    grace = make_user("leader", name="Grace Wanjiru")
    baraka = make_user("leader", name="Baraka Mwangi")
    admin = make_user("admin", name="Fatuma Hassan")
    page = phone(service_workers="allow")
    _leave_traces(page, live_server, grace, lesson)

    accounts.update_account(
        grace, email=grace.email, phone=grace.phone, roles=grace.roles, active=False, by=admin
    )

    page.context.set_offline(False)
    sign_in_page(page, live_server, baraka)
    _nothing_of_hers_is_left(page, live_server, grace, baraka, lesson)


def test_an_invitation_accepted_while_she_is_signed_in(app, lesson, make_user, phone, live_server):
    grace = make_user("leader", name="Grace Wanjiru")
    invited = accounts.invite(phone="+254711222333", name="Neema Mushi")
    page = phone(service_workers="allow")
    _leave_traces(page, live_server, grace, lesson)

    # Back online, Grace's waiting completion goes as Grace: she is still signed in.
    page.context.set_offline(False)
    page.goto(f"{live_server}/learn/")
    wait_until(lambda: _completed(grace, lesson))

    page.goto(f"{live_server}/invitation?token={invited.token}")
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=confirm]", PASSWORD)
    page.click("form.stack button.primary")
    page.wait_for_url("**/learn/")
    page.wait_for_selector("text=Welcome to Headway, Neema Mushi")
    _nothing_of_hers_is_left(page, live_server, grace, invited.access_code.user, lesson)


def test_a_tab_she_left_open_never_writes_as_the_next_person(
    app, lesson, make_user, phone, live_server
):
    grace = make_user("leader", name="Grace Wanjiru")
    baraka = make_user("leader", name="Baraka Mwangi")
    hers = phone(service_workers="allow")
    sign_in_page(hers, live_server, grace)
    _controlled(hers)
    hers.goto(live_server + LESSON)
    _controlled(hers)

    _lapse(hers)  # her tab stays open
    his = hers.context.new_page()
    sign_in_page(his, live_server, baraka)
    _controlled(his)

    # Offline, her tab's completion waits in the worker as hers, and is never sent as his.
    hers.context.set_offline(True)
    hers.click("#finish button.primary")
    hers.wait_for_selector("[data-waiting]:has-text('1 change waits')")
    hers.context.set_offline(False)
    his.goto(live_server + LESSON)
    wait_in_page(his, "async () => (await (await caches.open('hw-queue')).keys()).length === 0")
    assert not _completed(baraka, lesson)

    # Online, the server refuses it, and her tab reloads as what is now his.
    theirs = his.evaluate("() => document.body.dataset.owner")
    hers.click("#finish button.primary")
    hers.wait_for_function(f"() => document.body.dataset.owner === '{theirs}'")
    assert not _completed(baraka, lesson) and not _completed(grace, lesson)
