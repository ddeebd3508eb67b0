"""A country's morning on one `make run` server: leaders ramped up while an admin imports.

Against a server it starts exactly as ``make run`` does (``gunicorn --config
app/gunicorn.conf.py --workers 1 --timeout 120 --access-logfile -`` with
``HEADWAY_INPROCESS_WORKER=1``, SQLite in the instance folder), on a copy of the country
data set (``benchmarks/country.py``; made first if ``--dataset`` does not exist):

* **leaders**, ramped in steps (500, 1000, … ``--leaders-max``), each making a request
  every 10–20 s (``--think``): Learn, a lesson, position saves while watching, quick-check
  answers, reflections, a thread of their group and replies to it, their coaching page.
  They are signed in by real sessions (``GET /sign-in`` for the CSRF token, then ``POST
  /sign-in``); signing in is scrypt, so ``--accounts`` distinct leaders sign in before the
  ramp and the simulated leaders share them, as a leader's phone stays signed in for weeks;
* **an admin**, at the same time and over and over until the ramp ends: uploads an import
  of 20,000 more leaders (``--import-rows``) into the largest cohort, waits for the check
  job, confirms, waits for the import job, downloads the invitation codes, opens the
  largest cohort's page and the whole-programme report;
* **a member** posting a 40-megapixel JPEG (made with Pillow) in their group's thread once
  per step;
* ``/healthz`` every 0.5 s.

The load generator is gevent with geventhttpclient (a connection per simulated phone, as
phones keep theirs; the people are in ``benchmarks/country_load_people.py``), in this process, on the same cores as the server: its own CPU is
printed too. Per step it prints requests/s, p50/p95 of the leaders' requests, the worst
``/healthz``, failures, and the server's CPU (``/proc/<pid>/stat`` utime+stime of the
gunicorn worker and arbiter) per request served in the step's window, whatever asked for
it. CPU per **endpoint** comes from a second phase: with the ramp and the admin stopped
and the server idle again, each endpoint alone for ``--endpoint-seconds`` (a few
closed-loop clients), CPU delta divided by the requests served, less the idle process's
own CPU rate (the in-process job workers polling), measured just before.

    .venv/bin/python -m benchmarks.country_load                     # 500 … 3000 leaders
    .venv/bin/python -m benchmarks.country_load --leaders-max 1500 --step-seconds 40
    .venv/bin/python -m benchmarks.country_load --no-heavy --endpoint-seconds 0

``--layout scaled`` runs the same against the README's scaled-out layout instead
(``benchmarks/country_load_scaled.py``: nginx, two web processes, a job worker, PostgreSQL
with the country made in it, which takes minutes, and Redis).

    .venv/bin/python -m benchmarks.country_load --layout scaled --leaders-max 2000
    .venv/bin/python -m benchmarks.country_load --layout scaled --country "leaders=2000 coaches=40"
"""

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import contextlib  # noqa: E402
import itertools  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import shutil  # noqa: E402
import sqlite3  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402

import gevent  # noqa: E402
import gevent.event  # noqa: E402
from gevent.pool import Pool  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.country import leader_email  # noqa: E402
from benchmarks.country_load_people import (  # noqa: E402
    MIX,
    RECORDS,
    Admin,
    Country,
    Leader,
    Phone,
    health_loop,
    leader_loop,
    photo_jpeg,
    post_photo,
    sign_in,
)

TICKS = os.sysconf("SC_CLK_TCK")


# --- the data set and the server -------------------------------------------------------


def read_country(query) -> Country:
    """The ids the people need, through ``query(sql) -> rows`` (SQLite or PostgreSQL)."""
    programme_id = query("SELECT min(id) FROM programmes")[0][0]
    cohort_id, cohort_name = query(
        "SELECT id, name FROM cohorts ORDER BY member_count DESC, id LIMIT 1"
    )[0]
    lessons = [
        (lid, f"/learn/{course}/{slug}")
        for lid, course, slug in query(
            "SELECT lessons.id, courses.slug, lessons.slug FROM lessons "
            "JOIN courses ON courses.id = lessons.course_id WHERE lessons.published "
            "ORDER BY lessons.id"
        )
    ]
    questions: dict[int, list[int]] = {}
    for qid, lid in query("SELECT id, lesson_id FROM quick_check_questions"):
        questions.setdefault(lid, []).append(qid)
    threads: dict[int, list[int]] = {}
    for tid, gid in query("SELECT id, group_id FROM group_threads ORDER BY id"):
        threads.setdefault(gid, []).append(tid)
    groups = query("SELECT count(*) FROM groups")[0][0]
    leaders = query("SELECT count(*) FROM user_roles WHERE role = 'leader'")[0][0]
    return Country(
        programme_id, cohort_id, cohort_name, lessons, questions, threads, groups, leaders
    )


def start_server(instance: Path, port: int, log: Path) -> subprocess.Popen:
    """As ``make run`` starts it (Makefile), on ``instance``."""
    env = {
        **os.environ,
        "INSTANCE_PATH": str(instance),
        "PORT": str(port),
        "HEADWAY_SESSION_COOKIE_SECURE": "false",
        "HEADWAY_REMEMBER_COOKIE_SECURE": "false",
        "HEADWAY_DEFAULT_REGION": "KE",
        "HEADWAY_INPROCESS_WORKER": "1",
        # Every simulated phone comes from 127.0.0.1: a per-address limit would measure
        # the limiter (benchmarks/load.py does the same).
        "HEADWAY_SIGN_IN_LIMIT_PER_ADDRESS": "1000000/minute",
    }
    for name in ("DATABASE_URL", "REDIS_URL", "PROMETHEUS_MULTIPROC_DIR", "S3_BUCKET"):
        env.pop(name, None)
    command = [str(Path(sys.executable).with_name("gunicorn")), "--config", "app/gunicorn.conf.py"]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", "1", "--timeout", "120"]
    command += ["--access-logfile", "-", "wsgi:app"]
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def server_pids(arbiter: int) -> list[int]:
    """The arbiter and its worker(s)."""
    pids = [arbiter]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == arbiter:
                pids.append(int(entry.name))
    return pids


def cpu_seconds(pids) -> float:
    """utime + stime of ``pids``, those that still run."""
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / TICKS
    return total


def own_cpu() -> float:
    return time.process_time()


# --- the run ---------------------------------------------------------------------------


@dataclass
class Step:
    leaders: int
    start: float
    end: float
    server_cpu: float
    own_cpu: float
    load: tuple[float, float, float]
    admin: list[str]


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def ramp(args, port: int, meter, country: Country, sessions: list[Phone]):
    stop, admin_stop = gevent.event.Event(), gevent.event.Event()
    greenlets = [gevent.spawn(health_loop, port, stop)]
    admin = Admin(port, country, args.import_rows)
    if args.heavy:
        greenlets.append(gevent.spawn(admin.run, admin_stop))
        photographer = sign_in(port, leader_email(country.leaders))  # not one of the leaders
        picture = photo_jpeg()
        group = (country.leaders - 1) % country.groups + 1
        thread = (country.threads.get(group) or [1])[0]
    leaders: list[Leader] = []
    steps = []
    settle = min(args.think[1], args.step_seconds / 3)
    for target in range(args.leaders_step, args.leaders_max + 1, args.leaders_step):
        load = os.getloadavg()
        while len(leaders) < target:
            n = len(leaders)
            session = sessions[n % len(sessions)]
            leader = Leader(n % len(sessions) + 1, session, port, country, random.Random(n))
            leaders.append(leader)
            greenlets.append(gevent.spawn(leader_loop, leader, tuple(args.think), stop))
        if args.heavy:
            greenlets.append(gevent.spawn(post_photo, photographer, thread, picture))
        gevent.sleep(settle)
        start, cpu, mine = time.monotonic(), meter(), own_cpu()
        gevent.sleep(args.step_seconds - settle)
        end = time.monotonic()
        doing = sorted(
            {what for at, what, took, _ in admin.events if at < end and at + took > start}
        )
        steps.append(Step(target, start, end, meter() - cpu, own_cpu() - mine, load, doing))
        print(f"  {target} leaders: step done (load average {load[0]:.2f})", flush=True)
    admin_stop.set()
    stop.set()
    gevent.joinall(greenlets, timeout=200)
    return steps, admin


def step_table(steps: list[Step]) -> str:
    lines = [
        "| leaders | load avg before | leader req/s | p50 ms | p95 ms | worst /healthz ms "
        "| failures | all requests | server CPU ms/request | server cores | generator cores "
        "| admin meanwhile |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for step in steps:
        inside = [r for r in RECORDS if step.start <= r.at < step.end]
        mine = [r for r in inside if r.who == "leader"]
        health = [r.seconds for r in inside if r.who == "health"]
        wall = step.end - step.start
        times = [r.seconds for r in mine]
        failed = sum(not r.ok for r in mine)
        lines.append(
            f"| {step.leaders:,} | {step.load[0]:.2f} | {len(mine) / wall:.1f} "
            f"| {percentile(times, 0.5) * 1000:.0f} | {percentile(times, 0.95) * 1000:.0f} "
            f"| {max(health, default=0) * 1000:.0f} | {failed} "
            f"| {len(inside):,} | {step.server_cpu * 1000 / max(1, len(inside)):.1f} "
            f"| {step.server_cpu / wall:.2f} | {step.own_cpu / wall:.2f} "
            f"| {', '.join(step.admin) or '-'} |"
        )
    return "\n".join(lines)


def admin_table(admin: Admin, origin: float) -> str:
    lines = ["| at s | admin's request or job | took s | status |", "|---|---|---|---|"]
    for at, what, took, status in admin.events:
        lines.append(f"| {at - origin:.0f} | {what} | {took:.2f} | {status} |")
    photos = [r for r in RECORDS if r.who == "photo" and r.name.startswith("photo")]
    for r in photos:
        lines.append(
            f"| {r.at - r.seconds - origin:.0f} | {r.name} | {r.seconds:.2f} | {'ok' if r.ok else 'FAILED'} |"
        )
    return "\n".join(lines)


def idle(meter, seconds: float = 3.0, quiet: float = 0.05, timeout=300) -> float:
    """Wait until the server uses under ``quiet`` of a core; its CPU rate then (s/s)."""
    deadline = time.monotonic() + timeout
    while True:
        cpu, started = meter(), time.monotonic()
        gevent.sleep(seconds)
        rate = (meter() - cpu) / (time.monotonic() - started)
        if rate < quiet or time.monotonic() > deadline:
            return rate


def endpoint_phase(args, port, meter, country, sessions) -> list[tuple]:
    """Each leader endpoint alone: server CPU per request (less the idle rate)."""
    rows = []
    base = idle(meter)
    names = [name for name, _ in MIX]
    # Every signed-in account takes turns: one person's reply limit (20 a minute) is not
    # what this measures.
    everyone = [
        Leader(k + 1, session, port, country, random.Random(k))
        for k, session in enumerate(sessions)
    ]
    for name in names:
        stop, turns = gevent.event.Event(), itertools.cycle(everyone)

        def loop(name=name, stop=stop, turns=turns):
            while not stop.is_set():
                next(turns).act(name)

        before = len(RECORDS)
        cpu, started = meter(), time.monotonic()
        workers = [gevent.spawn(loop) for _ in range(args.endpoint_clients)]
        gevent.sleep(args.endpoint_seconds)
        stop.set()
        gevent.joinall(workers, timeout=60)
        wall, used = time.monotonic() - started, meter() - cpu
        done = RECORDS[before:]
        served = len(done)
        failed = sum(not r.ok for r in done)
        net = (used - base * wall) * 1000 / max(1, served)
        times = [r.seconds for r in done]
        rows.append(
            (name, served, used * 1000 / max(1, served), net, percentile(times, 0.5), failed)
        )
    return rows, base


def endpoint_table(rows, base: float) -> str:
    lines = [
        "| endpoint (alone) | requests | server CPU ms/request | less idle rate | p50 ms | failures |",
        "|---|---|---|---|---|---|",
    ]
    for name, served, raw, net, p50, failed in rows:
        lines.append(f"| {name} | {served} | {raw:.1f} | {net:.1f} | {p50 * 1000:.0f} | {failed} |")
    weights = dict(MIX)
    mean = sum(net * weights[name] for name, _, _, net, _, _ in rows) / sum(weights.values())
    lines.append(f"| **the mix (weighted)** | | | **{mean:.1f}** | | |")
    lines.append(f"\n(idle server: {base * 1000:.1f} ms of CPU per second, subtracted above)")
    return "\n".join(lines)


def prepare(args, instance: Path) -> Country:
    if not args.dataset.exists():
        print(f"Making the country data set at {args.dataset} …", flush=True)
        command = [sys.executable, "-m", "benchmarks.country", str(args.dataset)]
        subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    instance.mkdir(parents=True)
    target = instance / "headway.db"  # where `make run`'s server finds its database
    with sqlite3.connect(args.dataset) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    # As `make run` does before serving (a data set made before a new migration gets it).
    flask = [str(Path(sys.executable).with_name("flask")), "--app", "app:create_app"]
    env = {**os.environ, "INSTANCE_PATH": str(instance)}
    env.pop("DATABASE_URL", None)
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    with sqlite3.connect(target) as db:
        return read_country(lambda sql: db.execute(sql).fetchall())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", type=Path, default=Path("/tmp/country.db"))
    parser.add_argument("--leaders-step", type=int, default=500)
    parser.add_argument("--leaders-max", type=int, default=3000)
    parser.add_argument("--step-seconds", type=float, default=60)
    parser.add_argument("--think", type=float, nargs=2, default=[10.0, 20.0])
    parser.add_argument("--accounts", type=int, default=500, help="distinct signed-in leaders")
    parser.add_argument("--import-rows", type=int, default=20_000)
    parser.add_argument("--no-heavy", dest="heavy", action="store_false")
    parser.add_argument("--endpoint-seconds", type=float, default=10)
    parser.add_argument("--endpoint-clients", type=int, default=4)
    parser.add_argument("--keep", action="store_true", help="keep the instance folder")
    parser.add_argument("--layout", choices=("single", "scaled"), default="single")
    parser.add_argument(
        "--country",
        default="",
        help="scaled: the country's scale, e.g. 'leaders=2000 coaches=40' (benchmarks.country)",
    )
    args = parser.parse_args(argv)

    layouts = {"single": single_layout}
    if args.layout == "scaled":
        from benchmarks.country_load_scaled import scaled_layout

        layouts["scaled"] = scaled_layout
    with layouts[args.layout](args) as (port, meter, country, log, label):
        run(args, port, meter, country, log, label)


@contextlib.contextmanager
def single_layout(args):
    """One process as ``make run`` starts it, on a copy of the SQLite data set. The CPU
    meter reads the arbiter and its worker as they are now: a worker gunicorn restarted
    is counted from its start (the summary counts the restarts)."""
    tmp = Path(tempfile.mkdtemp(prefix="headway-country-load-"))
    instance, log = tmp / "instance", tmp / "server.log"
    country = prepare(args, instance)
    port = free_port()
    print(f"load average before: {' '.join(f'{n:.2f}' for n in os.getloadavg())}")
    server = start_server(instance, port, log)
    try:
        wait_until_answering(port, server, log)
        label = "one `make run` process, SQLite"
        yield port, lambda: cpu_seconds(server_pids(server.pid)), country, log, label
    finally:
        stop_server(server)
        if not args.keep:
            shutil.rmtree(instance, ignore_errors=True)


def run(args, port: int, meter, country: Country, log: Path, label: str) -> None:
    started, cpu = time.monotonic(), meter()
    pool = Pool(8)
    numbers = range(1, min(args.accounts, country.leaders - 1) + 1)
    sessions = list(pool.imap(lambda n: sign_in(port, leader_email(n)), numbers))
    signing = time.monotonic() - started
    print(
        f"{len(sessions)} accounts signed in, in {signing:.1f} s "
        f"({(meter() - cpu) * 1000 / len(sessions):.0f} ms of server CPU each, "
        "scrypt included)",
        flush=True,
    )
    origin = time.monotonic()
    steps, admin = ramp(args, port, meter, country, sessions)
    print(f"\nThe ramp ({label}; leaders every {args.think[0]:.0f}–{args.think[1]:.0f} s):\n")
    print(step_table(steps))
    if args.heavy:
        print("\nThe admin's heavy work and the photos meanwhile:\n")
        print(admin_table(admin, origin))
    if args.endpoint_seconds:
        rows, base = endpoint_phase(args, port, meter, country, sessions)
        print(
            f"\nCPU per endpoint, each alone for {args.endpoint_seconds:.0f} s "
            f"({args.endpoint_clients} clients, no think time), from /proc:\n"
        )
        print(endpoint_table(rows, base))
    text = log.read_text(errors="replace")
    print(
        f"\nserver log: {log}: {text.count('Traceback')} tracebacks, "
        f"{text.count('WORKER TIMEOUT')} worker timeouts (killed and restarted), "
        f"{text.count('database_unavailable')} database_unavailable (503); "
        f"load average after: {' '.join(f'{n:.2f}' for n in os.getloadavg())}"
    )


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_answering(port: int, server: subprocess.Popen, log: Path, timeout=120) -> None:
    deadline = time.monotonic() + timeout
    phone = Phone(port)
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server ended:\n{log.read_text()[-3000:]}")
        status, _, _ = phone.get("/healthz", name="start", who="start", record=False)
        if status == 200:
            return
        gevent.sleep(0.3)
    raise SystemExit(f"the server did not answer in {timeout} s")


def stop_server(server: subprocess.Popen) -> None:
    import signal

    if server.poll() is None:
        server.send_signal(signal.SIGINT)  # quick: the phones' idle connections stay open
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


if __name__ == "__main__":
    main()
