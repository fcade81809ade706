"""The import permission on the model it governs; the export permission, checked nowhere, goes.

"可以导入内容" was declared on Event although it governs the admin's import page, which keeps
uploads as StagedImport rows: it becomes events.import_file on StagedImport, and whoever held
the old permission (the publishers' group, single users) holds the new one. events.export_content
was granted to editors and checked by nothing: `manage.py export_content` is for those who may
run manage.py, and the open-data API is public. Both old permissions are deleted.
"""

from django.db import migrations

OLD_IMPORT, OLD_EXPORT, NEW_IMPORT = "import_content", "export_content", "import_file"


def ensure_permissions(apps):
    from django.contrib.auth.management import create_permissions
    from django.contrib.contenttypes.management import create_contenttypes

    app_config = apps.get_app_config("events")
    app_config.models_module = True
    create_contenttypes(app_config, apps=apps, verbosity=0)
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None


def move_permissions(apps, schema_editor):
    ensure_permissions(apps)
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    User = apps.get_model("auth", "User")
    events = Permission.objects.filter(content_type__app_label="events")
    new = events.get(codename=NEW_IMPORT, content_type__model="stagedimport")
    old = events.filter(codename=OLD_IMPORT)
    for group in Group.objects.filter(permissions__in=old).distinct():
        group.permissions.add(new)
    for user in User.objects.filter(user_permissions__in=old).distinct():
        user.user_permissions.add(new)
    events.filter(codename__in=[OLD_IMPORT, OLD_EXPORT]).delete()


def restore_permissions(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    User = apps.get_model("auth", "User")
    event = ContentType.objects.get_or_create(app_label="events", model="event")[0]
    old, _ = Permission.objects.get_or_create(
        content_type=event, codename=OLD_IMPORT, defaults={"name": "可以导入内容"}
    )
    Permission.objects.get_or_create(
        content_type=event, codename=OLD_EXPORT, defaults={"name": "可以导出内容"}
    )
    new = Permission.objects.filter(content_type__app_label="events", codename=NEW_IMPORT)
    for group in Group.objects.filter(permissions__in=new).distinct():
        group.permissions.add(old)
    for user in User.objects.filter(user_permissions__in=new).distinct():
        user.user_permissions.add(old)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("events", "0010_plain_line_endings"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="event",
            options={
                "ordering": ["-year", "rank"],
                "permissions": [("publish_event", "可以发布、撤回大事")],
                "verbose_name": "大事",
                "verbose_name_plural": "大事",
            },
        ),
        migrations.AlterModelOptions(
            name="stagedimport",
            options={
                "default_permissions": (),
                "permissions": [("import_file", "可以在管理后台上传文件导入内容")],
                "verbose_name": "待确认的导入文件",
                "verbose_name_plural": "待确认的导入文件",
            },
        ),
        migrations.RunPython(move_permissions, restore_permissions),
    ]
