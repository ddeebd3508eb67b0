"""The programme pages: an admin's whole round (create, import, report, export, audit),
the wrong person everywhere, guessed ids, and admin actions landing in the audit log."""

from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import select

from app.audit import AuditEntry
from app.extensions import db
from app.forms import new_form_key
from app.programmes import services
from app.programmes.models import Cohort, ImportBatch, Programme
from tests.conftest import sign_in
from tests.programmes.test_programme_double_taps import run_queued_jobs
from tests.programmes.test_programme_imports import GOOD

FRAGMENT = {"HX-Request": "true"}


def admin_routes(programme_id, cohort_id):
    p, c = programme_id, cohort_id
    return [
        ("get", "/programme/"),
        ("get", "/programme/new"),
        ("get", f"/programme/{p}"),
        ("get", f"/programme/{p}/edit"),
        ("get", f"/programme/{p}/cohorts/new"),
        ("get", f"/programme/{p}/cohorts/{c}"),
        ("post", f"/programme/{p}/cohorts/{c}/members"),
        ("post", f"/programme/{p}/cohorts/{c}/members/1/remove"),
        ("get", f"/programme/{p}/import"),
        ("post", f"/programme/{p}/import"),
        ("get", f"/programme/{p}/imports/1"),
        ("get", f"/programme/{p}/imports/1/check"),
        ("post", f"/programme/{p}/imports/1/refused.csv"),
        ("post", f"/programme/{p}/imports/1/invitations.csv"),
        ("post", f"/programme/{p}/imports/1/codes"),
        ("get", f"/programme/{p}/report"),
        ("post", f"/programme/{p}/report.csv"),
        ("post", f"/programme/{p}/records.csv"),
        ("get", "/programme/audit"),
        ("post", "/programme/audit.csv"),
        ("get", "/programme/erasures"),
        ("post", "/programme/erasures/1"),
    ]


def test_every_admin_page_refuses_leaders_coaches_and_strangers(
    client, make_user, programme, cohort
):
    routes = admin_routes(programme.id, cohort.id)
    for method, url in routes:
        response = getattr(client, method)(url)
        assert response.status_code in (302, 303, 401), url
        assert "/sign-in" in response.headers.get("Location", ""), url
    for role in ("leader", "coach", "author"):
        sign_in(client, make_user(role))
        for method, url in routes:
            assert getattr(client, method)(url).status_code == 403, (role, url)
        client.post("/sign-out")


def test_guessed_ids_are_404(client, admin, programme, cohort):
    other = Programme(name="Other")
    db.session.add(other)
    db.session.commit()
    foreign = Cohort(programme_id=other.id, name="X", starts_on=cohort.starts_on)
    db.session.add(foreign)
    db.session.commit()
    sign_in(client, admin)
    for url in (
        "/programme/999",
        f"/programme/{programme.id}/cohorts/{foreign.id}",
        f"/programme/{programme.id}/imports/5",
        f"/programme/{programme.id}/report?cohort={foreign.id}",
        f"/programme/{programme.id}/report?cohort=99999999999999",
        "/programme/99999999999/report",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post("/programme/erasures/77").status_code == 404


def test_the_personal_pages_need_a_signed_in_person(client):
    for url in ("/programme/me/research", "/programme/me/data", "/programme/me/data.json"):
        assert client.get(url).status_code in (302, 401)
    assert client.post("/programme/me/erasure").status_code in (302, 401)


def test_an_admin_creates_a_programme_and_cohort_with_errors_that_keep_what_was_typed(
    client, admin
):
    sign_in(client, admin)
    response = client.post(
        "/programme/new", data={"name": "Heads", "region": "KEN", "key": new_form_key()}
    )
    assert response.status_code == 422 and 'value="KEN"' in response.text
    response = client.post(
        "/programme/new", data={"name": "Heads", "region": "ke", "key": new_form_key()}
    )
    assert response.status_code == 303
    programme = db.session.scalar(select(Programme))
    assert programme.region == "KE"
    url = f"/programme/{programme.id}/cohorts/new"
    response = client.post(
        url,
        data={
            "name": "Cohort A",
            "starts_on": "2026-03-01",
            "ends_on": "2026-02-01",
            "key": new_form_key(),
        },
    )
    assert response.status_code == 422 and "cannot end before" in response.text
    assert 'value="Cohort A"' in response.text
    assert (
        client.post(
            url, data={"name": "Cohort A", "starts_on": "2026-03-01", "key": new_form_key()}
        ).status_code
        == 303
    )
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["programme_create", "cohort_create"]


def test_an_admin_imports_previews_confirms_and_exports(app, client, admin, programme, cohort):
    app.extensions["jobs"].huey.flush()  # nothing left over from other tests
    sign_in(client, admin)
    page = client.get(f"/programme/{programme.id}")
    assert "Nairobi 2026" in page.text
    assert (
        client.get(f"/programme/{programme.id}", headers=FRAGMENT).text.lstrip().startswith("<h1>")
    )
    url = f"/programme/{programme.id}/import"
    unreadable = client.post(
        url, data={"file": (io.BytesIO(b"nom,tel\n"), "l.csv"), "key": new_form_key()}
    )
    assert unreadable.status_code == 422 and "unknown columns" in unreadable.text
    bad = client.post(
        url,
        data={
            "file": (io.BytesIO(GOOD.encode() + b"X,1,,S,R,Nope,\n"), "l.csv"),
            "key": new_form_key(),
        },
    )
    assert bad.status_code == 303 and bad.headers["Location"].endswith("/check")
    checking = client.get(bad.headers["Location"])
    assert checking.status_code == 200 and "Checking the file" in checking.text
    assert 'hx-trigger="every 2s"' in checking.text and ">Refresh</a>" in checking.text
    polled = client.get(bad.headers["Location"], headers=FRAGMENT)
    assert polled.status_code == 200 and polled.text.lstrip().startswith("<section")
    assert run_queued_jobs(app) == ["programmes.check_import"]
    checked = client.get(bad.headers["Location"], headers=FRAGMENT)
    assert checked.status_code == 286 and "Line 5" in checked.text
    assert "1 row refused" in checked.text and "Invite the 3 good rows now" in checked.text
    upload = client.post(
        url, data={"file": (io.BytesIO(GOOD.encode()), "leaders.csv"), "key": new_form_key()}
    )
    assert run_queued_jobs(app) == ["programmes.check_import"]
    preview = client.get(upload.headers["Location"])
    assert preview.status_code == 200 and "3 leaders will be invited" in preview.text
    assert "refused" not in preview.text
    key = re.search(r'name="batch"[^>]*value="([^"]+)"', preview.text) or re.search(
        r'value="([^"]+)"[^>]*name="batch"', preview.text
    )
    confirm = {"batch": key.group(1)}
    done = client.post(url, data=confirm)
    assert done.status_code == 303
    assert client.post(url, data=confirm).headers["Location"] == done.headers["Location"]
    batch = db.session.scalar(select(ImportBatch).where(ImportBatch.key == confirm["batch"]))
    waiting = client.get(done.headers["Location"])
    assert waiting.status_code == 200 and "0 of 3 leaders imported" in waiting.text
    assert 'hx-trigger="every 2s"' in waiting.text and ">Refresh</a>" in waiting.text
    polled = client.get(done.headers["Location"], headers=FRAGMENT)
    assert polled.status_code == 200 and polled.text.lstrip().startswith("<section")
    services.run_import(batch.id)
    finished = client.get(done.headers["Location"], headers=FRAGMENT)
    assert finished.status_code == 286  # htmx stops polling
    assert "3 leaders imported" in finished.text and "every 2s" not in finished.text
    page = client.get(done.headers["Location"])
    assert page.status_code == 200 and f"/cohorts/{cohort.id}" in page.text
    codes = client.post(done.headers["Location"] + "/invitations.csv")
    rows = list(csv.DictReader(io.StringIO(codes.text)))
    assert len(rows) == 3 and all(re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}", r["code"]) for r in rows)
    services.refresh_reports(programme.id)  # the report job, as a worker runs it
    report = client.get(f"/programme/{programme.id}/report?cohort={cohort.id}")
    assert report.status_code == 200 and "fewer than 5" in report.text
    exported = client.post(f"/programme/{programme.id}/report.csv?cohort={cohort.id}")
    assert exported.mimetype == "text/csv" and "fewer than 5" in exported.text
    records = client.post(f"/programme/{programme.id}/records.csv")
    # Three leaders' records would be a list of three people: held back.
    assert "held back" in records.text and "L-" not in records.text
    assert "Grace" not in records.text
    audit = client.get("/programme/audit")
    for action in (
        "Invited leaders from a file",
        "Downloaded invitation codes",
        "Exported a report",
        "Exported records for researchers",
    ):
        assert action in audit.text
    log = client.post("/programme/audit.csv").text
    assert "bulk_invite" in log and "Grace" not in log


@pytest.mark.parametrize("action", ["invite", "role_change", "reset_code"])
def test_admin_actions_on_people_are_logged(client, admin, make_user, action):
    person = make_user(name="Someone")
    sign_in(client, admin)
    if action == "invite":
        client.post(
            "/people/invite",
            data={
                "key": new_form_key(),
                "name": "New",
                "phone": "+254712000000",
                "roles": ["leader"],
            },
        )
    elif action == "role_change":
        client.post(
            f"/people/{person.id}",
            data={"email": person.email, "roles": ["leader", "coach"], "active": "y"},
        )
    else:
        client.post(f"/people/{person.id}/reset-code")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == action))
    assert entry is not None and entry.actor_id == admin.id
    if action == "role_change":
        assert entry.details == {"before": ["leader"], "after": ["coach", "leader"]}


def test_admins_see_the_programme_tab(client, admin, make_user):
    sign_in(client, admin)
    assert 'href="/programme/"' in client.get("/programme/").text
    client.post("/sign-out")
    sign_in(client, make_user("leader"))
    assert 'href="/programme/"' not in client.get("/me").text


@pytest.mark.parametrize("page", ["report", "audit", "erasures", "research", "data"])
def test_pages_answer_an_htmx_request_with_their_content_only(
    client, admin, programme, cohort, page
):
    url = {
        "report": f"/programme/{programme.id}/report",
        "audit": "/programme/audit",
        "erasures": "/programme/erasures",
        "research": "/programme/me/research",
        "data": "/programme/me/data",
    }[page]
    sign_in(client, admin)
    full = client.get(url)
    fragment = client.get(url, headers=FRAGMENT)
    assert full.status_code == fragment.status_code == 200
    assert "<html" in full.text and "<html" not in fragment.text
    assert "<h1>" in fragment.text and "HX-Request" in fragment.headers["Vary"]


def test_a_french_admin_reads_the_report_in_french(client, make_user, programme, cohort):
    sign_in(client, make_user("admin", locale="fr"))
    services.refresh_reports(programme.id)
    page = client.get(f"/programme/{programme.id}/report?cohort={cohort.id}")
    assert "Trop peu de chefs d’établissement" in page.text


@pytest.mark.parametrize("value", ["²", "١٢", str(2**63), "-1", "0"])
def test_query_string_ids_that_cannot_exist(client, admin, programme, value):
    sign_in(client, admin)
    assert client.get(f"/programme/{programme.id}/report?cohort={value}").status_code == 404
    assert client.get(f"/programme/audit?before={value}").status_code == 200


@pytest.mark.parametrize("value", ["²", str(2**63), "-1"])
def test_form_ids_that_cannot_exist_are_refused(client, admin, programme, value):
    sign_in(client, admin)
    url = f"/programme/{programme.id}/edit"
    for field in ("framework_id", "course_ids"):
        response = client.post(url, data={"name": "Heads Kenya", "region": "KE", field: value})
        assert response.status_code == 422, field
        assert 'value="Heads Kenya"' in response.text
