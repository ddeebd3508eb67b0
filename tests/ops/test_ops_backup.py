"""``flask backup create|restore``: back up, wipe, restore — the leader's progress and the
media are there again (on SQLite, and on PostgreSQL in that pass)."""

from __future__ import annotations

import json
import shutil
import stat
from pathlib import Path

from sqlalchemy import select

from app.extensions import db
from app.learning import services as learning
from app.learning.models import LessonProgress, Reflection
from app.media import services as media
from app.media.models import MediaAsset
from tests.ops.layout import lesson_playing
from tests.services import require_executable


def _leader_with_progress(make_user, tmp_path: Path):
    clip = tmp_path / "talk.mp4"
    clip.write_bytes(b"a lesson's video, as uploaded" * 1000)
    asset = media.queue_transcode(clip)
    db.session.commit()
    lesson = lesson_playing(asset.id)
    leader = make_user("leader", name="Grace Wanjiru")
    learning.save_position(leader, lesson, 42)
    learning.save_reflection(leader, lesson, "Visit two classrooms a week.")
    return leader.id, asset.id, clip.read_bytes()


def test_backup_then_wipe_then_restore(app, runner, make_user, tmp_path):
    if db.engine.dialect.name == "postgresql":
        require_executable("pg_dump")
    leader_id, asset_id, video = _leader_with_progress(make_user, tmp_path)
    source_key = db.session.get(MediaAsset, asset_id).source_key
    backup = tmp_path / "backup"

    created = runner.invoke(args=["backup", "create", str(backup)])
    assert created.exit_code == 0, created.output
    manifest = json.loads((backup / "manifest.json").read_text())
    # Every file under the media root (earlier tests may have left some), this one among them.
    assert manifest["database"] == db.engine.dialect.name and manifest["media_files"] >= 1

    db.session.remove()
    db.drop_all()
    shutil.rmtree(app.config["MEDIA_ROOT"])
    Path(app.config["MEDIA_ROOT"]).mkdir()
    try:
        restored = runner.invoke(args=["backup", "restore", str(backup), "--yes"])
        assert restored.exit_code == 0, restored.output
        progress = db.session.scalars(
            select(LessonProgress).where(LessonProgress.user_id == leader_id)
        ).one()
        assert progress.position_seconds == 42
        reflection = db.session.scalars(
            select(Reflection).where(Reflection.user_id == leader_id)
        ).one()
        assert reflection.body == "Visit two classrooms a week."
        assert b"".join(media.storage().open(source_key)) == video
    finally:
        db.session.remove()
        db.create_all()  # whatever happened, the next test finds its tables


def test_a_backup_goes_into_a_new_folder_and_restores_only_a_backup(runner, tmp_path):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "notes.txt").write_text("mine")
    refused = runner.invoke(args=["backup", "create", str(tmp_path / "full")])
    assert refused.exit_code != 0 and "not empty" in refused.output
    (tmp_path / "empty").mkdir()
    not_a_backup = runner.invoke(args=["backup", "restore", str(tmp_path / "empty"), "--yes"])
    assert not_a_backup.exit_code != 0 and "not a Headway backup" in not_a_backup.output


def test_a_backup_is_readable_by_its_owner_only(app, runner, make_user, tmp_path):
    """It holds everyone's personal data: no other local user may read it."""
    if db.engine.dialect.name == "postgresql":
        require_executable("pg_dump")
    _leader_with_progress(make_user, tmp_path)
    backup = tmp_path / "backup"
    created = runner.invoke(args=["backup", "create", str(backup)])
    assert created.exit_code == 0, created.output
    database = backup / (
        "database.pgdump" if db.engine.dialect.name == "postgresql" else "database.sqlite3"
    )
    assert stat.S_IMODE(backup.stat().st_mode) == 0o700
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
    assert stat.S_IMODE((backup / "manifest.json").stat().st_mode) == 0o600
    assert stat.S_IMODE((backup / "media").stat().st_mode) == 0o700
    # A folder the operator made (empty) keeps its own mode; what goes in it is private.
    (tmp_path / "theirs").mkdir(mode=0o755)
    assert runner.invoke(args=["backup", "create", str(tmp_path / "theirs")]).exit_code == 0
    assert all(
        stat.S_IMODE(path.stat().st_mode) == (0o700 if path.is_dir() else 0o600)
        for path in (tmp_path / "theirs").iterdir()
    )
