"""Site-wide pages: home, search, robots.txt and the liveness check."""

from django import forms
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.functional import cached_property
from django.utils.translation import gettext, override
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from .. import search
from ..content_version import content_cached
from ..models import Award, Edition, Event, KeyFigure, Province, TrainingBaseKind
from ..models.translation import english_active
from .content import public_bases, public_milestones
from .mixins import PageMixin

HOME_EVENTS = 10
LATEST_MILESTONES = 6
KEY_FIGURE_FIELDS = (
    "key",
    "label",
    "value",
    "magnitude",
    "unit",
    "qualifier",
    "qualifier_position",
    "note",
    "sort_order",
    "label_en",
    "text_en",
    "note_en",
)
RESULTS_PER_TYPE = 20


class HomeView(PageMixin, TemplateView):
    """The latest published year edition (年度盘点): its lead, its ten events, their figures.

    A year's events may be published one by one while its edition is prepared; the home
    page changes only when a publisher publishes the edition.
    """

    template_name = "events/home.html"
    page_description = _("职业能力建设大事记：历年职业能力建设领域十件大事、时间线、表彰奖励和培训载体目录。")

    def get_page_title(self):
        if not self.edition:
            return gettext("职业能力建设大事记")
        if english_active():
            return gettext("%(year)s年职业能力建设领域十件大事") % {"year": self.edition.year}
        return str(self.edition)

    def get_breadcrumbs(self):
        return []

    def get(self, request, *args, **kwargs):
        self.edition = Edition.objects.published().select_related("source").order_by("-year").first()
        self.year = self.edition.year if self.edition else None
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["year"] = self.year
        context["edition"] = self.edition
        # The page's body is kept per content version (events/templatetags/fragments.py);
        # what it lists is read only when it is rendered.
        context["body_key"] = "home-body"
        return context

    @cached_property
    def listing(self):
        """The edition's events, their headline figures, its source and the latest milestones."""
        events = []
        figures = []
        if self.year:
            # The year's ten, by rank; a year with more lists the rest on /events/?year=.
            events = list(
                Event.objects.published()
                .for_year(self.year)
                .select_related("category", "source")
                .defer("body")
                .order_by("rank")[: HOME_EVENTS + 1]
            )
            figures = list(
                KeyFigure.objects.filter(
                    event__in=[event.pk for event in events[:HOME_EVENTS]], is_headline=True
                )
                .select_related("event")
                .only("event__slug", "event__short_title", "event__short_title_en", *KEY_FIGURE_FIELDS)
                .order_by("event__rank", "sort_order", "id")
            )
        return {
            "events": events[:HOME_EVENTS],
            "more_events": len(events) > HOME_EVENTS,
            "figures": figures,
            "source": (self.edition.source if self.edition else None)
            or next((event.source for event in events if event.source_id), None),
            "latest_milestones": list(
                public_milestones().exclude(precision="year").order_by("-date", "-id")[:LATEST_MILESTONES]
            ),
        }


class SearchForm(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    q = forms.CharField(
        label="关键词",
        max_length=search.MAX_QUERY_LENGTH,
        required=False,
        widget=forms.TextInput(attrs={"type": "search"}),
    )


class SearchView(PageMixin, TemplateView):
    template_name = "events/search.html"
    page_title = _("搜索")
    page_description = _("在大事、时间线节点、奖项和培训载体中搜索。")

    def get_page_title(self):
        query = self.query
        return gettext("搜索：%(query)s") % {"query": query} if query else gettext("搜索")

    def get(self, request, *args, **kwargs):
        self.form = SearchForm(request.GET or None)
        self.query = self.form.cleaned_data["q"].strip() if self.form.is_valid() else ""
        response = super().get(request, *args, **kwargs)
        if self.form.errors:
            # Not kept in shared caches: each nonsense value would add an entry.
            patch_cache_control(response, private=True)
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = self.form
        context["query"] = self.query
        context["terms"] = search.terms(self.query)
        # The results (counts, ranked rows and their passages) are kept per content version
        # and query, like the other pages' bodies (events/templatetags/fragments.py), and
        # looked up only when they are rendered.
        context["results_key"] = f"search-results:{self.query}" if self.query else None
        return context

    @cached_property
    def found(self):
        groups = self.results()
        return {
            "groups": groups,
            "total": sum(group["count"] for group in groups),
            "total_capped": any(group["count_capped"] for group in groups),
        }

    def results(self):
        """How many of each kind match (counted up to search.SPARSE_MATCHES) and the
        RESULTS_PER_TYPE that answer the query best."""
        query = self.query
        sources = [
            (
                "events",
                gettext("大事"),
                Event.objects.published().select_related("category"),
                reverse("events:event_list"),
            ),
            (
                "milestones",
                gettext("时间线节点"),
                public_milestones().order_by("-date", "id"),
                reverse("events:milestone_list"),
            ),
            ("awards", gettext("奖项"), Award.objects.published(), reverse("events:award_list")),
            ("bases", gettext("培训载体"), public_bases(), reverse("events:base_list")),
        ]
        groups = []
        for key, label, base, list_url in sources:
            matching = search.SEARCHES[base.model](base, query)
            count = content_cached(
                f"search-count:{key}:{query}", lambda matching=matching: search.capped_count(matching)
            )
            ordering = base.query.order_by or base.model._meta.ordering
            rows = list(search.rank_matches(base, query, count, ordering, RESULTS_PER_TYPE)) if count else []
            groups.append(
                {
                    "key": key,
                    "label": label,
                    "results": rows,
                    "count": min(count, search.SPARSE_MATCHES),
                    "count_capped": count > search.SPARSE_MATCHES,
                    "more": count > RESULTS_PER_TYPE,
                    "list_url": list_url,
                }
            )
        return groups


class SiteMapView(PageMixin, TemplateView):
    """/sitemap/: the site map for people, beside /sitemap.xml for search engines.

    Its size follows the number of years, kinds and regions, never the number of items:
    each year links to its filtered lists, the latest year also to its events.
    """

    template_name = "events/site_map.html"
    page_title = _("网站地图")
    page_description = _("职业能力建设大事记的全部栏目：按年份的大事、时间线和奖项，按类型和地区的培训载体。")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The page's body (a link per year, kind and region) is kept per content version
        # (events/templatetags/fragments.py); what it lists is read only when it is rendered.
        context["body_key"] = "site-map-body"
        return context

    @cached_property
    def listing(self):
        context = {}
        years = sorted(
            content_cached(
                "years:site-map",
                lambda: list(Event.objects.published().order_by().values_list("year", flat=True).distinct()),
            ),
            reverse=True,
        )
        context["years"] = years
        context["latest_events"] = (
            list(
                Event.objects.published()
                .for_year(years[0])
                .only("slug", "year", "rank", "short_title", "short_title_en")
                .order_by("rank")
            )
            if years
            else []
        )
        context["base_kinds"] = list(TrainingBaseKind.objects.only("slug", "name"))
        context["regions"] = list(Province.objects.only("slug", "name", "name_en").order_by("code"))
        return context


class RobotsView(View):
    def get(self, request):
        lines = [
            "User-agent: *",
            "Disallow: /admin/",
            "Disallow: /search/",
            "Disallow: /display/",
            "Disallow: /en/search/",
            "Disallow: /en/display/",
            f"Sitemap: {request.build_absolute_uri(reverse('events:sitemap'))}",
        ]
        with override("en"):
            lines.append(f"Sitemap: {request.build_absolute_uri(reverse('events:sitemap'))}")
        return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


class HealthView(View):
    """Liveness: 200 when the app and its database answer, 503 when the database does not."""

    def get(self, request):
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
        except DatabaseError:
            response = HttpResponse("database unavailable\n", status=503, content_type="text/plain")
        else:
            response = HttpResponse("ok\n", content_type="text/plain")
        add_never_cache_headers(response)
        return response
