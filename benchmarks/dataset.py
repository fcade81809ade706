"""A large synthetic data set on top of the shipped fixtures, for the page and load benchmarks.

`fill(events=100_000, milestones_per_event=3, bases=10_000)` writes, in bulk, published
events spread over the years the model allows (each with a region, its milestones in
regions and a headline figure), awards and training bases. Slugs are predictable
(bench-event-N, bench-milestone-N, bench-award-N, bench-base-N) so benchmarks can name pages.
"""

import datetime
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from events.content_version import content_changed
from events.models import (
    Award,
    Category,
    Event,
    KeyFigure,
    Milestone,
    Province,
    TrainingBase,
    TrainingBaseBatch,
)

YEARS = range(1950, 2100)
BATCH = 5000
BODY = "职业技能培训和评价。" * 40 + "\n\n" + "弘扬劳模精神、劳动精神、工匠精神。" * 10


def load_fixtures():
    fixtures = sorted(str(path) for path in (Path(settings.BASE_DIR) / "fixtures").glob("*.json"))
    call_command("loaddata", *fixtures, verbosity=0)


def fill(events=100_000, milestones_per_event=1, bases=10_000, awards=None):
    load_fixtures()
    category, _ = Category.objects.get_or_create(slug="benchmark", defaults={"name": "基准测试"})
    provinces = list(Province.objects.order_by("code"))
    published = timezone.now() - datetime.timedelta(days=1)
    Event.objects.bulk_create(
        (
            Event(
                year=YEARS[index % len(YEARS)],
                rank=100 + index // len(YEARS),
                title=f"基准大事{index}",
                short_title=f"基准{index}",
                slug=f"bench-event-{index}",
                summary="基准测试生成的大事摘要。",
                body=BODY,
                category=category,
                status="published",
                published_at=published,
            )
            for index in range(events)
        ),
        batch_size=BATCH,
    )
    created = list(Event.objects.filter(category=category).order_by("id").only("id", "year"))
    Event.regions.through.objects.bulk_create(
        (
            Event.regions.through(event_id=event.id, province_id=provinces[index % len(provinces)].id)
            for index, event in enumerate(created)
        ),
        batch_size=BATCH,
    )
    Milestone.objects.bulk_create(
        (
            Milestone(
                event_id=event.id,
                slug=f"bench-milestone-{index * milestones_per_event + step}",
                title=f"基准节点{index * milestones_per_event + step}",
                description="基准测试生成的节点。",
                date=datetime.date(event.year, 1 + (index + step) % 12, 1),
                precision="month",
            )
            for index, event in enumerate(created)
            for step in range(milestones_per_event)
        ),
        batch_size=BATCH,
    )
    milestone_ids = (
        Milestone.objects.filter(slug__startswith="bench-").order_by("id").values_list("id", flat=True)
    )
    Milestone.regions.through.objects.bulk_create(
        (
            Milestone.regions.through(
                milestone_id=milestone_id, province_id=provinces[index % len(provinces)].id
            )
            for index, milestone_id in enumerate(milestone_ids.iterator())
        ),
        batch_size=BATCH,
    )
    KeyFigure.objects.bulk_create(
        (
            KeyFigure(
                event_id=event.id, key="bench", label="基准数字", value=index, unit="名", is_headline=True
            )
            for index, event in enumerate(created)
        ),
        batch_size=BATCH,
    )
    Award.objects.bulk_create(
        (
            Award(
                name=f"基准奖项{index}",
                session_number=1,
                slug=f"bench-award-{index}",
                conferred_on=datetime.date(YEARS[index % len(YEARS)], 5, 1),
                conferring_body="人力资源社会保障部",
                recipient_count=10,
                status="published",
                published_at=published,
            )
            for index in range(events // 100 if awards is None else awards)
        ),
        batch_size=BATCH,
    )
    batch = TrainingBaseBatch.objects.get(slug="2023-national-high-skill-training-bases")
    TrainingBase.objects.bulk_create(
        (
            TrainingBase(
                batch=batch,
                name=f"基准基地{index}",
                slug=f"bench-base-{index}",
                province=provinces[index % len(provinces)],
                host_type="institution",
                status="published",
                published_at=published,
            )
            for index in range(bases)
        ),
        batch_size=BATCH,
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    # Bulk writes send no signals: say that the content changed.
    content_changed()


def summary():
    return (
        f"{connection.vendor}: {Event.objects.count()} events, {Milestone.objects.count()} milestones, "
        f"{TrainingBase.objects.count()} bases, {Award.objects.count()} awards"
    )
