"""The Atom feed of published events, newest first."""

import copy

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from .models import Event

FEED_LENGTH = 30


class EventFeed(Feed):
    feed_type = Atom1Feed
    title = "职业能力建设大事记：大事"
    subtitle = "职业能力建设领域的年度大事，按发布时间排列。"
    language = "zh-hans"

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
            .defer("body")
            .order_by("-published_at", "-year", "rank")[:FEED_LENGTH]
        )

    def item_title(self, item):
        return f"{item.year}年大事{item.rank_label}：{item.short_title}"

    def item_description(self, item):
        return item.summary

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [item.category.name]
