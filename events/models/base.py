"""What every kind of content shares: timestamps, publication state, natural keys."""

from django.db import models
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


class PublishableQuerySet(models.QuerySet):
    def published(self, at=None):
        """Public content: published, and its publish time has come (a later one is scheduled)."""
        return self.filter(status=PublicationStatus.PUBLISHED, published_at__lte=at or timezone.now())

    def scheduled(self, at=None):
        return self.filter(status=PublicationStatus.PUBLISHED, published_at__gt=at or timezone.now())

    def drafts(self):
        return self.filter(status=PublicationStatus.DRAFT)


class Publishable(SlugNaturalKeyMixin, Timestamped):
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

    @property
    def is_public(self):
        return self.status == PublicationStatus.PUBLISHED and self.published_at <= timezone.now()

    @property
    def is_scheduled(self):
        return self.status == PublicationStatus.PUBLISHED and self.published_at > timezone.now()


def image_alt_required(instance):
    """The message for an image without alt text, or None when the pair is complete."""
    if instance.image and not instance.image_alt.strip():
        return {"image_alt": "上传图片时必须填写替代文字，供读屏软件朗读。"}
    return None
