"""Year editions; events with their milestones and key figures; categories and source articles."""

from django.contrib import admin
from django.db import models
from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from events.models import Category, Edition, Event, KeyFigure, Milestone, Province, SourceArticle

from .base import (
    CONTENT_FORM_FIELDS,
    ContentAdmin,
    LabelledTabularInline,
    PublishableContentAdmin,
    count_of,
    shared_choices_formset,
)
from .filters import EventYearFilter
from .forms import EventForm, KeyFigureForm, MilestoneForm, ReferenceAutocomplete

PROVINCE_NAMES = Prefetch("regions", queryset=Province.objects.only("id", "short_name"))


@admin.register(Category)
class CategoryAdmin(ContentAdmin):
    list_display = ["name", "slug", "sort_order", "event_count"]
    list_editable = ["sort_order"]
    search_fields = ["name", "slug", "description"]
    ordering = ["sort_order", "name"]

    def view_on_site(self, obj):
        return None  # categories are filters on the event list, not pages of their own

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_events=count_of(Event, "category"))

    @admin.display(description="大事数", ordering="n_events")
    def event_count(self, obj):
        return obj.n_events


@admin.register(SourceArticle)
class SourceArticleAdmin(ContentAdmin):
    list_display = ["title", "year", "publisher", "event_count", "updated_at"]
    list_filter = ["year", "publisher"]
    search_fields = ["title", "subtitle", "publisher", "introduction"]
    ordering = ["-year", "title"]
    formfield_overrides = {**CONTENT_FORM_FIELDS, models.URLField: {"assume_scheme": "https"}}

    def view_on_site(self, obj):
        return obj.url or None

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_events=count_of(Event, "source"))

    @admin.display(description="大事数", ordering="n_events")
    def event_count(self, obj):
        return obj.n_events


class MilestoneInline(admin.StackedInline):
    model = Milestone
    formfield_overrides = CONTENT_FORM_FIELDS
    form = MilestoneForm
    formset = shared_choices_formset()
    extra = 0
    show_change_link = True
    # Each Chinese field with its English twin beside it.
    fields = [
        ("title", "title_en"),
        "slug",
        ("date", "precision", "end_date"),
        "regions",
        ("venue", "venue_en"),
        ("description", "description_en"),
    ]
    # The same picker as the event's own regions.
    autocomplete_fields = ["regions"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "regions":
            kwargs["widget"] = ReferenceAutocomplete(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def view_on_site(self, obj):
        return obj.get_absolute_url()

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related(PROVINCE_NAMES)


class KeyFigureInline(LabelledTabularInline):
    model = KeyFigure
    form = KeyFigureForm
    formfield_overrides = CONTENT_FORM_FIELDS
    extra = 0
    fields = [
        "label",
        "value",
        "magnitude",
        "unit",
        "qualifier",
        "qualifier_position",
        "note",
        "label_en",
        "text_en",
        "note_en",
        "as_of",
        "is_headline",
        "sort_order",
        "key",
    ]


@admin.register(Edition)
class EditionAdmin(PublishableContentAdmin):
    """A year's review: its lead text and source, published to the home page as a whole."""

    list_display = ["__str__", "year", "source", "event_count", "publication_state", "published_at"]
    list_filter = ["year"]
    list_select_related = ["source"]
    search_fields = ["title", "lead"]
    ordering = ["-year"]
    autocomplete_fields = ["source"]
    fieldsets = [
        (None, {"fields": [("year", "title"), "source", "lead"]}),
        ("发布", {"fields": [("status", "published_at")]}),
        ("记录", {"fields": [("created_at", "updated_at")], "classes": ["collapse"]}),
    ]
    readonly_fields = ["year_events"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        return [*fieldsets[:1], ("本年大事", {"fields": ["year_events"]}), *fieldsets[1:]]

    def get_queryset(self, request):
        events = Event.objects.filter(year=OuterRef("year")).order_by().values("year")
        counted = events.annotate(n=Count("*")).values("n")
        return super().get_queryset(request).annotate(n_events=Coalesce(Subquery(counted), 0))

    @admin.display(description="大事数", ordering="n_events")
    def event_count(self, obj):
        return obj.n_events

    @admin.display(description="本年大事")
    def year_events(self, obj):
        events = (
            Event.objects.for_year(obj.year)
            .order_by("rank")
            .only("year", "rank", "short_title", "status", "published_at")
        )
        if not events:
            return "这一年还没有大事。"
        rows = format_html_join(
            "",
            '<li><a href="{}">{}</a>（{}）</li>',
            (
                (
                    reverse("admin:events_event_change", args=[event.pk]),
                    event,
                    "已公开" if event.is_public else "定时" if event.is_scheduled else "草稿",
                )
                for event in events
            ),
        )
        return format_html(
            '<ol>{}</ol><p class="help">发布年度盘点即更新首页；各件大事分别审核、发布。</p>', rows
        )


@admin.register(Event)
class EventAdmin(PublishableContentAdmin):
    form = EventForm
    change_list_template = "admin/events/event/change_list.html"
    list_display = [
        "__str__",
        "category",
        "region_names",
        "publication_state",
        "published_at",
        "milestone_count",
        "figure_count",
        "has_image",
        "updated_at",
        "site_link",
    ]
    list_display_links = ["__str__"]
    list_filter = ["year", "category", "regions"]
    list_select_related = ["category"]
    search_fields = ["title", "short_title", "summary", "body", "slug"]
    # The drill-down above the list is by the event's own year (see changelist_view), not by
    # the time it was published: 2023's events were published in 2024.
    ordering = ["-year", "rank"]
    autocomplete_fields = ["category", "source", "regions"]
    inlines = [MilestoneInline, KeyFigureInline]
    save_on_top = True
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("year", "rank"),
                    ("title", "title_en"),
                    ("short_title", "short_title_en"),
                    "slug",
                    "category",
                    "regions",
                ]
            },
        ),
        # Each Chinese field with its English twin beside it.
        ("内容", {"fields": [("summary", "summary_en"), ("body", "body_en"), "source"]}),
        ("图片", {"fields": ["image", "image_alt", "image_preview"]}),
        ("发布", {"fields": [("status", "published_at")]}),
        ("记录", {"fields": [("created_at", "updated_at")], "classes": ["collapse"]}),
    ]

    def changelist_view(self, request, extra_context=None):
        chosen = request.GET.get("year__exact", "")
        params = request.GET.copy()
        params.pop("p", None)
        params.pop("year__exact", None)
        links = [{"label": "全部年份", "query": params.urlencode(), "chosen": not chosen}]
        for year in Event.objects.order_by("-year").values_list("year", flat=True).distinct():
            params["year__exact"] = str(year)
            links.append({"label": f"{year}年", "query": params.urlencode(), "chosen": chosen == str(year)})
        return super().changelist_view(request, {"year_links": links, **(extra_context or {})})

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(n_milestones=count_of(Milestone, "event"), n_figures=count_of(KeyFigure, "event"))
            .prefetch_related(PROVINCE_NAMES)
        )

    @admin.display(description="涉及地区")
    def region_names(self, obj):
        names = [province.short_name for province in obj.regions.all()]
        if len(names) > 4:
            return f"{'、'.join(names[:3])}等 {len(names)} 地"
        return "、".join(names) or "全国"

    @admin.display(description="节点数", ordering="n_milestones")
    def milestone_count(self, obj):
        return obj.n_milestones

    @admin.display(description="数字数", ordering="n_figures")
    def figure_count(self, obj):
        return obj.n_figures


@admin.register(Milestone)
class MilestoneAdmin(ContentAdmin):
    form = MilestoneForm
    list_display = ["date_text", "title", "event", "precision", "venue", "region_names", "updated_at"]
    list_display_links = ["date_text", "title"]
    list_filter = [EventYearFilter, "precision", "event__category", "regions"]
    list_select_related = ["event"]
    search_fields = ["title", "description", "venue", "slug", "event__short_title", "event__title"]
    date_hierarchy = "date"
    ordering = ["-date", "id"]
    autocomplete_fields = ["event", "regions"]
    fieldsets = [
        (None, {"fields": ["event", ("title", "slug")]}),
        ("时间与地点", {"fields": [("date", "precision", "end_date"), "regions", "venue"]}),
        ("内容", {"fields": ["description"]}),
        ("记录", {"fields": [("created_at", "updated_at")], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related(PROVINCE_NAMES)

    def get_actions(self, request):
        # A milestone is removed on its own page or its event's, where the removal waits for
        # review with the event's other changes; a bulk delete would bypass that.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.display(description="日期", ordering="date")
    def date_text(self, obj):
        return obj.date_text

    @admin.display(description="地区")
    def region_names(self, obj):
        return "、".join(province.short_name for province in obj.regions.all())


@admin.register(KeyFigure)
class KeyFigureAdmin(ContentAdmin):
    form = KeyFigureForm
    list_display = ["label", "figure_text", "event", "as_of", "is_headline", "sort_order"]
    list_filter = [EventYearFilter, "is_headline", "qualifier", "magnitude", "unit"]
    list_select_related = ["event"]
    search_fields = ["label", "key", "unit", "note", "event__short_title"]
    ordering = ["event__year", "event__rank", "sort_order"]
    autocomplete_fields = ["event"]
    fieldsets = [
        (None, {"fields": ["event", ("label", "key")]}),
        (
            "数字",
            {
                "fields": [
                    ("value", "magnitude", "unit"),
                    ("qualifier", "qualifier_position"),
                    "note",
                    "as_of",
                ],
                "description": (
                    "按原文记录：“近12万人次”填 数值 12、数量级 万、单位 人次、限定词 近（数字之前）。"
                ),
            },
        ),
        ("展示", {"fields": [("is_headline", "sort_order")]}),
    ]

    def view_on_site(self, obj):
        return obj.event.get_absolute_url()

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # removed with review, on its own or its event's page
        return actions

    @admin.display(description="原文写法")
    def figure_text(self, obj):
        return f"{obj.text}{obj.note}"
