"""Provinces: reference data (GB/T 2260), each with a public page of its content."""

from django.contrib import admin

from events.models import Event, Milestone, Province, TrainingBase

from .base import ContentAdmin, count_of


@admin.register(Province)
class ProvinceAdmin(ContentAdmin):
    list_display = ["code", "name", "short_name", "kind", "event_count", "milestone_count", "base_count"]
    list_display_links = ["code", "name"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name", "code", "slug"]
    ordering = ["code"]
    fields = ["code", ("name", "name_en"), ("short_name", "short_name_en"), "slug", "kind"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_events=count_of(Event.regions.through, "province"),
                n_milestones=count_of(Milestone.regions.through, "province"),
                n_bases=count_of(TrainingBase, "province"),
            )
        )

    @admin.display(description="大事数", ordering="n_events")
    def event_count(self, obj):
        return obj.n_events

    @admin.display(description="节点数", ordering="n_milestones")
    def milestone_count(self, obj):
        return obj.n_milestones

    @admin.display(description="载体数", ordering="n_bases")
    def base_count(self, obj):
        return obj.n_bases
