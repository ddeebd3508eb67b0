"""Content in several languages: courses, lessons and frameworks carry their translations.

A row of translatable content keeps its original text in its own columns and its
translations in ``translations`` (``{"fr": {"title": "…"}}``), so a page in any language
reads the same rows with the same queries. ``row.translated("title", "fr")`` gives the text
in French when there is a translation, else the original; either way a :class:`Localized`
string that knows its language, so a template marks text in another language than the
page's with ``lang`` (``{{ text|lang_attr }}``) for screen readers and hyphenation.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from babel import Locale, UnknownLocaleError
from markupsafe import Markup
from sqlalchemy import JSON
from sqlalchemy.orm import Mapped, mapped_column

from app.i18n import current_language


class Localized(str):
    """A piece of content text and the language it is in."""

    lang: str

    def __new__(cls, text: str, lang: str) -> Localized:
        value = super().__new__(cls, text)
        value.lang = lang
        return value


class TranslatedText:
    """Mixin: ``translated(field, language)`` over a ``translations`` mapping and the
    original text in the object's own fields. Rows mix it in through :class:`Translatable`;
    the published structure each process keeps (``app/learning/catalogue/``) as plain
    immutable data, whose ``translations`` is a read-only mapping.

    A class has ``translations`` (``{"fr": {"title": "…"}}`` or None) and says which
    language its original text is in with ``original_language``.
    """

    @property
    def original_language(self) -> str:  # pragma: no cover - every class overrides it
        raise NotImplementedError

    def translation(self, language: str) -> dict:
        return (self.translations or {}).get(language) or {}

    def translated(self, field: str, language: str | None = None) -> Localized:
        language = language or current_language()
        text = self.translation(language).get(field)
        if text:
            return Localized(text, language)
        return Localized(getattr(self, field) or "", self.original_language)

    @property
    def languages(self) -> list[str]:
        """The original language, then every language it is translated into."""
        return [self.original_language, *sorted(self.translations or {})]


class KeptText(TranslatedText):
    """Mixin for kept published content (frozen dataclasses) whose ``language`` field is the
    language of its original text."""

    @property
    def original_language(self) -> str:
        return self.language


class Translatable(TranslatedText):
    """Mixin for a model: a ``translations`` column and ``translated(field, language)``."""

    translations: Mapped[dict | None] = mapped_column(JSON, nullable=True)


def frozen(value):
    """A JSON value (``translations``) as read-only data that threads may share: mappings
    become read-only mappings, lists tuples."""
    if isinstance(value, Mapping):
        return MappingProxyType({key: frozen(item) for key, item in value.items()})
    if isinstance(value, list | tuple):
        return tuple(frozen(item) for item in value)
    return value


def lang_attr(text) -> Markup:
    """`` lang="xx"`` when ``text`` is in another language than the page, else nothing."""
    lang = getattr(text, "lang", None)
    if not lang or lang == current_language():
        return Markup("")
    return Markup(' lang="%s"') % lang


def language_name(code: str, in_language: str | None = None) -> str:
    """``fr`` as the reader says it: "French" in English, "français" in French."""
    try:
        name = Locale.parse(code).get_display_name(in_language or current_language())
    except (UnknownLocaleError, ValueError, TypeError):
        return code
    return name or code


def tr(row, field: str) -> Localized:
    """``{{ competency|tr("title") }}``: the field in the page's language where translated."""
    return row.translated(field)
