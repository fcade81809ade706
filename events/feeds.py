"""The Atom feed of published events, newest first; /en/feeds/events/ is the English one.

Links are made absolute by Django's syndication view on the sites framework's domain
(SITE_DOMAIN, applied to the Site record by skillsite/sites.py), rel="self" included.
"""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext

from .models import Event

FEED_LENGTH = 30


class PlainTextSummaryAtomFeed(Atom1Feed):
    """Summaries are plain text, as editors write them: markup typed into one is text to
    show, so the summary says type="text" (Django's Atom feed says "html")."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item | {"description": None})
        if item["description"] is not None:
            handler.addQuickElement("summary", item["description"], {"type": "text"})


class EventFeed(Feed):
    feed_type = PlainTextSummaryAtomFeed
    # No fixed language: the feed says the active one, zh-hans, or en under /en/.

    def title(self):
        return gettext("职业能力建设大事记：大事")

    def subtitle(self):
        return gettext("职业能力建设领域的年度大事，按发布时间排列。")

    def link(self):
        return reverse("events:event_list")

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
