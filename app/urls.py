"""URLs in and out: the converters every route's variables go through, and links that leave
the app.

``<int:…>`` in Headway's routes is always a row's id. Werkzeug's own converter takes any
run of Unicode digits of any length, and a number past the id column's range makes the
database fail (SQLite cannot bind it, PostgreSQL's ``integer`` overflows): a 500 for a
page that simply does not exist. Here an id is 1 to 10 ASCII digits within the range of
the ``Integer`` column every table uses for its ids; anything else is a 404. Text in a URL
(``<slug>``, ``<path:…>``) never holds a NUL character (``%00``), which no text column can
hold either: such a URL is a 404 too.

An id in a query string (``?before=…``, ``?cohort=…``) or a form is read the same way, by
:func:`row_id`: :func:`id_arg` (``request.args.get(name, default, type=row_id)``), or
``app.forms.IdField`` and ``coerce=row_id`` in a form. Python's ``int()`` alone would take
``²``'s neighbours ``١٢``, a sign, spaces and any length, and ``"²".isdigit()`` is true while
``int("²")`` fails: each was a 500 somewhere.

Links that leave the app, in an SMS, an email or a terminal, are absolute, built from the
configured ``PUBLIC_URL`` and never from the request. A request's Host header is whatever
the sender wrote, so a link built from it could send an invitee, and their one-time
token, to someone else's site.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, current_app, request
from werkzeug.routing import IntegerConverter, PathConverter, UnicodeConverter, ValidationError

# SQLAlchemy's Integer: PostgreSQL's 4-byte ``integer``, the narrowest id column we have.
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    regex = r"[0-9]{1,10}"

    def __init__(self, map) -> None:
        super().__init__(map, max=MAX_ID)


def row_id(value: str | int) -> int:
    """A row's id from text, as ``<int:…>`` takes one from a path; ValueError if it is not
    one (1 to 10 ASCII digits, 1 to MAX_ID), which ``request.args.get(…, type=…)`` and
    WTForms' ``coerce`` both treat as "not a valid value"."""
    text = str(value)  # WTForms coerces its choices' own values (ints) too
    if not (text.isascii() and text.isdigit() and len(text) <= 10 and 0 < int(text) <= MAX_ID):
        raise ValueError(f"not a row id: {text[:20]!r}")
    return int(text)


def id_arg(name: str, default: int | None = None) -> int | None:
    """The row id (or page number) in the query string's ``name``, bounded as a path's id
    is; ``default`` if it is absent or not one."""
    return request.args.get(name, default, type=row_id)


def row_ids(values) -> set[int]:
    """The row ids among ``values`` (a form's checkboxes), others left out."""
    ids = set()
    for value in values:
        try:
            ids.add(row_id(value))
        except ValueError:
            continue
    return ids


class _WithoutNul:
    def to_python(self, value: str) -> str:
        if "\x00" in value:
            raise ValidationError()
        return value


class TextConverter(_WithoutNul, UnicodeConverter):
    """One path segment, the default."""


class TextPathConverter(_WithoutNul, PathConverter):
    """Path segments, slashes and all."""


def init_app(app: Flask) -> None:
    converters = app.url_map.converters
    converters["int"] = IdConverter
    converters["default"] = converters["string"] = TextConverter
    converters["path"] = TextPathConverter


def public_host() -> str:
    """The host (and port, if any) of ``PUBLIC_URL``: ``learn.example.org``."""
    return urlsplit(current_app.config["PUBLIC_URL"]).netloc


def public_url(endpoint: str, **values) -> str:
    """``url_for(endpoint, **values)`` as an absolute URL under ``PUBLIC_URL``; works in a
    request, a command or a job alike."""
    base = urlsplit(current_app.config["PUBLIC_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme
    )
    return adapter.build(endpoint, values, force_external=True)
