"""tus uploads into S3 (moto on 127.0.0.1): parts go up as a multipart upload while the
upload arrives, and the object appears whole only when the last byte is in."""

from __future__ import annotations

import hashlib
import os

import pytest
from sqlalchemy import select

from app.extensions import db
from app.learning.models import Lesson
from app.studio.models import Upload
from media_pipeline.storage import S3Storage
from tests.studio.conftest import tus_metadata

TUS = {"Tus-Resumable": "1.0.0"}
PATCH = {**TUS, "Content-Type": "application/offset+octet-stream"}
MB = 1024 * 1024


@pytest.fixture(scope="module")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_storage(app, s3_endpoint):
    import boto3

    bucket = "headway-studio"
    boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    ).create_bucket(Bucket=bucket)
    storage = S3Storage(
        bucket, endpoint_url=s3_endpoint, region="us-east-1", access_key="t", secret_key="t"
    )
    local = app.extensions["media_storage"]
    app.extensions["media_storage"] = storage
    yield storage
    app.extensions["media_storage"] = local


@pytest.fixture
def lesson(studio_course):
    course = studio_course()
    return db.session.scalar(select(Lesson).where(Lesson.course_id == course.id))


def _parts(storage, upload):
    return storage.client.list_parts(
        Bucket=storage.bucket, Key=storage._key(upload.storage_key), UploadId=upload.s3_upload_id
    )["Parts"]


def test_an_upload_goes_to_s3_in_parts_and_appears_whole_at_the_end(
    client, login, author, lesson, s3_storage
):
    data = b"\x00\x00\x00\x18ftypmp42" + os.urandom(12 * MB)
    login(author)
    created = client.post(
        "/studio/uploads/",
        headers={
            **TUS,
            "Upload-Length": str(len(data)),
            "Upload-Metadata": tus_metadata(filename="big.mp4", lesson=lesson.id),
        },
    )
    location = created.headers["Location"]
    offset, step = 0, 3 * MB
    while offset < len(data):
        response = client.patch(
            location,
            data=data[offset : offset + step],
            headers={**PATCH, "Upload-Offset": str(offset)},
        )
        assert response.status_code == 204, response.get_data(as_text=True)
        offset = int(response.headers["Upload-Offset"])
        upload = db.session.scalars(select(Upload)).one()
        if offset == 3 * step:  # 9 MB in: one part has gone up, nothing is visible yet
            assert [p["Size"] for p in _parts(s3_storage, upload)] == [9 * MB]
            assert not s3_storage.exists(upload.storage_key)
    upload = db.session.scalars(select(Upload)).one()
    assert upload.status == "complete"
    stored = b"".join(s3_storage.open(upload.storage_key))
    assert hashlib.sha256(stored).digest() == hashlib.sha256(data).digest()
    assert upload.asset.source_bytes == len(data)


def test_terminating_an_s3_upload_aborts_its_multipart_upload(
    client, login, author, lesson, s3_storage
):
    login(author)
    location = client.post(
        "/studio/uploads/",
        headers={
            **TUS,
            "Upload-Length": str(20 * MB),
            "Upload-Metadata": tus_metadata(filename="big.mp4", lesson=lesson.id),
        },
    ).headers["Location"]
    client.patch(location, data=b"\x00" * (9 * MB), headers={**PATCH, "Upload-Offset": "0"})
    upload = db.session.scalars(select(Upload)).one()
    upload_id, key = upload.s3_upload_id, s3_storage._key(upload.storage_key)
    assert client.delete(location, headers=TUS).status_code == 204
    uploads = s3_storage.client.list_multipart_uploads(Bucket=s3_storage.bucket).get("Uploads", [])
    assert all(u["UploadId"] != upload_id or u["Key"] != key for u in uploads)
