"""Programme reports on the country data set: what a served report costs per request (CPU
and wall ms, statements, bytes), what the report job costs that keeps its figures (CPU,
statements, the longest stretch it holds the CPU before letting other requests run), and
beside them the old computation on every view.

    .venv/bin/python -m benchmarks.country /tmp/country.db     # once: 20,000 leaders, ~1 min
    .venv/bin/python -m benchmarks.reports /tmp/country.db
    .venv/bin/python -m benchmarks.country /tmp/small.db --leaders 2000 --coaches 40
    .venv/bin/python -m benchmarks.reports /tmp/small.db -n 20
    .venv/bin/python -m benchmarks.reports --database-url postgresql://postgres@127.0.0.1/country

The database is brought to the newest schema first (``flask db upgrade``: the report
tables). Requests go through the test client in this process (no network), signed in as
``admin@country.example``; CPU is this thread's from ``/proc/thread-self/schedstat``
(nanoseconds: what a small server runs out of, not counting waits), wall time is printed
too but means little on a busy machine: the load average is printed before and after.
Reports are served from the job's figures, which the script works out first (as the
queue would) and keeps fresh for the run. Records files go to a temporary media folder.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.country import PASSWORD  # noqa: E402

ADMIN = "admin@country.example"


def cpu_ns() -> int:
    """This thread's CPU time so far, in nanoseconds."""
    with open("/proc/thread-self/schedstat") as stat:
        return int(stat.read().split()[0])


class Statements:
    """Counts the statements run while it is on."""

    def __init__(self, engine) -> None:
        from sqlalchemy import event

        self.count, self.on = 0, False
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *args) -> None:
        self.count += self.on


def _app(url: str, instance: Path):
    from app import create_app

    os.environ["INSTANCE_PATH"] = str(instance)
    return create_app(
        {
            "SECRET_KEY": "country-benchmark-secret-key-long-enough",
            "SQLALCHEMY_DATABASE_URI": url,
            "SESSION_COOKIE_SECURE": False,
            "REMEMBER_COOKIE_SECURE": False,
            "RATELIMIT_ENABLED": False,
            "WTF_CSRF_ENABLED": False,
            "REPORTS_REFRESH_AFTER_S": 24 * 3600,  # fresh for the whole run: no job asked
        }
    )


def _old_view(programme, counter: Statements) -> tuple[float, int]:
    """The report worked out from the scope's leaders, as every view did before."""
    from app.programmes import services

    counter.count, counter.on = 0, True
    started = cpu_ns()
    services.build_report(services.Scope(programme))
    counter.on = False
    return (cpu_ns() - started) / 1e6, counter.count


def _job(programme_id: int, counter: Statements) -> dict:
    """The report job once, with the longest stretch of CPU between two pauses (where it
    lets other requests run: under gevent, what every other request may wait)."""
    from sqlalchemy import delete

    from app.extensions import db
    from app.programmes.models import ReportState
    from app.programmes.services import aggregates

    db.session.execute(delete(ReportState).where(ReportState.programme_id == programme_id))
    db.session.commit()
    stretches, last = [], [cpu_ns()]
    pause = aggregates.let_requests_run

    def measured_pause() -> None:
        now = cpu_ns()
        stretches.append(now - last[0])
        pause()
        last[0] = cpu_ns()

    aggregates.let_requests_run = measured_pause
    counter.count, counter.on = 0, True
    wall, started = time.perf_counter(), cpu_ns()
    try:
        assert aggregates.refresh_reports(programme_id)
    finally:
        aggregates.let_requests_run = pause
        counter.on = False
    stretches.append(cpu_ns() - last[0])
    state = db.session.get(ReportState, programme_id)
    files = _storage_bytes(state.files_prefix)
    return {
        "cpu_s": (cpu_ns() - started) / 1e9,
        "wall_s": time.perf_counter() - wall,
        "statements": counter.count,
        "longest_ms": max(stretches) / 1e6,
        "pauses": len(stretches),
        "files": files,
    }


def _storage_bytes(prefix: str) -> int:
    from flask import current_app

    root = Path(current_app.config["MEDIA_ROOT"]) / prefix
    return sum(path.stat().st_size for path in root.rglob("*") if path.is_file())


def _asks(programme) -> list[tuple]:
    """(label, method, url, headers) of each request measured."""
    from sqlalchemy import select

    from app.extensions import db
    from app.programmes.models import CohortMember

    cohort = programme.cohorts[0]
    region = db.session.scalar(
        select(CohortMember.region).where(CohortMember.cohort_id == cohort.id).limit(1)
    )
    base = f"/programme/{programme.id}"
    return [
        ("report: whole programme", "get", f"{base}/report", {}),
        ("report: one cohort", "get", f"{base}/report?cohort={cohort.id}", {}),
        ("report: one region", "get", f"{base}/report?region={region}", {}),
        ("report: HTMX fragment", "get", f"{base}/report", {"HX-Request": "true"}),
        ("report CSV (whole)", "post", f"{base}/report.csv", {}),
        ("records CSV (whole)", "post", f"{base}/records.csv", {}),
        ("records CSV (one cohort)", "post", f"{base}/records.csv?cohort={cohort.id}", {}),
    ]


def _requests(app, asks, counter: Statements, n: int) -> list[tuple]:
    """Each request ``n`` times, outside any app context (each request its own, as when
    served): its statements (the first), CPU and wall time, bytes as a phone gets them."""
    client = app.test_client()
    signed = client.post("/sign-in", data={"identifier": ADMIN, "password": PASSWORD})
    assert signed.status_code in (302, 303), signed.status_code
    rows = []
    for label, method, url, extra in asks:
        send, headers = getattr(client, method), {"Accept-Encoding": "br", **extra}
        for _ in range(2):  # warm: templates compiled
            send(url, headers=headers).get_data()
        cpu, wall = [], []
        for run in range(n):
            counter.count, counter.on = 0, run == 0
            started, clock = cpu_ns(), time.perf_counter()
            response = send(url, headers=headers)
            body = response.get_data()  # a streamed file is read whole, as it is sent
            wall.append(time.perf_counter() - clock)
            cpu.append(cpu_ns() - started)
            counter.on = False
            if run == 0:
                statements = counter.count
            assert response.status_code in (200, 286), (url, response.status_code)
        rows.append(
            (
                label,
                statistics.mean(cpu) / 1e6,
                statistics.median(wall) * 1000,
                max(wall) * 1000,
                statements,
                len(body),
            )
        )
    return rows


def run(url: str, n: int, old_runs: int) -> None:
    from flask_migrate import upgrade
    from sqlalchemy import func, select

    from app.extensions import db
    from app.programmes.models import CohortMember, Programme

    before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="hw-reports-") as instance:
        app = _app(url, Path(instance))
        with app.app_context():
            upgrade()
            counter = Statements(db.engine)
            programme = db.session.scalar(select(Programme).order_by(Programme.id))
            leaders = db.session.scalar(select(func.count(func.distinct(CohortMember.user_id))))
            print(
                f"{db.engine.dialect.name}: {programme.name!r}, {leaders:,} leaders in "
                f"{len(programme.cohorts)} cohorts; load average before: "
                + " ".join(f"{x:.2f}" for x in before)
            )
            old = [_old_view(programme, counter) for _ in range(old_runs)]
            job = _job(programme.id, counter)
            asks = _asks(db.session.get(Programme, programme.id))
        rows = _requests(app, asks, counter, n)
    _print(rows, job, old, n)
    print("load average after: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))


def _print(rows, job: dict, old: list, n: int) -> None:
    print()
    print(
        f"| served from the job's figures | CPU ms per request (mean of {n}) "
        "| wall ms median | wall ms worst | statements | bytes (br) |"
    )
    print("|---|---|---|---|---|---|")
    for label, cpu, median, worst, statements, size in rows:
        print(f"| {label} | {cpu:.1f} | {median:.0f} | {worst:.0f} | {statements} | {size:,} |")
    print()
    print("| the report job (every scope of the programme) | |")
    print("|---|---|")
    print(f"| CPU s | {job['cpu_s']:.1f} |")
    print(f"| wall s | {job['wall_s']:.1f} |")
    print(f"| statements | {job['statements']} |")
    print(
        f"| longest CPU stretch between pauses, ms | {job['longest_ms']:.0f} (of {job['pauses']} stretches) |"
    )
    print(f"| researchers' records files, bytes | {job['files']:,} |")
    if old:
        cpu = statistics.mean(ms for ms, _ in old)
        print()
        print(
            f"before: the whole-programme report worked out on every view: {cpu:,.0f} ms "
            f"CPU (mean of {len(old)}), {old[0][1]} statements"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", nargs="?", type=Path, help="a country SQLite file")
    parser.add_argument("--database-url", help="a country in PostgreSQL instead")
    parser.add_argument("-n", type=int, default=50, help="requests per endpoint")
    parser.add_argument("--old-runs", type=int, default=1, help="old per-view reports to time")
    args = parser.parse_args()
    if bool(args.path) == bool(args.database_url):
        parser.error("give either a country SQLite file or --database-url")
    if args.path and not args.path.exists():
        parser.error(f"{args.path} does not exist: make it with python -m benchmarks.country")
    from app.config import database_url

    url = (
        database_url(args.database_url) if args.database_url else f"sqlite:///{args.path.resolve()}"
    )
    run(url, args.n, args.old_runs)


if __name__ == "__main__":
    main()
