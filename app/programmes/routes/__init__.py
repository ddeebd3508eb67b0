"""Programmes' pages: the admin's programmes, cohorts, imports and reports (``programmes``),
a person's page as an admin serves them (``people``) and a person's own (``me``)."""

from . import me, people, programmes  # noqa: F401  (registers views on bp)
