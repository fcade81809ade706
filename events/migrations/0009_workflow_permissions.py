"""Permissions for the editorial workflow.

Editors draft year editions and batches as they draft events, and read the review history;
nothing they save becomes public without a publisher. Reference lists that public pages show
as soon as they are saved (categories, kinds of carrier, sectors, source articles) are kept
by publishers, since an editor's change to them would be public at once. Publishers also
publish editions and batches, and may undo an import.
"""

import importlib

from django.db import migrations

groups = importlib.import_module("events.migrations.0002_editorial_groups")

REFERENCE_LISTS = ["category", "trainingbasekind", "sector", "sourcearticle"]

EDITOR_GAINS = [
    "events.view_edition",
    "events.add_edition",
    "events.change_edition",
    "editorial.view_changerequest",
    "editorial.view_historyentry",
]
EDITOR_LOSES = [
    *(f"events.add_{model}" for model in REFERENCE_LISTS),
    *(f"events.change_{model}" for model in REFERENCE_LISTS),
]
PUBLISHER_GAINS = [
    *EDITOR_GAINS,
    "events.delete_edition",
    "events.publish_edition",
    "events.publish_trainingbasebatch",
    "editorial.view_importrecord",
    "editorial.undo_import",
]


def ensure_permissions(apps):
    from django.contrib.auth.management import create_permissions
    from django.contrib.contenttypes.management import create_contenttypes

    for label in ("events", "editorial"):
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_contenttypes(app_config, apps=apps, verbosity=0)
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def update_groups(apps, schema_editor):
    ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    editor, _ = Group.objects.get_or_create(name=groups.EDITOR)
    publisher, _ = Group.objects.get_or_create(name=groups.PUBLISHER)
    editor.permissions.add(*groups.find_permissions(apps, EDITOR_GAINS))
    editor.permissions.remove(*groups.find_permissions(apps, EDITOR_LOSES))
    publisher.permissions.add(*groups.find_permissions(apps, PUBLISHER_GAINS))


def restore_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    editor = Group.objects.filter(name=groups.EDITOR).first()
    if editor is not None:
        editor.permissions.add(*groups.find_permissions(apps, EDITOR_LOSES))


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0008_editions_and_batch_publication"),
        ("editorial", "0001_initial"),
    ]

    operations = [migrations.RunPython(update_groups, restore_groups)]
