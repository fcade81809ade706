"""Load benchmark: gunicorn with production settings, driven by wrk, on a large data set.

    .venv/bin/python benchmarks/load.py --fill          # first run: build the data set
    .venv/bin/python benchmarks/load.py                 # later runs reuse it

Needs PostgreSQL (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/skillsite_bench;
--fill drops and recreates that database), Redis (BENCH_CACHE_URL, default
redis://127.0.0.1:6379/14) and wrk (`apt-get install wrk`). It never runs in the test suite.

What it does, in one run:
1. with --fill: migrates a fresh database and fills it with 100,000 events, 300,000
   milestones and 10,000 training bases on top of the shipped fixtures (benchmarks/dataset.py);
2. collects static files into a temporary STATIC_ROOT and, for every page measured, writes
   a static file of exactly the page's size beside them;
3. starts gunicorn (gunicorn.conf.py, DEBUG=false, Redis cache) and, from a second process
   on 127.0.0.1, runs wrk against each page and each same-size static file;
4. does so twice: with the page cache on (what visitors get) and off (every request renders
   the page; values derived from content, such as list counts, stay cached);
5. writes the figures to docs/benchmarks-load.md (or --output).
"""

import argparse
import datetime
import os
import platform
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/skillsite_bench"
DEFAULT_CACHE_URL = "redis://127.0.0.1:6379/14"
HOST = "127.0.0.1"
PORT = 8765
# The front end terminates TLS and tells the app so; production settings expect it.
PROXY_HEADER = "X-Forwarded-Proto: https"
WARM_UP_SECONDS = 1
WRK_OPTIONS = ["wrk", "-t2", "--timeout", "10s", "--latency"]
ELDER_COOKIE = "Cookie: display=elder"

PAGES = [
    ("home", "/"),
    ("event list", "/events/"),
    ("event list, filtered", "/events/?year=2000&region=beijing"),
    ("event list, last page", "/events/?page=100"),
    ("event detail", "/events/bench-event-50000/"),
    ("timeline", "/milestones/"),
    ("timeline, filtered", "/milestones/?year=2000&month=6"),
    ("base directory", "/bases/"),
    ("search, 5 characters", "/search/?q=大师工作室"),
    ("search, 2 characters", "/search/?q=工匠"),
    # The other displays are cached pages of their own: the English edition and 长辈版.
    ("home, English", "/en/"),
    ("event list, English", "/en/events/"),
    ("home, 长辈版", "/", ELDER_COOKIE),
    ("event list, 长辈版", "/events/", ELDER_COOKIE),
]


def run(command, env, **kwargs):
    return subprocess.run(command, cwd=PROJECT, env=env, check=True, **kwargs)


def server_environment(database_url, cache_url, static_root, page_cache, port=PORT):
    env = dict(os.environ)
    env.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=HOST,
        DATABASE_URL=database_url,
        CACHE_URL=cache_url,
        CACHE_KEY_PREFIX=f"bench-{secrets.token_hex(4)}",
        STATIC_ROOT=str(static_root),
        PAGE_CACHE_SECONDS="600" if page_cache else "0",
        GUNICORN_BIND=f"{HOST}:{port}",
        GUNICORN_ACCESS_LOG="",
        LOG_LEVEL="WARNING",
    )
    return env


def recreate_database(database_url, env):
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    with psycopg.connect(database_url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], env)


def fill(env, events, milestones_per_event, bases):
    code = (
        "import django; django.setup()\n"
        "from benchmarks import dataset\n"
        f"dataset.fill({events}, milestones_per_event={milestones_per_event}, bases={bases})\n"
        "print(dataset.summary())\n"
    )
    run(
        [sys.executable, "-c", code],
        env | {"PYTHONPATH": str(PROJECT), "DJANGO_SETTINGS_MODULE": "skillsite.settings"},
    )


def data_summary(env):
    """What the database `env` names holds (benchmarks/dataset.py's summary), for a report."""
    code = "import django; django.setup(); from benchmarks import dataset; print(dataset.summary())"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT,
        # The settings `env` names (the API benchmark's own), else the site's.
        env={"DJANGO_SETTINGS_MODULE": "skillsite.settings"} | env | {"PYTHONPATH": str(PROJECT)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def machine():
    """The machine a report's figures come from."""
    python = f"{platform.python_implementation()} {platform.python_version()}"
    return f"{os.cpu_count()} cores, {python}, {platform.system()}"


def run_line():
    """When, and on which commit, a report's figures were taken."""
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT, capture_output=True, text=True
    )
    return f"{datetime.date.today().isoformat()}, commit {commit.stdout.strip() or 'unknown'}"


def address(env):
    """The base URL of the server `env` starts."""
    return f"http://{env['GUNICORN_BIND']}"


def url(path, base=f"http://{HOST}:{PORT}"):
    return f"{base}{urllib.parse.quote(path, safe='/?=&')}"


def fetch(path, header=None, base=f"http://{HOST}:{PORT}"):
    headers = {"X-Forwarded-Proto": "https"}
    if header:
        name, value = header.split(": ", 1)
        headers[name] = value
    request = urllib.request.Request(url(path, base), headers=headers)
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.read()


class Server:
    """gunicorn with gunicorn.conf.py and `env`; `options` are command-line settings, which
    take precedence over the file's (e.g. ["--worker-class", "sync"])."""

    def __init__(self, env, options=()):
        self.env = env
        self.options = list(options)
        self.process = None

    def __enter__(self):
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), *self.options, "skillsite.wsgi"],
            cwd=PROJECT,
            env=self.env,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                fetch("/healthz", base=address(self.env))
                return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer /healthz")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=30)


def wrk(path, duration, connections, header=None, base=f"http://{HOST}:{PORT}"):
    extra = ["-H", header] if header else []
    command = [
        *WRK_OPTIONS,
        f"-c{connections}",
        f"-d{duration}s",
        "-H",
        PROXY_HEADER,
        *extra,
        url(path, base),
    ]
    return parse_wrk(subprocess.run(command, capture_output=True, text=True, check=True).stdout)


def milliseconds(text):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def parse_wrk(output):
    distribution = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", output, re.M))
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    # With no completed request wrk prints no distribution; the errors column says why.
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": milliseconds(distribution["50"]) if "50" in distribution else float("nan"),
        "p99": milliseconds(distribution["99"]) if "99" in distribution else float("nan"),
        "errors": errors + (int(non_2xx.group(1)) if non_2xx else 0),
    }


def static_twin(static_root, name, size):
    """A static file of exactly `size` bytes, served by the same server."""
    relative = f"bench/{re.sub(r'[^a-z0-9]+', '-', name)}.html"
    path = static_root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes((b"<p>static twin</p>\n" * (size // 19 + 1))[:size])
    return f"/static/{relative}"


def measure(env, static_twins, duration, connections):
    rows = []
    base = address(env)
    with Server(env):
        for (name, path, *header), twin in zip(PAGES, static_twins, strict=True):
            # Warm what a visitor of a busy server finds warm: the values kept per content
            # version, and in every worker its connections and its copies of them.
            fetch(path, *header, base=base)
            wrk(path, WARM_UP_SECONDS, connections, *header, base=base)
            page = wrk(path, duration, connections, *header, base=base)
            static = wrk(twin, duration, connections, base=base)
            rows.append((name, path, page, static))
    return rows


NOTES_MARKER = "<!-- Notes written by hand below this line; a new run keeps them. -->"


def write_report(path, report):
    """Write a generated report to `path`, keeping the hand-written notes (before/after
    figures, what was changed) that follow NOTES_MARKER in the file already there."""
    notes = ""
    if path.exists():
        _generated, marker, notes = path.read_text(encoding="utf-8").partition(NOTES_MARKER)
        notes = notes if marker else ""
    path.write_text(f"{report.rstrip()}\n\n{NOTES_MARKER}{notes or chr(10)}", encoding="utf-8")


def table(rows, sizes):
    lines = [
        "| page | bytes | req/s | p50 ms | p99 ms | errors | static req/s | static p99 ms | page/static |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for (name, path, page, static), size in zip(rows, sizes, strict=True):
        lines.append(
            f"| {name} `{path}` | {size:,} | {page['rps']:.0f} | {page['p50']:.1f} | {page['p99']:.1f} | "
            f"{page['errors']} | {static['rps']:.0f} | {static['p99']:.1f} | "
            f"{page['rps'] / static['rps']:.2f} |"
        )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fill", action="store_true", help="recreate the database and fill it")
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--milestones-per-event", type=int, default=3)
    parser.add_argument("--bases", type=int, default=10_000)
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per URL")
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--port", type=int, default=PORT, help="the port gunicorn listens on")
    parser.add_argument(
        "--uncached-only", action="store_true", help="measure only with the page cache off (half the time)"
    )
    parser.add_argument("--output", type=Path, default=PROJECT / "docs" / "benchmarks-load.md")
    options = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install wrk).")

    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    cache_url = os.environ.get("BENCH_CACHE_URL", DEFAULT_CACHE_URL)
    with tempfile.TemporaryDirectory() as temporary:
        static_root = Path(temporary) / "static"
        env = server_environment(database_url, cache_url, static_root, page_cache=True, port=options.port)
        if options.fill:
            started = time.perf_counter()
            recreate_database(database_url, env)
            fill(env, options.events, options.milestones_per_event, options.bases)
            print(f"filled in {time.perf_counter() - started:.0f} s")
        run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], env)
        run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], env)

        # Learn each page's size, then give it a static twin (WhiteNoise indexes at start-up).
        with Server(env):
            sizes = [len(fetch(path, *header, base=address(env))) for _name, path, *header in PAGES]
        twins = [
            static_twin(static_root, name, size) for (name, _path, *_), size in zip(PAGES, sizes, strict=True)
        ]

        cached = None if options.uncached_only else measure(env, twins, options.duration, options.connections)
        uncached_env = server_environment(
            database_url, cache_url, static_root, page_cache=False, port=options.port
        )
        uncached = measure(uncached_env, twins, options.duration, options.connections)
        counts = data_summary(env)

    workers = os.cpu_count() * 2 + 1
    report = f"""# Load benchmark

`benchmarks/load.py`: gunicorn with production settings (`gunicorn.conf.py`: {workers}
threaded workers, DEBUG off, Redis cache, PostgreSQL), driven by `wrk -t2 -c{options.connections}
-d{options.duration}s` from a second process on 127.0.0.1, each page followed by a static file
of exactly the same size served by the same server (WhiteNoise). "page/static" is the page's
throughput as a share of its static twin's.

- Data: {counts}
- Machine: {machine()}; wrk and the server share the cores.
- Run: {run_line()}

## Page cache on (what anonymous visitors get)

{table(cached, sizes) if cached else "Not measured in this run (--uncached-only)."}

## Page cache off (every request renders the page)

Values derived from content (list counts, the years that have content) stay cached, as
they are in production; the page itself is rendered by Django on every request.

{table(uncached, sizes)}
"""
    write_report(options.output, report)
    print(report)


if __name__ == "__main__":
    main()
