"""Training carriers: kinds, the batches announcing them, each base, and sectors."""

from django.contrib import admin

from events.models import Sector, TrainingBase, TrainingBaseBatch, TrainingBaseKind

from .base import ContentAdmin, PublishableContentAdmin, count_of
from .filters import BatchYearFilter, TopLevelSectorFilter
from .forms import TrainingBaseBatchForm


@admin.register(TrainingBaseKind)
class TrainingBaseKindAdmin(ContentAdmin):
    list_display = ["name", "slug", "sort_order", "batch_count", "base_count"]
    list_editable = ["sort_order"]
    search_fields = ["name", "slug", "description"]
    ordering = ["sort_order", "name"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_batches=count_of(TrainingBaseBatch, "kind"),
                n_bases=count_of(TrainingBase, "batch__kind"),
            )
        )

    @admin.display(description="批次数", ordering="n_batches")
    def batch_count(self, obj):
        return obj.n_batches

    @admin.display(description="已录载体数", ordering="n_bases")
    def base_count(self, obj):
        return obj.n_bases


@admin.register(Sector)
class SectorAdmin(ContentAdmin):
    list_display = ["name", "parent", "slug", "sort_order", "base_count"]
    list_editable = ["sort_order"]
    list_filter = [TopLevelSectorFilter, "parent"]
    list_select_related = ["parent"]
    search_fields = ["name", "slug"]
    ordering = ["parent__sort_order", "sort_order", "name"]

    def get_queryset(self, request):
        through = TrainingBase.sectors.through
        return super().get_queryset(request).annotate(n_bases=count_of(through, "sector"))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            kwargs["queryset"] = Sector.objects.filter(parent__isnull=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="载体数", ordering="n_bases")
    def base_count(self, obj):
        return obj.n_bases


@admin.register(TrainingBaseBatch)
class TrainingBaseBatchAdmin(PublishableContentAdmin):
    form = TrainingBaseBatchForm
    list_display = [
        "name",
        "kind",
        "year",
        "label",
        "announced_total",
        "base_count",
        "coverage",
        "main_host_share_text",
        "publication_state",
    ]
    list_filter = ["kind", "year"]
    list_select_related = ["kind"]
    search_fields = ["name", "slug", "label"]
    ordering = ["-year", "kind__sort_order", "name"]
    autocomplete_fields = ["kind", "event", "announcement", "sectors"]
    fieldsets = [
        (None, {"fields": ["kind", ("year", "label"), "name", "slug"]}),
        ("公布", {"fields": ["announced_total", "announcement", "event"]}),
        ("覆盖", {"fields": [("coverage_province_count", "coverage_includes_corps"), "sectors"]}),
        (
            "依托单位",
            {"fields": ["main_host_types", ("main_host_share", "main_host_share_qualifier")]},
        ),
        ("发布", {"fields": [("status", "published_at")]}),
        ("记录", {"fields": [("created_at", "updated_at")], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_bases=count_of(TrainingBase, "batch"))

    @admin.display(description="已录载体", ordering="n_bases")
    def base_count(self, obj):
        return obj.n_bases

    @admin.display(description="覆盖")
    def coverage(self, obj):
        if obj.coverage_province_count is None:
            return ""
        corps = "和新疆生产建设兵团" if obj.coverage_includes_corps else ""
        return f"{obj.coverage_province_count} 个省份{corps}"

    @admin.display(description="主要依托占比")
    def main_host_share_text(self, obj):
        return obj.main_host_share_text


@admin.register(TrainingBase)
class TrainingBaseAdmin(PublishableContentAdmin):
    list_display = [
        "name",
        "kind_name",
        "batch",
        "province",
        "host_type",
        "publication_state",
        "published_at",
        "has_image",
        "site_link",
    ]
    list_filter = ["batch__kind", BatchYearFilter, "province", "host_type", "sectors"]
    list_select_related = ["batch__kind", "province"]
    search_fields = ["name", "slug", "host_organization", "description"]
    date_hierarchy = "published_at"
    ordering = ["batch__kind__sort_order", "province__code", "name"]
    autocomplete_fields = ["batch", "province", "sectors"]
    save_on_top = True
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "batch",
                    ("name", "name_en"),
                    "slug",
                    "province",
                    ("host_type", "host_organization"),
                ]
            },
        ),
        ("内容", {"fields": ["sectors", ("description", "description_en")]}),
        ("图片", {"fields": ["image", "image_alt", "image_preview"]}),
        ("发布", {"fields": [("status", "published_at")]}),
        ("记录", {"fields": [("created_at", "updated_at")], "classes": ["collapse"]}),
    ]

    @admin.display(description="类型", ordering="batch__kind__sort_order")
    def kind_name(self, obj):
        return obj.batch.kind.name
