"""The feed, the sitemaps and "view on site" link to the site's own domain (SITE_DOMAIN),
through Django's own code; the feed's summaries are plain text."""

from xml.etree import ElementTree

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.urls import reverse

from .factories import make_event

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def test_feed_summaries_are_sent_as_plain_text(client):
    make_event(summary="编辑输入的<b>标记</b> & <script>alert(1)</script>")

    feed = ElementTree.fromstring(client.get("/feeds/events/").content)

    summary = feed.find(f"{ATOM}entry/{ATOM}summary")
    assert summary.get("type") == "text"
    assert summary.text == "编辑输入的<b>标记</b> & <script>alert(1)</script>"


def test_the_feed_links_itself_on_the_sites_domain(client):
    feed = ElementTree.fromstring(client.get("/feeds/events/").content)

    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
    assert links["self"] == "http://testserver/feeds/events/"
    assert links["alternate"] == "http://testserver/events/"


def test_site_domain_set_in_settings_reaches_feed_sitemap_and_view_on_site(client, settings, admin_user):
    settings.SITE_DOMAIN = "skills.example.gov.cn"
    call_command("migrate", verbosity=0)  # as each deployment does; the Site record follows the setting
    event = make_event(slug="site-domain-event")

    feed = ElementTree.fromstring(client.get("/feeds/events/").content)
    self_link = next(link for link in feed.findall(f"{ATOM}link") if link.get("rel") == "self")
    assert self_link.get("href") == "http://skills.example.gov.cn/feeds/events/"
    assert feed.find(f"{ATOM}entry/{ATOM}link").get("href") == (
        "http://skills.example.gov.cn/events/site-domain-event/"
    )

    index = ElementTree.fromstring(client.get("/sitemap.xml").content)
    assert (
        index.find(f"{SITEMAP}sitemap/{SITEMAP}loc").text == "http://skills.example.gov.cn/sitemap-pages.xml"
    )
    events = ElementTree.fromstring(client.get("/sitemap-events.xml").content)
    assert "http://skills.example.gov.cn/events/site-domain-event/" in [
        loc.text for loc in events.iter(f"{SITEMAP}loc")
    ]

    client.force_login(admin_user)
    content_type = ContentType.objects.get_for_model(event)
    response = client.get(reverse("admin:view_on_site", args=[content_type.pk, event.pk]))
    assert response["Location"] == "http://skills.example.gov.cn/events/site-domain-event/"
