"""The English edition under /en/: interface from locale/, content from the `_en` fields,
Chinese at the same URLs as before, a language switch and hreflang alternates on every
page, and Chinese with a notice where an item has no English yet."""

import csv
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import Event, Milestone

from .content_io import import_content
from .factories import make_event
from .staff import EDITOR, staff_client

EVENT = "/events/2023-world-skills-museum/"


def test_chinese_stays_at_its_urls_and_english_is_under_en(client, seed_content):
    chinese = client.get(EVENT).content.decode()
    english = client.get("/en" + EVENT).content.decode()

    assert '<html lang="zh-Hans">' in chinese
    assert "<h1>世界技能博物馆开馆</h1>" in chinese
    assert '<html lang="en">' in english
    assert "<h1>The World Skills Museum opens</h1>" in english
    assert "On 6 November 2023 the World Skills Museum opened in Shanghai." in english
    assert '<a href="/en/">Home</a>' in english
    assert "Skip to content" in english


def test_every_page_links_to_itself_in_the_other_language_with_hreflang(client, seed_content):
    chinese = client.get("/events/?year=2023").content.decode()
    english = client.get("/en/events/?year=2023").content.decode()

    for html in (chinese, english):
        for hreflang, url in (("zh-Hans", "/events/"), ("en", "/en/events/"), ("x-default", "/events/")):
            link = f'<link rel="alternate" hreflang="{hreflang}"'
            assert f'{link} href="http://testserver{url}?year=2023">' in html
    assert '<a href="/en/events/?year=2023" lang="en" hreflang="en">English</a>' in chinese
    assert '<a href="/events/?year=2023" lang="zh-Hans" hreflang="zh-Hans">中文</a>' in english


def test_english_home_lists_the_ten_events_and_figures_in_english(client, seed_content):
    html = client.get("/en/").content.decode()

    assert "<h1>Ten major events in vocational skills development, 2023</h1>" in html
    assert "The 2nd Vocational Skills Competition of the People&#x27;s Republic of China is held" in html
    assert "nearly 120,000" in html
    assert "2023 · Regulation</p>" in html.replace("\n", "")
    assert "近12万" not in html
    assert "Latest milestones" in html


def test_english_dates_and_timeline_months(client, seed_content):
    html = client.get("/en/milestones/?year=2023").content.decode()

    assert '<time datetime="2023-11-06">6 November 2023</time>' in html
    assert '<time datetime="2023-11">November 2023</time>' in html
    assert "2023年" not in html.split("<main", 1)[1].split("</form>", 1)[1]


def test_item_without_english_falls_back_to_chinese_with_a_notice(client, db):
    event = make_event(title="尚未翻译的大事", slug="untranslated-event")

    html = client.get(f"/en/events/{event.slug}/").content.decode()

    assert "This item has not been translated into English yet; it is shown in Chinese." in html
    assert '<article class="article" lang="zh-Hans">' in html
    assert "<h1>尚未翻译的大事</h1>" in html
    chinese = client.get(f"/events/{event.slug}/").content.decode()
    assert "This item has not been translated" not in chinese


def test_translated_item_has_no_notice(client, seed_content):
    html = client.get("/en" + EVENT).content.decode()

    assert "has not been translated" not in html


def test_the_ten_events_of_2023_and_their_milestones_are_translated(seed_content):
    events = Event.objects.filter(year=2023)
    assert events.count() == 10
    for event in events:
        assert event.title_en and event.short_title_en and event.summary_en and event.body_en, event.slug
        assert not any("\u4e00" <= char <= "\u9fff" for char in event.body_en), event.slug
    for milestone in Milestone.objects.filter(event__year=2023):
        assert milestone.title_en and milestone.description_en, milestone.slug


def test_english_feed_and_sitemap(client, seed_content):
    feed = client.get("/en/feeds/events/").content.decode()
    assert 'xml:lang="en"' in feed
    assert "<title>2023 event 7: The World Skills Museum opens</title>" in feed
    assert "http://testserver/en/events/2023-world-skills-museum/" in feed

    index = client.get("/en/sitemap.xml").content.decode()
    assert "http://testserver/en/sitemap-events.xml" in index
    section = client.get("/en/sitemap-events.xml").content.decode()
    assert "<loc>http://testserver/en/events/2023-world-skills-museum/</loc>" in section
    robots = client.get("/robots.txt").content.decode()
    assert "Disallow: /en/search/\n" in robots
    assert "Sitemap: http://testserver/sitemap.xml\nSitemap: http://testserver/en/sitemap.xml\n" in robots
    chinese = client.get("/sitemap-events.xml").content.decode()
    assert "<loc>http://testserver/events/2023-world-skills-museum/</loc>" in chinese


def test_english_pages_are_cached_apart_from_chinese(client, seed_content, page_cache):
    assert client.get("/events/")["X-Page-Cache"] == "miss"
    english = client.get("/en/events/")
    assert english["X-Page-Cache"] == "miss"
    again = client.get("/en/events/")
    assert again["X-Page-Cache"] == "hit"
    assert '<html lang="en">' in again.content.decode()


@pytest.mark.parametrize("path", ["/", "/events/", "/milestones/", "/sitemap/", "/regions/beijing/"])
def test_english_pages_keep_query_counts_of_chinese_pages(client, seed_content, path):
    with CaptureQueriesContext(connection) as chinese:
        client.get(path)
    with CaptureQueriesContext(connection) as english:
        client.get("/en" + path)

    assert len(english) == len(chinese)


def test_editors_edit_both_languages_side_by_side(client, seed_content):
    staff_client(client, EDITOR)
    event = Event.objects.get(slug="2023-world-skills-museum")

    html = client.get(f"/admin/events/event/{event.pk}/change/").content.decode()

    # One form row holds the Chinese field and its English twin.
    for name in ("title", "short_title", "summary", "body"):
        assert f'class="form-row field-{name} field-{name}_en"' in html, name
    assert 'value="The World Skills Museum opens"' in html
    milestone_row = 'class="form-row field-title field-title_en"'
    assert html.count(milestone_row) >= 2  # the event's and each milestone's


def test_export_and_import_carry_both_languages(seed_content, tmp_path):
    stdout = io.StringIO()
    call_command("export_content", "--format", "csv", "--model", "milestone", stdout=stdout)
    rows = list(csv.DictReader(io.StringIO(stdout.getvalue().lstrip("\ufeff"))))
    opening = next(row for row in rows if row["slug"] == "2023-11-06-world-skills-museum-opens")
    assert opening["title"] == "世界技能博物馆在上海开馆"
    assert opening["title_en"] == "The World Skills Museum opens in Shanghai"
    assert opening["venue_en"] == "Shanghai"

    opening["title_en"] = "The World Skills Museum opens its doors in Shanghai"
    path = tmp_path / "milestones.csv"
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerow(opening)
    import_content(path)

    milestone = Milestone.objects.get(slug="2023-11-06-world-skills-museum-opens")
    assert milestone.title_en == "The World Skills Museum opens its doors in Shanghai"
    assert milestone.title == "世界技能博物馆在上海开馆"


def test_english_award_page(client, seed_content):
    html = client.get("/en/awards/16th-china-skills-award/").content.decode()

    assert "<h1>16th China Skills Award</h1>" in html
    assert "<dd>Ministry of Human Resources and Social Security</dd>" in html
    assert '<time datetime="2023-05-07">7 May 2023</time>' in html
    assert "<dt>Number of recipients</dt>" in html


def test_english_region_page(client, seed_content):
    html = client.get("/en/regions/tianjin/").content.decode()

    assert "<h1>Tianjin Municipality</h1>" in html
    assert "Latest milestones" in html
    assert "Competition of the People&#x27;s Republic of China is held in Tianjin</a>" in html


def test_english_base_page_shows_untranslated_names_in_chinese_with_the_notice(client, seed_content):
    html = client.get("/en/bases/beijing-light-industry-technician-college/").content.decode()

    assert "This item has not been translated into English yet" in html
    assert '<article class="article" lang="zh-Hans">' in html
    assert "<dt>Region</dt>" in html
    assert '<a href="/en/regions/beijing/">Beijing Municipality</a>' in html


def test_english_search_explains_that_content_is_searched_in_chinese(client, seed_content):
    html = client.get("/en/search/").content.decode()
    assert "The content is searched in Chinese" in html

    html = client.get("/en/search/?q=工匠精神").content.decode()
    assert "Results for “工匠精神”" in html


def test_english_filters_speak_english_and_chinese_filters_stay_chinese(client, seed_content, page_cache):
    english = client.get("/en/events/").content.decode()
    chinese = client.get("/events/").content.decode()

    for text in ("All years", "All categories", "All regions", ">Beijing Municipality<", ">2023<"):
        assert text in english
    for text in ("全部年份", "全部类别", "全部地区", ">北京市<", ">2023年<"):
        assert text in chinese
        assert text not in english

    timeline = client.get("/en/milestones/?year=2023").content.decode()
    assert "All months" in timeline and ">November<" in timeline
