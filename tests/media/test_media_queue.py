"""The real queue: Huey on SQLite and on Redis, and a worker killed in the middle of a job."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

from sqlalchemy import func, select

from app import jobs
from app.extensions import db
from app.media import services
from app.media.models import MediaAsset, Rendition
from tests.media_pipeline.conftest import lavfi_clip
from tests.services import require_redis

ROOT = Path(__file__).resolve().parents[2]


def _wait_for(
    asset_id: int, statuses: set[str], timeout: float = 90, min_progress: float = 0
) -> MediaAsset:
    """Poll until the asset reaches one of ``statuses`` (and ``min_progress``); the timeout
    only ends a test that is already failing."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.expire_all()
        asset = db.session.get(MediaAsset, asset_id)
        db.session.rollback()  # see other processes' commits on the next read
        if asset.status in statuses and asset.progress >= min_progress:
            return asset
        time.sleep(0.2)
    raise AssertionError(f"asset {asset_id} still {asset.status} after {timeout} s")


def _wait_until_gone(path: Path, timeout: float = 30) -> list[str]:
    """The ffmpeg processes working in ``path``, once none are left (or the timeout passes)."""
    deadline = time.monotonic() + timeout
    while (left := _ffmpeg_processes_for(path)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


def _run_through_queue(app, clip: Path) -> MediaAsset:
    media_queue = app.extensions["jobs"]
    media_queue.huey.flush()  # nothing left over from other tests
    workers = jobs.start_workers(app, workers=1)
    try:
        asset = services.queue_transcode(clip)
        db.session.commit()  # the message goes out on commit
        return _wait_for(asset.id, {"ready", "failed"})
    finally:
        workers.stop()


def test_huey_on_sqlite_runs_the_job(app, tiny_clip):
    assert type(app.extensions["jobs"].huey).__name__ == "SqliteHuey"
    asset = _run_through_queue(app, tiny_clip)
    assert asset.status == "ready" and asset.attempts == 1
    assert [r.name for r in asset.renditions] == ["144p", "audio", "audio-aac"]


def test_huey_on_redis_runs_the_job(app, make_app, tiny_clip):
    # A queue of its own: another run of the suite may share this Redis.
    queue = f"headway-media-test-{uuid.uuid4().hex[:8]}"
    redis_app = make_app(REDIS_URL=require_redis(), JOBS_QUEUE_NAME=queue)
    assert type(redis_app.extensions["jobs"].huey).__name__ == "RedisHuey"
    with redis_app.app_context():
        asset = _run_through_queue(redis_app, tiny_clip)
        assert asset.status == "ready" and asset.attempts == 1
        assert [r.name for r in asset.renditions] == ["144p", "audio", "audio-aac"]
        db.session.remove()


def _worker_env(app) -> dict[str, str]:
    """Another process on this test's database, storage and queue."""
    config = app.config
    env = {
        **os.environ,
        "INSTANCE_PATH": str(Path(config["MEDIA_ROOT"]).parent / "worker-instance"),
        "DATABASE_URL": config["SQLALCHEMY_DATABASE_URI"],
        "HEADWAY_SECRET_KEY": config["SECRET_KEY"] + "-worker-process",
        "HEADWAY_MEDIA_ROOT": config["MEDIA_ROOT"],
        "HEADWAY_MEDIA_WORK_DIR": config["MEDIA_WORK_DIR"],
        "HEADWAY_JOBS_QUEUE_PATH": config["JOBS_QUEUE_PATH"],
        "HEADWAY_MEDIA_STALE_AFTER_S": "3",
        "HEADWAY_MEDIA_SWEEP_INTERVAL_S": "1",
        "HEADWAY_MEDIA_RETRY_BACKOFF_S": "0.5",
    }
    env.pop("REDIS_URL", None)
    return env


def _start_worker(app, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "app:create_app", "media", "worker"],
        cwd=ROOT,
        env=_worker_env(app),
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
    app.extensions["jobs"].huey.flush()
    asset = services.queue_transcode(clip)
    db.session.commit()
    work_root = Path(app.config["MEDIA_WORK_DIR"])

    first = _start_worker(app, log)
    try:
        claimed = _wait_for(asset.id, {"transcoding"}, timeout=60, min_progress=1)
        assert claimed.attempts == 1
        half_done = list(work_root.glob(f"asset-{asset.id}-*"))
        assert len(half_done) == 1, "the first attempt is mid-way, working in its own folder"
        os.killpg(first.pid, signal.SIGKILL)
        first.wait()
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
    assert _wait_until_gone(half_done[0]) == [], "ffmpeg died with its worker"
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


def test_stopping_the_workers_hands_a_running_job_back(app, tmp_path):
    """A deploy or Ctrl-C mid-transcode: ffmpeg stops, the asset is back in the queue as it
    was (the attempt is not counted), and the next workers finish it."""
    clip = lavfi_clip(tmp_path / "lesson.mp4", size="640x360", seconds=10)
    app.extensions["jobs"].huey.flush()
    work_root = Path(app.config["MEDIA_WORK_DIR"])
    workers = jobs.start_workers(app, workers=1)
    try:
        asset = services.accept_upload(clip)
        _wait_for(asset.id, {"transcoding"}, timeout=60, min_progress=1)
        working = list(work_root.glob(f"asset-{asset.id}-*"))
    finally:
        workers.stop()
    assert not workers.consumer.worker_threads[0][1].is_alive(), "stop() returns when done"
    assert workers.loops and not any(loop.is_alive() for loop in workers.loops)
    assert len(working) == 1 and _wait_until_gone(working[0]) == []
    assert not working[0].exists(), "the attempt's folder is cleaned"
    handed_back = _wait_for(asset.id, {"uploaded"}, timeout=1)
    assert (handed_back.attempts, handed_back.progress) == (0, 0.0)

    workers = jobs.start_workers(app, workers=1)  # the queue still holds its message
    try:
        done = _wait_for(asset.id, {"ready", "failed"})
    finally:
        workers.stop()
    assert (done.status, done.attempts) == ("ready", 1), done.error_detail
    stored = Path(app.config["MEDIA_ROOT"]) / done.key_prefix
    assert [p.name for p in stored.iterdir() if p.is_dir()] == [done.job_token]


def test_the_served_app_runs_its_workers_and_hands_back_on_shutdown(app, tmp_path):
    """``gunicorn wsgi:app`` as ``make run`` starts it (gevent, ``app/gunicorn.conf.py``): the
    entry point starts the in-process workers, and SIGTERM (a deploy, Ctrl-C) hands the running job back before the process
    ends."""
    clip = lavfi_clip(
        tmp_path / "lesson.mp4", size="640x360", seconds=60
    )  # long enough to be mid-job at SIGTERM
    app.extensions["jobs"].huey.flush()
    asset = services.accept_upload(clip)
    log = tmp_path / "gunicorn.log"
    env = {**_worker_env(app), "HEADWAY_INPROCESS_WORKER": "1"}
    server = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "--config", "app/gunicorn.conf.py"),
            *("--bind", "127.0.0.1:0", "--workers", "1", "wsgi:app"),
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        _wait_for(asset.id, {"transcoding"}, timeout=60, min_progress=1)
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=60) == 0, log.read_text()[-3000:]
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    handed_back = _wait_for(asset.id, {"uploaded"}, timeout=1)
    assert handed_back.attempts == 0, log.read_text()[-3000:]
