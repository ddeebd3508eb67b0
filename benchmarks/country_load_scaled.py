"""The README's scaled-out layout for ``benchmarks/country_load.py --layout scaled``: a
fresh PostgreSQL database with the country made in it (``benchmarks/country.py
--database-url``; its scale flags through ``--country``), nginx with
``app/deploy/nginx.conf`` in front of two gunicorn web processes (``--worker-connections
50``, no in-process workers), one ``flask media worker`` process for the jobs, Redis for
the queue and rate limits, media in the instance folder (not S3).

The CPU meter adds up, from ``/proc``: the web processes (arbiters and workers), the job
worker, nginx, and the PostgreSQL backends serving this database (their command line
names it); PostgreSQL's own background processes, shared with the machine's other
databases, are not counted."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

from benchmarks.country_load import (
    ROOT,
    cpu_seconds,
    read_country,
    server_pids,
    wait_until_answering,
)
from benchmarks.load import REDIS, base_env, fresh_postgresql, start_nginx


def backends(database: str) -> list[int]:
    """The PostgreSQL backends connected to ``database``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
            except OSError:
                continue
            if command.startswith(b"postgres:") and f" {database} ".encode() in command:
                found.append(int(entry.name))
    return found


def _country(url: str, scale: str):
    from sqlalchemy import create_engine, text

    flags = [f"--{part.replace('=', ' ')}".split() for part in scale.split()]
    command = [sys.executable, "-m", "benchmarks.country", "--database-url", url]
    command += [word for flag in flags for word in flag]
    print("Making the country in PostgreSQL …", flush=True)
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as conn:
            return read_country(lambda sql: conn.execute(text(sql)).all())
    finally:
        engine.dispose()


@contextlib.contextmanager
def scaled_layout(args):
    from tests.ops import processes

    tmp = Path(tempfile.mkdtemp(prefix="headway-country-load-scaled-"))
    log = tmp / "server.log"
    with fresh_postgresql() as url:
        country = _country(url, args.country)
        env = {**base_env(tmp / "instance"), "DATABASE_URL": url, "REDIS_URL": REDIS}
        env["HEADWAY_RATELIMIT_KEY_PREFIX"] = f"country-{uuid.uuid4().hex[:8]}"
        env["HEADWAY_MEDIA_QUEUE_NAME"] = env["HEADWAY_RATELIMIT_KEY_PREFIX"]
        env["HEADWAY_TRUSTED_PROXIES"] = "1"
        ports = [processes.free_port() for _ in range(2)]
        servers = [
            processes.gunicorn(port, env, log, extra=processes.BEHIND_FRONT) for port in ports
        ]
        worker = processes.media_worker(env, log)
        front = prefix = None
        try:
            for port, server in zip(ports, servers, strict=True):
                processes.wait_until_answering(f"http://127.0.0.1:{port}/healthz", server, log)
            front, prefix, front_port = start_nginx(ports, env, log)
            wait_until_answering(front_port, front, log)
            database = url.rsplit("/", 1)[1]

            def meter() -> float:
                pids = [pid for server in servers for pid in server_pids(server.pid)]
                pids += server_pids(worker.pid) + server_pids(front.pid) + backends(database)
                return cpu_seconds(pids)

            print(f"load average before: {' '.join(f'{n:.2f}' for n in os.getloadavg())}")
            label = "scaled out: nginx, two web processes, a job worker, PostgreSQL, Redis"
            yield front_port, meter, country, log, label
        finally:
            for process in [front, *servers, worker]:
                if process is not None:
                    processes.stop(process, timeout=10)
            if prefix:
                shutil.rmtree(prefix, ignore_errors=True)
