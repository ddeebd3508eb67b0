"""What the review's services share: their error, and the settings a leader has."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime

from flask import current_app

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


def answer_key(user_id: int, question_id: int, reviews: int) -> str:
    """The key of the leader's next answer to a question (``app/form_keys.py``), the same
    wherever it is drawn: the page, the phone's offline copy, a second phone. It names the
    review (the question's ``reviews`` so far, the quick check being the first), so a double
    tap, a replay from the queue or the same copy answered on two phones counts once, and
    the next review has a new key."""
    message = f"review.answer:{user_id}:{question_id}:{reviews}".encode()
    digest = hmac.new(current_app.secret_key.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode()
