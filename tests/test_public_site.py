"""The site as a whole: every internal link resolves, pages are valid HTML5 with their own
metadata, and the feed, sitemap, robots.txt, health check and error pages answer."""

import re
import xml.etree.ElementTree as ElementTree
from collections import deque
from urllib.parse import urljoin, urlsplit

import html5lib
from django.contrib.staticfiles import finders
from django.db import DatabaseError

from events import sitemaps
from events.views import site as site_views

ATOM = "{http://www.w3.org/2005/Atom}"
JSON_LD = re.compile(r'<script type="application/ld\+json">[^<]*</script>')
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def parse_strict(html):
    """Parse as a browser would, failing on any HTML5 parse error."""
    return html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(html)


def internal_links(document, page_url):
    for element in document.iter():
        # rel="nofollow" marks an action such as the 长辈版 switch, not a page.
        if element.tag in ("a", "link") and element.get("href") and element.get("rel") != "nofollow":
            url = urljoin(f"http://testserver{page_url}", element.get("href"))
            parts = urlsplit(url)
            if parts.netloc == "testserver":
                yield parts.path + (f"?{parts.query}" if parts.query else "")


def crawl(client, start="/"):
    """Every page reachable from `start`, with its response and parsed document."""
    seen = {start}
    queue = deque([start])
    pages = {}
    while queue:
        url = queue.popleft()
        if url.startswith("/static/"):
            continue
        response = client.get(url)
        pages[url] = response
        if not response["Content-Type"].startswith("text/html"):
            continue
        document = parse_strict(response.content)
        response.document = document
        for link in internal_links(document, url):
            if link not in seen:
                seen.add(link)
                queue.append(link)
    return seen, pages


def check_links_resolve(seen, pages):
    broken = {url: response.status_code for url, response in pages.items() if response.status_code != 200}
    assert not broken
    static = [url for url in seen if url.startswith("/static/")]
    assert static and all(finders.find(urlsplit(url).path.removeprefix("/static/")) for url in static)
    # The crawl reaches every kind of page.
    # The crawl reaches every kind of page, in both languages (through the language switch).
    for prefix in ("/events/2023-", "/milestones/2023-", "/awards/16th-", "/bases/beijing-", "/regions/"):
        assert any(url.startswith(prefix) for url in pages), prefix
        assert any(url.startswith("/en" + prefix) for url in pages), "/en" + prefix
    assert len(pages) > 160


def check_metadata(url, response, titles):
    head = response.document.find("head")
    metas = {meta.get("name") or meta.get("property"): meta.get("content") for meta in head.iter("meta")}
    links = {link.get("rel"): link.get("href") for link in head.iter("link")}
    assert metas.get("description"), url
    assert metas.get("og:title") and metas.get("og:url") and metas.get("og:type"), url
    assert links["canonical"].startswith("http://testserver/"), url
    if "?" not in url:
        # Unique within a language: an untranslated item's English page keeps its Chinese title.
        title = (url.startswith("/en/"), head.find("title").text)
        assert title not in titles, f"{url} has the title of {titles.get(title)}"
        titles[title] = url


LANDMARKS = {
    "zh-Hans": ("跳到正文", "面包屑导航"),
    "en": ("Skip to content", "Breadcrumbs"),
}


def check_landmarks(url, html):
    language = "en" if url.startswith("/en/") else "zh-Hans"
    skip, breadcrumbs = LANDMARKS[language]
    assert html.startswith(f'<!DOCTYPE html>\n<html lang="{language}">'), url
    assert f'<a class="skip-link" href="#main">{skip}</a>' in html, url
    assert '<main id="main"' in html, url
    assert html.count("<h1") == 1, url
    if url not in ("/", "/en/"):
        assert f'aria-label="{breadcrumbs}"' in html, url
    # Each page names itself in both languages for search engines.
    assert '<link rel="alternate" hreflang="en"' in html and 'hreflang="zh-Hans"' in html, url
    # Every page works without JavaScript; schema.org data is a JSON block, not a script.
    assert "<script" not in JSON_LD.sub("", html), url


def test_crawl_from_home_every_link_resolves_to_a_valid_page_with_its_own_metadata(client, seed_content):
    """One crawl, then for every page: it answers 200, parses as strict HTML5 (in crawl),
    has a title, description, canonical link and OpenGraph tags of its own, a skip link,
    breadcrumbs, one h1, and no script."""
    seen, pages = crawl(client)

    check_links_resolve(seen, pages)
    titles = {}
    for url, response in pages.items():
        if response["Content-Type"].startswith("text/html"):
            check_metadata(url, response, titles)
            check_landmarks(url, response.content.decode())


def test_error_pages_are_valid_html5_too(client, seed_content):
    for url in ("/no-such-page/", "/events/?page=999", "/events/?year=abc", "/search/?q=" + "字" * 200):
        parse_strict(client.get(url).content)


def test_404_is_friendly_and_in_the_site_design(client, db):
    response = client.get("/events/no-such-event/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>找不到页面</h1>" in html
    assert 'class="site-header"' in html
    assert 'href="/search/"' in html


def test_500_is_friendly_and_in_the_site_design(client, db, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(site_views.HomeView, "get_context_data", broken)
    client.raise_request_exception = False

    response = client.get("/")

    assert response.status_code == 500
    html = response.content.decode()
    assert "<h1>服务暂时不可用</h1>" in html
    assert 'class="site-header"' in html
    parse_strict(html)


def test_feed_lists_published_events_as_atom(client, seed_content):
    response = client.get("/feeds/events/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(response.content)
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 10
    titles = [entry.find(f"{ATOM}title").text for entry in entries]
    assert "2023年大事二：第二届全国职业技能大赛" in titles
    links = [entry.find(f"{ATOM}link").get("href") for entry in entries]
    assert "http://testserver/events/2023-world-skills-museum/" in links


def locations_in(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    return [loc.text for loc in ElementTree.fromstring(response.content).iter(f"{SITEMAP}loc")]


def test_sitemap_index_names_a_sitemap_per_section(client, seed_content):
    response = client.get("/sitemap.xml")

    assert ElementTree.fromstring(response.content).tag == f"{SITEMAP}sitemapindex"
    assert locations_in(response) == [
        f"http://testserver/sitemap-{section}.xml"
        for section in ("pages", "events", "milestones", "awards", "bases", "regions")
    ]
    assert client.get("/sitemap-nothing.xml").status_code == 404


def test_sitemap_pages_split_a_large_section(client, seed_content, monkeypatch):
    monkeypatch.setattr(sitemaps.SectionSitemap, "limit", 4)

    index = locations_in(client.get("/sitemap.xml"))

    assert "http://testserver/sitemap-events.xml?p=3" in index  # ten events, four a page
    assert len(locations_in(client.get("/sitemap-events.xml?p=3"))) == 2


def test_sitemap_lists_every_public_page_and_each_resolves(client, seed_content):
    locations = []
    for section in locations_in(client.get("/sitemap.xml")):
        locations += locations_in(client.get(urlsplit(section).path))
    assert "http://testserver/" in locations
    assert "http://testserver/events/2023-second-national-skills-competition/" in locations
    assert "http://testserver/milestones/2023-11-06-world-skills-museum-opens/" in locations
    assert "http://testserver/awards/16th-china-skills-award/" in locations
    assert "http://testserver/bases/liang-ziwang-skill-master-studio/" in locations
    assert "http://testserver/regions/beijing/" in locations
    assert len(locations) == 5 + 10 + 29 + 3 + 2 + 35
    for location in locations:
        assert client.get(urlsplit(location).path).status_code == 200, location


def test_robots_txt_names_the_sitemap(client, db):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in body
    assert "Disallow: /admin/" in body


def test_healthz_answers_when_the_database_does(client, db, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"]


class UnreachableDatabase:
    def cursor(self):
        raise DatabaseError("connection refused")


def test_healthz_is_503_when_the_database_does_not_answer(client, db, monkeypatch):
    monkeypatch.setattr(site_views, "connection", UnreachableDatabase())

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.content == b"database unavailable\n"
