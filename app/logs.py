"""Structured logs: one JSON object a line on stderr, the server's output — for sign-ins,
invitations, jobs, outages and errors.

``log_event("name", **fields)`` writes an event of ours. Modules that log with
``logging.getLogger(__name__)`` and the libraries that report an outage of what they talk
to (the rate limiter's Redis, the job queue) go out through the same handler. Under
gunicorn nothing else would carry them: gunicorn configures only its own loggers, so a
record of ``app.…`` reached the root logger, which has no handler, and Python's last resort
printed WARNING and above as bare text and dropped INFO.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

logger = logging.getLogger("headway")


class JSONFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "event": record.getMessage(),
            **getattr(record, "fields", {}),
        }
        if record.name != logger.name:
            entry["logger"] = record.name
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is now (a test may have replaced it)."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        pass


def log_event(event: str, level: int = logging.INFO, exc_info: bool = False, **fields) -> None:
    """One line: ``event`` and ``fields``, and the exception being handled if ``exc_info``."""
    logger.log(level, event, extra={"fields": fields}, exc_info=exc_info)


#: The loggers written as JSON lines, and the level each starts at (None: ``LOG_LEVEL``).
#: huey logs two INFO lines for every task it runs; the job's own outcome line says more.
LOGGERS = {"headway": None, "app": None, "media_pipeline": None, "flask-limiter": None}
LOGGERS |= {"huey": "WARNING"}


def init_app(app) -> None:
    for name, level in LOGGERS.items():
        named = logging.getLogger(name)
        if not any(isinstance(h.formatter, JSONFormatter) for h in named.handlers):
            handler = StderrHandler()
            handler.setFormatter(JSONFormatter())
            named.addHandler(handler)
        named.setLevel(level or app.config["LOG_LEVEL"])
        named.propagate = False
