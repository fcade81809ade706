"""Every list and detail page costs a fixed number of queries, however much content exists.

Each page is requested with many rows present, then again after more rows are added; the
count is asserted exactly both times, so an N+1 shows up as a failure on the second request.
"""

import datetime

import pytest

from events.models import AwardRecipient, Province, Sector

from .factories import (
    make_award,
    make_category,
    make_event,
    make_key_figure,
    make_milestone,
    make_training_base,
)


def add_content(count, provinces, sector, start_rank):
    """`count` events, each with milestones, figures, regions, an award with recipients and bases."""
    category = make_category()
    for offset in range(count):
        rank = start_rank + offset
        event = make_event(year=2022, rank=rank, category=category, slug=f"bulk-event-{rank}")
        event.regions.set(provinces[:3])
        for day in (1, 2, 3):
            milestone = make_milestone(event=event, date=datetime.date(2022, 1 + rank % 12, day))
            milestone.regions.set(provinces[:2])
        for _ in range(3):
            make_key_figure(event=event, is_headline=True)
        award = make_award(event=event, ceremony="批量表彰大会", conferred_on=datetime.date(2022, 5, 1))
        for number in range(3):
            AwardRecipient.objects.create(award=award, name=f"获奖者{number}", province=provinces[0])
        base = make_training_base(province=provinces[0], host_type="enterprise")
        base.sectors.set([sector])
        base.batch.event = event
        base.batch.save()


@pytest.fixture
def many_rows(seed_content):
    provinces = list(Province.objects.order_by("code")[:4])
    sector = Sector.objects.get(slug="intelligent-manufacturing")
    add_content(30, provinces, sector, start_rank=1)
    return lambda: add_content(10, provinces, sector, start_rank=31)


# The page, and the number of queries it makes; each is explained in the test below.
PAGES = {
    # latest year; the ten events; the year's headline figures; the latest milestones
    "/": 4,
    # year choices, then the count and the page of events, their regions, and the form's
    # category and province choices; chosen values are checked against those same choices
    "/events/": 6,
    "/events/?year=2023&category=competitions&region=tianjin&q=大赛": 8,
    # the event with category and source, then regions, figures, milestones and their
    # regions, awards, base batches and their bases, then the year's events for the pager
    "/events/bulk-event-5/": 9,
    # year choices, count, page with events, the form's province and event choices;
    # a chosen region adds the look-up of its slug
    "/milestones/": 5,
    "/milestones/?year=2022&month=6&region=beijing": 6,
    # the milestone with its event, its regions, batches it announced, the event's milestones
    "/milestones/2023-05-07-16th-high-skilled-talent-commendation/": 4,
    # year choices, count, page
    "/awards/": 3,
    # the award with its event, recipients with provinces, awards of the same ceremony
    "/awards/16th-china-skills-award/": 3,
    # year choices, count, page, per-kind totals and their sectors, the chart, and the
    # form's kind, province and sector choices
    "/bases/": 9,
    "/bases/?region=beijing&host=enterprise&sector=advanced-manufacturing&year=2023": 11,
    # the base with batch, kind, event and announcement, then its sectors
    "/bases/beijing-light-industry-technician-college/": 2,
    # the province; its events, milestones, bases and award recipients
    "/regions/beijing/": 5,
    # how many events, milestones, awards and bases match; the rows of each kind that does
    "/search/?q=工匠精神": 5,
}


@pytest.mark.parametrize("url", PAGES)
def test_page_query_count_does_not_grow_with_content(client, many_rows, django_assert_num_queries, url):
    with django_assert_num_queries(PAGES[url]):
        response = client.get(url)
    assert response.status_code == 200
    if "filter" in response.context:
        assert not response.context["filter"].form.errors
        assert response.context["paginator"].count > 0

    many_rows()  # ten more events with everything attached

    with django_assert_num_queries(PAGES[url]):
        assert client.get(url).status_code == 200


# With values kept per content version warm (production's case for every request but the
# first after a change): counts, year lists, the region, category, kind and sector options,
# each list page's primary keys and the rows' HTML come from the cache, so a list reads
# nothing; filters by a region, category or sector still check the value against its table.
# The home page's body is kept whole, so it reads only the latest edition, which names the
# page; a search page keeps its results whole and reads nothing.
WARM_PAGES = {
    "/": 1,
    "/events/": 0,
    "/events/?year=2023&category=competitions&region=tianjin&q=大赛": 2,  # category, region look-ups
    "/events/bulk-event-5/": 0,  # the event and its body, with all it lists, are kept per event
    "/milestones/": 0,  # the months of the page are kept whole, with the form
    "/awards/": 0,
    "/bases/": 0,
    "/bases/?region=beijing&host=enterprise&sector=advanced-manufacturing&year=2023": 2,  # region, sector
    "/search/?q=工匠精神": 0,  # its results, counts and passages are kept whole per query
}


@pytest.mark.parametrize("url", WARM_PAGES)
def test_warm_pages_read_only_what_is_not_kept(client, many_rows, settings, django_assert_num_queries, url):
    settings.CONTENT_CACHE_SECONDS = 3600  # the page cache stays off: every request renders
    first = client.get(url)
    assert first.status_code == 200

    with django_assert_num_queries(WARM_PAGES[url]):
        second = client.get(url)
    assert second.content == first.content
