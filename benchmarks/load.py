"""Load: how many leaders can work at once, on one process and scaled out.

Locust, headless and bounded, drives simulated leaders through a journey mix — Learn, a
lesson, the reflection autosave, the video position, a quick-check answer and, now and then,
signing in again — against two layouts it starts itself:

* ``single``: SQLite and the server ``make run`` starts (gunicorn, one gevent process);
* ``scaled``: PostgreSQL (a fresh database) and the reference deployment (nginx with
  ``app/deploy/nginx.conf`` in front of two gunicorn web processes, Redis for rate limits).

For each number of leaders (40, 200 and 1,000 by default) it prints requests/s, p50, p95
and failures, and the scaled-out layout's requests/s as a ratio to the single process's.
Media workers are not started in either layout: this measures serving, not transcoding.

    .venv/bin/python -m benchmarks.load                       # both layouts, 40/200/1000
    .venv/bin/python -m benchmarks.load --layouts single --users 40 --seconds 20
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ACCOUNTS = 20  # simulated leaders share these (signing in hashes a password: slow to make)
PASSWORD = "load-test-password"
PG_ADMIN = os.environ.get("LOAD_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS = os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/14")


def prepare(instance: Path, env: dict[str, str]) -> None:
    """Migrate, load the demo course, and make the leaders' accounts."""
    flask = [sys.executable, "-m", "flask", "--app", "app:create_app"]
    for step in (["db", "upgrade"], ["demo", "load"]):
        subprocess.run(flask + step, cwd=ROOT, env=env, check=True, capture_output=True)
    code = (
        "from app import create_app; from app.accounts import services as s\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        f"    for n in range({ACCOUNTS}):\n"
        "        e = f'load-{n}@example.org'\n"
        f"        s.find_user(e) or s.create_user(email=e, name=f'Leader {{n}}', password={PASSWORD!r})\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True)


def base_env(instance: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "INSTANCE_PATH": str(instance),
        "HEADWAY_SECRET_KEY": "load-benchmark-secret-key-long-enough-for-the-check",
        "HEADWAY_SESSION_COOKIE_SECURE": "false",
        "HEADWAY_REMEMBER_COOKIE_SECURE": "false",
        # Every simulated leader comes from 127.0.0.1: per-address limits would measure
        # the limiter, not the app.
        "HEADWAY_SIGN_IN_LIMIT_PER_ADDRESS": "1000000/minute",
    }
    for name in ("DATABASE_URL", "REDIS_URL", "PROMETHEUS_MULTIPROC_DIR", "S3_BUCKET"):
        env.pop(name, None)
    return env


@contextlib.contextmanager
def single_layout(tmp: Path):
    from tests.ops import processes

    instance = tmp / "single"
    env = base_env(instance)
    prepare(instance, env)
    port = processes.free_port()
    log = tmp / "single.log"
    server = processes.gunicorn(port, env, log)
    try:
        processes.wait_until_answering(f"http://127.0.0.1:{port}/healthz", server, log)
        yield f"http://127.0.0.1:{port}"
    finally:
        processes.stop(server)


@contextlib.contextmanager
def fresh_postgresql():
    import psycopg

    name = f"headway_load_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_ADMIN.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def scaled_layout(tmp: Path):
    from tests.ops import processes

    with fresh_postgresql() as database:
        instance = tmp / "scaled"
        env = {**base_env(instance), "DATABASE_URL": database, "REDIS_URL": REDIS}
        env["HEADWAY_RATELIMIT_KEY_PREFIX"] = f"load-{uuid.uuid4().hex[:8]}"
        env["HEADWAY_MEDIA_QUEUE_NAME"] = env["HEADWAY_RATELIMIT_KEY_PREFIX"]
        env["HEADWAY_TRUSTED_PROXIES"] = "1"
        prepare(instance, env)
        ports = [processes.free_port() for _ in range(2)]
        log = tmp / "scaled.log"
        servers = [processes.gunicorn(port, env, log) for port in ports]
        front, prefix = None, None
        try:
            for port, server in zip(ports, servers, strict=True):
                processes.wait_until_answering(f"http://127.0.0.1:{port}/healthz", server, log)
            front, prefix, front_port = start_nginx(ports, env, log)
            processes.wait_until_answering(f"http://127.0.0.1:{front_port}/healthz", front, log)
            yield f"http://127.0.0.1:{front_port}"
        finally:
            for process in [front, *servers]:
                if process is not None:
                    processes.stop(process)
            if prefix:
                shutil.rmtree(prefix, ignore_errors=True)


def start_nginx(ports: list[int], env: dict[str, str], log: Path):
    from tests.ops import processes

    nginx = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    if nginx is None:
        raise SystemExit("the scaled-out layout needs nginx: apt-get install nginx-light")
    prefix = Path(tempfile.mkdtemp(prefix="headway-nginx-"))
    prefix.chmod(0o755)
    for folder in ("logs", "tmp"):
        (prefix / folder).mkdir()
    front_port = processes.free_port()
    conf = (ROOT / "app" / "deploy" / "nginx.conf").read_text()
    conf = conf.replace("127.0.0.1:8080", f"127.0.0.1:{front_port}")
    conf = conf.replace("127.0.0.1:8001", f"127.0.0.1:{ports[0]}")
    conf = conf.replace("127.0.0.1:8002", f"127.0.0.1:{ports[1]}")
    (prefix / "nginx.conf").write_text(conf)
    command = [nginx, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-g", "daemon off;"]
    return processes.start(command, env, log), prefix, front_port


def run_locust(host: str, users: int, seconds: float) -> dict:
    """Locust in a process of its own (it patches the standard library with gevent)."""
    command = [sys.executable, "-m", "benchmarks.load_journeys", host, str(users), str(seconds)]
    out = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--layouts", nargs="+", default=["single", "scaled"])
    parser.add_argument("--users", nargs="+", type=int, default=[40, 200, 1000])
    parser.add_argument("--seconds", type=float, default=30, help="each run, after ramp-up")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    layouts = {"single": single_layout, "scaled": scaled_layout}
    results: dict[tuple[str, int], dict] = {}
    with tempfile.TemporaryDirectory(prefix="headway-load-") as tmp:
        for name in args.layouts:
            with layouts[name](Path(tmp)) as host:
                for users in args.users:
                    results[name, users] = run_locust(host, users, args.seconds)
                    print(name, users, results[name, users], flush=True)
    print_table(results, args.users)


def print_table(results: dict, user_counts: list[int]) -> None:
    print(
        f"\n{'layout':<8} {'leaders':>7} {'req/s':>8} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'fail':>6} {'x single':>8}"
    )
    for (name, users), r in sorted(results.items(), key=lambda item: (item[0][1], item[0][0])):
        single = results.get(("single", users))
        ratio = f"{r['rps'] / single['rps']:.2f}" if single and single["rps"] else "-"
        print(
            f"{name:<8} {users:>7} {r['rps']:>8.1f} {r['p50_ms']:>7.0f} {r['p95_ms']:>7.0f} "
            f"{r['failures']:>6} {ratio:>8}"
        )
    print(f"\n({os.cpu_count()} cores; the machine may be shared: see the README)")


if __name__ == "__main__":
    main()
