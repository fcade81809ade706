"""import_content: the seed and CSV lists go in once, by natural key, in one transaction."""

import datetime
import io

import pytest
from django.core.management import CommandError

from events.importing import importer as importer_module
from events.importing import readers
from events.models import Event, KeyFigure, Milestone, Province, Sector, TrainingBase, TrainingBaseBatch

from .conftest import FIXTURE_FILES
from .content_io import delete_all_content, import_content, import_fails, snapshot, write_json
from .factories import make_event

pytestmark = pytest.mark.django_db


def summary_line(stdout, label):
    """(created, updated, unchanged) from the summary table's line for a model."""
    line = next(line for line in stdout.splitlines() if line.startswith(label + " "))
    return tuple(int(number) for number in line.split()[1:])


def test_the_seed_imports_into_an_empty_database_as_loaddata_loads_it(seed_content):
    loaded = snapshot()

    delete_all_content()
    stdout, _ = import_content(*FIXTURE_FILES)

    assert snapshot() == loaded
    assert summary_line(stdout, "events.event") == (10, 0, 0)
    assert summary_line(stdout, "events.milestone") == (29, 0, 0)
    assert "导入完成" in stdout


def test_importing_the_same_files_twice_creates_nothing_the_second_time(db):
    import_content(*FIXTURE_FILES)
    before = snapshot()

    stdout, _ = import_content(*FIXTURE_FILES)

    assert snapshot() == before
    assert summary_line(stdout, "events.province") == (0, 0, 35)
    assert summary_line(stdout, "events.keyfigure") == (0, 0, 33)
    assert "合计" in stdout


def test_a_changed_field_updates_the_row_and_only_that_row(seed_content, tmp_path):
    museum, standards = Event.objects.get(rank=7), Event.objects.get(rank=8)
    stamp = museum.updated_at
    changed = write_json(
        tmp_path / "events.json",
        [
            {"model": "events.event", "fields": {"slug": museum.slug, "short_title": "世界技能博物馆开馆了"}},
            {"model": "events.event", "fields": {"slug": standards.slug, "rank": 8}},
        ],
    )

    stdout, _ = import_content(changed)

    museum.refresh_from_db()
    assert museum.short_title == "世界技能博物馆开馆了"
    assert museum.updated_at > stamp
    assert summary_line(stdout, "events.event") == (0, 1, 1)


def test_a_changed_region_list_is_an_update(seed_content, tmp_path):
    event = Event.objects.get(rank=2)
    path = write_json(
        tmp_path / "events.json",
        [
            {
                "model": "events.event",
                "fields": {"slug": event.slug, "regions": ["北京", "天津市", ["410000"]]},
            }
        ],
    )

    stdout, _ = import_content(path)

    assert sorted(event.regions.values_list("code", flat=True)) == ["110000", "120000", "410000"]
    assert summary_line(stdout, "events.event") == (0, 1, 0)


def test_dry_run_reports_the_changes_and_writes_nothing(db):
    stdout, _ = import_content(*FIXTURE_FILES, dry_run=True)

    assert summary_line(stdout, "events.event") == (10, 0, 0)
    assert "试运行" in stdout
    assert Event.objects.count() == 0
    assert Province.objects.count() == 0


def test_a_record_may_refer_to_a_row_defined_later_in_the_file(seed_content, tmp_path):
    path = write_json(
        tmp_path / "later.json",
        [
            {
                "model": "events.milestone",
                "fields": {
                    "slug": "2024-later-milestone",
                    "event": ["2024-later-event"],
                    "title": "后定义的大事的节点",
                    "description": "内容。",
                    "date": "2024-03-15",
                    "precision": "month",
                },
            },
            {"model": "events.sector", "fields": {"slug": "child", "name": "子领域", "parent": "parent"}},
            {"model": "events.sector", "fields": {"slug": "parent", "name": "父领域"}},
            {
                "model": "events.event",
                "fields": {
                    "slug": "2024-later-event",
                    "year": 2024,
                    "rank": 1,
                    "title": "二〇二四年第一件大事",
                    "short_title": "第一件",
                    "summary": "摘要。",
                    "body": "正文。",
                    "category": "regulation",
                },
            },
        ],
    )

    import_content(path)

    milestone = Milestone.objects.get(slug="2024-later-milestone")
    assert milestone.event.slug == "2024-later-event"
    assert milestone.date == datetime.date(2024, 3, 1)  # month precision keeps the month only
    assert Sector.objects.get(slug="child").parent.slug == "parent"


def test_a_csv_list_of_bases_names_provinces_and_sectors_as_people_write_them(seed_content, tmp_path):
    path = tmp_path / "training_bases-2023.csv"
    path.write_bytes(
        "\ufeffslug,name,batch,province,host_type,sectors,status\r\n"
        "tianjin-base,天津市某技师学院,2023-national-high-skill-training-bases,天津,院校,cnc-machining;elderly-care,已发布\r\n"
        "hebei-base,河北某培训中心,2023-national-high-skill-training-bases,130000,training_org,,draft\r\n".encode()
    )

    stdout, _ = import_content(path)

    tianjin = TrainingBase.objects.get(slug="tianjin-base")
    assert tianjin.province.name == "天津市"
    assert tianjin.host_type == "institution"
    assert tianjin.status == "published"
    assert sorted(tianjin.sectors.values_list("slug", flat=True)) == ["cnc-machining", "elderly-care"]
    assert TrainingBase.objects.get(slug="hebei-base").province.code == "130000"
    assert summary_line(stdout, "events.trainingbase") == (2, 0, 0)


def test_a_csv_may_name_its_references_by_their_chinese_names(seed_content, tmp_path):
    path = tmp_path / "training_bases-sichuan.csv"
    path.write_bytes(
        "名称,网址名,批次,所在地区,领域\r\n"
        "四川某技师学院,sichuan-base,第一批国家级高技能人才培训基地,四川省,数控加工;养老护理\r\n".encode()
    )
    batch = TrainingBaseBatch.objects.get(slug="2023-national-high-skill-training-bases")
    path.write_bytes(
        path.read_bytes().replace("第一批国家级高技能人才培训基地".encode(), batch.name.encode())
    )

    import_content(path)

    base = TrainingBase.objects.get(slug="sichuan-base")
    assert (base.province.code, base.batch) == ("510000", batch)
    assert sorted(base.sectors.values_list("name", flat=True)) == ["养老护理", "数控加工"]


def test_a_csv_without_bom_and_with_chinese_headers_is_read_too(seed_content, tmp_path):
    event = Event.objects.get(rank=2)
    path = tmp_path / "figures.csv"
    path.write_text(
        f"所属大事,标识,说明,数值,数量级,单位,限定词,限定词位置\n{event.slug},viewers-2,观赛,12,万,人次,近,数字之前（近12万）\n"
    )

    import_content(path, csv_model="keyfigure")

    figure = KeyFigure.objects.get(event=event, key="viewers-2")
    assert figure.text == "近12万人次"


def test_yaml_fixtures_are_read_record_by_record(db, tmp_path):
    path = tmp_path / "provinces.yaml"
    path.write_text(
        "- model: events.province\n"
        "  fields: {code: '110000', name: 北京市, short_name: 北京, slug: beijing, kind: municipality}\n"
        "- model: events.province\n"
        "  fields:\n"
        "    code: '120000'\n    name: 天津市\n    short_name: 天津\n    slug: tianjin\n    kind: 直辖市\n",
        encoding="utf-8",
    )

    import_content(path)

    assert list(Province.objects.values_list("name", "kind")) == [
        ("北京市", "municipality"),
        ("天津市", "municipality"),
    ]


def test_three_hundred_records_take_a_handful_of_queries(
    seed_content, tmp_path, django_assert_max_num_queries
):
    def events(count, first):
        return [
            {
                "model": "events.event",
                "fields": {
                    "slug": f"bulk-{first + n}",
                    "year": 2030,
                    "rank": first + n,
                    "title": "批量",
                    "short_title": "批量",
                    "summary": "摘要。",
                    "body": "正文。",
                    "category": "regulation",
                    "regions": ["北京"],
                },
            }
            for n in range(count)
        ]

    path = write_json(tmp_path / "events.json", events(300, 1))

    # Resolving, fetching, checking and writing are per batch, never per record; so is keeping
    # the import in the items' history (a revision of each, written in bulk).
    with django_assert_max_num_queries(30):
        import_content(path)
    assert Event.objects.filter(year=2030, regions__code="110000").count() == 300


def test_a_crash_half_way_leaves_the_database_as_it_was(seed_content, tmp_path, monkeypatch):
    before = snapshot()
    path = write_json(
        tmp_path / "events.json",
        [{"model": "events.category", "fields": {"slug": f"c{n}", "name": f"类别{n}"}} for n in range(30)],
    )
    original = importer_module.Importer.link
    calls = []

    def crash_on_third_batch(self, spec, *args):
        calls.append(spec.label)
        if len(calls) == 3:
            raise RuntimeError("disk on fire")
        return original(self, spec, *args)

    monkeypatch.setattr(importer_module.Importer, "link", crash_on_third_batch)

    with pytest.raises(RuntimeError):
        import_content(path, batch_size=5)

    assert snapshot() == before


def test_a_database_error_half_way_is_reported_and_rolls_back(seed_content, tmp_path, monkeypatch):
    from django.db import IntegrityError

    before = snapshot()
    path = write_json(
        tmp_path / "categories.json",
        [{"model": "events.category", "fields": {"slug": f"c{n}", "name": f"类别{n}"}} for n in range(30)],
    )
    original = importer_module.Importer.link
    calls = []

    def fail_on_third_batch(self, spec, *args):
        calls.append(spec.label)
        if len(calls) == 3:
            raise IntegrityError("duplicate key value violates unique constraint")
        return original(self, spec, *args)

    monkeypatch.setattr(importer_module.Importer, "link", fail_on_third_batch)

    errors = import_fails(path, batch_size=5)

    assert "数据库拒绝写入这一批 5 条记录" in errors
    assert "数据库未做任何修改" in errors
    assert snapshot() == before


def test_ctrl_c_stops_the_import_and_changes_nothing(seed_content, tmp_path, monkeypatch):
    before = snapshot()
    path = write_json(
        tmp_path / "categories.json",
        [{"model": "events.category", "fields": {"slug": f"c{n}", "name": f"类别{n}"}} for n in range(30)],
    )
    original = readers.read_json

    def interrupted(source, stream):
        for number, record in enumerate(original(source, stream), 1):
            if number == 20:
                raise KeyboardInterrupt
            yield record

    monkeypatch.setattr(readers, "read_json", interrupted)

    with pytest.raises(CommandError) as failure:
        import_content(path, batch_size=5)

    assert failure.value.returncode == 130
    assert "中断" in str(failure.value)
    assert snapshot() == before


def test_progress_is_shown_on_a_terminal_and_quiet_otherwise(db, tmp_path, monkeypatch):
    path = write_json(
        tmp_path / "categories.json",
        [{"model": "events.category", "fields": {"slug": f"c{n}", "name": f"类别{n}"}} for n in range(1200)],
    )

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    quiet = io.StringIO()
    monkeypatch.setattr("sys.stderr", quiet)
    import_content(path)
    assert quiet.getvalue() == ""

    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    import_content(path)
    assert "导入中" in terminal.getvalue()
    assert "100%" in terminal.getvalue()
    assert "1,200 条" in terminal.getvalue()


def test_drafts_stay_drafts_and_unknown_files_are_refused(db, tmp_path):
    make_event(slug="draft-event", status="draft")
    missing = tmp_path / "missing.json"

    with pytest.raises(CommandError, match="找不到文件"):
        import_content(missing)
    assert Event.objects.get(slug="draft-event").status == "draft"


def test_bad_options_are_clear_errors(db, tmp_path):
    path = write_json(tmp_path / "x.json", [])

    with pytest.raises(CommandError, match="未知的内容类型「spaceship」"):
        import_content(path, csv_model="spaceship")
    with pytest.raises(CommandError, match="--batch-size 至少为 1"):
        import_content(path, batch_size=0)


def test_an_empty_file_imports_nothing(db, tmp_path):
    stdout, _ = import_content(write_json(tmp_path / "empty.json", []))

    assert "读取 1 个文件、0 条记录。" in stdout
    assert "导入完成" in stdout
