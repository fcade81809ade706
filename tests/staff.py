"""Staff accounts for admin tests: an editor and a publisher in the groups the migration makes."""

import datetime
from html.parser import HTMLParser

from django.contrib.auth.models import Group, User
from django.urls import reverse

from events.models import AwardRecipient, KeyFigure, Milestone, Province, Sector, TrainingBase

from .factories import make_award, make_event, make_milestone, make_province, make_training_base

EDITOR = "编辑"
PUBLISHER = "发布者"


# The migration steps that make the staff groups' permissions, in order.
GROUP_MIGRATIONS = (
    ("0002_editorial_groups", "create_groups"),
    ("0009_workflow_permissions", "update_groups"),
    ("0011_import_permission_on_staged_uploads", "move_permissions"),
)


def ensure_groups():
    """The staff groups as the migrations make them, again: a transactional test's flush empties
    every table, the groups' too."""
    import importlib

    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    if Group.objects.filter(name__in=[EDITOR, PUBLISHER]).count() == 2:
        return
    loader = MigrationExecutor(connection).loader
    for name, function in GROUP_MIGRATIONS:
        migration = importlib.import_module(f"events.migrations.{name}")
        getattr(migration, function)(loader.project_state(("events", name)).apps, None)


def event_url(event):
    """The admin change page of an event."""
    return reverse("admin:events_event_change", args=[event.pk])


def make_staff(group_name, username=None):
    user = User.objects.create_user(username=username or f"staff-{group_name}", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=group_name))
    return user


def staff_client(client, group_name):
    """Log `client` in as a new member of the group; returns the user."""
    user = make_staff(group_name)
    client.force_login(user)
    return user


def make_rich_event(milestones=2, figures=2, **overrides):
    """An event with regions, milestones (each with a region) and key figures."""
    province = Province.objects.first() or make_province()
    # The seed fills 2023's ranks; factory ranks are unique, so another year never clashes.
    event = make_event(**{"year": 2024} | overrides)
    event.regions.add(province)
    for n in range(milestones):
        milestone = make_milestone(event=event, date=datetime.date(2023, 1 + n % 12, 1 + n % 28))
        milestone.regions.add(province)
    for n in range(figures):
        KeyFigure.objects.create(event=event, key=f"figure-{event.pk}-{n}", label=f"数字{n}", value=n + 1)
    return event


def make_award_with_recipients(recipients=2, **overrides):
    province = Province.objects.first() or make_province()
    award = make_award(**overrides)
    for n in range(recipients):
        AwardRecipient.objects.create(award=award, name=f"获奖者{award.pk}-{n}", province=province)
    return award


def populate(count):
    """`count` of each kind of content, linked as the real content is."""
    for _ in range(count):
        event = make_rich_event()
        make_award_with_recipients(event=event)
        base = make_training_base(province=Province.objects.first())
        base.batch.event = event
        base.batch.announcement = Milestone.objects.filter(event=event).first()
        base.batch.save()
        sector = Sector.objects.create(name=f"测试领域{base.pk}", slug=f"test-sector-{base.pk}")
        base.sectors.add(sector)
        base.batch.sectors.add(sector)
    return TrainingBase.objects.count()


def form_post_data(response):
    """What a browser would post back from the admin form in `response`, unchanged.

    Read from the rendered HTML, as a browser reads it: fields in the formats they are
    shown in, hidden initial values, inline management forms; not the empty template rows.
    """
    parser = _FormParser()
    parser.feed(response.content.decode())
    data = {}
    for name, value in parser.fields:
        if "__prefix__" in name:
            continue
        if name in data:
            existing = data[name]
            data[name] = [*existing, value] if isinstance(existing, list) else [existing, value]
        else:
            data[name] = value
    return data


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.fields = []
        self._select = self._textarea = None
        self._text = []
        self._in_form = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id", "").endswith("_form"):
            self._in_form = True
        if not self._in_form:
            return
        if tag == "input" and "name" in attrs:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.fields.append((attrs["name"], attrs.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select":
            self._select = attrs.get("name")
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields.append((self._select, attrs.get("value", "")))
        elif tag == "textarea":
            self._textarea, self._text = attrs.get("name"), []

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            text = "".join(self._text)
            self.fields.append((self._textarea, text[1:] if text.startswith("\n") else text))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)
