"""Hostile files: each is refused with the usual report, nothing is written, the process lives.

The files are made here, small on disk but built to cost gigabytes or to crash a parser.
Those that did run the command in a subprocess with its address space limited, so that a
regression fails this test instead of taking the test run (or CI's machine) down with it.
"""

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from events.importing.limits import MAX_PROBLEMS_KEPT
from events.models import StagedImport

from .content_io import import_fails, snapshot, write_json
from .test_import_admin import staff

ROOT = Path(__file__).resolve().parent.parent
# Django and the importer start in well under 200 MB of address space; a hostile file may
# add no more than about 200 MB on top.
MEMORY_LIMIT = 400 * 1024 * 1024


def run_import_command(tmp_path, path):
    """import_content --dry-run in a process of its own, its memory limited; (status, stderr)."""

    def limit_memory():
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))

    # The file is refused while it is read, before any query: an empty database will do.
    environment = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}"}
    result = subprocess.run(
        [sys.executable, "manage.py", "import_content", "--dry-run", str(path)],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        preexec_fn=limit_memory,
        timeout=120,
        check=False,
    )
    return result.returncode, result.stderr


def assert_refused_cleanly(status, stderr, *phrases):
    assert status == 1, (status, stderr[-2000:])  # not -11 (segfault) nor -9 (killed)
    assert "Traceback" not in stderr and "MemoryError" not in stderr, stderr[-2000:]
    assert "数据库未做任何修改" in stderr
    for phrase in phrases:
        assert phrase in stderr, stderr[-2000:]


def category(name):
    return '{"model": "events.category", "fields": {"slug": "nested", "name": ' + name + "}}"


# -- files that cost gigabytes or a crash ------------------------------------------------------


def test_json_nested_fifty_thousand_deep_is_refused_in_bounded_memory(tmp_path):
    path = tmp_path / "nested.json"
    path.write_text("[" + category("[" * 50_000 + "]" * 50_000) + "]")

    status, stderr = run_import_command(tmp_path, path)

    assert_refused_cleanly(status, stderr, "nested.json 第 1 条记录", "嵌套超过 32 层")


def test_yaml_billion_laughs_is_refused_in_bounded_memory(tmp_path):
    lines = [
        "- model: events.category",
        "  fields:",
        "    a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]",
    ]
    lines += [f"    a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 10)]
    lines += ["    slug: *a9", "    name: laughs"]
    path = tmp_path / "laughs.yaml"
    path.write_text("\n".join(lines) + "\n")
    assert path.stat().st_size < 1000

    status, stderr = run_import_command(tmp_path, path)

    assert_refused_cleanly(status, stderr, "laughs.yaml 第 1 条记录", "YAML 别名也计算在内")


@pytest.mark.parametrize(
    "number",
    ["1" * 5000, "-" + "9" * 4301, "1." + "5" * 5000, "1e" + "9" * 5000, "2e99999"],
    ids=["digits", "negative", "fraction", "exponent-digits", "exponent"],
)
def test_a_json_number_of_thousands_of_digits_is_refused_not_a_crash(tmp_path, number):
    path = tmp_path / "number.json"
    path.write_text('[{"model": "events.edition", "fields": {"year": ' + number + "}}]")

    status, stderr = run_import_command(tmp_path, path)

    assert_refused_cleanly(status, stderr, "number.json 第 1 条记录", "数字超过 40 个字符")


def test_a_yaml_number_of_thousands_of_digits_is_refused(tmp_path):
    path = tmp_path / "number.yaml"
    path.write_text("- model: events.edition\n  fields: {year: %s}\n" % ("7" * 5000))

    status, stderr = run_import_command(tmp_path, path)

    assert_refused_cleanly(status, stderr, "number.yaml 第 1 条记录", "数字超过 40 个字符")


def test_yaml_nested_twenty_thousand_deep_is_refused(tmp_path):
    path = tmp_path / "nested.yaml"
    path.write_text(
        "- model: events.category\n  fields: {slug: a, name: %s}\n" % ("[" * 20_000 + "]" * 20_000)
    )

    status, stderr = run_import_command(tmp_path, path)

    assert_refused_cleanly(status, stderr, "nested.yaml 第 1 条记录", "嵌套超过 32 层")


# -- values of the wrong shape: reported with their field, nothing written ------------------


@pytest.fixture
def unchanged(seed_content):
    before = snapshot()
    yield
    assert snapshot() == before


MILESTONE = {
    "slug": "2024-new-milestone",
    "event": ["2023-world-skills-museum"],
    "title": "新节点",
    "description": "内容。",
    "date": "2024-01-01",
}


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"date": 20240101}, "日期", "这里应为日期"),
        ({"date": [2024, 1, 1]}, "日期", "这里应为单个值"),
        ({"title": {"zh": "标题"}}, "标题", "这里应为单个值"),
        ({"title": "新\u0000节点"}, "标题", "不能包含空字符"),
        ({"date": True}, "日期", "这里应为日期"),
    ],
    ids=["int-for-date", "list-for-date", "object-for-text", "nul", "bool-for-date"],
)
def test_a_json_value_of_the_wrong_shape_is_reported_with_its_field(
    unchanged, tmp_path, fields, field, message
):
    path = write_json(tmp_path / "shapes.json", [{"model": "events.milestone", "fields": MILESTONE | fields}])

    errors = import_fails(path)

    assert (
        f"shapes.json 第 1 条记录 events.milestone「2024-new-milestone」 字段「{field}」：{message}" in errors
    )


@pytest.mark.parametrize("value", [".inf", "-.inf", ".nan"])
def test_an_infinite_year_in_yaml_is_reported_not_a_crash(unchanged, tmp_path, value):
    path = tmp_path / "infinite.yaml"
    path.write_text(f"- model: events.edition\n  fields: {{year: {value}, title: 无穷}}\n", encoding="utf-8")

    errors = import_fails(path)

    assert "infinite.yaml 第 1 条记录 第 1 行 events.edition" in errors
    assert "字段「年份」：数值不能是无穷大或 NaN" in errors


def test_a_nul_byte_in_a_csv_cell_is_reported_with_its_line(unchanged, tmp_path):
    path = tmp_path / "category.csv"
    path.write_text("slug,name\r\nnew-category,新\x00类别\r\n", encoding="utf-8")

    errors = import_fails(path)

    assert "category.csv 第 2 行 events.category「new-category」 字段「名称」：不能包含空字符" in errors


def test_a_structure_nested_thousands_deep_in_a_csv_cell_is_reported(unchanged, tmp_path):
    path = tmp_path / "trainingbasebatch.csv"
    nested = "[" * 30_000 + "]" * 30_000
    path.write_text(
        f'slug,kind,year,name,announced_total,main_host_types\r\nnew-batch,national-high-skill-training-base,2024,新批次,10,"{nested}"\r\n',
        encoding="utf-8",
    )

    errors = import_fails(path)

    assert (
        "trainingbasebatch.csv 第 2 行 events.trainingbasebatch「new-batch」 "
        "字段「主要依托类型」：嵌套超过 32 层" in errors
    )


def test_a_list_inside_a_json_field_is_reported_not_a_crash(unchanged, tmp_path):
    path = tmp_path / "trainingbasebatch.csv"
    path.write_text(
        'slug,kind,year,name,announced_total,main_host_types\r\nnew-batch,national-high-skill-training-base,2024,新批次,10,"[[""a""]]"\r\n',
        encoding="utf-8",
    )

    errors = import_fails(path)

    assert "trainingbasebatch.csv 第 2 行 events.trainingbasebatch「new-batch」" in errors
    assert "Traceback" not in errors


def test_a_text_value_over_half_a_megabyte_is_refused(unchanged, tmp_path):
    path = tmp_path / "long.json"
    path.write_text("[" + category(json.dumps("长" * 200_000)) + "]", encoding="utf-8")

    errors = import_fails(path)

    assert "long.json 第 1 条记录：文件超出导入限制：文本值超过 512 KB" in errors


def test_a_csv_row_over_a_megabyte_is_refused(unchanged, tmp_path):
    path = tmp_path / "category.csv"
    path.write_text("slug,name\r\nnew-category," + ",".join(["x" * 1000] * 1100) + "\r\n", encoding="utf-8")

    errors = import_fails(path)

    assert "category.csv 第 2 行：文件超出导入限制：一条记录超过 1024 KB" in errors


def test_a_file_of_more_errors_than_are_listed_still_counts_them_all(unchanged, tmp_path):
    count = MAX_PROBLEMS_KEPT + 234
    path = write_json(tmp_path / "many.json", [{"model": "events.nothing", "fields": {}}] * count)

    errors = import_fails(path)

    assert "另有 234 个错误未列出" in errors
    assert f"发现 {count} 个错误，数据库未做任何修改" in errors
    assert errors.count("未知的内容类型") == MAX_PROBLEMS_KEPT


# -- the admin: a report, never a 500, and no staged upload left behind ----------------------
# (Files that cost memory or crash the parser are tested through the command above, in a
# process of their own: the admin reads them with the same readers.)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("date.json", json.dumps([{"model": "events.milestone", "fields": MILESTONE | {"date": 20240101}}])),
        ("year.yaml", "- model: events.edition\n  fields: {year: .inf, title: 无穷}\n"),
        ("category.csv", "slug,name\r\nnew-category,新\x00类别\r\n"),
    ],
    ids=["int-for-date", "infinite-year", "nul-in-csv"],
)
def test_a_hostile_upload_gets_a_report_and_leaves_no_staged_file(
    client, seed_content, settings, tmp_path, name, content
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(staff())

    response = client.post("/admin/import/", {"file": SimpleUploadedFile(name, content.encode("utf-8"))})

    assert response.status_code == 200
    assert "未导入任何数据" in response.content.decode()
    assert not StagedImport.objects.exists()
    assert not list(tmp_path.glob("staged-imports/*"))


def test_a_list_of_thousands_of_references_is_one_error_not_thousands(unchanged, tmp_path):
    path = write_json(
        tmp_path / "regions.json",
        [{"model": "events.milestone", "fields": MILESTONE | {"regions": ["火星"] * 5000}}],
    )

    errors = import_fails(path)

    assert "字段「地区」：一个字段最多引用 1000 项。" in errors
    assert "火星" not in errors
