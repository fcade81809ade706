"""How the admin's workflow pages hold up as history grows.

    .venv/bin/python benchmarks/admin_workflow.py                       # SQLite, in a temporary file
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_admin \\
        .venv/bin/python benchmarks/admin_workflow.py                   # PostgreSQL (database is reset)

Builds an event with --revisions revisions (and milestones and figures, as the seed's events
have) and --pending changes waiting for review, then times, in-process with production
settings, what a publisher opens: the event's change page, its history, a comparison of two
versions, and the admin home with the review queue. Prints a Markdown table of the median and
the worst of --repeat requests, and each page's query count.
"""

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))


def configure(database_url, static_root):
    os.environ.update(
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        STATIC_ROOT=str(static_root),
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="testserver",
        DATABASE_URL=database_url,
        CACHE_URL="locmem://",
        PAGE_CACHE_SECONDS="0",
        SECURE_SSL_REDIRECT="false",
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="skillsite.settings",
    )
    import django
    from django.core.management import call_command

    django.setup()
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    call_command("loaddata", *sorted(str(p) for p in (PROJECT / "fixtures").glob("*.json")), verbosity=0)


def build(revisions, pending):
    from django.contrib.auth.models import User

    from editorial import snapshots, workflow
    from events.models import Event

    publisher = User.objects.create_superuser("bench", "bench@example.gov.cn", "x")
    event = Event.objects.get(year=2023, rank=1)
    event.status = "draft"
    event.save()
    for n in range(revisions):
        event.short_title = f"第{n}次"
        event.save(update_fields=["short_title"])
        workflow.record_saved(event, user=publisher)
    event.status = "published"
    event.save()
    others = list(Event.objects.exclude(pk=event.pk))
    category = event.category
    for n in range(pending):
        if n < len(others):
            item = others[n]
        else:
            item = Event.objects.create(
                year=2100 - n // 50,
                rank=n % 50 + 1,
                title=f"待审核大事{n}",
                short_title=f"待审核{n}",
                slug=f"pending-{n}",
                summary="摘要。",
                body="正文。",
                category=category,
                status="published",
            )
        versions = snapshots.capture(item)
        versions[0].serialized_data = versions[0].serialized_data.replace(item.short_title, f"改{n}", 1)
        workflow.save_pending(item, versions, user=publisher)
        workflow.submit(item, user=publisher)
    return publisher, event


def measure(client, url, repeat):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times), max(times), len(queries)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--revisions", type=int, default=1000)
    parser.add_argument("--pending", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{folder}/bench.sqlite3"
        configure(url, Path(folder) / "static")
        from django.db import connection
        from django.test import Client
        from django.urls import reverse

        from editorial.models import HistoryEntry

        started = time.perf_counter()
        publisher, event = build(args.revisions, args.pending)
        seconds = time.perf_counter() - started
        print(f"built {args.revisions} revisions and {args.pending} pending changes in {seconds:.0f} s")
        client = Client()
        client.force_login(publisher)
        entries = HistoryEntry.objects.for_item(event).filter(revision__isnull=False).order_by("id")
        first, last = entries.first(), entries.last()
        pages = {
            "event change page": reverse("admin:events_event_change", args=[event.pk]),
            "event history (newest 50)": reverse("admin:events_event_history", args=[event.pk]),
            "event history, last page": reverse("admin:events_event_history", args=[event.pk]) + "?p=last",
            "compare version 1 with the newest": reverse("admin:events_event_compare", args=[event.pk])
            + f"?a={first.pk}&b={last.pk}",
            "admin home with the review queue": reverse("admin:index"),
            "change requests list": reverse("admin:editorial_changerequest_changelist")
            + "?state__exact=submitted",
        }
        heading = (
            f"{connection.vendor}: {args.revisions} revisions of an event, {args.pending} awaiting review"
        )
        print(f"\n{heading}\n")
        print("| page | median | worst | queries |")
        print("|---|---|---|---|")
        for name, path in pages.items():
            median, worst, queries = measure(client, path, args.repeat)
            print(f"| {name} | {median * 1000:.0f} ms | {worst * 1000:.0f} ms | {queries} |")


if __name__ == "__main__":
    main()
