"""List filters the admin's own do not offer: publication state, and the year of a date."""

from django.contrib import admin
from django.utils import timezone

from events.models import PublicationStatus


class PublicationStateFilter(admin.SimpleListFilter):
    """Draft, scheduled (published with a later time) or public now."""

    title = "发布状态"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("draft", "草稿"), ("scheduled", "定时发布（未到时间）"), ("public", "已公开")]

    def queryset(self, request, queryset):
        now = timezone.now()
        match self.value():
            case "draft":
                return queryset.filter(status=PublicationStatus.DRAFT)
            case "scheduled":
                return queryset.filter(status=PublicationStatus.PUBLISHED, published_at__gt=now)
            case "public":
                return queryset.filter(status=PublicationStatus.PUBLISHED, published_at__lte=now)
        return queryset


class DateYearFilter(admin.SimpleListFilter):
    """The years a date field takes, newest first; subclasses name the field."""

    title = "年份"
    parameter_name = "year"
    date_field = None

    def lookups(self, request, model_admin):
        years = model_admin.get_queryset(request).dates(self.date_field, "year", order="DESC")
        return [(str(day.year), f"{day.year}年") for day in years]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        try:
            year = int(self.value())
        except ValueError:
            return queryset.none()
        return queryset.filter(**{f"{self.date_field}__year": year})


class ConferredYearFilter(DateYearFilter):
    date_field = "conferred_on"


class RelatedYearFilter(admin.SimpleListFilter):
    """The years of a related object's integer `year` field (an event's, a batch's)."""

    title = "年份"
    parameter_name = "year"
    year_field = None

    def lookups(self, request, model_admin):
        years = (
            model_admin.get_queryset(request)
            .order_by(f"-{self.year_field}")
            .values_list(self.year_field, flat=True)
            .distinct()
        )
        return [(str(year), f"{year}年") for year in years if year is not None]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        try:
            year = int(self.value())
        except ValueError:
            return queryset.none()
        return queryset.filter(**{self.year_field: year})


class EventYearFilter(RelatedYearFilter):
    year_field = "event__year"


class BatchYearFilter(RelatedYearFilter):
    year_field = "batch__year"


class TopLevelSectorFilter(admin.SimpleListFilter):
    title = "层级"
    parameter_name = "level"

    def lookups(self, request, model_admin):
        return [("top", "大类"), ("child", "细分领域")]

    def queryset(self, request, queryset):
        match self.value():
            case "top":
                return queryset.filter(parent__isnull=True)
            case "child":
                return queryset.filter(parent__isnull=False)
        return queryset
