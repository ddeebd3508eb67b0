"""The scaled-out layout, for real: nginx in front of two web processes, two media workers,
PostgreSQL, Redis and S3 (README, "Serving a country"; app/deploy/nginx.conf).

It runs in the PostgreSQL pass (``TEST_DATABASE_URL``); in CI a missing PostgreSQL, Redis,
nginx or ffmpeg fails it.
"""

from __future__ import annotations

import http.client
import signal
import socket

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import func, select, text

from app.extensions import db
from app.media import services
from app.media.models import MediaAsset, Rendition
from tests.conftest import PASSWORD
from tests.media_pipeline.conftest import lavfi_clip
from tests.ops import processes
from tests.ops.layout import (
    METRICS_TOKEN,
    Browser,
    Layout,
    deployment_env,
    lesson_playing,
    migrated_database,
    pid_of,
    wait_for_asset,
)
from tests.services import missing, require_ffmpeg, require_redis

# PostgreSQL, Redis and S3 together: the suite's PostgreSQL pass runs it (tests/conftest.py).
pytestmark = [pytest.mark.slow, pytest.mark.postgresql]


@pytest.fixture
def s3():
    import boto3
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    settings = {
        "S3_BUCKET": "headway-scaled-out",
        "S3_ENDPOINT_URL": f"http://{host}:{port}",
        "S3_REGION": "us-east-1",
        "S3_ACCESS_KEY_ID": "test",
        "S3_SECRET_ACCESS_KEY": "test",
    }
    boto3.client(
        "s3",
        endpoint_url=settings["S3_ENDPOINT_URL"],
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    ).create_bucket(Bucket=settings["S3_BUCKET"])
    yield settings
    server.stop()


@pytest.fixture
def layout(app, make_app, tmp_path, s3):
    """The deployment on a schema of its own, made by ``flask db upgrade`` as an operator
    makes it (not by the test suite's ``create_all``). The test runs in an app context on
    that schema, so its users, lessons and checks are the deployment's."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        missing("the scaled-out layout runs on PostgreSQL: set TEST_DATABASE_URL")
    require_ffmpeg()
    deployment = Layout(tmp_path, deployment_env(app, tmp_path, require_redis(), s3))
    url, drop = migrated_database(deployment.env, deployment.log)
    deployment.env["DATABASE_URL"] = url
    deployed = make_app(SQLALCHEMY_DATABASE_URI=url)
    try:
        with deployed.app_context():
            deployment.start_web()
            deployment.start_front()
            yield deployment
            db.session.remove()
    finally:
        deployment.stop()
        with deployed.app_context():
            db.engine.dispose()
        drop()


def test_a_leader_moves_between_web_processes_and_shares_their_limits(layout, make_user):
    leader = make_user("leader", name="Grace Wanjiru")
    phone = Browser()
    signed_in = phone.sign_in(layout.web_url(0), leader.email, PASSWORD)
    assert signed_in.status == 200 and "/sign-in" not in signed_in.url
    on_the_other = phone.get(layout.web_url(1, "/learn/"))
    assert on_the_other.status == 200, "the session signed by one process is good on the other"
    assert "Grace Wanjiru" in phone.get(layout.web_url(1, "/me")).read().decode()
    through_front = phone.get(layout.front_url("/learn/"))
    assert through_front.status == 200

    # One address, limited to 3 sign-in attempts an hour: the count is Redis's, not a process's.
    stranger = Browser()
    statuses = [
        stranger.sign_in(layout.web_url(n), leader.email, "wrong password").status
        for n in (1, 0, 1)
    ]
    assert statuses == [200, 200, 429]


def test_health_and_metrics_of_the_deployment(layout):
    # The schema is the migrations' (README: `flask db upgrade`, once per release).
    head = ScriptDirectory(str(processes.ROOT / "migrations")).get_current_head()
    assert db.session.scalar(text("SELECT version_num FROM alembic_version")) == head
    assert Browser().get(layout.front_url("/readyz")).status == 200
    assert Browser().get(layout.front_url("/metrics")).status == 404, "not through the front"
    request = http.client.HTTPConnection("127.0.0.1", layout.web_ports[1], timeout=30)
    request.request("GET", "/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    response = request.getresponse()
    scraped = response.read().decode()
    assert response.status == 200
    assert 'headway_http_responses_total{endpoint="ops.healthz",status="200"}' in scraped
    assert 'headway_job_queue_depth{when="now"} 0.0' in scraped


def test_a_request_in_flight_finishes_when_its_web_process_is_stopped(layout):
    """SIGTERM: the process stops accepting, answers what it has started, then ends."""
    connection = http.client.HTTPConnection("127.0.0.1", layout.web_ports[0], timeout=30)
    connection.request("GET", "/healthz")  # this connection is now being served
    assert connection.getresponse().read()
    body = b"identifier=someone%40example.org&password=x"
    connection.sock.sendall(
        b"POST /sign-in HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\n"
        + f"Content-Length: {len(body)}\r\n\r\n".encode()
        + body[:10]
    )
    layout.web[0].send_signal(signal.SIGTERM)
    connection.sock.sendall(body[10:])
    in_flight = http.client.HTTPResponse(connection.sock)
    in_flight.begin()
    assert in_flight.status == 400  # answered in full (no CSRF token), not cut off
    assert b"</html>" in in_flight.read()
    connection.close()
    assert layout.web[0].wait(timeout=40) == 0, processes.tail(layout.log)
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", layout.web_ports[0]), timeout=2)
    assert Browser().get(layout.front_url("/healthz")).status == 200, "nginx uses the other"


def test_media_survives_workers_stopped_and_killed_mid_job(
    layout, s3, make_app, make_user, tmp_path
):
    """Transcoded by a worker, played through a web process; a worker stopped mid-job hands
    it back, a worker killed mid-job loses it to the sweeper, and it is published once."""
    clip = lavfi_clip(tmp_path / "lesson.mp4", size="640x360", seconds=10)
    uploader = make_app(
        SQLALCHEMY_DATABASE_URI=layout.env["DATABASE_URL"],
        REDIS_URL=layout.env["REDIS_URL"],
        JOBS_QUEUE_NAME=layout.env["HEADWAY_JOBS_QUEUE_NAME"],
        **s3,
    )
    with uploader.app_context():
        asset_id = services.accept_upload(clip).id
        db.session.remove()
    first, second = layout.start_worker(), layout.start_worker()
    by_pid = {first.pid: first, second.pid: second}

    running = wait_for_asset(
        asset_id, lambda a: a.status == "transcoding" and a.progress >= 1, layout.log
    )
    held_by = running.worker  # (the session's one object for the asset is refreshed below)
    stopped = by_pid.pop(pid_of(running))
    assert processes.stop(stopped, signal.SIGTERM) == 0, processes.tail(layout.log)
    survivor = next(iter(by_pid.values()))
    taken = wait_for_asset(
        asset_id, lambda a: a.status == "transcoding" and a.worker != held_by, layout.log
    )
    assert pid_of(taken) == survivor.pid and taken.attempts == 1, "handed back, not counted"

    replacement = layout.start_worker()
    processes.kill(survivor)
    done = wait_for_asset(asset_id, lambda a: a.status in ("ready", "failed"), layout.log)
    assert done.status == "ready", (done.error_detail, processes.tail(layout.log))
    assert pid_of(done) == replacement.pid and done.attempts == 2
    count = select(func.count()).select_from(Rendition).where(Rendition.asset_id == asset_id)
    assert db.session.scalar(count) == 5, "one set of renditions"

    leader = make_user("leader")
    lesson_playing(asset_id)
    phone = Browser()
    phone.sign_in(layout.web_url(0), leader.email, PASSWORD)
    video = phone.get(layout.web_url(1, f"/media/{asset_id}/renditions/144p"))
    assert video.status == 200 and video.url.startswith(s3["S3_ENDPOINT_URL"])
    rendition = db.session.scalars(
        select(Rendition).where(Rendition.asset_id == asset_id, Rendition.name == "144p")
    ).one()
    assert len(video.read()) == rendition.bytes
    assert db.session.get(MediaAsset, asset_id).status == "ready"
    # What operators read: the job's outcome, one JSON line in the worker's output.
    assert f'"event": "media_job_ready", "asset": {asset_id}' in layout.log.read_text()
