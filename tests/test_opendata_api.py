"""The read-only API: public content as data, filtered like the lists, cached like pages."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events.models import Event, PublicationStatus

from .factories import make_award, make_event, make_key_figure, make_milestone

pytestmark = pytest.mark.django_db

COLLECTIONS = ["events", "milestones", "awards", "bases", "regions"]


def get_json(client, url, status=200, **headers):
    response = client.get(url, headers=headers)
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


def test_the_index_links_every_collection_and_document(client, seed_content):
    index = get_json(client, "/api/")

    assert set(index["collections"]) == set(COLLECTIONS)
    for url in [*index["collections"].values(), *index["documents"].values()]:
        assert client.get(url).status_code == 200, url


def test_the_openapi_document_describes_every_path(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.oai.openapi+json"
    document = response.json()

    assert document["openapi"].startswith("3.")
    assert {
        "/api/",
        "/api/events/",
        "/api/events/{slug}/",
        "/api/milestones/",
        "/api/awards/",
        "/api/awards/{slug}/",
        "/api/bases/",
        "/api/bases/{slug}/",
        "/api/regions/",
    } <= set(document["paths"])


def test_reading_the_openapi_document_leaves_the_year_filters_working(client, seed_content):
    """The generator reads the FilterSets' class-level filters, whose year options are empty."""
    client.get("/api/openapi.json")

    assert client.get("/events/?year=2023").context["paginator"].count == 10
    assert get_json(client, "/api/events/?year=2023")["count"] == 10


def test_the_docs_page_uses_packaged_assets_under_the_site_policy(client):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "/static/opendata/api-docs.js" in page
    assert "<script>" not in page  # no inline script: script-src 'self' holds
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "unsafe" not in response["Content-Security-Policy"]


def test_an_event_carries_its_milestones_and_key_figures_as_data(client, seed_content):
    event = get_json(client, "/api/events/2023-second-national-skills-competition/")

    assert event["year"] == 2023 and event["rank"] == 2
    assert [region["code"] for region in event["regions"]] == ["120000", "410000"]
    spectators = next(figure for figure in event["key_figures"] if figure["key"] == "spectators")
    assert spectators == spectators | {
        "value": 12,
        "magnitude": "万",
        "multiplier": 10000,
        "quantity": 120000,
        "unit": "人次",
        "qualifier": "近",
        "qualifier_position": "before_number",
        "approximate": True,
        "text": "近12万人次",
    }
    assert event["milestones"], "the event's milestones are included"
    assert event["html_url"] == "http://testserver/events/2023-second-national-skills-competition/"


def test_dates_carry_their_precision_in_iso_form(client, seed_content):
    milestones = get_json(client, "/api/milestones/?year=2023&page_size=100")["results"]
    by_slug = {milestone["slug"]: milestone["date"] for milestone in milestones}

    assert by_slug["2023-05-training-evaluation-rectification"] == {
        "start": "2023-05-01",
        "end": "2023-12-31",
        "precision": "month",
        "is_range": True,
        "iso": "2023-05/2023-12",
        "text": "2023年5月至12月",
    }
    day = next(date for date in by_slug.values() if date["precision"] == "day")
    assert day["start"] == day["end"] and not day["is_range"]
    year = next(date for date in by_slug.values() if date["precision"] == "year")
    assert (year["start"], year["end"], year["iso"]) == ("2023-01-01", "2023-12-31", "2023")


@pytest.mark.parametrize(
    "html, api",
    [
        ("/events/?year=2023&region=tianjin", "/api/events/?year=2023&region=tianjin"),
        ("/events/?q=技能大赛", "/api/events/?q=技能大赛"),
        ("/milestones/?year=2023&month=5", "/api/milestones/?year=2023&month=5"),
        (
            "/milestones/?event=2023-second-national-skills-competition",
            "/api/milestones/?event=2023-second-national-skills-competition",
        ),
        ("/awards/?year=2023", "/api/awards/?year=2023"),
        ("/bases/?region=beijing&host=institution", "/api/bases/?region=beijing&host=institution"),
    ],
)
def test_filters_select_what_the_html_list_shows(client, seed_content, html, api):
    page = client.get(html)
    data = get_json(client, api + "&page_size=100")

    slugs = [row["slug"] for row in data["results"]]
    assert slugs, "the filter matches something"
    assert data["count"] == page.context["paginator"].count
    assert slugs == [row.slug for row in page.context["object_list"]]


@pytest.mark.parametrize(
    "url, field",
    [
        ("/api/events/?year=abc", "year"),
        ("/api/events/?region=nowhere", "region"),
        ("/api/milestones/?month=5", "month"),
        ("/api/milestones/?year=2023&month=13", "month"),
        ("/api/bases/?host=castle", "host"),
        ("/api/awards/?q=" + "长" * 101, "q"),
        ("/api/events.csv?year=abc", "year"),
    ],
)
def test_a_bad_filter_is_a_400_with_the_form_message(client, seed_content, url, field):
    errors = get_json(client, url, status=400)

    assert list(errors) == [field]
    assert errors[field][0]


def test_drafts_and_scheduled_items_never_appear(client, seed_content):
    draft = make_event(status=PublicationStatus.DRAFT, year=2023, rank=91)
    scheduled = make_event(published_at=timezone.now() + datetime.timedelta(days=1), year=2023, rank=92)
    make_milestone(event=draft, slug="draft-milestone")
    award = make_award(event=draft, slug="award-of-a-draft")
    hidden_award = make_award(status=PublicationStatus.DRAFT, slug="draft-award")

    events = get_json(client, "/api/events/?page_size=100")
    assert events["count"] == 10
    assert {draft.slug, scheduled.slug}.isdisjoint(row["slug"] for row in events["results"])
    for slug in (draft.slug, scheduled.slug):
        assert get_json(client, f"/api/events/{slug}/", status=404)["detail"]
        assert draft.slug not in client.get("/api/events.csv").content.decode()
    assert "draft-milestone" not in client.get("/api/milestones/?page_size=100").content.decode()
    assert get_json(client, f"/api/awards/{hidden_award.slug}/", status=404)
    # An award of a draft event is public, but does not name the event.
    assert get_json(client, f"/api/awards/{award.slug}/")["event"] is None
    assert draft.slug not in client.get("/api/awards.csv").content.decode()


def test_pages_are_bounded_and_linked(client, seed_content):
    first = get_json(client, "/api/regions/?page_size=10")
    assert len(first["results"]) == 10 and first["count"] == 35
    assert first["previous"] is None
    assert first["next"] == "http://testserver/api/regions/?page=2&page_size=10"

    last = get_json(client, "/api/regions/?page_size=10&page=4")
    assert len(last["results"]) == 5 and last["next"] is None
    assert last["previous"] == "http://testserver/api/regions/?page=3&page_size=10"

    assert len(get_json(client, "/api/regions/?page_size=10000")["results"]) == 35
    assert get_json(client, "/api/events/?page_size=10000")["results"]  # capped, not refused
    assert get_json(client, "/api/regions/?page=5&page_size=10", status=404)["detail"]
    assert get_json(client, "/api/regions/?page=abc", status=404)["detail"]


def test_the_order_is_stable_across_pages(client, seed_content):
    everything = [row["slug"] for row in get_json(client, "/api/milestones/?page_size=100")["results"]]
    paged = []
    for page in range(1, len(everything) // 5 + 2):
        response = client.get(f"/api/milestones/?page_size=5&page={page}")
        if response.status_code == 404:
            break
        paged += [row["slug"] for row in response.json()["results"]]

    assert paged == everything


def test_regions_have_their_gb_t_2260_codes(client, seed_content):
    regions = get_json(client, "/api/regions/?page_size=100")["results"]

    assert len(regions) == 35
    assert regions[0] == regions[0] | {
        "code": "110000",
        "name": "北京市",
        "short_name": "北京",
        "slug": "beijing",
    }
    assert any(region["code"] == "660000" and region["kind"] == "corps" for region in regions)


def test_get_answers_any_origin_and_revalidates_with_a_304(client, seed_content):
    response = client.get("/api/events/")
    assert response["Access-Control-Allow-Origin"] == "*"
    etag = response["ETag"]

    again = client.get("/api/events/", headers={"If-None-Match": etag})

    assert again.status_code == 304
    assert client.post("/api/events/").status_code in (403, 405)


def test_the_accept_header_never_changes_the_format(client, seed_content):
    """Responses are cached by URL, so only the URL may choose the format."""
    response = client.get("/api/events/", headers={"Accept": "text/csv"})

    assert response["Content-Type"] == "application/json"
    assert "Vary" not in response or "Accept" not in response["Vary"].split(", ")


def test_api_responses_are_cached_and_made_stale_like_pages(
    client, page_cache, seed_content, django_assert_num_queries, django_capture_on_commit_callbacks
):
    first = client.get("/api/events/2023-second-national-skills-competition/")
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = client.get("/api/events/2023-second-national-skills-competition/")
    assert second["X-Page-Cache"] == "hit"
    assert second["Access-Control-Allow-Origin"] == "*"

    with django_capture_on_commit_callbacks(execute=True):
        make_key_figure(
            event=Event.objects.get(slug="2023-second-national-skills-competition"), key="new-figure"
        )

    third = client.get("/api/events/2023-second-national-skills-competition/")
    assert third["X-Page-Cache"] == "miss"
    assert "new-figure" in {figure["key"] for figure in third.json()["key_figures"]}


@pytest.mark.parametrize("collection", COLLECTIONS)
def test_a_list_costs_the_same_queries_however_many_rows(client, seed_content, collection):
    """No N+1: a page of a list reads its rows and their relations in a fixed number of queries."""
    before = count_queries(client, f"/api/{collection}/?page_size=100")
    event = make_event(year=2023, rank=50)
    for _ in range(3):
        make_milestone(event=event)
        make_key_figure(event=event)
        make_award(event=event)

    assert count_queries(client, f"/api/{collection}/?page_size=100") == before


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        get_json(client, url)
    return len(queries)
