"""Media at stable URLs: segments, playlists and files served ranged and cached for good,
only to people who may see a lesson that plays them (also when they guess a URL), and
counted in each person's monthly data use."""

from __future__ import annotations

from app.accounts.data_use import month_usage
from app.extensions import db
from app.media import services
from tests.conftest import sign_in


def _segmented(asset):
    return next(r for r in asset.renditions if r.kind == "video")


def _url(asset, key):
    return f"/media/{asset.id}/files/{key}"


def test_a_leader_of_the_lesson_gets_playlist_init_and_segments_at_stable_urls(
    app, client, make_user, ready_asset, lesson_for
):
    asset = ready_asset()
    lesson_for(asset)
    leader = make_user("leader")
    sign_in(client, leader)
    rendition = _segmented(asset)
    folder = rendition.playlist_key.rsplit("/", 1)[0]

    playlist = client.get(_url(asset, rendition.playlist_key))
    assert playlist.status_code == 200 and playlist.mimetype == "application/vnd.apple.mpegurl"
    text = playlist.get_data(as_text=True)
    assert '#EXT-X-MAP:URI="init.mp4"' in text and "0000.m4s" in text
    init = client.get(_url(asset, f"{folder}/init.mp4"))
    segment = client.get(_url(asset, f"{folder}/0000.m4s"))
    assert init.status_code == 200 and segment.status_code == 200
    assert init.data[4:8] == b"ftyp" and segment.data[4:8] in (b"styp", b"moof")
    # Cached for good by this person's browser only; nothing in the response varies by, or
    # sets, the cookie, so a refreshed session cookie does not miss the cache the next day.
    cache = segment.headers["Cache-Control"]
    assert "private" in cache and "immutable" in cache and "public" not in cache
    assert segment.cache_control.max_age >= 365 * 24 * 3600 - 1
    assert "Cookie" not in segment.headers.get("Vary", "") and "Set-Cookie" not in segment.headers
    # The URL is the same on every visit: nothing in it expires.
    with app.test_request_context():
        playback = services.playback_for(asset.id)
    assert playback.sources[0].url == _url(asset, rendition.storage_key)
    assert "sig=" not in playback.sources[0].url and "expires" not in playback.sources[0].url


def test_ranges_get_206_with_content_range_and_416_past_the_end(
    app, client, make_user, ready_asset, lesson_for
):
    asset = ready_asset()
    lesson_for(asset)
    sign_in(client, make_user("leader"))
    rendition = _segmented(asset)
    url = _url(asset, rendition.storage_key)
    whole = client.get(url)
    assert whole.status_code == 200 and len(whole.data) == rendition.bytes
    assert whole.headers["Accept-Ranges"] == "bytes"
    part = client.get(url, headers={"Range": "bytes=100-1099"})
    assert part.status_code == 206 and part.data == whole.data[100:1100]
    assert part.headers["Content-Range"] == f"bytes 100-1099/{rendition.bytes}"
    tail = client.get(url, headers={"Range": "bytes=-10"})
    assert tail.status_code == 206 and tail.data == whole.data[-10:]
    beyond = client.get(url, headers={"Range": f"bytes={rendition.bytes + 10}-"})
    assert beyond.status_code == 416
    assert beyond.headers["Content-Range"] == f"bytes */{rendition.bytes}"
    etag = whole.headers["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304


def test_media_bytes_served_count_towards_the_month_once_per_request(
    app, client, make_user, ready_asset, lesson_for
):
    asset = ready_asset()
    lesson_for(asset)
    leader = make_user("leader")
    sign_in(client, leader)
    rendition = _segmented(asset)
    client.get(_url(asset, rendition.storage_key), headers={"Range": "bytes=0-999"})
    client.get(_url(asset, rendition.storage_key), headers={"Range": "bytes=1000-1499"})
    etag = client.get(_url(asset, asset.poster_key)).headers["ETag"]
    client.get(_url(asset, asset.poster_key), headers={"If-None-Match": etag})  # 304: nothing
    db.session.expire_all()
    assert month_usage(leader).media_bytes == 1500 + asset.poster_bytes
    page = client.get("/me").get_data(as_text=True)
    assert 'id="data-use"' in page


def test_people_who_may_not_see_the_lesson_get_nothing_also_by_guessing(
    app, client, make_user, ready_asset, lesson_for
):
    asset = ready_asset()
    lesson = lesson_for(asset, published=False)
    other = ready_asset()
    rendition = _segmented(asset)
    folder = rendition.playlist_key.rsplit("/", 1)[0]
    anonymous = client.get(_url(asset, f"{folder}/0000.m4s"))
    assert anonymous.status_code in (302, 303) and "/sign-in" in anonymous.headers["Location"]

    sign_in(client, make_user("leader"))
    for key in (rendition.storage_key, rendition.playlist_key, f"{folder}/0000.m4s"):
        assert client.get(_url(asset, key)).status_code == 403, key
    lesson.published = True
    db.session.commit()
    assert client.get(_url(asset, f"{folder}/0000.m4s")).status_code == 200
    # Guessed: another asset's files through this one, the upload itself, made-up names.
    guesses = [
        _url(asset, _segmented(other).storage_key),
        _url(asset, asset.source_key),
        _url(asset, f"{folder}/9999.m4s"),
        _url(asset, f"{folder}/../../source"),
        f"/media/{other.id}/files/{_segmented(other).storage_key}",
        f"/media/424242/files/{rendition.storage_key}",
    ]
    for url in guesses:
        assert client.get(url).status_code in (403, 404), url
    assert client.get(f"/media/{other.id}/files/{_segmented(other).storage_key}").status_code == 403


def test_presigned_playlists_name_every_segment_and_the_init_by_url():
    text = '#EXTM3U\n#EXT-X-MAP:URI="init.mp4"\n#EXTINF:2.000000,\n0000.m4s\n#EXT-X-ENDLIST\n'
    signed = services.presign_playlist(
        text, lambda name: f"https://s3.example/b/k/{name}?X-Amz-Signature=1"
    )
    assert '#EXT-X-MAP:URI="https://s3.example/b/k/init.mp4?X-Amz-Signature=1"' in signed
    assert "\nhttps://s3.example/b/k/0000.m4s?X-Amz-Signature=1\n" in signed
    assert "#EXTINF:2.000000," in signed and signed.endswith("#EXT-X-ENDLIST\n")


def test_pages_count_as_an_estimate_and_show_on_me(app, client, make_user):
    leader = make_user("leader")
    sign_in(client, leader)
    page = client.get("/learn/")
    assert page.status_code == 200
    me = client.get("/me").get_data(as_text=True)
    db.session.expire_all()
    assert month_usage(leader).page_bytes >= len(page.data) // 4 > 0
    assert "of your data this month" in me


def test_the_player_shows_each_choice_with_its_cost_and_what_the_limit_leaves(
    app, client, make_user, ready_asset, lesson_for
):
    asset = ready_asset()
    lesson_for(asset)
    leader = make_user("leader")
    sign_in(client, leader)
    page = client.get("/learn/media-course/media-lesson").get_data(as_text=True)
    for name in ("audio", "lowest", "low", "medium", "auto"):
        assert f'value="{name}"' in page
    assert '<option value="low" selected' in page and " MB</option>" in page
    assert "data-left=" not in page  # no limit
    leader.data_limit_mb = 50
    db.session.commit()
    page = client.get("/learn/media-course/media-lesson").get_data(as_text=True)
    assert 'data-left="50000000"' in page or 'data-left="4999' in page
    # The one-tap choice without JavaScript: saved, then back to the lesson.
    back = client.post(
        "/me/data-saver", data={"data_rung": "audio", "next": "/learn/media-course/media-lesson"}
    )
    assert back.status_code == 303 and back.headers["Location"].endswith("/media-lesson")
    db.session.expire_all()
    assert leader.data_rung == "audio"
    page = client.get("/learn/media-course/media-lesson").get_data(as_text=True)
    assert '<option value="audio" selected' in page and "audio-aac.m4a" in page.split("<source")[1]
    refused = client.post("/me/data-saver", data={"data_rung": "4k", "next": "/me"})
    assert refused.status_code == 303
    db.session.expire_all()
    assert leader.data_rung == "audio"


def test_assets_from_before_segments_play_progressively(
    app, client, make_user, ready_asset, lesson_for
):
    asset = ready_asset()
    for rendition in asset.renditions:
        rendition.playlist_key = rendition.segments_bytes = None
    db.session.commit()
    lesson_for(asset)
    sign_in(client, make_user("leader"))
    page = client.get("/learn/media-course/media-lesson").get_data(as_text=True)
    assert "data-playlist" not in page  # player.js keeps the plain <video>
    source = page.split('<source src="')[1].split('"')[0]
    assert source.endswith("/144p.mp4") and client.get(source).status_code == 200
    # Audio only falls back to the smallest file there is, the Opus one.
    with app.test_request_context():
        listening = services.playback_for(asset.id, choice="audio")
    assert listening.sources[0].name == "audio"
