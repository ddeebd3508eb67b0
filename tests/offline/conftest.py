"""Fixtures for offline use: a lesson around an asset run through the real media job."""

from __future__ import annotations

from tests.media.conftest import lesson_for  # noqa: F401  (a fixture)
