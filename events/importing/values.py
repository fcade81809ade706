"""Turning what a file says into field values: text, numbers, dates, choices, references.

Fixtures carry JSON types; CSV cells are all text. Both go through the model field's own
to_python(), so a bad value gets Django's message; on top of that a choice may be given by
its Chinese label (院校 for institution) and a yes/no by 是/否.
"""

import datetime
import difflib
import json
import math
import unicodedata
from decimal import Decimal
from functools import cache

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from .limits import MAX_DEPTH, MAX_LIST_ITEMS, MAX_RECORD_VALUES, depth_of
from .readers import split_list

TRUE_WORDS = {"true", "1", "yes", "y", "是", "对", "t"}
FALSE_WORDS = {"false", "0", "no", "n", "否", "不", "f", ""}

ABSENT = object()

# What a field of each kind expects, for values of the wrong shape.
EXPECTED = {
    "text": "文本",
    "integer": "整数",
    "decimal": "数值",
    "date": "日期，如 2023-11-06",
    "datetime": "日期时间，如 2023-11-06T09:30:00+08:00",
    "boolean": "是/否 或 true/false",
}


def is_blank(value):
    """A value that says nothing: absent, None, or a cell of spaces."""
    return value is None or (isinstance(value, str) and not value.strip())


def choice_form(text):
    """A choice as compared when it is not written exactly: NFKC, no spaces, either case."""
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()


def check_text(value):
    """Refuse text PostgreSQL cannot store: the NUL character."""
    if "\x00" in value:
        raise ValidationError("不能包含空字符（NUL，\\x00）。", code="null_characters_not_allowed")
    return value


def _check_structure(value):
    """A JSON value: nested within the limit, every text in it storable."""
    if depth_of(value) > MAX_DEPTH:
        raise ValidationError(f"嵌套超过 {MAX_DEPTH} 层。", code="too_deep")
    pending, seen = [value], 0
    while pending:
        item = pending.pop()
        seen += 1
        if seen > MAX_RECORD_VALUES:
            raise ValidationError(f"值过多：超过 {MAX_RECORD_VALUES:,} 项。", code="too_many_items")
        if isinstance(item, str):
            check_text(item)
        elif isinstance(item, dict):
            pending += [*item.keys(), *item.values()]
        elif isinstance(item, (list, tuple)):
            pending += item
        elif isinstance(item, float) and not math.isfinite(item):
            raise ValidationError("数值不能是无穷大或 NaN。", code="invalid_number")
    return value


def invalid_choice(model_field, value):
    """A value that is none of a field's choices: the choices listed, the nearest first."""
    offered = [
        f"{label}（{stored}）" if str(label) != str(stored) else str(label)
        for stored, label in model_field.flatchoices
        if stored != ""
    ]
    nearest = difflib.get_close_matches(value, list(_choices(model_field)), n=1, cutoff=0.4)
    hint = f"是不是「{nearest[0]}」？" if nearest else ""
    return ValidationError(
        f"「{value}」不是可选的值。{hint}可选：{'、'.join(offered[:20])}。",
        code="invalid_choice",
    )


def wrong_shape(kind):
    return ValidationError(f"这里应为{EXPECTED.get(kind, '单个值')}。", code="invalid_type")


def reference_key(value):
    """A natural-key reference as text: "slug", ["slug"] and 110000 all name one row."""
    if isinstance(value, (list, tuple)):
        if len(value) != 1:
            raise ValidationError('引用应为一个自然键，如 ["slug"] 或 "slug"。', code="invalid_reference")
        value = value[0]
    if isinstance(value, (dict, list, tuple, bool)) or value is None:
        raise ValidationError('引用应为一个自然键，如 ["slug"] 或 "slug"。', code="invalid_reference")
    text = check_text(str(value).strip())
    if not text:
        raise ValidationError("引用不能为空。", code="invalid_reference")
    return text


@cache
def _kind(model_field):
    """What sort of value a field takes, worked out once per field."""
    if model_field.many_to_many:
        return "many"
    if model_field.is_relation:
        return "reference"
    for kind, classes in (
        ("boolean", models.BooleanField),
        ("text", (models.CharField, models.TextField)),
        ("file", models.FileField),
        ("json", models.JSONField),
        ("datetime", models.DateTimeField),
        ("date", models.DateField),
        ("decimal", models.DecimalField),
        ("integer", models.IntegerField),
    ):
        if isinstance(model_field, classes):
            return kind
    return "other"


@cache
def _choices(model_field):
    """{accepted text: stored value} for a field with choices: its values and its labels."""
    if not model_field.choices:
        return None
    accepted = {}
    for value, label in model_field.flatchoices:
        accepted.setdefault(str(label), value)
    for value, _ in model_field.flatchoices:
        accepted[str(value)] = value
    return accepted


@cache
def _choice_forms(model_field):
    """{normalised text: stored value}: 院 校, Ｉｎｓｔｉｔｕｔｉｏｎ and INSTITUTION find institution."""
    forms = {}
    for text, value in _choices(model_field).items():
        forms.setdefault(choice_form(text), value)
    return forms


def convert(model_field, value, *, from_csv=False):
    """The Python value for a field, ABSENT when a CSV cell leaves a defaulted field as it is."""
    kind = _kind(model_field)
    if kind == "many":
        if value is None or (from_csv and isinstance(value, str) and not value.strip()):
            return []
        items = split_list(value) if isinstance(value, str) else value
        if not isinstance(items, (list, tuple)):
            raise ValidationError("应为一组引用（列表）。", code="invalid_list")
        if len(items) > MAX_LIST_ITEMS:
            raise ValidationError(f"一个字段最多引用 {MAX_LIST_ITEMS} 项。", code="too_many_items")
        return list(dict.fromkeys(reference_key(item) for item in items))
    if kind == "reference":
        if value is None or (from_csv and str(value).strip() == ""):
            return None
        return reference_key(value)
    if from_csv:
        value = _from_cell(model_field, value)
        if value is ABSENT:
            return ABSENT
    if value is None:
        # No file is an empty name: file fields are not cleaned by the model (importer.build).
        return "" if kind == "file" and not model_field.null else None
    if kind == "json":
        return _check_structure(value)
    if isinstance(value, (dict, list, tuple, set)):
        raise ValidationError("这里应为单个值，而不是列表或对象。", code="invalid_type")
    if isinstance(value, str):
        check_text(value)
        if (choices := _choices(model_field)) is not None:
            if value not in choices and value.strip():
                if (found := _choice_forms(model_field).get(choice_form(value), ABSENT)) is ABSENT:
                    raise invalid_choice(model_field, value)
                value = found
            else:
                value = choices.get(value, value)
    elif isinstance(value, float) and not math.isfinite(value):
        raise ValidationError("数值不能是无穷大或 NaN。", code="invalid_number")
    try:
        return _typed(model_field, kind, value)
    except (TypeError, ValueError, OverflowError, ArithmeticError):
        # A value of a shape to_python() does not expect (a number for a date, a date for a
        # number): reported as the wrong kind of value.
        raise wrong_shape(kind) from None


def _typed(model_field, kind, value):
    if kind == "text":
        if isinstance(value, str):
            return value
        if isinstance(value, (bool, bytes, datetime.date)):
            raise wrong_shape(kind)
        return model_field.to_python(value)
    if kind == "integer":
        if isinstance(value, bool):
            raise wrong_shape(kind)
        if type(value) is int:
            return value
        if isinstance(value, (datetime.date, bytes)):
            raise wrong_shape(kind)
        return model_field.to_python(value)
    if kind == "boolean":
        return _boolean(value)
    if kind == "decimal" and isinstance(value, float):
        value = Decimal(repr(value))
    if kind in ("date", "datetime") and not isinstance(value, (str, datetime.date)):
        raise wrong_shape(kind)
    if kind == "datetime":
        converted = model_field.to_python(value)
        if converted is not None and timezone.is_naive(converted):
            converted = timezone.make_aware(converted)
        return converted
    if kind == "date" and isinstance(value, datetime.datetime):
        raise ValidationError("这里应为日期，而不是日期时间。", code="invalid_type")
    if kind == "file":
        if not isinstance(value, str):
            raise ValidationError("这里应为文件名。", code="invalid_type")
        return value
    if kind == "decimal" and isinstance(value, (bool, datetime.date, bytes)):
        raise wrong_shape(kind)
    return model_field.to_python(value)


def _from_cell(model_field, text):
    """A CSV cell: an empty one means NULL, blank text, or the field's default."""
    text = text.strip() if not isinstance(model_field, models.TextField) else text
    if text != "":
        if isinstance(model_field, models.JSONField):
            if text[:1] in "[{":
                try:
                    return json.loads(text)
                except RecursionError:
                    raise ValidationError(f"嵌套超过 {MAX_DEPTH} 层。", code="too_deep") from None
                except ValueError as error:
                    raise ValidationError(f"不是有效的 JSON：{error}", code="invalid_json") from None
            return split_list(text)
        return text
    if model_field.null:
        return None
    if isinstance(model_field, (models.CharField, models.TextField, models.FileField)):
        return ""
    if model_field.has_default():
        return ABSENT
    return None


def _boolean(value):
    if isinstance(value, bool):
        return value
    if not isinstance(value, (str, int)):
        raise wrong_shape("boolean")
    word = str(value).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValidationError("应为 是/否 或 true/false。", code="invalid_boolean")
