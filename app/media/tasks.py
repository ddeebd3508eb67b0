"""The media job queue: Huey on SQLite by default, on Redis when ``REDIS_URL`` is set.

Huey only carries "transcode asset N" messages; the database decides what actually happens
(see :mod:`app.media.services`). That is why a lost message, a duplicate or a worker killed
mid-job are all harmless: the sweeper finds assets whose heartbeat went stale or that were
never picked up, and queues them again.

Workers run as threads inside the web process when ``INPROCESS_WORKER`` is set (``make run``):
the serving entry point (``wsgi.py``) starts them with :func:`start_workers` and stops them at
exit. ``flask media worker`` runs them in a process of their own, on as many machines as
needed. Either way, stopping hands a running job back to the queue instead of losing it.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask, current_app
from huey import RedisHuey, SqliteHuey
from huey.api import Huey, TaskWrapper
from huey.consumer import Consumer

from .services import run_transcode, sweep_stale_jobs

log = logging.getLogger(__name__)


@dataclass
class MediaQueue:
    """The app's Huey instance and the tasks registered on it."""

    huey: Huey
    transcode: TaskWrapper
    #: Set while this process's workers stop: a running job hands its asset back.
    stopping: threading.Event = field(default_factory=threading.Event)

    def enqueue_transcode(self, asset_id: int, delay_s: float = 0) -> None:
        if delay_s > 0:
            self.transcode.schedule(args=(asset_id,), delay=delay_s)
        else:
            self.transcode(asset_id)


def create_queue(app: Flask) -> MediaQueue:
    redis_url = app.config["REDIS_URL"]
    name = app.config["MEDIA_QUEUE_NAME"]
    if redis_url:
        huey: Huey = RedisHuey(name, url=redis_url, results=False, utc=True)
    else:
        path = Path(app.config["MEDIA_QUEUE_PATH"])
        path.parent.mkdir(parents=True, exist_ok=True)
        huey = SqliteHuey(name, filename=str(path), results=False, utc=True)

    @huey.task(name="media.transcode")
    def transcode(asset_id: int) -> None:
        with app.app_context():
            run_transcode(asset_id)

    return MediaQueue(huey=huey, transcode=transcode)


def queue() -> MediaQueue:
    return current_app.extensions["media_queue"]


class _HandingBackConsumer(Consumer):
    """Stopping, however asked (Ctrl-C, SIGTERM, :meth:`Workers.stop`), first tells running
    jobs to hand their assets back, then waits for them to do so: within a second or two,
    not a whole transcode."""

    def __init__(self, media_queue: MediaQueue, **options) -> None:
        super().__init__(media_queue.huey, **options)
        self.stopping = media_queue.stopping
        self.stopping.clear()

    def stop(self, graceful: bool = False) -> None:
        self.stopping.set()
        try:
            super().stop(graceful=True)
        finally:
            self.stopping.clear()  # every job has handed back; the app may run jobs again


class _ThreadConsumer(_HandingBackConsumer):
    """A consumer that can start from any thread: signals belong to the web server."""

    def _set_signal_handlers(self) -> None:
        pass


class Sweeper(threading.Thread):
    """Every ``interval`` seconds, requeue jobs whose worker died and jobs never picked up."""

    def __init__(self, app: Flask, interval: float) -> None:
        super().__init__(name="media-sweeper", daemon=True)
        self.app = app
        self.interval = interval
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                with self.app.app_context():
                    sweep_stale_jobs()
            except Exception:  # a database blip must not end the sweeper
                log.exception("media sweep failed")
            self.stopped.wait(self.interval)

    def stop(self) -> None:
        self.stopped.set()
        self.join()


@dataclass
class Workers:
    consumer: Consumer
    sweeper: Sweeper

    def stop(self) -> None:
        """Stop sweeping, hand running jobs back, and return once every thread has ended."""
        self.sweeper.stop()
        self.consumer.stop()


def _consumer(
    consumer_class: type[_HandingBackConsumer], app: Flask, workers: int | None
) -> _HandingBackConsumer:
    """A thread-pool consumer of the app's queue, polling every 0.1-1 s."""
    return consumer_class(
        app.extensions["media_queue"],
        workers=workers or app.config["MEDIA_WORKERS"],
        worker_type="thread",
        # Other areas' sweeps ride on this queue as periodic tasks (coaching's reminders).
        periodic=True,
        initial_delay=0.1,
        max_delay=1.0,
    )


def start_workers(app: Flask, workers: int | None = None) -> Workers:
    """Worker threads (and the sweeper) in this process, without blocking it."""
    consumer = _consumer(_ThreadConsumer, app, workers)
    consumer.start()
    sweeper = Sweeper(app, app.config["MEDIA_SWEEP_INTERVAL_S"])
    sweeper.start()
    log.info("media workers started in this process (%s)", type(consumer.huey).__name__)
    return Workers(consumer, sweeper)


def run_worker(app: Flask, workers: int | None = None) -> None:
    """Block running a consumer (``flask media worker``): Ctrl-C or SIGTERM stops it."""
    sweeper = Sweeper(app, app.config["MEDIA_SWEEP_INTERVAL_S"])
    sweeper.start()
    consumer = _consumer(_HandingBackConsumer, app, workers)
    try:
        consumer.run()
    finally:
        sweeper.stop()


def periodic(app: Flask, schedule, name: str, function) -> TaskWrapper | None:
    """``function()`` in an app context on ``schedule`` (a huey ``crontab``), run by the app's
    job queue: its consumers run periodic tasks, so each one enqueues it (other areas' sweeps
    must therefore be harmless twice). None in an app without a queue."""
    queue = app.extensions.get("media_queue")
    if queue is None:
        return None

    @queue.huey.periodic_task(schedule, name=name)
    def task() -> None:
        with app.app_context():
            function()

    return task
