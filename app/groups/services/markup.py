"""Posts are plain text with light Markdown: bold, italic, lists, links. Raw HTML is never
passed through, and what Markdown makes is cleaned with nh3 to those few tags, with links
only to http, https and mailto addresses.

Mentions: ``@Grace`` names the member whose first name is Grace; when two members share a
first name, ``@GraceWanjiru`` (the whole name, without spaces) names one of them. Case does
not matter, and only the group's own members can be mentioned. A mention that names a
member shows as one (``<strong class="mention">``), as written and nothing more: no link,
no id, nothing of the person beyond the name the author typed.
"""

from __future__ import annotations

import re
import unicodedata

import markdown
import nh3

ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow noopener noreferrer ugc"
MENTION = re.compile(r"(?<![\w@])@([^\W_][\w.-]*)")
EXCERPT_CHARS = 160


def render_post(text: str, members: list[tuple[int, str]] = ()) -> str:
    """The body of a post as safe HTML, the mentions of ``members`` (``(user_id, name)``)
    marked as such."""
    md = markdown.Markdown(extensions=["sane_lists"], output_format="html")
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    html = nh3.clean(
        md.convert(text),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
    )
    return mark_mentions(html, members)


def mark_mentions(html: str, members: list[tuple[int, str]]) -> str:
    """``html`` (a post as :func:`render_post` made it) with the mentions of ``members``
    marked."""
    return _mark_mentions(html, _who(members)) if members else html


def _mark_mentions(html: str, who) -> str:
    """Mentions that name someone, marked in the text between tags (never inside a tag's
    attributes, say a link's address)."""

    def mark(match: re.Match) -> str:
        return f'<strong class="mention">{match[0]}</strong>' if who(match[1]) else match[0]

    parts = re.split(r"(<[^>]*>)", html)
    return "".join(part if part.startswith("<") else MENTION.sub(mark, part) for part in parts)


def excerpt(body_html: str, limit: int = EXCERPT_CHARS) -> str:
    """A post's words without markup, shortened, for a quote or an e-mail."""
    text = " ".join(nh3.clean(body_html, tags=set()).split())
    text = text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def handles(name: str) -> tuple[str, str]:
    """The two handles a name answers to: its first word, and the whole name run together."""
    words = name.split()
    if not words:
        return ("", "")
    return (_fold(words[0]), _fold("".join(words)))


def _who(members: list[tuple[int, str]]):
    """handle as written → the ids of the members it names. A first name two members share
    names neither; their whole-name handles still work."""
    by_first: dict[str, set[int]] = {}
    by_whole: dict[str, set[int]] = {}
    for user_id, name in members:
        first, whole = handles(name)
        by_first.setdefault(first, set()).add(user_id)
        if whole:
            by_whole.setdefault(whole, set()).add(user_id)

    def named(handle: str) -> set[int]:
        handle = _fold(handle.rstrip(".-"))
        first = by_first.get(handle, set())
        return by_whole.get(handle, set()) | (first if len(first) == 1 else set())

    return named


def mentioned(text: str, members: list[tuple[int, str]]) -> set[int]:
    """The ids of the members (``(user_id, name)``) that ``text`` mentions."""
    handles_written = MENTION.findall(text)
    if not handles_written:
        return set()
    named = _who(members)
    return set().union(*(named(handle) for handle in handles_written))
