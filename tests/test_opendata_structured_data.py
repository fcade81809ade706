"""schema.org JSON-LD on every public detail page: it parses, has its type's properties, and
says what the page shows."""

import json
import re

import pytest

from events.models import Award, AwardRecipient, Event, Milestone, Province, TrainingBase

from .factories import make_event

pytestmark = pytest.mark.django_db

SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)

# What each type must carry (schema.org's expected properties, and what search engines require).
REQUIRED = {
    "Article": {"headline", "datePublished", "dateModified", "author", "publisher", "url"},
    "Event": {"name", "startDate", "location", "url"},
    "ItemList": {"name", "itemListElement", "numberOfItems", "url"},
    "EducationalOrganization": {"name", "address", "url"},
    "Organization": {"name", "address", "url"},
    "AdministrativeArea": {"name", "identifier", "url"},
    "BreadcrumbList": {"itemListElement"},
}


def json_ld(client, url):
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    scripts = SCRIPT.findall(page)
    assert len(scripts) == 1
    data = json.loads(scripts[0])
    assert data["@context"] == "https://schema.org"
    nodes = {node["@type"]: node for node in data["@graph"]}
    for kind, node in nodes.items():
        assert REQUIRED[kind] <= set(node), (kind, REQUIRED[kind] - set(node))
    return nodes, page, response


def check_breadcrumbs(nodes, response):
    items = nodes["BreadcrumbList"]["itemListElement"]
    assert [item["position"] for item in items] == list(range(1, len(items) + 1))
    assert [item["name"] for item in items] == [
        "首页",
        *(label for label, _url in response.context["breadcrumbs"]),
    ]
    assert items[-1]["item"] == response.wsgi_request.build_absolute_uri()


def test_an_event_page_is_an_article(client, seed_content):
    event = Event.objects.get(slug="2023-second-national-skills-competition")

    nodes, page, response = json_ld(client, event.get_absolute_url())

    article = nodes["Article"]
    assert article["url"] == f"http://testserver{event.get_absolute_url()}"
    assert article["alternativeHeadline"] == event.title and event.title in page
    assert article["headline"] == event.short_title
    assert article["description"] == event.summary and event.summary in page
    assert article["articleSection"] == event.category.name
    assert [place["name"] for place in article["contentLocation"]] == ["天津市", "河南省"]
    check_breadcrumbs(nodes, response)


def test_a_milestone_page_is_an_event_at_its_dates(client, seed_content):
    milestone = Milestone.objects.get(slug="2023-05-training-evaluation-rectification")

    nodes, page, response = json_ld(client, milestone.get_absolute_url())

    event = nodes["Event"]
    assert (event["startDate"], event["endDate"]) == ("2023-05", "2023-12")
    assert f'datetime="{event["startDate"]}"' in page
    assert event["name"] == milestone.title
    assert event["location"]["address"]["addressCountry"] == "CN"
    check_breadcrumbs(nodes, response)


def test_a_day_milestone_has_its_venue_as_location(client, seed_content):
    milestone = Milestone.objects.filter(precision="day").exclude(venue="").first()

    nodes, page, _response = json_ld(client, milestone.get_absolute_url())

    assert nodes["Event"]["startDate"] == milestone.date.isoformat()
    assert nodes["Event"]["location"]["name"] == milestone.venue and milestone.venue in page


def test_an_award_page_lists_its_recipients_with_the_honour(client, seed_content):
    award = Award.objects.get(slug="16th-china-skills-award")
    AwardRecipient.objects.create(award=award, name="王某某", organization="某某技师学院", occupation="车工")
    AwardRecipient.objects.create(award=award, name="李某某", province=Province.objects.get(code="120000"))

    nodes, page, response = json_ld(client, award.get_absolute_url())

    recipients = nodes["ItemList"]
    people = [item["item"] for item in recipients["itemListElement"]]
    assert [person["name"] for person in people] == [recipient.name for recipient in award.recipients.all()]
    assert all(person["award"] == str(award) and person["name"] in page for person in people)
    assert recipients["numberOfItems"] == award.recipient_count
    check_breadcrumbs(nodes, response)


def test_a_training_base_page_is_an_educational_organization(client, seed_content):
    base = TrainingBase.objects.get(slug="beijing-light-industry-technician-college")

    nodes, page, response = json_ld(client, base.get_absolute_url())

    organization = nodes["EducationalOrganization"]
    assert organization["name"] == base.name and base.name in page
    assert organization["address"]["addressRegion"] == "北京市"
    check_breadcrumbs(nodes, response)


def test_a_province_page_is_an_administrative_area_with_its_code(client, seed_content):
    province = Province.objects.get(code="120000")

    nodes, _page, response = json_ld(client, province.get_absolute_url())

    assert nodes["AdministrativeArea"]["identifier"] == "120000"
    assert nodes["AdministrativeArea"]["name"] == "天津市"
    check_breadcrumbs(nodes, response)


def test_editor_text_cannot_close_the_script_element(client, seed_content):
    title = '</script><script>alert("x")</script><!--'
    event = make_event(year=2024, title=title, short_title="</SCRIPT>短标题")

    response = client.get(event.get_absolute_url())
    data = json.loads(SCRIPT.findall(response.content.decode())[0])

    article = data["@graph"][0]
    assert (article["alternativeHeadline"], article["headline"]) == (title, "</SCRIPT>短标题")
    assert "<script>alert" not in response.content.decode()


@pytest.mark.parametrize(
    "page, api",
    [
        ("/events/?year=2023&region=tianjin&page=1&utm_source=x", "/api/events{}?year=2023&region=tianjin"),
        ("/milestones/?year=2023&month=5", "/api/milestones{}?year=2023&month=5"),
        ("/awards/", "/api/awards{}"),
        ("/bases/?host=institution", "/api/bases{}?host=institution"),
    ],
)
def test_list_pages_link_their_data_with_the_active_filters(client, seed_content, page, api):
    html = client.get(page).content.decode()

    assert "下载数据" in html
    assert f'href="{api.format(".csv")}"' in html.replace("&amp;", "&")
    assert f'href="{api.format("/")}"' in html.replace("&amp;", "&")


def test_the_timeline_links_its_calendar_and_an_event_its_own(client, seed_content):
    timeline = client.get("/milestones/?year=2023").content.decode()
    event = client.get("/events/2023-second-national-skills-competition/").content.decode()

    assert 'href="/milestones/calendar.ics?year=2023"' in timeline
    assert 'href="/events/2023-second-national-skills-competition/calendar.ics"' in event
