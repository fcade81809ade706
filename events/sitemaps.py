"""Sitemaps of the public pages; URLs use the host the request came to."""

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import SitemapIndexItem, sitemap
from django.template.response import TemplateResponse
from django.urls import reverse

from .content_version import ContentCachedPaginator
from .models import Award, Event, Milestone, Province, TrainingBase


class RequestHostSitemap(Sitemap):
    """Builds absolute URLs on the request's host rather than the sites framework's record.

    Sections are split into pages of `limit` URLs so that each file renders quickly even
    with 100,000 events; /sitemap.xml is the index of those pages.
    """

    limit = 5000

    def __init__(self, request):
        self.request = request

    def get_domain(self, site=None):
        return self.request.get_host()

    def get_protocol(self, protocol=None):
        return self.request.scheme

    @property
    def paginator(self):
        # The index counts every section; the counts only change with the content.
        return ContentCachedPaginator(self._items(), self.limit, count_key=f"sitemap:{type(self).__name__}")


class PageSitemap(RequestHostSitemap):
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


class PublishableSitemap(RequestHostSitemap):
    model = None

    def items(self):
        return self.model.objects.published().order_by("pk")

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


class ProvinceSitemap(RequestHostSitemap):
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


def sitemaps_for(request):
    return {name: sitemap_class(request) for name, sitemap_class in SITEMAPS.items()}


def sitemap_index(request):
    """/sitemap.xml: every page of every section, as absolute URLs on the request's host."""
    locations = []
    for section, section_sitemap in sitemaps_for(request).items():
        url = request.build_absolute_uri(reverse("events:sitemap_section", args=[section]))
        locations.append(url)
        locations.extend(f"{url}?p={page}" for page in range(2, section_sitemap.paginator.num_pages + 1))
    return TemplateResponse(
        request,
        "sitemap_index.xml",
        {"sitemaps": [SitemapIndexItem(location, None) for location in locations]},
        content_type="application/xml",
    )


def sitemap_section(request, section):
    """One section's sitemap, `?p=` choosing its page."""
    return sitemap(request, sitemaps=sitemaps_for(request), section=section)
