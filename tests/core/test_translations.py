"""Every catalogue is complete: French and Swahili have every string, none left fuzzy."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask import session
from flask_babel import refresh

from app.i18n import reader

APP = Path(__file__).resolve().parents[2] / "app"
CATALOGUES = sorted(APP.glob("**/translations/*/LC_MESSAGES/messages.po"))


def _translated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(strings) and not message.fuzzy


def test_every_language_has_its_catalogue_in_every_area():
    areas = {path.parents[2] for path in CATALOGUES}
    assert {path.parents[2] / lang for path in CATALOGUES for lang in ("fr", "sw")} == {
        area / lang for area in areas for lang in ("fr", "sw")
    }
    assert APP / "translations" in areas


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(APP)))
def test_catalogue_has_every_extracted_string_translated(path):
    with path.open("rb") as po:
        catalogue = read_po(po)
    with (path.parents[2] / "messages.pot").open("rb") as pot:
        template = read_po(pot)
    missing = [m.id for m in template if m.id and catalogue.get(m.id, m.context) is None]
    untranslated = [m.id for m in catalogue if m.id and not _translated(m)]
    assert missing == [], "run `make messages` and translate the new strings"
    assert untranslated == []


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(APP)))
def test_catalogue_passes_babels_checks_as_make_compiles_it(path):
    """What `pybabel compile` refuses (a placeholder the translation changes, a lone `%` in
    a python-format string) stops `make run`: found here first."""
    with path.open("rb") as po:
        catalogue = read_po(po)
    problems = [
        f"line {message.lineno}: {message.id!r}: {error}"
        for message, errors in catalogue.check()
        for error in errors
    ]
    assert not problems, problems


def test_templates_translate_in_the_language_being_written_and_escape_what_they_fill_in(app):
    """Templates' ``_``, ``gettext`` and ``ngettext`` (app/i18n.py) keep the catalogue once
    per language a request: a digest worded for someone else in the middle of a page is in
    their language, and the page goes on in its own."""
    page = app.jinja_env.from_string(
        "{{ _('Sign out') }}|{{ gettext('Your coach is %(name)s.', name=name) }}|"
        "{{ ngettext('%(num)d lesson done.', '%(num)d lessons done.', n) }}"
    )
    # A text template (an email) does not escape: the name is as written.
    text = app.jinja_env.from_string(
        "{% autoescape false %}{{ _('Your coach is %(name)s.', name=name) }}{% endautoescape %}"
    )
    with app.test_request_context():
        assert page.render(name="<b>Amina</b>", n=1) == (
            "Sign out|Your coach is &lt;b&gt;Amina&lt;/b&gt;.|1 lesson done."
        )
        with reader("sw", "Africa/Nairobi"):
            assert page.render(name="Amina", n=2).startswith("Toka|")
            with reader("fr", "Africa/Nairobi"):
                assert page.render(name="Amina", n=2).startswith("Se déconnecter|")
            assert page.render(name="Amina", n=2).startswith("Toka|")
        assert page.render(name="Amina", n=3).endswith("|3 lessons done.")
        assert text.render(name="O'Brien & Co") == "Your coach is O'Brien & Co."
        # The person changes their language: refresh() forgets the kept catalogue.
        session["locale"] = "fr"
        refresh()
        assert page.render(name="Amina", n=2).startswith("Se déconnecter|")
