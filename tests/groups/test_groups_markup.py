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
