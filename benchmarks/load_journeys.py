"""The leaders Locust simulates for benchmarks/load.py, and a bounded headless run of them.

    .venv/bin/python -m benchmarks.load_journeys http://127.0.0.1:5000 40 30

prints one JSON line: requests/s, p50 and p95 in ms, failures. The server must have the
demo course and the accounts ``load-N@example.org`` (benchmarks/load.py makes them).
"""

from __future__ import annotations

import itertools
import json
import random
import re
import sys

import gevent
from gevent.lock import Semaphore
from locust import FastHttpUser, between, task
from locust.env import Environment

ACCOUNTS = 20
PASSWORD = "load-test-password"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
LESSON_LINK = re.compile(r'href="(/learn/[a-z0-9-]+/[a-z0-9-]+)(?:\?[^"]*)?"')
QUESTION_FORM = re.compile(r'action="(/learn/lessons/(\d+)/questions/\d+)')
_accounts = itertools.count()
# Leaders stay signed in for weeks (remember-me): simulated leaders of one account share
# its session, so the run is not all first sign-ins. The sign-in task still signs in anew.
_sessions: dict[str, dict] = {}
_signing_in: dict[str, Semaphore] = {}


class Leader(FastHttpUser):
    """A leader on a phone: reads Learn and lessons, writes in the notebook as they think,
    the player reports the position, answers a quick check; sometimes signs in again.

    FastHttpUser (geventhttpclient) rather than HttpUser (requests): Locust runs on the
    same two cores as the servers it measures, and costs about a fifth as much per request
    this way, leaving the cores to what is measured."""

    network_timeout = connection_timeout = 120.0  # count slow answers, do not cut them off

    wait_time = between(0.2, 1.0)

    def on_start(self) -> None:
        self.email = f"load-{next(_accounts) % ACCOUNTS}@example.org"
        self.token = ""
        self.lessons: list[str] = []
        with _signing_in.setdefault(self.email, Semaphore()):
            if self.email not in _sessions:
                self.sign_in()
                _sessions[self.email] = list(self.client.cookiejar)
        for cookie in _sessions[self.email]:
            self.client.cookiejar.set_cookie(cookie)
        self.learn()

    def _remember_token(self, html: str) -> None:
        found = CSRF.search(html)
        if found:
            self.token = found[1]

    @task(1)
    def sign_in(self) -> None:
        self.client.cookiejar.clear()
        self._remember_token(self.client.get("/sign-in", name="sign-in page").text)
        self.client.post(
            "/sign-in",
            data={"identifier": self.email, "password": PASSWORD, "csrf_token": self.token},
            name="sign in",
        )

    @task(20)
    def learn(self) -> None:
        page = self.client.get("/learn/", name="learn").text
        self._remember_token(page)
        self.lessons = sorted(set(LESSON_LINK.findall(page))) or self.lessons

    @task(20)
    def lesson(self) -> None:
        if self.lessons:
            page = self.client.get(random.choice(self.lessons), name="lesson").text
            self._remember_token(page)
            self.questions = QUESTION_FORM.findall(page)

    def _lesson_id(self) -> str | None:
        questions = getattr(self, "questions", None)
        return questions[0][1] if questions else None

    @task(12)
    def reflection_autosave(self) -> None:
        lesson_id = self._lesson_id()
        if lesson_id:
            self.client.post(
                f"/learn/lessons/{lesson_id}/reflection",
                data={"body": f"Notes {random.random()}", "csrf_token": self.token},
                headers={"HX-Request": "true"},
                name="reflection autosave",
            )

    @task(16)
    def position(self) -> None:
        lesson_id = self._lesson_id()
        if lesson_id:
            self.client.post(
                f"/learn/lessons/{lesson_id}/position",
                data={"seconds": random.randint(0, 300), "csrf_token": self.token},
                name="position",
            )

    @task(8)
    def answer(self) -> None:
        questions = getattr(self, "questions", None)
        if questions:
            url, _lesson = random.choice(questions)
            self.client.post(
                url,
                data={"choice": random.randint(1, 3), "csrf_token": self.token},
                headers={"HX-Request": "true"},
                name="answer",
            )


def run(host: str, users: int, seconds: float) -> dict:
    env = Environment(user_classes=[Leader], host=host)
    runner = env.create_local_runner()
    ramp_s = max(2.0, users / 100)
    runner.start(users, spawn_rate=users / ramp_s)
    gevent.sleep(ramp_s)
    while len(_sessions) < min(ACCOUNTS, users):  # the first sign-ins are not the steady state
        gevent.sleep(0.5)
    env.stats.reset_all()  # measure the steady state, not the ramp-up
    gevent.sleep(seconds)
    total = env.stats.total
    result = {
        "rps": round(total.num_requests / seconds, 1),
        "p50_ms": total.get_response_time_percentile(0.5) or 0,
        "p95_ms": total.get_response_time_percentile(0.95) or 0,
        "failures": total.num_failures,
        "requests": total.num_requests,
        "errors": {
            f"{error.name}: {error.error}"[:160]: error.occurrences
            for error in env.stats.errors.values()
        },
        "by_request": {
            name: [entry.num_requests, entry.get_response_time_percentile(0.5)]
            for (name, _method), entry in env.stats.entries.items()
        },
    }
    runner.quit()
    return result


if __name__ == "__main__":
    host, users, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    print(json.dumps(run(host, users, seconds)))
