"""Time the public pages with 100,000 events in the database.

    .venv/bin/python benchmarks/public_pages.py [--events 100000] [--repeat 5]

Runs against a throw-away test database (test_… beside DATABASE_URL's, or an in-memory
SQLite one), fills it with generated content plus the shipped fixtures, then requests each
page through Django's test client and prints the median time and the number of queries.
Results are recorded in docs/benchmarks-public.md. Nothing here runs in the test suite.
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skillsite.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_databases, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from events.models import (  # noqa: E402
    Award,
    Category,
    Event,
    KeyFigure,
    Milestone,
    Province,
    TrainingBase,
    TrainingBaseBatch,
)

PAGES = [
    "/",
    "/events/",
    "/events/?page=2000",
    "/events/?year=2000&region=beijing",
    "/events/?q=工匠精神",
    "/events/bench-event-50000/",
    "/milestones/",
    "/milestones/?year=2000&month=6",
    "/milestones/bench-milestone-50000/",
    "/awards/",
    "/awards/bench-award-500/",
    "/bases/",
    "/bases/?region=beijing&year=2023",
    "/bases/bench-base-5000/",
    "/regions/beijing/",
    "/search/?q=工匠精神",
    "/search/?q=大师工作室",
    "/feeds/events/",
    "/sitemap.xml",
]
YEARS = range(1950, 2100)
BATCH = 5000


def fill(event_count):
    fixtures = sorted(str(path) for path in (Path(settings.BASE_DIR) / "fixtures").glob("*.json"))
    call_command("loaddata", *fixtures, verbosity=0)
    category = Category.objects.create(name="基准测试", slug="benchmark")
    provinces = list(Province.objects.order_by("code"))
    published = timezone.now() - datetime.timedelta(days=1)
    body = "职业技能培训和评价。" * 40 + "\n\n" + "弘扬劳模精神、劳动精神、工匠精神。" * 10
    events = [
        Event(
            year=YEARS[index % len(YEARS)],
            rank=100 + index // len(YEARS),
            title=f"基准大事{index}",
            short_title=f"基准{index}",
            slug=f"bench-event-{index}",
            summary="基准测试生成的大事摘要。",
            body=body,
            category=category,
            status="published",
            published_at=published,
        )
        for index in range(event_count)
    ]
    Event.objects.bulk_create(events, batch_size=BATCH)
    events = list(Event.objects.filter(category=category).only("id", "year"))
    Event.regions.through.objects.bulk_create(
        [
            Event.regions.through(event_id=event.id, province_id=provinces[index % len(provinces)].id)
            for index, event in enumerate(events)
        ],
        batch_size=BATCH,
    )
    Milestone.objects.bulk_create(
        [
            Milestone(
                event_id=event.id,
                slug=f"bench-milestone-{index}",
                title=f"基准节点{index}",
                description="基准测试生成的节点。",
                date=datetime.date(event.year, 1 + index % 12, 1),
                precision="month",
            )
            for index, event in enumerate(events)
        ],
        batch_size=BATCH,
    )
    milestones = list(Milestone.objects.filter(slug__startswith="bench-").only("id"))
    Milestone.regions.through.objects.bulk_create(
        [
            Milestone.regions.through(
                milestone_id=milestone.id, province_id=provinces[index % len(provinces)].id
            )
            for index, milestone in enumerate(milestones)
        ],
        batch_size=BATCH,
    )
    KeyFigure.objects.bulk_create(
        [
            KeyFigure(
                event_id=event.id, key="bench", label="基准数字", value=index, unit="名", is_headline=True
            )
            for index, event in enumerate(events)
        ],
        batch_size=BATCH,
    )
    Award.objects.bulk_create(
        [
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
            for index in range(event_count // 100)
        ],
        batch_size=BATCH,
    )
    batch = TrainingBaseBatch.objects.get(slug="2023-national-high-skill-training-bases")
    TrainingBase.objects.bulk_create(
        [
            TrainingBase(
                batch=batch,
                name=f"基准基地{index}",
                slug=f"bench-base-{index}",
                province=provinces[index % len(provinces)],
                host_type="institution",
                status="published",
                published_at=published,
            )
            for index in range(event_count // 10)
        ],
        batch_size=BATCH,
    )


def measure(client, url, repeat):
    timings = []
    queries = None
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(captured)
    return statistics.median(timings), max(timings), queries


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    options = parser.parse_args()

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    old_config = setup_databases(verbosity=0, interactive=False)
    try:
        start = time.perf_counter()
        fill(options.events)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        print(
            f"{connection.vendor}: {Event.objects.count()} events, {Milestone.objects.count()} milestones, "
            f"{TrainingBase.objects.count()} bases, filled in {time.perf_counter() - start:.0f} s"
        )
        client = Client()
        print("| page | median ms | slowest ms | queries |\n|---|---:|---:|---:|")
        for url in PAGES:
            median, slowest, queries = measure(client, url, options.repeat)
            print(f"| `{url}` | {median:.0f} | {slowest:.0f} | {queries} |")
    finally:
        connection.creation.destroy_test_db(old_config[0][1], verbosity=0) if old_config else None


if __name__ == "__main__":
    main()
