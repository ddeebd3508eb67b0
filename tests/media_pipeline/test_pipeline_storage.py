"""Storage: a local folder, and S3 against a real S3-compatible server (moto) on 127.0.0.1."""

from __future__ import annotations

import io
import os
import threading
import urllib.error
import urllib.request

import pytest

from media_pipeline.storage import LocalStorage, S3Storage, aligned_expiry, check_key, new_key


def test_keys_are_generated_and_user_names_are_refused():
    key = new_key("240p.mp4")
    prefix, name = key.split("/")
    assert len(prefix) == 32 and name == "240p.mp4"
    for bad in ("../etc/passwd", "/abs", "a/../../b", "my lesson.mp4", "a//b", ""):
        with pytest.raises(ValueError):
            check_key(bad)


def test_expiry_is_aligned_so_urls_in_one_bucket_are_identical():
    assert aligned_expiry(600, 3600, now=7200) == (7200, 7200 + 3600 + 600)
    assert aligned_expiry(600, 3600, now=10799) == (7200, 7200 + 3600 + 600)
    assert aligned_expiry(600, 3600, now=10800)[0] == 10800


def test_local_save_is_atomic_and_ranged_reads_work(tmp_path):
    storage = LocalStorage(tmp_path / "media", secret="s3cret")
    key = new_key("240p.mp4")
    payload = os.urandom(3 * 1024 * 1024 + 17)
    assert storage.save(key, io.BytesIO(payload)) == len(payload)
    assert storage.exists(key) and storage.size(key) == len(payload)
    assert b"".join(storage.open(key)) == payload
    assert b"".join(storage.open(key, 100, 199)) == payload[100:200]
    assert b"".join(storage.open(key, len(payload) - 5)) == payload[-5:]
    folder = (tmp_path / "media" / key).parent
    assert [p.name for p in folder.iterdir()] == ["240p.mp4"], "no temporary file left behind"


def test_local_save_that_fails_midway_leaves_nothing_visible(tmp_path):
    storage = LocalStorage(tmp_path / "media", secret="s3cret")
    key = new_key("240p.mp4")

    class Broken(io.RawIOBase):
        calls = 0

        def readinto(self, buffer):
            self.calls += 1
            if self.calls > 2:
                raise OSError("connection reset")
            buffer[:4] = b"data"
            return 4

    with pytest.raises(OSError):
        storage.save(key, Broken())
    assert not storage.exists(key)
    assert not any((tmp_path / "media" / key).parent.iterdir())


def test_local_urls_are_signed_shared_within_a_bucket_and_expire(tmp_path):
    storage = LocalStorage(tmp_path / "media", secret="s3cret", base_url="/media/files")
    key = new_key("poster.jpg")
    url = storage.url(key, expires_in=600)
    assert url == storage.url(key, expires_in=600), "same bucket, same URL: caches can share it"
    path, query = url.split("?")
    assert path == f"/media/files/{key}"
    params = dict(part.split("=") for part in query.split("&"))
    assert storage.verify(key, params["expires"], params["sig"])
    assert not storage.verify(key, params["expires"], "0" * 32)
    assert not storage.verify(new_key("poster.jpg"), params["expires"], params["sig"])
    assert not storage.verify(key, params["expires"], params["sig"], now=int(params["expires"]) + 1)
    assert not LocalStorage(tmp_path / "m2", secret="other").verify(
        key, params["expires"], params["sig"]
    )


def test_local_storage_refuses_keys_that_escape_its_folder(tmp_path):
    storage = LocalStorage(tmp_path / "media", secret="s3cret")
    with pytest.raises(ValueError):
        storage.open("../outside")


# --- S3 --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3(s3_endpoint):
    import boto3

    bucket = f"headway-{new_key().replace('/', '')[:12]}"
    boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    ).create_bucket(Bucket=bucket)
    return S3Storage(
        bucket,
        endpoint_url=s3_endpoint,
        region="us-east-1",
        access_key="test",
        secret_key="test",
        multipart_threshold=5 * 1024 * 1024,
        multipart_chunksize=5 * 1024 * 1024,
    )


def test_s3_put_range_get_and_delete(s3):
    key = new_key("poster.jpg")
    assert s3.save(key, io.BytesIO(b"\xff\xd8\xff poster"), content_type="image/jpeg") == 10
    assert s3.exists(key) and s3.size(key) == 10
    assert b"".join(s3.open(key, 4, 9)) == b"poster"
    head = s3.client.head_object(Bucket=s3.bucket, Key=key)
    assert head["ContentType"] == "image/jpeg" and "immutable" in head["CacheControl"]
    s3.delete(key)
    assert not s3.exists(key)


def test_s3_large_files_go_up_in_parts(s3, tmp_path):
    big = tmp_path / "480p.mp4"
    payload = os.urandom(11 * 1024 * 1024 + 3)
    big.write_bytes(payload)
    parts: list[str] = []
    lock = threading.Lock()

    def record(request, **kwargs):
        with lock:
            parts.append(request.url)

    s3.client.meta.events.register("before-send.s3.UploadPart", record)
    key = new_key("480p.mp4")
    assert s3.save(key, big, content_type="video/mp4") == len(payload)
    assert len(parts) == 3, "11 MB in 5 MB parts"
    assert (
        b"".join(s3.open(key, 5 * 1024 * 1024, 5 * 1024 * 1024 + 9))
        == payload[5 * 1024 * 1024 : 5 * 1024 * 1024 + 10]
    )
    assert s3.delete_prefix(key.split("/")[0]) == 1 and not s3.exists(key)


def test_s3_presigned_urls_are_shared_within_a_bucket_and_fetchable(s3):
    key = new_key("240p.mp4")
    s3.save(key, io.BytesIO(b"0123456789" * 100), content_type="video/mp4")
    url = s3.url(key, expires_in=600)
    assert url == s3.url(key, expires_in=600), "same bucket, same URL: caches can share it"
    assert "X-Amz-Signature=" in url and "X-Amz-Expires=" in url
    start, expires = aligned_expiry(600, s3.bucket_s)
    assert f"X-Amz-Expires={expires - start}" in url
    request = urllib.request.Request(url, headers={"Range": "bytes=10-19"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 206 and response.read() == b"0123456789"
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.read() == b"0123456789" * 100
    s3.delete(key)
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(url, timeout=10)
    assert missing.value.code == 404


def test_a_forged_signature_in_any_characters_is_refused_not_an_error(tmp_path):
    storage = LocalStorage(tmp_path / "media", secret="s3cret")
    key = new_key("240p.mp4")
    expires = storage.url(key).split("expires=")[1].split("&")[0]
    for forged in ("é" * 32, "\u0663" * 32, "0" * 31 + "\x00"):
        assert storage.verify(key, expires, forged) is False
