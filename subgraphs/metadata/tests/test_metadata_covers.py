import io
import json
import os
from urllib.parse import urlparse

from PIL import Image

from bookshare_metadata.testing import ALICE, BOB, LIBRARIAN, codes

UPLOAD = ("mutation($isbn: String!, $file: Upload!) { uploadCover(isbn: $isbn, file: $file) { isbn "
          "cover { url width height thumbnailUrl thumbnailWidth thumbnailHeight } } }")
HOBBIT = "9780618260300"


def image_bytes(fmt: str, size=(400, 600), exif: Image.Exif | None = None, noise: bool = False) -> bytes:
    if noise:
        image = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    else:
        image = Image.new("RGB", size, (200, 40, 40))
        image.paste((20, 20, 160), (0, 0, size[0] // 2, size[1] // 3))
    out = io.BytesIO()
    image.save(out, fmt, **({"exif": exif.tobytes()} if exif is not None else {}))
    return out.getvalue()


def camera_exif(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "SnoopCam"          # Make
    exif[0x0110] = "Model 7"           # Model
    exif[0x013B] = "Secret Photographer"  # Artist
    exif[0x0112] = orientation         # Orientation
    return exif


async def upload(client, data: bytes, filename: str, content_type: str, *, isbn: str = HOBBIT, principal=ALICE):
    operations = {"query": UPLOAD, "variables": {"isbn": isbn, "file": None}}
    response = await client.http.post(
        "/graphql",
        data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.file"]})},
        files={"0": (filename, data, content_type)},
        headers=client.keys.headers(principal),
    )
    assert response.status_code == 200, response.text
    return response.json()


async def test_a_valid_jpeg_becomes_the_cover_without_its_exif_and_with_a_thumbnail(metadata):
    doc = await upload(metadata, image_bytes("JPEG", exif=camera_exif(orientation=6)), "cover.jpg", "image/jpeg")
    assert "errors" not in doc, doc
    cover = doc["data"]["uploadCover"]["cover"]
    # Orientation 6 means "rotate 90°": the stored picture is upright, so landscape now.
    assert (cover["width"], cover["height"]) == (600, 400)
    assert cover["thumbnailWidth"] <= 200 and cover["thumbnailHeight"] <= 300

    # Served over plain HTTP, no gateway credential needed, cached for good.
    response = await metadata.http.get(urlparse(cover["url"]).path)
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/jpeg"
    assert "immutable" in response.headers["cache-control"] and response.headers["etag"]
    assert response.headers["x-content-type-options"] == "nosniff"
    served = Image.open(io.BytesIO(response.content))
    assert served.format == "JPEG" and served.size == (600, 400)
    assert len(served.getexif()) == 0 and "exif" not in served.info
    assert b"SnoopCam" not in response.content and b"Secret Photographer" not in response.content

    again = await metadata.http.get(urlparse(cover["url"]).path, headers={"if-none-match": response.headers["etag"]})
    assert again.status_code == 304

    thumb = await metadata.http.get(urlparse(cover["thumbnailUrl"]).path)
    assert thumb.status_code == 200
    assert Image.open(io.BytesIO(thumb.content)).size == (cover["thumbnailWidth"], cover["thumbnailHeight"])

    doc = await metadata.query(f'{{ book(isbn: "{HOBBIT}") {{ cover {{ url }} }} }}')
    assert doc["data"]["book"]["cover"]["url"] == cover["url"]


async def test_png_and_webp_are_accepted(metadata):
    doc = await upload(metadata, image_bytes("PNG"), "cover.png", "image/png")
    assert doc["data"]["uploadCover"]["cover"]["url"].endswith(".png")
    doc = await upload(metadata, image_bytes("WEBP"), "cover.webp", "image/webp", principal=LIBRARIAN)
    assert doc["data"]["uploadCover"]["cover"]["url"].endswith(".webp")


async def test_a_file_that_is_too_big_is_refused(metadata):
    big = image_bytes("PNG", size=(1400, 1400), noise=True)
    assert len(big) > 5 * 1024 * 1024
    doc = await upload(metadata, big, "cover.png", "image/png")
    assert codes(doc) == {"BAD_USER_INPUT"} and "too big" in doc["errors"][0]["message"]


async def test_a_file_that_is_not_an_image_is_refused(metadata):
    doc = await upload(metadata, b"%PDF-1.4 definitely not a picture", "cover.jpg", "image/jpeg")
    assert codes(doc) == {"BAD_USER_INPUT"} and "not an image" in doc["errors"][0]["message"]


async def test_an_image_with_a_lying_extension_is_refused(metadata):
    doc = await upload(metadata, image_bytes("PNG"), "cover.jpg", "image/jpeg")
    assert codes(doc) == {"BAD_USER_INPUT"}
    assert "named '.jpg' but its content is a PNG image" in doc["errors"][0]["message"]


async def test_other_image_types_and_tiny_images_are_refused(metadata):
    doc = await upload(metadata, image_bytes("GIF"), "cover.gif", "image/gif")
    assert codes(doc) == {"BAD_USER_INPUT"} and "GIF images are not accepted" in doc["errors"][0]["message"]
    doc = await upload(metadata, image_bytes("PNG", size=(10, 10)), "cover.png", "image/png")
    assert codes(doc) == {"BAD_USER_INPUT"} and "too small" in doc["errors"][0]["message"]


async def test_who_may_upload_covers(metadata):
    doc = await upload(metadata, image_bytes("JPEG"), "cover.jpg", "image/jpeg", principal=None)
    assert codes(doc) == {"UNAUTHENTICATED"}
    doc = await upload(metadata, image_bytes("JPEG"), "cover.jpg", "image/jpeg", principal=BOB)
    assert "errors" not in doc  # the first cover of a book: any signed-in user
    doc = await upload(metadata, image_bytes("PNG"), "cover.png", "image/png", principal=ALICE)
    assert codes(doc) == {"FORBIDDEN"}  # replacing it: editors only
    doc = await upload(metadata, image_bytes("JPEG"), "c.jpg", "image/jpeg", isbn="9780306406157")
    assert codes(doc) == {"NOT_FOUND"}


async def test_cover_route_serves_only_cover_names(metadata):
    for path in ("/covers/..%2F..%2Fetc%2Fpasswd", "/covers/9780618260300-00000000000000000000.jpg",
                 "/covers/notes.txt"):
        response = await metadata.http.get(path)
        assert response.status_code == 404, path
