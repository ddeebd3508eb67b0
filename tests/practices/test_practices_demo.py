"""The demo's practices: two approved, one waiting for review, tries with how they went;
loading the demo again adds nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.media.models import MediaAsset
from app.practices.models import Practice, PracticeTry


def _state():
    db.session.rollback()
    statuses = sorted(db.session.scalars(select(Practice.status)))
    tries = db.session.scalar(select(func.count()).select_from(PracticeTry))
    worked = db.session.scalar(select(func.sum(Practice.worked_count)))
    return statuses, tries, worked


def test_the_demo_practices(runner, client):
    for _ in range(2):
        result = runner.invoke(args=["demo", "load"])
        assert result.exit_code == 0, result.output
        assert _state() == (["approved", "approved", "submitted"], 3, 1)
    response = client.post(
        "/sign-in", data={"identifier": "coach@example.org", "password": "headway-demo"}
    )
    assert response.status_code == 303
    queue = client.get("/practices/reviews").get_data(as_text=True)
    assert "Visites de classe entre enseignants" in queue
    # Grace's has the video the course media tool made, queued for the ladder once.
    videos = db.session.execute(
        select(Practice.title, Practice.video_asset_id).where(Practice.video_asset_id.is_not(None))
    ).all()
    assert [title for title, _ in videos] == ["A reading corner in every class"]
    assert db.session.get(MediaAsset, videos[0].video_asset_id) is not None
