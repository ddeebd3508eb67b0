"""Headway: micro-learning for school leaders on phones over slow, expensive data."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask
from flask_babel import lazy_gettext as _l
from werkzeug.middleware.proxy_fix import ProxyFix

from app import (
    accounts,
    coaching,
    core,
    demo,
    form_keys,  # noqa: F401  (its table and its daily job)
    frameworks,
    groups,
    htmx,
    i18n,
    jobs,
    learning,
    logs,
    media,
    navigation,
    notifications,
    offline,
    ops,
    practices,
    programmes,
    registry,
    review,
    security,
    shared_phones,
    studio,
    urls,
)
from app import db as database
from app.accounts.services import load_signed_in_user
from app.assets import assets
from app.config import load_config
from app.db import end_session
from app.extensions import babel, compress, csrf, db, limiter, login_manager, migrate
from app.forms import new_form_key
from app.i18n import current_language, select_locale, select_timezone
from app.sessions import SessionInterface
from app.translatable import lang_attr, language_name, tr
from app.urls import public_url


def create_app(config: dict | None = None) -> Flask:
    instance_path = os.environ.get("INSTANCE_PATH")
    app = Flask(
        __name__,
        instance_path=str(Path(instance_path).resolve()) if instance_path else None,
        instance_relative_config=True,
        static_folder=None,  # app.assets serves /static, fingerprinted and precompressed
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    load_config(app, config)
    _trust_proxies(app)

    logs.init_app(app)
    db.init_app(app)
    database.init_app(app)
    app.teardown_appcontext(end_session)  # after db.init_app: Flask runs it first
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    compress.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        timezone_selector=select_timezone,
        default_translation_directories=";".join(_translation_directories(app)),
    )
    i18n.init_app(app)  # after Babel: its date filters give way to Headway's
    login_manager.init_app(app)
    login_manager.login_view = "accounts.sign_in"
    login_manager.login_message_category = "info"
    assets.init_app(app)
    htmx.init_app(app)
    security.init_app(app)
    shared_phones.init_app(app)
    app.session_interface = SessionInterface()
    urls.init_app(app)  # before the areas' routes, which use its converters
    jobs.init_app(app)  # with every area's jobs: each declared them when imported

    _register_areas(app)
    _register_template_helpers(app)
    _limits_checked_by_their_views(app)
    return app


def _limits_checked_by_their_views(app: Flask) -> None:
    """Flask-Limiter checks default, application and blueprint limits before every request.
    Headway sets none: its limits are on the sign-in views (``accounts/limits.py``, checked
    by the decorated view as it is called) and counted by hand in the groups. The check
    before each request only found nothing to do, at 0.1–0.2 ms of every request's CPU
    (py-spy of a position save: 4.6 %). Should any such limit be set, the check stays."""
    manager = limiter.limit_manager
    if manager.default_limits or manager.application_limits or manager._blueprint_limits:
        return
    if limiter._meta_limits:
        return
    checks = app.before_request_funcs.get(None, [])
    if limiter._check_request_limit in checks:  # not there when limits are switched off
        checks.remove(limiter._check_request_limit)


def _trust_proxies(app: Flask) -> None:
    """Behind ``TRUSTED_PROXIES`` reverse proxies, take the client's address and scheme from
    the X-Forwarded-For and -Proto headers they add, so that per-address rate limits count
    each client rather than the proxy. Only as many entries as there are proxies are
    believed: a client can send the headers too."""
    proxies = app.config["TRUSTED_PROXIES"]
    if isinstance(proxies, bool) or not isinstance(proxies, int) or proxies < 0:
        raise RuntimeError(
            "HEADWAY_TRUSTED_PROXIES must be the number of reverse proxies in front of "
            f"Headway (0 when there is none), not {proxies!r}."
        )
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)


def _translation_directories(app: Flask) -> list[str]:
    """The shell's catalogue, then each area's own (``app/<area>/translations``)."""
    root = Path(app.root_path)
    return [str(root / "translations")] + sorted(str(p) for p in root.glob("*/translations"))


def _register_areas(app: Flask) -> None:
    areas = (
        *(core, accounts, frameworks, learning, media, notifications),
        *(groups, coaching, studio, programmes, review, practices, offline, ops),
    )
    for area in areas:
        app.register_blueprint(area.bp)
    app.cli.add_command(demo.cli)
    core.cli.explain_missing_schema(app)

    login_manager.user_loader(load_signed_in_user)

    login_manager.login_message = _l("Please sign in to see this page.")


def _register_template_helpers(app: Flask) -> None:
    app.jinja_env.globals.update(registry.PREDICATES)  # the core's and every area's
    app.jinja_env.globals["current_language"] = current_language
    app.jinja_env.globals["public_url"] = public_url
    # A form written out by hand that adds a row draws its key here (app/form_keys.py).
    app.jinja_env.globals["new_form_key"] = new_form_key
    app.jinja_env.filters["lang_attr"] = lang_attr
    app.jinja_env.filters["tr"] = tr
    app.jinja_env.globals["language_name"] = language_name
    app.jinja_env.globals["me_links"] = registry.me_links
    app.context_processor(navigation.context)
