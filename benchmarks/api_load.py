"""API against the HTML lists: gunicorn with production settings, driven by wrk.

    .venv/bin/pip install django-ninja==1.7.1       # the candidate measured beside DRF
    .venv/bin/python benchmarks/load.py --fill       # once: the 100,000-event data set
    .venv/bin/python benchmarks/api_load.py

The target (issue 16): an uncached API list answers at least half as many requests per
second as the matching HTML list. Each pair is measured in the same run, one after the
other, with the page cache off (every request renders; counts and filter options stay cached
per content version, as in production) and then on. The event list is also measured as
written with django-ninja (benchmarks/api_ninja.py), the lighter library the choice was
between. Uses the database and Redis of benchmarks/load.py (BENCH_DATABASE_URL,
BENCH_CACHE_URL); results go to docs/benchmarks-api.md (or --output).
"""

import argparse
import importlib.util
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.load import (
    DEFAULT_CACHE_URL,
    DEFAULT_DATABASE_URL,
    PROJECT,
    Server,
    data_summary,
    fetch,
    machine,
    run,
    run_line,
    server_environment,
    wrk,
)

# (what, HTML list, API list, django-ninja list or None)
PAIRS = [
    ("events", "/events/", "/api/events/", "/bench/ninja/events/"),
    (
        "events, filtered",
        "/events/?year=2000&region=beijing",
        "/api/events/?year=2000&region=beijing",
        "/bench/ninja/events/?year=2000&region=beijing",
    ),
    ("events, page 50", "/events/?page=50", "/api/events/?page=50", "/bench/ninja/events/?page=50"),
    ("timeline", "/milestones/", "/api/milestones/?page_size=50", None),
    (
        "timeline, filtered",
        "/milestones/?year=2000&month=5",
        "/api/milestones/?year=2000&month=5&page_size=50",
        None,
    ),
    ("awards", "/awards/", "/api/awards/", None),
    ("base directory", "/bases/", "/api/bases/?page_size=50", None),
]
# CSV pages are larger (up to 1,000 rows); measured for the record, not against the target.
EXTRA = [("events CSV, one year (667 rows)", "/api/events.csv?year=2000")]


def median_run(runs):
    """The run with the median throughput, as wrk reported it."""
    return sorted(runs, key=lambda run: run["rps"])[len(runs) // 2]


def measure(env, duration, connections, rounds):
    """Each pair measured in alternating rounds (HTML, DRF, ninja, HTML, …), so a change in
    the machine's other load falls on all of them alike; the median round of each is kept,
    and the API/HTML ratio is the median of the rounds' ratios."""
    rows = []
    with Server(env):
        for name, html, api, ninja in PAIRS:
            paths = {label: path for label, path in (("html", html), ("drf", api), ("ninja", ninja)) if path}
            runs = {label: [] for label in paths}
            for path in paths.values():
                fetch(path)  # warm what a visitor would find warm
            for _round in range(rounds):
                for label, path in paths.items():
                    runs[label].append(wrk(path, duration, connections))
            results = {
                label: (path, len(fetch(path)), median_run(runs[label]), runs[label])
                for label, path in paths.items()
            }
            rows.append((name, results))
        for name, path in EXTRA:
            fetch(path)
            run_ = wrk(path, duration, connections)
            rows.append((name, {"drf": (path, len(fetch(path)), run_, [run_])}))
    return rows


COLUMNS = (
    "list",
    "HTML req/s",
    "DRF API req/s",
    "API/HTML",
    "django-ninja req/s",
    "ninja/HTML",
    "HTML p99 ms",
    "API p99 ms",
    "errors",
)


def ratio(results, label):
    """The median over rounds of this candidate's throughput over the HTML list's."""
    if label not in results or "html" not in results:
        return "–"
    pairs = zip(results[label][3], results["html"][3], strict=True)
    ratios = sorted(run["rps"] / html["rps"] for run, html in pairs if html["rps"])
    return f"{ratios[len(ratios) // 2]:.2f}" if ratios else "–"


def table(rows):
    lines = ["| " + " | ".join(COLUMNS) + " |", "|---|" + "---:|" * (len(COLUMNS) - 1)]
    for name, results in rows:
        html, drf, ninja = results.get("html"), results["drf"], results.get("ninja")

        def rps(result):
            return f"{result[2]['rps']:.0f}" if result else "–"

        def p99(result):
            return f"{result[2]['p99']:.1f}" if result else "–"

        errors = sum(run["errors"] for result in results.values() for run in result[3])
        cells = [
            f"{name} `{drf[0]}` ({drf[1]:,} B)",
            rps(html),
            rps(drf),
            ratio(results, "drf"),
            rps(ninja),
            ratio(results, "ninja"),
            p99(html),
            p99(drf),
            str(errors),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per URL")
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds per list, page cache off")
    parser.add_argument("--output", type=Path, default=PROJECT / "docs" / "benchmarks-api.md")
    options = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install wrk).")
    if importlib.util.find_spec("ninja") is None:
        sys.exit("django-ninja is not installed: .venv/bin/pip install django-ninja==1.7.1")

    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    cache_url = os.environ.get("BENCH_CACHE_URL", DEFAULT_CACHE_URL)
    with tempfile.TemporaryDirectory() as temporary:
        static_root = Path(temporary) / "static"

        def environment(page_cache):
            env = server_environment(database_url, cache_url, static_root, page_cache=page_cache)
            return env | {"DJANGO_SETTINGS_MODULE": "benchmarks.api_settings", "PYTHONPATH": str(PROJECT)}

        run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], environment(True))
        run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], environment(True))
        uncached = measure(environment(False), options.duration, options.connections, options.rounds)
        cached = measure(environment(True), options.duration, options.connections, 1)
        counts = data_summary(environment(True))

    workers = os.cpu_count() * 2 + 1
    report = f"""# API benchmark: the API lists against the HTML lists

`benchmarks/api_load.py`: gunicorn with production settings (`gunicorn.conf.py`: {workers}
threaded workers, DEBUG off, Redis cache, PostgreSQL), driven by `wrk -t2
-c{options.connections} -d{options.duration}s` from a second process on 127.0.0.1. Each API list is
measured in alternating rounds with the HTML list it mirrors ({options.rounds} rounds with the page
cache off, one with it on), with the same filters and the same number of rows per page (20
events or awards, 50 milestones or bases); each figure is the median round. "API/HTML" is
the median over rounds of the API's throughput as a share of the HTML page's; the target is
at least 0.5 with the page cache off.
The django-ninja column is the same event list written with django-ninja 1.7.1
(`benchmarks/api_ninja.py`): same FilterSet, query, fields and cached count.

- Data: {counts}
- Machine: {machine()}; wrk and the server share the cores.
- Run: {run_line()}

## Page cache off (every request renders)

{table(uncached)}

## Page cache on (what anonymous visitors get)

{table(cached)}
"""
    options.output.write_text(report, encoding="utf-8")
    print(report)


if __name__ == "__main__":
    main()
