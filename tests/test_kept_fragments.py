"""Parts of pages kept per content version (list rows, filter forms, an event page's body)
show exactly what a fresh render shows: never an old version, another language, another
display mode or a staff preview."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.content_version import STATE_KEY
from events.local_copies import LocalCopies
from events.models import Event, PublicationStatus

from .factories import make_event
from .staff import EDITOR, staff_client

pytestmark = pytest.mark.django_db

EVENT = "/events/2023-skills-china-action/"
PAGES = [
    "/",
    "/events/",
    "/events/?year=2023",
    "/events/?year=2023&category=nonsense",
    EVENT,
    "/milestones/",
    "/milestones/?year=2023&month=9",
    "/milestones/2023-national-skills-competitions/",
    "/awards/",
    "/awards/16th-china-skills-award/",
    "/bases/",
    "/bases/beijing-light-industry-technician-college/",
    "/regions/beijing/",
    "/sitemap/",
    "/search/?q=技能",
    "/search/?q=火星",
]
# The same address in Chinese, in English, and in 长辈版 (a cookie).
EDITIONS = [("", None), ("/en", None), ("", "elder")]


@pytest.fixture
def parts_kept(settings):
    """Values and parts kept per content version, as in production; the page cache stays
    off, so every request renders its page."""
    settings.CONTENT_CACHE_SECONDS = 3600
    cache.clear()
    yield
    cache.clear()


def render_all(client):
    pages = {}
    for prefix, display in EDITIONS:
        if display:
            client.cookies["display"] = display
        else:
            client.cookies.pop("display", None)
        for url in PAGES:
            response = client.get(prefix + url)
            assert response.status_code == 200, prefix + url
            pages[prefix + url, display] = response.content.decode()
    return pages


def test_pages_with_kept_parts_are_the_pages_rendered_afresh(client, seed_content, settings):
    fresh = render_all(client)

    settings.CONTENT_CACHE_SECONDS = 3600
    cache.clear()
    try:
        render_all(client)  # every part kept, in every language and display mode
        kept = render_all(client)
    finally:
        cache.clear()

    assert kept.keys() == fresh.keys()
    for page in fresh:
        assert kept[page] == fresh[page], page


def test_an_edited_event_shows_its_new_title_on_the_list_and_its_page_at_once(
    client, seed_content, parts_kept, django_capture_on_commit_callbacks
):
    event = Event.objects.get(slug="2023-skills-china-action")
    assert event.title in client.get("/events/").content.decode()
    assert event.title in client.get(EVENT).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        event.title = "技能中国行动全面推开"
        event.title_en = "Skills China campaign rolled out nationwide"
        event.save()

    assert "技能中国行动全面推开" in client.get("/events/").content.decode()
    assert "技能中国行动全面推开" in client.get(EVENT).content.decode()
    assert "Skills China campaign rolled out nationwide" in client.get("/en/events/").content.decode()
    assert "Skills China campaign rolled out nationwide" in client.get("/en" + EVENT).content.decode()


def test_a_search_finds_an_edited_title_at_once(
    client, seed_content, parts_kept, django_capture_on_commit_callbacks
):
    event = Event.objects.get(slug="2023-skills-china-action")
    assert "没有找到" in client.get("/search/?q=嘉年华").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        event.title = "职业技能嘉年华全面举办"
        event.save()

    found = client.get("/search/?q=嘉年华").content.decode()
    assert "没有找到" not in found
    assert event.get_absolute_url() in found


def test_the_english_edition_never_shows_chinese_rows_kept_for_the_chinese_one(
    client, seed_content, parts_kept
):
    event = Event.objects.get(slug="2023-skills-china-action")
    assert event.title_en
    client.get("/events/")
    client.get(EVENT)

    assert f"{event.title_en}</a>" in client.get("/en/events/").content.decode()
    assert f"<h1>{event.title_en}</h1>" in client.get("/en" + EVENT).content.decode()
    # and the other way round, once the English parts are kept
    assert f"{event.title}</a>" in client.get("/events/").content.decode()
    assert f"<h1>{event.title}</h1>" in client.get(EVENT).content.decode()


def test_a_staff_preview_is_never_kept_for_the_public(
    client, seed_content, parts_kept, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        draft = make_event(year=2024, title="尚未发布的草稿标题", status=PublicationStatus.DRAFT)
    staff_client(client, EDITOR)
    preview = client.get(draft.get_absolute_url())
    assert "尚未发布的草稿标题" in preview.content.decode()
    assert "预览" in preview.content.decode()

    # Made public by a write that does not replace the content version: had the preview
    # been kept, the public would now be served it.
    Event.objects.filter(pk=draft.pk).update(title="发布后的标题", status=PublicationStatus.PUBLISHED)
    client.logout()

    public = client.get(draft.get_absolute_url()).content.decode()
    assert "发布后的标题" in public
    assert "尚未发布的草稿标题" not in public
    assert "preview-banner" not in public


def test_a_list_whose_rows_are_kept_reads_no_row_again(client, seed_content, parts_kept):
    first = client.get("/events/?year=2023").content.decode()
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/events/?year=2023").content.decode()
    assert again == first
    assert len(queries) == 0  # the count, the page's keys and its rows are all kept

    # Another page of rows already kept: its keys are read (one narrow query), no row.
    with CaptureQueriesContext(connection) as queries:
        client.get("/events/?year=2023&category=")
    assert len(queries) <= 1
    assert all('"events_event"."summary"' not in query["sql"] for query in queries)


def test_a_process_answers_kept_parts_from_its_own_copies_until_content_changes(
    client, seed_content, parts_kept, django_capture_on_commit_callbacks
):
    event = Event.objects.get(slug="2023-skills-china-action")
    old_title = event.title
    client.get(EVENT)
    # The shared cache loses every part but the content version: this process still has
    # its copies of the body, so the page is unchanged and needs no render.
    version = cache.get(STATE_KEY)
    cache.clear()
    cache.set(STATE_KEY, version, None)
    Event.objects.filter(pk=event.pk).update(title="未经保存流程的改动")
    assert f"<h1>{old_title}</h1>" in client.get(EVENT).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        event.title = "技能中国行动全面推开"
        event.save()
    page = client.get(EVENT).content.decode()
    assert "<h1>技能中国行动全面推开</h1>" in page and f"<h1>{old_title}</h1>" not in page


def test_copies_are_bounded_dropped_with_their_version_and_expire():
    copies = LocalCopies(max_size=32_000)
    copies.set_many("v1", {f"k{n}": "x" * 1_000 for n in range(40)}, 60)
    kept = copies.get_many("v1", [f"k{n}" for n in range(40)])
    assert 0 < len(kept) <= 32 and "k39" in kept and "k0" not in kept  # the oldest went first

    assert copies.get_many("v2", ["k39"]) == {}  # a new version drops the old one's copies
    assert copies.get_many("v1", ["k39"]) == {}

    copies.set_many("v2", {"soon": "gone"}, 0)
    assert copies.get_many("v2", ["soon"]) == {}


def test_an_address_that_names_nothing_public_keeps_nothing(
    client, seed_content, parts_kept, django_capture_on_commit_callbacks
):
    assert client.get("/events/coming-soon/").status_code == 404
    # Published by a write that does not replace the content version: a kept "not found"
    # would hide it until the next change.
    make_event(year=2024, slug="coming-soon", title="即将公布的大事")
    page = client.get("/events/coming-soon/")
    assert page.status_code == 200 and "即将公布的大事" in page.content.decode()


def test_an_unpublished_event_leaves_its_kept_page_at_once(
    client, seed_content, parts_kept, django_capture_on_commit_callbacks
):
    event = Event.objects.get(slug="2023-skills-china-action")
    assert client.get(EVENT).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        event.status = PublicationStatus.DRAFT
        event.save()
    assert client.get(EVENT).status_code == 404
