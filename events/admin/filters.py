"""List filters the admin's own do not offer: publication state, and the year of a date."""

from datetime import MAXYEAR, MINYEAR

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Exists, OuterRef
from django.db.models.functions import Cast

from editorial.models import ChangeRequest


class PublicationStateFilter(admin.SimpleListFilter):
    """Draft, scheduled (published with a later time), public now, or with changes pending.

    Asked through the content's own queryset methods, the one place the rule is written.
    """

    title = "发布状态"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("draft", "草稿"),
            ("scheduled", "定时发布（未到时间）"),
            ("public", "已公开"),
            ("pending", "有未发布的修改"),
        ]

    def queryset(self, request, queryset):
        match self.value():
            case "draft":
                return queryset.drafts()
            case "scheduled":
                return queryset.scheduled()
            case "public":
                return queryset.published()
            case "pending":
                open_changes = ChangeRequest.objects.open().filter(
                    content_type=ContentType.objects.get_for_model(queryset.model),
                    object_id=Cast(OuterRef("pk"), CharField()),
                )
                return queryset.filter(Exists(open_changes))
        return queryset


class YearFilter(admin.SimpleListFilter):
    """A year from the list; a value that is not a year (or one no date can have) shows no rows
    rather than an error.

    Subclasses say which years there are and which lookup a year is matched with.
    """

    title = "年份"
    parameter_name = "year"
    year_lookup = None

    def lookups(self, request, model_admin):
        return [(str(year), f"{year}年") for year in self.years(model_admin.get_queryset(request))]

    def years(self, queryset):
        raise NotImplementedError

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        value = self.value()
        if not (value.isascii() and value.isdecimal() and MINYEAR <= int(value) <= MAXYEAR):
            return queryset.none()
        year = int(value)
        return queryset.filter(**{self.year_lookup: year})


class DateYearFilter(YearFilter):
    """The years a date field takes, newest first; subclasses name the field."""

    date_field = None

    @property
    def year_lookup(self):
        return f"{self.date_field}__year"

    def years(self, queryset):
        return [day.year for day in queryset.dates(self.date_field, "year", order="DESC")]


class ConferredYearFilter(DateYearFilter):
    date_field = "conferred_on"


class RelatedYearFilter(YearFilter):
    """The years of a related object's integer `year` field (an event's, a batch's)."""

    year_field = None

    @property
    def year_lookup(self):
        return self.year_field

    def years(self, queryset):
        years = queryset.order_by(f"-{self.year_field}").values_list(self.year_field, flat=True).distinct()
        return [year for year in years if year is not None]


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
