"""The history of every item and the changes waiting for a publisher.

Content itself is stored by django-reversion: a `Revision` holds one snapshot of an item and
its child rows (one `Version` per row). `HistoryEntry` says what happened to an item and
which snapshot that left; `ChangeRequest` follows one proposed change from its first save
through review to publication.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from reversion.models import Revision


class Action(models.TextChoices):
    BASELINE = "baseline", "最初的版本"
    CREATED = "created", "新建"
    SAVED = "saved", "保存"
    DRAFTED = "drafted", "保存待发布的修改"
    SUBMITTED = "submitted", "提交审核"
    REJECTED = "rejected", "退回"
    SCHEDULED = "scheduled", "批准并定时发布"
    PUBLISHED = "published", "发布"
    WITHDRAWN = "withdrawn", "撤回为草稿"
    DISCARDED = "discarded", "放弃待发布的修改"
    REVERTED = "reverted", "恢复到旧版本"
    DELETED = "deleted", "删除"
    RESTORED = "restored", "从回收站恢复"
    IMPORTED = "imported", "导入"
    IMPORT_UNDONE = "import_undone", "撤销导入"


class ItemQuerySet(models.QuerySet):
    def for_item(self, item):
        return self.filter(
            content_type=ContentType.objects.get_for_model(item, for_concrete_model=True),
            object_id=str(item.pk),
        )

    def for_reference(self, model, object_id=None):
        """Rows about one object of `model`, or about any of them when no id is given."""
        rows = self.filter(content_type=ContentType.objects.get_for_model(model))
        return rows if object_id is None else rows.filter(object_id=str(object_id))


class ItemReference(models.Model):
    """Which item a row is about, by content type and primary key (the item may be deleted)."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, verbose_name="内容类型")
    object_id = models.CharField("对象编号", max_length=191)
    object_repr = models.CharField("对象", max_length=300)

    class Meta:
        abstract = True

    @property
    def model(self):
        return self.content_type.model_class()

    def get_item(self):
        return self.model._default_manager.filter(pk=self.object_id).first()

    def item_admin_url(self):
        opts = self.model._meta
        try:
            return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[self.object_id])
        except NoReverseMatch:
            return ""

    def history_url(self):
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[self.object_id])


class HistoryEntry(ItemReference):
    """One thing that happened to an item: who, when, why, and the snapshot it left."""

    action = models.CharField("动作", max_length=20, choices=Action.choices)
    revision = models.ForeignKey(
        Revision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="history_entries",
        verbose_name="版本",
    )
    version = models.PositiveIntegerField("版本号", null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="操作人",
    )
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    comment = models.TextField("说明", blank=True)
    change_request = models.ForeignKey(
        "ChangeRequest",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="history",
        verbose_name="修改申请",
    )
    import_record = models.ForeignKey(
        "ImportRecord",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="history",
        verbose_name="导入记录",
    )

    objects = ItemQuerySet.as_manager()

    class Meta:
        verbose_name = "历史记录"
        verbose_name_plural = "历史记录"
        ordering = ["-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-id"], name="history_item_idx")]

    def __str__(self):
        return f"{self.object_repr}：{self.get_action_display()}"


class ChangeRequestState(models.TextChoices):
    DRAFT = "draft", "修改中"
    SUBMITTED = "submitted", "待审核"
    REJECTED = "rejected", "已退回"
    SCHEDULED = "scheduled", "已批准，定时发布"
    PUBLISHED = "published", "已发布"
    DISCARDED = "discarded", "已放弃"


OPEN_STATES = [
    ChangeRequestState.DRAFT,
    ChangeRequestState.SUBMITTED,
    ChangeRequestState.REJECTED,
    ChangeRequestState.SCHEDULED,
]


class ChangeRequestQuerySet(ItemQuerySet):
    def open(self):
        return self.filter(state__in=OPEN_STATES)

    def awaiting_review(self):
        return self.filter(state=ChangeRequestState.SUBMITTED)

    def due(self, at):
        return self.filter(state=ChangeRequestState.SCHEDULED, go_live_at__lte=at)


class ChangeRequest(ItemReference):
    """A proposed change to one item, from its first save to its publication (修改申请).

    For a published item the proposal is a pending revision: the public keeps seeing the live
    rows until a publisher publishes it. For an item never published, the rows are the
    proposal and publishing releases the item.
    """

    state = models.CharField("状态", max_length=20, choices=ChangeRequestState.choices)
    revision = models.ForeignKey(
        Revision, on_delete=models.PROTECT, related_name="+", verbose_name="提议的版本"
    )
    is_pending_revision = models.BooleanField(
        "待发布版本", default=False, help_text="是：修改尚未写入公开内容，发布时才生效。"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="修改人",
    )
    created_at = models.DateTimeField("开始时间", auto_now_add=True)
    updated_at = models.DateTimeField("最后修改", auto_now=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="提交人",
    )
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True, db_index=True)
    submit_comment = models.TextField("提交说明", blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="审核人",
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    review_comment = models.TextField("审核意见", blank=True)
    go_live_at = models.DateTimeField("定时发布时间", null=True, blank=True)

    objects = ChangeRequestQuerySet.as_manager()

    class Meta:
        verbose_name = "修改申请"
        verbose_name_plural = "修改申请"
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"],
                condition=Q(state__in=OPEN_STATES),
                name="one_open_change_request_per_item",
                violation_error_message="这一内容已有未完成的修改申请。",
            )
        ]
        indexes = [models.Index(fields=["state", "-submitted_at"], name="change_request_queue_idx")]

    def __str__(self):
        return f"{self.object_repr}（{self.get_state_display()}）"

    @property
    def is_open(self):
        return self.state in OPEN_STATES


class ImportRecord(models.Model):
    """One import: who, which file, what it did; undone as a whole while nothing changed since."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="导入人",
    )
    file_names = models.TextField("文件")
    created_at = models.DateTimeField("导入时间", auto_now_add=True, db_index=True)
    counts = models.JSONField("数量", default=dict)
    undone_at = models.DateTimeField("撤销时间", null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="撤销人",
    )

    class Meta:
        verbose_name = "导入记录"
        verbose_name_plural = "导入记录"
        ordering = ["-created_at", "-id"]
        permissions = [("undo_import", "可以撤销导入")]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.file_names}"
