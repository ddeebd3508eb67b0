"""The authoring studio: authors build courses in the browser, upload video that survives
bad connections (tus), preview as a leader sees it, and publish."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app import registry
from app.permissions import can_author

bp = Blueprint(
    "studio", __name__, template_folder="templates", url_prefix="/studio", cli_group="studio"
)

# In the shell (app/registry.py): authors' tab and card.
registry.tab("studio", _l("Studio"), "studio.home", can_author, order=50)
registry.home_cards("studio/_home_cards.html", order=20)

from . import cli, forms, models, routes, services, tasks  # noqa: E402,F401  (registers views and commands on bp)


@bp.app_template_global("studio_current_asset")
def current_asset(lesson, language: str):
    return services.current_asset(lesson, language)
