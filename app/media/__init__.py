"""Media: uploads, their transcoding jobs, and serving renditions to the people allowed."""

from flask import Blueprint

bp = Blueprint(
    "media", __name__, url_prefix="/media", template_folder="templates", cli_group="media"
)

from . import cli, models, routes, services, tasks  # noqa: E402,F401  (views, commands, tables)


@bp.record_once
def _set_up(state) -> None:
    """Storage for this app (its jobs are on the app's queue, ``app/jobs.py``)."""
    app = state.app
    app.extensions["media_storage"] = services.create_storage(app)
