"""Honours conferred: the award of one session, and its named recipients."""

from django.db import models
from django.db.models import Q
from django.urls import reverse

from events.numerals import chinese_numeral

from .base import Publishable, PublishableQuerySet, SlugManager, SlugNaturalKeyMixin
from .chronicle import Event
from .places import Province
from .translation import EnglishTwins, english_active


def ordinal(number):
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


class AwardKind(models.TextChoices):
    COMMENDATION = "commendation", "表彰"
    PRAISE = "praise", "表扬"


class AwardQuerySet(PublishableQuerySet):
    def for_year(self, year):
        return self.filter(conferred_on__year=year)


class AwardManager(SlugManager.from_queryset(AwardQuerySet)):
    pass


class Award(EnglishTwins, SlugNaturalKeyMixin, Publishable):
    """One session of an honour, e.g. 第十六届中华技能大奖, with how many received it."""

    name = models.CharField("奖项名称", max_length=100, help_text="如 中华技能大奖、全国技术能手。")
    session_number = models.PositiveSmallIntegerField(
        "届次", null=True, blank=True, help_text="第十六届填 16；不分届次的留空。"
    )
    slug = models.SlugField("网址名", max_length=120, unique=True)
    kind = models.CharField("类型", max_length=20, choices=AwardKind.choices, default=AwardKind.COMMENDATION)
    conferred_on = models.DateField("授予日期")
    conferring_body = models.CharField("授予单位", max_length=100)
    ceremony = models.CharField("授予场合", max_length=100, blank=True)
    recipient_count = models.PositiveIntegerField(
        "获奖人数", null=True, blank=True, help_text="原文未给出人数时留空，并在“获奖者说明”中照录原文。"
    )
    recipients_description = models.CharField(
        "获奖者说明", max_length=200, blank=True, help_text="如“一批……单位和个人”。"
    )
    description = models.TextField("说明", blank=True)
    name_en = models.CharField("英文奖项名称", max_length=200, blank=True)
    conferring_body_en = models.CharField("英文授予单位", max_length=200, blank=True)
    description_en = models.TextField("英文说明", blank=True)
    event = models.ForeignKey(
        Event,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="awards",
        verbose_name="相关大事",
    )

    english_fields = ("name", "conferring_body", "description")

    objects = AwardManager()

    class Meta(Publishable.Meta):
        verbose_name = "奖项"
        verbose_name_plural = "奖项"
        ordering = ["-conferred_on", "name"]
        indexes = [
            *Publishable.Meta.indexes,
            models.Index(fields=["conferred_on"], name="award_conferred_on_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "session_number"],
                name="award_name_session_unique",
                violation_error_message="同名奖项的这一届已存在。",
            ),
            models.CheckConstraint(
                condition=Q(session_number__isnull=True) | Q(session_number__gte=1),
                name="award_session_positive",
                violation_error_message="届次从 1 开始。",
            ),
        ]
        permissions = [("publish_award", "可以发布、撤回奖项")]

    def __str__(self):
        return f"{self.session_label}{self.name}"

    def get_absolute_url(self):
        return reverse("events:award_detail", args=[self.slug])

    @property
    def heading(self):
        """第十六届中华技能大奖, or in the English edition 16th China Skills Award."""
        if not (english_active() and self.name_en):
            return str(self)
        return f"{ordinal(self.session_number)} {self.name_en}" if self.session_number else self.name_en

    @property
    def session_label(self):
        return f"第{chinese_numeral(self.session_number)}届" if self.session_number else ""


class AwardRecipientManager(models.Manager):
    def get_by_natural_key(self, award_slug, name):
        return self.get(award__slug=award_slug, name=name)


class AwardRecipient(models.Model):
    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="recipients", verbose_name="奖项")
    name = models.CharField("姓名或单位", max_length=100)
    organization = models.CharField("工作单位", max_length=200, blank=True)
    occupation = models.CharField("职业（工种）", max_length=100, blank=True)
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="award_recipients",
        verbose_name="地区",
    )
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    objects = AwardRecipientManager()

    class Meta:
        verbose_name = "获奖者"
        verbose_name_plural = "获奖者"
        ordering = ["award", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["award", "name"],
                name="award_recipient_unique",
                violation_error_message="这一奖项下已有同名获奖者。",
            )
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (*self.award.natural_key(), self.name)

    natural_key.dependencies = ["events.award"]
