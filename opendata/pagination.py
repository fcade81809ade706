"""Pages of an API list: a bounded size, next/previous links, and counts kept per content version."""

from django.core.paginator import InvalidPage
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from events import search
from events.content_version import ContentCachedPaginator


class ApiPagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    # A CSV download is for a spreadsheet or an import: larger pages, still bounded.
    csv_page_size = 1000
    invalid_page_message = "没有这一页：页码应为从 1 开始、不超过总页数的整数。"

    def get_page_size(self, request):
        if self.is_csv(request):
            size = request.query_params.get(self.page_size_query_param, "")
            return (
                min(int(size), self.csv_page_size)
                if size.isascii() and size.isdecimal() and int(size) > 0
                else self.csv_page_size
            )
        return super().get_page_size(request)

    @staticmethod
    def is_csv(request):
        renderer = getattr(request, "accepted_renderer", None)
        return renderer is not None and renderer.format == "csv"

    def django_paginator_class(self, queryset, per_page):
        return ContentCachedPaginator(queryset, per_page, count_key=self.count_key)

    def paginate_queryset(self, queryset, request, view=None):
        # Only the list's filters make its count: other parameters cannot add keys to the cache.
        filter_names = getattr(getattr(view, "filterset_class", None), "base_filters", {})
        filters = sorted(
            (name, values)
            for name, values in request.query_params.lists()
            if name in filter_names and any(values)
        )
        self.count_key = f"api-count:{type(view).__name__}:{filters!r}"
        self.request = request
        page_size = self.get_page_size(request)
        paginator = self.django_paginator_class(queryset, page_size)
        if request.query_params.get("q", "").strip():
            # As the HTML lists do: few matches are collected through the search indexes.
            ordering = queryset.query.order_by or queryset.model._meta.ordering
            paginator.object_list = search.order_matches(queryset, paginator.count, ordering)
        number = request.query_params.get(self.page_query_param) or 1
        try:
            self.page = paginator.page(number)
        except InvalidPage:
            raise NotFound(self.invalid_page_message) from None
        return list(self.page)

    def links(self):
        url = self.request.build_absolute_uri()
        next_url = previous_url = None
        if self.page.has_next():
            next_url = replace_query_param(url, self.page_query_param, self.page.next_page_number())
        if self.page.has_previous():
            number = self.page.previous_page_number()
            previous_url = (
                remove_query_param(url, self.page_query_param)
                if number == 1
                else replace_query_param(url, self.page_query_param, number)
            )
        return next_url, previous_url

    def link_header(self):
        next_url, previous_url = self.links()
        parts = [f'<{next_url}>; rel="next"'] if next_url else []
        parts += [f'<{previous_url}>; rel="prev"'] if previous_url else []
        return ", ".join(parts)

    def get_paginated_response(self, data):
        next_url, previous_url = self.links()
        response = Response(
            {
                "count": self.page.paginator.count,
                "next": next_url,
                "previous": previous_url,
                "results": data,
            }
        )
        if header := self.link_header():
            response["Link"] = header
        return response

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["count", "next", "previous", "results"],
            "properties": {
                "count": {"type": "integer", "description": "符合条件的总条数"},
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }
