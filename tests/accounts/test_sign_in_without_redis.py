"""Redis stopped (nothing listening where the rate limits are kept): signing in carries on,
limited in this process's memory, and the outage leaves a structured line in the log."""

from __future__ import annotations

import pytest

from app.extensions import limiter
from tests.conftest import PASSWORD
from tests.ops.processes import free_port

STRANGER = {"REMOTE_ADDR": "41.90.1.1"}


@pytest.fixture
def redis_stopped(app, make_app):
    """An app whose rate limits live in a Redis that is not running. The limiter is one
    object shared by every app of the test run, so afterwards it is put back on memory."""
    served = make_app(
        RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{free_port()}/0",
        SIGN_IN_FAILURE_LIMIT="3/minute",
        PROPAGATE_EXCEPTIONS=False,
    )
    yield served
    make_app()  # the limiter's storage: memory again
    limiter._storage_dead = False


def test_signing_in_works_while_redis_is_down(redis_stopped, make_user, capsys):
    leader = make_user()
    client = redis_stopped.test_client()
    signed_in = client.post("/sign-in", data={"identifier": leader.email, "password": PASSWORD})
    assert signed_in.status_code == 303
    assert client.get("/learn/").status_code == 200
    assert '"event": "Rate limit storage unreachable' in capsys.readouterr().err

    # Guessing is still limited meanwhile, by this process's own count.
    stranger = redis_stopped.test_client()
    answers = [
        stranger.post(
            "/sign-in",
            data={"identifier": leader.email, "password": "guess-guess"},
            environ_base=STRANGER,
        ).status_code
        for _ in range(5)
    ]
    assert answers == [200, 200, 200, 429, 429]
