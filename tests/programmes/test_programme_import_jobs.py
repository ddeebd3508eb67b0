"""An import of a whole country on one small server: the requests that confirm it and ask
for its codes run a few statements however many leaders the file names, and return before
the work is done; the job does it in slices of 500, all or none."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

import pytest
from sqlalchemy import event, func, select

from app.accounts.models import AccessCode, CodePurpose, User
from app.accounts.services import code_for_identifier
from app.extensions import db
from app.programmes import services
from app.programmes.models import Cohort, CohortMember, ImportBatch
from app.programmes.services import import_jobs, import_sweep
from tests.conftest import sign_in
from tests.programmes.test_programme_double_taps import run_queued_jobs
from tests.programmes.test_programme_imports import HEADER, checked

#: What confirming an import may cost, whatever its size: sign-in, the programme, the
#: draft, the claim, the commit.
CONFIRM_STATEMENTS = 12


def leaders_csv(count: int, first: int = 0) -> bytes:
    return (
        HEADER
        + "".join(
            f"Leader {n},0{710_000_000 + n},,School {n},Nairobi,Nairobi 2026,sw\n"
            for n in range(first, first + count)
        )
    ).encode()


def count(model) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model))


def confirm_counted(client, programme, data, admin, count_queries):
    """Preview ``data``, then confirm it through the page: (statements, response, batch)."""
    draft = checked(data, programme, admin)
    with count_queries() as counter:
        response = client.post(f"/programme/{programme.id}/import", data={"batch": draft.key})
    assert response.status_code == 303, response.text[:300]
    return counter.count, response, db.session.get(ImportBatch, draft.id)


def test_confirming_costs_the_same_few_statements_for_50_or_2000_rows_and_does_not_wait(
    client, admin, programme, cohort, count_queries
):
    sign_in(client, admin)
    small, _, first = confirm_counted(client, programme, leaders_csv(50), admin, count_queries)
    large, response, batch = confirm_counted(
        client, programme, leaders_csv(2000, first=50), admin, count_queries
    )
    assert small == large <= CONFIRM_STATEMENTS, (small, large)
    # It returned before the work was done: no account exists yet, the job is queued.
    assert count(User) == 1 and count(CohortMember) == 0
    assert (batch.status, batch.rows_done, batch.row_count) == ("queued", 0, 2000)
    assert response.headers["Location"].endswith(f"/imports/{batch.id}")

    with count_queries() as counter:
        services.run_import(batch.id)
    # A few statements per slice of 500 (the check again, the inserts, the progress) and
    # the codes: not the ~20,000 of loading and reloading each row.
    assert counter.count <= 60, counter.count
    db.session.refresh(batch)
    assert (batch.status, batch.rows_done) == ("ready", 2000)
    assert count(User) == 2001 and db.session.get(Cohort, cohort.id).member_count == 2000
    assert count(AccessCode) == 2000


def test_asking_for_codes_costs_the_same_few_statements_for_3_or_600_leaders(
    client, admin, programme, cohort, count_queries
):
    sign_in(client, admin)
    costs = []
    for size, first in ((3, 0), (600, 10)):
        _, response, batch = confirm_counted(
            client, programme, leaders_csv(size, first), admin, count_queries
        )
        services.run_import(batch.id)
        page = response.headers["Location"]
        with count_queries() as download:
            codes = client.post(f"{page}/invitations.csv")
        rows = list(csv.DictReader(io.StringIO(codes.text)))
        assert codes.mimetype == "text/csv" and len(rows) == size
        assert rows[0]["phone"] == f"+254{710_000_000 + first}"
        with count_queries() as renew:
            assert client.post(f"{page}/codes").status_code == 303
        # Returned before the new codes were made: the file's codes still work.
        assert code_for_identifier(rows[0]["phone"], rows[0]["code"], CodePurpose.INVITATION)
        assert client.post(f"{page}/invitations.csv").status_code == 303  # not ready yet
        assert "Making the invitation codes" in client.get(page).text
        services.write_invitation_codes(batch.id)
        assert not code_for_identifier(rows[0]["phone"], rows[0]["code"], CodePurpose.INVITATION)
        costs.append((download.count, renew.count))
    assert costs[0] == costs[1], costs
    assert max(costs[1]) <= CONFIRM_STATEMENTS, costs


def test_a_slice_that_clashes_takes_the_earlier_slices_out_again(
    admin, programme, cohort, make_user, monkeypatch
):
    monkeypatch.setattr(import_jobs, "SLICE_ROWS", 2)
    still_good = import_jobs._rows_still_good

    def checked_then_taken(batch, programme):
        rows, skipped = still_good(batch, programme)
        make_user(phone=rows[4].phone)  # someone is given row 6's number meanwhile
        return rows, skipped

    monkeypatch.setattr(import_jobs, "_rows_still_good", checked_then_taken)
    draft = checked(leaders_csv(5), programme, admin)
    batch = services.confirm_import(programme, draft.key, by=admin)
    services.run_import(batch.id)
    db.session.refresh(batch)
    assert (batch.status, batch.rows_done) == ("failed", 0)
    assert "someone was given one of these phone numbers" in str(services.import_error(batch))
    assert count(CohortMember) == 0 and count(User) == 2  # the admin and the clash
    assert db.session.get(Cohort, cohort.id).member_count == 0
    assert batch.codes_key is None and count(AccessCode) == 0


def test_the_job_trusts_the_database_not_the_message(admin, programme, cohort):
    services.run_import(987_654)  # no such batch: nothing happens
    draft = checked(leaders_csv(3), programme, admin)
    services.run_import(draft.id)  # a draft nobody confirmed is not imported
    assert count(User) == 1
    batch = services.confirm_import(programme, draft.key, by=admin)
    services.run_import(batch.id)
    services.run_import(batch.id)
    assert count(User) == 4


def test_a_failure_to_write_the_codes_says_so_and_can_be_tried_again(
    app, admin, programme, cohort, monkeypatch
):
    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    draft = checked(leaders_csv(3), programme, admin)
    batch = services.confirm_import(programme, draft.key, by=admin)
    monkeypatch.setattr(app.extensions["media_storage"], "save", full_disk)
    with pytest.raises(OSError):
        services.run_import(batch.id)
    db.session.refresh(batch)
    assert batch.status == "ready" and batch.codes_key is None
    assert "Make new codes" in str(services.import_error(batch))
    assert services.invitation_codes_file(batch, by=admin) is None
    monkeypatch.undo()
    assert services.request_new_codes(batch, by=admin)
    services.write_invitation_codes(batch.id)
    db.session.refresh(batch)
    assert batch.codes_key and services.import_error(batch) is None
    assert count(AccessCode) == 3  # the codes of the failed attempt were never stored


def test_the_progress_page_and_its_reason_speak_the_admins_language(
    client, admin, programme, cohort, make_user
):
    admin.locale = "sw"
    db.session.commit()
    sign_in(client, admin)
    draft = checked(leaders_csv(3), programme, admin)
    batch = services.confirm_import(programme, draft.key, by=admin)
    page = client.get(f"/programme/{programme.id}/imports/{batch.id}")
    assert "Viongozi walioingizwa: 0 kati ya 3." in page.text and "Onyesha upya" in page.text
    make_user(phone="+254710000001")  # row 3's number, taken before the job runs
    services.run_import(batch.id)
    page = client.get(f"/programme/{programme.id}/imports/{batch.id}")
    assert "Hakuna kilichoingizwa: mistari 1 haipiti tena ukaguzi" in page.text


def test_an_erased_leader_leaves_the_codes_file_and_a_failed_import_keeps_no_file(
    app, admin, programme, cohort, make_user
):
    draft = checked(leaders_csv(3), programme, admin)
    batch = services.confirm_import(programme, draft.key, by=admin)
    services.run_import(batch.id)
    db.session.refresh(batch)
    old_key = batch.codes_key
    leader = db.session.scalar(select(User).where(User.phone == "+254710000001"))
    request = services.request_erasure(leader)
    services.complete_erasure(request, by=make_user("admin"))
    db.session.refresh(batch)
    data = b"".join(services.invitation_codes_file(batch, by=admin)).decode()
    assert "Leader 1" not in data and "+254710000001" not in data
    assert "Leader 0" in data and "Leader 2" in data
    assert not app.extensions["media_storage"].exists(old_key)

    draft = checked(leaders_csv(2, first=10), programme, admin)
    failed = services.confirm_import(programme, draft.key, by=admin)
    make_user(phone="+254710000010")
    services.run_import(failed.id)
    db.session.refresh(failed)
    assert failed.status == "failed" and failed.content == ""


def test_an_import_whose_worker_died_is_started_again_from_nothing(
    app, admin, programme, cohort, monkeypatch
):
    monkeypatch.setattr(import_jobs, "SLICE_ROWS", 2)
    draft = checked(leaders_csv(5), programme, admin)
    batch = services.confirm_import(programme, draft.key, by=admin)
    app.extensions["jobs"].huey.flush()

    def killed_after_two_slices(batch_id, country, rows, done=[]):  # noqa: B006
        if len(done) == 2:
            raise KeyboardInterrupt  # the worker's process ends here
        done.append(rows)
        real_slice(batch_id, country, rows)

    real_slice = import_jobs._insert_slice
    monkeypatch.setattr(import_jobs, "_insert_slice", killed_after_two_slices)
    with pytest.raises(KeyboardInterrupt):
        services.run_import(batch.id)
    monkeypatch.setattr(import_jobs, "_insert_slice", real_slice)
    db.session.rollback()
    db.session.refresh(batch)
    assert (batch.status, batch.rows_done, count(CohortMember)) == ("importing", 4, 4)

    assert import_sweep.sweep_stalled_imports() == 0  # still moving, as far as it knows
    later = batch.progress_at + import_sweep.IMPORT_STALE_AFTER + timedelta(seconds=1)
    assert import_sweep.sweep_stalled_imports(now=later) == 1
    assert import_sweep.sweep_stalled_imports(now=later) == 0  # a second sweep: nothing
    db.session.refresh(batch)
    assert (batch.status, count(CohortMember), count(User)) == ("queued", 0, 1)
    assert db.session.get(Cohort, cohort.id).member_count == 0
    assert run_queued_jobs(app) == ["programmes.import_leaders"]
    db.session.refresh(batch)
    assert (batch.status, batch.rows_done, count(User)) == ("ready", 5, 6)


def test_the_sweep_rides_on_the_job_queue_every_five_minutes(app):
    huey = app.extensions["jobs"].huey
    due = [t.name for t in huey.read_periodic(datetime(2030, 3, 3, 12, 15))]
    assert "programmes.sweep_imports" in due
    assert "programmes.sweep_imports" not in [
        t.name for t in huey.read_periodic(datetime(2030, 3, 3, 12, 7))
    ]


def test_the_import_and_its_codes_pause_only_with_nothing_written(
    client, admin, programme, cohort, count_queries, monkeypatch
):
    """A pause lets the process's other requests run. On SQLite a transaction that has
    written holds the write lock through it, and a request that writes meanwhile waits out
    the busy timeout inside SQLite, holding up the whole gevent process, so the job cannot
    commit either: every request waited or failed until gunicorn killed the worker
    (benchmarks/country_load.py). So the job pauses only between its transactions."""
    sign_in(client, admin)
    _, _, batch = confirm_counted(client, programme, leaders_csv(1200), admin, count_queries)
    writes: list[str] = []

    def seen(_conn, _cursor, statement, *_args) -> None:
        if statement.lstrip().split(None, 1)[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            writes.append(statement)

    def ended(_conn) -> None:
        writes.clear()

    holding: list[list[str]] = []
    monkeypatch.setattr(import_jobs, "let_requests_run", lambda: holding.append(list(writes)))
    listeners = [("before_cursor_execute", seen), ("commit", ended), ("rollback", ended)]
    for name, listener in listeners:
        event.listen(db.engine, name, listener)
    try:
        services.run_import(batch.id)
        batch = db.session.get(ImportBatch, batch.id)
        services.request_new_codes(batch, by=admin)
        services.write_invitation_codes(batch.id)
    finally:
        for name, listener in listeners:
            event.remove(db.engine, name, listener)
    db.session.refresh(batch)
    assert batch.status == "ready" and count(AccessCode) == 2 * 1200  # the first retired
    assert len(holding) >= 8, holding  # it did pause: slices, rows read, codes drawn
    assert [pending for pending in holding if pending] == []
