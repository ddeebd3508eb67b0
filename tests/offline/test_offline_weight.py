"""Our own player, loader and service worker: within 10 KB compressed together (issue 11),
and the service worker's cache key for media leaves URL signatures out."""

from __future__ import annotations

import gzip
from pathlib import Path

import brotli
import pytest

JS = Path(__file__).resolve().parents[2] / "app" / "static" / "js"
BUDGET = 10 * 1024


def test_player_loader_and_service_worker_weigh_at_most_10_kb_compressed():
    sources = [(JS / name).read_bytes() for name in ("player.js", "sw.js")]
    assert sum(len(brotli.compress(s, quality=11)) for s in sources) <= BUDGET
    assert sum(len(gzip.compress(s, 9)) for s in sources) <= BUDGET


@pytest.mark.browser
def test_media_cache_keys_leave_out_signatures_and_keep_everything_else(phone):
    """A presigned S3 URL gets a new signature every hour: the worker's key for it must be the
    same file's key whatever the signature, and must still tell two files apart."""
    page = phone()
    page.set_content("<!doctype html><title>sw</title>")
    page.add_script_tag(content=(JS / "sw.js").read_text())
    key = "u => self.mediaKey(u)"
    monday = (
        "https://s3.example/bucket/p/t/240p/0001.m4s?X-Amz-Algorithm=AWS4-HMAC-SHA256"
        "&X-Amz-Credential=a%2F20261201%2Fauto%2Fs3%2Faws4_request&X-Amz-Date=20261201T080000Z"
        "&X-Amz-Expires=25200&X-Amz-SignedHeaders=host&X-Amz-Signature=abc"
    )
    tuesday = monday.replace("20261201", "20261202").replace("Signature=abc", "Signature=def")
    assert page.evaluate(key, monday) == page.evaluate(key, tuesday)
    assert page.evaluate(key, monday) == "https://s3.example/bucket/p/t/240p/0001.m4s"
    other = monday.replace("0001.m4s", "0002.m4s")
    assert page.evaluate(key, other) != page.evaluate(key, monday)
    # Our older signed local URLs too; other query parameters stay part of the key.
    assert page.evaluate(key, "http://h/media/files/a/b.mp4?expires=1&sig=2") == (
        "http://h/media/files/a/b.mp4"
    )
    assert page.evaluate(key, "http://h/x.vtt?lang=fr&X-Amz-Date=1") == "http://h/x.vtt?lang=fr"
