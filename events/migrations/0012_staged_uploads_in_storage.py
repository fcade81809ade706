"""Staged uploads are kept in Django's storage instead of a BinaryField.

A waiting upload's bytes move from the database row to the storage (the media storage, or
STORAGES["imports"] when a site sets one), which every app server shares; the row keeps
its name. Rows waiting when this runs are copied over.
"""

from django.core.files.base import ContentFile
from django.db import migrations, models

import events.models.importing


def move_content_to_storage(apps, schema_editor):
    StagedImport = apps.get_model("events", "StagedImport")
    for staged in StagedImport.objects.all():
        suffix = "." + staged.file_name.rsplit(".", 1)[-1].lower() if "." in staged.file_name else ""
        staged.file.save(f"{staged.pk.hex}{suffix}", ContentFile(bytes(staged.content)), save=True)


def move_content_to_database(apps, schema_editor):
    StagedImport = apps.get_model("events", "StagedImport")
    for staged in StagedImport.objects.all():
        with staged.file.open("rb") as stored:
            staged.content = stored.read()
        staged.save(update_fields=["content"])
        staged.file.delete(save=False)


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0011_import_permission_on_staged_uploads"),
    ]

    operations = [
        migrations.AddField(
            model_name="stagedimport",
            name="file",
            field=models.FileField(
                default="",
                max_length=255,
                storage=events.models.importing.staged_storage,
                upload_to="staged-imports/",
                verbose_name="文件",
            ),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="stagedimport",
            name="content",
            field=models.BinaryField(default=b"", verbose_name="内容"),
        ),
        migrations.RunPython(move_content_to_storage, move_content_to_database),
        migrations.RemoveField(model_name="stagedimport", name="content"),
    ]
