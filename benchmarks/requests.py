"""What a leader's ordinary request costs the server: SQL statements and CPU time per
endpoint, on the demo programme (`flask demo load`) in a temporary SQLite database.

    .venv/bin/python benchmarks/requests.py            # 5 rounds of 200 per endpoint
    .venv/bin/python benchmarks/requests.py -n 100 --rounds 10
    .venv/bin/python benchmarks/requests.py --br-levels   # brotli's bytes and CPU per level

Signs in as Grace (a leader) and as the demo coach, then asks each endpoint ``-n`` times
through the test client (no network) and prints the statements of one request and the
mean CPU time (``time.process_time``) of the rest. CPU, not wall-clock: it is what a
small server runs out of, and it does not count waiting. Even CPU time varies by a third
from one run to the next on a shared machine (caches, the other processes on its cores):
each endpoint is measured in ``--rounds`` rounds and the least is printed, as ``timeit``
does.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import event, select  # noqa: E402

from benchmarks.mix import MIX  # noqa: E402

GRACE = "+254700000001"
COACH = "coach@example.org"


def _config(instance: Path) -> dict:
    return {
        "SECRET_KEY": "benchmark-secret-key-that-is-long-enough",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'requests.sqlite'}",
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
        "RATELIMIT_ENABLED": False,
        "WTF_CSRF_ENABLED": False,
    }


def _signed_in(app, identifier: str):
    from app.demo import DEMO_PASSWORD

    client = app.test_client()
    response = client.post("/sign-in", data={"identifier": identifier, "password": DEMO_PASSWORD})
    assert response.status_code in (302, 303), response.status_code
    return client


def _endpoints(app):
    """(name, client, method, url, data) for each request a leader or coach makes often:
    the leaders' mix of ``benchmarks/country_load_people.py`` (``MIX``), then the coach's
    page. ``data`` is called for each request (a reply carries a fresh key each time)."""
    from app.extensions import db
    from app.groups.models import Thread
    from app.learning.models import Lesson, QuickCheckQuestion

    with app.app_context():
        lesson = db.session.scalar(
            select(Lesson)
            .where(Lesson.published, Lesson.id.in_(select(QuickCheckQuestion.lesson_id)))
            .order_by(Lesson.id)
        )
        lesson_url = f"/learn/{lesson.course.slug}/{lesson.slug}"
        lesson_id = lesson.id
        question_id = db.session.scalar(
            select(QuickCheckQuestion.id)
            .where(QuickCheckQuestion.lesson_id == lesson_id)
            .order_by(QuickCheckQuestion.id)
        )
        thread_id, reply_to = db.session.scalars(select(Thread.id).order_by(Thread.id).limit(2))
    grace, coach = _signed_in(app, GRACE), _signed_in(app, COACH)
    lesson_path = f"/learn/lessons/{lesson_id}"
    count = itertools.count()
    return [
        ("Learn", grace, "get", "/learn/", None),
        ("lesson", grace, "get", lesson_url, None),
        ("position save", grace, "post", f"{lesson_path}/position", lambda: {"seconds": 9}),
        (
            "quick-check answer",
            grace,
            "post",
            f"{lesson_path}/questions/{question_id}",
            lambda: {"choice": 1},
        ),
        (
            "reflection",
            grace,
            "post",
            f"{lesson_path}/reflection",
            lambda: {"body": f"What I will try this week ({next(count)}): walk the classrooms."},
        ),
        ("thread", grace, "get", f"/groups/threads/{thread_id}", None),
        (
            "reply",
            grace,
            "post",
            f"/groups/threads/{reply_to}/posts",  # another thread: the one read stays as it is
            lambda: {"body": f"Tried it today ({next(count)})", "key": uuid.uuid4().hex},
        ),
        ("coaching", grace, "get", "/coaching/me", None),
        ("coaching (coach)", coach, "get", "/coaching/", None),
    ]


def measure(app, n: int, rounds_of: int = 1) -> list[tuple[str, int, float, int]]:
    """Each endpoint's statements (one request, warm) and its least mean CPU over
    ``rounds_of`` rounds of ``n``. The rounds go round the endpoints, so a slow spell of the
    machine's falls on some rounds of each rather than on all of one."""
    from app.extensions import db

    statements = []
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    measured = []
    for name, client, method, url, data in _endpoints(app):
        headers = {"Accept-Encoding": "br"}
        if method == "post":  # as the phone sends them: HTMX's header (a fragment back)
            headers["HX-Request"] = "true"
        send = getattr(client, method)

        def sent(send=send, url=url, data=data, headers=headers):
            return send(url, data=data() if data else None, headers=headers)

        for _ in range(3):  # warm: templates compiled, caches filled, the lesson started
            sent()
        statements.clear()
        response = sent()
        assert response.status_code in (200, 204), (url, response.status_code)
        measured.append((name, sent, len(statements), len(response.data), []))
    for _ in range(rounds_of):
        for _name, sent, _count, _size, rounds in measured:
            started = time.process_time()
            for _ in range(n):
                sent()
            rounds.append((time.process_time() - started) * 1000 / n)
    return [(name, count, min(rounds), size) for name, _s, count, size, rounds in measured]


def brotli_levels(app, n: int) -> None:
    """Each page's HTML compressed at brotli levels 1–6 (and 11, as static files are):
    bytes, and CPU ms per compression (the mean of ``n``)."""
    import brotli

    print("| page | HTML bytes | level | br bytes | CPU ms to compress |")
    print("|---|---|---|---|---|")
    for name, client, method, url, _data in _endpoints(app):
        if method != "get":
            continue
        body = client.get(url).data  # no Accept-Encoding: the page as rendered
        for level in (1, 2, 3, 4, 5, 6, 11):
            started = time.process_time()
            for _ in range(n):
                compressed = brotli.compress(body, quality=level)
            cpu_ms = (time.process_time() - started) * 1000 / n
            print(f"| {name} | {len(body):,} | {level} | {len(compressed):,} | {cpu_ms:.3f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=200, help="requests per endpoint and round")
    parser.add_argument(
        "--rounds",
        type=int,
        default=5,
        help="rounds of -n per endpoint; the least CPU of them is printed (what the request "
        "costs when nothing else on the machine slows it: caches, other processes)",
    )
    parser.add_argument("--br-levels", action="store_true", help="compare brotli levels")
    args = parser.parse_args()

    from app import create_app
    from app.extensions import db

    with tempfile.TemporaryDirectory() as instance:
        app = create_app(_config(Path(instance)))
        with app.app_context():
            db.create_all()
        result = app.test_cli_runner().invoke(args=["demo", "load"])
        assert result.exit_code == 0, result.output
        gc.freeze()  # as wsgi.py does once the app is made
        if args.br_levels:
            brotli_levels(app, args.n)
            return
        rows = measure(app, args.n, args.rounds)
    print(
        f"| endpoint | statements | CPU ms per request (mean of {args.n}, "
        f"least of {args.rounds} rounds) | bytes (br) |"
    )
    print("|---|---|---|---|")
    for name, count, cpu_ms, size in rows:
        print(f"| {name} | {count} | {cpu_ms:.1f} | {size:,} |")
    weights = dict(MIX)
    mixed = sum(weights[name] * cpu_ms for name, _c, cpu_ms, _s in rows if name in weights)
    print(
        f"\nMean over the leaders' mix (weights {dict(MIX)}): {mixed / sum(weights.values()):.2f} ms"
    )


if __name__ == "__main__":
    main()
