"""Rules that must always hold are enforced by the database, with a readable form message."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from PIL import Image

from events.dates import DatePrecision, chinese_range, iso_date
from events.models import Event, KeyFigure, Milestone, PublicationStatus
from events.numerals import chinese_numeral

from .factories import (
    make_award,
    make_category,
    make_event,
    make_key_figure,
    make_milestone,
    make_training_base,
)

pytestmark = pytest.mark.django_db


def rejected(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_a_rank_is_unique_within_a_year_only():
    make_event(year=2023, rank=1)

    rejected(lambda: make_event(year=2023, rank=1))
    make_event(year=2024, rank=1)


def test_a_duplicate_rank_is_a_readable_form_error():
    make_event(year=2023, rank=4)
    duplicate = Event(year=2023, rank=4, title="x", short_title="x", slug="x", summary="x", body="x")
    duplicate.category = make_category()

    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()

    assert "这一年已有相同序号的大事。" in error.value.messages


def test_rank_zero_and_years_out_of_range_are_refused():
    rejected(lambda: make_event(rank=0))
    rejected(lambda: make_event(year=1800))


def test_slugs_are_unique():
    make_event(slug="same")

    rejected(lambda: make_event(slug="same"))


def test_a_range_cannot_end_before_it_starts():
    event = make_event()
    rejected(
        lambda: make_milestone(
            event=event, date=datetime.date(2023, 12, 1), end_date=datetime.date(2023, 5, 1)
        )
    )
    backwards = Milestone(
        event=event,
        slug="backwards",
        title="t",
        description="d",
        date=datetime.date(2023, 12, 1),
        end_date=datetime.date(2023, 5, 1),
        precision=DatePrecision.MONTH,
    )

    with pytest.raises(ValidationError) as error:
        backwards.full_clean()

    assert "结束日期不能早于开始日期。" in error.value.messages


def test_counts_cannot_be_negative():
    rejected(lambda: make_key_figure(value=-1))
    rejected(lambda: make_award(recipient_count=-5))


def test_a_qualifier_must_sit_where_chinese_puts_it():
    rejected(lambda: make_key_figure(qualifier="近", qualifier_position="after_unit"))
    rejected(lambda: make_key_figure(qualifier="", qualifier_position="before_number"))
    rejected(lambda: make_key_figure(qualifier="余", qualifier_position="after_magnitude", magnitude=""))
    figure = make_key_figure(
        value=9, magnitude="万", unit="篇", qualifier="余", qualifier_position="after_magnitude"
    )
    assert figure.text == "9万余篇"


def test_month_precision_dates_are_stored_as_the_first_of_the_month():
    milestone = make_milestone(date=datetime.date(2023, 9, 17), precision=DatePrecision.MONTH)

    milestone.full_clean()

    assert milestone.date == datetime.date(2023, 9, 1)


def test_an_image_needs_alt_text(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    picture = io.BytesIO()
    Image.new("RGB", (8, 6), "white").save(picture, "PNG")
    event = make_event()
    event.image = SimpleUploadedFile("photo.png", picture.getvalue(), content_type="image/png")

    with pytest.raises(ValidationError) as error:
        event.full_clean()

    assert "image_alt" in error.value.message_dict


def test_published_means_published_and_due():
    now = timezone.now()
    live = make_event(published_at=now - datetime.timedelta(minutes=1))
    make_event(status=PublicationStatus.DRAFT)
    scheduled = make_event(published_at=now + datetime.timedelta(days=1))

    assert list(Event.objects.published()) == [live]
    assert list(Event.objects.scheduled()) == [scheduled]
    assert list(Event.objects.published(at=now + datetime.timedelta(days=2)).order_by("rank")) == [
        live,
        scheduled,
    ]


def test_milestones_and_figures_follow_their_event_into_public_view():
    draft = make_event(status=PublicationStatus.DRAFT)
    make_milestone(event=draft)
    visible = make_milestone()

    assert list(Milestone.objects.published()) == [visible]


def test_in_month_finds_ranges_that_span_the_month():
    event = make_event()
    rectification = make_milestone(
        event=event,
        date=datetime.date(2023, 5, 1),
        end_date=datetime.date(2023, 12, 1),
        precision=DatePrecision.MONTH,
    )
    museum = make_milestone(event=event, date=datetime.date(2023, 11, 6))
    make_milestone(event=event, date=datetime.date(2023, 1, 1), precision=DatePrecision.YEAR)

    assert set(Milestone.objects.in_month(2023, 11)) == {rectification, museum}
    assert list(Milestone.objects.in_month(2023, 4)) == []


def test_readable_names_for_the_admin():
    assert str(make_event(year=2023, rank=2, short_title="大赛")) == "2023年 二、大赛"
    assert str(make_award(name="中华技能大奖", session_number=16)) == "第十六届中华技能大奖"
    assert str(make_training_base(name="北京轻工技师学院")) == "北京轻工技师学院"
    assert str(KeyFigure(label="参赛选手", value=4045, unit="名")) == "参赛选手：4045名"


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (1, "一"),
        (10, "十"),
        (16, "十六"),
        (21, "二十一"),
        (105, "一百零五"),
        (110, "一百一十"),
        (2023, "二千零二十三"),
    ],
)
def test_chinese_numerals(number, text):
    assert chinese_numeral(number) == text


@pytest.mark.parametrize(
    ("start", "end", "precision", "text"),
    [
        ((2023, 11, 6), None, "day", "2023年11月6日"),
        ((2023, 9, 1), None, "month", "2023年9月"),
        ((2023, 1, 1), None, "year", "2023年"),
        ((2023, 5, 1), (2023, 12, 1), "month", "2023年5月至12月"),
        ((2023, 5, 7), (2023, 5, 8), "day", "2023年5月7日至8日"),
        ((2023, 5, 30), (2023, 6, 2), "day", "2023年5月30日至6月2日"),
        ((2023, 12, 1), (2024, 1, 1), "month", "2023年12月至2024年1月"),
    ],
)
def test_dates_read_at_their_own_precision(start, end, precision, text):
    assert chinese_range(datetime.date(*start), end and datetime.date(*end), precision) == text


def test_datetime_attributes_match_precision():
    day = datetime.date(2023, 9, 1)
    assert [iso_date(day, p) for p in ("day", "month", "year")] == ["2023-09-01", "2023-09", "2023"]


def test_a_share_over_a_hundred_percent_is_a_readable_form_error():
    batch = make_training_base().batch
    batch.main_host_share = 120

    with pytest.raises(ValidationError) as error:
        batch.validate_constraints()

    assert "占比不能超过 100%。" in error.value.messages
