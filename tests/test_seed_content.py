"""The shipped fixtures hold the whole 2023 article as structured data."""

import datetime

import pytest
from django.core import serializers
from django.core.management import call_command
from django.db import transaction

from events.models import (
    Award,
    Category,
    Event,
    KeyFigure,
    Milestone,
    Province,
    SourceArticle,
    TrainingBase,
    TrainingBaseBatch,
)

from .conftest import FIXTURE_FILES
from .factories import make_category, make_event

TITLES_2023 = [
    "深入贯彻落实习近平总书记重要指示批示精神,扎实开展职业技能培训和评价专项整治,规范职业技能培训和评价管理工作",
    "成功举办中华人民共和国第二届职业技能大赛,李强总理对做好技能人才工作作出重要批示,“赛展演会”实现创新发展",
    "高技能人才座谈会、第十六届高技能人才表彰大会在京召开,一批爱党报国、敬业奉献、服务人民的优秀高技能人才受到表彰",
    "工学一体化技能人才培养模式深入推进,骨干技工院校校长高级研修活动在京举行,技工教育朝着高质量特色发展大步迈进",
    "纵深推进技能中国行动,深化部省共建,技能强国和技能型社会建设再添新成果,技能人才区域发展更加协调、人才优势更加突显",
    "持续加强高技能人才培训基地、技能大师工作室、技能根基工程培训基地等培训载体建设,举办国家级技能大师工作室带头人研修交流活动",
    "世界技能博物馆开馆",
    "颁布2023年版国家职业标准编制技术规程,职业标准编制工作更加规范有序高效",
    "“新八级工”制度落地生根,特级技师、首席技师持续涌现,技能人才发展通道更加畅通",
    "展示技能魅力,培育技能文化,技能成才、技能报国成为时代新风",
]

CONTENT_MODELS = [
    Province,
    Category,
    SourceArticle,
    Event,
    Milestone,
    KeyFigure,
    Award,
    TrainingBaseBatch,
    TrainingBase,
]


def snapshot():
    """Every content row by natural key, without the timestamps a reload may refresh."""
    rows = {}
    for model in CONTENT_MODELS:
        data = serializers.serialize(
            "python", model.objects.all(), use_natural_foreign_keys=True, use_natural_primary_keys=True
        )
        for row in data:
            row["fields"].pop("updated_at", None)
        rows[model.__name__] = sorted(data, key=repr)
    return rows


def test_the_ten_events_of_2023_are_there_in_rank_order(seed_content):
    events = list(Event.objects.published().for_year(2023).order_by("rank"))

    assert [event.rank for event in events] == list(range(1, 11))
    assert [event.title for event in events] == TITLES_2023
    assert [event.rank_label for event in events[:3]] == ["一", "二", "三"]
    assert events[9].rank_label == "十"


def test_each_event_keeps_the_article_text_in_full(seed_content):
    museum = Event.objects.get(rank=7, year=2023)

    assert museum.paragraphs[0].startswith("2023年11月6日,世界技能博物馆在上海开馆。")
    assert museum.paragraphs[0].endswith("以一技之长、能动天下。")
    culture = Event.objects.get(rank=10, year=2023)
    assert len(culture.paragraphs) == 2
    assert "全网阅读量18亿人次" in culture.body
    assert all(event.source.publisher == "蓝领荟" for event in Event.objects.all())


@pytest.mark.parametrize(
    ("key", "text"),
    [
        ("spectators", "近12万人次"),
        ("local-policy-documents", "300多份"),
        ("integrated-teachers", "6000余名"),
        ("special-and-chief-technicians", "3000多名"),
        ("deeds-report-audience", "6000多万人次"),
        ("competition-media-reports", "9万余篇"),
        ("competition-online-reads", "18亿人次"),
        ("bases-hosted-by-schools", "80%以上"),
        ("studios-hosted-by-enterprises", "约70%"),
        ("contestants", "4045名"),
        ("competition-events", "109个"),
    ],
)
def test_figures_keep_their_exact_qualifier(seed_content, key, text):
    assert KeyFigure.objects.get(key=key).text == text


def test_approximate_figures_are_marked_and_comparable(seed_content):
    spectators = KeyFigure.objects.get(key="spectators")
    contestants = KeyFigure.objects.get(key="contestants")

    assert spectators.is_approximate
    assert not contestants.is_approximate
    assert spectators.quantity == 120_000
    assert KeyFigure.objects.get(key="integrated-schools").as_of == datetime.date(2023, 12, 31)


@pytest.mark.parametrize(
    ("slug", "text", "precision", "venue"),
    [
        ("2023-05-08-high-skilled-talent-symposium", "2023年5月8日", "day", "中南海"),
        ("2023-05-07-16th-high-skilled-talent-commendation", "2023年5月7日", "day", "北京"),
        ("2023-05-training-evaluation-rectification", "2023年5月至12月", "month", ""),
        ("2023-09-second-national-skills-competition", "2023年9月", "month", "天津"),
        ("2023-11-06-world-skills-museum-opens", "2023年11月6日", "day", "上海"),
        ("2023-national-occupational-standards", "2023年", "year", ""),
    ],
)
def test_milestones_carry_their_date_at_its_precision(seed_content, slug, text, precision, venue):
    milestone = Milestone.objects.get(slug=slug)

    assert milestone.date_text == text
    assert milestone.precision == precision
    assert milestone.venue == venue


def test_every_dated_happening_is_a_milestone(seed_content):
    assert Milestone.objects.count() >= 20
    assert Milestone.objects.exclude(precision="year").count() >= 20
    competition = Milestone.objects.get(slug="2023-09-second-national-skills-competition")
    assert [p.short_name for p in competition.regions.all()] == ["天津"]
    assert competition.event.rank == 2


def test_awards_carry_session_date_body_and_count(seed_content):
    award = Award.objects.get(slug="16th-china-skills-award")

    assert str(award) == "第十六届中华技能大奖"
    assert award.conferred_on == datetime.date(2023, 5, 7)
    assert award.conferring_body == "人力资源社会保障部"
    assert award.recipient_count == 30
    assert Award.objects.get(slug="16th-national-technical-experts").recipient_count == 295
    praised = Award.objects.get(slug="16th-skills-cultivation-contributors")
    assert praised.recipient_count is None
    assert praised.recipients_description.startswith("一批")


def test_training_batches_carry_totals_coverage_and_host_shares(seed_content):
    bases = TrainingBaseBatch.objects.get(slug="2023-national-high-skill-training-bases")
    studios = TrainingBaseBatch.objects.get(slug="2023-national-skill-master-studios")
    foundation = TrainingBaseBatch.objects.get(slug="2023-skill-foundation-training-bases")

    assert (bases.announced_total, studios.announced_total, foundation.announced_total) == (115, 139, 59)
    assert bases.coverage_province_count == 29 and bases.coverage_includes_corps
    assert bases.main_host_share_text == "80%以上"
    assert bases.main_host_type_labels == ["院校", "培训机构"]
    assert studios.main_host_share_text == "约70%"
    assert foundation.label == "首批"
    assert foundation.announcement.date_text == "2023年9月"
    college = TrainingBase.objects.get(name="北京轻工技师学院")
    assert college.province.short_name == "北京"
    assert college.kind.name == "国家级高技能人才培训基地"
    assert TrainingBase.objects.get(name="梁自旺技能大师工作室").batch == studios


def test_provinces_are_the_34_divisions_and_the_corps(seed_content):
    assert Province.objects.count() == 35
    assert Province.objects.exclude(kind="corps").count() == 34
    assert Province.objects.get(code="110000").name == "北京市"
    assert Province.objects.get(code="650000").short_name == "新疆"
    assert Province.objects.get(kind="corps").name == "新疆生产建设兵团"


def test_loading_the_fixtures_twice_changes_nothing(seed_content):
    before = snapshot()

    call_command("loaddata", *FIXTURE_FILES, verbosity=0)

    assert snapshot() == before


@pytest.mark.django_db(transaction=True)
def test_fixtures_load_where_primary_keys_differ():
    # Use up and free some primary keys first, so no row can land on the id it had elsewhere.
    with transaction.atomic():
        for _ in range(3):
            make_event().delete()
        make_category().delete()

    call_command("loaddata", *FIXTURE_FILES, verbosity=0)

    spectators = KeyFigure.objects.get(key="spectators")
    assert spectators.event.slug == "2023-second-national-skills-competition"
    assert Event.objects.order_by("pk").first().pk > 3
    assert Event.objects.get(rank=3).awards.count() == 3
