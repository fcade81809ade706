"""Awards, edited with their named recipients on the same page."""

from django.contrib import admin

from events.models import Award, AwardRecipient

from .base import (
    ContentAdmin,
    LabelledTabularInline,
    PublishableContentAdmin,
    count_of,
    shared_choices_formset,
)
from .filters import ConferredYearFilter


class AwardRecipientInline(LabelledTabularInline):
    model = AwardRecipient
    formset = shared_choices_formset("province")
    extra = 0
    fields = ["name", "organization", "occupation", "province", "sort_order"]


@admin.register(Award)
class AwardAdmin(PublishableContentAdmin):
    list_display = [
        "__str__",
        "conferred_on",
        "conferring_body",
        "kind",
        "recipient_count",
        "named_recipient_count",
        "publication_state",
        "published_at",
        "site_link",
    ]
    list_filter = [ConferredYearFilter, "kind", "conferring_body"]
    search_fields = [
        "name",
        "slug",
        "conferring_body",
        "ceremony",
        "description",
        "recipients_description",
        "recipients__name",
    ]
    date_hierarchy = "conferred_on"
    ordering = ["-conferred_on", "name"]
    autocomplete_fields = ["event"]
    inlines = [AwardRecipientInline]
    save_on_top = True
    fieldsets = [
        (None, {"fields": [("name", "name_en"), "session_number", "slug", "kind"]}),
        (
            "授予",
            {"fields": ["conferred_on", ("conferring_body", "conferring_body_en"), "ceremony", "event"]},
        ),
        (
            "获奖者",
            {
                "fields": [("recipient_count", "recipients_description"), ("description", "description_en")],
                "description": "获奖人数按原文填写；有名单时在下方逐一列出。",
            },
        ),
        ("发布", {"fields": [("status", "published_at")]}),
        ("记录", {"fields": [("created_at", "updated_at")], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_named=count_of(AwardRecipient, "award"))

    @admin.display(description="已录名单", ordering="n_named")
    def named_recipient_count(self, obj):
        return obj.n_named


@admin.register(AwardRecipient)
class AwardRecipientAdmin(ContentAdmin):
    list_display = ["name", "award", "organization", "occupation", "province", "sort_order"]
    list_filter = ["award", "province"]
    list_select_related = ["award", "province"]
    search_fields = ["name", "organization", "occupation", "award__name"]
    ordering = ["award", "sort_order", "id"]
    autocomplete_fields = ["award", "province"]

    def view_on_site(self, obj):
        return obj.award.get_absolute_url()

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # removed with review, on its own or its award's page
        return actions
