"""Media: uploads, their transcoding jobs, and serving renditions to the people allowed."""

from flask import Blueprint

bp = Blueprint(
    "media", __name__, url_prefix="/media", template_folder="templates", cli_group="media"
)

from . import cli, models, routes, services, tasks  # noqa: E402,F401  (views, commands, tables)


@bp.record_once
def _set_up(state) -> None:
    """Storage and queue for this app. Workers are started by whoever serves it (wsgi.py,
    ``flask media worker``), never as a side effect of building the app."""
    app = state.app
    app.extensions["media_storage"] = services.create_storage(app)
    app.extensions["media_queue"] = tasks.create_queue(app)
