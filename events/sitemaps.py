"""Sitemaps of the public pages; URLs use the host the request came to."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Award, Event, Milestone, Province, TrainingBase


class RequestHostSitemap(Sitemap):
    """Builds absolute URLs on the request's host rather than the sites framework's record."""

    def __init__(self, request):
        self.request = request

    def get_domain(self, site=None):
        return self.request.get_host()

    def get_protocol(self, protocol=None):
        return self.request.scheme


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
