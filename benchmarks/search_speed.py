"""How long the search page takes for one-, two- and four-character words, in-process.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/skillsite_bench \\
        .venv/bin/python benchmarks/search_speed.py
    BENCH_DATABASE_URL=sqlite:///db.sqlite3 .venv/bin/python benchmarks/search_speed.py --repeat 20

Uses the load benchmark's database (BENCH_DATABASE_URL, filled by `benchmarks/load.py
--fill`, 100,000 events) and Redis (BENCH_CACHE_URL), with production settings and the page
cache off, as `benchmarks/render_cost.py` does. Each search page is requested through
Django's full middleware stack a few times to warm up, then --repeat times; the median and
the 99th percentile of the wall time are printed, with the median CPU time of the app's
process (which excludes waiting for PostgreSQL, and for a core on a busy machine), for:

- "counts kept": how many items of each kind match is kept per content version (as on the
  site between two publications), so a request reads the first rows of each kind;
- "counts computed": CONTENT_CACHE_SECONDS=0, so every request also counts the matches, as
  the first search for a word after a publication does.

The words are chosen to cover frequent and rare characters, words matching nothing and a
Latin word; --word replaces them. The synthetic texts repeat one body, so --add-words first
writes real words into a few rows (idempotent): every 100th benchmark event gets 世赛 in its
title and a summary naming 技能大师 and WorldSkills; every 1,000th benchmark milestone a
description with 世赛集训. Saving through the ORM keeps any search index in step.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from benchmarks.render_cost import configure  # noqa: E402

WORDS = [
    "技",  # in nearly every text
    "匠",
    "赛",
    "鑫",  # in no text
    "工匠",  # in nearly every event
    "技能",
    "大师",
    "世赛",  # in a few texts
    "火星",  # in no text
    "工匠精神",
    "大师工作室",
    "技能 大师",
    "WorldSkills",
]


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def time_page(client, path, repeat):
    for _ in range(3):
        response = client.get(path)
        if response.status_code != 200:
            sys.exit(f"{path} answered {response.status_code}")
    walls, cpus = [], []
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        client.get(path)
        walls.append((time.perf_counter() - start) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return statistics.median(walls), percentile(walls, 0.99), statistics.median(cpus), response


def found(response):
    """The page's own summary line: how many items matched."""
    html = response.content.decode()
    marker = '<p class="result-count" role="status">'
    start = html.find(marker)
    if start < 0:
        return "?"
    line = html[start + len(marker) : html.find("</p>", start)]
    return line.rsplit("：", 1)[-1] if "：" in line else "none"


def add_words():
    from events.models import Event, Milestone

    events = Event.objects.filter(slug__regex=r"^bench-event-[0-9]*00$").exclude(title__contains="世赛")
    for event in events.iterator():
        event.title = f"世赛{event.title}"
        event.summary = "第46届世界技能大赛（WorldSkills）选手向技能大师学习，世赛精神。"
        event.save(update_fields=["title", "summary"])
    milestones = Milestone.objects.filter(slug__regex=r"^bench-milestone-[0-9]*000$").exclude(
        description__contains="世赛"
    )
    for milestone in milestones.iterator():
        milestone.description = "世赛集训基地开营，技能大师授课。"
        milestone.save(update_fields=["description"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--word", action="append", help="a word to search for (repeatable)")
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--add-words", action="store_true", help="write real words into a few rows")
    options = parser.parse_args()
    words = options.word or WORDS
    with tempfile.TemporaryDirectory() as static_root:
        configure(static_root)
        from django.conf import settings
        from django.db import connection
        from django.test import Client

        if options.add_words:
            add_words()
        client = Client(headers={"X-Forwarded-Proto": "https"})
        print(f"database: {connection.vendor}, repeat {options.repeat}")
        print()
        print(
            "| word | characters | found | counts kept: median ms | p99 ms | app CPU median ms "
            "| counts computed: median ms | p99 ms |"
        )
        print("|---|---:|---|---:|---:|---:|---:|---:|")
        kept_seconds = settings.CONTENT_CACHE_SECONDS
        for word in words:
            path = "/search/?" + urllib.parse.urlencode({"q": word})
            settings.CONTENT_CACHE_SECONDS = kept_seconds
            kept_median, kept_p99, kept_cpu, response = time_page(client, path, options.repeat)
            settings.CONTENT_CACHE_SECONDS = 0
            computed_median, computed_p99, _, _ = time_page(client, path, options.repeat)
            print(
                f"| {word} | {len(word.replace(' ', ''))} | {found(response)} "
                f"| {kept_median:.1f} | {kept_p99:.1f} | {kept_cpu:.1f} "
                f"| {computed_median:.1f} | {computed_p99:.1f} |"
            )


if __name__ == "__main__":
    os.environ.setdefault("BENCH_CACHE_URL", "redis://127.0.0.1:6379/14")
    main()
