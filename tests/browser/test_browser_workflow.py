"""The editorial workflow in a real browser, as an editor and a publisher at their desks.

An editor changes a live event and submits it; the public page does not change; the
publisher sees the difference on the admin home and approves; the public page changes.
Then a concurrent edit refused with its message, a revert, and a restore from the recycle bin.
"""

import json
import re

import pytest
from django.contrib.auth.models import Group, User

from events.models import Event

from ..staff import ensure_groups
from .conftest import screenshot

DESK = {"width": 1280, "height": 900}


@pytest.fixture(autouse=True)
def database_checks_between_clicks(monkeypatch):
    """These tests read the database between browser steps, in this same thread, while
    Playwright's event loop is idle; Django's guard against async callers does not apply."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def staff(site):
    ensure_groups()
    people = {}
    for username, group in (("zhang", "编辑"), ("li", "发布者")):
        user = User.objects.create_user(
            username, f"{username}@example.gov.cn", "workflow-pass-1", is_staff=True
        )
        user.groups.add(Group.objects.get(name=group))
        people[username] = user
    return people


def desk(chromium, site, username, width_name):
    context = chromium.new_context(viewport=DESK, locale="zh-CN")
    page = context.new_page()
    page.width_name = width_name
    page.goto(site + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "workflow-pass-1")
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r"/admin/$"))
    return page


def test_a_change_is_reviewed_before_the_public_sees_it(chromium, site, staff):
    event = Event.objects.get(year=2023, rank=1)
    admin_path = f"/admin/events/event/{event.pk}/change/"
    editor = desk(chromium, site, "zhang", "editor")
    publisher = desk(chromium, site, "li", "publisher")
    visitor = chromium.new_context(viewport=DESK).new_page()

    editor.goto(site + admin_path)
    editor.fill("#id_short_title", "改过的短标题")
    editor.fill("#id_editorial_comment", "短标题更准确")
    editor.click("input[name=_submit]")
    assert "已提交审核" in editor.locator(".messagelist").inner_text()
    screenshot(editor, "workflow-1-submitted")

    visitor.goto(site + event.get_absolute_url())
    assert "改过的短标题" not in visitor.content()

    publisher.goto(site + "/admin/")
    queue = publisher.locator("#review-queue")
    assert "待审核（1）" in queue.inner_text()
    queue.locator("summary").first.click()
    assert queue.locator("ins", has_text="改过的").count() >= 1
    screenshot(publisher, "workflow-2-queue")
    queue.locator("textarea[name=comment]").fill("同意")
    queue.locator("button[value=approve]").click()
    assert "已批准并发布" in publisher.locator(".messagelist").inner_text()

    visitor.goto(site + event.get_absolute_url())
    assert "改过的短标题" in visitor.content()

    editor.goto(site + "/admin/")
    assert "已发布" in editor.locator("#my-changes").inner_text()
    screenshot(editor, "workflow-3-outcome")


def test_a_concurrent_edit_is_refused_with_what_changed(chromium, site, staff):
    event = Event.objects.get(year=2023, rank=2)
    event.status = "draft"
    event.save()
    path = site + f"/admin/events/event/{event.pk}/change/"
    editor = desk(chromium, site, "zhang", "editor")
    publisher = desk(chromium, site, "li", "publisher")
    editor.goto(path)
    publisher.goto(path)

    editor.fill("#id_short_title", "编辑先改的短标题")
    editor.click("input[name=_continue]")
    publisher.fill("#id_summary", "发布者后改的摘要。")
    publisher.click("input[name=_continue]")

    assert "保存了新的版本" in publisher.locator(".errorlist").first.inner_text()
    assert publisher.locator(".editorial-conflict ins").count() >= 1
    assert publisher.input_value("#id_summary") == "发布者后改的摘要。"
    screenshot(publisher, "workflow-4-conflict")


def test_revert_and_restore_from_the_recycle_bin(chromium, site, staff):
    event = Event.objects.get(year=2023, rank=3)
    original = event.short_title
    publisher = desk(chromium, site, "li", "publisher")
    publisher.goto(site + f"/admin/events/event/{event.pk}/change/")
    publisher.fill("#id_short_title", "发布后又要撤销的标题")
    publisher.click("input[name=_publish]")

    publisher.goto(site + f"/admin/events/event/{event.pk}/history/")
    screenshot(publisher, "workflow-5-history")
    publisher.get_by_role("link", name="第 1 版").click()
    publisher.get_by_role("link", name=re.compile("恢复到这一版本")).click()
    publisher.click("input[name=_publish]")
    assert Event.objects.get(pk=event.pk).short_title == original

    publisher.goto(site + f"/admin/events/event/{event.pk}/delete/")
    publisher.click("input[type=submit]")
    assert not Event.objects.filter(pk=event.pk).exists()
    publisher.goto(site + "/admin/events/event/recycle-bin/")
    screenshot(publisher, "workflow-6-recycle-bin")
    publisher.get_by_role("button", name="恢复").first.click()
    restored = Event.objects.get(pk=event.pk)
    assert restored.status == "draft" and restored.milestones.exists()


def test_an_import_is_undone_as_a_whole(chromium, site, staff, tmp_path):
    event = Event.objects.get(year=2023, rank=5)
    original = event.short_title
    changes = tmp_path / "04_events.json"
    changes.write_text(
        json.dumps(
            [{"model": "events.event", "fields": {"slug": event.slug, "short_title": "导入改的标题"}}]
        ),
        encoding="utf-8",
    )
    publisher = desk(chromium, site, "li", "publisher")
    publisher.goto(site + "/admin/import/")
    publisher.set_input_files("input[type=file]", str(changes))
    publisher.click("input[type=submit][value=检查文件]")
    publisher.click("input[type=submit][value=确认导入]")
    assert Event.objects.get(pk=event.pk).short_title == "导入改的标题"

    publisher.locator(".messagelist").get_by_role("link", name="导入记录").click()
    screenshot(publisher, "workflow-7-import-record")
    publisher.get_by_role("link", name="撤销这次导入").click()
    publisher.locator("input[type=submit][value=撤销这次导入]").click()

    assert "已撤销导入 04_events.json" in publisher.locator(".messagelist").inner_text()
    assert Event.objects.get(pk=event.pk).short_title == original
