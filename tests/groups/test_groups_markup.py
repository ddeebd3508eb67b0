"""Posts' light Markdown: what a leader writes is formatted, and nothing they write can run
in a reader's browser (the payloads are rendered in Chromium by the browser test too)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from app.groups.services.markup import excerpt, mentioned, render_post
from tests.groups.xss_payloads import PAYLOADS

ALLOWED = {"p", "br", "strong", "em", "ul", "ol", "li", "a"}


def test_light_markdown():
    html = render_post("**Bold** and *italic*\n\n- one\n- two\n\n[site](https://example.org)")
    assert "<strong>Bold</strong>" in html and "<em>italic</em>" in html
    assert "<ul>\n<li>one</li>" in html
    assert '<a href="https://example.org" rel="nofollow noopener noreferrer ugc">site</a>' in html
    assert 'href="mailto:head@example.org"' in render_post("[mail](mailto:head@example.org)")


class _Elements(HTMLParser):
    """Every element and attribute a browser would build from the HTML."""

    def __init__(self):
        super().__init__()
        self.found: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_no_payload_survives(payload):
    html = render_post(payload)
    parser = _Elements()
    parser.feed(html)
    for tag, attrs in parser.found:
        assert tag in ALLOWED, html
        assert set(attrs) <= {"href", "rel"}, html
        # As a browser reads it: tabs and line breaks dropped, then the scheme, if any.
        href = re.sub(r"[\t\n\r]", "", attrs.get("href") or "").strip()
        scheme = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*):", href)
        assert scheme is None or scheme[1].lower() in {"http", "https", "mailto"}, html


def test_excerpt_is_plain_text():
    assert excerpt(render_post("**Hi** <b>there</b> & more")) == "Hi <b>there</b> & more"
    assert len(excerpt(render_post("word " * 100))) <= 160


def test_mentions_resolve_against_members_only():
    members = [(1, "Grace Wanjiru"), (2, "Amani Mutesi"), (3, "Jean-Paul Habimana")]
    assert mentioned("Thanks @grace and @AMANI.", members) == {1, 2}
    assert mentioned("@Jean-Paul, see @JeanPaulHabimana", members) == {3}
    assert mentioned("email me at grace@example.org", members) == set()
    assert mentioned("@Zawadi", members) == set()


def test_a_mention_of_a_member_shows_as_one_and_nothing_else_does():
    members = [(1, "Grace Wanjiru"), (2, "Grace Akinyi"), (3, "Amani Mutesi")]
    html = render_post(
        "Thanks @amani and @GraceAkinyi; @Grace is two people, @Zawadi nobody.\n\n"
        "See [her page](https://example.org/@amani) or mail me at x@amani.org.",
        members,
    )
    assert re.findall(r'<strong class="mention">([^<]+)</strong>', html) == [
        "@amani",
        "@GraceAkinyi",
    ]
    assert 'href="https://example.org/@amani"' in html  # never inside an address
    assert "x@amani.org" in html and "user" not in html and "/people" not in html


@pytest.mark.parametrize("payload", PAYLOADS)
def test_no_payload_survives_beside_a_mention(payload):
    html = render_post(f"@Grace {payload} @Grace", [(1, "Grace <b>Wanjiru</b>")])
    parser = _Elements()
    parser.feed(html)
    for tag, attrs in parser.found:
        assert tag in ALLOWED, html
        assert set(attrs) <= {"href", "rel", "class"}, html
        assert attrs.get("class") in (None, "mention"), html
