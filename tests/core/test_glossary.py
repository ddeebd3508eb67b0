"""Each language's catalogues keep to its glossary (app/translations/glossary/<lang>.yaml):
no word it forbids, and where the English names a concept, the translation uses that
concept's one term — so a cohort never reads like a peer group, nor a programme like an app."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po

APP = Path(__file__).resolve().parents[2] / "app"
GLOSSARIES = sorted((APP / "translations" / "glossary").glob("*.yaml"))
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%%|%[sd]")


def _glossary(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _catalogues(language: str) -> list[Path]:
    return sorted(APP.glob(f"**/translations/{language}/LC_MESSAGES/messages.po"))


def _entries(path: Path) -> list[tuple[str, str]]:
    """(msgid, msgstr) for every translated form, placeholders read as 0."""
    with path.open("rb") as po:
        catalogue = read_po(po)
    entries = []
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for n, text in enumerate(strings):  # the singular's id, then the plural's
            entries.append((ids[min(n, len(ids) - 1)], PLACEHOLDER.sub("0", text or "")))
    return entries


def _where(path: Path) -> str:
    return str(path.relative_to(APP))


def test_there_is_a_glossary_for_every_language_but_english():
    languages = {p.parents[1].name for p in APP.glob("**/translations/*/LC_MESSAGES/*.po")}
    assert {path.stem for path in GLOSSARIES} == languages == {"fr", "sw"}
    for path in GLOSSARIES:
        glossary = _glossary(path)
        assert glossary["language"] == path.stem
        for concept in glossary["concepts"]:
            assert concept["concept"] and concept["term"], concept
            assert set(concept) <= {
                *("concept", "term", "avoid", "en", "expect", "not_here", "except", "note")
            }, concept["concept"]
            for key in ("en", "expect", "not_here"):
                if key in concept:
                    re.compile(concept[key])


@pytest.mark.parametrize("glossary_path", GLOSSARIES, ids=lambda p: p.stem)
def test_no_catalogue_uses_a_word_its_glossary_forbids(glossary_path):
    glossary = _glossary(glossary_path)
    forbidden = [
        (concept["concept"], word)
        for concept in glossary["concepts"]
        for word in concept.get("avoid", ())
    ]
    assert forbidden
    found = []
    for path in _catalogues(glossary["language"]):
        for _msgid, text in _entries(path):
            for concept, word in forbidden:
                if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.IGNORECASE):
                    found.append(f"{_where(path)}: {word!r} ({concept}) in {text!r}")
    assert found == [], "\n".join(found)


@pytest.mark.parametrize("glossary_path", GLOSSARIES, ids=lambda p: p.stem)
def test_each_concept_has_its_one_term(glossary_path):
    glossary = _glossary(glossary_path)
    problems = []
    for concept in glossary["concepts"]:
        if "en" not in concept:
            continue
        english = re.compile(concept["en"], re.IGNORECASE)
        expect = re.compile(concept.get("expect", ""), re.IGNORECASE)
        not_here = concept.get("not_here") and re.compile(concept["not_here"], re.IGNORECASE)
        exempt = {item["msgid"] for item in concept.get("except", ())}
        for path in _catalogues(glossary["language"]):
            for msgid, text in _entries(path):
                if msgid in exempt or not english.search(PLACEHOLDER.sub("0", msgid)):
                    continue
                if not expect.search(text):
                    problems.append(f"{_where(path)}: {msgid!r} → {text!r} lacks {concept['term']}")
                if not_here and not_here.search(text):
                    problems.append(f"{_where(path)}: {msgid!r} → {text!r}: not {concept['term']}")
    assert problems == [], "\n".join(problems)


def test_every_exception_names_a_string_that_exists():
    """An exception outlives its string only by mistake: then it would hide the next one."""
    for path in GLOSSARIES:
        glossary = _glossary(path)
        ids = {msgid for po in _catalogues(glossary["language"]) for msgid, _ in _entries(po)}
        for concept in glossary["concepts"]:
            for item in concept.get("except", ()):
                assert item["msgid"] in ids, (path.name, item["msgid"])
                assert item.get("why"), item["msgid"]


@pytest.mark.parametrize("language", ["fr", "sw"])
def test_a_string_in_two_catalogues_has_one_translation(language):
    """Flask-Babel merges every catalogue of a language into one: where two hold the same
    msgid with different words, one silently wins on the other's pages (French "Report" on a
    post read "Rapport", the programme's report). A different meaning gets a context
    (``pgettext("a post", "Report")``)."""
    words: dict[tuple, dict[str, object]] = {}
    for path in _catalogues(language):
        with path.open("rb") as po:
            for message in read_po(po):
                if message.id:
                    key = (message.context, str(message.id))
                    words.setdefault(key, {})[_where(path)] = message.string
    disagreements = {
        key: where for key, where in words.items() if len({str(s) for s in where.values()}) > 1
    }
    assert disagreements == {}
