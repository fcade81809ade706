"""iCalendar files of the timeline, read back with the icalendar package; the Atom feed with feedparser."""

import datetime

import feedparser
import icalendar
import pytest

from events.models import Milestone, PublicationStatus

from .factories import make_event, make_milestone

pytestmark = pytest.mark.django_db


def parse_calendar(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    events = calendar.walk("VEVENT")
    for event in events:
        assert event.get("UID") and event.get("DTSTART") and event.get("SUMMARY"), event
    return events


def by_title(events):
    return {str(event["SUMMARY"]).rsplit("：", 1)[-1]: event for event in events}


def test_every_event_calendar_parses_with_uid_start_and_summary(client, seed_content):
    events = client.get("/api/events/?page_size=100").json()["results"]
    assert len(events) == 10
    for event in events:
        parsed = parse_calendar(client, f"/events/{event['slug']}/calendar.ics")
        assert len(parsed) == Milestone.objects.filter(event__slug=event["slug"]).count()
        for vevent in parsed:
            assert str(vevent["URL"]) == f"http://testserver/events/{event['slug']}/"


def test_the_timeline_calendar_holds_every_public_milestone(client, seed_content):
    draft = make_event(status=PublicationStatus.DRAFT, year=2023, rank=90)
    make_milestone(event=draft, title="草稿大事的节点")

    events = parse_calendar(client, "/milestones/calendar.ics")

    assert len(events) == Milestone.objects.published().count()
    assert "草稿大事的节点" not in by_title(events)


def test_precision_decides_the_span(client, seed_content):
    event = make_event(year=2024, rank=1)
    make_milestone(event=event, title="一日", date=datetime.date(2024, 3, 5), precision="day")
    make_milestone(
        event=event,
        title="数日",
        date=datetime.date(2024, 3, 5),
        end_date=datetime.date(2024, 3, 8),
        precision="day",
    )
    make_milestone(event=event, title="一月", date=datetime.date(2024, 2, 1), precision="month")
    make_milestone(
        event=event,
        title="数月",
        date=datetime.date(2024, 5, 1),
        end_date=datetime.date(2024, 12, 1),
        precision="month",
    )
    make_milestone(event=event, title="全年", date=datetime.date(2024, 1, 1), precision="year")

    events = by_title(parse_calendar(client, f"/events/{event.slug}/calendar.ics"))

    def span(title):
        return events[title].decoded("DTSTART"), events[title].decoded("DTEND")

    # All-day events: DATE values, DTEND the day after the last day.
    assert span("一日") == (datetime.date(2024, 3, 5), datetime.date(2024, 3, 6))
    assert span("数日") == (datetime.date(2024, 3, 5), datetime.date(2024, 3, 9))
    assert span("一月") == (datetime.date(2024, 2, 1), datetime.date(2024, 3, 1))
    assert span("数月") == (datetime.date(2024, 5, 1), datetime.date(2025, 1, 1))
    assert span("全年") == (datetime.date(2024, 1, 1), datetime.date(2025, 1, 1))
    assert not isinstance(events["一日"].decoded("DTSTART"), datetime.datetime)
    assert str(events["一日"]["SUMMARY"]) == "一日"
    assert str(events["一月"]["SUMMARY"]) == "2024年2月：一月"
    assert str(events["数月"]["SUMMARY"]) == "2024年5月至12月：数月"
    assert str(events["全年"]["SUMMARY"]) == "2024年（全年）：全年"


def test_uids_stay_the_same_when_a_milestone_changes(client, seed_content):
    milestone = make_milestone(title="原标题", date=datetime.date(2024, 3, 5))
    url = f"/events/{milestone.event.slug}/calendar.ics"
    before = str(parse_calendar(client, url)[0]["UID"])

    milestone.title = "新标题"
    milestone.date = datetime.date(2024, 3, 6)
    milestone.save()
    after = parse_calendar(client, url)[0]

    assert str(after["UID"]) == before
    assert str(after["SUMMARY"]) == "新标题"


def test_the_timeline_calendar_takes_the_timeline_filters(client, seed_content):
    events = parse_calendar(client, "/milestones/calendar.ics?year=2023&month=5")
    page = client.get("/milestones/?year=2023&month=5")

    assert len(events) == page.context["paginator"].count
    response = client.get("/milestones/calendar.ics?month=5")
    assert response.status_code == 400
    assert "年份" in response.content.decode()


def test_a_draft_event_has_no_calendar(client, seed_content):
    draft = make_event(status=PublicationStatus.DRAFT)

    assert client.get(f"/events/{draft.slug}/calendar.ics").status_code == 404


def test_feedparser_reads_the_atom_feed_without_error(client, seed_content):
    response = client.get("/feeds/events/")

    feed = feedparser.parse(response.content)

    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert len(feed.entries) == 10
    assert all(entry.link.startswith("http://testserver/events/") for entry in feed.entries)
