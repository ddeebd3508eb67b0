"""Data use is counted without a GET writing a row: each process adds up what it sent in
memory and writes it every ``DATA_USE_FLUSH_S`` seconds and at exit; what a person sees is
the row plus what this process has not written yet."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, select

from app.accounts import data_use
from app.accounts.models import DataUsage, User
from app.extensions import db
from tests.conftest import sign_in


def _rows(user) -> list[DataUsage]:
    db.session.expire_all()
    return list(db.session.scalars(select(DataUsage).filter_by(user_id=user.id)))


def test_pages_are_counted_in_memory_shown_at_once_and_written_by_the_flush(client, make_user):
    leader = make_user("leader")
    sign_in(client, leader)
    page = client.get("/learn/")
    assert _rows(leader) == []
    assert data_use.month_usage(leader).page_bytes >= len(page.data) // 4 > 0
    assert "of your data this month" in client.get("/me").get_data(as_text=True)
    seen = data_use.month_usage(leader).page_bytes
    assert data_use.flush_data_use() == 1
    [row] = _rows(leader)
    assert row.page_bytes == seen and row.media_bytes == 0
    assert data_use.month_usage(leader).page_bytes == seen  # not counted twice
    assert data_use.flush_data_use() == 0  # nothing left: no statement


def test_counts_add_up_on_the_row_and_the_limit_sees_them(app, make_user):
    leader = make_user("leader", data_limit_mb=1)
    data_use.count_media(leader.id, 300_000)
    data_use.flush_data_use()
    data_use.count_media(leader.id, 200_000)
    assert data_use.bytes_left(leader) == 500_000  # the row and what is not written yet
    data_use.flush_data_use()
    [row] = _rows(leader)
    assert row.media_bytes == 500_000 and data_use.bytes_left(leader) == 500_000


def test_a_failed_write_keeps_the_counts_for_next_time(app, make_user, monkeypatch):
    leader = make_user("leader")
    data_use.count_media(leader.id, 1234)

    def away(*args, **kwargs):
        raise RuntimeError("database away")

    monkeypatch.setattr(data_use, "add_data_use", away)
    with pytest.raises(RuntimeError):
        data_use.flush_data_use()
    monkeypatch.undo()
    data_use.flush_data_use()
    assert [r.media_bytes for r in _rows(leader)] == [1234]


def test_someone_erased_since_is_not_written_back(app, make_user):
    leader, other = make_user("leader"), make_user("leader")
    data_use.count_media(leader.id, 10)
    data_use.count_media(other.id, 20)
    db.session.execute(delete(User).where(User.id == leader.id))
    db.session.commit()
    assert data_use.flush_data_use() == 1
    assert db.session.scalar(select(func.count()).select_from(DataUsage)) == 1


def test_the_process_writes_what_is_left_when_it_stops(app, make_user):
    leader = make_user("leader")
    data_use.count_media(leader.id, 99)
    flusher = data_use.start_flushing(app)
    flusher.stop()
    assert [r.media_bytes for r in _rows(leader)] == [99]


def test_every_process_writes_its_counts_in_the_same_order(app, make_user, monkeypatch):
    """Two processes flushing the same people must take their rows' locks in one order, or
    each can hold a row the other wants next: on PostgreSQL one flush fails, deadlocked."""
    people = [make_user("leader") for _ in range(4)]
    for person in reversed(people):
        data_use.count_media(person.id, 10)
    written = []
    real = data_use.add_data_use
    monkeypatch.setattr(
        data_use,
        "add_data_use",
        lambda user_id, **sizes: written.append(user_id) or real(user_id, **sizes),
    )
    assert data_use.flush_data_use() == 4
    assert written == sorted(person.id for person in people)
