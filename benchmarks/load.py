"""Load: how many leaders can work at once, on one process and scaled out.

Locust, headless and bounded, drives simulated leaders through a journey mix — Learn, a
lesson, the reflection autosave, the video position, a quick-check answer and, now and then,
signing in again — against two layouts it starts itself:

* ``single``: SQLite and the server ``make run`` starts (gunicorn, one gevent process);
* ``scaled``: PostgreSQL (a fresh database) and the reference deployment (nginx with
  ``app/deploy/nginx.conf`` in front of two gunicorn web processes, Redis for rate limits).

and, asked for with ``--layouts``, ``single-pg``: the single process on PostgreSQL, which
separates what the database costs from what scaling out gains.

For each number of leaders (40, 200 and 1,000 by default) it prints requests/s, p50, p95
and failures, and the scaled-out layout's requests/s as a ratio to the single process's.
Media workers are not started in either layout: this measures serving, not transcoding.

Locust runs on the same machine, so the table also says where the cores went during each
run (read from /proc): the web processes, the database server, nginx, Locust itself, and
everything else (neighbours on a shared machine), in cores busy on average.

    .venv/bin/python -m benchmarks.load                       # both layouts, 40/200/1000
    .venv/bin/python -m benchmarks.load --layouts single --users 40 --seconds 20
    .venv/bin/python -m benchmarks.load --layouts single single-pg scaled
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
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
def single_layout(tmp: Path, database: str | None = None):
    from tests.ops import processes

    instance = tmp / ("single-pg" if database else "single")
    env = base_env(instance)
    if database:
        env["DATABASE_URL"] = database
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
def single_postgresql_layout(tmp: Path):
    """One process as ``make run`` serves, but on PostgreSQL: what the database alone
    changes, apart from scaling out."""
    with fresh_postgresql() as database, single_layout(tmp, database) as host:
        yield host


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
        env["HEADWAY_JOBS_QUEUE_NAME"] = env["HEADWAY_RATELIMIT_KEY_PREFIX"]
        env["HEADWAY_TRUSTED_PROXIES"] = "1"
        prepare(instance, env)
        ports = [processes.free_port() for _ in range(2)]
        log = tmp / "scaled.log"
        servers = [
            processes.gunicorn(port, env, log, extra=processes.BEHIND_FRONT) for port in ports
        ]
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
    """Locust in a process of its own (it patches the standard library with gevent), and
    the cores each kind of process used meanwhile."""
    command = [sys.executable, "-m", "benchmarks.load_journeys", host, str(users), str(seconds)]
    before, started = cpu_seconds(), time.monotonic()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    after, wall = cpu_seconds(), time.monotonic() - started
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = json.loads(out.strip().splitlines()[-1])
    cores = {kind: (after.get(kind, 0) - before.get(kind, 0)) / wall for kind in KINDS}
    cores["locust"] = (used.ru_utime + used.ru_stime - children.ru_utime - children.ru_stime) / wall
    cores["other"] = max(0.0, (after["busy"] - before["busy"]) / wall - sum(cores.values()))
    result["cores"] = {kind: round(value, 2) for kind, value in cores.items()}
    return result


#: What a process is, by its command line or name, for the cores column.
KINDS = {"web": "gunicorn", "db": "postgres", "front": "nginx"}
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds() -> dict[str, float]:
    """CPU seconds used so far by the live processes of each kind, and by the whole machine
    (``busy``). A process that ended between two readings is missed: the layouts' servers
    live through a run."""
    totals = dict.fromkeys(KINDS, 0.0)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        name, fields = stat[stat.index("(") + 1 : stat.rindex(")")], stat.rsplit(")", 1)[1].split()
        for kind, marker in KINDS.items():
            if marker in command or name.startswith(marker):
                totals[kind] += (int(fields[11]) + int(fields[12])) / TICKS
                break
    ticks = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    totals["busy"] = (sum(ticks) - ticks[3] - ticks[4]) / TICKS  # all but idle and iowait
    return totals


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--layouts", nargs="+", default=["single", "scaled"])
    parser.add_argument("--users", nargs="+", type=int, default=[40, 200, 1000])
    parser.add_argument("--seconds", type=float, default=30, help="each run, after ramp-up")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    layouts = {
        "single": single_layout,
        "single-pg": single_postgresql_layout,
        "scaled": scaled_layout,
    }
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
        f"\n{'layout':<9} {'leaders':>7} {'req/s':>8} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'fail':>6} {'x single':>8}   cores busy: web   db front locust other"
    )
    for (name, users), r in sorted(results.items(), key=lambda item: item[0][1]):  # stable
        single = results.get(("single", users))
        ratio = f"{r['rps'] / single['rps']:.2f}" if single and single["rps"] else "-"
        cores = " ".join(
            f"{r['cores'][kind]:>{width}.2f}"
            for kind, width in (("web", 5), ("db", 4), ("front", 5), ("locust", 6), ("other", 5))
        )
        print(
            f"{name:<9} {users:>7} {r['rps']:>8.1f} {r['p50_ms']:>7.0f} {r['p95_ms']:>7.0f} "
            f"{r['failures']:>6} {ratio:>8}               {cores}"
        )
    print(f"\n({os.cpu_count()} cores; the machine may be shared: see the README)")


if __name__ == "__main__":
    main()
