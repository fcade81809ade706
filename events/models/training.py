"""Carriers of training: kinds, the batches in which they are announced, and each base."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from .base import Illustrated, Publishable, PublishableQuerySet, SlugManager, SlugNaturalKeyMixin, public_q
from .chronicle import Event, Milestone, Qualifier, year_validators
from .places import Province
from .translation import EnglishTwins


class HostType(models.TextChoices):
    INSTITUTION = "institution", "院校"
    TRAINING_ORGANIZATION = "training_org", "培训机构"
    ENTERPRISE = "enterprise", "企业"


class TrainingBaseKind(SlugNaturalKeyMixin, models.Model):
    name = models.CharField("名称", max_length=50, unique=True)
    slug = models.SlugField("网址名", max_length=60, unique=True)
    description = models.TextField("说明", blank=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    objects = SlugManager()

    class Meta:
        verbose_name = "培训载体类型"
        verbose_name_plural = "培训载体类型"
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class Sector(SlugNaturalKeyMixin, models.Model):
    """A field a base trains for; top-level sectors group the rest (先进制造业 → 数控加工)."""

    name = models.CharField("名称", max_length=50, unique=True)
    slug = models.SlugField("网址名", max_length=60, unique=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name="所属大类",
    )
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    objects = SlugManager()

    class Meta:
        verbose_name = "领域"
        verbose_name_plural = "领域"
        ordering = ["sort_order", "name"]

    def __str__(self):
        return f"{self.parent.name} · {self.name}" if self.parent_id else self.name

    def clean(self):
        super().clean()
        if self.parent_id and self.parent.parent_id:
            raise ValidationError({"parent": "领域只分两级：所属大类本身不能再有上级。"})


class TrainingBaseBatchManager(SlugManager.from_queryset(PublishableQuerySet)):
    pass


class TrainingBaseBatch(SlugNaturalKeyMixin, Publishable):
    """One announcement of a kind of carrier: how many, where, and who hosts most of them.

    Published like an event: a batch and its totals reach the directory only once a
    publisher releases it, and its bases are public only while it is.
    """

    kind = models.ForeignKey(
        TrainingBaseKind, on_delete=models.PROTECT, related_name="batches", verbose_name="类型"
    )
    year = models.PositiveSmallIntegerField("年份", validators=year_validators)
    name = models.CharField("名称", max_length=100, unique=True)
    slug = models.SlugField("网址名", max_length=120, unique=True)
    label = models.CharField("批次", max_length=20, blank=True, help_text="如 首批、新一轮。")
    announcement = models.ForeignKey(
        Milestone,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="announced_batches",
        verbose_name="公布节点",
    )
    event = models.ForeignKey(
        Event,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="training_base_batches",
        verbose_name="相关大事",
    )
    announced_total = models.PositiveIntegerField("公布数量")
    coverage_province_count = models.PositiveSmallIntegerField(
        "覆盖省份数", null=True, blank=True, help_text="覆盖的省（自治区、直辖市）个数。"
    )
    coverage_includes_corps = models.BooleanField("覆盖新疆生产建设兵团", default=False)
    main_host_types = models.JSONField(
        "主要依托类型",
        default=list,
        blank=True,
        help_text="多数项目依托的单位类型，取值 institution、training_org、enterprise。",
    )
    main_host_share = models.PositiveSmallIntegerField(
        "主要依托占比（%）", null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    main_host_share_qualifier = models.CharField(
        "占比限定词", max_length=2, choices=Qualifier.choices, blank=True, default=Qualifier.EXACT
    )
    sectors = models.ManyToManyField(Sector, blank=True, related_name="batches", verbose_name="涵盖领域")

    objects = TrainingBaseBatchManager()

    class Meta(Publishable.Meta):
        verbose_name = "培训载体批次"
        verbose_name_plural = "培训载体批次"
        ordering = ["-year", "kind__sort_order", "name"]
        indexes = [models.Index(fields=["status", "published_at"], name="batch_pub_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(main_host_share__isnull=True) | Q(main_host_share__lte=100),
                name="batch_host_share_is_percentage",
                violation_error_message="占比不能超过 100%%。",
            ),
        ]
        permissions = [("publish_trainingbasebatch", "可以发布、撤回培训载体批次")]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        unknown = set(self.main_host_types or []) - set(HostType.values)
        if not isinstance(self.main_host_types, list) or unknown:
            raise ValidationError({"main_host_types": f"依托类型只能取 {', '.join(HostType.values)}。"})

    @property
    def main_host_type_labels(self):
        return [HostType(value).label for value in self.main_host_types]

    @property
    def main_host_share_text(self):
        """The share as the source writes it: 80%以上, 约70%."""
        if self.main_host_share is None:
            return ""
        share = f"{self.main_host_share}%"
        if self.main_host_share_qualifier in (Qualifier.NEARLY, Qualifier.ABOUT):
            return f"{self.main_host_share_qualifier}{share}"
        return f"{share}{self.main_host_share_qualifier}"


class TrainingBaseQuerySet(PublishableQuerySet):
    def published(self, at=None):
        """A base is public while it and its batch both are."""
        at = at or timezone.now()
        return self.filter(public_q(at=at), public_q("batch__", at=at))

    def for_year(self, year):
        return self.filter(batch__year=year)


class TrainingBaseManager(SlugManager.from_queryset(TrainingBaseQuerySet)):
    pass


class TrainingBase(EnglishTwins, SlugNaturalKeyMixin, Illustrated, Publishable):
    """A named base or studio, e.g. 北京轻工技师学院 or 梁自旺技能大师工作室."""

    batch = models.ForeignKey(
        TrainingBaseBatch, on_delete=models.PROTECT, related_name="bases", verbose_name="批次"
    )
    name = models.CharField("名称", max_length=100)
    slug = models.SlugField("网址名", max_length=120, unique=True)
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="training_bases",
        verbose_name="所在地区",
    )
    host_type = models.CharField("依托单位类型", max_length=20, choices=HostType.choices, blank=True)
    host_organization = models.CharField("依托单位", max_length=100, blank=True)
    sectors = models.ManyToManyField(Sector, blank=True, related_name="training_bases", verbose_name="领域")
    description = models.TextField("简介", blank=True)
    name_en = models.CharField("英文名称", max_length=200, blank=True)
    description_en = models.TextField("英文简介", blank=True)

    IMAGE_FOLDER = "bases"
    english_fields = ("name", "description")

    objects = TrainingBaseManager()

    class Meta(Publishable.Meta):
        verbose_name = "培训载体"
        verbose_name_plural = "培训载体"
        ordering = ["batch__kind__sort_order", "province__code", "name"]
        indexes = [
            *Publishable.Meta.indexes,
            models.Index(fields=["host_type"], name="training_base_host_idx"),
            models.Index(fields=["name"], name="training_base_name_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "name"],
                name="training_base_unique_in_batch",
                violation_error_message="这一批次中已有同名培训载体。",
            )
        ]
        permissions = [("publish_trainingbase", "可以发布、撤回培训载体")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("events:base_detail", args=[self.slug])

    @property
    def kind(self):
        return self.batch.kind
