"""Operating Headway: health and readiness checks, Prometheus metrics, and backups
(``flask backup create|restore``). Nothing here is a page people see."""

from flask import Blueprint

# cli_group=None: the backup commands are ``flask backup …``, not ``flask ops backup …``.
bp = Blueprint("ops", __name__, cli_group=None)

from . import cli, metrics, routes  # noqa: E402,F401  (commands, request hooks, views)


@bp.record_once
def _set_up(state) -> None:
    metrics.init_app(state.app)
