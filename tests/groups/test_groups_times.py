"""A post's time in a thread: how long ago, in the reader's language, with the exact time
(day before month, on the reader's clock) in the <time> element; a week on, the day itself.
"12/7/26, 4:57 AM" is 12 July to a head teacher in Nairobi reading it on 7 December."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from app.db import utcnow
from app.extensions import db
from tests.groups.conftest import reply


def _time_of(html: str, post_id: int) -> str:
    post = html[html.index(f'id="post-{post_id}"') :]
    return re.search(r"<time [^>]*>[^<]*</time>", post).group(0)


def test_a_post_says_how_long_ago_with_the_day_before_the_month(client, login, circle, thread):
    post = reply(thread, circle.amani, "Two hours ago")
    post.created_at = utcnow() - timedelta(hours=2, minutes=5)
    db.session.commit()
    circle.grace.timezone = "Africa/Nairobi"
    db.session.commit()
    login(circle.grace)
    html = client.get(f"/groups/threads/{thread.id}").get_data(as_text=True)
    tag = _time_of(html, post.id)
    assert ">2 hours ago</time>" in tag
    when = post.created_at.astimezone(UTC) + timedelta(hours=3)  # Nairobi
    assert f'title="{when.day} {when:%b} {when.year}, {when:%H:%M}"' in tag
    assert f'datetime="{post.created_at.astimezone(UTC):%Y-%m-%dT%H:%M:%S}Z"' in tag


def test_an_older_post_shows_its_day_in_the_readers_language(client, login, circle, thread):
    post = reply(thread, circle.amani, "Last month")
    post.created_at = datetime(2025, 12, 7, 4, 57, tzinfo=UTC)
    circle.grace.locale, circle.grace.timezone = "sw", "Africa/Nairobi"
    db.session.commit()
    login(circle.grace)
    html = client.get(f"/groups/threads/{thread.id}").get_data(as_text=True)
    assert _time_of(html, post.id) == (
        '<time datetime="2025-12-07T04:57:00Z" title="7 Des 2025, 07:57">7 Des 2025</time>'
    )
    # The group's list of threads says the same of the thread's last post.
    circle.grace.locale = "fr"
    db.session.commit()
    html = client.get(f"/groups/{circle.group.id}").get_data(as_text=True)
    assert re.search(r'<time datetime="[^"]+Z" title="[^"]+">à l’instant</time>', html)
