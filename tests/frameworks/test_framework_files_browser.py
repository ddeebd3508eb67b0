"""An admin imports and downloads a framework in Chromium on a phone-sized screen, with
and without JavaScript: the upload is a plain form, and a download never lands in the page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from app.extensions import db
from app.frameworks.files import load_framework, parse_framework_yaml
from app.frameworks.models import Framework
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

DEFAULT = (
    Path(__file__).resolve().parents[2] / "courses" / "frameworks" / "school-leadership-core.yaml"
)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_import_then_download(app, live_server, phone, make_user, javascript):
    admin = make_user("admin")
    page = phone(java_script_enabled=javascript)
    page.goto(f"{live_server}/sign-in")
    page.fill("#identifier", admin.email)
    page.fill("#password", PASSWORD)
    page.click("form.stack button.primary")
    page.wait_for_url(lambda url: url.endswith("/"))
    page.goto(f"{live_server}/frameworks/")

    bad = DEFAULT.read_text().replace("code: LL.3", "code: LL.2")
    page.set_input_files(
        "#file",
        files=[{"name": "bad.yaml", "mimeType": "application/yaml", "buffer": bad.encode()}],
    )
    with page.expect_response(lambda r: r.request.method == "POST") as response:
        page.click("#import button.primary")
    assert response.value.status == 422
    assert "duplicate competency code 'LL.2'" in page.locator(".problems").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert db.session.scalar(select(Framework)) is None

    page.set_input_files("#file", str(DEFAULT))
    page.click("#import button.primary")
    # A redirect keeps the form action's #import, which names nothing on this page.
    page.wait_for_url(re.compile(r"/frameworks/\d+(#import)?$"))
    assert "Competencies added: 18." in page.locator("#flashes").inner_text()
    assert page.locator("h1").inner_text() == "School Leadership Core"

    with page.expect_download() as download:
        page.click("text=Download YAML")
    assert download.value.suggested_filename == "SLC.yaml"
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert parse_framework_yaml(text, "SLC.yaml") == load_framework(DEFAULT)
    assert page.locator("h1").inner_text() == "School Leadership Core"  # the page stays as it was
