"""The read-only API: public content as JSON or CSV, filtered by the HTML lists' FilterSets.

Anonymous GETs go through the site's page cache like pages do (events/page_cache.py), so a
response is reused until content changes; ETag and 304 come from ConditionalGetMiddleware.
"""

from django.db.models import Prefetch
from django.urls import reverse
from django.views.generic import TemplateView
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from events.filters import AwardFilter, EventFilter, TrainingBaseFilter
from events.importing.specs import registry
from events.models import Award, AwardRecipient, Event, Milestone, Province, TrainingBase
from events.views.content import TIMELINE_ORDER

from . import serializers as api
from .filters import TimelineFilter
from .pagination import ApiPagination
from .renderers import CSVRenderer

ERROR_RESPONSE = inline_serializer(
    "Error",
    fields={"detail": serializers.CharField(help_text="出错原因")},
)
FILTER_ERROR_RESPONSE = OpenApiResponse(
    response={
        "type": "object",
        "additionalProperties": {"type": "array", "items": {"type": "string"}},
    },
    description="筛选条件无效：每个出错的参数及其原因。",
)
FORMAT_PARAMETER = OpenApiParameter(
    "format",
    OpenApiTypes.STR,
    enum=["json", "csv"],
    description="json（默认）或 csv（UTF-8 带 BOM，列同导入模板，可直接导入）；也可在路径后加 .csv。",
)
PAGE_SIZE_PARAMETER = OpenApiParameter(
    "page_size",
    OpenApiTypes.INT,
    description="每页条数：JSON 默认 20、最多 100；CSV 默认并最多 1000。",
)


class PublicApiMixin:
    """What every API view shares: public content only, no session, errors always as JSON."""

    authentication_classes = []
    permission_classes = []
    # Read-only: anything but GET and HEAD is a 405 (OPTIONS too; simple GETs need no preflight).
    http_method_names = ["get", "head"]

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        # A bad filter in a CSV request is still answered in JSON, as the schema says.
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return response

    @property
    def default_response_headers(self):
        # The format follows the URL only (renderers.FormatOnlyNegotiation): no Vary: Accept.
        headers = super().default_response_headers
        headers.pop("Vary", None)
        return headers


class PublicFilterBackend(DjangoFilterBackend):
    """The HTML lists' FilterSets; an invalid value is a 400 with the form's message."""


class ContentListView(PublicApiMixin, generics.ListAPIView):
    """A list of published content, filtered, paginated, as JSON or CSV."""

    renderer_classes = [JSONRenderer, CSVRenderer]
    pagination_class = ApiPagination
    filter_backends = [PublicFilterBackend]
    csv_model = None

    def csv_queryset(self, queryset):
        """The rows with what the import columns refer to fetched alongside."""
        spec = registry().get(self.csv_model)
        return (
            queryset.defer(None)
            .select_related(*[f.name for f in spec.foreign_keys])
            .prefetch_related(*[f.name for f in spec.many_to_many])
        )

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        if request.accepted_renderer.format != "csv":
            return self.json_page(queryset)
        rows = self.paginator.paginate_queryset(self.csv_queryset(queryset), request, view=self)
        response = Response({"spec": registry().get(self.csv_model), "rows": self.csv_rows(rows)})
        if header := self.paginator.link_header():
            response["Link"] = header
        response["Content-Disposition"] = f'attachment; filename="{self.csv_model}.csv"'
        return response

    def json_page(self, queryset):
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def csv_rows(self, rows):
        return rows


class ContentDetailView(PublicApiMixin, generics.RetrieveAPIView):
    renderer_classes = [JSONRenderer]
    lookup_field = "slug"

    def get_object(self):
        try:
            return self.get_queryset().get(slug=self.kwargs["slug"])
        except self.get_queryset().model.DoesNotExist:
            raise NotFound("没有这个网址名的公开内容。") from None


def list_schema(serializer, summary, description, filters=True):
    responses = {200: serializer(many=True), 404: ERROR_RESPONSE}
    if filters:
        responses[400] = FILTER_ERROR_RESPONSE
    return extend_schema(
        summary=summary,
        description=description,
        parameters=[FORMAT_PARAMETER, PAGE_SIZE_PARAMETER],
        responses=responses,
    )


def detail_schema(serializer, summary):
    return extend_schema(summary=summary, responses={200: serializer, 404: ERROR_RESPONSE})


def public_events():
    return Event.objects.published().select_related("category")


@list_schema(api.EventSerializer, "大事列表", "已发布的大事，按年份（新在前）和序号排列；筛选同 /events/。")
class EventListView(ContentListView):
    serializer_class = api.EventSerializer
    filterset_class = EventFilter
    csv_model = "event"

    def get_queryset(self):
        return public_events().prefetch_related("regions").defer("body").order_by("-year", "rank")


@detail_schema(api.EventDetailSerializer, "一件大事，含其节点和关键数字")
class EventDetailView(ContentDetailView):
    serializer_class = api.EventDetailSerializer

    def get_queryset(self):
        return (
            public_events()
            .select_related("source")
            .prefetch_related(
                "regions",
                "key_figures",
                Prefetch(
                    "milestones",
                    queryset=Milestone.objects.prefetch_related("regions").order_by(*TIMELINE_ORDER),
                ),
            )
        )


@list_schema(
    api.TimelineMilestoneSerializer,
    "节点（时间线）",
    "已发布大事的节点，按时间排列（只知年份的节点在当年之首）；筛选同 /milestones/。",
)
class MilestoneListView(ContentListView):
    serializer_class = api.TimelineMilestoneSerializer
    filterset_class = TimelineFilter
    csv_model = "milestone"

    def get_queryset(self):
        return (
            Milestone.objects.published()
            .select_related("event")
            .prefetch_related("regions")
            .order_by(*TIMELINE_ORDER)
        )


def public_awards():
    return Award.objects.published().select_related("event").order_by("-conferred_on", "name", "id")


@list_schema(api.AwardSerializer, "奖项列表", "已发布的奖项，按授予日期（新在前）排列；筛选同 /awards/。")
class AwardListView(ContentListView):
    serializer_class = api.AwardSerializer
    filterset_class = AwardFilter
    csv_model = "award"

    def get_queryset(self):
        return public_awards()

    def csv_rows(self, rows):
        # A related event that is not public is left blank rather than named.
        for award in rows:
            if award.event is not None and not award.event.is_public:
                award.event = None
        return rows


@detail_schema(api.AwardDetailSerializer, "一个奖项，含获奖者")
class AwardDetailView(ContentDetailView):
    serializer_class = api.AwardDetailSerializer

    def get_queryset(self):
        return public_awards().prefetch_related(
            Prefetch("recipients", queryset=AwardRecipient.objects.select_related("province"))
        )


def public_bases():
    return (
        TrainingBase.objects.published()
        .select_related("batch__kind", "province")
        .prefetch_related("sectors__parent")
        .order_by("batch__kind__sort_order", "province__code", "name", "id")
    )


@list_schema(
    api.TrainingBaseSerializer,
    "培训载体目录",
    "已发布的培训载体，按类型、地区代码和名称排列；筛选同 /bases/。",
)
class TrainingBaseListView(ContentListView):
    serializer_class = api.TrainingBaseSerializer
    filterset_class = TrainingBaseFilter
    csv_model = "trainingbase"

    def get_queryset(self):
        return public_bases()


@detail_schema(api.TrainingBaseDetailSerializer, "一个培训载体")
class TrainingBaseDetailView(ContentDetailView):
    serializer_class = api.TrainingBaseDetailSerializer

    def get_queryset(self):
        return public_bases()


@list_schema(
    api.RegionSerializer,
    "省级行政区",
    "34 个省级行政区和新疆生产建设兵团，按 GB/T 2260 代码排列。",
    filters=False,
)
class RegionListView(ContentListView):
    serializer_class = api.RegionSerializer
    filter_backends = []
    csv_model = "province"

    def get_queryset(self):
        return Province.objects.order_by("code")


class ApiRootView(PublicApiMixin, APIView):
    renderer_classes = [JSONRenderer]

    @extend_schema(
        summary="API 索引",
        responses={
            200: inline_serializer(
                "ApiIndex",
                fields={
                    "collections": serializers.DictField(child=serializers.URLField()),
                    "documents": serializers.DictField(child=serializers.URLField()),
                },
            )
        },
    )
    def get(self, request):
        def link(name, **kwargs):
            return request.build_absolute_uri(reverse(f"opendata:{name}", kwargs=kwargs))

        return Response(
            {
                "collections": {
                    "events": link("event_list"),
                    "milestones": link("milestone_list"),
                    "awards": link("award_list"),
                    "bases": link("base_list"),
                    "regions": link("region_list"),
                },
                "documents": {
                    "openapi": link("openapi"),
                    "docs": link("api_docs"),
                    "milestone_calendar": link("milestone_calendar"),
                },
            }
        )


class ApiNotFoundView(PublicApiMixin, APIView):
    """Any other path under /api/: a 404 in JSON, like the API's own."""

    renderer_classes = [JSONRenderer]
    schema = None

    def get(self, request, rest):
        raise NotFound("API 中没有这个地址；可用的地址见 /api/。")


class ApiDocsView(TemplateView):
    """The OpenAPI document read by Swagger UI, whose files ship in drf-spectacular-sidecar."""

    template_name = "opendata/api_docs.html"
