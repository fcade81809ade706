"""What an editor meets in the admin beyond validation: the error summary, figures as typed,
the year drill-down, one region picker, translated widgets, image previews on `make run`."""

import datetime
import importlib
import json
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import clear_url_caches, reverse
from django.utils import timezone

from events.models import Event, KeyFigure, PublicationStatus

from .factories import make_event
from .staff import PUBLISHER, event_url, form_post_data, make_rich_event, staff_client

pytestmark = pytest.mark.django_db


def test_uploads_are_served_by_the_development_server(settings, tmp_path, client):
    (tmp_path / "events").mkdir()
    (tmp_path / "events" / "photo.png").write_bytes(b"\x89PNG stand-in")
    settings.MEDIA_ROOT = tmp_path
    settings.DEBUG = True
    import skillsite.urls

    try:
        importlib.reload(skillsite.urls)
        clear_url_caches()
        response = client.get("/media/events/photo.png")
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == b"\x89PNG stand-in"
    finally:
        settings.DEBUG = False
        importlib.reload(skillsite.urls)
        clear_url_caches()
    assert client.get("/media/events/photo.png").status_code == 404


def test_the_event_list_drills_down_by_the_events_own_year(editor):
    # Last year's review, published this year: it belongs under its own year.
    make_event(year=2023, published_at=datetime.datetime(2024, 1, 2, tzinfo=datetime.UTC))
    make_event(year=2024, published_at=datetime.datetime(2024, 3, 1, tzinfo=datetime.UTC))

    html = editor.get(reverse("admin:events_event_changelist")).content.decode()
    links = re.findall(r'<nav class="toplinks year-links".*?</nav>', html, re.S)[0]

    assert re.findall(r"<a href=\"\?year__exact=(\d+)\">", links) == ["2024", "2023"]
    assert "published_at__year" not in html
    response = editor.get(reverse("admin:events_event_changelist"), {"year__exact": "2023"})
    assert [event.year for event in response.context["cl"].result_list] == [2023]


def test_key_figures_show_as_typed_not_with_two_decimals(editor):
    event = make_rich_event(milestones=0, figures=0)
    KeyFigure.objects.create(event=event, key="three", label="三", value=Decimal("3"))
    figure = KeyFigure.objects.create(event=event, key="share", label="一点二", value=Decimal("1.2"))

    inline = editor.get(event_url(event)).content.decode()
    own_page = editor.get(reverse("admin:events_keyfigure_change", args=[figure.pk])).content.decode()

    assert 'name="key_figures-0-value" value="3"' in inline
    assert 'name="key_figures-1-value" value="1.2"' in inline
    assert "3.00" not in inline and "1.20" not in inline
    assert 'name="value" value="1.2"' in own_page


def test_a_milestones_regions_use_the_same_picker_as_the_events_and_cost_one_query(
    editor, django_assert_max_num_queries
):
    event = make_rich_event(milestones=3, figures=0)

    html = editor.get(event_url(event)).content.decode()

    picker = re.search(r'<select name="milestones-0-regions"[^>]*>', html).group(0)
    event_picker = re.search(r'<select name="regions"[^>]*>', html).group(0)
    assert "admin-autocomplete" in picker and "admin-autocomplete" in event_picker
    assert "selectfilter" not in html
    province = event.regions.get()
    assert html.count(f'<option value="{province.pk}" selected>{province}</option>') == 4


def test_the_admins_javascript_strings_are_in_chinese(editor):
    catalogue = editor.get("/admin/jsi18n/").content.decode()

    for english, chinese in [
        ("Choose all %s", "选择全部%s"),
        ("Remove all %s", "移除全部%s"),
        ("Choose all", "全选"),
    ]:
        assert f"{json.dumps(english)}: {json.dumps(chinese)}" in catalogue


def test_errors_are_counted_at_the_top_with_a_link_to_each_field(editor, seed_content):
    event = make_rich_event(milestones=1, figures=0, year=2023, rank=11)
    holder = Event.objects.get(year=2023, rank=1)
    url = event_url(event)
    data = form_post_data(editor.get(url)) | {
        "rank": "1",
        "title": "",
        "milestones-0-date": "2024-05-08",
        "milestones-0-end_date": "2024-05-01",
    }

    html = editor.post(url, data).content.decode()

    summary = re.search(r'<div class="errornote" id="error-summary".*?</div>', html, re.S).group(0)
    assert "有 3 处需要更正" in summary
    assert '<a href="#id_title">标题：该字段是必填项。</a>' in summary
    assert f'<a href="#id_rank">序号：2023年的第 1 件已是“{holder.short_title}”' in summary
    assert (
        '<a href="#id_milestones-0-end_date">大事节点 #1：结束日期：结束日期不能早于开始日期。</a>' in summary
    )
    assert "请更正以下错误。" not in html and "<title>错误：" in html


def test_an_error_in_a_date_and_time_links_to_the_date(client):
    staff_client(client, PUBLISHER)
    event = make_event(status=PublicationStatus.DRAFT)
    data = form_post_data(client.get(event_url(event))) | {"published_at_0": "明天"}

    html = client.post(event_url(event), data).content.decode()

    assert '<a href="#id_published_at_0">发布时间：' in html


def test_a_chosen_image_lost_to_an_error_is_named_with_what_to_do(editor, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    event = make_event(status=PublicationStatus.DRAFT)
    url = event_url(event)
    photo = SimpleUploadedFile("photo.png", _png(), content_type="image/png")
    data = form_post_data(editor.get(url)) | {"title": "", "image": photo, "image_alt": "说明"}

    html = editor.post(url, data).content.decode()

    assert "所选图片“photo.png”尚未保存" in html
    assert "改正错误后请重新选择图片" in html
    assert "（图片无法读取）" not in html


def test_a_draft_saved_with_a_later_publish_time_says_when_it_would_go_live(editor):
    draft = make_event(status=PublicationStatus.DRAFT)
    data = form_post_data(editor.get(event_url(draft)))

    response = editor.post(
        event_url(draft),
        data | {"_save": "1", "published_at_0": "2031-05-01", "published_at_1": "09:00"},
        follow=True,
    )

    assert "发布时间定在 2031-05-01 09:00：发布后到那时才公开。" in response.content.decode()


def _png():
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def test_the_login_throttles_lists_have_chinese_names(admin_client):
    html = admin_client.get(reverse("admin:index")).content.decode()

    assert "登录尝试" in html and "登录失败" in html and "登录记录" in html
    assert "Access attempts" not in html and "Access failures" not in html


def test_publish_now_on_a_scheduled_event_says_it_was_brought_forward(client):
    staff_client(client, PUBLISHER)
    later = timezone.now() + datetime.timedelta(days=3)
    scheduled = make_event(published_at=later)

    response = client.post(
        reverse("admin:events_event_changelist"),
        {"action": "publish_selected", "_selected_action": [str(scheduled.pk)]},
        follow=True,
    )

    when = timezone.localtime(later).strftime("%Y-%m-%d %H:%M")
    assert f"已发布 1 条大事，现在公众可以看到。其中“{scheduled}”原定 {when} 公开，已提前到现在。" in (
        response.content.decode()
    )
    scheduled.refresh_from_db()
    assert scheduled.is_public
