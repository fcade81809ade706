"""Factories for rows of our own: each makes a valid, published row; overrides change it."""

import datetime
import itertools

from django.utils import timezone

from events.models import (
    Award,
    Category,
    Edition,
    Event,
    KeyFigure,
    Milestone,
    Province,
    PublicationStatus,
    TrainingBase,
    TrainingBaseBatch,
    TrainingBaseKind,
)

_sequence = itertools.count(1)


def make_category(**overrides):
    n = next(_sequence)
    fields = {"name": f"类别{n}", "slug": f"category-{n}"} | overrides
    return Category.objects.create(**fields)


def make_province(**overrides):
    n = next(_sequence)
    fields = {
        "code": f"{90 + n % 10}0000",
        "name": f"测试省{n}",
        "short_name": f"测{n}",
        "slug": f"test-province-{n}",
        "kind": "province",
    } | overrides
    return Province.objects.create(**fields)


def make_edition(**overrides):
    """A year's edition (年度盘点), published unless told otherwise."""
    fields = {
        "year": 2023,
        "status": PublicationStatus.PUBLISHED,
        "published_at": timezone.now() - datetime.timedelta(days=1),
    } | overrides
    fields.setdefault("title", f"{fields['year']}年职业能力建设领域十件大事")
    return Edition.objects.create(**fields)


def make_event(**overrides):
    """An event, published; its year gets a published edition if it has none, as on a real site."""
    n = next(_sequence)
    fields = {
        "year": 2023,
        "rank": n,
        "title": f"测试大事{n}",
        "short_title": f"大事{n}",
        "slug": f"test-event-{n}",
        "summary": "摘要。",
        "body": "第一段。\n\n第二段。",
        "status": PublicationStatus.PUBLISHED,
        "published_at": timezone.now() - datetime.timedelta(days=1),
    } | overrides
    if "category" not in fields:
        fields["category"] = make_category()
    if not Edition.objects.filter(year=fields["year"]).exists():
        make_edition(year=fields["year"])
    return Event.objects.create(**fields)


def make_milestone(**overrides):
    n = next(_sequence)
    fields = {
        "slug": f"test-milestone-{n}",
        "title": f"测试节点{n}",
        "description": "内容。",
        "date": datetime.date(2023, 5, 8),
    } | overrides
    if "event" not in fields:
        fields["event"] = make_event()
    return Milestone.objects.create(**fields)


def make_key_figure(**overrides):
    n = next(_sequence)
    fields = {"key": f"figure-{n}", "label": f"数字{n}", "value": 100, "unit": "名"} | overrides
    if "event" not in fields:
        fields["event"] = make_event()
    return KeyFigure.objects.create(**fields)


def make_award(**overrides):
    n = next(_sequence)
    fields = {
        "name": f"测试奖项{n}",
        "session_number": 1,
        "slug": f"test-award-{n}",
        "conferred_on": datetime.date(2023, 5, 7),
        "conferring_body": "人力资源社会保障部",
        "status": PublicationStatus.PUBLISHED,
        "published_at": timezone.now() - datetime.timedelta(days=1),
    } | overrides
    return Award.objects.create(**fields)


def make_training_base(**overrides):
    n = next(_sequence)
    fields = {
        "name": f"测试基地{n}",
        "slug": f"test-base-{n}",
        "status": PublicationStatus.PUBLISHED,
        "published_at": timezone.now() - datetime.timedelta(days=1),
    } | overrides
    if "batch" not in fields:
        kind = TrainingBaseKind.objects.create(name=f"测试类型{n}", slug=f"test-kind-{n}")
        fields["batch"] = TrainingBaseBatch.objects.create(
            kind=kind,
            year=2023,
            name=f"测试批次{n}",
            slug=f"test-batch-{n}",
            announced_total=10,
            status=PublicationStatus.PUBLISHED,
            published_at=timezone.now() - datetime.timedelta(days=1),
        )
    return TrainingBase.objects.create(**fields)
