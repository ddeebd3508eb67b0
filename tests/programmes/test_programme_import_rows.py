"""An import keeps its good rows: the file is checked by a job (the upload runs the same
few statements for 50 rows or 20,000 and a double tap checks once), the good rows are
invited while the bad ones are refused with what to fix, in a file that goes back in as it
is once fixed, and people imported already are skipped, never duplicated."""

from __future__ import annotations

import csv
import io
import secrets
from datetime import timedelta

from sqlalchemy import func, select, update

from app import jobs
from app.accounts.models import User, UserRole
from app.extensions import db
from app.forms import new_form_key
from app.programmes import services
from app.programmes.models import Cohort, CohortMember, ImportBatch
from app.programmes.services import import_checks, import_sweep
from tests.conftest import sign_in
from tests.phones import Phone
from tests.programmes.conftest import new_cohort, new_programme
from tests.programmes.test_programme_double_taps import run_queued_jobs
from tests.programmes.test_programme_import_jobs import leaders_csv
from tests.programmes.test_programme_imports import GOOD, HEADER, checked

FRAGMENT = {"HX-Request": "true"}
#: What uploading a file may cost, whatever its size: sign-in, the programme, the key and
#: the same file looked for, the insert, the commit.
UPLOAD_STATEMENTS = 8

# Five good rows and five refused ones, with the columns named as a ministry's
# spreadsheet names them, separated by semicolons.
MINISTRY = (
    "Full Name;Phone Number;E-mail;School;Region;Cohort;Language\n"
    "Grace Wanjiru;0712 345 678;;Kibera;Nairobi;Nairobi 2026;sw\n"
    '=HYPERLINK("http://x");0712 345 679;;Kibera;Nairobi;Nairobi 2026;\n'
    "Baraka Mwangi;+254712345680;;@SUM(A1);Coast;Mombasa 2030;\n"
    "Amani Mutesi;0712 34;;Nyamirambo;Kigali;Nairobi 2026;fr\n"
    "Zawadi Otieno;+254 712 345 681;;Likoni;Coast;Nairobi 2026;de\n"
    "Juma Said;0712 345 682\n"
    "Neema Akinyi;0712 345 683;;Mathare;Nairobi;Nairobi 2026;\n"
    "Otieno Odhiambo;;otieno@example.net;Kisumu;Lake;Nairobi 2026;en\n"
    "Wanjiku Kamau;0712 345 684;;Ruiru;Central;nairobi 2026;\n"
    "Halima Hassan;0712 345 685;;Lamu;Coast;Nairobi 2026;sw\n"
)
REFUSED_LINES = [3, 4, 5, 6, 7]


def count(model) -> int:
    db.session.rollback()  # read what the job or the server committed
    return db.session.scalar(select(func.count()).select_from(model))


def refused_rows(batch, admin) -> str:
    return b"".join(services.refused_rows_file(batch, by=admin)).decode()


def test_the_good_rows_are_invited_and_the_refused_ones_are_left_out(programme, cohort, admin):
    draft = checked(MINISTRY, programme, admin)
    assert draft.status == "draft" and draft.refused_lines == REFUSED_LINES
    assert {k: draft.summary[k] for k in ("good", "skipped", "refused")} == {
        "good": 5,
        "skipped": 0,
        "refused": 5,
    }
    assert [p.params["line"] for p in services.check_problems(draft)] == [3, 4, 4, 5, 6, 7]
    batch = services.confirm_import(programme, draft.key, by=admin)
    services.run_import(batch.id)
    db.session.refresh(batch)
    assert (batch.status, batch.row_count) == ("ready", 5)
    names = set(db.session.scalars(select(User.name).where(User.id != admin.id)))
    assert names == {
        "Grace Wanjiru",
        "Neema Akinyi",
        "Otieno Odhiambo",
        "Wanjiku Kamau",
        "Halima Hassan",
    }
    # Nothing half-imported within a row: every account has its role and its cohort.
    assert count(UserRole) == 6 and count(CohortMember) == 5
    assert db.session.get(Cohort, cohort.id).member_count == 5
    assert len(list(csv.DictReader(io.StringIO(refused_rows(batch, admin))))) == 5


def test_the_refused_rows_say_what_to_fix_and_go_back_in_as_they_are(programme, cohort, admin):
    draft = checked(MINISTRY, programme, admin)
    text = refused_rows(draft, admin)
    assert text.startswith("\ufeffwhat to fix;Full Name;Phone Number;E-mail;School;")
    assert "\r\nSchool: Starts with “@”" in text
    assert ";+254712345680;" in text  # a whole E.164 number, plain for SMS tools
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=";"))
    assert [row[1:] for row in rows[1:]] == [
        ['\'=HYPERLINK("http://x")', "0712 345 679", "", "Kibera", "Nairobi", "Nairobi 2026", ""],
        ["Baraka Mwangi", "+254712345680", "", "'@SUM(A1)", "Coast", "Mombasa 2030", ""],
        ["Amani Mutesi", "0712 34", "", "Nyamirambo", "Kigali", "Nairobi 2026", "fr"],
        ["Zawadi Otieno", "'+254 712 345 681", "", "Likoni", "Coast", "Nairobi 2026", "de"],
        ["Juma Said", "0712 345 682", "", "", "", "", ""],  # filled out to every column
    ]
    fixes = [row[0] for row in rows[1:]]
    assert fixes[0] == "Full Name: Starts with “=”, which a spreadsheet runs as a formula."
    assert fixes[1] == (
        "School: Starts with “@”, which a spreadsheet runs as a formula. Cohort: This "
        "programme has no cohort called “Mombasa 2030”. Create it first."
    )
    assert fixes[2].startswith("Phone Number: ") and "Language: " in fixes[3]
    assert fixes[4] == "This row has 2 cells; the first line names 7."

    # The admin fixes the cells and uploads the file as it is, what to fix and all.
    rows[1][1], rows[2][4], rows[2][6] = "Hope Achieng", "St Mary", "Nairobi 2026"
    rows[3][2], rows[4][7] = "0712 345 686", "sw"
    rows[5][4:8] = ["Mtwapa", "Coast", "Nairobi 2026", "sw"]
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    fixed = checked(("\ufeff" + out.getvalue()).encode(), programme, admin)
    assert services.check_problems(fixed) == []
    assert (fixed.summary["good"], fixed.summary["refused"]) == (5, 0)
    assert fixed.refused_key is None
    sample = {name: contact for _, name, contact, _ in fixed.summary["sample"]}
    assert sample["Zawadi Otieno"] == "+254712345681" and "Hope Achieng" in sample


def test_the_fixed_rows_with_those_imported_already_duplicate_no_one(
    client, programme, cohort, admin, make_user
):
    draft = checked(MINISTRY, programme, admin)
    services.run_import(services.confirm_import(programme, draft.key, by=admin).id)
    # The whole file again, its bad rows fixed: the five imported are recognised.
    again = MINISTRY.replace('=HYPERLINK("http://x")', "Hope Achieng").replace(
        "@SUM(A1);Coast;Mombasa 2030", "St Mary;Coast;Nairobi 2026"
    )
    again = again.replace("0712 34;", "0712 345 686;").replace(";de\n", ";sw\n")
    again = again.replace("Juma Said;0712 345 682\n", "Juma Said;0712 345 682;;S;R;Nairobi 2026;\n")
    draft = checked(again, programme, admin)
    assert {k: draft.summary[k] for k in ("good", "skipped", "refused")} == {
        "good": 5,
        "skipped": 5,
        "refused": 0,
    }
    sign_in(client, admin)
    page = client.get(f"/programme/{programme.id}/imports/{draft.id}/check")
    assert "5 leaders already imported, skipped." in page.text
    assert "Import and create the invitations" in page.text
    batch = services.confirm_import(programme, draft.key, by=admin)
    services.run_import(batch.id)
    db.session.refresh(batch)
    assert (batch.status, batch.row_count, batch.summary["skipped"]) == ("ready", 5, 5)
    assert count(User) == 11 and count(CohortMember) == 10
    assert db.session.get(Cohort, cohort.id).member_count == 10
    done = client.get(f"/programme/{programme.id}/imports/{batch.id}")
    assert "5 leaders imported" in done.text and "5 leaders already imported" in done.text

    # Once more: nobody new, nothing to confirm.
    nothing = checked(again, programme, admin)
    assert (nothing.summary["good"], nothing.summary["skipped"]) == (0, 10)
    page = client.get(f"/programme/{programme.id}/imports/{nothing.id}/check")
    assert "Nobody new in this file" in page.text and 'name="batch"' not in page.text
    # An account that is not in the row's cohort is no earlier import of the same person.
    make_user(phone="+254712000001")
    other = new_cohort(programme, admin, "Kisumu 2026", starts_on=cohort.starts_on, ends_on=None)
    clash = checked(
        HEADER
        + "Someone,0712 000 001,,S,R,Nairobi 2026,\n"
        + "Grace Wanjiru,0712 345 678,,S,R,Kisumu 2026,\n",
        programme,
        admin,
    )
    assert [str(p) for p in services.check_problems(clash)] == [
        "Someone already has an account with this phone number.",
        "Someone already has an account with this phone number.",
    ]
    assert other.member_count == 0


def test_the_import_takes_the_rows_the_preview_called_good_or_none(
    programme, cohort, admin, make_user
):
    text = HEADER + "Grace,0712 345 678,,S,R,Nairobi 2026,\n" + "Amani,0712 345 679,,S,R,Later,\n"
    draft = checked(text, programme, admin)
    assert (draft.summary["good"], draft.refused_lines) == (1, [3])
    # The refused row's cohort is created meanwhile: it stays out all the same (the admin
    # was told it was refused, and has its row to fix and upload).
    new_cohort(programme, admin, "Later", starts_on=cohort.starts_on, ends_on=None)
    services.run_import(services.confirm_import(programme, draft.key, by=admin).id)
    assert set(db.session.scalars(select(User.name))) == {"Fatuma Admin", "Grace"}

    # A row the preview called good whose number is given to someone since: nothing goes in.
    draft = checked(MINISTRY, programme, admin)
    batch = services.confirm_import(programme, draft.key, by=admin)
    make_user(phone="+254712345683")  # line 8's
    services.run_import(batch.id)
    db.session.refresh(batch)
    assert batch.status == "failed" and "line 8" in str(services.import_error(batch))
    assert count(CohortMember) == 1  # Grace, from before


def test_the_upload_costs_the_same_few_statements_for_50_or_20000_rows_and_does_not_wait(
    app, client, admin, programme, cohort, count_queries
):
    app.extensions["jobs"].huey.flush()
    sign_in(client, admin)
    url = f"/programme/{programme.id}/import"
    costs = []
    for size in (50, 20_000):
        data = {"file": (io.BytesIO(leaders_csv(size)), "leaders.csv"), "key": new_form_key()}
        with count_queries() as counter:
            response = client.post(url, data=data)
        assert response.status_code == 303, response.text[:300]
        costs.append(counter.count)
        batch = db.session.scalar(select(ImportBatch).order_by(ImportBatch.id.desc()).limit(1))
        # It returned before the check: the job is queued, nothing is known yet.
        assert (batch.status, batch.summary) == ("uploaded", None)
        assert response.headers["Location"].endswith(f"/imports/{batch.id}/check")
    assert costs[0] == costs[1] <= UPLOAD_STATEMENTS, costs
    assert run_queued_jobs(app) == ["programmes.check_import"] * 2
    db.session.refresh(batch)
    assert (batch.status, batch.row_count, batch.summary["good"]) == ("draft", 20_000, 20_000)


def test_the_check_costs_a_few_statements_per_500_rows(admin, programme, cohort, count_queries):
    batch = services.upload_import(
        leaders_csv(2000), programme, by=admin, key="check-cost", locale="en"
    )
    with count_queries() as counter:
        services.check_upload(batch.id)
    assert counter.count <= 30, counter.count
    db.session.refresh(batch)
    assert batch.summary["good"] == 2000 and len(batch.summary["sample"]) == 50


def test_an_upload_sent_three_times_at_once_is_checked_once(
    app, live_server, admin, programme, cohort
):
    app.extensions["jobs"].huey.flush()
    phone = Phone(live_server, admin)
    url = f"/programme/{programme.id}/import"

    def upload(key: str, data: bytes, taps: int) -> list[int]:
        answers = phone.answers(
            "POST", url, {"key": key}, taps=taps, files={"file": ("l.csv", data)}
        )
        return [answer.status for answer in answers]

    key = secrets.token_urlsafe(24)
    assert upload(key, GOOD.encode(), 3) == [303, 303, 303]
    assert count(ImportBatch) == 1
    # The same file again from a fresh form while its check waits: that check.
    assert upload(secrets.token_urlsafe(24), GOOD.encode(), 1) == [303]
    assert count(ImportBatch) == 1
    assert run_queued_jobs(app) == ["programmes.check_import"]
    batch = db.session.scalar(select(ImportBatch))
    assert (batch.status, batch.summary["good"]) == ("draft", 3)
    # The first form sent back (Back, then Send) with another file: a check of its own.
    assert upload(key, leaders_csv(2), 1) == [303]
    assert count(ImportBatch) == 2
    assert run_queued_jobs(app) == ["programmes.check_import"]


def test_the_check_page_its_fragment_and_the_wrong_person(
    app, client, admin, programme, cohort, make_user
):
    app.extensions["jobs"].huey.flush()
    sign_in(client, admin)
    response = client.post(
        f"/programme/{programme.id}/import",
        data={"file": (io.BytesIO(MINISTRY.encode()), "ministry.csv"), "key": new_form_key()},
    )
    page = response.headers["Location"]
    batch = db.session.scalar(select(ImportBatch))
    assert "Checking the file" in client.get(page).text
    assert run_queued_jobs(app) == ["programmes.check_import"]
    full = client.get(page)
    assert full.status_code == 200 and "<html" in full.text
    assert "Invite the 5 good rows now" in full.text and "5 rows refused" in full.text
    assert "Line 4 (cohort)" in full.text and "Download the 5 refused rows (CSV)" in full.text
    fragment = client.get(page, headers=FRAGMENT)
    assert fragment.status_code == 286 and "<html" not in fragment.text
    download = client.post(f"/programme/{programme.id}/imports/{batch.id}/refused.csv")
    assert download.mimetype == "text/csv" and "what to fix" in download.text
    assert download.headers["Cache-Control"] == "no-store"
    audit = client.get("/programme/audit")
    assert "Downloaded the refused rows of an import" in audit.text
    # Confirming sends the admin to the import's progress; the check's page follows it.
    confirmed = client.post(f"/programme/{programme.id}/import", data={"batch": batch.key})
    assert client.get(page).headers["Location"] == confirmed.headers["Location"]

    for url, method in (
        (page, "get"),
        (f"/programme/{programme.id}/imports/{batch.id}/refused.csv", "post"),
    ):
        for role in ("leader", "coach", "author"):
            client.post("/sign-out")
            sign_in(client, make_user(role))
            assert getattr(client, method)(url).status_code == 403, (role, url)
    client.post("/sign-out")
    sign_in(client, admin)
    assert client.get(f"/programme/{programme.id}/imports/987654/check").status_code == 404
    other = new_programme(admin, "Heads Rwanda", region="RW", course_ids=[])
    assert client.get(f"/programme/{other.id}/imports/{batch.id}/check").status_code == 404


def test_a_file_the_job_cannot_read_says_why_and_keeps_nothing(client, admin, programme, cohort):
    draft = checked(HEADER + 'Grace,"0712\n', programme, admin)
    assert draft.status == "unreadable" and draft.content == ""
    assert "cannot be read as CSV" in str(services.import_error(draft))
    sign_in(client, admin)
    page = client.get(f"/programme/{programme.id}/imports/{draft.id}/check")
    assert "cannot be read as CSV" in page.text and 'name="file"' in page.text
    response = client.post(f"/programme/{programme.id}/import", data={"batch": draft.key})
    assert response.status_code == 422 and "No row of this file" in response.text


def test_the_refused_rows_speak_the_uploaders_language_and_come_back_in_it(
    client, admin, programme, cohort
):
    admin.locale = "sw"
    db.session.commit()
    sign_in(client, admin)
    client.post(
        f"/programme/{programme.id}/import",
        data={"file": (io.BytesIO(MINISTRY.encode()), "ministry.csv"), "key": new_form_key()},
    )
    batch = db.session.scalar(select(ImportBatch))
    services.check_upload(batch.id)
    page = client.get(f"/programme/{programme.id}/imports/{batch.id}/check")
    assert "Alika sasa mistari 5 iliyo sahihi" in page.text
    assert "Mistari 5 imekataliwa" in page.text
    text = refused_rows(db.session.get(ImportBatch, batch.id), admin)
    assert text.startswith("\ufeffcha kurekebisha;Full Name;")
    assert "“Mombasa 2030”" in text and "Starts with" not in text  # said in Swahili
    again = checked(text.encode(), programme, admin)
    # Read back, not refused whole; the name our file protected with a quote is the text
    # it shows now ("=HYPERLINK(…)", never run), so four rows are left to fix.
    assert again.status == "draft" and again.summary["refused"] == 4


def test_the_sweep_starts_a_stalled_check_again_and_drops_day_old_drafts(
    app, admin, programme, cohort
):
    app.extensions["jobs"].huey.flush()
    storage = app.extensions["media_storage"]
    stalled = services.upload_import(GOOD.encode(), programme, by=admin, key="s", locale="en")
    app.extensions["jobs"].huey.flush()
    later = stalled.progress_at + import_sweep.IMPORT_STALE_AFTER + timedelta(seconds=1)
    assert import_sweep.sweep_stalled_imports(now=later) == 1
    assert run_queued_jobs(app) == ["programmes.check_import"]
    db.session.refresh(stalled)
    assert stalled.status == "draft"

    old_draft = checked(MINISTRY, programme, admin)
    confirmed = checked(MINISTRY.replace("Grace", "Gladys"), programme, admin)
    services.confirm_import(programme, confirmed.key, by=admin)
    keys, old_id = [old_draft.refused_key, confirmed.refused_key], old_draft.id
    assert all(storage.exists(key) for key in keys)
    day_ago = old_draft.created_at - timedelta(days=1, seconds=1)
    db.session.execute(
        update(ImportBatch)
        .where(ImportBatch.id.in_([old_id, confirmed.id]))
        .values(created_at=day_ago)
    )
    db.session.commit()
    assert import_sweep.drop_expired_drafts() == 2
    assert not any(storage.exists(key) for key in keys)
    assert db.session.get(ImportBatch, old_id) is None
    db.session.refresh(confirmed)
    assert confirmed.refused_key is None and services.refused_rows_file(confirmed, by=admin) is None
    assert db.session.get(ImportBatch, stalled.id) is not None  # a fresh draft stays
    assert import_checks.PREVIEW_PROBLEMS == 100


def test_the_check_goes_before_the_transcodes_waiting_in_the_queue(app, admin, programme, cohort):
    queue = app.extensions["jobs"]
    queue.huey.flush()
    for asset_id in (987_001, 987_002):  # a course import's media, waiting (no such assets)
        jobs.enqueue("media.transcode", asset_id)
    services.upload_import(GOOD.encode(), programme, by=admin, key="first", locale="en")
    assert run_queued_jobs(app) == ["programmes.check_import"] + ["media.transcode"] * 2


def test_the_same_file_checked_twice_and_confirmed_twice_imports_each_person_once(
    client, admin, programme, cohort
):
    first, second = checked(GOOD, programme, admin), checked(GOOD, programme, admin)
    assert first.id != second.id  # the first check was over: the file is checked afresh
    for draft in (first, second):
        services.run_import(services.confirm_import(programme, draft.key, by=admin).id)
    db.session.refresh(second)
    assert (second.status, second.row_count, second.summary["skipped"]) == ("ready", 0, 3)
    assert count(User) == 4 and db.session.get(Cohort, cohort.id).member_count == 3
    assert services.invitation_codes_file(second, by=admin) is not None  # an empty file
    sign_in(client, admin)
    page = client.get(f"/programme/{programme.id}/imports/{second.id}")
    assert "0 leaders imported" in page.text and "3 leaders already imported" in page.text


def test_an_upload_without_the_key_its_form_drew_is_refused(client, admin, programme, cohort):
    """No key, or one no form draws, is not a fresh check: the page says to reload."""
    sign_in(client, admin)
    for key in ("x" * 65, "", None):
        data = {"file": (io.BytesIO(GOOD.encode()), "l.csv")}
        response = client.post(
            f"/programme/{programme.id}/import", data=data | ({} if key is None else {"key": key})
        )
        assert response.status_code == 422 and "This form is out of date" in response.text
    assert db.session.scalars(select(ImportBatch.key)).all() == []
