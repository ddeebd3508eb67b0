"""One-time tokens never reach the access log: the link's token rides in a query string,
which gunicorn's log format leaves out, and no later address carries it."""

from __future__ import annotations

import io
import logging
import re
import runpy
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

from gunicorn.config import Config
from gunicorn.glogging import Logger
from werkzeug.test import EnvironBuilder

from app.accounts import services
from tests.conftest import PASSWORD, ROOT


def test_the_link_carries_its_token_only_in_the_query_and_only_once(client, app):
    issued = services.invite(email="new@example.org", name="Neema")
    opened = client.get(f"/invitation?token={issued.token}")
    assert opened.status_code == 303 and opened.headers["Location"] == "/invitation"
    assert issued.token not in str(opened.headers) and issued.token not in opened.get_data(
        as_text=True
    )
    page = client.get("/invitation")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "new@example.org" in body
    assert issued.token not in body and '<form method="post" class="stack">' in body
    accepted = client.post(
        "/invitation", data={"name": "Neema", "password": PASSWORD, "confirm": PASSWORD}
    )
    assert accepted.status_code == 303 and accepted.headers["Location"] == "/learn/"
    client.post("/sign-out")
    assert client.get("/invitation").status_code == 404


def test_the_invitation_is_kept_by_the_browser_that_opened_the_link(app):
    issued = services.invite(email="mine@example.org")
    invitee, stranger = app.test_client(), app.test_client()
    invitee.get(f"/invitation?token={issued.token}")
    assert invitee.get("/invitation").status_code == 200
    assert stranger.get("/invitation").status_code == 404
    data = {"name": "X", "password": PASSWORD, "confirm": PASSWORD}
    assert stranger.post("/invitation", data=data).status_code == 404
    # The session outlives a browser closed overnight (the invitation lasts for days).
    assert invitee.get_cookie("session").expires is not None


def test_a_bad_or_replaced_token_leads_to_the_page_that_says_so(client, app):
    first = services.invite(email="twice@example.org")
    services.reissue_invitation(first.access_code.user, None)
    for token in ("not-a-token", first.token):
        assert client.get(f"/invitation?token={token}").status_code == 303
        page = client.get("/invitation")
        assert page.status_code == 404 and "no longer works" in page.get_data(as_text=True)


def test_an_invitation_that_expires_after_opening_stops_working(client, app):
    issued = services.invite(email="slow@example.org")
    client.get(f"/invitation?token={issued.token}")
    issued.access_code.expires_at -= timedelta(days=30)
    app.extensions["sqlalchemy"].session.commit()
    assert client.get("/invitation").status_code == 404


def test_links_sent_before_still_work_and_lose_their_token_at_once(client, app):
    issued = services.invite(email="old@example.org")
    opened = client.get(f"/invitations/{issued.token}")
    assert opened.status_code == 303 and opened.headers["Location"] == "/invitation"
    assert client.get("/invitation").status_code == 200


def _access_line(access_log_format: str, path: str, query: str, logger_class=Logger) -> str:
    config = Config()
    config.set("accesslog", "-")
    config.set("access_log_format", access_log_format)
    logger = logger_class(config)
    stream = io.StringIO()
    for handler in logger.access_log.handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(stream)
    environ = EnvironBuilder(path, query_string=query).get_environ()
    environ["RAW_URI"] = f"{path}?{query}"
    response = SimpleNamespace(status="303 See Other", sent=0, headers=[])
    logger.access(response, SimpleNamespace(headers=[]), environ, timedelta(milliseconds=3))
    return stream.getvalue()


def test_the_access_log_format_leaves_the_token_out():
    token = "secret-token-abc123"
    settings = runpy.run_path(str(ROOT / "app" / "gunicorn.conf.py"))
    headway = settings["access_log_format"], "/invitation", f"token={token}"
    line = _access_line(*headway, logger_class=settings["logger_class"])
    assert '"GET /invitation HTTP/1.1" 303' in line and token not in line
    # Headway's logger makes only the atoms its format writes: the line is gunicorn's own.
    without_time = re.compile(r"\[[^]]*\]")
    assert without_time.sub("", line) == without_time.sub("", _access_line(*headway))
    # gunicorn's default, for contrast, would have written it.
    assert token in _access_line(Config().access_log_format, "/invitation", f"token={token}")
    assert "--config app/gunicorn.conf.py" in (Path(ROOT) / "Makefile").read_text()
