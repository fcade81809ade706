"""import_content against Django's loaddata on the same synthetic data, on SQLite and PostgreSQL.

    python benchmarks/import_vs_loaddata.py --events 100000 --bases 10000 \\
        --postgres-url postgres://postgres@127.0.0.1:5432/skillsite_import

For each database and each way of loading, a fresh database is migrated and given the
shipped provinces and taxonomy (untimed); then one command loads the synthetic set in a
process of its own (benchmarks/measure.py), which reports wall time and peak memory. The
import is then run a second time on the loaded database, where every row is unchanged.
PostgreSQL runs use a database named after the URL's with "_bench" appended, created and
dropped here. Prints a Markdown table for docs/benchmarks.md.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.synthetic import generate  # noqa: E402

BASE_FIXTURES = [str(ROOT / "fixtures" / "01_provinces.json"), str(ROOT / "fixtures" / "02_taxonomy.json")]


def run(args, env, capture=True):
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=capture, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


class Sqlite:
    name = "SQLite"

    def __init__(self, folder):
        self.path = Path(folder) / "bench.sqlite3"

    def fresh(self):
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{self.path}"

    def drop(self):
        self.path.unlink(missing_ok=True)


class Postgres:
    name = "PostgreSQL"

    def __init__(self, url):
        import psycopg

        self.psycopg = psycopg
        self.server_url = url
        parts = urlsplit(url)
        self.database = parts.path.lstrip("/") + "_bench"
        self.url = urlunsplit(parts._replace(path="/" + self.database))

    def _execute(self, sql):
        with self.psycopg.connect(self.server_url, autocommit=True) as connection:
            connection.execute(sql)

    def fresh(self):
        self.drop()
        self._execute(f'CREATE DATABASE "{self.database}"')
        return self.url

    def drop(self):
        self._execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')


def measure(database, command, files, expected, *, again=False):
    env = {**os.environ, "DATABASE_URL": database.fresh(), "DEBUG": "false", "SECRET_KEY": "benchmark"}
    env["ALLOWED_HOSTS"] = "localhost"
    python = sys.executable
    run([python, "manage.py", "migrate", "--noinput", "-v0"], env)
    run([python, "manage.py", "loaddata", "-v0", *BASE_FIXTURES], env)
    first = json.loads(run([python, "benchmarks/measure.py", command, *files], env))
    for label, count in expected.items():
        if first["counts"][label] != count:
            raise SystemExit(f"{command}: {label} has {first['counts'][label]} rows, expected {count}")
    second = None
    if again:
        second = json.loads(run([python, "benchmarks/measure.py", command, *files], env))
    return first, second


def mib(kb):
    return kb / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--milestones-per-event", type=int, default=2)
    parser.add_argument("--figures-per-event", type=int, default=2)
    parser.add_argument("--bases", type=int, default=10_000)
    parser.add_argument("--postgres-url", default=os.environ.get("BENCHMARK_POSTGRES_URL", ""))
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument(
        "--skip-loaddata",
        action="store_true",
        help="measure import_content only (loaddata takes most of the run; its speed does not change)",
    )
    parser.add_argument("--data", help="folder for the generated files (default: a temporary folder)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        data = Path(args.data or scratch) / "synthetic"
        started = time.perf_counter()
        generated = generate(
            data,
            events=args.events,
            milestones_per_event=args.milestones_per_event,
            figures_per_event=args.figures_per_event,
            bases=args.bases,
        )
        size = sum(Path(path).stat().st_size for path in generated["fixtures"])
        records = sum(generated["counts"].values())
        print(
            f"Generated {records:,} records ({size / 2**20:.0f} MiB of JSON) "
            f"in {time.perf_counter() - started:.0f} s.",
            file=sys.stderr,
        )
        databases = [] if args.skip_sqlite else [Sqlite(scratch)]
        if args.postgres_url:
            databases.append(Postgres(args.postgres_url))

        lines = [
            f"Data: {args.events:,} events, {args.events * args.milestones_per_event:,} milestones, "
            f"{args.events * args.figures_per_event:,} key figures, {args.bases:,} training bases "
            f"({records:,} records; {size / 2**20:.0f} MiB of fixture JSON). "
            f"Python {platform.python_version()}, {os.cpu_count()} cores.",
            "",
            "| database | command | input | wall time | peak memory (RSS) | of which the command "
            "| speed-up |",
            "|---|---|---|---:|---:|---:|---:|",
        ]
        for database in databases:
            runs, loaddata = [], None
            if not args.skip_loaddata:
                loaddata, _ = measure(database, "loaddata", generated["fixtures"], generated["counts"])
                runs.append(("`loaddata`", "JSON", loaddata))
            imported, again = measure(
                database, "import_content", generated["fixtures"], generated["counts"], again=True
            )
            runs.append(("`import_content`", "JSON", imported))
            runs.append(("`import_content`, again (all unchanged)", "JSON", again))
            from_csv, _ = measure(database, "import_content", generated["csv"], generated["counts"])
            runs.append(("`import_content`", "CSV", from_csv))
            database.drop()
            for command, kind, result in runs:
                speedup = f"{loaddata['seconds'] / result['seconds']:.1f}×" if loaddata else "—"
                own = result["peak_kb"] - result["baseline_kb"]
                lines.append(
                    f"| {database.name} | {command} | {kind} | {result['seconds']:.1f} s "
                    f"| {mib(result['peak_kb']):.0f} MiB | {mib(own):.0f} MiB | {speedup} |"
                )
                print(lines[-1], file=sys.stderr)
        print("\n".join(lines))


if __name__ == "__main__":
    main()
