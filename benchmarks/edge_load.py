"""Load through the front: Debian's nginx (deploy/) before gunicorn, driven by wrk.

    .venv/bin/python benchmarks/edge_load.py --fill     # first run: build the data set
    .venv/bin/python benchmarks/edge_load.py            # later runs reuse it

The data set, the pages and the databases are those of benchmarks/load.py (PostgreSQL at
BENCH_DATABASE_URL, Redis at BENCH_CACHE_URL); it also needs nginx and wrk. It never runs in
the test suite. In one run:

1. collects static files into a temporary STATIC_ROOT and starts the front as `make edge`
   does (deploy/edge.py run: production settings, nginx's micro-cache, one gunicorn
   instance); learns each page's size through nginx and writes a static file of exactly
   that size, which nginx serves itself;
2. for each page, `wrk -c50` against the page, then against its static twin;
3. the same while a publisher saves an event every second: each save makes every page
   stale, in the app's page cache at once and in nginx's micro-cache within its seconds;
4. steps 2 and 3 again with two gunicorn instances behind the same nginx;
5. writes the figures to docs/benchmarks-edge.md (or --output).
"""

import argparse
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from benchmarks.load import (  # noqa: E402
    DEFAULT_CACHE_URL,
    DEFAULT_DATABASE_URL,
    data_summary,
    fill,
    machine,
    parse_wrk,
    recreate_database,
    run_line,
    static_twin,
    write_report,
)
from benchmarks.load import PAGES as LOAD_PAGES  # noqa: E402

# The pages an anonymous visitor asks for, as (name, path, header or None): nginx's
# micro-cache keeps one copy per display mode, so the 长辈版 pages are cached pages too.
PAGES = [(name, path, header[0] if header else None) for name, path, *header in LOAD_PAGES]

HOST = "127.0.0.1"
PORT = 8766
WRK_OPTIONS = ["wrk", "-t2", "--timeout", "10s", "--latency"]
PUBLISHED_EVENT = "bench-event-1"
PUBLISHER = f"""
import sys, time
import django
django.setup()
from events.models import Event
event = Event.objects.get(slug="{PUBLISHED_EVENT}")
while True:
    started = time.monotonic()
    event.save()
    print("saved", flush=True)
    time.sleep(max(0, 1 - (time.monotonic() - started)))
"""


def url(path):
    return f"http://{HOST}:{PORT}{urllib.parse.quote(path, safe='/?=&')}"


def fetch(path, header=None):
    headers = dict([header.split(": ", 1)]) if header else {}
    with urllib.request.urlopen(urllib.request.Request(url(path), headers=headers), timeout=60) as response:
        return response.read()


def environment(database_url, cache_url, folder, instances):
    env = dict(os.environ)
    env.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=HOST,
        DATABASE_URL=database_url,
        CACHE_URL=cache_url,
        CACHE_KEY_PREFIX=f"bench-edge-{secrets.token_hex(4)}",
        STATIC_ROOT=str(folder / "static"),
        MEDIA_ROOT=str(folder / "media"),
        EDGE_DIR=str(folder / f"edge-{instances}"),
        EDGE_APP_INSTANCES=str(instances),
        EDGE_ACCESS_LOG="off",
        HOST=HOST,
        PORT=str(PORT),
        # Counted per run: how many requests reached the app servers.
        GUNICORN_ACCESS_LOG=str(folder / "app-access.log"),
        LOG_LEVEL="WARNING",
    )
    return env


class Front:
    """deploy/edge.py run: nginx and its gunicorn instances, stopped together."""

    def __init__(self, env):
        self.env = env
        self.app_log = Path(env["GUNICORN_ACCESS_LOG"])
        # nginx's and gunicorn's own messages, shown if a run fails.
        self.log = Path(env["EDGE_DIR"] + ".log")

    def __enter__(self):
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "deploy/edge.py", "run"],
                cwd=PROJECT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        for _ in range(300):
            try:
                fetch("/healthz")
                return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("the front did not answer /healthz")

    def __exit__(self, exc_type, exc, traceback):
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=60)
        if exc_type is not None:
            lines = self.log.read_text(errors="replace").splitlines()
            print("\n".join(["-- the front's last messages:", *lines[-40:]]), file=sys.stderr)

    def app_requests(self):
        return sum(1 for _line in self.app_log.open()) if self.app_log.exists() else 0


class Publisher:
    """Saves an event every second, as an editor's publish does, until stopped."""

    def __init__(self, env):
        self.env = env | {"PYTHONPATH": str(PROJECT), "DJANGO_SETTINGS_MODULE": "skillsite.settings"}

    def __enter__(self):
        self.output = tempfile.TemporaryFile()
        # An editor's save runs in an app server, at the app servers' priority.
        niceness = int(self.env.get("EDGE_APP_NICE") or 0)
        self.process = subprocess.Popen(
            [sys.executable, "-c", PUBLISHER],
            cwd=PROJECT,
            env=self.env,
            stdout=self.output,
            preexec_fn=lambda: os.nice(niceness),
        )
        return self

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=30)
        self.output.seek(0)
        self.saves = self.output.read().count(b"saved")
        self.output.close()


def wrk(path, duration, connections, header=None):
    command = [*WRK_OPTIONS, f"-c{connections}", f"-d{duration}s", url(path)]
    if header:
        command[1:1] = ["-H", header]
    return parse_wrk(subprocess.run(command, capture_output=True, text=True, check=True).stdout)


def measure(front, pages, twins, duration, connections):
    rows = []
    for (name, path, header), twin in zip(pages, twins, strict=True):
        fetch(path, header)  # warm, as a visitor would find it
        before = front.app_requests()
        page = wrk(path, duration, connections, header)
        page["app"] = front.app_requests() - before
        static = wrk(twin, duration, connections)
        rows.append((name, path, page, static))
    return rows


def run_scenarios(env, pages, twins, duration, connections):
    with Front(env) as front:
        quiet = measure(front, pages, twins, duration, connections)
        with Publisher(env) as publisher:
            storm = measure(front, pages, twins, duration, connections)
    return quiet, storm, publisher.saves


def table(rows, sizes):
    lines = [
        "| page | bytes | req/s | p50 ms | p99 ms | errors | to the app | static req/s | static p99 ms "
        "| page/static |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for (name, path, page, static), size in zip(rows, sizes, strict=True):
        lines.append(
            f"| {name} `{path}` | {size:,} | {page['rps']:,.0f} | {page['p50']:.2f} | {page['p99']:.2f} | "
            f"{page['errors']} | {page['app']} | {static['rps']:,.0f} | {static['p99']:.2f} | "
            f"{page['rps'] / static['rps']:.2f} |"
        )
    return "\n".join(lines)


def storm_table(quiet, storm):
    lines = [
        "| page | quiet req/s | storm req/s | storm/quiet | quiet p99 ms | storm p99 ms | p99 storm/quiet "
        "| storm errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for (name, path, calm, _), (_n, _p, busy, _s) in zip(quiet, storm, strict=True):
        lines.append(
            f"| {name} `{path}` | {calm['rps']:,.0f} | {busy['rps']:,.0f} | "
            f"{busy['rps'] / calm['rps']:.2f} | {calm['p99']:.2f} | {busy['p99']:.2f} | "
            f"{busy['p99'] / calm['p99']:.2f} | {busy['errors']} |"
        )
    return "\n".join(lines)


def instances_table(one, two):
    lines = [
        "| page | one instance req/s | two instances req/s | two/one | one p99 ms | two p99 ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for (name, path, first, _), (_n, _p, second, _s) in zip(one, two, strict=True):
        lines.append(
            f"| {name} `{path}` | {first['rps']:,.0f} | {second['rps']:,.0f} | "
            f"{second['rps'] / first['rps']:.2f} | {first['p99']:.2f} | {second['p99']:.2f} |"
        )
    return "\n".join(lines)


def summary(rows, storm_rows):
    ratios = [page["rps"] / static["rps"] for _n, _p, page, static in rows]
    throughput = [
        busy["rps"] / calm["rps"] for (*_a, calm, _s), (*_b, busy, _t) in zip(rows, storm_rows, strict=True)
    ]
    latency = [
        busy["p99"] / calm["p99"] for (*_a, calm, _s), (*_b, busy, _t) in zip(rows, storm_rows, strict=True)
    ]
    errors = sum(page["errors"] for *_rest, page, _static in rows + storm_rows)
    return (
        f"page/static {min(ratios):.2f}–{max(ratios):.2f} (target ≥ 0.5); during the storm "
        f"throughput {min(throughput):.2f}–{max(throughput):.2f} of the quiet run (target ≥ 0.7), "
        f"p99 {min(latency):.2f}–{max(latency):.2f}× (target ≤ 3×), {errors} errors (target 0)"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fill", action="store_true", help="recreate the database and fill it")
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--milestones-per-event", type=int, default=3)
    parser.add_argument("--bases", type=int, default=10_000)
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per URL")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--output", type=Path, default=PROJECT / "docs" / "benchmarks-edge.md")
    parser.add_argument(
        "--only", action="append", metavar="TEXT", help="measure only the pages whose name contains TEXT"
    )
    options = parser.parse_args()
    pages = [page for page in PAGES if not options.only or any(text in page[0] for text in options.only)]
    if not pages:
        sys.exit(f"no page's name contains {' or '.join(options.only)}")
    for tool in ("wrk", "nginx"):
        if not shutil.which(tool) and not Path(f"/usr/sbin/{tool}").exists():
            sys.exit(f"{tool} is not installed (apt-get install {tool}).")

    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    cache_url = os.environ.get("BENCH_CACHE_URL", DEFAULT_CACHE_URL)
    folder = Path(tempfile.mkdtemp(prefix="skillsite-edge-bench-"))
    folder.chmod(0o755)  # nginx reads the static files as an unprivileged user
    try:
        one = environment(database_url, cache_url, folder, instances=1)
        two = environment(database_url, cache_url, folder, instances=2)
        run = lambda *command: subprocess.run(command, cwd=PROJECT, env=one, check=True)  # noqa: E731
        if options.fill:
            started = time.perf_counter()
            recreate_database(database_url, one)
            fill(one, options.events, options.milestones_per_event, options.bases)
            print(f"filled in {time.perf_counter() - started:.0f} s")
        run(sys.executable, "manage.py", "migrate", "--noinput", "-v0")
        run(sys.executable, "manage.py", "collectstatic", "--noinput", "-v0")
        with Front(one):
            sizes = [len(fetch(path, header)) for _name, path, header in pages]
        twins = [
            static_twin(folder / "static", name, size)
            for (name, _path, _header), size in zip(pages, sizes, strict=True)
        ]
        load = (pages, twins, options.duration, options.connections)
        quiet_one, storm_one, saves_one = run_scenarios(one, *load)
        quiet_two, storm_two, saves_two = run_scenarios(two, *load)
        counts = data_summary(one)
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    nginx_version = subprocess.run(["nginx", "-v"], capture_output=True, text=True).stderr.strip()
    workers = os.cpu_count() * 2 + 1
    driver = f"`wrk -t2 -c{options.connections} -d{options.duration}s`, from a second process on 127.0.0.1"
    report = f"""# Load through the front (nginx before gunicorn)

`benchmarks/edge_load.py`: the stack `make edge` runs (deploy/edge.py: {nginx_version}
with the repo's configuration, its micro-cache and `proxy_cache_lock`; gunicorn with
production settings, {workers} threaded (gthread, 4 threads) workers per instance, niceness
{os.environ.get("EDGE_APP_NICE") or 0}; Redis page cache;
PostgreSQL), driven by {driver}, each page followed by a static file of exactly the same
size that the same nginx serves from disk. "page/static" is the page's throughput as a
share of its twin's; "to the app" counts the requests that reached gunicorn during the
page's run. nginx's access log is off.

- Data: {counts}
- Machine: {machine()}; wrk, nginx, gunicorn, PostgreSQL and Redis share
  the cores (and, during this run, other work on the same machine).
- Run: {run_line()}

Summary, one instance: {summary(quiet_one, storm_one)}.

Summary, two instances: {summary(quiet_two, storm_two)}.

## One gunicorn instance, quiet

{table(quiet_one, sizes)}

## One gunicorn instance, a publish every second ({saves_one} saves)

{table(storm_one, sizes)}

{storm_table(quiet_one, storm_one)}

## Two gunicorn instances behind the same nginx, quiet

{table(quiet_two, sizes)}

## Two gunicorn instances, a publish every second ({saves_two} saves)

{table(storm_two, sizes)}

{storm_table(quiet_two, storm_two)}

## Two instances against one

{instances_table(quiet_one, quiet_two)}

During the publish storm:

{instances_table(storm_one, storm_two)}
"""
    write_report(options.output, report)
    print(report)


if __name__ == "__main__":
    main()
