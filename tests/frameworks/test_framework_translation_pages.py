"""Framework pages show names in the reader's language where translated; text that falls
back to the original carries its own ``lang``, and edit forms keep editing the original."""

from __future__ import annotations

import html
import io
import re

import pytest
from sqlalchemy import event

from app.extensions import db
from app.frameworks import services
from app.frameworks.files import parse_framework_yaml
from tests.frameworks.test_framework_translations import TRANSLATED

HX = {"HX-Request": "true"}


@pytest.fixture
def framework(app):
    return services.import_framework(parse_framework_yaml(TRANSLATED, "t.yaml")).framework


@pytest.fixture
def admin_in(make_user, login):
    def sign_in(locale: str):
        user = make_user("admin", locale=locale)
        login(user)
        return user

    return sign_in


def _body(html: str) -> str:
    return html.split("<body", 1)[-1]


def test_a_french_admin_sees_french_names_and_english_fallbacks_marked(client, admin_in, framework):
    admin_in("fr")
    page = client.get(f"/frameworks/{framework.id}").get_data(as_text=True)
    assert '<html lang="fr">' in page
    assert "<h1>Cadre de test</h1>" in page and "<title>Cadre de test" in page
    assert "· Kenya (fr) ·" in page
    assert "<b>1 · Débutant</b><span>Commence</span>" in page
    # Level 2 has no French: its English name says so.
    assert '<b>2 · <span lang="en">Leading</span></b>' in page
    assert 'D · Enseignement <a class="small"' in page
    assert '<p class="muted">Sur l&#39;enseignement</p>' in page
    # D.1's title is translated, its description is not; D.2 has only Swahili.
    assert '<b>D.1 Observer les leçons</b><span lang="en">Watching and talking</span>' in page
    assert '<b>D.2 <span lang="en">Planning</span></b>' in page
    assert "Observing lessons" not in page
    fragment = client.get(f"/frameworks/{framework.id}", headers=HX).get_data(as_text=True)
    assert "<html" not in fragment and '<span lang="en">Planning</span>' in fragment

    listing = client.get("/frameworks/").get_data(as_text=True)
    assert "<b>Cadre de test</b>" in listing and "anglais, français, swahili" in listing


def test_a_swahili_admin_sees_swahili_where_there_is_some(client, admin_in, framework):
    admin_in("sw")
    page = client.get(f"/frameworks/{framework.id}").get_data(as_text=True)
    assert "<h1>Mfumo wa majaribio</h1>" in page
    assert "<b>D.2 Kupanga</b><span></span>" in page
    assert '<b>D.1 <span lang="en">Observing lessons</span></b>' in page
    assert '· <span lang="en">Kenya</span> ·' in page


def test_an_english_admin_sees_the_originals_with_no_lang_marks(client, admin_in, framework):
    admin_in("en")
    page = client.get(f"/frameworks/{framework.id}").get_data(as_text=True)
    assert "<h1>Test framework</h1>" in page and "<b>D.1 Observing lessons</b>" in page
    assert "Cadre de test" not in page
    assert re.findall(r' lang="\w+"', _body(page)) == []


def test_edit_forms_keep_the_original_and_say_where_translations_are(client, admin_in, framework):
    admin_in("fr")
    competency = next(c for c in framework.domains[0].competencies if c.code == "D.1")
    url = f"/frameworks/{framework.id}/competencies/{competency.id}/edit"
    page = client.get(url).get_data(as_text=True)
    assert 'value="Observing lessons"' in page
    assert f'<p class="crumbs"><a href="/frameworks/{framework.id}">Cadre de test</a>' in page
    assert "Les traductions se modifient dans le fichier du référentiel." in page

    response = client.post(url, data={"title": "Observing teaching", "description": "x"})
    assert response.status_code == 303
    assert competency.title == "Observing teaching"
    assert competency.translations == {"fr": {"title": "Observer les leçons"}}


def test_a_heading_in_another_language_is_marked_but_the_title_is_plain(
    client, admin_in, framework
):
    admin_in("sw")
    domain = framework.domains[0]
    page = client.get(f"/frameworks/{framework.id}/domains/{domain.id}/competencies/new").get_data(
        as_text=True
    )
    assert '<span lang="en">Teaching</span></h1>' in page
    title = page.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "Teaching" in title and "<span" not in title and "&lt;" not in title

    edit = client.get(f"/frameworks/{framework.id}/edit").get_data(as_text=True)
    assert "<h1>Mfumo wa majaribio</h1>" in edit


def test_a_framework_without_translations_says_nothing_about_them(client, admin_in, app):
    plain = TRANSLATED[: TRANSLATED.index("translations:")]
    framework = services.import_framework(parse_framework_yaml(plain, "t.yaml")).framework
    admin_in("fr")
    page = client.get(f"/frameworks/{framework.id}/edit").get_data(as_text=True)
    assert '<h1><span lang="en">Test framework</span></h1>' in page
    assert "fichier du référentiel" not in page


def _statements(client, url: str) -> int:
    """The SQL statements one request for ``url`` runs (after a first, warming request)."""
    client.get(url)
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)


def test_translations_add_no_queries(client, make_user, login, app):
    """The same statements whatever the page's language and however many languages there
    are: translations come with their rows, and fallbacks need no lookup."""
    plain = TRANSLATED[: TRANSLATED.index("translations:")].replace("code: T\n", "code: P\n", 1)
    translated = services.import_framework(parse_framework_yaml(TRANSLATED, "t.yaml")).framework
    untranslated = services.import_framework(parse_framework_yaml(plain, "p.yaml")).framework
    counts = set()
    for locale in ("en", "fr", "sw"):
        user = make_user("admin", locale=locale)
        login(user)
        for framework in (translated, untranslated):
            for url in (f"/frameworks/{framework.id}", f"/frameworks/{framework.id}/edit"):
                counts.add((url.endswith("edit"), _statements(client, url)))
        counts.add(("list", _statements(client, "/frameworks/")))
        client.post("/sign-out")
    assert len(counts) == 3, counts  # one count for each kind of page


def test_an_uploaded_translation_that_does_not_match_shows_its_line_and_changes_nothing(
    client, admin_in, framework
):
    admin_in("en")
    before = services.export_framework_file(framework, "yaml").text
    bad = TRANSLATED.replace("      D.1:\n", "      D.9:\n").replace("Kupanga", "Kupanga vizuri")
    response = client.post(
        "/frameworks/import",
        data={"file": (io.BytesIO(bad.encode()), "t.yaml")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    assert "t.yaml was not imported, and nothing has changed." in page
    assert (
        "t.yaml:34: `competencies` in the `fr` translation: "
        "there is no competency 'D.9' in this framework"
    ) in page
    db.session.expire_all()
    assert services.export_framework_file(framework, "yaml").text == before
