"""A partner's list of training bases as an .xlsx workbook against the same rows as CSV.

    python benchmarks/workbook_vs_csv.py --rows 100000

Writes one list of ROWS training bases the way a provincial bureau sends it (a title row,
Chinese headers, 序号, provinces and sectors by their Chinese names, several sectors to a cell
joined by 、) four times: as an .xlsx workbook with its texts in a shared string table, as
Excel and WPS save them; as an .xlsx with each text in its cell, as openpyxl (and so
export_content) writes them; as a CSV in GB18030 (what Excel or WPS on Chinese Windows
saves) and as a CSV in UTF-8 with BOM. For each file, in a process of its own, it measures:

- reading only: every record read from the file and thrown away (no database), which is
  what the file's format costs;
- the import: import_content into a fresh SQLite database that holds the shipped content
  (migrated and loaded untimed), through benchmarks/measure.py.

Each figure is wall time and peak resident memory (resource.getrusage's ru_maxrss). Linux
carries ru_maxrss over from the parent into a child process, so the files are written in a
process of their own and this one stays small. Prints a Markdown table for
docs/benchmarks-workbooks.md.
"""

import argparse
import csv
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BATCH = "2023-national-high-skill-training-bases"
TITLE = "国家级高技能人才培训基地名单（合成数据）"
HEADER = ["序号", "名称", "网址名", "批次", "所在地区", "依托单位类型", "依托单位", "领域"]
PROVINCES = [
    "北京市",
    "天津市",
    "河北省",
    "山西省",
    "上海市",
    "江苏省",
    "浙江省",
    "四川省",
    "广东省",
    "新疆维吾尔自治区",
]
HOST_TYPES = ["院校", "培训机构", "企业"]
SECTORS = ["智能制造", "数控加工", "养老护理", "数字媒体技术", "信息安全管理", "数字建造"]


def rows(count, seed=2023):
    rng = random.Random(seed)
    for number in range(1, count + 1):
        yield [
            number,
            f"合成培训基地第{number}号",
            f"synthetic-sheet-base-{number}",
            BATCH,
            PROVINCES[number % len(PROVINCES)],
            HOST_TYPES[number % len(HOST_TYPES)],
            f"某职业技术学院{number % 997}",
            "、".join(sorted(rng.sample(SECTORS, 2))),
        ]


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{OFFICE}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{OFFICE}.worksheet+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{OFFICE}.sharedStrings+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE}">'
        f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    ),
    "xl/workbook.xml": (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}">'
        '<sheets><sheet name="培训载体" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE}">'
        f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{RELATIONSHIPS}/sharedStrings" Target="sharedStrings.xml"/>'
        "</Relationships>"
    ),
}


def write_shared_strings_workbook(path, count):
    """The list as Excel saves it: a dimension first, every text once in the shared strings."""
    strings = {}

    def cell(reference, value):
        if isinstance(value, int):
            return f'<c r="{reference}"><v>{value}</v></c>'
        index = strings.setdefault(value, len(strings))
        return f'<c r="{reference}" t="s"><v>{index}</v></c>'

    last = chr(ord("A") + len(HEADER) - 1)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in PARTS.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(
                f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">'
                f'<dimension ref="A1:{last}{count + 2}"/><sheetData>'.encode()
            )
            for number, row in enumerate([[TITLE], HEADER, *rows(count)], 1):
                cells = "".join(
                    cell(f"{chr(ord('A') + position)}{number}", value) for position, value in enumerate(row)
                )
                sheet.write(f'<row r="{number}">{cells}</row>'.encode())
            merged = f'<mergeCells count="1"><mergeCell ref="A1:{last}1"/></mergeCells>'
            sheet.write(f"</sheetData>{merged}</worksheet>".encode())
        with archive.open("xl/sharedStrings.xml", "w") as shared:
            head = f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}" uniqueCount="{len(strings)}">'
            shared.write(head.encode())
            for text in strings:
                shared.write(f"<si><t>{escape(text)}</t></si>".encode())
            shared.write(b"</sst>")


def write_files(folder, count):
    import openpyxl

    files = {"xlsx, shared strings (as Excel saves it)": folder / "trainingbase-excel.xlsx"}
    write_shared_strings_workbook(files["xlsx, shared strings (as Excel saves it)"], count)
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("培训载体")
    sheet.append([TITLE])
    sheet.append(HEADER)
    for row in rows(count):
        sheet.append(row)
    xlsx = folder / "trainingbase-openpyxl.xlsx"
    workbook.save(xlsx)
    files["xlsx, inline strings (as openpyxl writes it)"] = xlsx
    for label, encoding in (("CSV, GB18030", "gb18030"), ("CSV, UTF-8 with BOM", "utf-8-sig")):
        path = folder / f"trainingbase-{encoding}.csv"
        with path.open("w", encoding=encoding, newline="") as stream:
            writer = csv.writer(stream, lineterminator="\r\n")
            writer.writerow([TITLE] + [""] * (len(HEADER) - 1))
            writer.writerow(HEADER)
            writer.writerows(rows(count))
        files[label] = path
    return files


def read_only(path):
    """In this process: every record of a file read and thrown away; prints time and memory."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skillsite.settings")
    django.setup()
    from events.importing.readers import Source, read

    started = time.perf_counter()
    records = problems = 0
    for record in read(Source(path)):
        records += 1
        problems += len(record.problems)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "peak_kb": peak, "records": records, "problems": problems}))


def run(args, env):
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(
            f"{' '.join(map(str, args))} failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
        )
    return result.stdout


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--read-only", metavar="FILE", help=argparse.SUPPRESS)
    parser.add_argument("--write", metavar="FOLDER", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.read_only:
        read_only(args.read_only)
        return
    if args.write:
        files = write_files(Path(args.write), args.rows)
        print(json.dumps({label: str(path) for label, path in files.items()}))
        return

    python = sys.executable
    with tempfile.TemporaryDirectory(prefix="workbook-bench-") as scratch:
        folder = Path(scratch)
        started = time.perf_counter()
        written = run([python, __file__, "--rows", str(args.rows), "--write", str(folder)], dict(os.environ))
        files = {label: Path(path) for label, path in json.loads(written).items()}
        print(f"Wrote the files in {time.perf_counter() - started:.0f} s.", file=sys.stderr)
        lines = [
            f"{args.rows:,} training bases, {len(HEADER)} columns. Python {platform.python_version()}, "
            f"{os.cpu_count()} cores, SQLite.",
            "",
            "| file | size | reading only: time | reading only: peak RSS | import: time | import: peak RSS |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for label, path in files.items():
            env = {**os.environ, "DEBUG": "false", "SECRET_KEY": "benchmark", "ALLOWED_HOSTS": "localhost"}
            env["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
            reading = json.loads(run([python, __file__, "--read-only", str(path)], env))
            if reading["records"] != args.rows or reading["problems"]:
                raise SystemExit(
                    f"{label}: read {reading['records']} records, {reading['problems']} problems"
                )
            (folder / "bench.sqlite3").unlink(missing_ok=True)
            run([python, "manage.py", "migrate", "--noinput", "-v0"], env)
            run(
                [
                    python,
                    "manage.py",
                    "loaddata",
                    "-v0",
                    *sorted(map(str, (ROOT / "fixtures").glob("*.json"))),
                ],
                env,
            )
            imported = json.loads(run([python, "benchmarks/measure.py", "import_content", str(path)], env))
            if imported["counts"]["events.trainingbase"] < args.rows:
                raise SystemExit(
                    f"{label}: {imported['counts']['events.trainingbase']} bases after the import"
                )
            lines.append(
                f"| {label} | {path.stat().st_size / 2**20:.1f} MiB "
                f"| {reading['seconds']:.1f} s | {reading['peak_kb'] / 1024:.0f} MiB "
                f"| {imported['seconds']:.1f} s | {imported['peak_kb'] / 1024:.0f} MiB |"
            )
            print(lines[-1], file=sys.stderr)
        print("\n".join(lines))


if __name__ == "__main__":
    main()
