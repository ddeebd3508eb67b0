"""Serving media: signed, ranged, cached for good, and only to the people allowed."""

from __future__ import annotations

import io
import time
from urllib.parse import parse_qs, urlsplit

from app.extensions import db
from app.media import services
from tests.conftest import sign_in


def _split(url: str) -> tuple[str, dict[str, str]]:
    parts = urlsplit(url)
    return parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()}


def test_signed_file_url_serves_ranges_etags_and_immutable_caching(app, client, ready_asset):
    asset = ready_asset()
    rendition = asset.renditions[0]
    url = services.signed_url(rendition.storage_key)

    asked_at = time.time()
    whole = client.get(url)
    assert whole.status_code == 200 and whole.mimetype == "video/mp4"
    assert len(whole.data) == rendition.bytes
    assert whole.headers["Accept-Ranges"] == "bytes"
    cache = whole.headers["Cache-Control"]
    assert "public" in cache and "immutable" in cache
    # Shared caches keep it while the URL is valid, never past its expiry: the signature is
    # the permission, and a CDN must not keep serving it to whoever has an old link.
    remaining = int(_split(url)[1]["expires"]) - asked_at  # (measured before: a slow run is fine)
    assert app.config["MEDIA_URL_EXPIRES_S"] - 5 <= whole.cache_control.max_age <= remaining + 1
    assert whole.expires.timestamp() <= int(_split(url)[1]["expires"])
    etag = whole.headers["ETag"]

    part = client.get(url, headers={"Range": "bytes=100-1099"})
    assert part.status_code == 206 and part.data == whole.data[100:1100]
    assert part.headers["Content-Range"] == f"bytes 100-1099/{rendition.bytes}"
    tail = client.get(url, headers={"Range": "bytes=-10"})
    assert tail.status_code == 206 and tail.data == whole.data[-10:]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    beyond = client.get(url, headers={"Range": f"bytes={rendition.bytes + 10}-"})
    assert beyond.status_code == 416


def test_signed_files_are_the_same_for_everyone_so_caches_can_share_them(
    app, client, make_user, ready_asset
):
    asset = ready_asset()
    sign_in(client, make_user())  # a signed-in person's permanent session must not leak in
    url = services.signed_url(asset.renditions[0].storage_key)
    part = client.get(url, headers={"Range": "bytes=0-99"})
    assert part.status_code == 206
    assert "Set-Cookie" not in part.headers
    assert "Cookie" not in part.headers.get("Vary", "")


def test_file_urls_without_a_valid_signature_are_refused(app, client, ready_asset):
    asset = ready_asset()
    path, query = _split(services.signed_url(asset.renditions[0].storage_key))
    assert client.get(path).status_code == 403
    assert client.get(path, query_string={**query, "sig": "0" * 32}).status_code == 403
    assert client.get(path, query_string={**query, "sig": "é" * 32}).status_code == 403
    expired = services.storage().signature(path.removeprefix("/media/files/"), 1000)
    assert client.get(path, query_string={"expires": 1000, "sig": expired}).status_code == 403
    # Someone else's signature does not open a different file of the same asset.
    other = asset.renditions[1].storage_key
    assert client.get(f"/media/files/{other}", query_string=query).status_code == 403


def test_a_signed_url_for_a_file_that_is_gone_is_404(app, client, ready_asset):
    asset = ready_asset()
    rendition = asset.renditions[0]
    url = services.signed_url(rendition.storage_key)
    services.storage().delete(rendition.storage_key)
    assert client.get(url).status_code == 404


def test_renditions_open_for_the_author_and_for_leaders_of_the_lesson_only(
    app, client, make_user, ready_asset, lesson_for
):
    author = make_user("author")
    asset = ready_asset(owner=author)
    sign_in(client, author)
    response = client.get(f"/media/{asset.id}/renditions/144p")
    assert response.status_code == 303
    assert response.headers["Location"].startswith(f"/media/files/{asset.key_prefix}/")
    assert client.get(response.headers["Location"]).status_code == 200
    assert client.get(f"/media/{asset.id}/renditions/1080p").status_code == 404
    assert client.get("/media/999999/renditions/144p").status_code == 404

    leader = make_user("leader")
    client = app.test_client()
    sign_in(client, leader)
    assert client.get(f"/media/{asset.id}/renditions/144p").status_code == 403
    lesson = lesson_for(asset, published=False)
    assert client.get(f"/media/{asset.id}/renditions/144p").status_code == 403
    lesson.published = True
    db.session.commit()
    assert client.get(f"/media/{asset.id}/renditions/144p").status_code == 303


def test_anonymous_people_are_sent_to_sign_in(app, client, ready_asset):
    asset = ready_asset()
    response = client.get(f"/media/{asset.id}/renditions/144p")
    assert response.status_code in (302, 303) and "/sign-in" in response.headers["Location"]


def test_status_page_and_self_stopping_fragment_for_the_owner(
    app, client, make_user, ready_asset, tiny_clip
):
    owner = make_user("leader")
    asset = ready_asset(owner=owner)
    sign_in(client, owner)
    page = client.get(f"/media/{asset.id}")
    assert page.status_code == 200 and "<html" in page.get_data(as_text=True)
    assert f'id="media-status-{asset.id}"' in page.get_data(as_text=True)
    assert "144p" in page.get_data(as_text=True) and "HX-Request" in page.headers["Vary"]
    fragment = client.get(f"/media/{asset.id}", headers={"HX-Request": "true"})
    assert fragment.status_code == 286, "finished: HTMX stops polling"
    assert "<html" not in fragment.get_data(as_text=True)

    waiting = services.queue_transcode(tiny_clip, owner=owner)
    db.session.commit()
    polling = client.get(f"/media/{waiting.id}", headers={"HX-Request": "true"})
    assert polling.status_code == 200 and 'hx-trigger="every 3s"' in polling.get_data(as_text=True)


def test_status_page_is_403_for_someone_else_and_404_for_nothing(
    app, client, make_user, ready_asset
):
    asset = ready_asset(owner=make_user("leader"))
    sign_in(client, make_user("leader"))
    assert client.get(f"/media/{asset.id}").status_code == 403
    assert client.post(f"/media/{asset.id}/retry").status_code == 403
    assert client.get("/media/424242").status_code == 404


def test_retry_button_queues_a_failed_upload_again(app, client, make_user, tmp_path):
    owner = make_user("author")
    text = tmp_path / "notes.mp4"
    text.write_text("notes\n")
    asset = services.queue_transcode(text, owner=owner)
    db.session.commit()
    services.run_transcode(asset.id)
    sign_in(client, owner)
    page = client.get(f"/media/{asset.id}").get_data(as_text=True)
    assert "This is a text file, not a video or audio recording." in page
    response = client.post(f"/media/{asset.id}/retry")
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(type(asset), asset.id).status == "uploaded"


def test_captions_are_compressed_for_clients_that_accept_it(app, client, make_user, ready_asset):
    """send_file streams files, and Flask-Compress leaves streams alone for gzip-only clients;
    captions are text, sent whole so they can be compressed. Video still answers ranges."""
    import gzip

    import brotli

    asset = ready_asset()
    sign_in(client, make_user())
    cues = "".join(
        f"00:00:{i:02d}.000 --> 00:00:{i:02d}.900\nWhat a head teacher says {i}.\n\n"
        for i in range(40)
    )
    text = f"WEBVTT\n\n{cues}".encode()
    key = f"{asset.key_prefix}/{asset.job_token}/captions.vtt"
    services.storage().save(key, io.BytesIO(text))
    url = services.signed_url(key)

    zipped = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert zipped.status_code == 200 and zipped.mimetype == "text/vtt"
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.data) == text and len(zipped.data) < len(text) / 3
    assert int(zipped.headers["Content-Length"]) == len(zipped.data)
    assert "Accept-Encoding" in zipped.headers["Vary"] and "Cookie" not in zipped.headers["Vary"]
    assert "Set-Cookie" not in zipped.headers
    cache = zipped.headers["Cache-Control"]
    assert "public" in cache and "immutable" in cache and zipped.cache_control.max_age > 0
    assert zipped.headers["X-Content-Type-Options"] == "nosniff"
    etag = zipped.headers["ETag"]
    assert (
        client.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": etag}).status_code
        == 304
    )

    browser = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert browser.headers["Content-Encoding"] == "br"
    assert brotli.decompress(browser.data) == text
    plain = client.get(url)
    assert "Content-Encoding" not in plain.headers and plain.data == text

    video = services.signed_url(asset.renditions[0].storage_key)
    part = client.get(video, headers={"Accept-Encoding": "gzip, br", "Range": "bytes=0-99"})
    assert part.status_code == 206 and len(part.data) == 100
    assert "Content-Encoding" not in part.headers and "Set-Cookie" not in part.headers
