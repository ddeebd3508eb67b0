"""Frameworks in several languages: a YAML ``translations:`` block and CSV
``<column>.<language>`` columns, round-tripped through the database, every mismatch refused
at its file and line with nothing changed."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.frameworks import services
from app.frameworks.files import (
    FileFormatError,
    dump_framework_csv,
    dump_framework_yaml,
    parse_framework,
    parse_framework_csv,
    parse_framework_yaml,
)
from app.frameworks.models import Competency, Domain, Framework, FrameworkLevel

# Written exactly as the exporter writes it, so a round trip gives back the same text.
# Line numbers matter: the refusals below name them.
TRANSLATED = """\
code: T
name: Test framework
scope: Kenya
language: en
levels:
- number: 1
  name: Emerging
  descriptor: Starting out
- number: 2
  name: Leading
domains:
- code: D
  title: Teaching
  description: About teaching
  competencies:
  - code: D.1
    title: Observing lessons
    description: Watching and talking
  - code: D.2
    title: Planning
translations:
  fr:
    name: Cadre de test
    scope: Kenya (fr)
    levels:
      1:
        name: Débutant
        descriptor: Commence
    domains:
      D:
        title: Enseignement
        description: Sur l'enseignement
    competencies:
      D.1:
        title: Observer les leçons
  sw:
    name: Mfumo wa majaribio
    competencies:
      D.2:
        title: Kupanga
"""

TRANSLATED_CSV = (
    "framework_code,framework_name,scope,version,language,domain_code,domain_title,"
    "domain_description,code,title,description,"
    "framework_name.fr,scope.fr,domain_title.fr,domain_description.fr,title.fr,description.fr,"
    "framework_name.sw,domain_title.sw,domain_description.sw,title.sw,description.sw\r\n"
    "K,Heads,Kenya,,en,IL,Instruction,Leading learning,IL.1,Curriculum,Covers it,"
    "Chefs,Kenya (fr),Pédagogie,Diriger l'apprentissage,Programme,Le couvre,"
    "Wakuu,,,Mtaala,\r\n"
    ",,,,,IL,,,IL.2,'=Supervision,,,,,,'=Supervision (fr),,,,,,\r\n"
    ",,,,,XX,Other,,XX.1,Something,,,,,,,,,,,,\r\n"
)


def _messages(text: str, path: str) -> list[str]:
    with pytest.raises(FileFormatError) as exc:
        parse_framework(text, path)
    return [str(problem) for problem in exc.value.problems]


def _rows():
    """Every framework row's text and translations, to see that nothing changed."""
    return [
        (type(row).__name__, getattr(row, "code", None), row.translations)
        for model in (Framework, FrameworkLevel, Domain, Competency)
        for row in db.session.scalars(select(model).order_by(model.id))
    ]


# --- reading and writing files -----------------------------------------------------------


def test_yaml_translations_are_read_onto_each_item_and_written_back_the_same():
    spec = parse_framework_yaml(TRANSLATED, "t.yaml")
    assert spec.translations == {
        "fr": {"name": "Cadre de test", "scope": "Kenya (fr)"},
        "sw": {"name": "Mfumo wa majaribio"},
    }
    assert spec.levels[0].translations == {"fr": {"name": "Débutant", "descriptor": "Commence"}}
    assert spec.levels[1].translations == {}  # left out: falls back to the original
    domain = spec.domains[0]
    assert domain.translations == {
        "fr": {"title": "Enseignement", "description": "Sur l'enseignement"}
    }
    assert domain.competencies[0].translations == {"fr": {"title": "Observer les leçons"}}
    assert domain.competencies[1].translations == {"sw": {"title": "Kupanga"}}
    assert dump_framework_yaml(spec) == TRANSLATED


def test_a_framework_without_translations_writes_no_block():
    spec = parse_framework_yaml(TRANSLATED[: TRANSLATED.index("translations:")], "t.yaml")
    assert spec.translation_languages() == []
    assert "translations" not in dump_framework_yaml(spec)
    assert dump_framework_csv(spec).split("\r\n")[0].endswith(",title,description")


def test_csv_translation_columns_are_read_and_written_back_the_same():
    spec = parse_framework_csv(TRANSLATED_CSV, "k.csv")
    assert spec.translations == {
        "fr": {"name": "Chefs", "scope": "Kenya (fr)"},
        "sw": {"name": "Wakuu"},
    }
    il, xx = spec.domains
    assert il.translations == {
        "fr": {"title": "Pédagogie", "description": "Diriger l'apprentissage"}
    }
    assert il.competencies[0].translations == {
        "fr": {"title": "Programme", "description": "Le couvre"},
        "sw": {"title": "Mtaala"},
    }
    # A translated cell is unescaped like any other: '= is the text =.
    assert il.competencies[1].translations == {"fr": {"title": "=Supervision (fr)"}}
    assert xx.translations == {} and xx.competencies[0].translations == {}
    assert dump_framework_csv(spec) == TRANSLATED_CSV
    assert parse_framework_csv(dump_framework_csv(spec), "k.csv") == spec


def test_a_csv_cell_a_spreadsheet_would_run_is_refused_at_its_line_and_column():
    # One rule with the programmes' import (app/csvfiles.py): a bare formula is refused,
    # the same text behind our guard's quote is read as the text.
    text = TRANSLATED_CSV.replace(",IL.2,'=Supervision,", ",IL.2,=Supervision,")
    assert _messages(text, "k.csv") == [
        "k.csv:3: `title`: Starts with “=”, which a spreadsheet runs as a formula."
    ]


def test_yaml_and_csv_carry_the_same_domain_and_competency_translations():
    spec = parse_framework_yaml(TRANSLATED, "t.yaml")
    from_csv = parse_framework_csv(dump_framework_csv(spec), "t.csv")
    assert from_csv.domains == spec.domains and from_csv.translations == spec.translations


# --- refused, each at its file and line ----------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "      D.1:\n",
            "      D.9:\n",
            "t.yaml:34: `competencies` in the `fr` translation: "
            "there is no competency 'D.9' in this framework",
        ),
        (
            "    domains:\n      D:",
            "    domains:\n      X:",
            "t.yaml:30: `domains` in the `fr` translation: "
            "there is no domain 'X' in this framework",
        ),
        (
            "      1:\n",
            "      7:\n",
            "t.yaml:26: `levels` in the `fr` translation: there is no level 7 in this framework",
        ),
        (
            "  sw:\n",
            "  en:\n",
            "t.yaml:36: translations: `en` is the framework's own language (`language: en`); "
            "a translation must be into another language",
        ),
        (
            "  sw:\n",
            "  Swahili!:\n",
            "t.yaml:36: translations: 'Swahili!' is not a language code; use a code such as "
            "`fr` or `sw` (in quotes if YAML reads it as something else)",
        ),
        (
            "        title: Observer les leçons\n",
            "        title: " + "O" * 201 + "\n",
            "t.yaml:35: `title` in competency D.1 in the `fr` translation "
            "is longer than 200 characters",
        ),
        (
            "        name: Débutant\n",
            "        name: " + "D" * 81 + "\n",
            "t.yaml:27: `name` in level 1 in the `fr` translation is longer than 80 characters",
        ),
        (
            "    name: Cadre de test\n",
            "    name: " + "C" * 201 + "\n",
            "t.yaml:23: `name` in the `fr` translation is longer than 200 characters",
        ),
        (
            "      D.1:\n        title: Observer les leçons\n",
            "      D.1: Observer les leçons\n",
            "t.yaml:34: competency D.1 in the `fr` translation "
            "must be a mapping of `key: value` lines",
        ),
        (
            "  sw:\n    name: Mfumo wa majaribio\n    competencies:\n"
            "      D.2:\n        title: Kupanga\n",
            "  sw: Mfumo wa majaribio\n",
            "t.yaml:36: the `sw` translation must be a mapping of `key: value` lines",
        ),
        (
            "    competencies:\n      D.1:\n        title: Observer les leçons\n",
            "    competencies: [D.1]\n",
            "t.yaml:33: `competencies` in the `fr` translation must be a mapping "
            "of competency codes to their text",
        ),
        (
            "        title: Observer les leçons\n",
            "        title: Observer les leçons\n        note: to check\n",
            "t.yaml:36: unknown key `note` in competency D.1 in the `fr` translation; "
            "expected `title`, `description`",
        ),
        (
            "    scope: Kenya (fr)\n",
            "    scope: Kenya (fr)\n    version: '2'\n",
            "t.yaml:25: unknown key `version` in the `fr` translation; "
            "expected `name`, `scope`, `levels`, `domains`, `competencies`",
        ),
        (
            "    name: Mfumo wa majaribio\n",
            "",
            "t.yaml:37: the `sw` translation is missing the required field `name`",
        ),
        (
            "      D.2:\n        title: Kupanga\n",
            "      D.2:\n        title: Kupanga\n        description: Kupanga vizuri\n",
            "t.yaml:41: `description` in competency D.2 in the `sw` translation translates "
            "nothing: the original has no description",
        ),
    ],
)
def test_a_mismatched_yaml_translation_is_refused_at_its_line(old, new, expected):
    assert old in TRANSLATED
    assert _messages(TRANSLATED.replace(old, new, 1), "t.yaml") == [expected]


def test_a_translations_block_that_is_not_a_mapping_is_refused():
    text = TRANSLATED[: TRANSLATED.index("translations:")] + "translations: French\n"
    assert _messages(text, "t.yaml") == [
        "t.yaml:21: `translations` must be a mapping of language codes (`fr:`, `sw:`) "
        "to the framework in that language"
    ]


def _csv(header_extra: str, first_extra: str) -> str:
    return (
        "framework_code,framework_name,language,domain_code,domain_title,code,title,description"
        f"{header_extra}\n"
        f"K,Heads,en,IL,Instruction,IL.1,Curriculum,{first_extra}\n"
    )


@pytest.mark.parametrize(
    ("header", "row", "expected"),
    [
        (
            ",framework_name.fr,title.xx!",
            ",Chefs,Programme",
            "k.csv:1: header row: column `title.xx!` names no language: `xx!` is not a "
            "language code; write `title.fr`, `title.sw`…",
        ),
        (
            ",title.en",
            ",Curriculum",
            "k.csv:1: header row: column `title.en` is in the framework's own language (`en`); "
            "its text belongs in `title`",
        ),
        (
            ",version.fr",
            ",2",
            "k.csv:1: header row: unknown column(s) version.fr. Expected: framework_code, "
            "framework_name, scope, version, language, domain_code, domain_title, "
            "domain_description, code, title, description; and for a translation, any of "
            "framework_name.<language>, scope.<language>, domain_title.<language>, "
            "domain_description.<language>, title.<language>, description.<language> "
            "(such as title.fr)",
        ),
        (
            ",framework_name.fr,title.fr",
            ",Chefs," + "P" * 201,
            "k.csv:2: `title.fr` is longer than 200 characters",
        ),
        (
            ",title.fr",
            ",Programme",
            "k.csv:2: `framework_name.fr` is empty: a file with fr text names the framework "
            "in that language too (give it at least on the first row)",
        ),
        (
            ",framework_name.fr,description.fr",
            ",Chefs,Le couvre",
            "k.csv:2: `description.fr` translates nothing: `description` is empty",
        ),
        (
            ",framework_name.fr,title.fr,description.fr",
            "Covers it,Chefs,,Le couvre",
            "k.csv:2: `title.fr` is empty; the row has other fr text",
        ),
    ],
)
def test_a_mismatched_csv_translation_is_refused_at_its_line(header, row, expected):
    assert _messages(_csv(header, row), "k.csv") == [expected]


def test_csv_framework_translation_given_again_must_match():
    text = _csv(",framework_name.fr", ",Chefs") + ",,,IL,,IL.2,Supervision,,Patrons\n"
    assert _messages(text, "k.csv") == [
        "k.csv:3: `framework_name.fr` is 'Patrons' here but 'Chefs' above; "
        "one file holds one framework"
    ]


# --- through the database ------------------------------------------------------------------


def test_yaml_round_trips_through_the_database(app):
    framework = services.import_framework(parse_framework_yaml(TRANSLATED, "t.yaml")).framework
    db.session.expire_all()
    assert framework.translated("name", "fr") == "Cadre de test"
    level = framework.levels[0]
    assert level.translations == {"fr": {"name": "Débutant", "descriptor": "Commence"}}
    assert framework.levels[1].translations is None
    assert services.export_framework_file(framework, "yaml").text == TRANSLATED


def test_csv_round_trips_through_the_database_and_keeps_the_levels_translations(app):
    framework = services.import_framework(parse_framework_yaml(TRANSLATED, "t.yaml")).framework
    exported = services.export_framework_file(framework, "csv").text
    edited = exported.replace(",Kupanga,", ",Kupanga vizuri,")
    report = services.import_framework(parse_framework_csv(edited, "t.csv"))
    assert report.competencies_updated == 1  # a changed translation is a change
    db.session.expire_all()
    # A CSV carries no levels: the framework keeps its own, translated.
    assert framework.levels[0].translations == {
        "fr": {"name": "Débutant", "descriptor": "Commence"}
    }
    assert services.export_framework_file(framework, "csv").text == edited
    assert services.export_framework_file(framework, "yaml").text == TRANSLATED.replace(
        "title: Kupanga", "title: Kupanga vizuri"
    )


def test_reimporting_without_translations_removes_them(app):
    framework = services.import_framework(parse_framework_yaml(TRANSLATED, "t.yaml")).framework
    plain = TRANSLATED[: TRANSLATED.index("translations:")]
    services.import_framework(parse_framework_yaml(plain, "t.yaml"))
    db.session.expire_all()
    assert {row[2] is None for row in _rows()} == {True}
    assert services.export_framework_file(framework, "yaml").text == plain


@pytest.mark.parametrize(
    ("filename", "text"),
    [
        ("t.yaml", TRANSLATED.replace("      D.1:\n", "      D.9:\n").replace("Kupanga", "X")),
        (
            "t.csv",
            TRANSLATED_CSV.replace(",Curriculum,Covers it,", ",Curriculum,,"),
        ),
    ],
)
def test_a_refused_file_changes_nothing(app, filename, text):
    services.import_framework(parse_framework_yaml(TRANSLATED, "t.yaml"))
    services.import_framework(parse_framework_csv(TRANSLATED_CSV, "k.csv"))
    before = _rows()
    with pytest.raises(FileFormatError) as exc:
        services.import_framework_file(filename, text.encode())
    assert str(exc.value).startswith(f"{filename}:")
    db.session.expire_all()
    assert _rows() == before
