"""Static files, fingerprinted and compressed once at start-up.

``asset_url("css/headway.css")`` gives a URL carrying the file's content hash; such a
URL is served with a one-year immutable cache, so a phone downloads each version of
the stylesheet and htmx once. Text files are compressed at the best brotli and gzip
levels when the app starts, not on every request.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
from dataclasses import dataclass, field
from pathlib import Path

import brotli
from flask import Flask, Response, abort, has_request_context, request, url_for

from app.sessions import same_for_everyone

COMPRESSIBLE = {".css", ".js", ".svg", ".json", ".txt", ".vtt"}
ONE_YEAR = 365 * 24 * 3600


@dataclass
class Asset:
    body: bytes
    digest: str
    mimetype: str
    encoded: dict[str, bytes] = field(default_factory=dict)


# Compressing at the best levels is slow; apps made in the same process (tests) share it.
_ENCODED_CACHE: dict[str, dict[str, bytes]] = {}


def _encode(digest: str, body: bytes) -> dict[str, bytes]:
    if digest not in _ENCODED_CACHE:
        _ENCODED_CACHE[digest] = {
            "br": brotli.compress(body, quality=11),
            "gzip": gzip.compress(body, 9, mtime=0),
        }
    return _ENCODED_CACHE[digest]


class Assets:
    def __init__(self) -> None:
        self.files: dict[str, Asset] = {}
        self.urls: dict[tuple[str, str], str] = {}

    def init_app(self, app: Flask) -> None:
        root = Path(app.root_path) / "static"
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            body = path.read_bytes()
            asset = Asset(
                body=body,
                digest=hashlib.sha256(body).hexdigest()[:12],
                mimetype=mimetypes.guess_type(path.name)[0] or "application/octet-stream",
            )
            if path.suffix in COMPRESSIBLE and len(body) > 256:
                asset.encoded = _encode(asset.digest, body)
            self.files[path.relative_to(root).as_posix()] = asset
        app.add_url_rule("/static/<path:filename>", endpoint="static", view_func=self.serve)
        app.jinja_env.globals["asset_url"] = self.url

    def url(self, filename: str) -> str:
        """The file's fingerprinted URL. Built once per mount point: a page names four to
        eight files, and building each URL again cost some 20 µs."""
        if not has_request_context():
            return url_for("static", filename=filename, v=self.files[filename].digest)
        key = (request.script_root, filename)
        url = self.urls.get(key)
        if url is None:
            url = self.urls[key] = url_for(
                "static", filename=filename, v=self.files[filename].digest
            )
        return url

    @same_for_everyone
    def serve(self, filename: str) -> Response:
        asset = self.files.get(filename)
        if asset is None:
            abort(404)
        accepted = request.accept_encodings
        encoding = next((e for e in ("br", "gzip") if e in asset.encoded and accepted[e]), None)
        response = Response(
            asset.encoded[encoding] if encoding else asset.body, mimetype=asset.mimetype
        )
        if encoding:
            response.headers["Content-Encoding"] = encoding
        if asset.encoded:
            response.vary.add("Accept-Encoding")
        response.set_etag(asset.digest + (f"-{encoding}" if encoding else ""))
        if request.args.get("v") == asset.digest:
            response.headers["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
        else:
            response.headers["Cache-Control"] = "public, max-age=300"
        return response.make_conditional(request)


assets = Assets()
