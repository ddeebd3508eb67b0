"""Notifications: told once, worded in the reader's language, a badge, read on opening."""

from __future__ import annotations

import pytest
from flask_babel import lazy_gettext as _l
from sqlalchemy import event

from app.extensions import db
from app.notifications import services
from app.notifications.models import Notification

services.kind("test.reply", "%(name)s replied in “%(thread)s”")
# A kind whose template lost a parameter since the row was written still reads.
services.kind("test.changed", "%(who)s did something")


def _tell(user, **extra):
    services.notify(user.id, "test.reply", url="/learn/", name="Grace", thread="Visits", **extra)
    db.session.commit()


def test_a_notification_shows_with_a_badge_and_opening_it_reads_it(client, make_user, login):
    amani = make_user("leader")
    _tell(amani)
    login(amani)
    page = client.get("/learn/").get_data(as_text=True)
    assert 'class="badge">1<' in page
    listing = client.get("/notifications/").get_data(as_text=True)
    assert "Grace replied in “Visits”" in listing and 'class="note unread"' in listing
    row = db.session.scalar(db.select(Notification))
    assert f'action="/notifications/{row.id}"' in listing
    opened = client.post(f"/notifications/{row.id}")
    assert opened.status_code == 303 and opened.headers["Location"] == "/learn/"
    assert 'class="badge"' not in client.get("/learn/").get_data(as_text=True)


def test_looking_at_a_notification_s_address_marks_nothing_read(client, make_user, login):
    """Opening is a POST: a GET of its address (a link prefetched, a crawler) changes
    nothing."""
    amani = make_user("leader")
    _tell(amani)
    login(amani)
    row = db.session.scalar(db.select(Notification))
    assert client.get(f"/notifications/{row.id}").status_code == 405
    db.session.refresh(row)
    assert row.read_at is None


def test_the_same_event_told_twice_is_one_notification(app, make_user):
    amani = make_user("leader")
    for _ in range(2):
        _tell(amani, dedupe_key="post:7")
    _tell(amani)  # no key: a separate event
    assert db.session.scalar(db.select(db.func.count()).select_from(Notification)) == 2


def test_several_people_told_of_one_event_in_one_statement(app, make_user):
    """``notify_each``: each their own kind of it, once per key, however many they are."""
    amani, grace, joseph = make_user("leader"), make_user("leader"), make_user("coach")
    notices = [
        services.Notice(amani.id, "test.reply", "test.reply:7"),
        services.Notice(grace.id, "test.changed", "test.changed:7"),
        services.Notice(joseph.id, "test.changed"),  # no key: told each time
    ]
    statements = []

    def note(conn, cursor, statement, *args):
        statements.append(statement)

    for _ in range(2):
        event.listen(db.engine, "before_cursor_execute", note)
        try:
            services.notify_each(notices, url="/learn/", name="Grace", thread="Visits")
        finally:
            event.remove(db.engine, "before_cursor_execute", note)
        db.session.commit()
    assert len(statements) == 2, statements  # one each time
    rows = db.session.scalars(db.select(Notification).order_by(Notification.id)).all()
    assert [(row.user_id, row.kind) for row in rows] == [
        (amani.id, "test.reply"),
        (grace.id, "test.changed"),
        (joseph.id, "test.changed"),
        (joseph.id, "test.changed"),
    ]
    assert rows[0].params == {"name": "Grace", "thread": "Visits"}
    assert services.text(rows[0]) == "Grace replied in “Visits”"
    with pytest.raises(ValueError, match="unknown notification kind"):
        services.notify_each([services.Notice(amani.id, "test.nothing")], url="/learn/")


def test_someone_elses_notification_is_not_found(client, make_user, login):
    amani, grace = make_user("leader"), make_user("leader")
    _tell(amani)
    row = db.session.scalar(db.select(Notification))
    login(grace)
    assert client.post(f"/notifications/{row.id}").status_code == 404
    assert "Visits" not in client.get("/notifications/").get_data(as_text=True)
    db.session.refresh(row)
    assert row.read_at is None


def test_signed_out_people_are_sent_to_sign_in(client, make_user):
    assert client.get("/notifications/").status_code == 302
    assert client.post("/notifications/read").status_code == 302
    _tell(make_user("leader"))
    row = db.session.scalar(db.select(Notification))
    opened = client.post(f"/notifications/{row.id}")
    assert opened.status_code == 302 and "/sign-in" in opened.headers["Location"]
    db.session.refresh(row)
    assert row.read_at is None


def test_mark_all_read(client, make_user, login):
    amani = make_user("leader")
    _tell(amani)
    _tell(amani)
    login(amani)
    assert client.post("/notifications/read").status_code == 303
    assert 'class="badge"' not in client.get("/notifications/").get_data(as_text=True)


def test_words_follow_the_readers_language(client, make_user, login):
    services.kind("test.translated", _l("Learn"))
    amani = make_user("leader", locale="fr")
    services.notify(amani.id, "test.translated", url="/learn/")
    services.notify(amani.id, "test.changed", url="/learn/", somebody="x")
    db.session.commit()
    login(amani)
    listing = client.get("/notifications/").get_data(as_text=True)
    assert "Apprendre" in listing
    assert "%(who)s did something" in listing  # a stale template shows as it is


def test_older_notifications_page_in_place(client, make_user, login):
    amani = make_user("leader")
    for n in range(services.PER_PAGE + 3):
        services.notify(amani.id, "test.reply", url="/learn/", name=f"N{n}", thread="t")
    db.session.commit()
    login(amani)
    first = client.get("/notifications/").get_data(as_text=True)
    assert "N22 replied" in first and "N2 replied" not in first and 'id="older"' in first
    older_url = first.split('hx-get="')[1].split('"')[0].replace("&amp;", "&")
    fragment = client.get(older_url, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment and "N2 replied" in fragment and "N0 replied" in fragment
    assert 'id="older"' not in fragment


@pytest.mark.parametrize("url", ["https://evil.example/", "//evil.example/"])
def test_a_notification_opens_only_a_path_on_this_site(app, make_user, url):
    with pytest.raises(ValueError):
        services.notify(make_user().id, "test.reply", url=url, name="x", thread="y")


def test_an_unknown_kind_is_refused(app, make_user):
    with pytest.raises(ValueError):
        services.notify(make_user().id, "test.nope", url="/")


@pytest.mark.parametrize("before", [str(2**63), str(2**31), "²", "١٢", "-1", " 5"])
def test_an_odd_before_is_the_first_page(client, make_user, login, before):
    amani = make_user("leader")
    _tell(amani)
    login(amani)
    response = client.get(f"/notifications/?before={before}")
    assert response.status_code == 200 and "Grace replied" in response.get_data(as_text=True)


def test_the_badge_is_counted_with_the_signed_in_person(client, make_user, login):
    """The badge is on every page: its count rides in the person's own statement
    (``registry.person_column``), not one of its own."""
    amani = make_user("leader")
    _tell(amani)
    login(amani)
    statements = []

    def note(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        page = client.get("/me").get_data(as_text=True)
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    assert 'class="badge">1<' in page
    counting = [sql for sql in statements if "FROM notifications" in sql]
    assert len(counting) == 1 and "FROM users" in counting[0], statements
