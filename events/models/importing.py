"""Files uploaded in the admin's import page, waiting for the uploader to confirm them."""

import uuid

from django.conf import settings
from django.core.files.storage import storages
from django.db import models


def staged_storage():
    """Where uploads wait: STORAGES["imports"] if the site sets one, else the media storage.

    Either way a storage every app server shares. In the media storage they sit under
    staged-imports/, named by a random id; a front server should not serve that folder.
    """
    return storages["imports"] if "imports" in settings.STORAGES else storages["default"]


class StagedImport(models.Model):
    """An uploaded file between its dry run and its confirmation.

    The file is kept in a shared storage rather than on one server's disk, so the
    confirmation may reach any app server behind the load balancer. Row and file are removed
    once applied, refused or abandoned (events.importing.staging).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name="上传者"
    )
    file_name = models.CharField("文件名", max_length=255)
    csv_model = models.CharField("CSV 内容类型", max_length=50, blank=True)
    shared_values = models.JSONField(
        "共用的值", default=dict, blank=True, help_text="每一行共用的字段值：{字段名: 值}。"
    )
    file = models.FileField("文件", upload_to="staged-imports/", storage=staged_storage, max_length=255)
    digest = models.CharField("SHA-256", max_length=64)
    created_at = models.DateTimeField("上传时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "待确认的导入文件"
        verbose_name_plural = verbose_name
        default_permissions = ()
        # The admin's import page makes these rows. Once inside, each record of the file is
        # checked against the uploader's own add, change and publish permissions.
        permissions = [("import_file", "可以在管理后台上传文件导入内容")]

    def __str__(self):
        return self.file_name
