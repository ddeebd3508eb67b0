"""Lesson Markdown to HTML: raw HTML is escaped, and a link or an image keeps its URL only
when a browser would open it as http(s), mailto, tel or a URL on this site, however the
scheme is spelled."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from app.learning import services


class Urls(HTMLParser):
    """Each link's and image's URL as the browser reads it (entities decoded)."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str, str | None]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag in ("a", "img"):
            attrs = dict(attrs)
            self.found.append(
                (tag, "href" if tag == "a" else "src", attrs.get("href", attrs.get("src")))
            )


@pytest.mark.parametrize(
    "markdown",
    [
        "[a](javascript:alert(1))",
        "[a](JavaScript:alert(1))",
        "[a](jaVas&#99;ript:alert(1))",
        "[a](jav&#x09;ascript:alert(1))",
        "[a](java&#10;script:alert(1))",
        "[a](javascript&colon;alert(1))",
        "[a](&#x20;javascript:alert(1))",
        "[a](&Tab;javascript:alert(1))",
        "[a](vbscript:msgbox(1))",
        "[a](VBScript:msgbox(1))",
        "[a](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "![a](data:image/svg+xml;base64,PHN2Zz4=)",
        "![a](javascript:alert(1))",
        "![a](jAvAsCrIpT&#58;alert(1))",
        "[a][r]\n\n[r]: JAVASCRIPT:alert(1)",
        "![a][r]\n\n[r]: data:image/png;base64,AAAA",
        '[a](javascript:alert(1) "a title")',
        "[a](file:///etc/passwd)",
    ],
)
def test_a_link_or_image_to_a_script_or_data_url_loses_its_url(markdown):
    html = services.render_markdown(markdown)
    ((tag, attribute, url),) = Urls(html).found
    assert url is None, html
    assert tag == "a" and ">a</a>" in html or tag == "img" and 'alt="a"' in html


@pytest.mark.parametrize(
    ("markdown", "url"),
    [
        ("[a](https://example.org/x?y=1&z=2)", "https://example.org/x?y=1&z=2"),
        ("[a](HTTP://example.org)", "HTTP://example.org"),
        ("[a](mailto:head@example.org)", "mailto:head@example.org"),
        ("[a](tel:+254700000001)", "tel:+254700000001"),
        ("[a](/learn/growth)", "/learn/growth"),
        ("[a](../another-lesson)", "../another-lesson"),
        ("[a](#reflection)", "#reflection"),
        ("[a](?page=2)", "?page=2"),
        ("[a](//example.org/x)", "//example.org/x"),
        ("[a](notes/javascript:x)", "notes/javascript:x"),
        ("![a](media/chart.png)", "media/chart.png"),
        ("<https://example.org/a>", "https://example.org/a"),
        ("<head@example.org>", "mailto:head@example.org"),
    ],
)
def test_web_mail_phone_and_relative_urls_are_kept(markdown, url):
    ((_tag, _attribute, found),) = Urls(services.render_markdown(markdown)).found
    assert found == url


def test_raw_html_stays_escaped():
    html = services.render_markdown(
        'Hi <a href="javascript:alert(1)">x</a> <img src=x onerror=alert(1)> '
        "<script>alert(1)</script>\n\n<div onclick=alert(1)>x</div>\n\n**bold**"
    )
    assert Urls(html).found == []
    assert "<script" not in html and "<div" not in html and "&lt;script&gt;" in html
    assert "<strong>bold</strong>" in html
