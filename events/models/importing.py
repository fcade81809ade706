"""Files uploaded in the admin's import page, waiting for the uploader to confirm them."""

import uuid

from django.conf import settings
from django.db import models


class StagedImport(models.Model):
    """An uploaded file between its dry run and its confirmation.

    Kept in the database rather than on one server's disk, so the confirmation may reach
    any app server behind the load balancer. Rows are removed once applied or abandoned.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name="上传者"
    )
    file_name = models.CharField("文件名", max_length=255)
    csv_model = models.CharField("CSV 内容类型", max_length=50, blank=True)
    content = models.BinaryField("内容")
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
