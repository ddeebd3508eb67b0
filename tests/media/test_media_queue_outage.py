"""The job queue away (Redis stopped: nothing listening where it should be): an upload is
stored and says it is not queued yet, the sweeper queues it once the queue is back."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from app.db import utcnow
from app.extensions import db
from app.media import services
from app.media.models import MediaAsset
from tests.ops.processes import free_port


def test_transcode_says_what_happened_when_the_queue_is_down(app, make_app, tmp_path):
    clip = tmp_path / "talk.mp4"
    clip.write_bytes(b"a lesson's video" * 100)
    down = make_app(REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")
    with down.app_context():  # the command runs in the current app's context
        result = down.test_cli_runner().invoke(args=["media", "transcode", str(clip)])
    assert result.exit_code == 0, result.output
    asset = db.session.query(MediaAsset).one()
    assert f"Media asset {asset.id} is stored (1,600 bytes) but not queued" in result.output
    assert "ConnectionError" in result.output and "sweeper queues it by itself" in result.output
    assert f"`flask media retry {asset.id}`" in result.output
    assert "queued (" not in result.output
    logged = result.stderr  # (the runner stands in for stderr while the command runs)
    assert "Traceback" not in logged and '"event": "job_not_queued"' in logged
    assert asset.status == "uploaded"

    # The queue is back (this app's SQLite queue): once the upload has waited longer than
    # MEDIA_STALE_AFTER_S, the sweeper sends its message.
    huey = app.extensions["jobs"].huey
    huey.flush()
    db.session.execute(
        update(MediaAsset).values(queued_at=utcnow() - timedelta(hours=1), created_at=utcnow())
    )
    db.session.commit()
    assert services.sweep_stale_jobs() == [asset.id]
    assert huey.pending_count() == 1
