"""Cover storage: the folder and an S3-compatible bucket (moto's S3 server on loopback, a real S3 API over
HTTP) behave the same through the storage interface, and the service stores and serves covers from S3 when
it is configured."""
import io
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from urllib.parse import urlparse

import boto3
import pytest
from moto.server import ThreadedMotoServer
from PIL import Image

from bookshare_common.testing import ServiceClient, service_client
from bookshare_metadata.adapters import settings as metadata_settings_module
from bookshare_metadata.adapters.storage import FolderStorage, S3Config, S3Storage
from bookshare_metadata.entrypoints.app import SPEC

from .test_metadata_covers import HOBBIT, image_bytes, upload

NAME = f"{HOBBIT}-0123456789abcdef0123.png"
THUMB = f"{HOBBIT}-0123456789abcdef0123-thumb.png"
KEY_ID, SECRET = "test-access-key", "test-secret-key"


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def _s3_client(endpoint: str):
    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=KEY_ID,
                        aws_secret_access_key=SECRET)


@pytest.fixture
def bucket(s3_endpoint: str) -> str:
    name = f"covers-{uuid.uuid4().hex[:12]}"
    _s3_client(s3_endpoint).create_bucket(Bucket=name)
    return name


@pytest.fixture(params=["folder", "s3"])
def storage(request: pytest.FixtureRequest, tmp_path: Path):
    if request.param == "folder":
        return FolderStorage(tmp_path / "covers")
    endpoint = request.getfixturevalue("s3_endpoint")
    bucket = request.getfixturevalue("bucket")
    return S3Storage(S3Config(bucket=bucket, endpoint_url=endpoint, access_key_id=KEY_ID,
                              secret_access_key=SECRET))


async def test_a_stored_cover_reads_back_streams_and_is_deleted(storage):
    data = b"\x89PNG" + bytes(range(256)) * 1000  # several chunks
    assert await storage.get(NAME) is None and await storage.open(NAME) is None and await storage.size(NAME) is None

    await storage.put(NAME, data, "image/png")
    await storage.put(THUMB, b"thumbnail", "image/png")
    assert await storage.get(NAME) == data
    assert await storage.size(NAME) == len(data)
    stream = await storage.open(NAME)
    chunks = [chunk async for chunk in stream.chunks]
    assert stream.size == len(data) and len(chunks) > 1 and b"".join(chunks) == data

    await storage.delete(NAME)
    assert await storage.get(NAME) is None and await storage.size(NAME) is None
    assert await storage.get(THUMB) == b"thumbnail"  # only what was deleted is gone
    await storage.delete(NAME)  # deleting twice is harmless


async def test_names_that_are_not_cover_names_are_neither_read_nor_written(storage):
    for bad in ("../../etc/passwd", "notes.txt", f"{HOBBIT}-0123456789abcdef0123.gif"):
        assert await storage.get(bad) is None and await storage.size(bad) is None
        with pytest.raises(ValueError):
            await storage.put(bad, b"x", "image/png")


async def test_s3_objects_land_under_the_prefix_with_their_type_and_caching(s3_endpoint, bucket):
    storage = S3Storage(S3Config(bucket=bucket, endpoint_url=s3_endpoint, access_key_id=KEY_ID,
                                 secret_access_key=SECRET, prefix="img/covers/"))
    await storage.put(NAME, b"png bytes", "image/png")
    head = _s3_client(s3_endpoint).head_object(Bucket=bucket, Key=f"img/covers/{NAME}")
    assert head["ContentType"] == "image/png" and "immutable" in head["CacheControl"]


async def test_a_missing_bucket_is_an_error_not_a_missing_cover(s3_endpoint, bucket):
    from botocore.exceptions import ClientError

    storage = S3Storage(S3Config(bucket=f"{bucket}-absent", endpoint_url=s3_endpoint, access_key_id=KEY_ID,
                                 secret_access_key=SECRET))
    with pytest.raises(ClientError):  # a bucket that does not exist must not look like "no such cover"
        await storage.open(NAME)


@pytest.fixture
async def metadata_on_s3(database_url: str, tmp_path: Path, s3_endpoint: str, bucket: str,
                         monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[tuple[ServiceClient, str]]:
    for key, value in {"BUCKET": bucket, "ENDPOINT_URL": s3_endpoint, "ACCESS_KEY_ID": KEY_ID,
                       "SECRET_ACCESS_KEY": SECRET}.items():
        monkeypatch.setenv(f"BOOKSHARE_METADATA_COVERS_S3_{key}", value)
    metadata_settings_module.metadata_settings.cache_clear()
    try:
        async with service_client(SPEC, database_url=database_url, data_dir=tmp_path) as client:
            yield client, bucket
    finally:
        metadata_settings_module.metadata_settings.cache_clear()


async def test_an_uploaded_cover_is_stored_in_the_bucket_and_served_from_it(metadata_on_s3, s3_endpoint, tmp_path):
    client, bucket = metadata_on_s3
    doc = await upload(client, image_bytes("PNG", size=(400, 600)), "cover.png", "image/png")
    assert "errors" not in doc, doc
    cover = doc["data"]["uploadCover"]["cover"]
    name = urlparse(cover["url"]).path.rsplit("/", 1)[1]
    thumb_name = urlparse(cover["thumbnailUrl"]).path.rsplit("/", 1)[1]

    s3 = _s3_client(s3_endpoint)
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]}
    assert keys == {f"covers/{name}", f"covers/{thumb_name}"}
    assert not (tmp_path / "covers").exists()  # nothing went to the folder
    stored = s3.get_object(Bucket=bucket, Key=f"covers/{name}")["Body"].read()

    response = await client.http.get(f"/covers/{name}")
    assert response.status_code == 200 and response.content == stored
    assert response.headers["content-type"] == "image/png"
    assert response.headers["content-length"] == str(len(stored))
    assert "immutable" in response.headers["cache-control"] and response.headers["etag"]
    assert Image.open(io.BytesIO(response.content)).size == (400, 600)
    head = await client.http.head(f"/covers/{name}")
    assert head.status_code == 200 and head.headers["content-length"] == str(len(stored))
    again = await client.http.get(f"/covers/{name}", headers={"if-none-match": response.headers["etag"]})
    assert again.status_code == 304

    thumb = await client.http.get(f"/covers/{thumb_name}")
    assert Image.open(io.BytesIO(thumb.content)).size == (cover["thumbnailWidth"], cover["thumbnailHeight"])

    # A well-formed name that is not in the bucket (or was removed from it) is 404, for GET and HEAD.
    s3.delete_object(Bucket=bucket, Key=f"covers/{thumb_name}")
    for path in (f"/covers/{thumb_name}", f"/covers/{HOBBIT}-00000000000000000000.png"):
        assert (await client.http.get(path)).status_code == 404
        assert (await client.http.head(path)).status_code == 404


async def test_a_public_base_url_points_clients_at_the_bucket(metadata_on_s3, monkeypatch):
    client, bucket = metadata_on_s3
    monkeypatch.setenv("BOOKSHARE_METADATA_COVERS_PUBLIC_BASE_URL", "https://cdn.example.org/")
    metadata_settings_module.metadata_settings.cache_clear()
    doc = await upload(client, image_bytes("JPEG"), "cover.jpg", "image/jpeg")
    assert "errors" not in doc, doc
    url = doc["data"]["uploadCover"]["cover"]["url"]
    assert url.startswith("https://cdn.example.org/covers/978") and url.endswith(".jpg")
