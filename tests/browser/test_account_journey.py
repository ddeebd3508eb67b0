"""A new leader's first minutes, in Chromium on a phone-sized screen, with and without
JavaScript: accept an invitation, choose a password, sign out, sign in again, switch
the page to French."""

from __future__ import annotations

import pytest
from flask_babel import force_locale, gettext

from app.accounts import services

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_invitation_to_french_profile(app, live_server, phone, javascript):
    issued = services.invite(phone="+254722333444", name="Achieng", roles=["leader"])
    page = phone(java_script_enabled=javascript)
    page.goto(f"{live_server}/invitation?token={issued.token}")
    assert page.locator("h1").inner_text() == "Welcome to Headway"
    assert page.url == f"{live_server}/invitation"  # the token is in no later address
    # The page fits the phone: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.fill("#name", "Achieng Odhiambo")
    # The phone itself refuses a too-short password (minlength); the server checks the rest.
    assert page.get_attribute("#password", "minlength") == "8"
    page.fill("#password", "maji safi kwa wote")
    page.fill("#confirm", "maji safi")
    page.click("button.primary")
    assert (
        "The two passwords are not the same." in page.locator(".field.invalid").first.inner_text()
    )
    assert page.input_value("#name") == "Achieng Odhiambo"  # kept

    page.fill("#password", "maji safi kwa wote")
    page.fill("#confirm", "maji safi kwa wote")
    page.click("button.primary")
    page.wait_for_url("**/learn/")  # a leader lands on Learn
    assert "Welcome to Headway, Achieng Odhiambo." in page.locator("#flashes").inner_text()

    page.click("nav.tabs a[href='/me']")
    page.click("text=Sign out")
    page.wait_for_url("**/sign-in")
    page.fill("#identifier", "+254 722 333 444")
    page.fill("#password", "maji safi kwa wote")
    page.click("form.stack button.primary")
    page.wait_for_url("**/learn/")  # a leader lands on Learn
    assert page.locator("h1").inner_text() == "Learn"

    page.click("nav.tabs a[href='/me']")
    page.wait_for_selector("#locale")
    page.select_option("#locale", "fr")
    page.click("form.stack button.primary")
    page.wait_for_selector("html[lang=fr]")
    with app.test_request_context(), force_locale("fr"):
        saved, sign_out = gettext("Your profile is saved."), gettext("Sign out")
    assert saved != "Your profile is saved."  # the French catalogue is really there
    assert saved in page.locator("#flashes").inner_text()
    assert page.get_by_role("button", name=sign_out, exact=True).is_visible()


def test_errors_are_shown_with_javascript_on(app, live_server, phone, make_user):
    """htmx swaps only 2xx responses unless told otherwise: a 422 form or a 404 page
    must still reach the person."""
    from tests.conftest import PASSWORD

    admin = make_user("admin")
    page = phone()
    page.goto(f"{live_server}/sign-in")
    page.fill("#identifier", admin.email)
    page.fill("#password", PASSWORD)
    page.click("form.stack button.primary")
    page.wait_for_url(lambda url: url.endswith("/"))
    page.goto(f"{live_server}/people/invite")
    page.fill("#name", "Test")
    page.fill("#phone", "0712")
    with page.expect_response(lambda r: r.request.method == "POST") as response:
        page.click("form.stack button.primary")
    assert response.value.status == 422
    assert "country code" in page.locator(".field.invalid").inner_text()
    assert page.input_value("#name") == "Test"
    page.evaluate(
        "document.querySelector('main').insertAdjacentHTML('beforeend', '<a id=gone href=/nowhere>x</a>')"
    )
    page.click("#gone")
    page.wait_for_selector("text=We could not find that page")
