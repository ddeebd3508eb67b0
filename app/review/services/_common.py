"""What the review's services share: their error, and the settings a leader has."""

from __future__ import annotations

from datetime import datetime

from app.db import utcnow
from app.errors import ServiceError


def clock() -> datetime:
    """The review's "now" for routes, the Learn card and jobs (services take it as an
    argument); tests move it by replacing ``utcnow`` here."""
    return utcnow()


class ReviewError(ServiceError):
    """A review refused: the question is not one the leader learned, or not open to them."""


def question_language(question, wanted: str) -> str:
    """``wanted`` where the question is written in it, else its course's own language."""
    return wanted if wanted in question.languages else question.original_language
