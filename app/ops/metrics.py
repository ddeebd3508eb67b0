"""Prometheus metrics: request latency by endpoint, responses by status, and — read at each
scrape — the media queue's depth and the media jobs by status. The transcode durations and
failures are counted where they happen (:mod:`app.media.metrics`).

Under gunicorn every process counts on its own; with ``PROMETHEUS_MULTIPROC_DIR`` set (the
gunicorn configuration, ``app/gunicorn.conf.py``, sets it) each writes its samples to files
there and a scrape of any process adds them all up. A ``flask media worker`` given the same
folder on the same machine is counted too.
"""

from __future__ import annotations

import os
import time

from flask import Flask, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from sqlalchemy import func, select

from app.extensions import db
from app.jobs import queue
from app.media.models import MediaAsset

REQUEST_SECONDS = Histogram(
    "headway_http_request_duration_seconds",
    "Time to answer a request, by endpoint and method.",
    ["endpoint", "method"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
RESPONSES = Counter(
    "headway_http_responses",
    "Responses sent, by endpoint and status code.",
    ["endpoint", "status"],
)


def _started() -> None:
    g.metrics_started = time.perf_counter()


def _finished(response):
    started = g.pop("metrics_started", None)
    # The endpoint's name, never the path: ids in paths would make a series per row.
    endpoint = request.url_rule.endpoint if request.url_rule else "(unmatched)"
    if started is not None:
        REQUEST_SECONDS.labels(endpoint, request.method).observe(time.perf_counter() - started)
    RESPONSES.labels(endpoint, str(response.status_code)).inc()
    return response


def init_app(app: Flask) -> None:
    app.before_request(_started)
    app.after_request(_finished)


class _ScrapeTimeCollector:
    """Read from the queue and the database at each scrape, by the process scraped: the same
    figures whichever process answers."""

    def collect(self):
        depth = GaugeMetricFamily(
            "headway_job_queue_depth", "Jobs waiting in the queue.", labels=["when"]
        )
        huey = queue().huey
        depth.add_metric(["now"], huey.pending_count())
        depth.add_metric(["scheduled"], huey.scheduled_count())
        yield depth
        assets = GaugeMetricFamily(
            "headway_media_assets", "Media assets by job status.", labels=["status"]
        )
        rows = db.session.execute(
            select(MediaAsset.status, func.count()).group_by(MediaAsset.status)
        ).all()
        db.session.rollback()
        for status, count in rows:
            assets.add_metric([str(status)], count)
        yield assets


def exposition() -> tuple[bytes, str]:
    """The metrics of every process (multiprocess mode) or of this one, then the scrape-time
    figures, in Prometheus's text format."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        counted = CollectorRegistry()
        MultiProcessCollector(counted)
    else:
        counted = REGISTRY
    read_now = CollectorRegistry(auto_describe=False)
    read_now.register(_ScrapeTimeCollector())
    return generate_latest(counted) + generate_latest(read_now), CONTENT_TYPE_LATEST
