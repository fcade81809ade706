"""Uploaded images are stored under the extension of what they are, and decoding one costs a
bounded amount of memory, however many pixels its header claims."""

import io
import json
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from events.models import PublicationStatus

from .factories import make_event
from .staff import EDITOR, form_post_data, staff_client

pytestmark = pytest.mark.django_db

PROJECT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def png_bytes(width=300, height=200):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (30, 90, 200)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.parametrize("name", ["picture.pdf", "picture.eps", "picture.ps", "picture.png.html", "picture"])
def test_an_image_is_stored_under_the_extension_of_its_format(client, media, name):
    staff_client(client, EDITOR)
    event = make_event(status=PublicationStatus.DRAFT)
    url = reverse("admin:events_event_change", args=[event.pk])
    data = form_post_data(client.get(url)) | {
        "image_alt": "图片说明",
        "image": SimpleUploadedFile(name, png_bytes(), content_type="application/octet-stream"),
    }

    assert client.post(url, data).status_code == 302

    event.refresh_from_db()
    assert event.image.name.endswith(".png")
    stored = [path.name for path in media.rglob("*") if path.is_file() and "renditions" not in path.parts]
    assert [Path(stored_name).suffix for stored_name in stored] == [".png"]


def write_large_png(path, side):
    """An RGBA PNG of side×side transparent pixels, written row by row: a few hundred KB on
    disk that decode to side² × 4 bytes."""
    compressor = zlib.compressobj(9)
    row = b"\x00" + b"\x00" * (side * 4)
    chunks = [compressor.compress(row) for _ in range(side)]
    data = b"".join(chunks) + compressor.flush()

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", side, side, 8, 6, 0, 0, 0)
    body = chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + body)


def write_large_jpeg(path, width, height):
    """Made in a process of its own: the whole image is in memory while it is written."""
    script = (
        "import sys; from PIL import Image; "
        f"Image.new('RGB', ({width}, {height}), (120, 60, 30)).save(sys.argv[1], 'JPEG', quality=70)"
    )
    subprocess.run([sys.executable, "-c", script, str(path)], check=True)


# Runs in a child process: Django set up, then the address space capped at what it already
# uses plus the budget, then an upload checked and its renditions made as the admin does.
MEASURE = """
import json, os, resource, sys
import django
os.environ["DJANGO_SETTINGS_MODULE"] = "skillsite.settings"
django.setup()
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import FileSystemStorage
from events import images
from PIL import Image
import PIL.WebPImagePlugin, PIL.PngImagePlugin, PIL.JpegImagePlugin, PIL.GifImagePlugin

def address_space():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize:"))

path, media, budget = sys.argv[1], sys.argv[2], int(sys.argv[3])
resource.setrlimit(resource.RLIMIT_AS, (address_space() + budget, resource.RLIM_INFINITY))
result = {}
try:
    with open(path, "rb") as handle:
        upload = File(handle, name=os.path.basename(path))
        result["size"] = images.validate_image_file(upload)
    storage = FileSystemStorage(location=media)
    with open(path, "rb") as handle:
        name = storage.save(os.path.basename(path), File(handle))

    class Original:
        def __init__(self, name):
            self.name, self.storage = name, storage

        def __bool__(self):
            return True

    made = images.generate_renditions(Original(name))
    result["renditions"] = {size: [rendition.width, rendition.height] for size, rendition in made.items()}
except ValidationError as error:
    result["refused"] = error.code
print(json.dumps(result))
"""

BUDGET = 160 * 1024 * 1024  # well under 256 MB above the process's own footprint


def measure(path, media):
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, str(path), str(media), str(BUDGET)],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "CACHE_URL": "locmem://", "DEBUG": "true", "LOG_LEVEL": "ERROR"},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_large_png_is_refused_before_it_is_decoded_within_the_memory_limit(tmp_path):
    path = tmp_path / "huge.png"
    write_large_png(path, 6300)  # 39.7 megapixels, 159 MB decoded

    assert path.stat().st_size < 400_000
    assert measure(path, tmp_path / "media") == {"refused": "too_large_to_decode"}


def test_a_large_jpeg_is_decoded_at_reduced_scale_within_the_memory_limit(tmp_path):
    path = tmp_path / "huge.jpg"
    write_large_jpeg(path, 6300, 6300)  # 159 MB decoded at full scale

    result = measure(path, tmp_path / "media")

    assert result["size"] == [6300, 6300]
    assert result["renditions"] == {"thumb": [160, 160], "list": [480, 480], "detail": [1200, 1200]}
