"""gunicorn's settings for Headway: `gunicorn --config app/gunicorn.conf.py wsgi:app`, as
`make run` does.

The access log records each request's path but never its query string. An invitation link
carries its one-time token in the query string (`/invitation?token=…`, see
`app/accounts/routes.py`), and the log is read by more people, and kept longer, than the
token should be. So the request line is `%(m)s %(U)s %(H)s` (method, path, protocol)
instead of gunicorn's default `%(r)s`, the raw line with the query. The Referer (`%(f)s`)
stays: the token's URL only ever answers with a redirect, so no page that could be a
Referer has it. A proxy in front of gunicorn keeps its own log and must leave query
strings out too (nginx: log `$uri`, not `$request`).
"""

import os
import resource
import shutil
import tempfile
from pathlib import Path

from gunicorn import glogging

access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(f)s" "%(a)s"'


class AccessLog(glogging.Logger):
    """gunicorn's logger, making only the atoms ``access_log_format`` writes. gunicorn's own
    makes one for every request header, response header and WSGI environ variable, about
    60 a request, for the format to read nine (py-spy: 3 % of a position save's CPU)."""

    def atoms(self, resp, req, environ, request_time):
        status = resp.status
        if isinstance(status, str):
            status = status.split(None, 1)[0]
        sent = getattr(resp, "sent", None)
        return {
            "h": environ.get("REMOTE_ADDR", "-"),
            "l": "-",
            "u": self._get_user(environ) or "-",
            "t": self.now(),
            "m": environ.get("REQUEST_METHOD"),
            "U": environ.get("PATH_INFO"),
            "H": environ.get("SERVER_PROTOCOL"),
            "s": status,
            "b": str(sent) if sent is not None else "-",
            "f": environ.get("HTTP_REFERER", "-"),
            "a": environ.get("HTTP_USER_AGENT", "-"),
        }


logger_class = AccessLog

# Every phone on 2G is a slow client: its request and our answer each take seconds to cross
# the air. A threaded worker gives each connection a thread for as long as its request takes
# to arrive, so a dozen such phones stalled everyone (measured: 100 connections sending a byte
# every 0.5 s held a normal request for 27 s). gevent gives each connection a greenlet
# instead, thousands per process, and the database (psycopg 3 detects gevent's patching),
# Redis, S3 and the in-process media workers all wait cooperatively. Measured with
# benchmarks/slow_clients.py; the figures are in the README ("Serving a country").
worker_class = "gevent"
# Connections one process holds at once. A phone keeps its connection open between taps (see
# keepalive), so this counts phones, not requests; each needs a file descriptor.
worker_connections = max(100, min(4000, resource.getrlimit(resource.RLIMIT_NOFILE)[0] - 200))
# How long a request's headers may take to arrive (for gevent, gunicorn's keep-alive
# timeout bounds reading each request, the first included), and how long an idle
# connection is kept: a 2G phone needs seconds, not gunicorn's default 2.
keepalive = 60
# SIGTERM: requests in flight get this long to finish; the media workers hand their running
# jobs back at exit (wsgi.py).
graceful_timeout = 30
# gunicorn's control socket is one path per user: several gunicorns on one machine (two web
# processes, as the reference deployment runs) would take it from each other. Unused here.
control_socket_disable = True


def _metrics_folder() -> Path:
    """prometheus-client's multiprocess mode: each process writes its samples to files here
    and /metrics adds them up. Set before any worker imports prometheus_client."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not folder:
        folder = tempfile.mkdtemp(prefix="headway-metrics-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = folder
    return Path(folder)


def on_starting(server) -> None:
    """Start from an empty metrics folder: the files of a previous run's processes would be
    counted again."""
    folder = _metrics_folder()
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)


def child_exit(server, worker) -> None:
    """A worker that ended stops counting in the live gauges."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
