"""Running the import and export commands in tests, and photographing the content."""

import io
import json

import pytest
from django.core import serializers
from django.core.management import CommandError, call_command

from events.importing.specs import registry


def import_content(*paths, **options):
    """Run import_content; returns (stdout, stderr), or raises CommandError with stderr attached."""
    stdout, stderr = io.StringIO(), io.StringIO()
    try:
        call_command("import_content", *map(str, paths), stdout=stdout, stderr=stderr, **options)
    except CommandError as error:
        error.stdout, error.stderr = stdout.getvalue(), stderr.getvalue()
        raise
    return stdout.getvalue(), stderr.getvalue()


def import_fails(*paths, **options):
    """The stderr of an import that must fail, with its error summary line."""
    with pytest.raises(CommandError) as failure:
        import_content(*paths, **options)
    return failure.value.stderr + "\n" + str(failure.value)


def snapshot():
    """Every content row by natural key, every field and many-to-many link, in a stable order."""
    rows = {}
    for spec in registry():
        data = serializers.serialize(
            "python",
            spec.model._default_manager.order_by("pk"),
            use_natural_foreign_keys=True,
            use_natural_primary_keys=True,
        )
        for row in data:
            for name, value in row["fields"].items():
                if isinstance(value, list) and spec.fields_by_name[name].many_to_many:
                    row["fields"][name] = sorted(value)
        rows[spec.label] = sorted(data, key=lambda row: json.dumps(row, sort_keys=True, default=str))
    return rows


def counts():
    return {spec.label: spec.model._default_manager.count() for spec in registry()}


def write_json(path, records):
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    return path


def delete_all_content():
    """Empty the content tables, children first, as a fresh database would be."""
    from events.models import Sector

    for spec in reversed(list(registry())):
        if spec.model is Sector:
            Sector.objects.filter(parent__isnull=False).delete()
        spec.model._default_manager.all().delete()
