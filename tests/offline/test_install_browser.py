"""Chromium at phone size would offer to install Headway: its own installability check
finds nothing missing in the manifest, the icons or the service worker."""

from __future__ import annotations

import pytest

from app.extensions import db
from tests.conftest import sign_in_page

pytestmark = pytest.mark.browser

# Chromium's reasons that are about the browser, not the site: a Playwright context is
# like an incognito window.
ABOUT_THE_BROWSER = {"in-incognito"}


def test_chromium_finds_headway_installable(app, make_user, phone, live_server):
    leader = make_user("leader")
    db.session.commit()
    page = phone(service_workers="allow")
    sign_in_page(page, live_server, leader)
    # Signing in loads a whole page (not a boosted swap of the sign-in page's <body>), so
    # the worker is registered at once, before any reload.
    assert page.evaluate("() => document.body.dataset.sw") == "/sw.js"
    assert page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # now controlled by the worker, as on any visit after the first
    cdp = page.context.new_cdp_session(page)
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["errors"] == [], manifest["errors"]
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert {e["errorId"] for e in errors} <= ABOUT_THE_BROWSER, errors
