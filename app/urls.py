"""URL converters for every area, registered by ``create_app`` before any route.

``<int:…>`` in Headway's routes is always a row's id. Werkzeug's own converter takes any
run of Unicode digits of any length, and a number past the id column's range makes the
database fail (SQLite cannot bind it, PostgreSQL's ``integer`` overflows): a 500 for a
page that simply does not exist. Here an id is 1 to 10 ASCII digits within the range of
the ``Integer`` column every table uses for its ids; anything else is a 404.

Text in a URL (``<slug>``, ``<path:…>``) never holds a NUL character (``%00``), which no
text column can hold either: such a URL is a 404 too.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter, PathConverter, UnicodeConverter, ValidationError

# SQLAlchemy's Integer: PostgreSQL's 4-byte ``integer``, the narrowest id column we have.
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    regex = r"[0-9]{1,10}"

    def __init__(self, map) -> None:
        super().__init__(map, max=MAX_ID)


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
