"""/metrics: Prometheus's text, only for whoever holds the token."""

from __future__ import annotations

from prometheus_client import REGISTRY

from app.extensions import db
from app.media import services
from app.media.models import MediaAsset
from tests.services import require_ffmpeg

TOKEN = "metrics-token-for-the-tests"


def _metrics(app, token=TOKEN):
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return app.test_client().get("/metrics", headers=headers)


def test_metrics_do_not_exist_without_a_token_configured(client):
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 404


def test_metrics_refuse_a_missing_or_wrong_token(make_app):
    app = make_app(METRICS_TOKEN=TOKEN)
    assert _metrics(app, token=None).status_code == 401
    wrong = _metrics(app, token="guess")
    assert wrong.status_code == 401
    assert wrong.headers["WWW-Authenticate"] == "Bearer"
    assert b"headway_" not in wrong.data


def test_metrics_count_requests_by_endpoint_and_status(make_app):
    app = make_app(METRICS_TOKEN=TOKEN)
    before = REGISTRY.get_sample_value(
        "headway_http_responses_total", {"endpoint": "accounts.sign_in", "status": "200"}
    )
    client = app.test_client()
    client.get("/sign-in")
    client.get("/sign-in")
    client.get("/no-such-page")
    response = _metrics(app)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    text = response.get_data(as_text=True)
    after = REGISTRY.get_sample_value(
        "headway_http_responses_total", {"endpoint": "accounts.sign_in", "status": "200"}
    )
    assert after - (before or 0) == 2
    assert 'headway_http_responses_total{endpoint="(unmatched)",status="404"}' in text
    assert (
        'headway_http_request_duration_seconds_bucket{endpoint="accounts.sign_in",'
        'le="10.0",method="GET"}' in text
    )
    assert 'headway_job_queue_depth{when="now"}' in text


def test_metrics_report_transcode_failures_and_jobs_by_status(app, make_app, tmp_path):
    require_ffmpeg()
    not_media = tmp_path / "notes.mp4"
    not_media.write_bytes(b"this is not a video" * 100)
    before = REGISTRY.get_sample_value(
        "headway_media_transcode_failures_total", {"reason": "rejected"}
    )
    asset = services.queue_transcode(not_media)
    db.session.commit()
    services.run_transcode(asset.id)
    db.session.expire_all()
    assert db.session.get(MediaAsset, asset.id).status == "failed"
    after = REGISTRY.get_sample_value(
        "headway_media_transcode_failures_total", {"reason": "rejected"}
    )
    assert after - (before or 0) == 1
    text = _metrics(make_app(METRICS_TOKEN=TOKEN)).get_data(as_text=True)
    assert 'headway_media_assets{status="failed"} 1.0' in text
    assert "headway_media_transcode_seconds_bucket" in text


def test_metrics_add_up_every_gunicorn_worker(app, tmp_path):
    """Two gunicorn workers (multiprocess mode, app/gunicorn.conf.py): whichever answers the
    scrape counts the requests both served."""
    import re
    import urllib.request

    from tests.ops import processes

    port = processes.free_port()
    log = tmp_path / "gunicorn.log"
    env = processes.app_env(app, tmp_path / "instance", HEADWAY_METRICS_TOKEN=TOKEN)
    server = processes.gunicorn(port, env, log, workers=2)
    try:
        processes.wait_until_answering(f"http://127.0.0.1:{port}/healthz", server, log)
        for _ in range(20):  # a connection each: the kernel spreads them over both workers
            urllib.request.urlopen(f"http://127.0.0.1:{port}/sign-in", timeout=30).close()
        counts = set()
        for _ in range(4):
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}
            )
            text = urllib.request.urlopen(request, timeout=30).read().decode()
            found = re.search(
                r'headway_http_responses_total\{endpoint="accounts.sign_in",status="200"\} (\S+)',
                text,
            )
            counts.add(float(found[1]))
    finally:
        processes.stop(server)
    assert counts == {20.0}, processes.tail(log)
