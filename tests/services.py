"""Which real services and tools a test needs, and what happens when one is missing.

Locally a missing tool skips the test with the reason; in CI (``CI=true``) it fails,
so a green CI run always means the test really ran.
"""

from __future__ import annotations

import os
import shutil
import socket
from urllib.parse import urlsplit

import pytest

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def missing(reason: str) -> None:
    """Skip locally, fail in CI."""
    if IN_CI:
        pytest.fail(f"CI needs this, but it is missing: {reason}", pytrace=False)
    pytest.skip(reason)


def require_executable(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        missing(f"`{name}` is not on PATH (apt-get install {name})")
    return path


def require_port(host: str, port: int, what: str) -> None:
    try:
        with socket.create_connection((host, port), timeout=1):
            return
    except OSError:
        missing(f"{what} is not listening on {host}:{port}")


def require_ffmpeg() -> None:
    require_executable("ffmpeg")
    require_executable("ffprobe")


def require_redis() -> str:
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    address = urlsplit(url)
    require_port(address.hostname or "127.0.0.1", address.port or 6379, "Redis")
    return url


def require_chromium() -> str:
    path = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    if not os.path.exists(path):
        missing(f"Chromium is not at {path} (apt-get install chromium)")
    return path
