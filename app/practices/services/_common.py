"""What the practices services share: their error, the folded text the search reads, and
the author's name as a page shows it."""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext

from app.errors import N_, ServiceError

__all__ = ["N_", "PracticeError", "author_name", "fold", "practice_path"]


class PracticeError(ServiceError):
    """Something about a practice, its review or a try that a person can put right."""


def fold(text: str) -> str:
    """Text as the search compares it: lower case without accents ("Élèves" → "eleves"),
    so a French reader finds "eleve" and "élève" alike; Swahili and English pass through
    lower-cased. Done in Python because SQLite's lower() knows only ASCII."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def author_name(name: str | None) -> str:
    """An author whose data was erased, or who left their practices credited, is "a former
    member" (as the groups' posts are)."""
    return name or gettext("a former member")


def practice_path(practice_id: int) -> str:
    """The practice's path, built without a request (a notification from a job or test)."""
    script_name = urlsplit(current_app.config["PUBLIC_URL"]).path or "/"
    adapter = current_app.url_map.bind("localhost", script_name=script_name)
    return adapter.build("practices.show_practice", {"practice_id": practice_id})
