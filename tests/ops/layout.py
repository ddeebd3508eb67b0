"""The reference deployment, started for real on this machine (README, "Serving a country"):
nginx with ``app/deploy/nginx.conf`` in front of two gunicorn web processes, two
``flask media worker`` processes, on PostgreSQL, Redis (queue and rate limits) and S3 (moto's
server). Every process gets the settings that must match across a deployment."""

from __future__ import annotations

import http.cookiejar
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from app.extensions import db
from app.media.models import MediaAsset
from tests.ops import processes
from tests.services import missing

NGINX_CONF = processes.ROOT / "app" / "deploy" / "nginx.conf"
METRICS_TOKEN = "metrics-token-of-the-scaled-out-test"


@dataclass
class Layout:
    """The processes of one deployment, and how to reach them."""

    tmp: Path
    env: dict[str, str]
    web_ports: list[int] = field(default_factory=list)
    front_port: int = 0
    web: list[subprocess.Popen] = field(default_factory=list)
    workers: list[subprocess.Popen] = field(default_factory=list)
    front: subprocess.Popen | None = None
    log: Path = field(init=False)

    def __post_init__(self) -> None:
        self.log = self.tmp / "processes.log"

    def web_url(self, index: int, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.web_ports[index]}{path}"

    def front_url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.front_port}{path}"

    def start_web(self, count: int = 2) -> None:
        self.web_ports = [processes.free_port() for _ in range(count)]
        for index, port in enumerate(self.web_ports):
            env = {**self.env, "INSTANCE_PATH": str(self.tmp / f"web-{index}")}
            server = processes.gunicorn(port, env, self.log, extra=processes.BEHIND_FRONT)
            self.web.append(server)
        for index, server in enumerate(self.web):
            processes.wait_until_answering(self.web_url(index, "/healthz"), server, self.log)

    def start_worker(self) -> subprocess.Popen:
        index = len(self.workers)
        env = {**self.env, "INSTANCE_PATH": str(self.tmp / f"worker-{index}")}
        worker = processes.media_worker(env, self.log)
        self.workers.append(worker)
        return worker

    def start_front(self) -> None:
        """nginx with the committed configuration; only its addresses become free ports."""
        nginx = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
        if nginx is None:
            missing("nginx is not installed (apt-get install nginx-light)")
        prefix = Path(tempfile.mkdtemp(prefix="headway-nginx-"))
        prefix.chmod(0o755)  # nginx's workers (nobody, when started as root) use tmp/
        for folder in ("logs", "tmp"):
            (prefix / folder).mkdir()
        self.front_port = processes.free_port()
        conf = NGINX_CONF.read_text()
        for old, new in [
            ("127.0.0.1:8080", f"127.0.0.1:{self.front_port}"),
            ("127.0.0.1:8001", f"127.0.0.1:{self.web_ports[0]}"),
            ("127.0.0.1:8002", f"127.0.0.1:{self.web_ports[1]}"),
        ]:
            assert old in conf
            conf = conf.replace(old, new)
        (prefix / "nginx.conf").write_text(conf)
        self.front = processes.start(
            [nginx, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-g", "daemon off;"],
            self.env,
            self.log,
        )
        self.front_prefix = prefix
        processes.wait_until_answering(self.front_url("/healthz"), self.front, self.log)

    def stop(self) -> None:
        for process in [*self.workers, *self.web]:
            processes.stop(process)
        if self.front is not None:
            processes.stop(self.front, timeout=10)
            shutil.rmtree(self.front_prefix, ignore_errors=True)


def migrated_database(env: dict[str, str], log: Path) -> tuple[str, callable]:
    """An empty schema of the test's PostgreSQL database, given its tables as an operator
    gives them: ``flask db upgrade``, once, before any process starts. Returns its URL and
    what drops it again."""
    server = make_url(env["DATABASE_URL"]).set(query={})
    schema = f"deployed_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{server.render_as_string(hide_password=False)}?options=-csearch_path%3D{schema}"

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    upgrade = [sys.executable, "-m", "flask", "--app", "app:create_app", "db", "upgrade"]
    done = subprocess.run(
        upgrade,
        cwd=processes.ROOT,
        env={**env, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=300,
    )
    with log.open("a") as out:
        out.write(done.stdout + done.stderr)
    if done.returncode != 0:
        drop()
        raise AssertionError(f"flask db upgrade failed:\n{done.stdout}{done.stderr}")
    return url, drop


def deployment_env(app, tmp: Path, redis_url: str, s3: dict[str, str]) -> dict[str, str]:
    """What every process of the deployment shares (README: the settings that must match)."""
    unique = uuid.uuid4().hex[:8]  # this test's queue and counters, apart from other runs
    return processes.app_env(
        app,
        tmp / "unused-instance",
        REDIS_URL=redis_url,
        HEADWAY_JOBS_QUEUE_NAME=f"headway-media-{unique}",
        HEADWAY_RATELIMIT_KEY_PREFIX=f"headway-{unique}",
        HEADWAY_TRUSTED_PROXIES="1",
        HEADWAY_METRICS_TOKEN=METRICS_TOKEN,
        HEADWAY_SIGN_IN_LIMIT_PER_ADDRESS="3/hour",
        # Quick enough for a test to see a dead worker's job taken over; slow enough that a
        # busy machine's late heartbeat (every 2 s) is not taken for a dead worker.
        HEADWAY_MEDIA_STALE_AFTER_S="10",
        HEADWAY_MEDIA_SWEEP_INTERVAL_S="1",
        HEADWAY_MEDIA_RETRY_BACKOFF_S="0.5",
        **s3,
    )


class Browser:
    """A phone's browser: one cookie jar, whichever process it reaches."""

    def __init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, url: str):
        try:
            return self.opener.open(url, timeout=30)
        except urllib.error.HTTPError as error:
            return error

    def post(self, url: str, **fields: str):
        data = urllib.parse.urlencode(fields).encode()
        try:
            return self.opener.open(url, data=data, timeout=30)
        except urllib.error.HTTPError as error:
            return error

    def sign_in(self, base: str, identifier: str, password: str):
        page = self.get(f"{base}/sign-in").read().decode()
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
        token = token or re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert token, page[:2000]
        return self.post(
            f"{base}/sign-in", identifier=identifier, password=password, csrf_token=token[1]
        )


def wait_for_asset(asset_id: int, check, log: Path, timeout: float = 180) -> MediaAsset:
    """Poll the database until ``check(asset)``; the timeout only ends a failing test."""
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        db.session.expire_all()
        asset = db.session.get(MediaAsset, asset_id)
        db.session.rollback()
        state = (asset.status, asset.worker, asset.attempts)
        if not seen or seen[-1] != state:
            seen.append(state)
        if check(asset):
            return asset
        time.sleep(0.2)
    raise AssertionError(f"asset {asset_id} went {seen}:\n{processes.tail(log)}")


def pid_of(asset: MediaAsset) -> int:
    return int(asset.worker.rsplit(":", 1)[1])


def lesson_playing(asset_id: int):
    """A published lesson whose video is the asset (tests/media/conftest.py's lesson_for)."""
    from app.frameworks import services as frameworks
    from app.frameworks.files import load_framework
    from app.learning import services as learning
    from app.learning.course_files import CourseSpec, LessonSpec, ModuleSpec
    from app.learning.models import Lesson

    framework = frameworks.import_framework(
        load_framework(processes.ROOT / "courses" / "frameworks" / "school-leadership-core.yaml")
    ).framework
    lesson = LessonSpec(
        slug="media-lesson",
        title="Media lesson",
        competencies=["LL.2"],
        duration_seconds=60,
        reflection_prompt="?",
        body="Text.",
        questions=[],
    )
    spec = CourseSpec(
        slug="media-course",
        title="Media course",
        summary="",
        framework=framework.code,
        modules=[ModuleSpec("module", "Module", [lesson])],
    )
    course = learning.import_course(spec, queue_media=False).course
    row = db.session.scalars(select(Lesson).where(Lesson.course_id == course.id)).one()
    row.media_asset_id = asset_id
    row.published = True
    db.session.commit()
    return row
