"""The Atom feed of published events, newest first; /en/feeds/events/ is the English one."""

import copy

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext

from .models import Event

FEED_LENGTH = 30


class EventFeed(Feed):
    feed_type = Atom1Feed
    # No fixed language: the feed says the active one, zh-hans, or en under /en/.

    def title(self):
        return gettext("职业能力建设大事记：大事")

    def subtitle(self):
        return gettext("职业能力建设领域的年度大事，按发布时间排列。")

    def __call__(self, request, *args, **kwargs):
        # Links are absolute on the host the feed was requested from; a copy per request
        # keeps the shared instance free of request state.
        feed = copy.copy(self)
        feed.request = request
        return Feed.__call__(feed, request, *args, **kwargs)

    def link(self):
        return self.request.build_absolute_uri(reverse("events:event_list"))

    def item_link(self, item):
        return self.request.build_absolute_uri(item.get_absolute_url())

    def items(self):
        return (
            Event.objects.published()
            .select_related("category")
            .defer("body", "body_en")
            .order_by("-published_at", "-year", "rank")[:FEED_LENGTH]
        )

    def item_title(self, item):
        return gettext("%(year)s年大事%(rank)s：%(title)s") % {
            "year": item.year,
            "rank": item.rank_label,
            "title": item.localized.short_title,
        }

    def item_description(self, item):
        return item.localized.summary

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [item.category.localized.name]
