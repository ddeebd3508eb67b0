"""In Chromium at 360×740, with JavaScript and without: an admin uploads a ministry's file
with a few bad rows, invites the good ones, downloads the refused rows, fixes them in the
file and uploads it again; nobody is imported twice."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from app.extensions import db
from app.programmes.models import Cohort
from tests.conftest import sign_in_page
from tests.programmes.test_programme_double_taps import run_queued_jobs

pytestmark = pytest.mark.browser

MINISTRY = (
    "Full Name;Phone Number;School;Region;Cohort;Language\n"
    "Grace Wanjiru;0712 345 601;Kibera;Nairobi;Nairobi 2026;sw\n"
    "Baraka Mwangi;0712 34;Likoni;Coast;Nairobi 2026;\n"
    "Amani Mutesi;0712 345 603;Nyamirambo;Kigali;Mombasa 2030;fr\n"
    "Neema Akinyi;0712 345 604;Mathare;Nairobi;Nairobi 2026;\n"
    "Halima Hassan;0712 345 605;Lamu;Coast;Nairobi 2026;sw\n"
)


def _done(page, javascript: bool, selector: str) -> None:
    """The job ran: the page shows it by itself (htmx polling), or by its Refresh link."""
    if not javascript:
        page.click("text=Refresh")
    page.wait_for_selector(selector)


def _upload(page, data: bytes) -> None:
    page.set_input_files(
        "#file", files=[{"name": "leaders.csv", "mimeType": "text/csv", "buffer": data}]
    )
    page.click("text=Check the file")
    page.wait_for_url(lambda url: url.endswith("/check"))


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_invite_the_good_rows_then_fix_and_upload_the_refused_ones(
    app, live_server, phone, admin, programme, cohort, javascript
):
    app.extensions["jobs"].huey.flush()  # nothing left over from other tests
    page = phone(java_script_enabled=javascript)
    sign_in_page(page, live_server, admin)
    page.goto(f"{live_server}/programme/{programme.id}/import")
    _upload(page, MINISTRY.encode())
    assert "Checking the file" in page.locator("h1").inner_text()
    assert run_queued_jobs(app) == ["programmes.check_import"]
    _done(page, javascript, "#problems")
    main = page.locator("main").inner_text()
    assert "3 leaders will be invited" in main and "2 rows refused" in main
    assert "Line 3 (phone)" in main and "Line 4 (cohort)" in main
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    with page.expect_download() as download:
        page.click("text=Download the 2 refused rows (CSV)")
    refused = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(refused, newline=""), delimiter=";"))
    assert rows[0] == ["what to fix", *MINISTRY.split("\n", 1)[0].split(";")]
    assert [row[1] for row in rows[1:]] == ["Baraka Mwangi", "Amani Mutesi"]

    page.click("text=Invite the 3 good rows now")
    page.wait_for_url(lambda url: "/imports/" in url and not url.endswith("/check"))
    assert run_queued_jobs(app) == ["programmes.import_leaders"]
    _done(page, javascript, "h1:has-text('3 leaders imported')")
    assert "2 rows refused" in page.locator("#refused").inner_text()

    # Fixed in the spreadsheet, with a row imported already left in: uploaded as it is.
    rows[1][2], rows[2][5] = "0712 345 602", "Nairobi 2026"
    rows.append(["", "Grace Wanjiru", "0712 345 601", "Kibera", "Nairobi", "Nairobi 2026", "sw"])
    fixed = io.StringIO(newline="")
    csv.writer(fixed, delimiter=";").writerows(rows)
    page.click("text=Upload the fixed rows")
    _upload(page, fixed.getvalue().encode())
    assert run_queued_jobs(app) == ["programmes.check_import"]
    _done(page, javascript, "#preview")
    preview = page.locator("#preview").inner_text()
    assert "2 leaders will be invited" in preview
    assert "1 leader already imported, skipped." in preview
    assert page.locator("#problems").count() == 0
    page.click("text=Import and create the invitations")
    page.wait_for_url(lambda url: "/imports/" in url and not url.endswith("/check"))
    assert run_queued_jobs(app) == ["programmes.import_leaders"]
    _done(page, javascript, "h1:has-text('2 leaders imported')")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    db.session.rollback()
    assert db.session.get(Cohort, cohort.id).member_count == 5
