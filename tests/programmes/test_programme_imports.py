"""Bulk invitations from a CSV: good, malformed, duplicate and hostile files; every row
checked with its line; nothing half-imported; the codes exported safe for spreadsheets.
The import job runs here directly (``services.run_import``), as a worker would."""

from __future__ import annotations

import csv
import io
import secrets

import pytest
from sqlalchemy import func, select

from app.accounts.models import AccessCode, CodePurpose, User
from app.accounts.services import code_for_identifier
from app.audit import AuditEntry
from app.extensions import db
from app.programmes import services
from app.programmes.models import Cohort, CohortMember
from tests.conftest import sign_in

HEADER = "name,phone,email,school,region,cohort,language\n"
GOOD = (
    HEADER
    + "Grace Wanjiru,0712 345 678,,Kibera Primary,Nairobi,Nairobi 2026,sw\n"
    + "Amani Mutesi,,amani@example.net,Nyamirambo,Kigali,nairobi 2026,fr\n"
    + "Baraka Mwangi,+254 722-000 111,,Likoni,Mombasa,Nairobi 2026,\n"
)


def plan_of(text, programme, encoding="utf-8"):
    return services.read_leaders_csv(text.encode(encoding), programme)


def messages(plan):
    return [(p.params.get("line"), p.field, str(p)) for p in plan.problems]


def checked(data, programme, admin, key=None):
    """Upload, then the check's job, as the page and the worker do: the draft."""
    data = data.encode() if isinstance(data, str) else data
    batch = services.upload_import(
        data, programme, by=admin, key=key or secrets.token_urlsafe(24), locale="en"
    )
    services.check_upload(batch.id)
    db.session.refresh(batch)
    return batch


def imported(text, programme, admin):
    """Upload, check, then confirm, as the pages do, then the job: the batch."""
    draft = checked(text, programme, admin)
    assert draft.summary["refused"] == 0, services.check_problems(draft)
    batch = services.confirm_import(programme, draft.key, by=admin)
    services.run_import(batch.id)
    db.session.refresh(batch)
    return batch


def codes_of(batch, admin) -> list[dict]:
    data = b"".join(services.invitation_codes_file(batch, by=admin))
    return list(csv.DictReader(io.StringIO(data.decode())))


def users_count():
    return db.session.scalar(select(func.count()).select_from(User))


def test_a_good_file_imports_every_leader_into_their_cohort(programme, cohort, admin):
    plan = plan_of(GOOD, programme)
    assert plan.ok, messages(plan)
    assert [r.phone for r in plan.rows] == ["+254712345678", None, "+254722000111"]
    batch = imported(GOOD, programme, admin)
    assert batch.content == "" and batch.confirmed_at is not None
    assert (batch.status, batch.rows_done, batch.row_count) == ("ready", 3, 3)
    grace = db.session.scalar(select(User).where(User.phone == "+254712345678"))
    assert grace.name == "Grace Wanjiru" and grace.locale == "sw" and grace.roles == {"leader"}
    assert not grace.has_accepted
    member = db.session.get(CohortMember, (cohort.id, grace.id))
    assert member.region == "Nairobi" and member.import_batch_id == batch.id
    assert db.session.get(Cohort, cohort.id).member_count == 3
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "bulk_invite"))
    assert entry.actor_id == admin.id and entry.details["rows"] == 3


def test_the_same_confirmation_twice_imports_once(programme, cohort, admin):
    draft = checked(GOOD, programme, admin)
    first = services.confirm_import(programme, draft.key, by=admin)
    again = services.confirm_import(programme, draft.key, by=admin)
    assert again.id == first.id and again.status == "queued"
    services.run_import(first.id)
    services.run_import(first.id)  # a duplicate message finds nothing to claim
    assert users_count() == 4  # the admin and three leaders
    assert services.confirm_import(programme, draft.key, by=admin).status == "ready"
    assert users_count() == 4


def test_semicolons_a_bom_and_utf16_are_read(programme, cohort):
    text = GOOD.replace(",", ";")
    assert plan_of(text, programme, "utf-8-sig").ok
    assert plan_of(GOOD, programme, "utf-16").ok


@pytest.mark.parametrize(
    ("row", "line", "field", "says"),
    [
        ("Grace,0712 34,,S,R,Nairobi 2026,", 2, "phone", "not a phone number"),
        (",0712 345 678,,S,R,Nairobi 2026,", 2, "name", "name"),
        ("Grace,,,S,R,Nairobi 2026,", 2, "phone", "phone number or an email"),
        ("Grace,,grace@,S,R,Nairobi 2026,", 2, "email", "not an email"),
        ("Grace,0712 345 678,,S,R,Mombasa 2030,", 2, "cohort", "no cohort"),
        ("Grace,0712 345 678,,S,R,Nairobi 2026,de", 2, "language", "does not speak"),
        ("Grace,0712 345 678,,S,R", 2, None, "5 cells"),
        ('=HYPERLINK("http://x"),0712 345 678,,S,R,Nairobi 2026,', 2, "name", "formula"),
        ("Grace,0712 345 678,,@SUM(A1),R,Nairobi 2026,", 2, "school", "formula"),
        ("Grace,=1+1,,S,R,Nairobi 2026,", 2, "phone", "formula"),
        ("G" * 121 + ",0712 345 678,,S,R,Nairobi 2026,", 2, "name", "120"),
    ],
)
def test_each_bad_row_says_what_is_wrong_and_where(programme, cohort, row, line, field, says):
    plan = plan_of(HEADER + row + "\n", programme)
    assert not plan.ok
    [(got_line, got_field, message)] = messages(plan)
    assert (got_line, got_field) == (line, field)
    assert says in message


def test_duplicates_in_the_file_and_existing_accounts_are_refused(programme, cohort, make_user):
    make_user(phone="+254733000000", email="taken@example.org")
    text = (
        HEADER
        + "A,0712 345 678,,S,R,Nairobi 2026,\n"
        + "B,+254712345678,,S,R,Nairobi 2026,\n"  # the same number written another way
        + "C,0733 000 000,,S,R,Nairobi 2026,\n"
        + "D,,TAKEN@example.org,S,R,Nairobi 2026,\n"
    )
    plan = plan_of(text, programme)
    assert [(line, field) for line, field, _ in messages(plan)] == [
        (3, "phone"),
        (4, "phone"),
        (5, "email"),
    ]
    assert "line 2" in messages(plan)[0][2]


def test_a_clash_found_while_importing_rolls_back_every_row(programme, cohort, admin, make_user):
    draft = checked(GOOD, programme, admin)
    batch = services.confirm_import(programme, draft.key, by=admin)
    make_user(email="amani@example.net")  # someone took row 3's address after the preview
    services.run_import(batch.id)
    db.session.refresh(batch)
    assert batch.status == "failed"
    reason = str(services.import_error(batch))
    assert "Nothing was imported" in reason and "line 3" in reason, reason
    assert db.session.scalar(select(User).where(User.phone == "+254712345678")) is None
    assert db.session.scalar(select(func.count()).select_from(CohortMember)) == 0


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"", "empty"),
        ("name,phone,cohort\nGrâce,0712 345 678,Nairobi 2026\n".encode("latin-1"), "UTF-8"),
        (b"name,phone,cohort\nGrace\x00,0712 345 678,Nairobi 2026\n", "NUL"),
        (b"nom,telephone,cohort\n", "unknown columns"),
        (b"name,school\nGrace,S\n", "must name the columns"),
        (b"name,phone,phone,cohort\n", "twice"),
        (b"x" * (3 * 1024 * 1024), "larger than"),
        (b'name,phone,cohort\n"Grace,0712\n', "cannot be read"),
    ],
)
def test_files_that_cannot_be_read_are_refused_whole(programme, cohort, data, says):
    with pytest.raises(services.ProgrammeError, match=says):
        services.read_leaders_csv(data, programme)


def test_too_many_rows_are_refused(programme, cohort, monkeypatch):
    monkeypatch.setattr(services.imports, "MAX_IMPORT_ROWS", 2)
    with pytest.raises(services.ProgrammeError, match="more than 2"):
        plan_of(GOOD, programme)


def test_the_invitation_codes_work_and_cannot_run_as_formulas(programme, cohort, admin):
    text = HEADER + "=cmd|' /C calc'!A0,0712 345 678,,S,R,Nairobi 2026,\n"
    assert not plan_of(text, programme).ok
    plan = plan_of(HEADER + "'=Grace,0712 345 678,,S,R,Nairobi 2026,\n", programme)
    assert plan.rows[0].name == "=Grace"  # a cell our own export protected, read back
    batch = imported(HEADER + "'=Grace,0712 345 678,,S,R,Nairobi 2026,\n", programme, admin)
    rows = codes_of(batch, admin)
    # A whole E.164 number is written plain, for an SMS service; the name keeps its guard.
    assert rows[0]["name"] == "'=Grace" and rows[0]["phone"] == "+254712345678"
    assert rows[0]["cohort"] == "Nairobi 2026" and "/invitation?token=" in rows[0]["link"]
    access = code_for_identifier("+254712345678", rows[0]["code"], CodePurpose.INVITATION)
    assert access is not None
    assert codes_of(batch, admin) == rows  # downloading again gives the same file
    # Asking for new codes makes them (a job); the first ones stop working.
    assert services.request_new_codes(batch, by=admin)
    assert not services.request_new_codes(batch, by=admin)  # a second tap asks once
    assert services.invitation_codes_file(batch, by=admin) is None  # not written yet
    services.write_invitation_codes(batch.id)
    db.session.refresh(batch)
    assert code_for_identifier("+254712345678", rows[0]["code"], CodePurpose.INVITATION) is None
    assert db.session.scalar(select(func.count()).select_from(AccessCode)) == 2
    [renewed] = codes_of(batch, admin)
    assert renewed["code"] != rows[0]["code"]
    assert code_for_identifier("+254712345678", renewed["code"], CodePurpose.INVITATION)


def test_a_draft_is_no_import_and_an_unknown_preview_says_so(client, programme, cohort, admin):
    draft = checked(GOOD, programme, admin)
    sign_in(client, admin)
    assert client.get(f"/programme/{programme.id}/imports/{draft.id}").status_code == 404
    with pytest.raises(services.ProgrammeError, match="no longer kept"):
        services.confirm_import(programme, "not-a-key", by=admin)
    response = client.post(f"/programme/{programme.id}/import", data={"batch": "not-a-key"})
    assert response.status_code == 422 and "Upload the file again" in response.text
