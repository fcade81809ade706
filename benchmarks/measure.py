"""Run one management command in this process and print its wall time and peak memory as JSON.

    DATABASE_URL=... python benchmarks/measure.py loaddata FILE...
    DATABASE_URL=... python benchmarks/measure.py import_content FILE...

Peak memory is the process's maximum resident set size; `baseline` is the resident size
after Django has started, so `peak - baseline` is what the command itself needed.
"""

import json
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skillsite.settings")


def resident_kb():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def main():
    import django

    django.setup()
    from django.core.management import call_command

    from events.importing.specs import registry

    command, *files = sys.argv[1:]
    options = {"verbosity": 0}
    if command == "import_content":
        options["no_progress"] = True
    baseline = resident_kb()
    started = time.perf_counter()
    call_command(command, *files, **options)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    counts = {spec.label: spec.model._default_manager.count() for spec in registry()}
    print(json.dumps({"seconds": seconds, "peak_kb": peak, "baseline_kb": baseline, "counts": counts}))


if __name__ == "__main__":
    main()
