"""A shared phone: what one person leaves behind when they sign out, the next person must not
see — not by pressing Back, not by reloading, not with a copy of the cookies."""

from __future__ import annotations

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.conftest import sign_in_page

pytestmark = pytest.mark.browser


def _settled_content(page) -> str:
    """The page's HTML once any navigation that Back started has finished."""
    for _ in range(50):
        page.wait_for_load_state()
        try:
            return page.content()
        except PlaywrightError:  # still navigating
            page.wait_for_timeout(100)
    raise AssertionError(f"{page.url} never settled")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_after_sign_out_nothing_private_is_left_on_the_phone(
    app, live_server, phone, make_user, javascript
):
    admin = make_user("admin", name="Fatuma Hassan")
    make_user("leader", name="Grace Wanjiru", phone="+254700000009")
    page = phone(java_script_enabled=javascript)
    sign_in_page(page, live_server, admin)

    page.goto(f"{live_server}/people")
    assert "Grace Wanjiru" in page.content()
    page.click("a[href='/people/invite']")
    page.wait_for_selector("#name")
    page.fill("#name", "Neema Mushi")
    page.fill("#phone", "+254711222333")
    page.click("form.stack button.primary")
    page.wait_for_selector("text=It works once")
    code = page.locator("p.code").inner_text()
    assert len(code) == 9  # ABCD-EFGH, shown once
    cookies = page.context.cookies()

    page.goto(f"{live_server}/me")
    page.click("form[action='/sign-out'] button")
    page.wait_for_url("**/sign-in")
    if javascript:
        kept = page.evaluate(
            "JSON.stringify([Object.keys(sessionStorage), Object.keys(localStorage)])"
        )
        assert kept == "[[],[]]", "htmx's snapshots and drafts are gone"

    for _ in range(3):  # Back through Me, the code and People
        try:
            page.go_back()
        except PlaywrightError as error:
            # The code came from a POST, and nothing was kept: the browser would have to send
            # the form again (it asks first), so it shows its own error page instead.
            assert "ERR_CACHE_MISS" in str(error)
        html = _settled_content(page)
        for private in (code, "Neema Mushi", "Grace Wanjiru", "+254700000009"):
            assert private not in html, (private, page.url)
    page.reload()
    html = page.content()
    assert code not in html and "Grace Wanjiru" not in html

    # Someone who copied the cookies before the sign-out gets the sign-in page.
    thief = page.context.browser.new_context(java_script_enabled=javascript)
    thief.add_cookies(cookies)
    stolen = thief.new_page()
    stolen.goto(f"{live_server}/people")
    assert stolen.url.startswith(f"{live_server}/sign-in")
    assert "Grace Wanjiru" not in stolen.content()
    thief.close()


def test_the_page_language_follows_htmx_navigations(live_server, phone, make_user):
    """Signing in swaps an English sign-in page for a French one without reloading:
    <html lang> must say French, for screen readers and hyphenation."""
    page = phone()
    sign_in_page(page, live_server, make_user("leader", locale="fr"))
    page.wait_for_selector("html[lang=fr]")
    page.click("nav.tabs a[href='/me']")
    page.wait_for_url("**/me")
    assert page.evaluate("document.documentElement.lang") == "fr"
