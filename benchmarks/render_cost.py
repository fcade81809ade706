"""What one uncached page costs the app server: wall and CPU time per request, in-process.

    .venv/bin/python benchmarks/render_cost.py                  # every page of the load benchmark
    .venv/bin/python benchmarks/render_cost.py /bases/ --profile  # and where /bases/ spends it

Uses the load benchmark's database (BENCH_DATABASE_URL, filled by `benchmarks/load.py
--fill`) and Redis (BENCH_CACHE_URL), with production settings and the page cache off, as
the load benchmark's uncached run has them. Each page is requested through Django's full
middleware stack, a few times to warm the values kept per content version, then --repeat
times; the minimum and median are printed. CPU time excludes waiting for PostgreSQL, so it
is the part of a request that more app-server cores would share out.

Timings on a shared machine are noisy (runs minutes apart differed by half here). The last
column, the number of Python function calls one request makes, does not depend on the
machine's load: compare two commits by it first, then by the minimum times of alternating
runs.
"""

import argparse
import cProfile
import os
import pstats
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from benchmarks.load import DEFAULT_CACHE_URL, DEFAULT_DATABASE_URL, PAGES  # noqa: E402


def configure(static_root):
    os.environ.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="testserver",
        DATABASE_URL=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL),
        CACHE_URL=os.environ.get("BENCH_CACHE_URL", DEFAULT_CACHE_URL),
        CACHE_KEY_PREFIX=f"render-cost-{secrets.token_hex(4)}",
        PAGE_CACHE_SECONDS="0",
        LOG_LEVEL="WARNING",
        STATIC_ROOT=str(static_root),
        DJANGO_SETTINGS_MODULE="skillsite.settings",
    )
    import django
    from django.core.management import call_command

    django.setup()
    # Production settings name static files by their hash, from the collected manifest.
    call_command("collectstatic", interactive=False, verbosity=0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", help="pages to time (default: the load benchmark's)")
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--profile", action="store_true", help="print where the time goes")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as static_root:
        configure(static_root)
        measure(options)


def measure(options):

    from django.test import Client

    # The front end terminates TLS; production settings redirect anything else.
    client = Client(headers={"X-Forwarded-Proto": "https"})
    paths = options.paths or [path for _name, path, *_header in PAGES]
    print("| page | wall min ms | wall median ms | CPU min ms | CPU median ms | Python calls |")
    print("|---|---:|---:|---:|---:|---:|")
    for path in paths:
        for _ in range(3):
            response = client.get(path)
            if response.status_code != 200:
                sys.exit(f"{path} answered {response.status_code}")
        walls, cpus = [], []
        for _ in range(options.repeat):
            wall, cpu = time.perf_counter(), time.process_time()
            client.get(path)
            walls.append((time.perf_counter() - wall) * 1000)
            cpus.append((time.process_time() - cpu) * 1000)
        profile = cProfile.Profile()
        with profile:
            client.get(path)
        stats = pstats.Stats(profile)
        print(
            f"| `{path}` | {min(walls):.1f} | {statistics.median(walls):.1f} "
            f"| {min(cpus):.1f} | {statistics.median(cpus):.1f} | {stats.total_calls:,} |"
        )
        if options.profile:
            stats.sort_stats("cumulative").print_stats(40)


if __name__ == "__main__":
    main()
