"""A signed-in person's phone talking HTTP to the live server, and sending the same
request several times at the same moment: how every double-tap test taps.

The requests go to a real threaded HTTP server, each on a connection opened beforehand,
and leave together from a barrier.
"""

from __future__ import annotations

import http.client
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode, urlsplit

from tests.conftest import PASSWORD

ROUNDS = 10
TAPS = 3
HX = {"HX-Request": "true"}


class Phone:
    """One signed-in person talking HTTP to the live server."""

    def __init__(self, base_url: str, user):
        parts = urlsplit(base_url)
        self.host, self.port, self.cookie = parts.hostname, parts.port, ""
        response = self._send(
            self._connect(),
            "POST",
            "/sign-in",
            {"identifier": user.email, "password": PASSWORD},
        )
        assert response.status == 303, response.status
        cookies = [c.split(";", 1)[0] for c in response.headers.get_all("Set-Cookie")]
        self.cookie = next(c for c in cookies if c.startswith("session="))

    def _connect(self) -> http.client.HTTPConnection:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        connection.connect()
        return connection

    def _send(self, connection, method, path, fields=None, headers=None, files=None):
        if files:  # a file input: multipart, as a browser sends it
            body, content_type = _multipart(fields or {}, files)
        else:
            body = urlencode(fields or {}, doseq=True)
            content_type = "application/x-www-form-urlencoded"
        headers = {
            "Content-Type": content_type,
            **({"Cookie": self.cookie} if self.cookie else {}),
            **(headers or {}),
        }
        try:
            connection.request(method, path, body if method == "POST" else None, headers)
            response = connection.getresponse()
            response.text = response.read().decode()
            return response
        finally:
            connection.close()

    def get(self, path: str) -> str:
        response = self._send(self._connect(), "GET", path)
        assert response.status == 200, (path, response.status)
        return response.text

    def form_key(self, path: str, name: str = "key") -> str:
        """The key of the form that adds a row (``app.forms.KeyField``) on the page at
        ``path``, as a person's browser would send it back."""
        found = re.search(rf'name="{name}"[^>]* value="([^"]+)"', self.get(path))
        assert found, (path, name)
        return found[1]

    def together(self, method, path, fields=None, headers=None, taps=TAPS) -> list[int]:
        """Send ``taps`` identical requests at the same moment; their status codes."""
        return [r.status for r in self.answers(method, path, fields, headers, taps)]

    def answers(self, method, path, fields=None, headers=None, taps=TAPS, files=None) -> list:
        """Send ``taps`` identical requests at the same moment; their responses (``status``,
        ``getheader("Location")``, ``text``)."""
        barrier = threading.Barrier(taps)

        def tap(_):
            connection = self._connect()  # connected first: only the request is left to race
            barrier.wait(timeout=30)
            return self._send(connection, method, path, fields, headers, files)

        with ThreadPoolExecutor(taps) as pool:
            return list(pool.map(tap, range(taps)))


def _multipart(fields: dict, files: dict[str, tuple]) -> tuple[bytes, str]:
    """``files``: name → (file name, bytes[, content type, else text/csv])."""
    boundary = "headway-phone-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    for name, (filename, data, *kind) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {kind[0] if kind else "text/csv"}\r\n\r\n'
        )
        parts.append(head.encode() + data + b"\r\n")
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"
