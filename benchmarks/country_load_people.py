"""The people of ``benchmarks/country_load.py``: a phone (one connection, one session's
cookies, every answer recorded in ``RECORDS``), a leader and their mix, the admin's
import round, and the member posting a 40-megapixel photo. gevent must be patched before
this is imported (``country_load`` does it first)."""

from __future__ import annotations

import gzip
import io
import random
import re
import time
import uuid
from dataclasses import dataclass, field
from urllib.parse import urlencode

import brotli
import gevent.event
from geventhttpclient import HTTPClient

from benchmarks.country import PASSWORD
from benchmarks.mix import MIX

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
FORM_KEY = re.compile(r'name="key"[^>]*value="([^"]+)"')
#: the draft import a check page's confirm button names (``ConfirmImportForm.batch``)
BATCH = re.compile(r'name="batch"[^>]*value="([^"]+)"')
OK = {200, 204, 286, 302, 303}


@dataclass
class Country:
    programme_id: int
    cohort_id: int  # the largest
    cohort_name: str
    lessons: list[tuple[int, str]]  # (id, url)
    questions: dict[int, list[int]]
    threads: dict[int, list[int]]  # group → thread ids
    groups: int
    leaders: int


# --- requests --------------------------------------------------------------------------


@dataclass
class Record:
    at: float  # when the answer was complete (monotonic)
    name: str
    seconds: float
    ok: bool
    who: str  # leader, health, admin, photo, endpoint


RECORDS: list[Record] = []


class Phone:
    """One connection and one session's cookies."""

    def __init__(self, port: int, cookies: dict[str, str] | None = None) -> None:
        self.client = HTTPClient(
            "127.0.0.1", port, connection_timeout=30, network_timeout=180, concurrency=1
        )
        self.cookies = dict(cookies or {})
        self.token = ""

    def request(self, method, url, body=b"", headers=None, *, name, who, record=True):
        headers = dict(headers or {})
        headers["Accept-Encoding"] = "br, gzip"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.monotonic()
        status, text, items = 0, "", []
        try:
            response = self.client.request(method, url, body=body, headers=headers)
            status, items = response.status_code, list(response.items())
            payload = response.read()
            response.release()
            encoding = dict((k.lower(), v) for k, v in items).get("content-encoding")
            if encoding == "br":
                payload = brotli.decompress(payload)
            elif encoding == "gzip":
                payload = gzip.decompress(payload)
            text = payload.decode("utf-8", "replace")
        except Exception as error:  # noqa: BLE001 - a failure to count, whatever it is
            text = repr(error)
        finished = time.monotonic()
        for key, value in items:
            if key.lower() == "set-cookie":
                pair = value.split(";", 1)[0]
                cookie, _, content = pair.partition("=")
                if content and "max-age=0" not in value.lower():
                    self.cookies[cookie.strip()] = content
                else:
                    self.cookies.pop(cookie.strip(), None)
        if record:
            RECORDS.append(Record(finished, name, finished - started, status in OK, who))
        found = CSRF.search(text)
        if found:
            self.token = found[1]
        return status, text, dict((k.lower(), v) for k, v in items)

    def get(self, url, *, name, who, headers=None, record=True):
        return self.request("GET", url, headers=headers, name=name, who=who, record=record)

    def post(self, url, data, *, name, who, headers=None, files=None):
        data = {**data, "csrf_token": self.token}
        if files:
            body, content_type = multipart(data, files)
        else:
            body, content_type = urlencode(data).encode(), "application/x-www-form-urlencoded"
        headers = {**(headers or {}), "Content-Type": content_type}
        return self.request("POST", url, body, headers, name=name, who=who)


def multipart(data: dict, files: dict[str, tuple[str, bytes, str]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    out = io.BytesIO()
    for key, value in data.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'.encode())
        out.write(f"{value}\r\n".encode())
    for key, (filename, content, kind) in files.items():
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"; '
            f'filename="{filename}"\r\nContent-Type: {kind}\r\n\r\n'.encode()
        )
        out.write(content + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


def sign_in(port: int, identifier: str) -> Phone:
    phone = Phone(port)
    phone.get("/sign-in", name="sign-in page", who="sign-in")
    status, _, _ = phone.post(
        "/sign-in",
        {"identifier": identifier, "password": PASSWORD, "remember": "y"},
        name="sign in",
        who="sign-in",
    )
    if status not in (302, 303):
        raise SystemExit(f"signing in as {identifier} answered {status}")
    phone.get("/learn/", name="Learn", who="sign-in")  # a token for this session's forms
    return phone


# --- who does what ---------------------------------------------------------------------


@dataclass
class Leader:
    number: int  # leader00001 … of the data set
    session: Phone
    port: int
    country: Country
    rng: random.Random
    lesson: tuple[int, str] | None = None

    def __post_init__(self) -> None:
        # A phone of its own (its connection), signed in as the account's session.
        own = Phone(self.port, self.session.cookies)
        own.token = self.session.token
        self.phone = own
        group = (self.number - 1) % self.country.groups + 1
        self.threads = self.country.threads.get(group) or [1]

    def act(self, name: str) -> None:
        phone, rng, who = self.phone, self.rng, "leader"
        if self.lesson is None or name == "lesson":
            self.lesson = rng.choice(self.country.lessons)
        lesson_id, lesson_url = self.lesson
        htmx = {"HX-Request": "true"}
        if name == "Learn":
            phone.get("/learn/", name=name, who=who)
        elif name == "lesson":
            phone.get(lesson_url, name=name, who=who)
        elif name == "position save":
            url = f"/learn/lessons/{lesson_id}/position"
            phone.post(url, {"seconds": rng.randrange(1, 600)}, name=name, who=who)
        elif name == "quick-check answer":
            questions = self.country.questions.get(lesson_id)
            if not questions:
                return self.act("position save")
            url = f"/learn/lessons/{lesson_id}/questions/{rng.choice(questions)}"
            phone.post(url, {"choice": rng.randint(1, 3)}, name=name, who=who, headers=htmx)
        elif name == "reflection":
            body = f"What I will try this week ({rng.random():.6f}): walk the classrooms."
            url = f"/learn/lessons/{lesson_id}/reflection"
            phone.post(url, {"body": body}, name=name, who=who, headers=htmx)
        elif name == "thread":
            phone.get(f"/groups/threads/{rng.choice(self.threads)}", name=name, who=who)
        elif name == "reply":
            url = f"/groups/threads/{rng.choice(self.threads)}/posts"
            data = {"body": f"Tried it today {rng.random():.6f}", "key": uuid.uuid4().hex}
            phone.post(url, data, name=name, who=who, headers=htmx)
        elif name == "coaching":
            phone.get("/coaching/me", name=name, who=who)


def leader_loop(leader: Leader, think: tuple[float, float], stop: gevent.event.Event) -> None:
    names, weights = zip(*MIX, strict=True)
    if stop.wait(leader.rng.uniform(0, think[1])):  # phones do not start in step
        return
    while not stop.is_set():
        leader.act(leader.rng.choices(names, weights)[0])
        if stop.wait(leader.rng.uniform(*think)):
            return


def health_loop(port: int, stop: gevent.event.Event) -> None:
    phone = Phone(port)
    while not stop.is_set():
        phone.get("/healthz", name="/healthz", who="health")
        stop.wait(0.5)


@dataclass
class Admin:
    port: int
    country: Country
    rows: int
    events: list[tuple[float, str, float, int]] = field(default_factory=list)

    def timed(self, what: str, call):
        started = time.monotonic()
        status, text, headers = call()
        self.events.append((started, what, time.monotonic() - started, status))
        return status, text, headers

    def wait_for(self, url: str, what: str, stop) -> float:
        """Poll as the page's HTMX does (every 2 s) until it answers 286."""
        started, status = time.monotonic(), 0
        while not stop.is_set():
            htmx = {"HX-Request": "true"}
            status, _, _ = self.phone.get(url, name=what, who="admin", headers=htmx)
            if status == 286 or status >= 400:
                break
            stop.wait(2)
        waited = time.monotonic() - started
        done = status if status == 286 or status >= 400 else "not done by the end"
        self.events.append((started, what + " (job)", waited, done))
        return waited

    def run(self, stop: gevent.event.Event) -> None:
        self.phone = sign_in(self.port, "admin@country.example")
        pid, round_ = self.country.programme_id, 0
        while not stop.is_set():
            round_ += 1
            self.one_import(pid, round_, stop)

    def one_import(self, pid: int, round_: int, stop) -> None:
        phone, who = self.phone, "admin"
        _, page, _ = phone.get(f"/programme/{pid}/import", name="import page", who=who)
        key = FORM_KEY.search(page)
        data = {"key": key[1] if key else uuid.uuid4().hex}
        csv = import_file(self.country.cohort_name, self.rows, round_)
        status, _, headers = self.timed(
            "upload",
            lambda: phone.post(
                f"/programme/{pid}/import",
                data,
                name="import upload",
                who=who,
                files={"file": ("leaders.csv", csv, "text/csv")},
            ),
        )
        check = headers.get("location", "")
        if status != 303 or not check:
            self.events.append((time.monotonic(), f"upload refused {status}", 0, status))
            stop.wait(5)
            return
        check = "/" + check.split("/", 3)[-1] if check.startswith("http") else check
        self.wait_for(check, "check", stop)
        _, page, _ = phone.get(check, name="check page", who=who)
        batch = BATCH.search(page)
        if stop.is_set() or not batch:
            self.events.append((time.monotonic(), "no confirm on the check page", 0, 0))
            return
        status, _, headers = self.timed(
            "confirm",
            lambda: phone.post(
                f"/programme/{pid}/import", {"batch": batch[1]}, name="import confirm", who=who
            ),
        )
        done = headers.get("location", "")
        done = "/" + done.split("/", 3)[-1] if done.startswith("http") else done
        self.wait_for(done, "import", stop)
        if stop.is_set():
            return
        codes = done + "/invitations.csv"
        while not stop.is_set():
            status, text, _ = self.timed(
                "codes download",
                lambda: phone.post(codes, {}, name="codes download", who=who),
            )
            if status != 303:
                break
            stop.wait(2)
        cohort = f"/programme/{pid}/cohorts/{self.country.cohort_id}"
        self.timed("largest cohort", lambda: phone.get(cohort, name="largest cohort", who=who))
        report = f"/programme/{pid}/report"
        self.timed("programme report", lambda: phone.get(report, name="report", who=who))


def import_file(cohort: str, rows: int, round_: int) -> bytes:
    """``rows`` new leaders, numbered apart from the data set's and each round's."""
    lines = ["name,phone,email,school,region,cohort,language"]
    base = 30_000_000 + round_ * 100_000
    for n in range(1, rows + 1):
        phone = f"+2547{base + n:08d}"
        lines.append(f"Imported Leader {round_}-{n},{phone},,School {n},Nairobi,{cohort},en")
    return ("\n".join(lines) + "\n").encode()


def photo_jpeg(size=(7728, 5152)) -> bytes:
    """A 40-megapixel phone-like JPEG (as benchmarks/photos.py makes it)."""
    from PIL import Image

    small = (size[0] // 8, size[1] // 8)
    texture = Image.effect_noise(small, 40).resize(size, Image.Resampling.BICUBIC)
    light = Image.linear_gradient("L").resize(size)
    picture = Image.merge("RGB", (texture, light, Image.blend(texture, light, 0.5)))
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=85)
    return out.getvalue()


def post_photo(phone: Phone, thread: int, picture: bytes) -> None:
    url = f"/groups/threads/{thread}"
    _, page, _ = phone.get(url, name="thread", who="photo")
    key = FORM_KEY.search(page)
    data = {"body": "Our new reading corner", "key": key[1] if key else uuid.uuid4().hex}
    phone.post(
        url + "/posts",
        data,
        name="photo post (40 MP)",
        who="photo",
        files={"photo": ("corner.jpg", picture, "image/jpeg")},
    )
