"""Time the public pages with 100,000 events in the database.

    .venv/bin/python benchmarks/public_pages.py [--events 100000] [--repeat 5]

Runs with the page cache off (values kept per content version, such as list counts, stay
on) against a throw-away test database (test_… beside DATABASE_URL's, or an in-memory
SQLite one), fills it with generated content plus the shipped fixtures, then requests each
page through Django's test client and prints the median time and the number of queries.
Results are recorded in docs/benchmarks-public.md. Nothing here runs in the test suite.
"""

import argparse
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
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_databases, setup_test_environment  # noqa: E402

from benchmarks import dataset  # noqa: E402

PAGES = [
    "/",
    "/events/",
    "/events/?page=100",
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
    # Every request renders its page; values kept per content version stay cached, as in
    # production (the first of the repeats computes them).
    settings.PAGE_CACHE_SECONDS = 0
    old_config = setup_databases(verbosity=0, interactive=False)
    try:
        start = time.perf_counter()
        dataset.fill(options.events, milestones_per_event=1, bases=options.events // 10)
        print(f"{dataset.summary()}, filled in {time.perf_counter() - start:.0f} s")
        client = Client()
        print("| page | median ms | slowest ms | queries |\n|---|---:|---:|---:|")
        for url in PAGES:
            median, slowest, queries = measure(client, url, options.repeat)
            print(f"| `{url}` | {median:.0f} | {slowest:.0f} | {queries} |")
    finally:
        connection.creation.destroy_test_db(old_config[0][1], verbosity=0) if old_config else None


if __name__ == "__main__":
    main()
