"""Snapshots of an item and its child rows: taken, stored as revisions, and written back.

A snapshot can be taken of rows that exist only inside a transaction about to be rolled
back (a draft saved over live content): `capture` serializes them then, and `store` writes
the revision once the rows are gone again.
"""

import json

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from reversion.models import Revision, Version

from . import registry
from .models import Action, HistoryEntry


def capture(item):
    """Unsaved `Version`s of the item and every child row stored with it, as they are now."""
    versions = []
    for row in registry.rows_of(item):
        versions.append(
            Version(
                content_type=ContentType.objects.get_for_model(row),
                object_id=str(row.pk),
                db=connection.alias,
                format="json",
                serialized_data=registry.serialize(row),
                object_repr=str(row)[:300],
            )
        )
    return versions


def store(item, versions, *, user, action, comment="", change_request=None, import_record=None):
    """A new revision holding `versions`, and the history entry that says what made it."""
    revision = Revision.objects.create(date_created=timezone.now(), user=user, comment=comment)
    for version in versions:
        version.pk = None
        version.revision = revision
    Version.objects.bulk_create(versions)
    return record(
        item,
        action,
        user=user,
        comment=comment,
        revision=revision,
        change_request=change_request,
        import_record=import_record,
    )


def record(item, action, *, user, comment="", revision=None, change_request=None, import_record=None):
    """A history entry; one that brings a new revision gives it the item's next version number."""
    entries = HistoryEntry.objects.for_item(item)
    if revision is not None and not entries.filter(revision=revision).exists():
        version = (entries.aggregate(last=Max("version"))["last"] or 0) + 1
    elif revision is not None:
        version = entries.filter(revision=revision).values_list("version", flat=True).first()
    else:
        version = None
    return HistoryEntry.objects.create(
        content_type=ContentType.objects.get_for_model(item),
        object_id=str(item.pk),
        object_repr=str(item)[:300],
        action=action,
        revision=revision,
        version=version,
        user=user,
        comment=comment,
        change_request=change_request,
        import_record=import_record,
    )


def snapshot(item, *, user, action, comment="", change_request=None, import_record=None):
    """Store the item as it is now."""
    return store(
        item,
        capture(item),
        user=user,
        action=action,
        comment=comment,
        change_request=change_request,
        import_record=import_record,
    )


def ensure_baseline(item):
    """Items loaded from fixtures or made before versioning have no revision yet: keep how they
    are now as version 1 before anything changes them, so it can be compared and restored."""
    if not HistoryEntry.objects.for_item(item).filter(revision__isnull=False).exists():
        snapshot(item, user=None, action=Action.BASELINE, comment="修改之前的内容")


def latest_revision_id(item):
    """The newest revision of an item: what an edit form was loaded from."""
    return HistoryEntry.objects.for_item(item).aggregate(latest=Max("revision_id"))["latest"] or 0


def first_revision_id(item):
    entries = HistoryEntry.objects.for_item(item).filter(revision__isnull=False)
    return entries.order_by("id").values_list("revision_id", flat=True).first() or 0


def apply(revision):
    """Write a revision back: its rows saved as they were, child rows it lacks deleted.

    Rows that exist only in the revision (added in a draft, or deleted since) are created with
    the primary keys they had; `reserve_primary_keys` kept those keys from being reused.
    """
    with transaction.atomic():
        revision.revert(delete=True)


def rows_of_versions(versions):
    """{(model, object_id): fields} of versions, fields as stored (ids for relations)."""
    found = {}
    for version in versions:
        data = json.loads(version.serialized_data)[0]
        model = ContentType.objects.get_for_id(version.content_type_id).model_class()
        found[(model, version.object_id)] = data["fields"]
    return found


def rows(revision):
    return rows_of_versions(revision.version_set.all())


def rows_of_revision_id(revision_id):
    if not revision_id:
        return {}
    return rows_of_versions(Version.objects.filter(revision_id=revision_id))


def live_rows(item):
    """The item's rows as the site has them now, in the same form as a revision's."""
    return rows_of_versions(capture(item))


def reserve_primary_keys(versions):
    """Keep the primary keys of rows that exist only in a stored draft from being handed out again.

    The draft's rows were inserted and rolled back. PostgreSQL's sequences do not roll back;
    SQLite's AUTOINCREMENT counter does, so a later insert could take the same key and a
    publication would then overwrite that other row. Raising the counter past the draft's
    keys prevents it.
    """
    if connection.vendor != "sqlite":
        return
    highest = {}
    for version in versions:
        table = version.content_type.model_class()._meta.db_table
        if version.object_id.isdigit():
            highest[table] = max(highest.get(table, 0), int(version.object_id))
    with connection.cursor() as cursor:
        for table, key in highest.items():
            cursor.execute(
                "UPDATE sqlite_sequence SET seq = %s WHERE name = %s AND seq < %s", [key, table, key]
            )
            cursor.execute(
                "INSERT INTO sqlite_sequence (name, seq) SELECT %s, %s "
                "WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = %s)",
                [table, key, table],
            )
