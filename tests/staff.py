"""Staff accounts for admin tests: an editor and a publisher in the groups the migration makes."""

import datetime

from django.contrib.auth.models import Group, User

from events.models import AwardRecipient, KeyFigure, Milestone, Province, Sector, TrainingBase

from .factories import make_award, make_event, make_milestone, make_province, make_training_base

EDITOR = "编辑"
PUBLISHER = "发布者"


def make_staff(group_name, username=None):
    user = User.objects.create_user(username=username or f"staff-{group_name}", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=group_name))
    return user


def staff_client(client, group_name):
    client.force_login(make_staff(group_name))
    return client


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
