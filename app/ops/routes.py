"""``/healthz`` (alive), ``/readyz`` (ready to serve) and ``/metrics`` (Prometheus)."""

from __future__ import annotations

import hmac

from flask import Response, abort, current_app, request

from . import bp
from .checks import cached_readiness
from .metrics import exposition

NO_STORE = {"Cache-Control": "no-store"}


@bp.get("/healthz")
def healthz():
    """The process answers: touches nothing else, so a database outage does not get every
    web process restarted by its supervisor."""
    return {"status": "ok"}, 200, NO_STORE


@bp.get("/readyz")
def readyz():
    """503 while the database, the queue or the storage is unreachable, saying which: a load
    balancer sends people elsewhere meanwhile. A low disk is "degraded", still 200: the
    pages and sign-ins work while transcodes wait, and taking every process of a machine
    out of rotation would turn that into an outage; monitoring reads the body. The answer is
    at most ``READYZ_CACHE_S`` old."""
    checks = cached_readiness()
    down = any(result.startswith("down") for result in checks.values())
    ok = all(result == "ok" for result in checks.values())
    status = "unavailable" if down else "ok" if ok else "degraded"
    return {"status": status, "checks": checks}, 503 if down else 200, NO_STORE


@bp.get("/metrics")
def metrics():
    """Prometheus metrics, for whoever holds ``METRICS_TOKEN`` (as a bearer token). Without a
    token configured the endpoint does not exist: counts of requests and jobs are not public."""
    token = current_app.config["METRICS_TOKEN"]
    if not token:
        abort(404)
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not hmac.compare_digest(given.encode(), str(token).encode()):
        return Response("", 401, {"WWW-Authenticate": "Bearer", **NO_STORE})
    data, content_type = exposition()
    return Response(data, 200, {"Content-Type": content_type, **NO_STORE})
