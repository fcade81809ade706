"""Text saved from a browser before line endings were normalised kept its \\r\\n; store \\n, so
paragraphs split the same way everywhere and a save that changes nothing shows no change."""

from django.db import migrations, models
from django.db.models import Q, Value
from django.db.models.functions import Replace

TEXT_FIELDS = {
    "event": ["summary", "body"],
    "milestone": ["description"],
    "award": ["description"],
    "trainingbase": ["description"],
    "sourcearticle": ["introduction", "notice"],
    "category": ["description"],
    "trainingbasekind": ["description"],
    "edition": ["lead"],
}


def mend(apps, schema_editor):
    for model_name, fields in TEXT_FIELDS.items():
        model = apps.get_model("events", model_name)
        for name in fields:
            carriage = Q(**{f"{name}__contains": "\r"})
            rows = model.objects.filter(carriage)
            rows.update(**{name: Replace(models.F(name), Value("\r\n"), Value("\n"))})
            rows.update(**{name: Replace(models.F(name), Value("\r"), Value("\n"))})


class Migration(migrations.Migration):
    dependencies = [("events", "0009_workflow_permissions")]

    operations = [migrations.RunPython(mend, migrations.RunPython.noop)]
