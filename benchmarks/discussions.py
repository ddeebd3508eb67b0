"""Peer groups at scale: server time of the group page, a thread's last page and posting,
with 10,000 threads and 1,000,000 posts in one group.

    .venv/bin/python benchmarks/discussions.py                      # SQLite in a temp folder
    .venv/bin/python benchmarks/discussions.py --database-url postgresql://postgres@127.0.0.1/bench
    .venv/bin/python benchmarks/discussions.py --threads 1000 --posts 100000   # quicker

The data is bulk-inserted (threads with their counters already right, posts with their
ids), then each page is requested through the app in this process, signed in as a member,
``--runs`` times; the table gives the median and worst server time and the SQL statements
per request. One thread holds a tenth of all posts, so "big thread" is a thread's last page
at 100,000 posts. On PostgreSQL the tables go in a schema of their own, dropped afterwards.

Prints only; tests assert statement counts (tests/groups/test_groups_query_counts.py),
never times.
"""

from __future__ import annotations

import argparse
import contextvars
import itertools
import os
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

PASSWORD = "benchmark-password"
MEMBERS = 50
CHUNK = 20_000
BODY = "We tried **reading corners** in P3 and it helped. @Grace the guide is useful."


def _database(url: str | None, workdir: Path) -> tuple[str, object]:
    """The URL to use and a cleanup callable (a private schema on PostgreSQL)."""
    if not url:
        return f"sqlite:///{workdir / 'discussions.db'}", lambda: None
    from sqlalchemy import create_engine, text

    from app.config import database_url

    url = database_url(url)
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3D{schema}", drop


def _thread_of(n: int, threads: int) -> int:
    """Post n's thread: every tenth post in thread 1 (the big one), the rest spread out."""
    return 1 if n % 10 == 0 else 2 + n % (threads - 1)


def _thread_rows(group_id: int, member_ids: list[int], threads: int, posts: int, start):
    """The threads, with the counters their posts will give them."""
    first, last, count = {}, {}, {}
    for n in range(posts):
        t = _thread_of(n, threads)
        first.setdefault(t, n + 1)
        last[t] = n + 1
        count[t] = count.get(t, 0) + 1
    return [
        {
            "id": t,
            "group_id": group_id,
            "author_id": member_ids[t % len(member_ids)],
            "title": f"Topic {t}: how do you run it?",
            "created_at": start,
            "last_activity_at": start + timedelta(seconds=last.get(t) or 0),
            "reply_count": max(count.get(t, 0) - 1, 0),
            "first_post_id": first.get(t),
            "last_post_id": last.get(t),
            "pinned": False,
            "locked": False,
        }
        for t in range(1, threads + 1)
    ]


def generate(group_id: int, member_ids: list[int], threads: int, posts: int) -> None:
    """Bulk-insert ``threads`` threads and ``posts`` posts, counters and all."""
    from sqlalchemy import text

    from app.extensions import db
    from app.groups.models import Post, Thread
    from app.groups.services import render_post

    start = datetime(2026, 1, 1, tzinfo=UTC)
    _insert(Thread, _thread_rows(group_id, member_ids, threads, posts, start))
    html = render_post(BODY)
    batch = []
    for n in range(posts):
        batch.append(
            {
                "id": n + 1,
                "thread_id": _thread_of(n, threads),
                "author_id": member_ids[n % len(member_ids)],
                "body": BODY,
                "body_html": html,
                "idempotency_key": f"bench-{n}",
                "created_at": start + timedelta(seconds=n + 1),
            }
        )
        if len(batch) == CHUNK or n == posts - 1:
            _insert(Post, batch)
            batch = []
    if db.engine.dialect.name == "postgresql":  # ids were given: move the sequences past them
        for table in ("group_threads", "group_posts"):
            db.session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table}"
                )
            )
    db.session.execute(text("ANALYZE"))
    db.session.commit()


def _insert(model, rows: list[dict]) -> None:
    from app.extensions import db

    db.session.execute(model.__table__.insert(), rows)
    db.session.commit()


def _people(group):
    from app.accounts import services as accounts
    from app.groups import services

    members = []
    for n in range(MEMBERS):
        user = accounts.create_user(
            roles=("leader",),
            password=PASSWORD if n == 0 else None,
            email=f"member{n}@example.org",
            name=f"Member{n} Leader",
        )
        services.add_member(group, user)
        members.append(user)
    return members


def measure(client, counter, method: str, url_for_run, runs: int) -> tuple[float, float, int]:
    """(median ms, worst ms, statements of the last run) over ``runs`` requests."""
    times, statements = [], 0
    for run in range(runs):
        method_url, data = url_for_run(run)
        counter.clear()
        started = time.perf_counter()
        # In a context of its own, as each request is in production: nothing cached between.
        response = contextvars.Context().run(client.open, method_url, method=method, data=data)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code in (200, 303), (method_url, response.status_code)
        statements = len(counter)
    return statistics.median(times), max(times), statements


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="PostgreSQL URL (default: SQLite in a temp dir)")
    parser.add_argument("--threads", type=int, default=10_000)
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="headway-discussions-"))
    os.environ["INSTANCE_PATH"] = str(workdir)
    url, cleanup = _database(args.database_url, workdir)
    try:
        return _run(url, args)
    finally:
        cleanup()
        shutil.rmtree(workdir, ignore_errors=True)


def _requests(group_id: int, args) -> list:
    """(name, method, run → (url, form data)) of each request measured."""
    small = 2  # a thread of about posts ÷ threads
    keys = itertools.count()  # each reply a new one, never a retry
    return [
        ("group page", "GET", lambda r: (f"/groups/{group_id}", None)),
        ("group page 50", "GET", lambda r: (f"/groups/{group_id}?page=50", None)),
        ("big thread, last page", "GET", lambda r: ("/groups/threads/1", None)),
        ("thread, last page", "GET", lambda r: (f"/groups/threads/{small}", None)),
        (
            "big thread, older page",
            "GET",
            lambda r: (f"/groups/threads/1?before={args.posts // 2}", None),
        ),
        (
            "posting a reply",
            "POST",
            lambda r: (
                "/groups/threads/1/posts",
                {"body": f"Reply {r} to @Member1", "key": f"bench-reply-{next(keys):06d}"},
            ),
        ),
    ]


def _run(url: str, args) -> int:
    import logging

    from flask_migrate import upgrade
    from sqlalchemy import event

    from app import create_app
    from app.extensions import db
    from app.groups import services

    logging.getLogger("headway").setLevel(logging.WARNING)
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "benchmark-secret-key-that-is-long-enough",
            "WTF_CSRF_ENABLED": False,
            "SESSION_COOKIE_SECURE": False,
            "RATELIMIT_ENABLED": False,
        }
    )
    with app.app_context():
        upgrade()
        group = services.create_group("Benchmark cluster")
        members = _people(group)
        started = time.perf_counter()
        generate(group.id, [m.id for m in members], args.threads, args.posts)
        print(
            f"{args.threads:,} threads and {args.posts:,} posts on {db.engine.dialect.name} "
            f"generated in {time.perf_counter() - started:.0f} s"
        )
        statements: list[str] = []
        event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        client = app.test_client()
        response = contextvars.Context().run(
            client.post, "/sign-in", data={"identifier": members[0].email, "password": PASSWORD}
        )
        assert response.status_code == 303, response.status_code
        rows = _requests(group.id, args)
        print(f"{'request':<24} {'median ms':>10} {'worst ms':>10} {'statements':>11}")
        for name, method, url_for_run in rows:
            measure(client, statements, method, url_for_run, 2)  # warm caches
            median, worst, count = measure(client, statements, method, url_for_run, args.runs)
            print(f"{name:<24} {median:>10.1f} {worst:>10.1f} {count:>11}")
        db.session.remove()
        db.engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
