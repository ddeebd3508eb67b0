"""Coaching's pages. Routes load, authorize (403 for the wrong role, 404 for a row that is
not the person's to see), call one service and render; every write is a plain form
(POST → 303 → GET) that HTMX enhances."""

from . import admin, check_ins, coach, leader  # noqa: F401  (registers views on bp)
