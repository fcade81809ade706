"""CSV of every API collection: the import templates' columns, and it re-imports unchanged."""

import csv
import io
from pathlib import Path

import pytest

from events.importing.importer import run_import
from events.importing.readers import Source

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parent.parent / "docs" / "csv-templates"

# API collection → the import's content type
COLLECTIONS = {
    "events": "event",
    "milestones": "milestone",
    "awards": "award",
    "bases": "trainingbase",
    "regions": "province",
}


def download(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Access-Control-Allow-Origin"] == "*"
    return response.content


@pytest.mark.parametrize("collection, model", COLLECTIONS.items())
def test_a_downloaded_list_reimports_as_unchanged(client, seed_content, tmp_path, collection, model):
    content = download(client, f"/api/{collection}.csv")
    assert content.startswith("\ufeff".encode()), "UTF-8 with BOM, so spreadsheets read it"
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    template = next(TEMPLATES.glob(f"*_{model}.csv")).read_text(encoding="utf-8-sig").strip().split(",")
    assert rows[0] == template
    assert len(rows) > 1

    path = tmp_path / f"{model}.csv"
    path.write_bytes(content)
    report = run_import([Source(path, csv_model=model)], dry_run=True)

    assert report.ok, [str(problem) for problem in report.problems]
    counts = report.counts[f"events.{model}"]
    assert (counts.created, counts.updated, counts.unchanged) == (0, 0, len(rows) - 1)


def test_csv_follows_the_filters_and_the_query_parameter(client, seed_content):
    by_suffix = download(client, "/api/milestones.csv?year=2023&month=5")
    by_parameter = download(client, "/api/milestones/?year=2023&month=5&format=csv")

    assert by_suffix == by_parameter
    rows = list(csv.DictReader(io.StringIO(by_suffix.decode("utf-8-sig"))))
    assert rows and all(row["date"].startswith("2023-") for row in rows)
    assert len(rows) == client.get("/api/milestones/?year=2023&month=5").json()["count"]


def test_csv_pages_are_bounded_and_linked(client, seed_content):
    response = client.get("/api/regions.csv?page_size=10")

    assert len(response.content.decode("utf-8-sig").splitlines()) == 11
    assert response["Link"] == '<http://testserver/api/regions.csv?page=2&page_size=10>; rel="next"'
