"""Language and time zone: the person's setting, then their browser's, then English."""

from __future__ import annotations

from flask import current_app, has_request_context, request, session
from flask_babel import get_locale
from flask_login import current_user


def select_locale() -> str:
    """Outside a request (a command, a job) there is no reader: the default language."""
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    languages = current_app.config["LANGUAGES"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    if session.get("locale") in languages:
        return session["locale"]
    return (
        request.accept_languages.best_match(list(languages))
        or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def select_timezone() -> str | None:
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user.timezone
    return None


def current_language() -> str:
    return str(get_locale() or "en")
