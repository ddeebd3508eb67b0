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
from tests.conftest import sign_in
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
    # The tests' key is a setting, not the instance's own file: the operator carries it over.
    assert "Note: the secret key comes from HEADWAY_SECRET_KEY and is not in the backup" in (
        created.output
    )
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


def test_the_instances_own_key_goes_with_the_backup(
    app, make_app, make_user, tmp_path, monkeypatch
):
    """A restore onto a new machine keeps leaders signed in (and signed media URLs the same):
    the key the instance generated for itself is in the backup, readable by its owner only."""
    if db.engine.dialect.name == "postgresql":
        require_executable("pg_dump")
    for name in ("HEADWAY_SECRET_KEY", "SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    key = "generated-by-the-old-machine-" + "k" * 40
    old_machine, new_machine = tmp_path / "old", tmp_path / "new"
    old_machine.mkdir()
    (old_machine / "secret_key").write_text(key + "\n")
    monkeypatch.setenv("INSTANCE_PATH", str(old_machine))
    old = make_app(SECRET_KEY=None)
    assert old.config["SECRET_KEY"] == key
    leader = make_user("leader")
    db.session.commit()
    phone = old.test_client()
    sign_in(phone, leader)
    backup = tmp_path / "backup"
    with old.app_context():  # a command runs in the current app's context
        created = old.test_cli_runner().invoke(args=["backup", "create", str(backup)])
    assert created.exit_code == 0, created.output
    assert "holds the instance's secret key" in created.output
    assert (backup / "secret_key").read_text().strip() == key
    assert json.loads((backup / "manifest.json").read_text())["secret_key"] == "included"
    assert backup.stat().st_mode & 0o777 == 0o700
    assert {path.stat().st_mode & 0o777 for path in backup.rglob("*") if path.is_file()} == {0o600}

    monkeypatch.setenv("INSTANCE_PATH", str(new_machine))
    new = make_app(SECRET_KEY=None)
    db.session.remove()  # no transaction of the test's may hold a table pg_restore replaces
    with new.app_context():
        restored = new.test_cli_runner().invoke(args=["backup", "restore", str(backup), "--yes"])
    assert restored.exit_code == 0, restored.output
    assert "Restored the instance's secret key" in restored.output
    assert (new_machine / "secret_key").stat().st_mode & 0o777 == 0o600
    restarted = make_app(SECRET_KEY=None)
    assert restarted.config["SECRET_KEY"] == key
    # The leader's phone, signed in on the old machine, is still signed in on the new one.
    moved = restarted.test_client()
    moved._cookies = phone._cookies
    assert moved.get("/learn/").status_code == 200


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
