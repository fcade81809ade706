"""Bad input: each gives a clear error with its place, and the database stays as it was."""

import json

import pytest

from events.models import Category

from .content_io import import_fails, snapshot, write_json

pytestmark = pytest.mark.django_db

GOOD_CATEGORY = {"model": "events.category", "fields": {"slug": "new-category", "name": "新类别"}}


def event(**fields):
    return {
        "model": "events.event",
        "fields": {
            "slug": "2024-new-event",
            "year": 2024,
            "rank": 1,
            "title": "新的大事",
            "short_title": "新大事",
            "summary": "摘要。",
            "body": "正文。",
            "category": ["regulation"],
        }
        | fields,
    }


def milestone(**fields):
    return {
        "model": "events.milestone",
        "fields": {
            "slug": "2024-new-milestone",
            "event": ["2023-world-skills-museum"],
            "title": "新节点",
            "description": "内容。",
            "date": "2024-01-01",
        }
        | fields,
    }


@pytest.fixture
def unchanged(seed_content):
    """Asserts after the test that the import changed nothing."""
    before = snapshot()
    yield
    assert snapshot() == before
    assert not Category.objects.filter(slug="new-category").exists()


def test_invalid_json(unchanged, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text(json.dumps([GOOD_CATEGORY, event()])[:-30], encoding="utf-8")

    errors = import_fails(path)

    assert "broken.json 第 2 条记录：JSON 格式错误（在第 1 条记录之后）" in errors
    assert "Invalid JSON after record 1" in errors


def test_json_that_is_not_a_list_of_records(unchanged, tmp_path):
    path = write_json(tmp_path / "object.json", {"model": "events.category"})

    assert "JSON 文件应是一个记录数组" in import_fails(path)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("categories.json", json.dumps([GOOD_CATEGORY], ensure_ascii=False)),
        ("categories.yaml", "- model: events.category\n  fields: {slug: new-category, name: 新类别}\n"),
    ],
)
def test_a_fixture_in_the_wrong_encoding(unchanged, tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content.encode("gbk"))

    errors = import_fails(path)

    assert f"{name}" in errors
    assert "文件不是 UTF-8 编码（可能是 GBK 或 UTF-16）" in errors
    assert "The file is not UTF-8" in errors


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("categories.json", json.dumps([GOOD_CATEGORY], ensure_ascii=False)),
        ("categories.yaml", "- model: events.category\n  fields: {slug: new-category, name: 新类别}\n"),
    ],
)
def test_a_fixture_in_the_wrong_encoding_is_not_told_about_spreadsheets(unchanged, tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content.encode("gbk"))

    errors = import_fails(path)

    assert "须用 UTF-8 保存" in errors
    assert "CSV" not in errors


def test_an_over_long_value_is_reported_with_its_limit(unchanged, tmp_path):
    path = write_json(tmp_path / "long.json", [event(title="长" * 300)])

    errors = import_fails(path)

    assert "字段「标题」：确保该变量包含不超过 200 字符 (目前字符数 300)。" in errors
    assert "Ensure this value has at most 200 characters (it has 300)." in errors


def test_a_yaml_syntax_error_names_the_record_that_has_it(unchanged, tmp_path):
    path = tmp_path / "categories.yaml"
    path.write_text(
        "- model: events.category\n  fields: {slug: new-category, name: 新类别}\n"
        "- model: events.category\n  fields: {slug: [, name: 坏}\n"
        "- model: events.category\n  fields: {slug: third, name: 第三}\n",
        encoding="utf-8",
    )

    errors = import_fails(path)

    assert "categories.yaml 第 2 条记录 第 4 行：YAML 格式错误" in errors


def test_an_unknown_model(unchanged, tmp_path):
    path = write_json(tmp_path / "x.json", [GOOD_CATEGORY, {"model": "events.spaceship", "fields": {}}])

    errors = import_fails(path)

    assert "x.json 第 2 条记录：未知的内容类型「events.spaceship」" in errors
    assert "Unknown model 'events.spaceship'" in errors


def test_an_unknown_field(unchanged, tmp_path):
    path = write_json(tmp_path / "x.json", [GOOD_CATEGORY, event(colour="red")])

    errors = import_fails(path)

    assert "x.json 第 2 条记录 events.event「2024-new-event」 字段「colour」：未知字段「colour」" in errors


def test_a_missing_required_field(unchanged, tmp_path):
    record = event()
    del record["fields"]["title"]
    path = write_json(tmp_path / "x.json", [GOOD_CATEGORY, record])

    errors = import_fails(path)

    assert "第 2 条记录 events.event「2024-new-event」 字段「标题」：此字段不能为空。" in errors
    assert "This field cannot be blank." in errors


def test_a_record_without_its_natural_key(unchanged, tmp_path):
    province = {"model": "events.province", "fields": {"name": "新省", "short_name": "新", "slug": "xin"}}
    path = write_json(tmp_path / "x.json", [GOOD_CATEGORY, province])

    assert "缺少自然键字段「code」" in import_fails(path)


def test_a_record_without_a_slug_or_the_title_to_make_one_from(unchanged, tmp_path):
    record = event()
    del record["fields"]["slug"]
    del record["fields"]["title"]
    path = write_json(tmp_path / "x.json", [GOOD_CATEGORY, record])

    assert "缺少网址名「slug」，也缺少用来生成网址名的「标题」" in import_fails(path)


@pytest.mark.parametrize(
    ("name", "content", "place"),
    [
        (
            "milestones.json",
            json.dumps([GOOD_CATEGORY, milestone(date="2023-02-30")]),
            "milestones.json 第 2 条记录",
        ),
        (
            "milestones.yaml",
            "- model: events.category\n  fields: {slug: new-category, name: 新类别}\n"
            "- model: events.milestone\n  fields:\n    slug: 2024-new-milestone\n"
            "    event: [2023-world-skills-museum]\n    title: 新节点\n    description: 内容。\n"
            "    date: 2023-02-30\n",
            "milestones.yaml 第 2 条记录 第 3 行",
        ),
        (
            "milestone.csv",
            "slug,event,title,description,date\n"
            "2024-a,2023-world-skills-museum,节点,内容。,2023-03-01\n"
            "2024-new-milestone,2023-world-skills-museum,新节点,内容。,2023-02-30\n",
            "milestone.csv 第 3 行",
        ),
    ],
)
def test_a_date_that_does_not_exist(unchanged, tmp_path, name, content, place):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")

    errors = import_fails(path)

    assert f"{place} events.milestone「2024-new-milestone」 字段「日期」：" in errors
    assert "2023-02-30" in errors
    assert "invalid date" in errors


def test_negative_counts_and_values(unchanged, tmp_path):
    award = {
        "model": "events.award",
        "fields": {
            "slug": "x-award",
            "name": "某奖",
            "conferred_on": "2024-01-01",
            "conferring_body": "某部",
            "recipient_count": -5,
        },
    }
    figure = {
        "model": "events.keyfigure",
        "fields": {"event": "2023-world-skills-museum", "key": "k", "label": "某数", "value": "-3"},
    }
    path = write_json(tmp_path / "x.json", [GOOD_CATEGORY, award, figure])

    errors = import_fails(path)

    assert "第 2 条记录 events.award「x-award」 字段「获奖人数」：确保该值大于或等于0。" in errors
    assert "Ensure this value is greater than or equal to 0." in errors
    assert "第 3 条记录 events.keyfigure「2023-world-skills-museum/k」：数值不能为负数。" in errors


def test_an_unknown_province(unchanged, tmp_path):
    path = tmp_path / "trainingbase.csv"
    path.write_text(
        "slug,name,batch,province\n"
        "ok-base,某学院,2023-national-high-skill-training-bases,北京\n"
        "mars-base,火星学院,2023-national-high-skill-training-bases,火星\n",
        encoding="utf-8",
    )

    errors = import_fails(path)

    assert "trainingbase.csv 第 3 行 events.trainingbase「mars-base」 字段「所在地区」" in errors
    assert "引用的省级行政区「火星」不存在：数据库和导入文件中都没有。" in errors
    assert "（province: The referenced events.province '火星' exists neither" in errors
    assert "1 个错误" in errors


def test_a_natural_key_twice_in_one_file(unchanged, tmp_path):
    path = write_json(tmp_path / "x.json", [GOOD_CATEGORY, event(), event(title="另一个标题")])

    errors = import_fails(path)

    assert (
        f"x.json 第 3 条记录 events.event「2024-new-event」：自然键重复：与 {path} 第 2 条记录 相同" in errors
    )


def test_a_reference_to_a_missing_event(unchanged, tmp_path):
    path = write_json(tmp_path / "x.json", [GOOD_CATEGORY, milestone(event=["no-such-event"])])

    errors = import_fails(path)

    assert "第 2 条记录 events.milestone「2024-new-milestone」 字段「所属大事」：" in errors
    assert "引用的大事「no-such-event」不存在" in errors


def test_a_reference_to_a_record_that_has_errors_says_so(unchanged, tmp_path):
    path = write_json(tmp_path / "x.json", [event(rank=0), milestone(event=["2024-new-event"])])

    errors = import_fails(path)

    assert "第 1 条记录 events.event「2024-new-event」" in errors
    assert f"引用的大事「2024-new-event」有错误（{path} 第 1 条记录）" in errors


def test_a_unique_rule_broken_against_the_database_and_within_the_file(unchanged, tmp_path):
    path = write_json(
        tmp_path / "x.json",
        [
            event(year=2023, rank=7),
            {"model": "events.category", "fields": {"slug": "a", "name": "同名"}},
            {"model": "events.category", "fields": {"slug": "b", "name": "同名"}},
        ],
    )

    errors = import_fails(path)

    assert "这一年已有相同序号的大事。（数据库中已有另一条记录）" in errors
    assert "第 3 条记录 events.category「b」 字段「名称」" in errors
    assert f"与 {path} 第 2 条记录 冲突" in errors


def test_a_csv_with_a_missing_column(unchanged, tmp_path):
    path = tmp_path / "events.csv"
    path.write_text("slug,year,rank,title,summary,body\n2024-x,2024,1,标题,摘要,正文\n", encoding="utf-8")

    errors = import_fails(path)

    assert "events.csv 第 1 行 events.event：缺少必需的列：short_title, category。" in errors
    assert "Required columns missing: short_title, category." in errors


def test_a_csv_row_with_too_many_cells_and_an_unknown_column(unchanged, tmp_path):
    ragged = tmp_path / "category.csv"
    ragged.write_text("slug,name\nnew-category,新类别,多余\n", encoding="utf-8")
    unknown = tmp_path / "category-2.csv"
    unknown.write_text("slug,name,colour\nnew-category,新类别,red\n", encoding="utf-8")

    assert "category.csv 第 2 行 events.category：这一行有 3 列，表头有 2 列。" in import_fails(ragged)
    assert "未知的列「colour」" in import_fails(unknown)


def test_every_error_is_reported_not_only_the_first(unchanged, tmp_path):
    path = write_json(
        tmp_path / "x.json",
        [
            GOOD_CATEGORY,
            event(rank=0, colour="red"),
            milestone(slug="m1", date="2023-02-30"),
            milestone(slug="m2", event="nowhere"),
            {"model": "events.nope", "fields": {}},
        ],
    )

    errors = import_fails(path)

    assert "发现 5 个错误，数据库未做任何修改。" in errors
    assert "确保该值大于或等于1。" in errors
    assert "未知字段「colour」" in errors
    assert "invalid date" in errors
    assert "「nowhere」不存在" in errors
    assert "events.nope" in errors


def test_a_50_mb_file_is_streamed_and_a_late_error_still_changes_nothing(unchanged, tmp_path):
    path = tmp_path / "large.json"
    description = "职业技能培训。" * 700  # about 15 KB of UTF-8 per record
    with path.open("w", encoding="utf-8") as stream:
        stream.write("[")
        for number in range(3600):
            record = {"model": "events.category", "fields": {"slug": f"c{number}", "name": f"类{number}"}}
            record["fields"]["description"] = description
            stream.write(json.dumps(record, ensure_ascii=False) + ",\n")
        stream.write('{"model": "events.category", "fields": {"slug": "last", "name": ')
    assert path.stat().st_size > 50 * 1024 * 1024

    errors = import_fails(path)

    assert "large.json 第 3601 条记录：JSON 格式错误（在第 3600 条记录之后）" in errors
    assert not Category.objects.filter(slug="c1").exists()


def test_an_unsupported_file_type(unchanged, tmp_path):
    path = tmp_path / "events.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")

    errors = import_fails(path)

    assert "不支持的文件类型" in errors
    assert "另存为 .xlsx" in errors


def test_an_image_that_is_not_in_media_storage(unchanged, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    path = write_json(
        tmp_path / "x.json",
        [
            GOOD_CATEGORY,
            event(image="events/2024/missing.jpg", image_alt="会场"),
            event(slug="b", rank=2, image="../x"),
        ],
    )

    errors = import_fails(path)

    missing = "文件「events/2024/missing.jpg」不在媒体存储中"
    assert f"第 2 条记录 events.event「2024-new-event」 字段「图片」：{missing}" in errors
    assert "第 3 条记录 events.event「b」 字段「图片」：文件「../x」不在媒体存储中" in errors
    assert "第 3 条记录 events.event「b」 字段「图片替代文字」：上传图片时必须填写替代文字" in errors


def test_a_value_that_is_no_choice_is_answered_with_the_choices_and_the_nearest(unchanged, tmp_path):
    path = tmp_path / "trainingbase.csv"
    path.write_text(
        "slug,name,batch,host_type\nnew-base,某学院,2023-national-high-skill-training-bases,学校\n",
        encoding="utf-8",
    )

    errors = import_fails(path)

    assert "字段「依托单位类型」：「学校」不是可选的值。是不是「院校」？" in errors
    assert "可选：院校（institution）、培训机构（training_org）、企业（enterprise）。" in errors


def test_a_missing_reference_in_a_short_list_names_the_nearest_rows(unchanged, tmp_path):
    path = tmp_path / "trainingbase.csv"
    path.write_text(
        "slug,name,batch,province,sectors\n"
        "new-base,某学院,2023-national-high-skill-training-bases,四州省,数控加功\n",
        encoding="utf-8",
    )

    errors = import_fails(path)

    (province,) = [line for line in errors.splitlines() if "「四州省」不存在" in line]
    assert "最接近的：" in province and "四川省" in province.split("最接近的：")[1]
    assert "引用的领域「数控加功」不存在：数据库和导入文件中都没有。最接近的：数控加工" in errors
