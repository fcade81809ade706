"""The editorial workflow as editors and publishers use it in the admin.

Changes to live content stay pending until a publisher publishes them; every save is a
revision that can be compared and restored; nothing typed is silently lost.
"""

import datetime
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from editorial import workflow
from editorial.models import ChangeRequest, HistoryEntry
from events.models import Edition, Event, Milestone, PublicationStatus, TrainingBaseBatch

from .factories import make_edition, make_event, make_milestone, make_training_base
from .staff import EDITOR, PUBLISHER, form_post_data, make_rich_event, make_staff

pytestmark = pytest.mark.django_db


def change_url(obj):
    return reverse(f"admin:events_{obj._meta.model_name}_change", args=[obj.pk])


def admin_url(obj, name, *args):
    return reverse(f"admin:events_{obj._meta.model_name}_{name}", args=[obj.pk, *args])


@pytest.fixture
def editor(client):
    user = make_staff(EDITOR, "zhang")
    user.email = "zhang@example.gov.cn"
    user.save()
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def publisher(client_factory):
    user = make_staff(PUBLISHER, "li")
    user.email = "li@example.gov.cn"
    user.save()
    other = client_factory()
    other.force_login(user)
    other.user = user
    return other


@pytest.fixture
def client_factory():
    from django.test import Client

    return Client


def save(client, obj, button="_save", **changes):
    url = change_url(obj)
    data = form_post_data(client.get(url)) | changes | {button: "1"}
    return client.post(url, data, follow=True)


def public_title(client_obj, event):
    return client_obj.get(event.get_absolute_url()).content.decode()


# Drafts over live content


def test_an_editors_change_to_a_live_event_is_not_public_until_a_publisher_publishes_it(editor, publisher):
    event = make_rich_event(title="已发布的标题", summary="已发布的摘要。")

    response = save(editor, event, title="改过的标题")

    assert "待发布版本" in response.content.decode()
    anonymous = publisher.__class__()
    for path in (event.get_absolute_url(), "/events/", "/", "/search/?q=改过", "/feeds/events/"):
        assert "改过的标题" not in anonymous.get(path).content.decode(), path
    assert "改过的标题" in editor.get(change_url(event)).content.decode()

    response = save(publisher, event, button="_publish")

    assert "已发布" in response.content.decode()
    assert "改过的标题" in anonymous.get(event.get_absolute_url()).content.decode()
    assert not ChangeRequest.objects.open().exists()


def test_a_milestone_added_under_a_live_event_waits_with_the_event(editor, publisher):
    event = make_rich_event(milestones=1, figures=0)
    url = change_url(event)
    data = form_post_data(editor.get(url)) | {
        "milestones-TOTAL_FORMS": "2",
        "milestones-1-title": "新增的节点",
        "milestones-1-date": "2024-06-01",
        "milestones-1-precision": "day",
        "milestones-1-description": "内容。",
    }

    assert editor.post(url, data).status_code == 302

    assert not Milestone.objects.filter(title="新增的节点").exists()
    assert "新增的节点" not in publisher.__class__().get("/milestones/").content.decode()
    save(publisher, event, button="_publish")
    added = Milestone.objects.get(title="新增的节点")
    assert added.event == event
    assert publisher.__class__().get(added.get_absolute_url()).status_code == 200


def test_a_milestone_added_or_deleted_on_its_own_page_waits_with_its_event(editor, publisher):
    event = make_rich_event(milestones=1, figures=0)
    existing = event.milestones.get()
    add_url = reverse("admin:events_milestone_add")
    data = form_post_data(editor.get(add_url)) | {
        "event": str(event.pk),
        "title": "单独添加的节点",
        "date": "2024-07-01",
        "precision": "day",
        "description": "内容。",
    }

    response = editor.post(add_url, data)

    assert response.status_code == 302
    assert response["Location"] == change_url(event)
    assert not Milestone.objects.filter(title="单独添加的节点").exists()

    response = editor.post(reverse("admin:events_milestone_delete", args=[existing.pk]), {"post": "yes"})

    assert Milestone.objects.filter(pk=existing.pk).exists()
    pending = editor.get(change_url(event)).content.decode()
    assert "单独添加的节点" in pending and existing.title not in pending

    save(publisher, event, button="_publish")
    assert Milestone.objects.filter(title="单独添加的节点", event=event).exists()
    assert not Milestone.objects.filter(pk=existing.pk).exists()


def test_a_new_batch_by_an_editor_is_not_public_until_published(editor, publisher, seed_content):
    kind = TrainingBaseBatch.objects.first().kind
    add_url = reverse("admin:events_trainingbasebatch_add")
    data = form_post_data(editor.get(add_url)) | {
        "kind": str(kind.pk),
        "year": "2024",
        "name": "2024年新一批项目",
        "announced_total": "88",
    }

    assert editor.post(add_url, data).status_code == 302

    batch = TrainingBaseBatch.objects.get(name="2024年新一批项目")
    assert batch.status == PublicationStatus.DRAFT
    anonymous = publisher.__class__()
    assert "2024年新一批项目" not in anonymous.get("/bases/").content.decode()
    publisher.post(
        reverse("admin:events_trainingbasebatch_changelist"),
        {"action": "publish_selected", "_selected_action": [batch.pk]},
    )
    assert "2024年新一批项目" in anonymous.get("/bases/").content.decode()


def test_staff_preview_the_pending_version_on_the_real_page_never_cached(editor, page_cache):
    event = make_rich_event(title="已发布的标题")
    save(editor, event, title="待发布的新标题")

    response = editor.get(admin_url(event, "preview"))

    html = response.content.decode()
    assert "待发布的新标题" in html
    assert '<article class="article">' in html  # the public page's own template
    assert response["X-Robots-Tag"] == "noindex"
    assert "no-cache" in response["Cache-Control"]
    assert Event.objects.get(pk=event.pk).title == "已发布的标题"


# Review


def test_submit_review_and_approve_with_mail_to_each_role(
    editor, publisher, django_capture_on_commit_callbacks
):
    event = make_rich_event(title="原标题")
    with django_capture_on_commit_callbacks(execute=True):
        save(editor, event, button="_submit", title="提交的标题", _editorial_comment="请审核标题")

    change = ChangeRequest.objects.get()
    assert change.state == "submitted"
    assert [message.to for message in mail.outbox] == [["li@example.gov.cn"]]
    assert "请审核标题" in mail.outbox[0].body

    home = publisher.get(reverse("admin:index")).content.decode()
    assert "待审核（1）" in home
    assert "<del>原</del>" in home and "<ins>提交的</ins>" in home

    with django_capture_on_commit_callbacks(execute=True):
        response = publisher.post(
            admin_url(event, "review"), {"action": "approve", "comment": "同意"}, follow=True
        )

    assert "已批准并发布" in response.content.decode()
    assert Event.objects.get(pk=event.pk).title == "提交的标题"
    assert mail.outbox[-1].to == ["zhang@example.gov.cn"]
    assert "同意" in mail.outbox[-1].body
    editor_home = editor.get(reverse("admin:index")).content.decode()
    assert "我的修改" in editor_home and "已发布" in editor_home


def test_a_publisher_sends_a_change_back_and_the_editor_sees_why(
    editor, publisher, django_capture_on_commit_callbacks
):
    event = make_rich_event(title="原标题")
    save(editor, event, button="_submit", title="有错的标题")

    with django_capture_on_commit_callbacks(execute=True):
        publisher.post(admin_url(event, "review"), {"action": "reject", "comment": "标题有错别字"})

    assert ChangeRequest.objects.get().state == "rejected"
    assert Event.objects.get(pk=event.pk).title == "原标题"
    assert "标题有错别字" in editor.get(reverse("admin:index")).content.decode()
    assert "标题有错别字" in editor.get(change_url(event)).content.decode()
    assert "标题有错别字" in mail.outbox[-1].body


def test_an_editor_cannot_approve(editor):
    event = make_rich_event()
    save(editor, event, button="_submit", title="提交的标题")

    editor.post(admin_url(event, "review"), {"action": "approve"})

    assert Event.objects.get(pk=event.pk).title != "提交的标题"
    assert ChangeRequest.objects.get().state == "submitted"


def test_an_approved_change_for_a_later_time_goes_live_by_itself(editor, publisher, page_cache):
    event = make_rich_event(title="原标题")
    save(editor, event, button="_submit", title="定时的标题")
    at = timezone.now() + datetime.timedelta(hours=2)

    publisher.post(
        admin_url(event, "review"),
        {"action": "approve", "go_live_at": timezone.localtime(at).strftime("%Y-%m-%dT%H:%M")},
    )

    anonymous = publisher.__class__()
    assert ChangeRequest.objects.get().state == "scheduled"
    assert "定时的标题" not in anonymous.get(event.get_absolute_url()).content.decode()
    later = at + datetime.timedelta(minutes=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        # No job ran: the first request after the time publishes it.
        assert "定时的标题" in anonymous.get(event.get_absolute_url()).content.decode()
    assert ChangeRequest.objects.get().state == "published"
    assert (
        HistoryEntry.objects.for_item(event).filter(action="published", comment__startswith="按计划").exists()
    )


# Revisions, comparison, revert


def test_history_shows_who_changed_which_values_and_compares_character_by_character(editor, publisher):
    event = make_event(title="世界技能博物馆开馆", status=PublicationStatus.DRAFT)
    save(editor, event, title="世界技能博物馆正式开馆", _editorial_comment="补充“正式”")

    history = editor.get(admin_url(event, "history")).content.decode()

    assert "zhang" in history and "补充“正式”" in history and "标题" in history
    first, second = HistoryEntry.objects.for_item(event).filter(revision__isnull=False).order_by("id")
    compare = editor.get(admin_url(event, "compare"), {"a": first.pk, "b": second.pk}).content.decode()
    assert "世界技能博物馆<ins>正式</ins>开馆" in compare


def test_reverting_a_live_event_is_a_pending_change_and_a_new_version(editor, publisher):
    event = make_rich_event(title="第一版标题")
    save(publisher, event, button="_publish", title="第二版标题")
    baseline = HistoryEntry.objects.for_item(event).get(action="baseline")

    response = editor.post(admin_url(event, "revert", baseline.pk), follow=True)

    assert "待发布的修改" in response.content.decode()
    assert Event.objects.get(pk=event.pk).title == "第二版标题"
    save(publisher, event, button="_publish")
    assert Event.objects.get(pk=event.pk).title == "第一版标题"
    versions = HistoryEntry.objects.for_item(event).exclude(version=None).values_list("version", flat=True)
    assert max(versions) == 4  # baseline, second, the revert, its publication


# No lost updates


def test_a_save_from_a_stale_form_is_refused_with_what_changed_and_nothing_typed_is_lost(editor, publisher):
    event = make_event(title="原标题", summary="原摘要。", status=PublicationStatus.DRAFT)
    url = change_url(event)
    editors_form = form_post_data(editor.get(url))
    publishers_form = form_post_data(publisher.get(url))

    assert editor.post(url, editors_form | {"title": "编辑改的标题", "_save": "1"}).status_code == 302
    response = publisher.post(url, publishers_form | {"summary": "发布者改的摘要。", "_save": "1"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "zhang" in html and "保存了新的版本" in html
    assert "<ins>编辑改的</ins>" in html  # what changed meanwhile, shown side by side
    assert "发布者改的摘要。" in html  # what the publisher typed is still in the form
    assert Event.objects.get(pk=event.pk).summary == "原摘要。"

    again = publisher.post(url, form_post_data(response) | {"_save": "1"})
    assert again.status_code == 302
    event.refresh_from_db()
    assert (event.title, event.summary) == ("原标题", "发布者改的摘要。")


# Recycle bin


def test_a_deleted_event_with_its_milestones_is_restored_from_the_recycle_bin_as_a_draft(publisher):
    event = make_rich_event(milestones=2, figures=1, title="被误删的大事")
    milestone_ids = set(event.milestones.values_list("pk", flat=True))

    publisher.post(reverse("admin:events_event_delete", args=[event.pk]), {"post": "yes"})
    assert not Event.objects.filter(pk=event.pk).exists()
    bin_page = publisher.get(reverse("admin:events_event_recycle_bin")).content.decode()
    assert str(event) in bin_page

    entry = HistoryEntry.objects.get(action="deleted")
    publisher.post(reverse("admin:events_event_restore", args=[entry.pk]))

    restored = Event.objects.get(pk=event.pk)
    assert restored.status == PublicationStatus.DRAFT
    assert set(restored.milestones.values_list("pk", flat=True)) == milestone_ids
    assert restored.key_figures.count() == 1
    assert "回收站是空的" in publisher.get(reverse("admin:events_event_recycle_bin")).content.decode()


# Year editions


def test_publishing_an_event_of_a_new_year_leaves_the_home_page_on_the_published_edition(publisher):
    make_edition(year=2023)
    for rank in (1, 2):
        make_event(year=2023, rank=rank, title=f"2023年第{rank}件")
    make_edition(year=2024, status=PublicationStatus.DRAFT)
    new = make_event(year=2024, rank=1, title="2024年第一件", status=PublicationStatus.DRAFT)

    workflow.publish(new, user=publisher.user)

    anonymous = publisher.__class__()
    home = anonymous.get("/").content.decode()
    assert "2023年职业能力建设领域十件大事" in home and "2024年第一件" not in home
    assert "2024年第一件" in anonymous.get("/events/?year=2024").content.decode()

    workflow.publish(Edition.objects.get(year=2024), user=publisher.user)
    assert "2024年第一件" in anonymous.get("/").content.decode()


# The rule "is it public", one place


def test_scheduled_content_counts_as_scheduled_everywhere_never_as_public(publisher):
    later = timezone.now() + datetime.timedelta(days=1)
    scheduled = make_event(published_at=later)
    make_milestone(event=scheduled, title="定时大事的节点")

    changelist = reverse("admin:events_event_changelist")
    assert list(publisher.get(changelist, {"state": "public"}).context["cl"].result_list) == []
    assert list(publisher.get(changelist, {"state": "scheduled"}).context["cl"].result_list) == [scheduled]
    assert "定时大事的节点" not in publisher.__class__().get("/milestones/").content.decode()


def test_a_base_is_public_only_while_its_batch_is(publisher):
    base = make_training_base(name="某培训基地")
    anonymous = publisher.__class__()
    assert anonymous.get(base.get_absolute_url()).status_code == 200

    workflow.withdraw(base.batch, user=publisher.user)

    assert anonymous.get(base.get_absolute_url()).status_code == 404
    assert "某培训基地" not in anonymous.get("/bases/").content.decode()


# The admin stays fast as history grows


def queries_for(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def add_versions(event, user, count):
    for n in range(count):
        event.title = f"第{n}次修改的标题"
        event.save()
        workflow.record_saved(event, user=user)


def test_history_and_change_pages_cost_the_same_queries_however_long_the_history(publisher):
    event = make_rich_event(status=PublicationStatus.DRAFT)
    add_versions(event, publisher.user, 3)
    pages = [change_url(event), admin_url(event, "history")]
    before = [queries_for(publisher, url) for url in pages]

    add_versions(event, publisher.user, 60)

    assert [queries_for(publisher, url) for url in pages] == before


def test_the_review_queue_costs_the_same_queries_however_many_changes_wait(editor, publisher):
    def submit_changes(count):
        for _ in range(count):
            event = make_rich_event()
            save(editor, event, button="_submit", title="待审核的标题")

    # The home shows the newest ten with their differences, and counts the rest.
    submit_changes(11)
    before = queries_for(publisher, reverse("admin:index"))

    submit_changes(10)

    assert queries_for(publisher, reverse("admin:index")) == before
