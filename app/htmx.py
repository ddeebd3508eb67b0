"""Page or fragment: every HTML response of every area goes out through this module.

- :func:`render` answers a GET: a plain request, a boosted navigation and a history
  restore get the whole page; any other HTMX request gets only the named block of the
  page's own template.
- :func:`render_partial` answers an HTMX write with the piece that changed: a partial
  (``<area>/_name.html``) that the page includes too.
- :func:`see_other` ends every other write: POST → 303 → GET.

Flash messages ride along out-of-band on every fragment. Every HTML response varies on
``HX-Request`` so a cache never hands a fragment to a full page load.

htmx's header names are written here only: :func:`retarget` and :func:`refresh` set the
response headers other modules need.
"""

from __future__ import annotations

from flask import (
    Flask,
    Response,
    get_flashed_messages,
    make_response,
    redirect,
    render_template,
    request,
)
from jinja2_fragments.flask import render_block

# What htmx sends with a request …
HX_REQUEST = "HX-Request"
HX_BOOSTED = "HX-Boosted"
HX_HISTORY_RESTORE = "HX-History-Restore-Request"
# … and what a response may tell it.
HX_REDIRECT = "HX-Redirect"
HX_REFRESH = "HX-Refresh"
HX_RETARGET = "HX-Retarget"
HX_RESWAP = "HX-Reswap"


def is_fragment_request() -> bool:
    headers = request.headers
    return (
        headers.get(HX_REQUEST) == "true"
        and headers.get(HX_BOOSTED) != "true"
        and headers.get(HX_HISTORY_RESTORE) != "true"
    )


def render(template: str, block: str = "content", status: int = 200, **context) -> Response:
    """Render ``template`` whole, or only ``block`` of it for an HTMX fragment request."""
    if is_fragment_request():
        return _with_flashes(render_block(template, block, **context), status)
    return make_response(render_template(template, **context), status)


def render_partial(template: str, status: int = 200, **context) -> Response:
    """A partial template alone, for an HTMX request that changed it."""
    return _with_flashes(render_template(template, **context), status)


def _with_flashes(body: str, status: int) -> Response:
    flashes = get_flashed_messages(with_categories=True)
    if flashes:
        body += render_template("_flashes.html", flashes=flashes, oob=True)
    return make_response(body, status)


def see_other(location: str, full_reload: bool = False) -> Response:
    """POST → 303 → GET, for plain forms and for HTMX alike.

    ``full_reload`` makes HTMX load the next page whole (its ``<html lang>`` changes with
    the language, which a boosted swap of the body would not do).
    """
    if full_reload and request.headers.get(HX_REQUEST) == "true":
        response = make_response("", 204)
        response.headers[HX_REDIRECT] = location
        return response
    return redirect(location, code=303)


def retarget(response: Response, target: str, swap: str = "outerHTML") -> Response:
    """``response`` swapped into ``target`` (a CSS selector) with ``swap``, whatever the
    request asked: an error that belongs elsewhere on the page."""
    response.headers[HX_RETARGET] = target
    response.headers[HX_RESWAP] = swap
    return response


def refresh(response: Response) -> Response:
    """``response`` with htmx told to reload the whole page."""
    response.headers[HX_REFRESH] = "true"
    return response


def _vary_on_hx_request(response: Response) -> Response:
    if response.mimetype == "text/html":
        response.vary.add(HX_REQUEST)
    return response


def init_app(app: Flask) -> None:
    app.after_request(_vary_on_hx_request)
