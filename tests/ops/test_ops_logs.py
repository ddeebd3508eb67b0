"""What operators read: under gunicorn, as ``make run`` serves, the app's own log lines —
INFO included — reach the server's output, one JSON object a line."""

from __future__ import annotations

import json
import urllib.request

from tests.ops import processes


def _lines(log) -> list[dict]:
    return [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]


def test_the_apps_own_lines_reach_the_servers_output(app, tmp_path):
    port = processes.free_port()
    log = tmp_path / "gunicorn.log"
    env = processes.app_env(
        app,
        tmp_path / "instance",
        HEADWAY_INPROCESS_WORKER="1",
        HEADWAY_LOW_DISK_BYTES=str(2**62),  # more than any disk here: reported low
    )
    server = processes.gunicorn(port, env, log)
    try:
        processes.wait_until_answering(f"http://127.0.0.1:{port}/healthz", server, log)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=30) as ready:
            assert json.load(ready)["status"] == "degraded"
    finally:
        assert processes.stop(server) == 0, processes.tail(log)
    lines = _lines(log)
    # An INFO line of a module's own logger (logging.getLogger(__name__)), as it starts ...
    started = [line for line in lines if line["event"].startswith("job workers started")]
    assert started and started[0]["level"] == "info", processes.tail(log)
    assert started[0]["logger"] == "app.jobs"
    # ... and a warning: the low disk /readyz found, as JSON rather than Python's bare text.
    assert any(line["event"].startswith("readiness: disk is low (") for line in lines)
    assert "readiness: disk is low" not in "".join(
        line for line in log.read_text().splitlines() if not line.startswith("{")
    )


def test_every_job_and_import_leaves_one_structured_line(app, tmp_path, capsys):
    from app.extensions import db
    from app.media import services as media
    from tests.ops.layout import lesson_playing

    notes = tmp_path / "notes.mp4"
    notes.write_text("notes, not a video\n")
    refused = media.queue_transcode(notes)
    lost = media.queue_transcode(notes)
    db.session.commit()
    media.storage().delete(lost.source_key)  # our failure, retried
    media.run_transcode(refused.id)
    media.run_transcode(lost.id)
    lesson_playing(refused.id)  # imports a framework and a course
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line[:1] == "{"]
    events = {line["event"]: line for line in lines}
    assert events["media_job_rejected"]["asset"] == refused.id
    assert events["media_job_rejected"]["reason"] == "not_media"
    retry = events["media_job_retry"]
    assert retry["asset"] == lost.id and retry["attempts"] == 1 and retry["level"] == "error"
    assert "FileNotFoundError" in retry["exception"]
    assert events["framework_imported"]["framework"]
    assert events["course_imported"]["course"] == "media-course"
    assert not [line for line in lines if "transcode attempt failed" in line["event"]]
