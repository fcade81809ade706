"""Uncached page speed side by side with Wagtail's bakerydemo, in one run.

    ../shared/bench/bakerydemo-serve 9000 &           # the reference (see that script's header)
    .venv/bin/python benchmarks/versus_bakerydemo.py --reference http://127.0.0.1:9000

Serves skillsite the way the reference is served: production settings (DEBUG off), a fresh
SQLite database holding the shipped fixtures, gunicorn with 2 sync workers, the page cache
off (values kept per content version, such as list counts, stay cached as in production;
BENCH_CACHE_URL, default Redis db 14). Then, for each pair of comparable pages, it runs
`wrk -t2 -c10` against the reference's page and straight after against skillsite's, both with
`X-Forwarded-Proto: https` as a TLS-terminating proxy sends it, and prints the table of
requests per second and their ratio. The table is written to docs/benchmarks-bakerydemo.md
(or --output), keeping the notes below its marker. Nothing here runs in the test suite.
"""

import argparse
import http.client
import os
import shutil
import sys
import tempfile
import urllib.parse
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from benchmarks.load import (  # noqa: E402
    DEFAULT_CACHE_URL,
    Server,
    address,
    machine,
    run,
    run_line,
    server_environment,
    url,
    write_report,
    wrk,
)

# (page type, the reference's path, skillsite's path)
PAIRS = [
    ("home", "/", "/"),
    ("list", "/blog/", "/events/"),
    ("detail", "/blog/bread-circuses/", "/events/2023-skills-china-action/"),
    ("search", "/search/?q=bread", "/search/?q=技能"),
]
FIXTURES = sorted(str(path) for path in (PROJECT / "fixtures").glob("*.json"))
# As the reference runs: two sync workers, one request at a time each.
GUNICORN_OPTIONS = ["--workers", "2", "--worker-class", "sync"]


def check(path, base):
    """The page answers 200 itself (no redirect), so wrk measures the page and not a 301."""
    parsed = urllib.parse.urlsplit(url(path, base))
    connection = http.client.HTTPConnection(parsed.netloc, timeout=60)
    try:
        target = parsed.path + (f"?{parsed.query}" if parsed.query else "")
        connection.request("GET", target, headers={"X-Forwarded-Proto": "https"})
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    if response.status != 200:
        sys.exit(f"{url(path, base)} answered {response.status}, not 200")
    return len(body)


def measure(reference, skillsite, duration, connections, rounds):
    """Each pair, reference then skillsite, `rounds` times; the best round of each counts,
    as the machine's load comes and goes."""
    rows = []
    for name, reference_path, own_path in PAIRS:
        sizes = (check(reference_path, reference), check(own_path, skillsite))
        for path, base in ((reference_path, reference), (own_path, skillsite)):
            for _ in range(3):  # warm what a visitor would find warm
                check(path, base)
        runs = [
            (
                wrk(reference_path, duration, connections, base=reference),
                wrk(own_path, duration, connections, base=skillsite),
            )
            for _ in range(rounds)
        ]
        theirs = max((pair[0] for pair in runs), key=lambda result: result["rps"])
        ours = max((pair[1] for pair in runs), key=lambda result: result["rps"])
        rows.append((name, reference_path, own_path, sizes, theirs, ours))
        print(f"{name}: {theirs['rps']:.0f} vs {ours['rps']:.0f} req/s", flush=True)
    return rows


def table(rows):
    lines = [
        "| page | bakerydemo | skillsite | bakerydemo req/s | skillsite req/s | ratio "
        "| bakerydemo p99 ms | skillsite p99 ms | errors |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, reference_path, own_path, _sizes, theirs, ours in rows:
        lines.append(
            f"| {name} | `{reference_path}` | `{own_path}` | {theirs['rps']:.0f} | {ours['rps']:.0f} "
            f"| {ours['rps'] / theirs['rps']:.1f}× | {theirs['p99']:.0f} | {ours['p99']:.0f} "
            f"| {theirs['errors'] + ours['errors']} |"
        )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", required=True, help="the reference server, e.g. http://127.0.0.1:9000")
    parser.add_argument("--port", type=int, default=8132, help="the port skillsite's gunicorn listens on")
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per page and round")
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=1, help="alternate the pair this many times")
    parser.add_argument("--output", type=Path, default=PROJECT / "docs" / "benchmarks-bakerydemo.md")
    options = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install wrk).")
    reference = options.reference.rstrip("/")
    cache_url = os.environ.get("BENCH_CACHE_URL", DEFAULT_CACHE_URL)

    with tempfile.TemporaryDirectory() as temporary:
        database_url = f"sqlite:///{Path(temporary) / 'db.sqlite3'}"
        env = server_environment(
            database_url, cache_url, Path(temporary) / "static", page_cache=False, port=options.port
        )
        run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], env)
        run([sys.executable, "manage.py", "loaddata", *FIXTURES, "-v0"], env)
        run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], env)
        with Server(env, GUNICORN_OPTIONS):
            rows = measure(reference, address(env), options.duration, options.connections, options.rounds)

    best = " (the best of each, alternating)" if options.rounds > 1 else ""
    report = f"""# Uncached pages against Wagtail's bakerydemo

`benchmarks/versus_bakerydemo.py --reference {reference}`: both sites in production mode on
SQLite (skillsite with its shipped fixtures, bakerydemo with its demo content), gunicorn with 2
sync workers, no page cache (skillsite keeps list counts per content version, as in
production), driven by `wrk -t2 -c{options.connections} -d{options.duration}s` with
`X-Forwarded-Proto: https` from a process on the same machine; each pair ran reference
first, then skillsite, {options.rounds} round(s){best}. "ratio" is skillsite's requests per
second over bakerydemo's.

- Machine: {machine()}; wrk and both servers share the cores.
- Run: {run_line()}

{table(rows)}
"""
    write_report(options.output, report)
    print(report)


if __name__ == "__main__":
    main()
