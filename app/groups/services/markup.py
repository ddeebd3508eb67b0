"""Posts are plain text with light Markdown: bold, italic, lists, links. Raw HTML is never
passed through, and what Markdown makes is cleaned with nh3 to those few tags, with links
only to http, https and mailto addresses.

Mentions: ``@Grace`` names the member whose first name is Grace; when two members share a
first name, ``@GraceWanjiru`` (the whole name, without spaces) names one of them. Case does
not matter, and only the group's own members can be mentioned.
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


def render_post(text: str) -> str:
    """The body of a post as safe HTML."""
    md = markdown.Markdown(extensions=["sane_lists"], output_format="html")
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return nh3.clean(
        md.convert(text),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
    )


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


def mentioned(text: str, members: list[tuple[int, str]]) -> set[int]:
    """The ids of the members (``(user_id, name)``) that ``text`` mentions. A first name
    two members share names neither; their whole-name handles still work."""
    wanted = {_fold(m.rstrip(".-")) for m in MENTION.findall(text)}
    if not wanted:
        return set()
    by_first: dict[str, list[int]] = {}
    found = set()
    for user_id, name in members:
        first, whole = handles(name)
        by_first.setdefault(first, []).append(user_id)
        if whole and whole in wanted:
            found.add(user_id)
    for handle in wanted:
        ids = by_first.get(handle, [])
        if len(ids) == 1:
            found.add(ids[0])
    return found
