"""The event list of the API written with django-ninja, for the library comparison only.

It answers what /api/events/ answers (same FilterSet, fields, order, page size and cached
count), so the two can be measured side by side. The site itself uses Django REST framework;
see docs/benchmarks-api.md.
"""

import datetime

from django.http import JsonResponse
from django.urls import reverse
from ninja import NinjaAPI, Schema

from events.content_version import ContentCachedPaginator
from events.filters import EventFilter
from events.models import Event

api = NinjaAPI(urls_namespace="bench-ninja", docs_url=None, openapi_url=None)

PAGE_SIZE = 20


class Category(Schema):
    slug: str
    name: str


class Region(Schema):
    code: str
    name: str
    slug: str


class Image(Schema):
    url: str
    width: int | None
    height: int | None
    alt: str


class EventOut(Schema):
    slug: str
    url: str
    html_url: str
    year: int
    rank: int
    title: str
    short_title: str
    summary: str
    category: Category
    regions: list[Region]
    image: Image | None
    published_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_url(event, context):
        return context["request"].build_absolute_uri(reverse("opendata:event_detail", args=[event.slug]))

    @staticmethod
    def resolve_html_url(event, context):
        return context["request"].build_absolute_uri(event.get_absolute_url())

    @staticmethod
    def resolve_regions(event):
        return list(event.regions.all())

    @staticmethod
    def resolve_image(event, context):
        if not event.image:
            return None
        url = context["request"].build_absolute_uri(event.image.url)
        return {"url": url, "width": event.image_width, "height": event.image_height, "alt": event.image_alt}


class EventPage(Schema):
    count: int
    next: str | None
    previous: str | None
    results: list[EventOut]


@api.get("/events/", response=EventPage)
def event_list(request):
    queryset = (
        Event.objects.published()
        .select_related("category")
        .prefetch_related("regions")
        .defer("body")
        .order_by("-year", "rank")
    )
    filterset = EventFilter(request.GET, queryset=queryset, request=request)
    if not filterset.is_valid():
        return JsonResponse(filterset.errors, status=400)
    filters = sorted((k, v) for k, v in request.GET.lists() if k not in {"page", "format"} and any(v))
    paginator = ContentCachedPaginator(filterset.qs, PAGE_SIZE, count_key=f"ninja-count:{filters!r}")
    page = paginator.page(request.GET.get("page") or 1)
    base = request.build_absolute_uri(request.path)
    return {
        "count": paginator.count,
        "next": f"{base}?page={page.next_page_number()}" if page.has_next() else None,
        "previous": f"{base}?page={page.previous_page_number()}" if page.has_previous() else None,
        "results": list(page),
    }
