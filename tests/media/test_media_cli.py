"""`flask media transcode | status | retry | sweep`."""

from __future__ import annotations

from app.extensions import db
from app.media.models import MediaAsset


def test_transcode_wait_status_and_retry(app, runner, tiny_clip, tmp_path):
    result = runner.invoke(args=["media", "transcode", str(tiny_clip), "--wait"])
    assert result.exit_code == 0, result.output
    assert "queued" in result.output and "ready 100%" in result.output and "144p" in result.output

    status = runner.invoke(args=["media", "status"])
    assert status.exit_code == 0 and "tiny.mp4" in status.output and "audio-aac" in status.output

    text = tmp_path / "notes.mp4"
    text.write_text("notes\n")
    failed = runner.invoke(args=["media", "transcode", str(text), "--wait"])
    assert "failed" in failed.output and "This is a text file" in failed.output
    asset_id = db.session.query(MediaAsset.id).order_by(MediaAsset.id.desc()).first()[0]
    retried = runner.invoke(args=["media", "retry", str(asset_id)])
    assert retried.exit_code == 0 and f"Media asset {asset_id} queued again." in retried.output
    missing = runner.invoke(args=["media", "retry", "99999"])
    assert missing.exit_code != 0 and "There is no media asset 99999." in missing.output
    ready_id = asset_id - 1
    not_needed = runner.invoke(args=["media", "retry", str(ready_id)])
    assert not_needed.exit_code != 0 and "is ready; nothing to retry" in not_needed.output


def test_sweep_and_empty_status(app, runner):
    assert runner.invoke(args=["media", "status"]).output.strip() == "No media yet."
    assert runner.invoke(args=["media", "sweep"]).output.strip() == "Requeued 0 job(s)."
