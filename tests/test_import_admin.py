"""The admin import page: upload, read the dry run, confirm — the same code as import_content."""

import datetime
import json
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from events.importing.exporting import csv_template
from events.importing.specs import registry
from events.models import Category, Event, Province, StagedImport, TrainingBaseKind

from .conftest import FIXTURE_FILES
from .content_io import snapshot
from .factories import make_event
from .staff import EDITOR, PUBLISHER, ensure_groups, make_staff

pytestmark = pytest.mark.django_db

URL = "/admin/import/"


def staff(username="importer", *, can_import=True):
    """Staff who may import, and add, change and publish every kind of content (provinces too)."""
    user = User.objects.create_user(username, password="x", is_staff=True)
    if can_import:
        user.user_permissions.add(
            *Permission.objects.filter(content_type__app_label="events").filter(
                Q(codename="import_file") | Q(codename__regex=r"^(add|change|publish)_")
            )
        )
    return user


def upload(name, content):
    return SimpleUploadedFile(name, content.encode("utf-8") if isinstance(content, str) else content)


def token_in(response):
    return re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Uploads wait in the media storage: a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def staged_files(media):
    return sorted(path.name for path in (media / "staged-imports").glob("*"))


@pytest.fixture
def importer_client(client):
    client.force_login(staff())
    return client


def test_the_page_has_its_url_name_and_asks_visitors_to_log_in(client):
    assert reverse("admin_import_content") == URL

    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_staff_without_the_import_permission_are_refused(client):
    client.force_login(staff(can_import=False))

    assert client.get(URL).status_code == 403
    assert client.post(URL, {"file": upload("c.json", "[]")}).status_code == 403


def test_the_form_page(importer_client, django_assert_num_queries):
    # The session (kept in the database), the user, and the user's and groups' permissions.
    with django_assert_num_queries(4):
        response = importer_client.get(URL)

    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>导入内容" in page
    assert 'enctype="multipart/form-data"' in page
    assert "检查文件" in page


def test_upload_shows_the_dry_run_then_confirm_applies_it(importer_client):
    provinces = upload("01_provinces.json", Path(FIXTURE_FILES[0]).read_bytes())

    checked = importer_client.post(URL, {"file": provinces})

    page = checked.content.decode()
    assert "检查结果：01_provinces.json 可以导入" in page
    assert "省级行政区" in page
    assert re.search(r"<td>35\s*<details>", page)
    assert "<code>110000</code>" in page
    assert Province.objects.count() == 0

    assert StagedImport.objects.count() == 1  # waiting for the confirmation

    applied = importer_client.post(URL, {"token": token_in(checked)}, follow=True)

    assert "已导入 01_provinces.json：新建 35 条，更新 0 条，0 条未变。" in applied.content.decode()
    assert Province.objects.count() == 35
    assert not StagedImport.objects.exists()


def test_a_second_upload_of_the_same_file_reports_it_unchanged(importer_client, seed_content):
    response = importer_client.post(
        URL, {"file": upload("02_taxonomy.json", Path(FIXTURE_FILES[1]).read_bytes())}
    )

    page = response.content.decode()
    assert re.search(r"<td>0\s*</td>\s*<td>0\s*</td>\s*<td>10</td>", page)  # the ten categories


def test_every_error_is_listed_and_nothing_can_be_applied(importer_client, seed_content):
    before = snapshot()
    bad = json.dumps(
        [
            {"model": "events.category", "fields": {"slug": "fine", "name": "好的"}},
            {
                "model": "events.milestone",
                "fields": {"slug": "m", "event": ["nowhere"], "date": "2023-02-30"},
            },
        ]
    )

    response = importer_client.post(URL, {"file": upload("bad.json", bad)})

    page = response.content.decode()
    assert "bad.json 有 4 个错误，未导入任何数据" in page
    assert "bad.json 第 2 条记录" in page
    assert "引用的大事「nowhere」不存在" in page
    assert 'lang="en"' in page
    assert 'name="token"' not in page
    assert snapshot() == before
    assert not StagedImport.objects.exists()  # a file that cannot be applied is not kept


def test_uploads_never_confirmed_are_forgotten_after_two_hours(importer_client, media):
    importer_client.post(URL, {"file": upload("01_provinces.json", Path(FIXTURE_FILES[0]).read_bytes())})
    StagedImport.objects.update(created_at=timezone.now() - datetime.timedelta(hours=2, minutes=1))
    abandoned = StagedImport.objects.get()

    checked = importer_client.post(
        URL, {"file": upload("01_provinces.json", Path(FIXTURE_FILES[0]).read_bytes())}
    )

    assert not StagedImport.objects.filter(pk=abandoned.pk).exists()
    assert f"{abandoned.pk.hex}.json" not in staged_files(media)
    assert importer_client.post(URL, {"token": token_in(checked)}).status_code == 200
    assert Province.objects.count() == 35


def test_checking_an_upload_leaves_the_cached_pages_alone(
    importer_client, page_cache, django_capture_on_commit_callbacks
):
    make_event(title="缓存中的大事")
    visitor = Client()
    visitor.get("/events/")
    assert visitor.get("/events/")["X-Page-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        importer_client.post(URL, {"file": upload("01_provinces.json", Path(FIXTURE_FILES[0]).read_bytes())})

    assert visitor.get("/events/")["X-Page-Cache"] == "hit"


def test_a_csv_upload_with_its_content_type_chosen(importer_client, seed_content):
    csv_text = "\ufeffslug,name\nnew-kind,新的载体类型\n"

    checked = importer_client.post(
        URL, {"file": upload("kinds.csv", csv_text), "csv_model": "trainingbasekind"}
    )
    importer_client.post(URL, {"token": token_in(checked)})

    assert checked.context["report"].counts["events.trainingbasekind"].created == 1
    assert TrainingBaseKind.objects.get(slug="new-kind").name == "新的载体类型"


def test_an_upload_over_the_import_limit_is_refused_with_its_size(importer_client, seed_content):
    # Within the site's request limit (bodies beyond it are a 413 before anything reads them),
    # over the import page's own.
    before = snapshot()
    big = upload("big.json", b"[" + b" " * (24 * 1024 * 1024) + b"]")

    response = importer_client.post(URL, {"file": big})

    page = response.content.decode()
    assert "文件有 24.0\xa0MB，超过了网页上传的上限 20.0\xa0MB" in page
    assert "import_content" in page
    assert snapshot() == before


def test_a_file_of_another_type_is_refused(importer_client):
    response = importer_client.post(URL, {"file": upload("events.numbers", b"PK")})

    assert "只能导入 .json、.yaml、.yml、.csv 或 .xlsx 文件。" in response.content.decode()


def test_a_forged_or_foreign_token_applies_nothing(importer_client, client, seed_content):
    category = '[{"model": "events.category", "fields": {"slug": "x", "name": "某类"}}]'
    checked = importer_client.post(URL, {"file": upload("c.json", category)})
    token = token_in(checked)

    forged = importer_client.post(URL, {"token": token[:-3] + "abc"}, follow=True)
    client.force_login(staff("someone-else"))
    foreign = client.post(URL, {"token": token}, follow=True)

    assert "待导入的文件已过期或无效" in forged.content.decode()
    assert "待导入的文件已过期或无效" in foreign.content.decode()
    assert not Category.objects.filter(slug="x").exists()


# -- what the uploader may do, record by record ---------------------------------------------


def test_a_publisher_cannot_rename_a_province_through_the_import_page(client, seed_content):
    ensure_groups()
    client.force_login(make_staff(PUBLISHER))
    beijing = Province.objects.get(code="110000")
    renamed = json.dumps(
        [
            {"model": "events.category", "fields": {"slug": "fine", "name": "好的"}},
            {
                "model": "events.province",
                "fields": {"code": "110000", "name": "改名市", "short_name": "改名"},
            },
        ],
        ensure_ascii=False,
    )

    response = client.post(URL, {"file": upload("provinces.json", renamed)})

    page = response.content.decode()
    assert "provinces.json 有 1 个错误，未导入任何数据" in page
    assert "provinces.json 第 2 条记录" in page
    assert "你没有修改省级行政区的权限，这条记录不能导入。" in page
    assert Province.objects.get(code="110000").name == beijing.name
    assert not StagedImport.objects.exists()


def test_an_editor_may_import_drafts_but_not_published_content(client, seed_content):
    ensure_groups()
    editor = make_staff(EDITOR)
    editor.user_permissions.add(Permission.objects.get(codename="import_file"))
    client.force_login(editor)
    event = {
        "slug": "2024-imported",
        "year": 2024,
        "rank": 1,
        "title": "导入的大事",
        "short_title": "导入",
        "summary": "摘要。",
        "body": "正文。",
        "category": ["regulation"],
    }
    published = [{"model": "events.event", "fields": event | {"status": "published"}}]
    draft = [{"model": "events.event", "fields": event | {"status": "draft"}}]

    refused = client.post(URL, {"file": upload("published.json", json.dumps(published))})
    checked = client.post(URL, {"file": upload("draft.json", json.dumps(draft))})
    client.post(URL, {"token": token_in(checked)})

    assert "你没有发布大事的权限" in refused.content.decode()
    assert Event.objects.get(slug="2024-imported").status == "draft"


def test_the_import_permission_belongs_to_staged_uploads_and_publishers_hold_it(client):
    ensure_groups()
    permission = Permission.objects.get(content_type__app_label="events", codename="import_file")

    assert permission.content_type.model == "stagedimport"
    assert not Permission.objects.filter(codename__in=["import_content", "export_content"]).exists()
    assert permission.group_set.get().name == PUBLISHER
    client.force_login(make_staff(PUBLISHER))
    assert client.get(URL).status_code == 200
    assert 'id="import-content"' in client.get("/admin/").content.decode()
    client.force_login(make_staff(EDITOR))
    assert client.get(URL).status_code == 403
    assert 'id="import-content"' not in client.get("/admin/").content.decode()


# -- where uploads wait ----------------------------------------------------------------------


def test_a_checked_upload_waits_in_the_storage_until_it_is_applied(importer_client, media):
    checked = importer_client.post(
        URL, {"file": upload("01_provinces.json", Path(FIXTURE_FILES[0]).read_bytes())}
    )
    staged = StagedImport.objects.get()

    assert staged_files(media) == [f"{staged.pk.hex}.json"]
    assert staged.file.read() == Path(FIXTURE_FILES[0]).read_bytes()

    importer_client.post(URL, {"token": token_in(checked)})

    assert Province.objects.count() == 35
    assert staged_files(media) == []
    assert not StagedImport.objects.exists()


def test_a_refused_upload_leaves_no_file_in_the_storage(importer_client, seed_content, media):
    bad = '[{"model": "events.category", "fields": {"slug": "x"}}]'

    importer_client.post(URL, {"file": upload("bad.json", bad)})

    assert staged_files(media) == []
    assert not StagedImport.objects.exists()


def test_an_upload_whose_check_breaks_down_leaves_no_file(importer_client, media, monkeypatch):
    def break_down(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr("events.importing.views.run_import", break_down)

    with pytest.raises(RuntimeError):
        importer_client.post(URL, {"file": upload("01_provinces.json", Path(FIXTURE_FILES[0]).read_bytes())})

    assert staged_files(media) == []
    assert not StagedImport.objects.exists()


def test_a_staged_file_changed_in_the_storage_is_not_applied(importer_client, media):
    checked = importer_client.post(
        URL, {"file": upload("01_provinces.json", Path(FIXTURE_FILES[0]).read_bytes())}
    )
    (media / "staged-imports" / f"{StagedImport.objects.get().pk.hex}.json").write_text("[]")

    applied = importer_client.post(URL, {"token": token_in(checked)}, follow=True)

    assert "待导入的文件已过期或无效" in applied.content.decode()
    assert Province.objects.count() == 0
    assert staged_files(media) == []


# -- help on the page --------------------------------------------------------------------------


def test_the_page_links_a_csv_template_for_every_content_type(importer_client):
    page = importer_client.get(URL).content.decode()

    for spec in registry():
        assert f'href="?template={spec.name}"' in page
    assert "培训载体（trainingbase.csv）" in page

    template = importer_client.get(URL, {"template": "trainingbase"})

    assert template["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="trainingbase.csv"' in template["Content-Disposition"]
    assert template.content.decode("utf-8-sig") == csv_template(registry().get("trainingbase"))
    assert importer_client.get(URL, {"template": "spaceship"}).status_code == 404
