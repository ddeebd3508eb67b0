"""Media requests that arrive together (a player and a retry, two tabs) each count once in the
leader's data use, on one row (written by the process, not by the GETs); the data-saver
choice tapped twice is saved once."""

from __future__ import annotations

from sqlalchemy import delete, select

from app.accounts.data_use import flush_data_use
from app.accounts.models import DataUsage, User
from app.extensions import db
from app.media import services
from tests.phones import TAPS, Phone

ROUNDS = 5


def test_segments_fetched_together_add_up_on_one_row(
    live_server, make_user, ready_asset, lesson_for
):
    asset = ready_asset()
    lesson_for(asset)
    leader = make_user("leader")
    phone = Phone(live_server, leader)
    rendition = next(r for r in asset.renditions if r.kind == "video")
    # The playlist: text, which the test's HTTP client reads as such.
    url = f"/media/{asset.id}/files/{rendition.playlist_key}"
    size = services.storage().size(rendition.playlist_key)
    for _round in range(ROUNDS):
        db.session.rollback()
        db.session.execute(delete(DataUsage))
        db.session.commit()
        assert phone.together("GET", url) == [200] * TAPS
        db.session.rollback()
        assert db.session.scalar(select(DataUsage).filter_by(user_id=leader.id)) is None
        flush_data_use()  # as each serving process does every DATA_USE_FLUSH_S seconds
        rows = db.session.scalars(select(DataUsage).filter_by(user_id=leader.id)).all()
        assert len(rows) == 1 and rows[0].media_bytes == TAPS * size


def test_the_data_saver_choice_tapped_twice(live_server, make_user):
    leader = make_user("leader")
    phone = Phone(live_server, leader)
    statuses = phone.together("POST", "/me/data-saver", {"data_rung": "lowest", "next": "/me"})
    assert statuses == [303] * TAPS
    db.session.rollback()
    assert db.session.scalar(select(User.data_rung).filter_by(id=leader.id)) == "lowest"
