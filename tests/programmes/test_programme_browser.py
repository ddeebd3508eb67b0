"""In Chromium, at phone and laptop size: an admin imports a cohort from a file, sees its
report, exports it, and serves a leader who asks by letter; a leader downloads their data."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.conftest import sign_in_page
from tests.programmes.test_programme_double_taps import run_queued_jobs

pytestmark = pytest.mark.browser

SIZES = {"phone": {"width": 360, "height": 740}, "laptop": {"width": 1280, "height": 800}}
CSV = "name;phone;school;region;cohort;language\n" + "".join(
    f"Leader {n};0712 345 {n:03d};School {n};Nairobi;Nairobi 2026;sw\n" for n in range(1, 7)
)


@pytest.mark.parametrize("size", SIZES)
def test_an_admin_imports_a_cohort_sees_its_report_and_exports_it(
    app, live_server, phone, admin, programme, cohort, size
):
    app.extensions["jobs"].huey.flush()  # nothing left over from other tests
    page = phone(viewport=SIZES[size], is_mobile=size == "phone")
    sign_in_page(page, live_server, admin)
    page.goto(f"{live_server}/programme/")
    page.click(f"#programme-{programme.id} a")
    page.click("text=Invite leaders from a file")
    page.set_input_files(
        "#file", files=[{"name": "leaders.csv", "mimeType": "text/csv", "buffer": CSV.encode()}]
    )
    page.click("text=Check the file")
    page.wait_for_url(lambda url: url.endswith("/check"))
    assert run_queued_jobs(app) == ["programmes.check_import"]
    # The check's page polls itself until the preview is there.
    page.wait_for_selector("#preview")
    assert "6 leaders will be invited" in page.locator("#preview").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]
    page.click("text=Import and create the invitations")
    page.wait_for_url(lambda url: "/imports/" in url)
    assert "0 of 6 leaders imported" in page.locator("main").inner_text()
    assert run_queued_jobs(app) == ["programmes.import_leaders"]
    # The status block polls itself until the job is done, then stops.
    page.wait_for_selector("h1:has-text('6 leaders imported')")
    assert page.locator("[hx-trigger]").count() == 0
    with page.expect_download() as download:
        page.click("text=Download invitation codes (CSV)")
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text())))
    assert [row["name"] for row in rows][:2] == ["Leader 1", "Leader 2"] and len(rows) == 6

    page.goto(f"{live_server}/programme/{programme.id}/report?cohort={cohort.id}")
    # No figures yet: the page asked for them and polls until the job has made them.
    assert "being prepared" in page.locator("#preparing").inner_text()
    assert run_queued_jobs(app) == ["programmes.refresh_reports"]
    page.wait_for_selector("#as-of")
    totals = page.locator("#totals").inner_text()
    assert "6" in totals
    assert page.locator("svg.chart").count() >= 1
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]
    with page.expect_download() as download:
        page.click("text=This report (CSV)")
    text = Path(download.value.path()).read_text()
    assert text.startswith("section,group,people") and "total,,6," in text


def test_without_javascript_the_import_page_refreshes_by_its_link(
    app, live_server, phone, admin, programme, cohort
):
    app.extensions["jobs"].huey.flush()
    page = phone(java_script_enabled=False)
    sign_in_page(page, live_server, admin)
    page.goto(f"{live_server}/programme/{programme.id}/import")
    page.set_input_files(
        "#file", files=[{"name": "leaders.csv", "mimeType": "text/csv", "buffer": CSV.encode()}]
    )
    page.click("text=Check the file")
    assert "Checking the file" in page.locator("h1").inner_text()
    assert run_queued_jobs(app) == ["programmes.check_import"]
    page.click("text=Refresh")
    page.click("text=Import and create the invitations")
    page.wait_for_url(lambda url: "/imports/" in url)
    assert "0 of 6 leaders imported" in page.locator("main").inner_text()
    assert run_queued_jobs(app) == ["programmes.import_leaders"]
    page.click("text=Refresh")
    assert "6 leaders imported" in page.locator("h1").inner_text()
    page.click(f"a:has-text('{cohort.name}')")
    assert "Leader 1" in page.locator("main").inner_text()


@pytest.mark.parametrize("size", SIZES)
def test_a_leader_downloads_their_data(live_server, phone, make_user, size):
    leader = make_user("leader", name="Wanjiku")
    page = phone(viewport=SIZES[size], is_mobile=size == "phone")
    sign_in_page(page, live_server, leader)
    page.goto(f"{live_server}/me")
    page.click("a[href='/programme/me/data']")  # not "…of your data this month"
    with page.expect_download() as download:
        page.click("text=JSON")
    data = json.loads(Path(download.value.path()).read_text())
    assert data["account"][0]["name"] == "Wanjiku"
    page.click("text=Ask for my data to be erased")
    page.wait_for_selector("#erasure-pending")


def test_the_report_reads_on_a_phone(runner, live_server, phone):
    """At 360×740: wide tables become a card per row (each number beside its name), the
    tables that still scroll are regions a keyboard can reach and a reader can name, and
    the weekly chart names its weeks."""
    from app.accounts.services import find_user
    from app.programmes.models import Programme

    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    from app.extensions import db

    programme = db.session.scalar(db.select(Programme))
    admin = find_user("admin@example.org")
    page = phone()
    page.goto(f"{live_server}/sign-in")
    page.fill("input[name=identifier]", admin.email)
    page.fill("input[name=password]", "headway-demo")
    page.click("form.stack button.primary")
    page.wait_for_url(lambda url: "/sign-in" not in url)
    page.goto(f"{live_server}/programme/{programme.id}/report")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    cell = page.locator("#totals td").first
    assert cell.evaluate("td => getComputedStyle(td).display") == "flex"
    assert page.locator("#totals thead th").first.inner_text().strip()  # no empty corner
    regions = page.locator(".scroll")
    assert regions.count() >= 2
    for i in range(regions.count()):
        region = regions.nth(i)
        assert region.get_attribute("tabindex") == "0" and region.get_attribute("aria-label")
    week_labels = page.locator("svg.chart").first.locator("text")
    assert week_labels.count() >= 4  # the top count, then the first, middle and last weeks


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_an_admin_serves_a_leader_who_asks_by_letter_on_a_phone(
    live_server, phone, admin, cohort, make_user, javascript
):
    """At 360×740, from People: into a cohort, their data downloaded for them, then erased
    once confirmed; with JavaScript and without."""
    leader = make_user("leader", name="Baraka Mwangi", school="Kilimani Primary")
    page = phone(java_script_enabled=javascript)
    sign_in_page(page, live_server, admin)
    page.goto(f"{live_server}/people/{leader.id}")
    page.select_option("#cohort_id", label="Nairobi 2026 · Heads Kenya")
    page.click("#add-to-cohort button")
    page.wait_for_selector(f"#cohort-{cohort.id}")
    assert page.locator("#flashes").inner_text() == "Baraka Mwangi is in Nairobi 2026 now."
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.click("#person-data")
    page.wait_for_selector("#export")
    page.click("#export button[value=json]")  # nothing chosen: the browser asks first
    assert page.locator("#export-channel:invalid").count() == 1
    page.select_option("#export-channel", "letter")
    page.fill("#export-reference", "Letter of 3 May")
    with page.expect_download() as download:
        page.click("text=Download (JSON)")
    data = json.loads(Path(download.value.path()).read_text())
    assert data["account"][0]["school"] == "Kilimani Primary"
    assert data["cohorts"][0]["cohort"] == "Nairobi 2026"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.click("#to-erase")
    page.wait_for_selector("#erase")
    page.click("#erase button")  # not confirmed: the browser asks for the box first
    assert page.locator("#erased").count() == 0
    page.select_option("#erase-channel", "letter")
    page.check("#erase-confirm")
    page.click("#erase button")
    page.wait_for_url(f"{live_server}/people/{leader.id}")
    assert page.locator("#flashes").inner_text() == "Their data is erased."
    assert page.locator("h1").inner_text() == "a former member"


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_report_being_prepared_comes_by_itself_or_by_its_link(
    app, live_server, phone, admin, programme, cohort, make_user, enrol, javascript
):
    """At 360×740: the first view of a programme's report says its figures are being
    prepared; with JavaScript they replace that message when the job is done, without it
    the Refresh link brings them; then the page says as of when."""
    app.extensions["jobs"].huey.flush()
    for n in range(6):
        enrol(make_user(name=f"Leader {n}"), region="Nairobi")
    page = phone(java_script_enabled=javascript)
    sign_in_page(page, live_server, admin)
    page.goto(f"{live_server}/programme/{programme.id}/report")
    assert "being prepared" in page.locator("#preparing").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert run_queued_jobs(app) == ["programmes.refresh_reports"]
    if javascript:
        page.wait_for_selector("#as-of")
        assert page.locator("#scope select").count() == 2  # the page around it stayed
    else:
        page.click("text=Refresh")
    assert "Figures as of" in page.locator("#as-of").inner_text()
    assert "6" in page.locator("#totals").inner_text()
    assert page.locator("#preparing").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
