"""Media: uploads, their transcoding jobs, and serving renditions to the people allowed."""

import os

from flask import Blueprint

bp = Blueprint(
    "media", __name__, url_prefix="/media", template_folder="templates", cli_group="media"
)

from . import cli, models, routes  # noqa: E402,F401  (views, commands and tables on bp)

_inprocess_workers: dict[int, object] = {}


@bp.record_once
def _set_up(state) -> None:
    """Storage and queue for this app; worker threads in this process when asked."""
    from . import services, tasks

    app = state.app
    services.configure(app)
    app.extensions["media_storage"] = services.create_storage(app)
    app.extensions["media_queue"] = tasks.create_queue(app)
    # One set of worker threads per process (gunicorn's worker, `make run`).
    if app.config["INPROCESS_WORKER"] and os.getpid() not in _inprocess_workers:
        _inprocess_workers[os.getpid()] = tasks.start_workers(app)
