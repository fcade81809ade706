"""Imports in the history: each import is one set of revisions, shown and undone as a whole."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from editorial.models import Action, HistoryEntry, ImportRecord
from events.models import Event, Milestone

from .content_io import import_content, snapshot, write_json
from .staff import EDITOR, PUBLISHER, ensure_groups, staff_client

pytestmark = pytest.mark.django_db


def content():
    """Every content row, without `updated_at`: an undo is a change of its own and dated so."""
    rows = snapshot()
    for records in rows.values():
        for record in records:
            record["fields"].pop("updated_at", None)
    return rows


def history_of(item):
    return list(HistoryEntry.objects.for_item(item).order_by("id").values_list("action", "comment"))


def rename_and_add(tmp_path, event, name="changes.json"):
    """A file that renames an existing event and adds a new one with a milestone."""
    return write_json(
        tmp_path / name,
        [
            {"model": "events.event", "fields": {"slug": event.slug, "short_title": "导入改过的短标题"}},
            {
                "model": "events.event",
                "fields": {
                    "slug": "imported-event",
                    "year": event.year,
                    "rank": 11,
                    "title": "导入新建的大事",
                    "short_title": "新大事",
                    "summary": "导入新建。",
                    "body": "导入新建的正文。",
                    "category": [event.category.slug],
                    "source": [event.source.slug] if event.source_id else None,
                },
            },
            {
                "model": "events.milestone",
                "fields": {
                    "event": ["imported-event"],
                    "slug": "imported-event-start",
                    "date": f"{event.year}-05-01",
                    "precision": "day",
                    "title": "开始",
                    "description": "导入新建的大事开始。",
                },
            },
        ],
    )


@pytest.fixture
def museum(seed_content):
    return Event.objects.get(rank=7)


def test_an_import_is_one_record_with_a_revision_of_each_item_it_touched(museum, tmp_path):
    changes = rename_and_add(tmp_path, museum)

    stdout, _ = import_content(changes)

    record = ImportRecord.objects.get()
    assert record.file_names == str(changes)
    assert record.counts == {"created": 2, "updated": 1, "unchanged": 0}
    assert f"导入记录 {record.pk}" in stdout
    # The museum's history keeps how it was before the import, then the import itself.
    assert [action for action, _ in history_of(museum)] == [Action.BASELINE, Action.IMPORTED]
    imported = HistoryEntry.objects.for_item(museum).get(action=Action.IMPORTED)
    assert imported.import_record == record
    assert imported.comment == f"导入 {changes}"
    assert imported.version == 2
    # The museum's revision holds the event with its children, as the import left them.
    stored = {version.content_type.model for version in imported.revision.version_set.all()}
    assert stored == {"event", "milestone"}
    # A created event is in history too; its first version is kept when someone first changes it.
    created = Event.objects.get(slug="imported-event")
    assert history_of(created) == [(Action.IMPORTED, f"导入 {changes}")]


def test_a_dry_run_and_a_refused_import_leave_no_trace(museum, tmp_path):
    import_content(rename_and_add(tmp_path, museum), dry_run=True)
    broken = write_json(
        tmp_path / "broken.json", [{"model": "events.event", "fields": {"slug": museum.slug, "rank": "x"}}]
    )
    with pytest.raises(CommandError):
        import_content(broken)

    assert not ImportRecord.objects.exists()
    assert not HistoryEntry.objects.exists()


def test_an_unchanged_import_records_no_revision(museum, tmp_path):
    same = write_json(tmp_path / "same.json", [{"model": "events.event", "fields": {"slug": museum.slug}}])

    import_content(same)

    assert ImportRecord.objects.get().counts["unchanged"] == 1
    assert not HistoryEntry.objects.exists()


def test_undoing_an_import_brings_every_item_back_and_bins_what_it_created(museum, tmp_path):
    before = content()
    import_content(rename_and_add(tmp_path, museum))
    record = ImportRecord.objects.get()

    call_command("undo_import", record.pk, stdout=io.StringIO())

    assert content() == before
    museum.refresh_from_db()
    assert museum.short_title != "导入改过的短标题"
    assert [action for action, _ in history_of(museum)] == [
        Action.BASELINE,
        Action.IMPORTED,
        Action.IMPORT_UNDONE,
    ]
    deleted = HistoryEntry.objects.get(action=Action.DELETED)
    assert deleted.object_repr.endswith("新大事")
    assert deleted.import_record == record
    record.refresh_from_db()
    assert record.undone_at is not None
    assert not Milestone.objects.filter(event__slug="imported-event").exists()


def test_an_import_cannot_be_undone_once_an_item_changed_since(museum, tmp_path):
    import_content(rename_and_add(tmp_path, museum))
    import_content(
        write_json(
            tmp_path / "later.json",
            [{"model": "events.event", "fields": {"slug": museum.slug, "short_title": "后来又改"}}],
        )
    )
    first = ImportRecord.objects.order_by("id").first()
    after = snapshot()

    with pytest.raises(CommandError, match=r"导入之后这些内容又有改动.*导入改过的短标题"):
        call_command("undo_import", first.pk)

    assert snapshot() == after
    first.refresh_from_db()
    assert first.undone_at is None


def test_a_publisher_sees_the_import_in_the_admin_and_undoes_it(client, museum, tmp_path):
    ensure_groups()
    staff_client(client, PUBLISHER)
    before = content()
    changes = rename_and_add(tmp_path, museum, name="03_changes.json")
    checked = client.post("/admin/import/", {"file": SimpleUploadedFile(changes.name, changes.read_bytes())})
    token = re.search(r'name="token" value="([^"]+)"', checked.content.decode()).group(1)

    applied = client.post("/admin/import/", {"token": token}, follow=True).content.decode()

    record = ImportRecord.objects.get()
    record_url = f"/admin/editorial/importrecord/{record.pk}/change/"
    assert record_url in applied
    page = client.get(record_url).content.decode()
    assert "新建 2 条，更新 1 条，0 条未变" in page
    assert "十一、新大事" in page and "撤销这次导入" in page
    history = client.get(f"/admin/events/event/{museum.pk}/history/").content.decode()
    assert "导入 03_changes.json" in history

    confirm = client.get(f"/admin/editorial/importrecord/{record.pk}/undo/").content.decode()
    assert "导入新建的内容移入回收站" in confirm
    done = client.post(f"/admin/editorial/importrecord/{record.pk}/undo/", follow=True).content.decode()

    assert "已撤销导入 03_changes.json" in done
    assert content() == before
    assert "撤销这次导入</a>" not in client.get(record_url).content.decode()


def test_an_editor_cannot_undo_an_import(client, museum, tmp_path):
    ensure_groups()
    import_content(rename_and_add(tmp_path, museum))
    record = ImportRecord.objects.get()
    staff_client(client, EDITOR)

    assert client.post(f"/admin/editorial/importrecord/{record.pk}/undo/").status_code == 403

    record.refresh_from_db()
    assert record.undone_at is None
