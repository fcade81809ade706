"""A year's major events, their dated milestones and the numbers they state."""

import calendar
import datetime
import re
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Max, Q
from django.db.models.functions import Coalesce
from django.urls import reverse

from events import dates
from events.dates import DatePrecision
from events.numerals import chinese_numeral

from .base import (
    Illustrated,
    Publishable,
    PublishableQuerySet,
    SlugManager,
    SlugNaturalKeyMixin,
    Timestamped,
    public_q,
)
from .places import Province
from .translation import EnglishTwins, english_active

FIRST_YEAR = 1949
LAST_YEAR = 2100
year_validators = [MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]


class Category(EnglishTwins, SlugNaturalKeyMixin, models.Model):
    name = models.CharField("名称", max_length=30, unique=True)
    name_en = models.CharField("英文名称", max_length=60, blank=True)
    slug = models.SlugField("网址名", max_length=50, unique=True)
    description = models.TextField("说明", blank=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    english_fields = ("name",)

    objects = SlugManager()

    class Meta:
        verbose_name = "类别"
        verbose_name_plural = "类别"
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class SourceArticle(SlugNaturalKeyMixin, Timestamped):
    """The published article a year's events are taken from, credited on every event page."""

    title = models.CharField("标题", max_length=200)
    subtitle = models.CharField("副标题", max_length=100, blank=True)
    slug = models.SlugField("网址名", max_length=100, unique=True)
    year = models.PositiveSmallIntegerField("所述年份", validators=year_validators)
    publisher = models.CharField("发布方", max_length=100, blank=True)
    url = models.URLField("原文地址", blank=True)
    introduction = models.TextField("导语", blank=True)
    notice = models.TextField("转载说明", blank=True)

    objects = SlugManager()

    class Meta:
        verbose_name = "来源文章"
        verbose_name_plural = "来源文章"
        ordering = ["-year", "title"]

    def __str__(self):
        return self.title


class EditionManager(models.Manager.from_queryset(PublishableQuerySet)):
    def get_by_natural_key(self, year):
        return self.get(year=year)


class Edition(Publishable):
    """A year's review (年度盘点): the year's ten events, published to the home page as a whole.

    The home page shows the latest published edition, so events of a year still in the
    making can be drafted, reviewed and published one by one without changing it.
    """

    year = models.PositiveSmallIntegerField("年份", unique=True, validators=year_validators)
    title = models.CharField("标题", max_length=200, help_text="如“2023年职业能力建设领域十件大事”。")
    lead = models.TextField("导语", blank=True, help_text="首页大事列表上方的导语；纯文本，段落之间空一行。")
    source = models.ForeignKey(
        SourceArticle,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="editions",
        verbose_name="来源文章",
    )

    objects = EditionManager()

    class Meta(Publishable.Meta):
        verbose_name = "年度盘点"
        verbose_name_plural = "年度盘点"
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_YEAR, year__lte=LAST_YEAR),
                name="edition_year_in_range",
                violation_error_message=f"年份应在 {FIRST_YEAR} 至 {LAST_YEAR} 之间。",
            ),
        ]
        permissions = [("publish_edition", "可以发布、撤回年度盘点")]

    def __str__(self):
        return self.title or f"{self.year}年职业能力建设领域十件大事"

    def natural_key(self):
        return (self.year,)

    def get_absolute_url(self):
        return f"{reverse('events:event_list')}?year={self.year}"

    @property
    def paragraphs(self):
        return split_paragraphs(self.lead)


def split_paragraphs(text):
    """Paragraphs of plain text typed in a form: separated by a blank line, whatever the line endings."""
    return [part.strip() for part in re.split(r"(?:\r\n|\r|\n)\s*(?:\r\n|\r|\n)", text or "") if part.strip()]


class EventQuerySet(PublishableQuerySet):
    def for_year(self, year):
        return self.filter(year=year)

    def latest_year(self):
        """The newest year that has published events, or None on an empty site."""
        return self.published().aggregate(latest=Max("year"))["latest"]


class EventManager(SlugManager.from_queryset(EventQuerySet)):
    pass


class Event(EnglishTwins, SlugNaturalKeyMixin, Illustrated, Publishable):
    """One of a year's major events (十件大事), in its rank within that year."""

    year = models.PositiveSmallIntegerField("年份", validators=year_validators)
    rank = models.PositiveSmallIntegerField(
        "序号",
        validators=[MinValueValidator(1)],
        help_text="在当年大事中的次序：1 即“一”。",
    )
    title = models.CharField("标题", max_length=200)
    short_title = models.CharField("短标题", max_length=60, help_text="用于列表、导航和面包屑。")
    slug = models.SlugField("网址名", max_length=120, unique=True)
    summary = models.TextField("摘要", max_length=500)
    body = models.TextField("正文", help_text="纯文本；段落之间空一行。")
    title_en = models.CharField("英文标题", max_length=300, blank=True)
    short_title_en = models.CharField("英文短标题", max_length=120, blank=True)
    summary_en = models.TextField("英文摘要", max_length=1000, blank=True)
    body_en = models.TextField(
        "英文正文", blank=True, help_text="纯文本；段落之间空一行。留空则英文版显示中文。"
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="events", verbose_name="类别"
    )
    regions = models.ManyToManyField(
        Province,
        blank=True,
        related_name="events",
        verbose_name="涉及地区",
        help_text="不选即为全国性事件。",
    )
    source = models.ForeignKey(
        SourceArticle,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name="来源文章",
    )

    IMAGE_FOLDER = "events"
    english_fields = ("title", "short_title", "summary", "body")

    objects = EventManager()

    class Meta(Publishable.Meta):
        verbose_name = "大事"
        verbose_name_plural = "大事"
        ordering = ["-year", "rank"]
        indexes = [
            *Publishable.Meta.indexes,
            # The orders public lists and the feed read published events in, so a page of
            # them is an index range, not a sort of every row.
            models.Index(
                F("year").desc(), "rank", name="event_public_order_idx", condition=Q(status="published")
            ),
            models.Index(
                F("published_at").desc(),
                F("year").desc(),
                "rank",
                name="event_feed_order_idx",
                condition=Q(status="published"),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "rank"],
                name="event_rank_unique_per_year",
                violation_error_message="这一年已有相同序号的大事。",
            ),
            models.CheckConstraint(
                condition=Q(rank__gte=1),
                name="event_rank_positive",
                violation_error_message="序号从 1 开始。",
            ),
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_YEAR, year__lte=LAST_YEAR),
                name="event_year_in_range",
                violation_error_message=f"年份应在 {FIRST_YEAR} 至 {LAST_YEAR} 之间。",
            ),
        ]
        permissions = [("publish_event", "可以发布、撤回大事")]

    def __str__(self):
        return f"{self.year}年 {self.rank_label}、{self.short_title}"

    def get_absolute_url(self):
        return reverse("events:event_detail", args=[self.slug])

    @property
    def rank_label(self):
        """一 … 十 in Chinese; the English edition writes the number."""
        return str(self.rank) if english_active() else chinese_numeral(self.rank)

    @property
    def paragraphs(self):
        return split_paragraphs(self.localized.body)


class MilestoneQuerySet(models.QuerySet):
    def published(self, at=None):
        """Milestones are public exactly when their event is."""
        return self.filter(public_q("event__", at=at))

    def for_year(self, year):
        return self.filter(date__year=year)

    def in_month(self, year, month):
        """Milestones under way in a month: starting in it, or a range that spans it.

        A milestone known only to the year is in no particular month.
        """
        first_day = datetime.date(year, month, 1)
        last_day = first_day.replace(day=calendar.monthrange(year, month)[1])
        return (
            self.annotate(last_date=Coalesce("end_date", "date"))
            .filter(date__lte=last_day, last_date__gte=first_day)
            .exclude(precision=DatePrecision.YEAR)
        )


class MilestoneManager(SlugManager.from_queryset(MilestoneQuerySet)):
    pass


class Milestone(EnglishTwins, SlugNaturalKeyMixin, Timestamped):
    """A dated step of an event, at the precision the source gives: a day, a month or a year."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="milestones", verbose_name="所属大事"
    )
    slug = models.SlugField("网址名", max_length=120, unique=True)
    title = models.CharField("标题", max_length=200)
    description = models.TextField("内容")
    title_en = models.CharField("英文标题", max_length=300, blank=True)
    description_en = models.TextField("英文内容", blank=True)
    date = models.DateField("日期", help_text="按月或按年记载时，填该月或该年的第一天，并选择相应精度。")
    end_date = models.DateField("结束日期", null=True, blank=True, help_text="时间段的最后一个日、月或年。")
    precision = models.CharField(
        "日期精度", max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    regions = models.ManyToManyField(Province, blank=True, related_name="milestones", verbose_name="地区")
    venue = models.CharField(
        "地点", max_length=100, blank=True, help_text="如 中南海、国务院新闻办公室、沿黄九省区。"
    )
    venue_en = models.CharField("英文地点", max_length=200, blank=True)

    english_fields = ("title", "description", "venue")

    objects = MilestoneManager()

    class Meta:
        verbose_name = "大事节点"
        verbose_name_plural = "大事节点"
        ordering = ["date", "end_date", "id"]
        # The timeline's order (year-only milestones open their year), as one index.
        indexes = [
            models.Index("date", F("precision").desc(), "end_date", "id", name="milestone_timeline_idx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("date")),
                name="milestone_end_not_before_start",
                violation_error_message="结束日期不能早于开始日期。",
            ),
        ]

    def __str__(self):
        return f"{self.date_text} {self.title}"

    def get_absolute_url(self):
        return reverse("events:milestone_detail", args=[self.slug])

    def clean(self):
        super().clean()
        self.date = dates.truncate(self.date, self.precision)
        self.end_date = dates.truncate(self.end_date, self.precision)

    @property
    def date_text(self):
        return dates.local_range(self.date, self.end_date, self.precision)

    @property
    def date_iso(self):
        return dates.iso_date(self.date, self.precision)

    @property
    def end_date_iso(self):
        return dates.iso_date(self.end_date, self.precision) if self.end_date else ""


class Qualifier(models.TextChoices):
    """The word that makes a stated number approximate; kept exactly as the source wrote it."""

    EXACT = "", "（确数）"
    NEARLY = "近", "近"
    ABOUT = "约", "约"
    MORE = "多", "多"
    SURPLUS = "余", "余"
    AT_LEAST = "以上", "以上"


class QualifierPosition(models.TextChoices):
    NONE = "", "（无）"
    BEFORE_NUMBER = "before_number", "数字之前（近12万）"
    AFTER_NUMBER = "after_number", "数字之后（300多份）"
    AFTER_MAGNITUDE = "after_magnitude", "数量级之后（9万余篇）"
    AFTER_UNIT = "after_unit", "单位之后（80%以上）"


class Magnitude(models.TextChoices):
    ONE = "", "（个）"
    TEN_THOUSAND = "万", "万"
    HUNDRED_MILLION = "亿", "亿"


MAGNITUDE_FACTORS = {Magnitude.ONE: 1, Magnitude.TEN_THOUSAND: 10**4, Magnitude.HUNDRED_MILLION: 10**8}

# Which positions each qualifier may take: 近/约 lead, 多/余 follow the number or its 万/亿,
# 以上 ends the phrase. The same rule is a database constraint and a form message.
QUALIFIER_POSITIONS = {
    Qualifier.EXACT: [QualifierPosition.NONE],
    Qualifier.NEARLY: [QualifierPosition.BEFORE_NUMBER],
    Qualifier.ABOUT: [QualifierPosition.BEFORE_NUMBER],
    Qualifier.MORE: [QualifierPosition.AFTER_NUMBER, QualifierPosition.AFTER_MAGNITUDE],
    Qualifier.SURPLUS: [QualifierPosition.AFTER_NUMBER, QualifierPosition.AFTER_MAGNITUDE],
    Qualifier.AT_LEAST: [QualifierPosition.AFTER_UNIT],
}


def _qualifier_position_rule():
    rule = Q()
    for qualifier, positions in QUALIFIER_POSITIONS.items():
        rule |= Q(qualifier=qualifier, qualifier_position__in=positions)
    return rule


class KeyFigureManager(models.Manager):
    def get_by_natural_key(self, event_slug, key):
        return self.get(event__slug=event_slug, key=key)


class KeyFigure(EnglishTwins, models.Model):
    """A number the source states — value, 万/亿, unit and qualifier — so 近12万人次 stays 近12万人次."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="key_figures", verbose_name="所属大事"
    )
    key = models.SlugField("标识", max_length=60, help_text="在本大事内唯一的英文标识。")
    label = models.CharField("说明", max_length=100, help_text="这个数字数的是什么，如“现场观赛”。")
    value = models.DecimalField("数值", max_digits=14, decimal_places=2)
    magnitude = models.CharField(
        "数量级", max_length=1, choices=Magnitude.choices, blank=True, default=Magnitude.ONE
    )
    unit = models.CharField("单位", max_length=30, blank=True, help_text="如 人次、份、名、%。")
    qualifier = models.CharField(
        "限定词", max_length=2, choices=Qualifier.choices, blank=True, default=Qualifier.EXACT
    )
    qualifier_position = models.CharField(
        "限定词位置",
        max_length=20,
        choices=QualifierPosition.choices,
        blank=True,
        default=QualifierPosition.NONE,
    )
    as_of = models.DateField("截至日期", null=True, blank=True, help_text="原文“截至2023年底”之类。")
    note = models.CharField(
        "补充", max_length=200, blank=True, help_text="紧随数字的说明，如“和新疆生产建设兵团”。"
    )
    is_headline = models.BooleanField("首页展示", default=False)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)
    label_en = models.CharField("英文说明", max_length=200, blank=True)
    text_en = models.CharField(
        "英文写法", max_length=100, blank=True, help_text="数字在英文中的写法，如 nearly 120,000 visits。"
    )
    note_en = models.CharField("英文补充", max_length=300, blank=True)

    english_fields = ("label", "text", "note")

    objects = KeyFigureManager()

    class Meta:
        verbose_name = "关键数字"
        verbose_name_plural = "关键数字"
        ordering = ["event", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "key"],
                name="key_figure_key_unique_per_event",
                violation_error_message="同一大事下的关键数字标识不能重复。",
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="key_figure_value_not_negative",
                violation_error_message="数值不能为负数。",
            ),
            models.CheckConstraint(
                condition=_qualifier_position_rule(),
                name="key_figure_qualifier_position_matches",
                violation_error_message="限定词与其位置不相符：近、约在数字前；多、余在数字或万、亿之后；以上在单位之后；确数不选位置。",
            ),
            models.CheckConstraint(
                condition=~Q(qualifier_position=QualifierPosition.AFTER_MAGNITUDE)
                | ~Q(magnitude=Magnitude.ONE),
                name="key_figure_after_magnitude_needs_magnitude",
                violation_error_message="限定词放在数量级之后时，必须选择万或亿。",
            ),
        ]

    def __str__(self):
        return f"{self.label}：{self.text}{self.note}"

    def natural_key(self):
        return (*self.event.natural_key(), self.key)

    natural_key.dependencies = ["events.event"]

    @property
    def number_text(self):
        """The value as written: 4045, 12, 0.5 — no trailing zeros, no grouping."""
        normalized = self.value.normalize() if isinstance(self.value, Decimal) else Decimal(self.value)
        return f"{normalized:f}"

    @property
    def text(self):
        """The figure as the source writes it, e.g. 近12万人次, 300多份, 9万余篇, 80%以上."""
        position = self.qualifier_position
        parts = [
            self.qualifier if position == QualifierPosition.BEFORE_NUMBER else "",
            self.number_text,
            self.qualifier if position == QualifierPosition.AFTER_NUMBER else "",
            self.magnitude,
            self.qualifier if position == QualifierPosition.AFTER_MAGNITUDE else "",
            self.unit,
            self.qualifier if position == QualifierPosition.AFTER_UNIT else "",
        ]
        return "".join(parts)

    @property
    def quantity(self):
        """The number in plain units (12万 → 120000), for sorting and comparing."""
        return self.value * MAGNITUDE_FACTORS[Magnitude(self.magnitude)]

    @property
    def is_approximate(self):
        return self.qualifier != Qualifier.EXACT
