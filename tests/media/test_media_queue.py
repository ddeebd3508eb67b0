"""The real queue: Huey on SQLite and on Redis, and a worker killed in the middle of a job."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

from app.extensions import db
from app.media import services, tasks
from app.media.models import MediaAsset, Rendition
from tests.media_pipeline.conftest import lavfi_clip
from tests.services import require_redis

ROOT = Path(__file__).resolve().parents[2]


def _wait_for(asset_id: int, statuses: set[str], timeout: float = 90) -> MediaAsset:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.expire_all()
        asset = db.session.get(MediaAsset, asset_id)
        db.session.rollback()  # see other processes' commits on the next read
        if asset.status in statuses:
            return asset
        time.sleep(0.2)
    raise AssertionError(f"asset {asset_id} still {asset.status} after {timeout} s")


def _run_through_queue(app, clip: Path) -> MediaAsset:
    media_queue = app.extensions["media_queue"]
    media_queue.huey.flush()  # nothing left over from other tests
    workers = tasks.start_workers(app, workers=1)
    try:
        asset = services.queue_transcode(clip)
        db.session.commit()  # the message goes out on commit
        return _wait_for(asset.id, {"ready", "failed"})
    finally:
        workers.stop(graceful=True)


def test_huey_on_sqlite_runs_the_job(app, tiny_clip):
    assert type(app.extensions["media_queue"].huey).__name__ == "SqliteHuey"
    asset = _run_through_queue(app, tiny_clip)
    assert asset.status == "ready" and asset.attempts == 1
    assert [r.name for r in asset.renditions] == ["144p", "audio", "audio-aac"]


def test_huey_on_redis_runs_the_job(app, make_app, tiny_clip):
    redis_app = make_app(REDIS_URL=require_redis())
    assert type(redis_app.extensions["media_queue"].huey).__name__ == "RedisHuey"
    with redis_app.app_context():
        asset = _run_through_queue(redis_app, tiny_clip)
        assert asset.status == "ready" and asset.attempts == 1
        assert [r.name for r in asset.renditions] == ["144p", "audio", "audio-aac"]
        db.session.remove()


def _start_worker(app, log: Path) -> subprocess.Popen:
    config = app.config
    env = {
        **os.environ,
        "INSTANCE_PATH": str(Path(config["MEDIA_ROOT"]).parent / "worker-instance"),
        "DATABASE_URL": config["SQLALCHEMY_DATABASE_URI"],
        "HEADWAY_SECRET_KEY": config["SECRET_KEY"] + "-worker-process",
        "HEADWAY_MEDIA_ROOT": config["MEDIA_ROOT"],
        "HEADWAY_MEDIA_WORK_DIR": config["MEDIA_WORK_DIR"],
        "HEADWAY_MEDIA_QUEUE_PATH": config["MEDIA_QUEUE_PATH"],
        "HEADWAY_MEDIA_STALE_AFTER_S": "3",
        "HEADWAY_MEDIA_SWEEP_INTERVAL_S": "1",
        "HEADWAY_MEDIA_RETRY_BACKOFF_S": "0.5",
    }
    env.pop("REDIS_URL", None)
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "app:create_app", "media", "worker"],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _stop(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        worker.send_signal(signal.SIGINT)  # Huey's graceful stop
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()


def _ffmpeg_processes_for(path: Path) -> list[str]:
    listing = subprocess.run(["ps", "-eo", "pid,args"], capture_output=True, text=True).stdout
    return [line for line in listing.splitlines() if "ffmpeg" in line and str(path) in line]


def test_a_worker_killed_mid_transcode_is_replaced_and_publishes_exactly_once(app, tmp_path):
    clip = lavfi_clip(tmp_path / "lesson.mp4", size="640x360", seconds=10)
    log = tmp_path / "workers.log"
    app.extensions["media_queue"].huey.flush()
    asset = services.queue_transcode(clip)
    db.session.commit()
    work_root = Path(app.config["MEDIA_WORK_DIR"])

    first = _start_worker(app, log)
    try:
        claimed = _wait_for(asset.id, {"transcoding"}, timeout=60)
        time.sleep(1.0)  # well into ffmpeg's run
        assert claimed.attempts == 1
        half_done = list(work_root.glob(f"asset-{asset.id}-*"))
        assert len(half_done) == 1, "the first attempt is mid-way, working in its own folder"
        os.killpg(first.pid, signal.SIGKILL)
        first.wait()
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
    time.sleep(0.5)
    assert _ffmpeg_processes_for(half_done[0]) == [], "ffmpeg died with its worker"
    db.session.expire_all()
    assert db.session.get(MediaAsset, asset.id).status == "transcoding"  # nobody said otherwise

    second = _start_worker(app, log)
    try:
        done = _wait_for(asset.id, {"ready", "failed"}, timeout=120)
    finally:
        _stop(second)
    assert done.status == "ready", (done.error, done.error_detail, log.read_text()[-3000:])
    assert done.attempts == 2
    names = [r.name for r in done.renditions]
    assert names == ["144p", "240p", "360p", "audio", "audio-aac"]
    assert (
        db.session.scalar(
            select(func.count()).select_from(Rendition).where(Rendition.asset_id == asset.id)
        )
        == 5
    ), "exactly one set of renditions"
    stored = Path(app.config["MEDIA_ROOT"]) / done.key_prefix
    attempt_folders = [p.name for p in stored.iterdir() if p.is_dir()]
    assert attempt_folders == [done.job_token], "only the successful attempt's files exist"
    for rendition in done.renditions:
        assert services.storage().size(rendition.storage_key) == rendition.bytes
    assert not list(work_root.glob(f"asset-{asset.id}-*")), "the dead attempt's folder is cleaned"
