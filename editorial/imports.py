"""Imports in the history: one import is one set of revisions, undone as a whole.

The importer writes rows in bulk, without signals. It tells an `ImportHistory` which rows
each batch is about to write and which it wrote; the history takes, before the first write
to an item, a snapshot of the item as it was (unless its newest revision already says
exactly that), and once every record is in, an `IMPORTED` entry for each item touched,
with a revision of what the import left for the items it changed, all tied to one
`ImportRecord`. Undoing the import brings each item back to the revision before that one,
or deletes the items the import created (into the recycle bin), provided nothing has
changed any of them since.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from reversion.models import Revision, Version

from events.content_version import content_changed

from . import registry, snapshots
from .models import Action, HistoryEntry, ImportRecord

LOAD_CHUNK = 500


class UndoRefused(Exception):
    """The import cannot be undone; the message says why, in words for the editor."""


def _item_key(model, row):
    """(item model, item primary key) of a row that is an item or a child of one."""
    spec = registry.get(model)
    if spec.parent is None:
        return model, row.pk
    field = model._meta.get_field(spec.parent)
    return field.related_model, getattr(row, field.attname)


def _chunks(keys):
    keys = list(keys)
    for start in range(0, len(keys), LOAD_CHUNK):
        yield keys[start : start + LOAD_CHUNK]


class ImportHistory:
    """Collects what one import does to versioned items and records it when the import applies."""

    def __init__(self, *, user=None, file_names=()):
        self.user = user
        self.file_names = list(file_names)
        self.created = set()  # items whose own row the import inserted
        self.touched = {}  # item model -> primary keys, in the order first met
        self.record = None

    def _touch(self, model, pk):
        self.touched.setdefault(model, {}).setdefault(pk, None)

    @staticmethod
    def follows(model):
        """Whether inserted rows of `model` are items of their own, whose ids the history needs."""
        spec = registry.get(model)
        return spec is not None and spec.parent is None

    def before_write(self, model, rows):
        """Rows of `model` about to be inserted or updated: keep how their items are now."""
        if not registry.is_versioned(model):
            return
        first_met = {}
        for row in rows:
            item_model, pk = _item_key(model, row)
            if pk is None or (item_model, pk) in self.created:
                continue
            if pk not in self.touched.get(item_model, {}):
                first_met.setdefault(item_model, []).append(pk)
            self._touch(item_model, pk)
        for item_model, pks in first_met.items():
            for chunk in _chunks(pks):
                for item in registry.load(item_model, chunk).values():
                    self._keep_live_version(item)

    def written(self, model, inserted):
        """Rows of `model` the batch inserted (they have primary keys now)."""
        if not self.follows(model):
            return
        for row in inserted:
            self.created.add((model, row.pk))
            self._touch(model, row.pk)

    def _keep_live_version(self, item):
        """Make the item's newest revision hold its live rows, so undo knows what to go back to."""
        latest = snapshots.latest_revision_id(item)
        if latest and snapshots.rows_of_revision_id(latest) == snapshots.live_rows(item):
            return
        snapshots.snapshot(item, user=self.user, action=Action.BASELINE, comment="导入之前的内容")

    def finish(self, report):
        """The import applies: record it, and one revision of every item it touched."""
        totals = report.totals
        self.record = ImportRecord.objects.create(
            user=self.user,
            file_names="、".join(self.file_names),
            counts={"created": totals.created, "updated": totals.updated, "unchanged": totals.unchanged},
        )
        comment = f"导入 {self.record.file_names}"
        for item_model, pks in self.touched.items():
            created = [pk for pk in pks if (item_model, pk) in self.created]
            changed = [pk for pk in pks if (item_model, pk) not in self.created]
            for chunk in _chunks(created):
                self._record_created(item_model._default_manager.filter(pk__in=chunk), comment)
            for chunk in _chunks(changed):
                self._store_imported(list(registry.load(item_model, chunk).values()), comment)
        return self.record

    def _record_created(self, items, comment):
        """Items the import created get an entry without a revision, as fixtures' items have
        none: their first change keeps them as they were (`ensure_baseline`), and undoing the
        import deletes them. Snapshotting thousands of new items would triple an import's time."""
        HistoryEntry.objects.bulk_create(
            HistoryEntry(
                content_type=ContentType.objects.get_for_model(item),
                object_id=str(item.pk),
                object_repr=str(item)[:300],
                action=Action.IMPORTED,
                user=self.user,
                comment=comment,
                import_record=self.record,
            )
            for item in items
        )

    def _store_imported(self, items, comment):
        """Items the import changed: one revision and one history entry each, written in bulk."""
        if not items:
            return
        content_type = ContentType.objects.get_for_model(items[0])
        last_versions = dict(
            HistoryEntry.objects.filter(content_type=content_type, object_id__in=[str(i.pk) for i in items])
            .values_list("object_id")
            .annotate(last=Max("version"))
        )
        now = timezone.now()
        revisions = Revision.objects.bulk_create(
            [Revision(date_created=now, user=self.user, comment=comment) for _ in items]
        )
        versions, entries = [], []
        for item, revision in zip(items, revisions, strict=True):
            for version in snapshots.capture(item):
                version.revision = revision
                versions.append(version)
            entries.append(
                HistoryEntry(
                    content_type=content_type,
                    object_id=str(item.pk),
                    object_repr=str(item)[:300],
                    action=Action.IMPORTED,
                    revision=revision,
                    version=(last_versions.get(str(item.pk)) or 0) + 1,
                    user=self.user,
                    comment=comment,
                    import_record=self.record,
                )
            )
        Version.objects.bulk_create(versions)
        HistoryEntry.objects.bulk_create(entries)


def imported_entries(record):
    return HistoryEntry.objects.filter(import_record=record, action=Action.IMPORTED).select_related(
        "content_type", "revision"
    )


def changed_since(record):
    """Items the import touched that have changed since (a later history entry, or live rows
    that no longer match what the import left)."""
    changed = []
    for entry in imported_entries(record):
        item = entry.get_item()
        if (
            item is None
            or HistoryEntry.objects.for_item(item).filter(id__gt=entry.id).exists()
            or (entry.revision_id and snapshots.rows(entry.revision) != snapshots.live_rows(item))
        ):
            changed.append(entry.object_repr)
    return changed


def undo(record, *, user):
    """Undo an import as a whole: each item back to its version before the import, items it
    created deleted into the recycle bin. Refused if anything has changed since."""
    with transaction.atomic():
        record = ImportRecord.objects.select_for_update().get(pk=record.pk)
        if record.undone_at is not None:
            raise UndoRefused("这次导入已经撤销过了。")
        changed = changed_since(record)
        if changed:
            names = "、".join(changed[:10]) + ("等" if len(changed) > 10 else "")
            raise UndoRefused(f"导入之后这些内容又有改动，不能整体撤销：{names}。请逐条恢复到需要的版本。")
        comment = f"撤销导入 {record.file_names}"
        for entry in imported_entries(record):
            item = entry.get_item()
            before = (
                HistoryEntry.objects.for_item(item)
                .filter(id__lt=entry.id, revision__isnull=False)
                .select_related("revision")
                .first()
            )
            if before is None:
                snapshots.snapshot(
                    item, user=user, action=Action.DELETED, comment=comment, import_record=record
                )
                item.delete()
            else:
                snapshots.apply(before.revision)
                snapshots.snapshot(
                    entry.get_item(),
                    user=user,
                    action=Action.IMPORT_UNDONE,
                    comment=comment,
                    import_record=record,
                )
        record.undone_at = timezone.now()
        record.undone_by = user
        record.save(update_fields=["undone_at", "undone_by"])
        content_changed()
    return record
