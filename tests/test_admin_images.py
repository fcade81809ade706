"""Image uploads are proven to be images; renditions are made once and sized; files stay while
the history refers to them."""

import io
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.urls import reverse
from PIL import Image
from PIL.ImageFile import ImageFile

from editorial.models import HistoryEntry
from events.images import RENDITION_WIDTHS, get_rendition, rendition_name
from events.models import Event, PublicationStatus, TrainingBase

from .factories import make_event, make_training_base
from .staff import form_post_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cache.clear()
    yield tmp_path
    cache.clear()


def image_bytes(width=2000, height=1000, fmt="PNG", **save_options):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, fmt, **save_options)
    return buffer.getvalue()


def upload(name="photo.png", content=None, content_type="image/png"):
    return SimpleUploadedFile(name, image_bytes() if content is None else content, content_type=content_type)


def stored_files(root):
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def post_image(client, obj, file, alt="图片说明", **changes):
    url = reverse(f"admin:events_{obj._meta.model_name}_change", args=[obj.pk])
    data = form_post_data(client.get(url)) | {"image_alt": alt, **changes}
    if file is not None:
        data["image"] = file
    return client.post(url, data)


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (upload("notes.png", b"just some text, not an image"), "无法识别为图片，或者图片已损坏"),
        (upload("cut.png", image_bytes()[:300]), "无法识别为图片，或者图片已损坏"),
        (upload("page.pdf", b"%PDF-1.4 fake", "application/pdf"), "无法识别为图片，或者图片已损坏"),
        (upload("anim.tif", image_bytes(fmt="TIFF"), "image/tiff"), "请上传 JPEG、PNG、WebP、GIF 格式的图片"),
    ],
    ids=["text", "truncated", "pdf", "tiff"],
)
def test_anything_but_a_whole_image_is_refused_and_nothing_is_saved(editor, media, file, message):
    event = make_event()

    response = post_image(editor, event, file, title="改过的标题")

    assert response.status_code == 200
    assert message in response.content.decode()
    event.refresh_from_db()
    assert not event.image
    assert event.title != "改过的标题"
    assert stored_files(media) == []


def test_an_image_over_the_byte_limit_is_refused(editor, media, settings):
    settings.IMAGE_UPLOAD_MAX_BYTES = 1000
    event = make_event()

    response = post_image(editor, event, upload(content=image_bytes(800, 800, "BMP")))

    assert "图片文件太大" in response.content.decode()
    assert stored_files(media) == []


def test_an_image_with_too_many_pixels_is_refused_before_it_is_decoded(editor, media, settings):
    settings.IMAGE_UPLOAD_MAX_PIXELS = 100 * 100
    event = make_event()

    file = upload(content=image_bytes(200, 100))

    with mock.patch.object(ImageFile, "load", side_effect=AssertionError("decoded")):
        response = post_image(editor, event, file)

    assert "图片像素太多（200×100）" in response.content.decode()
    assert stored_files(media) == []


def test_an_image_needs_alt_text(editor, media):
    event = make_event()

    response = post_image(editor, event, upload(), alt="")

    assert "上传图片时必须填写替代文字" in response.content.decode()
    assert not Event.objects.get(pk=event.pk).image


def test_an_accepted_image_is_stored_with_its_renditions(editor, media):
    event = make_event(status=PublicationStatus.DRAFT)

    response = post_image(editor, event, upload())

    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.image_width, event.image_height) == (2000, 1000)
    for size, width in RENDITION_WIDTHS.items():
        name = rendition_name(event.image.name, size)
        with default_storage.open(name) as stored, Image.open(stored) as image:
            assert image.size == (width, width // 2)


def test_the_template_tag_gives_url_width_height_and_alt(media):
    event = make_event(image=upload(), image_alt="世界技能博物馆外景")
    template = Template(
        '{% load renditions %}{% rendition event "list" as picture %}'
        "{{ picture.url }} {{ picture.width }}x{{ picture.height }}|"
        '{% rendition_img event "detail" class="hero" %}'
    )

    html = template.render(Context({"event": event}))

    picture = get_rendition(event.image, "list")
    assert html.startswith(f"{picture.url} 480x240|")
    assert f'<img src="{get_rendition(event.image, "detail").url}" width="1200" height="600"' in html
    assert 'alt="世界技能博物馆外景"' in html
    assert 'loading="lazy"' in html and 'class="hero"' in html


def test_renditions_are_made_once_and_reused(media):
    event = make_event(image=upload(), image_alt="说明")
    first = get_rendition(event.image, "list")

    cache.clear()  # even without the cache, the stored file is found and reused
    with mock.patch.object(FileSystemStorage, "save") as save:
        again = get_rendition(event.image, "list")

    save.assert_not_called()
    assert again == first


def test_a_small_image_is_never_enlarged(media):
    event = make_event(image=upload(content=image_bytes(300, 200)), image_alt="说明")

    picture = get_rendition(event.image, "detail")

    assert (picture.width, picture.height) == (300, 200)


def test_a_sideways_phone_photo_is_turned_upright(media):
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to view
    content = image_bytes(1000, 500, "JPEG", exif=exif)
    event = make_event(image=upload("phone.jpg", content, "image/jpeg"), image_alt="说明")

    picture = get_rendition(event.image, "list")

    assert (picture.width, picture.height) == (480, 960)


def test_a_missing_original_gives_no_image_rather_than_an_error(media):
    event = make_event(image=upload(), image_alt="说明")
    default_storage.delete(event.image.name)

    template = Template('{% load renditions %}[{% rendition_img event "list" %}]')

    html = template.render(Context({"event": event}))

    assert html == "[]"


def test_replacing_an_image_keeps_the_old_one_for_the_history_and_a_revert_brings_it_back(editor, media):
    event = make_event(status=PublicationStatus.DRAFT)
    post_image(editor, event, upload("first.png"))
    event.refresh_from_db()
    old = event.image.name
    old_files = {old, *(rendition_name(old, size) for size in RENDITION_WIDTHS)}

    post_image(editor, event, upload("second.png", image_bytes(1600, 1600)))

    event.refresh_from_db()
    assert event.image.name != old
    assert old_files | {event.image.name} <= set(stored_files(media))
    first_version = HistoryEntry.objects.for_item(event).filter(revision__isnull=False).order_by("id")[1]
    revert_url = reverse("admin:events_event_revert", args=[event.pk, first_version.pk])
    assert editor.post(revert_url).status_code == 302
    event.refresh_from_db()
    assert event.image.name == old
    assert (event.image_width, event.image_height) == (2000, 1000)


def test_clearing_an_image_keeps_the_file_for_the_history(editor, media):
    base = make_training_base(image=upload(), image_alt="说明", status=PublicationStatus.DRAFT)
    name = base.image.name

    response = post_image(editor, base, None, alt="", **{"image-clear": "on"})

    assert response.status_code == 302
    assert not TrainingBase.objects.get(pk=base.pk).image
    assert name in stored_files(media)


def test_a_deleted_event_keeps_its_image_and_gets_it_back_when_restored(admin_client, media):
    event = make_event(image=upload(), image_alt="说明")
    name = event.image.name

    admin_client.post(reverse("admin:events_event_delete", args=[event.pk]), {"post": "yes"})
    assert not Event.objects.filter(pk=event.pk).exists()
    assert name in stored_files(media)

    entry = HistoryEntry.objects.for_item(event).get(action="deleted")
    admin_client.post(reverse("admin:events_event_restore", args=[entry.pk]))
    assert Event.objects.get(pk=event.pk).image.name == name


def test_the_change_page_previews_the_image(editor, media):
    event = make_event(image=upload(), image_alt="外景")

    html = editor.get(reverse("admin:events_event_change", args=[event.pk])).content.decode()

    assert 'width="480" height="240" alt="外景"' in html
    assert "原图 2000×1000" in html
