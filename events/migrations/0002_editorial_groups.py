"""The two staff groups of the publishing workflow, with their permissions.

编辑 (editors) write and revise content but cannot publish; 发布者 (publishers) can do all an
editor can, and publish, withdraw, delete, import and manage redirects. Running it again
changes nothing; permissions are looked up by codename and created first if missing,
since Django only creates them after all migrations have run.
"""

from django.contrib.auth.management import create_permissions
from django.contrib.contenttypes.management import create_contenttypes
from django.db import migrations

EDITOR = "编辑"
PUBLISHER = "发布者"

# Content editors write: events with their milestones and figures, awards with their
# recipients, training carriers, and the taxonomies they are filed under.
CONTENT = [
    "event",
    "milestone",
    "keyfigure",
    "award",
    "awardrecipient",
    "trainingbase",
    "trainingbasebatch",
    "trainingbasekind",
    "sector",
    "category",
    "sourcearticle",
]
# Rows edited inline on their parent's page: removing one is part of editing the parent.
INLINE_ROWS = ["milestone", "keyfigure", "awardrecipient"]

EDITOR_PERMISSIONS = [
    *(f"events.view_{model}" for model in [*CONTENT, "province"]),
    *(f"events.add_{model}" for model in CONTENT),
    *(f"events.change_{model}" for model in CONTENT),
    *(f"events.delete_{model}" for model in INLINE_ROWS),
    "events.export_content",
]
PUBLISHER_PERMISSIONS = [
    *EDITOR_PERMISSIONS,
    *(f"events.delete_{model}" for model in CONTENT),
    "events.publish_event",
    "events.publish_award",
    "events.publish_trainingbase",
    "events.import_content",
    "redirects.view_redirect",
    "redirects.add_redirect",
    "redirects.change_redirect",
    "redirects.delete_redirect",
    "admin.view_logentry",
]


def ensure_permissions(apps):
    for label in ("events", "redirects", "admin"):
        app_config = apps.get_app_config(label)
        # Historical app configs have no models module, which both functions take as "skip".
        app_config.models_module = True
        create_contenttypes(app_config, apps=apps, verbosity=0)
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def find_permissions(apps, names):
    Permission = apps.get_model("auth", "Permission")
    found = []
    for name in dict.fromkeys(names):
        app_label, codename = name.split(".")
        found.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return found


def create_groups(apps, schema_editor):
    ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    for name, permissions in ((EDITOR, EDITOR_PERMISSIONS), (PUBLISHER, PUBLISHER_PERMISSIONS)):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*find_permissions(apps, permissions))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[EDITOR, PUBLISHER]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("redirects", "0002_alter_redirect_new_path_help_text"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
