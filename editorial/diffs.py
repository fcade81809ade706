"""Side-by-side comparison of two versions of an item, down to the character for text.

Chinese text has no spaces between words, so a word-level diff would mark whole sentences;
differences are marked per character (<del> on the left, <ins> on the right).
"""

import datetime
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from difflib import SequenceMatcher

from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from . import registry
from .registry import BOOKKEEPING_FIELDS

# Past this length a character diff costs more than it tells: the whole text is marked.
LONGEST_INLINE_DIFF = 20_000
# Fields that follow from others and would only repeat a change already shown.
DERIVED_FIELDS = {"image_width", "image_height", "created_at", *BOOKKEEPING_FIELDS}


@dataclass
class FieldDiff:
    name: str
    label: str
    old: str = ""
    new: str = ""
    changed: bool = False


@dataclass
class RowDiff:
    model: type
    object_id: str
    title: str
    status: str  # added, removed, changed, unchanged
    fields: list[FieldDiff] = field(default_factory=list)

    @property
    def kind(self):
        return self.model._meta.verbose_name

    @property
    def status_label(self):
        return {"added": "新增", "removed": "删除", "changed": "修改", "unchanged": "未变"}[self.status]

    @property
    def changed_fields(self):
        return [f for f in self.fields if f.changed]


def inline_diff(old, new):
    """(old_html, new_html): the texts escaped, with removed and added characters marked."""
    if old == new:
        return conditional_escape(old), conditional_escape(new)
    if len(old) + len(new) > LONGEST_INLINE_DIFF:
        return _marked("del", old), _marked("ins", new)
    old_parts, new_parts = [], []
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            old_parts.append(conditional_escape(old[i1:i2]))
            new_parts.append(conditional_escape(new[j1:j2]))
            continue
        old_parts.append(_marked("del", old[i1:i2]))
        new_parts.append(_marked("ins", new[j1:j2]))
    return mark_safe("".join(old_parts)), mark_safe("".join(new_parts))


def _marked(tag, text):
    return format_html("<{}>{}</{}>", mark_safe(tag), text, mark_safe(tag)) if text else ""


class Labels:
    """Readable values of related rows, fetched once per model for a whole comparison."""

    def __init__(self, row_sets):
        wanted = {}
        for row_set in row_sets:
            for (model, _), values in row_set.items():
                for name in registry.get(model).fields:
                    model_field = model._meta.get_field(name)
                    if not model_field.is_relation:
                        continue
                    value = values.get(name)
                    ids = value if isinstance(value, list) else [value]
                    wanted.setdefault(model_field.related_model, set()).update(
                        i for i in ids if i is not None
                    )
        self.names = {
            related: {str(obj.pk): str(obj) for obj in self.fetch(related, ids)}
            for related, ids in wanted.items()
        }

    @staticmethod
    def fetch(related, ids):
        rows = related._default_manager.filter(pk__in=ids)
        # A label that names its parent (a sector's 大类) reads it in the same query.
        parents = [
            f.name for f in related._meta.concrete_fields if f.many_to_one and f.related_model is related
        ]
        return rows.select_related(*parents) if parents else rows

    def of(self, related, pk):
        return self.names.get(related, {}).get(str(pk), f"#{pk}（已删除）")


def display(model_field, value, labels):
    """A stored value as a person reads it in the admin."""
    if value is None or value == "" or value == []:
        return "—"
    if model_field.many_to_many:
        return "、".join(labels.of(model_field.related_model, pk) for pk in value)
    if model_field.is_relation:
        return labels.of(model_field.related_model, value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.BooleanField):
        return "是" if value else "否"
    if isinstance(model_field, models.DateTimeField):
        moment = parse_datetime(value) if isinstance(value, str) else value
        if isinstance(moment, datetime.datetime):
            return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")
    if isinstance(model_field, models.DecimalField):
        try:
            return f"{Decimal(str(value)).normalize():f}"
        except InvalidOperation:
            return str(value)
    if isinstance(model_field, models.JSONField):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def compare(old_rows, new_rows, *, item_model, show_unchanged=False, labels=None, render=True):
    """The rows of two versions side by side: the item first, then its children.

    `old_rows` / `new_rows` are {(model, object_id): fields} as `snapshots.rows` gives; either
    may be empty (a version compared with nothing shows every value once). Without `render`
    only what changed is worked out (for summaries): no values are displayed or diffed.
    """
    if render:
        labels = labels or Labels([old_rows, new_rows])
    keys = list(dict.fromkeys([*old_rows, *new_rows]))
    keys.sort(key=lambda key: (key[0] is not item_model, key[0]._meta.model_name, _numeric(key[1])))
    result = []
    for key in keys:
        model, object_id = key
        old, new = old_rows.get(key), new_rows.get(key)
        status = "added" if old is None else "removed" if new is None else "changed"
        diff = RowDiff(model, object_id, "", status)
        for name in registry.get(model).fields:
            if name in DERIVED_FIELDS:
                continue
            model_field = model._meta.get_field(name)
            changed = old is not None and new is not None and old.get(name) != new.get(name)
            if not render:
                diff.fields.append(FieldDiff(name, str(model_field.verbose_name), "", "", changed))
                continue
            old_text = display(model_field, old.get(name), labels) if old is not None else ""
            new_text = display(model_field, new.get(name), labels) if new is not None else ""
            if (
                changed
                and isinstance(model_field, (models.CharField, models.TextField))
                and not model_field.choices
            ):
                old_html, new_html = inline_diff(old_text, new_text)
            else:
                old_html, new_html = conditional_escape(old_text), conditional_escape(new_text)
            diff.fields.append(FieldDiff(name, str(model_field.verbose_name), old_html, new_html, changed))
        if status == "changed" and not diff.changed_fields:
            diff.status = "unchanged"
        diff.title = _title(model, old or {}, new or {}, object_id)
        if diff.status != "unchanged" or show_unchanged:
            result.append(diff)
    return result


def _numeric(object_id):
    return (0, int(object_id)) if object_id.isdigit() else (1, object_id)


def _title(model, old, new, object_id):
    values = new or old
    for name in ("title", "name", "label", "short_title"):
        if values.get(name):
            return str(values[name])
    return f"{model._meta.verbose_name} #{object_id}"


def changed_field_labels(diffs):
    """A short summary for lists: 标题、正文；新增大事节点 1 条."""
    parts = []
    for diff in diffs:
        if diff.status == "changed":
            labels = "、".join(f.label for f in diff.changed_fields)
            parts.append(labels if diff is diffs[0] else f"{diff.kind}“{diff.title}”：{labels}")
        elif diff.status in ("added", "removed"):
            parts.append(f"{diff.status_label}{diff.kind}“{diff.title}”")
    return "；".join(parts)
