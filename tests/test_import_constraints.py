"""Check constraints are judged by the database; the report speaks with each constraint's message."""

import pytest
from django.db.models import CheckConstraint

from events.importing.constraints import message_of
from events.models import KeyFigure, TrainingBaseBatch

from .content_io import import_fails, snapshot, write_json

pytestmark = pytest.mark.django_db

EVENT = "2023-world-skills-museum"
QUALIFIER_RULE = (
    "限定词与其位置不相符：近、约在数字前；多、余在数字或万、亿之后；以上在单位之后；确数不选位置。"
)


def figure(key, **fields):
    return {
        "model": "events.keyfigure",
        "fields": {"event": [EVENT], "key": key, "label": "数字", "value": "3"} | fields,
    }


def milestone(slug, **fields):
    return {
        "model": "events.milestone",
        "fields": {
            "slug": slug,
            "event": [EVENT],
            "title": "节点",
            "description": "内容。",
            "date": "2023-05-01",
        }
        | fields,
    }


@pytest.fixture
def unchanged(seed_content):
    before = snapshot()
    yield
    assert snapshot() == before


@pytest.mark.parametrize(
    ("record", "message"),
    [
        (milestone("ends-early", end_date="2023-04-01"), "结束日期不能早于开始日期。"),
        (figure("negative", value="-1"), "数值不能为负数。"),
        (figure("nearly-after", qualifier="近", qualifier_position="after_unit"), QUALIFIER_RULE),
        (
            figure("no-magnitude", qualifier="多", qualifier_position="after_magnitude", magnitude=""),
            "限定词放在数量级之后时，必须选择万或亿。",
        ),
    ],
    ids=["milestone-end", "figure-value", "figure-qualifier", "figure-magnitude"],
)
def test_a_record_the_database_refuses_is_reported_with_the_constraints_message(
    unchanged, tmp_path, record, message
):
    path = write_json(tmp_path / "checks.json", [record])

    errors = import_fails(path)

    assert f"checks.json 第 1 条记录 {record['model']}" in errors
    assert f"：{message}" in errors


def test_a_violation_carries_every_broken_constraints_own_message(unchanged, tmp_path):
    path = write_json(
        tmp_path / "checks.json",
        [figure("both", qualifier="近", qualifier_position="after_unit", magnitude="", value="-1")],
    )

    errors = import_fails(path)

    assert "数值不能为负数。" in errors
    assert "限定词与其位置不相符" in errors


def test_one_refused_row_in_a_batch_is_named_and_the_rest_are_not(unchanged, tmp_path):
    records = [figure(f"fine-{n}") for n in range(5)]
    records.insert(3, figure("negative", value="-1"))
    path = write_json(tmp_path / "checks.json", records)

    errors = import_fails(path)

    assert (
        "checks.json 第 4 条记录 events.keyfigure「2023-world-skills-museum/negative」：数值不能为负数。"
        in errors
    )
    assert "发现 1 个错误" in errors
    assert not KeyFigure.objects.filter(key__startswith="fine-").exists()


def test_a_record_that_refers_to_a_refused_row_says_so(unchanged, tmp_path):
    award = {"slug": "session-zero", "name": "奖", "session_number": 0, "conferred_on": "2023-05-01"}
    award["conferring_body"] = "人社部"
    path = write_json(
        tmp_path / "checks.json",
        [
            {"model": "events.award", "fields": award},
            {"model": "events.awardrecipient", "fields": {"award": ["session-zero"], "name": "张三"}},
        ],
    )

    errors = import_fails(path)

    assert "checks.json 第 1 条记录 events.award「session-zero」：届次从 1 开始。" in errors
    recipient = "checks.json 第 2 条记录 events.awardrecipient「session-zero/张三」"
    assert f"{recipient} 字段「奖项」：引用的奖项「session-zero」有错误" in errors


def test_a_message_with_a_percent_sign_is_reported_as_written():
    (constraint,) = [c for c in TrainingBaseBatch._meta.constraints if isinstance(c, CheckConstraint)]

    assert message_of(constraint) == "占比不能超过 100%。"
