"""What the public views share: page metadata, published-only querysets, staff preview."""

import copy

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.functional import cached_property
from django_filters.views import FilterView

from .. import search
from ..content_version import ContentCachedPaginator, content_cached


class PageMixin:
    """A page's title, description and breadcrumbs, which base.html renders in one place."""

    page_title = ""
    page_description = ""

    def get_page_title(self):
        return self.page_title

    def get_page_description(self):
        return self.page_description

    def get_breadcrumbs(self):
        """(label, url) pairs between 首页 and this page; the last one is this page, url None."""
        return [(self.get_page_title(), None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_title"] = self.get_page_title()
        context["page_description"] = self.get_page_description()
        context["breadcrumbs"] = self.get_breadcrumbs()
        return context


class PublicPaginator(ContentCachedPaginator):
    """Pages of a public list, at most MAX_PAGES of them.

    Page 2,000 of 100,000 events means skipping 40,000 rows, which the database does by
    reading and sorting them all; nobody reads that deep, and every row stays reachable
    by narrowing the filters (a year holds a few pages) and through the sitemap.
    """

    MAX_PAGES = 100

    @cached_property
    def num_pages(self):
        return min(Paginator.num_pages.func(self), self.MAX_PAGES)

    @property
    def is_truncated(self):
        return Paginator.num_pages.func(self) > self.MAX_PAGES


def page_links(query, page, numbers):
    """The pager's links, each as `{% querystring page=N %}` writes it (this request's query with
    `page` set), from one copy of the query: ([(number, address)], previous, next); the
    ellipsis and the current page have no address, nor does a previous or next page that
    does not exist. The tag copied the whole query for every link."""
    params = query.copy()

    def address(number):
        params["page"] = number
        return f"?{params.urlencode()}"

    links = [
        (number, None if number in (page.number, page.paginator.ELLIPSIS) else address(number))
        for number in numbers
    ]
    previous = address(page.previous_page_number()) if page.has_previous() else None
    following = address(page.next_page_number()) if page.has_next() else None
    return links, previous, following


class PublicListView(PageMixin, FilterView):
    """A paginated list of published content narrowed by its FilterSet.

    `strict`: a filter value that does not validate shows the form error and no rows,
    rather than silently listing everything.
    """

    strict = True
    paginate_by = 20

    def get_queryset(self):
        return self.model.objects.published()

    def filter_key(self):
        """This list and its filters, as a cache key for values derived from them.

        Blank filters select nothing, so ?year=2023&category= is the same as ?year=2023; other
        parameters select nothing either, so they cannot add keys to the cache.
        """
        filters = sorted(
            (name, values)
            for name, values in self.request.GET.lists()
            if name in self.filterset.filters and any(values)
        )
        return f"{type(self).__name__}:{filters!r}"

    def get_paginator(self, queryset, per_page, orphans=0, allow_empty_first_page=True, **kwargs):
        paginator = PublicPaginator(
            queryset,
            per_page,
            orphans=orphans,
            allow_empty_first_page=allow_empty_first_page,
            count_key=f"count:{self.filter_key()}",
            **kwargs,
        )
        if self.request.GET.get("q", "").strip():
            ordering = queryset.query.order_by or queryset.model._meta.ordering
            paginator.object_list = search.order_matches(queryset, paginator.count, ordering)
        return paginator

    def get_canonical_query(self):
        page = self.request.GET.get("page", "")
        return f"?page={page}" if page.isascii() and page.isdecimal() and page != "1" else ""

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if self.filterset.errors:
            # A form error is an answer to this visitor's typing, not a page worth keeping in
            # a shared cache: nonsense values would otherwise each add an entry.
            patch_cache_control(response, private=True)
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["canonical_query"] = self.get_canonical_query()
        page = context.get("page_obj")
        if page is not None:
            numbers = page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
            context["page_links"], context["previous_page_link"], context["next_page_link"] = page_links(
                self.request.GET, page, numbers
            )
        context["filters_active"] = any(
            value for name, value in self.request.GET.items() if name in self.filterset.filters
        )
        # The filter form shows the filters' values and the choices content offers, so it is
        # kept per content version under them (events/templatetags/fragments.py); a form
        # with errors answers one visitor's typing and is not kept.
        context["filter_form_key"] = (
            None if self.filterset.errors else f"filter-form:{self.request.path}:{self.filter_key()}"
        )
        return context


class PublicDetailMixin(PageMixin):
    """A detail page of published content.

    A logged-in staff member with the model's view permission also sees drafts and
    scheduled items, under a 预览 banner, marked noindex and never cached; anyone else
    gets a 404 for them.
    """

    context_object_name = "object"

    def can_preview(self):
        user = self.request.user
        opts = self.model._meta
        return (
            user.is_authenticated
            and user.is_staff
            and user.has_perm(f"{opts.app_label}.view_{opts.model_name}")
        )

    def get_queryset(self):
        manager = self.model.objects
        return manager.all() if self.can_preview() else manager.published()

    def get_object(self, queryset=None):
        """The object, as the public sees it: kept per content version (with the relations the
        view's queryset joins), so a page whose parts are kept too reads nothing; a staff
        member who may preview reads it afresh. A slug that names nothing public raises 404
        and keeps nothing."""
        if queryset is not None or not settings.CONTENT_CACHE_SECONDS or self.can_preview():
            return super().get_object(queryset)
        slug = self.kwargs.get(self.slug_url_kwarg)
        kept = content_cached(f"detail-object:{self.model._meta.label_lower}:{slug}", super().get_object)
        # Every request of this process shares the kept object: each gets its own copy (with
        # its own related objects and prefetched lists, which the body's prefetch adds to).
        obj = copy.copy(kept)
        if "_prefetched_objects_cache" in kept.__dict__:
            obj._prefetched_objects_cache = dict(kept._prefetched_objects_cache)
        return obj

    def is_preview(self, obj):
        return not obj.is_public

    def related_lookups(self):
        """What the page's body reads besides the object: prefetched only when the body is
        rendered, not when it comes from the cache."""
        return []

    @cached_property
    def with_relations(self):
        """The object, with related_lookups() fetched (once, whichever part asks first)."""
        prefetch_related_objects([self.object], *self.related_lookups())
        return self.object

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["preview"] = self.is_preview(self.object)
        # The body of a public page is kept per content version (events/templatetags/
        # fragments.py); a staff preview is always rendered afresh and never kept.
        key = None if context["preview"] else f"{self.object._meta.label_lower}:{self.object.pk}"
        context["body_key"] = key and f"detail-body:{key}"
        # The structured data in the head holds absolute URLs: on the host that was asked.
        context["head_key"] = key and f"detail-head:{key}:{self.request.get_host()}"
        # The English edition shows an item without an English name in Chinese, with a notice.
        context["untranslated"] = getattr(self.object, "lacks_english", False)
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if context["preview"]:
            add_never_cache_headers(response)
            response["X-Robots-Tag"] = "noindex"
        return response
