"""Export content with natural keys as JSON, YAML or CSV, in a form import_content reads back.

Rows are read in chunks and written as they come, so a large export streams. Drafts and
scheduled rows are exported with published ones: an export is a copy of the content.
"""

import csv
import datetime
import decimal
import json
import re

import yaml
from django.core import serializers
from django.core.serializers.pyyaml import DjangoSafeDumper
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from .readers import FORMULA_START
from .specs import EXPORTED_BY_NAME, registry

CHUNK_SIZE = 2000
FORMATS = ("json", "yaml", "csv")

PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def spreadsheet_safe(cell):
    """A CSV cell that a spreadsheet shows as text instead of running it: '=HYPERLINK(…).

    A cell that starts like a formula (OWASP's list: = + - @, tab, carriage return), after
    any apostrophes of its own, gets one more apostrophe in front; a plain number (-2) is
    left as it is. The importer takes exactly one apostrophe off such a cell
    (readers.cell_text), so every value survives export and import unchanged.
    """
    if isinstance(cell, str) and FORMULA_START.match(cell) and not PLAIN_NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def queryset(spec):
    """Every row of a model, with what its natural keys need fetched in the same queries."""
    return (
        spec.model._default_manager.select_related(*[f.name for f in spec.foreign_keys])
        .prefetch_related(*[f.name for f in spec.many_to_many])
        .order_by("pk")
    )


def _chunks(spec):
    chunk = []
    for instance in queryset(spec).iterator(chunk_size=CHUNK_SIZE):
        chunk.append(instance)
        if len(chunk) >= CHUNK_SIZE:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def records(specs):
    """Fixture records {"model", "fields"} with natural keys, model by model in dependency order."""
    for spec in specs:
        for chunk in _chunks(spec):
            yield from serializers.serialize(
                "python", chunk, use_natural_foreign_keys=True, use_natural_primary_keys=True
            )


def _plain(value):
    """Values as text a person reads: local times to the microsecond, decimals as written."""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def write_json(stream, specs):
    stream.write("[")
    first = True
    for record in records(specs):
        stream.write("\n" if first else ",\n")
        first = False
        text = json.dumps(_plain(record), ensure_ascii=False, indent=2)
        stream.write("\n".join("  " + line for line in text.splitlines()))
    stream.write("\n]\n" if not first else "]\n")


def write_yaml(stream, specs):
    empty = True
    batch = []
    for record in records(specs):
        batch.append(_plain(record))
        if len(batch) >= CHUNK_SIZE:
            stream.write(_yaml_items(batch))
            batch, empty = [], False
    if batch or empty:
        stream.write(_yaml_items(batch) if batch else "[]\n")


def _yaml_items(batch):
    # Each chunk is written as list items; the chunks together are one list.
    return yaml.dump(
        batch, Dumper=DjangoSafeDumper, allow_unicode=True, default_flow_style=False, sort_keys=False
    )


def csv_cell(spec, instance, name):
    model_field = spec.fields_by_name[name]
    if model_field.many_to_many:
        target = registry().for_model(model_field.related_model)
        related = getattr(instance, name).all()
        return ";".join(sorted(_reference_text(target, item) for item in related))
    if model_field.is_relation:
        related = getattr(instance, name)
        if related is None:
            return ""
        return _reference_text(registry().for_model(model_field.related_model), related)
    value = getattr(instance, model_field.attname)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return _plain(value)


def _reference_text(target, instance):
    """A reference in a CSV cell: a province by its name (北京市), anything else by its key."""
    if target.label in EXPORTED_BY_NAME:
        return instance.name
    return str(getattr(instance, target.key_field))


def write_csv(stream, spec, *, empty=False, rows=None):
    """One model as a CSV list with a header row (UTF-8 with BOM, so spreadsheets read it).

    With empty=True only the header is written: the model's CSV template. `rows` are the
    instances to write, their references fetched (the API's filtered lists); by default
    every row of the model.
    """
    stream.write("\ufeff")
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(spec.columns)
    if empty:
        return
    if rows is None:
        rows = (instance for chunk in _chunks(spec) for instance in chunk)
    for instance in rows:
        writer.writerow([spreadsheet_safe(csv_cell(spec, instance, name)) for name in spec.columns])


def csv_template(spec):
    """The empty CSV file for a model: the header row of every column it accepts."""
    return ",".join(spec.columns) + "\r\n"
