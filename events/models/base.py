"""What every kind of content shares: timestamps, publication state, natural keys."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"


class SlugManager(models.Manager):
    """Content whose natural key is its ASCII slug, so fixtures can name it across databases."""

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class SlugNaturalKeyMixin:
    def natural_key(self):
        return (self.slug,)


class Timestamped(models.Model):
    # Defaults rather than auto_now(_add): fixtures are saved raw, and raw saves skip
    # pre_save, so a missing timestamp would otherwise reach the database as NULL.
    created_at = models.DateTimeField("创建时间", default=timezone.now, editable=False)
    updated_at = models.DateTimeField("更新时间", default=timezone.now, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.updated_at = timezone.now()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "updated_at"}
        super().save(*args, **kwargs)


def public_q(prefix="", at=None):
    """The one rule for "is it public": published, and its publish time has come.

    `prefix` applies the rule across a relation ("event__" for a milestone's event), so
    querysets, counts and filters all ask the same question. A published item whose time is
    later is scheduled: it appears by itself when the time comes, with no job to run.
    """
    return Q(
        **{f"{prefix}status": PublicationStatus.PUBLISHED, f"{prefix}published_at__lte": at or timezone.now()}
    )


def scheduled_q(prefix="", at=None):
    return Q(
        **{f"{prefix}status": PublicationStatus.PUBLISHED, f"{prefix}published_at__gt": at or timezone.now()}
    )


class PublishableQuerySet(models.QuerySet):
    def published(self, at=None):
        """Public content: published, and its publish time has come (a later one is scheduled)."""
        return self.filter(public_q(at=at))

    def scheduled(self, at=None):
        return self.filter(scheduled_q(at=at))

    def drafts(self):
        return self.filter(status=PublicationStatus.DRAFT)


class Publishable(Timestamped):
    status = models.CharField(
        "发布状态",
        max_length=10,
        choices=PublicationStatus.choices,
        default=PublicationStatus.DRAFT,
    )
    published_at = models.DateTimeField(
        "发布时间",
        default=timezone.now,
        help_text="已发布的内容到此时间才对公众可见；填写将来的时间即为定时发布。",
    )

    class Meta:
        abstract = True
        indexes = [models.Index(fields=["status", "published_at"], name="%(app_label)s_%(class)s_pub_idx")]

    def mark_published(self, at):
        """Released by a publisher, public from `at` (a later time schedules it)."""
        self.status = PublicationStatus.PUBLISHED
        self.published_at = at

    def mark_draft(self):
        self.status = PublicationStatus.DRAFT

    @property
    def is_published(self):
        """Released by a publisher: public now, or scheduled to be. Changes to it need review."""
        return self.status == PublicationStatus.PUBLISHED

    @property
    def is_public(self):
        return self.is_published and self.published_at <= timezone.now()

    @property
    def is_scheduled(self):
        return self.is_published and self.published_at > timezone.now()


def image_upload_to(instance, filename):
    """events/2024/photo.jpg, bases/2024/photo.jpg: a folder per kind of content, then the year."""
    return f"{instance.IMAGE_FOLDER}/{timezone.now():%Y}/{filename}"


class Illustrated(models.Model):
    """An optional image with its alt text; its width and height are kept for <img>."""

    IMAGE_FOLDER = "images"

    image = models.ImageField(
        "图片",
        upload_to=image_upload_to,
        blank=True,
        width_field="image_width",
        height_field="image_height",
    )
    image_width = models.PositiveIntegerField("图片宽度", null=True, blank=True, editable=False)
    image_height = models.PositiveIntegerField("图片高度", null=True, blank=True, editable=False)
    image_alt = models.CharField("图片替代文字", max_length=200, blank=True)

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        if self.image and not self.image_alt.strip():
            raise ValidationError({"image_alt": "上传图片时必须填写替代文字，供读屏软件朗读。"})
