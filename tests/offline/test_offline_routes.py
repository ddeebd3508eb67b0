"""The service worker, the web app manifest, Downloads and the offline page."""

from __future__ import annotations

from tests.conftest import sign_in


def test_the_service_worker_is_served_from_the_root_and_revalidated(client):
    response = client.get("/sw.js")
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache" and response.headers["ETag"]
    assert b"hw-media" in response.data
    again = client.get("/sw.js", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    assert "Set-Cookie" not in response.headers


def test_the_manifest_opens_on_learn(client):
    manifest = client.get("/manifest.webmanifest")
    assert manifest.mimetype == "application/manifest+json"
    assert manifest.json["start_url"] == "/learn/" and manifest.json["display"] == "standalone"


def test_downloads_are_for_leaders_and_the_offline_page_for_everyone(client, make_user):
    assert client.get("/downloads").status_code in (302, 303)
    assert client.get("/offline").status_code in (302, 303)
    sign_in(client, make_user("author"))
    assert client.get("/downloads").status_code == 403
    # The worker installs for every role and keeps this page: an author's is theirs.
    offline = client.get("/offline")
    assert offline.status_code == 200 and "back online" in offline.get_data(as_text=True)
    assert "/downloads" not in offline.get_data(as_text=True)
    leader_client = client.application.test_client()
    sign_in(leader_client, make_user("leader"))
    page = leader_client.get("/downloads").get_data(as_text=True)
    assert "data-downloads" in page and "<noscript>" in page
    french = leader_client.get("/offline", headers={"Accept-Language": "fr"})
    assert french.status_code == 200 and "Téléchargements" in french.get_data(as_text=True)


def test_signed_in_pages_name_the_worker_and_the_manifest(client, make_user):
    sign_in(client, make_user("leader"))
    page = client.get("/learn/").get_data(as_text=True)
    assert 'data-sw="/sw.js"' in page and 'rel="manifest"' in page
    signed_out = client.application.test_client().get("/sign-in").get_data(as_text=True)
    assert "data-sw=" not in signed_out


def test_the_manifest_has_the_icons_android_needs_to_offer_install(client):
    """Chrome offers "Install" only with a 192 and a 512 pixel icon; each is a real PNG of
    its size, cached for good under a fingerprinted URL."""
    from io import BytesIO

    from PIL import Image

    icons = client.get("/manifest.webmanifest").json["icons"]
    assert {(i["sizes"], i["purpose"]) for i in icons} == {
        (f"{n}x{n}", purpose) for n in (192, 512) for purpose in ("any", "maskable")
    }
    for icon in icons:
        response = client.get(icon["src"])
        assert response.status_code == 200 and response.mimetype == "image/png"
        assert "immutable" in response.headers["Cache-Control"]
        size = int(icon["sizes"].split("x")[0])
        assert Image.open(BytesIO(response.data)).size == (size, size)
        assert len(response.data) < 2048  # a few hundred bytes: fetched once, on install
