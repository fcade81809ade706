"""The publishing workflow: editors write drafts, publishers publish, schedule and withdraw."""

import datetime
import importlib
from unittest import mock

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from editorial.models import HistoryEntry
from events.models import Award, Event, PublicationStatus, TrainingBase

from .factories import make_award, make_category, make_event, make_training_base
from .staff import EDITOR, GROUP_MIGRATIONS, PUBLISHER, form_post_data, staff_client

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:events_event_changelist"


def change_url(obj):
    return reverse(f"admin:events_{obj._meta.model_name}_change", args=[obj.pk])


def new_event_data(client, **fields):
    data = form_post_data(client.get(reverse("admin:events_event_add")))
    category = make_category()
    return (
        data
        | {
            "year": "2031",
            "rank": "1",
            "title": "新的大事",
            "short_title": "新大事",
            "summary": "摘要。",
            "body": "正文。",
            "category": str(category.pk),
        }
        | fields
    )


def run_action(client, action, objects, model="event"):
    return client.post(
        reverse(f"admin:events_{model}_changelist"),
        {"action": action, "_selected_action": [str(obj.pk) for obj in objects]},
        follow=True,
    )


# The groups


def test_the_migration_gives_each_group_its_permissions():
    editor = set(Group.objects.get(name=EDITOR).permissions.values_list("codename", flat=True))
    publisher = set(Group.objects.get(name=PUBLISHER).permissions.values_list("codename", flat=True))

    assert {"add_event", "change_event", "change_milestone", "delete_milestone", "change_award"} <= editor
    assert {"add_edition", "change_edition", "view_changerequest", "view_historyentry"} <= editor
    assert not {"publish_event", "publish_award", "publish_trainingbase", "delete_event"} & editor
    # Reference lists are public as soon as they are saved, so publishers keep them.
    assert not {"change_category", "add_sector", "change_trainingbasekind", "change_sourcearticle"} & editor
    assert {"publish_event", "publish_award", "publish_trainingbase", "delete_event"} <= publisher
    assert {"publish_edition", "publish_trainingbasebatch", "undo_import"} <= publisher
    assert {"add_redirect", "change_redirect", "view_logentry"} <= publisher
    assert editor < publisher


def test_the_groups_migrations_can_run_again_without_changes():
    executor = MigrationExecutor(connection)
    before = {group.name: set(group.permissions.all()) for group in Group.objects.all()}

    for _ in range(2):
        for name, function in GROUP_MIGRATIONS:
            migration = importlib.import_module(f"events.migrations.{name}")
            state_apps = executor.loader.project_state(("events", name)).apps
            getattr(migration, function)(state_apps, None)

    assert {group.name: set(group.permissions.all()) for group in Group.objects.all()} == before


# Editors


def test_an_editor_creates_a_draft_even_when_posting_published(client):
    staff_client(client, EDITOR)

    response = client.post(reverse("admin:events_event_add"), new_event_data(client, status="published"))

    assert response.status_code == 302
    event = Event.objects.get(title="新的大事")
    assert event.status == PublicationStatus.DRAFT
    assert not Event.objects.published().filter(pk=event.pk).exists()


def test_an_editor_sees_the_state_but_cannot_change_it(client):
    staff_client(client, EDITOR)
    event = make_event(status=PublicationStatus.DRAFT)

    response = client.get(change_url(event))

    assert "status" not in response.context["adminform"].form.fields
    assert "published_at" in response.context["adminform"].form.fields  # a draft's time may be proposed
    assert "草稿" in response.content.decode()


def test_an_editors_correction_to_a_published_event_waits_and_cannot_touch_its_state_or_time(client):
    staff_client(client, EDITOR)
    event = make_event(title="旧标题")
    published_at = event.published_at
    data = form_post_data(client.get(change_url(event)))

    attempt = {
        "title": "新标题",
        "status": "draft",
        "published_at_0": "2099-01-01",
        "published_at_1": "08:00",
    }

    response = client.post(change_url(event), data | attempt)

    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title == "旧标题"  # the public still sees the published version
    assert event.status == PublicationStatus.PUBLISHED
    assert event.published_at == published_at
    reopened = client.get(change_url(event))
    assert reopened.context["adminform"].form.initial["title"] == "新标题"


def test_an_editor_is_not_offered_the_publish_actions_and_cannot_run_them(client):
    staff_client(client, EDITOR)
    draft = make_event(status=PublicationStatus.DRAFT)

    action_form = client.get(reverse(CHANGELIST)).context["action_form"]
    actions = dict(action_form.fields["action"].choices) if action_form else {}
    response = run_action(client, "publish_selected", [draft])

    assert "publish_selected" not in actions
    assert "unpublish_selected" not in actions
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.status == PublicationStatus.DRAFT


def test_an_editor_cannot_delete_an_event(client):
    staff_client(client, EDITOR)
    event = make_event()

    response = client.post(reverse("admin:events_event_delete", args=[event.pk]), {"post": "yes"})

    assert response.status_code == 403
    assert Event.objects.filter(pk=event.pk).exists()


# Publishers


@pytest.mark.parametrize(
    ("model", "make"), [("event", make_event), ("award", make_award), ("trainingbase", make_training_base)]
)
def test_a_publisher_publishes_and_withdraws_with_the_bulk_actions(client, model, make):
    staff_client(client, PUBLISHER)
    long_ago = timezone.now() - datetime.timedelta(days=30)
    drafts = [make(status=PublicationStatus.DRAFT, published_at=long_ago) for _ in range(2)]
    model_class = type(drafts[0])

    response = run_action(client, "publish_selected", drafts, model)

    assert "已发布 2 条" in response.content.decode()
    assert model_class.objects.published().filter(pk__in=[d.pk for d in drafts]).count() == 2
    # Published today, not on the day it was drafted.
    assert model_class.objects.get(pk=drafts[0].pk).published_at > long_ago + datetime.timedelta(days=29)
    assert HistoryEntry.objects.for_item(drafts[0]).filter(action="published").exists()

    response = run_action(client, "unpublish_selected", drafts[:1], model)

    assert "已撤回 1 条" in response.content.decode()
    assert model_class.objects.get(pk=drafts[0].pk).status == PublicationStatus.DRAFT
    assert model_class.objects.get(pk=drafts[1].pk).status == PublicationStatus.PUBLISHED


def test_publish_now_makes_a_scheduled_item_public_now(client):
    staff_client(client, PUBLISHER)
    later = timezone.now() + datetime.timedelta(days=3)
    scheduled = make_event(published_at=later)
    assert scheduled.is_scheduled

    response = run_action(client, "publish_selected", [scheduled])

    assert "已发布 1 条" in response.content.decode()
    scheduled.refresh_from_db()
    assert scheduled.is_public
    assert scheduled.published_at <= timezone.now()


def test_a_scheduled_event_appears_only_once_its_time_has_passed(client):
    staff_client(client, PUBLISHER)
    event = make_event(status=PublicationStatus.DRAFT, slug="scheduled-event")
    data = form_post_data(client.get(change_url(event)))
    at = timezone.localtime() + datetime.timedelta(days=2)

    response = client.post(
        change_url(event),
        data | {"_publish": "保存并发布", "published_at_0": at.date().isoformat(), "published_at_1": "09:00"},
        follow=True,
    )
    event.refresh_from_db()
    assert event.is_scheduled
    when = timezone.localtime(event.published_at).strftime("%Y-%m-%d %H:%M")
    assert f"已安排在 {when} 公开" in response.content.decode()

    client.logout()
    assert client.get("/events/scheduled-event/").status_code == 404
    assert event not in Event.objects.published()
    staff_client(client, EDITOR)
    assert list(client.get(reverse(CHANGELIST), {"state": "scheduled"}).context["cl"].result_list) == [event]
    client.logout()

    after = event.published_at + datetime.timedelta(minutes=1)
    with mock.patch("django.utils.timezone.now", return_value=after):
        assert client.get("/events/scheduled-event/").status_code == 200
        assert event in Event.objects.published()


def test_publishing_on_the_form_dates_the_event_from_today(client):
    staff_client(client, PUBLISHER)
    long_ago = timezone.now() - datetime.timedelta(days=30)
    event = make_event(status=PublicationStatus.DRAFT, published_at=long_ago)
    data = form_post_data(client.get(change_url(event)))

    client.post(change_url(event), data | {"_publish": "保存并发布"})

    event.refresh_from_db()
    assert event.is_public
    assert event.published_at > timezone.now() - datetime.timedelta(minutes=1)


def test_a_publisher_can_delete_and_sees_what_goes_with_it(client):
    staff_client(client, PUBLISHER)
    award = make_award()
    award.recipients.create(name="张三")

    confirmation = client.get(reverse("admin:events_award_delete", args=[award.pk])).content.decode()
    response = client.post(reverse("admin:events_award_delete", args=[award.pk]), {"post": "yes"})

    assert "获奖者: <a" in confirmation and "张三</a>" in confirmation
    assert response.status_code == 302
    assert not Award.objects.filter(pk=award.pk).exists()
    assert LogEntry.objects.filter(object_repr=str(award), action_flag=3).exists()
    assert HistoryEntry.objects.for_item(award).filter(action="deleted").exists()


# Links to the site


def view_on_site(obj):
    """Django's own link: the contenttypes shortcut, to the object's URL on the Site's domain."""
    content_type = ContentType.objects.get_for_model(obj)
    return reverse("admin:view_on_site", args=[content_type.pk, obj.pk])


def test_a_draft_offers_a_staff_preview_and_a_public_event_its_page(client):
    staff_client(client, EDITOR)
    draft = make_event(status=PublicationStatus.DRAFT, slug="draft-event")
    public = make_event(slug="public-event")

    draft_page = client.get(change_url(draft)).content.decode()
    public_page = client.get(change_url(public)).content.decode()
    changelist = client.get(reverse(CHANGELIST)).content.decode()

    assert f'<a href="{view_on_site(draft)}" class="viewsitelink"' in draft_page
    assert "预览（草稿）" in draft_page
    assert f'<a href="{view_on_site(public)}" class="viewsitelink">在网站上查看</a>' in public_page
    assert client.get(view_on_site(public))["Location"] == "http://testserver/events/public-event/"
    assert '<a href="/events/draft-event/">预览</a>' in changelist
    assert '<a href="/events/public-event/">查看</a>' in changelist


def test_every_object_with_a_page_links_to_it(admin_client, seed_content):
    base = TrainingBase.objects.first()
    award = Award.objects.first()
    milestone = base.batch.announcement or Event.objects.first().milestones.first()

    for obj in (base, award, milestone, Event.objects.first()):
        html = admin_client.get(change_url(obj)).content.decode()
        assert f'<a href="{view_on_site(obj)}" class="viewsitelink"' in html
        assert admin_client.get(view_on_site(obj))["Location"] == f"http://testserver{obj.get_absolute_url()}"


def test_each_object_has_a_history_of_who_changed_what(client):
    user = staff_client(client, EDITOR)
    event = make_event(title="旧标题")
    data = form_post_data(client.get(change_url(event)))
    client.post(change_url(event), data | {"title": "新标题"})

    history = client.get(reverse("admin:events_event_history", args=[event.pk])).content.decode()

    assert user.username in history
    assert "标题" in history


# Demo accounts


def test_the_demo_staff_command_creates_an_editor_and_a_publisher(settings, capsys):
    settings.DEBUG = True

    call_command("create_demo_staff", "--password", "demo-pass-123")
    call_command("create_demo_staff")  # again: nothing breaks, passwords kept

    editor, publisher = User.objects.get(username="editor"), User.objects.get(username="publisher")
    assert editor.is_staff and publisher.is_staff
    assert editor.check_password("demo-pass-123")
    assert list(editor.groups.values_list("name", flat=True)) == [EDITOR]
    assert list(publisher.groups.values_list("name", flat=True)) == [PUBLISHER]
    assert not editor.has_perm("events.publish_event")
    assert publisher.has_perm("events.publish_event")
    assert "已创建" in capsys.readouterr().out


def test_the_demo_staff_command_refuses_to_run_in_production(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG"):
        call_command("create_demo_staff")
    assert not User.objects.filter(username="editor").exists()
