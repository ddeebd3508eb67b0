"""Problems a person can fix, raised by services and translated where they are shown.

A service knows no request and so no reader: it raises a :class:`ServiceError` with an
``N_()``-marked English template and its parameters. A route shows ``error.translated()``
in the reader's language; the CLI and the logs use ``str(error)``, the English sentence.
Each area subclasses it (``AccountError``), so routes catch what their area raises.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext

from media_pipeline.errors import N_, render

__all__ = ["N_", "ServiceError"]


class ServiceError(ValueError):
    def __init__(self, template: str, field: str | None = None, **params: Any) -> None:
        super().__init__(render(template, params))
        self.template, self.params, self.field = template, params, field

    def translated(self) -> str:
        return render(self.template, self.params, gettext)
