"""Sitemaps of the public pages, written by Django's sitemap views on the sites framework's
domain (SITE_DOMAIN, applied to the Site record by skillsite/sites.py)."""

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import index, sitemap
from django.db.models import Max
from django.urls import reverse

from .content_version import ContentCachedPaginator, content_cached
from .models import Award, Event, Milestone, Province, TrainingBase


class SectionSitemap(Sitemap):
    """Sections are split into pages of `limit` URLs so that each file renders quickly even
    with 100,000 events; /sitemap.xml is the index of those pages."""

    limit = 5000

    def get_latest_lastmod(self):
        # Django's would read every item of the section for the index; none is needed.
        return None

    @property
    def paginator(self):
        # The index counts every section; the counts only change with the content.
        return ContentCachedPaginator(self._items(), self.limit, count_key=f"sitemap:{type(self).__name__}")


class PageSitemap(SectionSitemap):
    changefreq = "weekly"

    def items(self):
        return [
            "events:home",
            "events:event_list",
            "events:milestone_list",
            "events:award_list",
            "events:base_list",
        ]

    def location(self, item):
        return reverse(item)


class PublishableSitemap(SectionSitemap):
    model = None

    def items(self):
        return self.model.objects.published().order_by("pk")

    def get_latest_lastmod(self):
        return content_cached(
            f"sitemap-lastmod:{type(self).__name__}",
            lambda: self.items().aggregate(latest=Max("updated_at"))["latest"],
        )

    def lastmod(self, item):
        return item.updated_at


class EventSitemap(PublishableSitemap):
    model = Event
    priority = 0.8


class AwardSitemap(PublishableSitemap):
    model = Award


class TrainingBaseSitemap(PublishableSitemap):
    model = TrainingBase


class MilestoneSitemap(PublishableSitemap):
    model = Milestone


class ProvinceSitemap(SectionSitemap):
    def items(self):
        return Province.objects.order_by("code")


SITEMAPS = {
    "pages": PageSitemap,
    "events": EventSitemap,
    "milestones": MilestoneSitemap,
    "awards": AwardSitemap,
    "bases": TrainingBaseSitemap,
    "regions": ProvinceSitemap,
}


def sitemap_index(request):
    """/sitemap.xml: every page of every section."""
    return index(request, sitemaps=SITEMAPS, sitemap_url_name="events:sitemap_section")


def sitemap_section(request, section):
    """One section's sitemap, `?p=` choosing its page."""
    return sitemap(request, sitemaps=SITEMAPS, section=section)
