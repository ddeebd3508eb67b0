"""The app's job queue: Huey on SQLite by default, on Redis when ``REDIS_URL`` is set.

Every area puts its work that grows with the data here (transcodes, imports, reports,
digests, reminders), never on a request. An area declares its jobs where it keeps them
(``app/<area>/tasks.py``), at import time::

    from app import jobs

    @jobs.task("programmes.import_leaders", first=True)
    def import_leaders(batch_id: int) -> None: ...

    @jobs.periodic("coaching.remind", jobs.every(minutes=15))
    def remind() -> None: ...

and sends one by name once its transaction commits, so a worker never looks for a row that
is not there yet::

    jobs.enqueue_after_commit("programmes.import_leaders", batch.id)

A message only names rows; the job reloads them and the database decides what happens, so
a lost message, a duplicate or a worker killed mid-job are harmless (each area's sweep
finds work whose message went missing). Jobs run in an app context; a periodic job runs on
every consumer that reads the schedule, so it must be harmless twice.

Workers run as threads inside the web process when ``INPROCESS_WORKER`` is set
(``make run``: :func:`start_workers` from ``wsgi.py``), or in processes of their own
(``flask jobs worker``, on as many machines as needed). Either way, stopping tells running
jobs (:func:`stopping`) so that they hand their work back instead of losing it. Areas that
need a loop finer than a minute (media's sweeper) register one with :func:`loop`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from huey import RedisHuey, SqliteHuey, crontab
from huey.api import Huey, TaskWrapper
from huey.consumer import Consumer
from sqlalchemy import event

from app.extensions import db
from app.logs import log_event

log = logging.getLogger(__name__)

#: What Huey runs first on SQLite (higher first; plain jobs have 0). Redis's plain list has
#: no priorities, and its storage refuses one, so there every job waits its turn.
FIRST = 10


@dataclass(frozen=True)
class _Job:
    function: Callable[..., Any]
    first: bool


@dataclass(frozen=True)
class _Periodic:
    function: Callable[[], Any]
    schedule: Any  # a huey crontab, or an every() resolved against the app's settings


@dataclass(frozen=True)
class _Loop:
    function: Callable[[], Any]
    interval_setting: str


_JOBS: dict[str, _Job] = {}
_PERIODIC: dict[str, _Periodic] = {}
_LOOPS: dict[str, _Loop] = {}
_NOT_QUEUED = "jobs_not_queued"  # session.info key: messages the queue refused


def task(name: str, *, first: bool = False):
    """Declare ``function(*args)`` as the job ``name`` (``area.verb``); ``first`` puts it
    ahead of the jobs waiting on SQLite (a job a person watches, never a transcode).
    Returns the function unchanged: calling it runs it here."""

    def declare(function):
        _declare(_JOBS, name, _Job(function, first))
        return function

    return declare


def periodic(name: str, schedule: Callable):
    """Declare ``function()`` to run on ``schedule`` (:func:`every`, or a huey ``crontab``)."""

    def declare(function):
        _declare(_PERIODIC, name, _Periodic(function, schedule))
        return function

    return declare


def loop(name: str, interval_setting: str):
    """Declare ``function()`` to run in a thread beside each consumer, every
    ``app.config[interval_setting]`` seconds (for work due more often than once a minute)."""

    def declare(function):
        _declare(_LOOPS, name, _Loop(function, interval_setting))
        return function

    return declare


@dataclass(frozen=True)
class _Every:
    minutes: int = 0
    hours: int = 0
    at_minute: int = 0
    minutes_setting: str | None = None

    def schedule(self, config) -> Callable:
        minutes = int(config[self.minutes_setting]) if self.minutes_setting else self.minutes
        if minutes:
            return crontab(minute=f"*/{minutes}")
        return crontab(minute=str(self.at_minute), hour=f"*/{self.hours}")


def every(
    *, minutes: int = 0, hours: int = 0, at_minute: int = 0, minutes_setting: str | None = None
) -> _Every:
    """A schedule: every ``minutes`` minutes (or as many as ``app.config[minutes_setting]``
    says), or every ``hours`` hours at ``at_minute`` past."""
    if not (minutes or hours or minutes_setting):
        raise ValueError("every() needs minutes, hours or minutes_setting")
    return _Every(minutes, hours, at_minute, minutes_setting)


def _declare(registry: dict, name: str, entry) -> None:
    existing = registry.get(name)
    if existing is not None and existing.function is not entry.function:
        raise ValueError(f"two jobs are named {name!r}")
    registry[name] = entry


@dataclass
class Queue:
    """The app's Huey instance and its jobs by name."""

    huey: Huey
    jobs: dict[str, TaskWrapper]
    #: Set while this process's workers stop: a running job hands its work back.
    stopping: threading.Event = field(default_factory=threading.Event)


def init_app(app: Flask) -> None:
    """The queue for ``app`` with every job declared so far (areas declare theirs when
    imported, before ``create_app`` runs this)."""
    redis_url = app.config["REDIS_URL"]
    name = app.config["JOBS_QUEUE_NAME"]
    if redis_url:
        huey: Huey = RedisHuey(name, url=redis_url, results=False, utc=True)
    else:
        path = Path(app.config["JOBS_QUEUE_PATH"])
        path.parent.mkdir(parents=True, exist_ok=True)
        huey = SqliteHuey(name, filename=str(path), results=False, utc=True)
    with_priorities = isinstance(huey, SqliteHuey)
    wrappers = {}
    for job_name, job in _JOBS.items():
        priority = FIRST if job.first and with_priorities else None
        wrappers[job_name] = huey.task(name=job_name, priority=priority)(
            _in_app_context(app, job.function)
        )
    for job_name, job in _PERIODIC.items():
        schedule = job.schedule
        if isinstance(schedule, _Every):
            schedule = schedule.schedule(app.config)
        wrappers[job_name] = huey.periodic_task(schedule, name=job_name)(
            _in_app_context(app, job.function)
        )
    app.extensions["jobs"] = Queue(huey=huey, jobs=wrappers)
    app.cli.add_command(cli)


def _in_app_context(app: Flask, function: Callable) -> Callable:
    def run(*args):
        with app.app_context():
            return function(*args)

    run.__name__ = function.__name__
    return run


def queue(app: Flask | None = None) -> Queue:
    return (app or current_app).extensions["jobs"]


def stopping() -> threading.Event:
    """Set while this process's workers stop: a long job checks it and hands back."""
    return queue().stopping


def enqueue(name: str, *args, delay_s: float = 0) -> None:
    """Send the job ``name`` now (after ``delay_s`` seconds, if given)."""
    wrapper = queue().jobs[name]
    if delay_s > 0:
        wrapper.schedule(args=args, delay=delay_s)
    else:
        wrapper(*args)


def enqueue_after_commit(name: str, *args, delay_s: float = 0) -> None:
    """Send the job once this session's transaction commits (never if it rolls back).
    Should the queue be unreachable then (Redis stopped, the SQLite queue's disk full), the
    work is safe in the database, waiting for the area's sweep to send it again: a log line
    says so, and :func:`refused` tells the caller meanwhile."""
    queue().jobs[name]  # an unknown name fails here, in the request, not after the commit
    app = current_app._get_current_object()
    session = db.session()

    @event.listens_for(session, "after_commit", once=True)
    def _send(_session) -> None:
        try:
            with app.app_context():
                enqueue(name, *args, delay_s=delay_s)
        except Exception as error:  # noqa: BLE001 - whatever the queue's trouble, the sweep resends
            session.info.setdefault(_NOT_QUEUED, {})[(name, args)] = error
            log_event(
                "job_not_queued",
                logging.WARNING,
                job=name,
                args=list(args),
                error=f"{type(error).__name__}: {error}"[:300],
                then="the area's sweep sends it again once the queue is back",
            )


def refused(name: str, *args) -> Exception | None:
    """Why the queue refused this job's message at the last commit, or None if it took it."""
    return db.session().info.get(_NOT_QUEUED, {}).pop((name, args), None)


# Workers -------------------------------------------------------------------------------


class _HandingBackConsumer(Consumer):
    """Stopping, however asked (Ctrl-C, SIGTERM, :meth:`Workers.stop`), first tells running
    jobs to hand their work back, then waits for them to do so: within a second or two,
    not a whole transcode."""

    def __init__(self, jobs_queue: Queue, **options) -> None:
        super().__init__(jobs_queue.huey, **options)
        self.stopping = jobs_queue.stopping
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


class _LoopThread(threading.Thread):
    """One declared :func:`loop`, every ``interval`` seconds until stopped."""

    def __init__(self, app: Flask, name: str, loop_: _Loop) -> None:
        super().__init__(name=name, daemon=True)
        self.app = app
        self.loop = loop_
        self.interval = float(app.config[loop_.interval_setting])
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                with self.app.app_context():
                    self.loop.function()
            except Exception:  # a database blip must not end the loop
                log.exception("%s failed", self.name)
            self.stopped.wait(self.interval)

    def stop(self) -> None:
        self.stopped.set()
        self.join()


@dataclass
class Workers:
    consumer: Consumer
    loops: list[_LoopThread]

    def stop(self) -> None:
        """Stop the loops, hand running jobs back, and return once every thread has ended."""
        for thread in self.loops:
            thread.stop()
        self.consumer.stop()


def _consumer(consumer_class: type[_HandingBackConsumer], app: Flask, workers: int | None):
    """A thread-pool consumer of the app's queue, polling every 0.1-1 s."""
    return consumer_class(
        queue(app),
        workers=workers or app.config["JOBS_WORKERS"],
        worker_type="thread",
        periodic=True,
        initial_delay=0.1,
        max_delay=1.0,
    )


def _start_loops(app: Flask) -> list[_LoopThread]:
    threads = [_LoopThread(app, name, loop_) for name, loop_ in _LOOPS.items()]
    for thread in threads:
        thread.start()
    return threads


def start_workers(app: Flask, workers: int | None = None) -> Workers:
    """Worker threads (and the declared loops) in this process, without blocking it."""
    consumer = _consumer(_ThreadConsumer, app, workers)
    consumer.start()
    loops = _start_loops(app)
    log.info("job workers started in this process (%s)", type(consumer.huey).__name__)
    return Workers(consumer, loops)


def run_worker(app: Flask, workers: int | None = None) -> None:
    """Block running a consumer (``flask jobs worker``): Ctrl-C or SIGTERM stops it."""
    loops = _start_loops(app)
    consumer = _consumer(_HandingBackConsumer, app, workers)
    try:
        consumer.run()
    finally:
        for thread in loops:
            thread.stop()


cli = AppGroup("jobs", help="The app's job queue.")


@cli.command("worker")
@click.option("--workers", type=int, help="Jobs at once (default: JOBS_WORKERS).")
def worker_command(workers: int | None) -> None:
    """Run job workers in this process until stopped (Ctrl-C, SIGTERM)."""
    app = current_app._get_current_object()
    queue_kind = "Redis" if app.config["REDIS_URL"] else "SQLite"
    click.echo(f"Job worker on the {queue_kind} queue; Ctrl-C stops it.")
    run_worker(app, workers)
