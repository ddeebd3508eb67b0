"""The media jobs' Prometheus metrics, counted by the process that runs the job (a web
process's in-process workers or ``flask media worker``); ``/metrics`` publishes them
(:mod:`app.ops.metrics`)."""

from prometheus_client import Counter, Histogram

TRANSCODE_SECONDS = Histogram(
    "headway_media_transcode_seconds",
    "Time from claiming a media job to publishing its renditions.",
    buckets=(5, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600),
)
TRANSCODE_FAILURES = Counter(
    "headway_media_transcode_failures",
    "Transcode attempts that failed: the upload refused, or an error (retried or given up).",
    ["reason"],
)
