"""The filters of every public list. Each FilterSet renders the form shown above its list."""

import copy
import functools

import django_filters
from django import forms
from django.core.validators import slug_re
from django.db.models import Exists, OuterRef
from django.db.models.functions import ExtractYear
from django.forms.utils import flatatt
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ModelChoiceField, ModelChoiceIterator

from . import search
from .content_version import content_cached
from .models import (
    Award,
    Category,
    Event,
    HostType,
    Milestone,
    Province,
    Sector,
    TrainingBase,
    TrainingBaseBatch,
    TrainingBaseKind,
)

MONTH_CHOICES = [
    (1, _("1月")),
    (2, _("2月")),
    (3, _("3月")),
    (4, _("4月")),
    (5, _("5月")),
    (6, _("6月")),
    (7, _("7月")),
    (8, _("8月")),
    (9, _("9月")),
    (10, _("10月")),
    (11, _("11月")),
    (12, _("12月")),
]

# The timeline's event select offers at most this many of a year's events (a year has ten);
# a longer list would only make the form as long as the archive.
EVENT_CHOICES = 50


def year_choices(years):
    return [(year, _year_label(year)) for year in sorted({year for year in years if year}, reverse=True)]


def _year_label(year):
    return f"{year}年" if not (get_language() or "").startswith("en") else str(year)


class OptionListSelect(forms.Select):
    """A <select> written in Python rather than through a template per <option>.

    The year, region and event selects of a large archive hold hundreds of options, and
    rendering each through Django's option template was most of a list page's time.
    The markup is the same: the widget's attributes, and the chosen option marked selected.
    """

    def render(self, name, value, attrs=None, renderer=None):
        # Django's get_context() builds a dict of attributes per option, and format_html()
        # parses its format string per call: for a few hundred options either cost more than
        # the rest of the page. The choices are written out as given, each value escaped.
        chosen = self.format_value(value)
        has_selected = False

        def options(choices):
            nonlocal has_selected
            for option_value, label in choices:
                option_value = "" if option_value is None else str(option_value)
                selected = not has_selected and option_value in chosen
                has_selected = has_selected or selected
                yield (
                    f'<option value="{conditional_escape(option_value)}"{" selected" if selected else ""}>'
                    f"{conditional_escape(label)}</option>"
                )

        parts = []
        for group, label in self.choices:
            if isinstance(label, (list, tuple)):
                parts.append(
                    f'<optgroup label="{conditional_escape(group)}">{"".join(options(label))}</optgroup>'
                )
            else:
                parts.extend(options([(group, label)]))
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            mark_safe("".join(parts)),  # every value and label is escaped above
        )


class PublicFilterForm(forms.Form):
    """Labels stand above their fields, so they need no colon after them."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if type(field.widget) is forms.Select:
                select = OptionListSelect(attrs=field.widget.attrs)
                select.choices = field.widget.choices
                select.is_required = field.widget.is_required
                field.widget = select


class SearchFilter(django_filters.CharFilter):
    """The `q` box of a list, matching as the site search does."""

    def __init__(self, search_function, **kwargs):
        kwargs.setdefault("label", _("关键词"))
        kwargs.setdefault("max_length", search.MAX_QUERY_LENGTH)
        kwargs.setdefault("widget", forms.TextInput(attrs={"type": "search"}))
        super().__init__(**kwargs)
        self.search_function = search_function

    def filter(self, qs, value):
        value = (value or "").strip()
        return self.search_function(qs, value) if value else qs


class YearFilter(django_filters.ChoiceFilter):
    """A year picked from the years that have content; the choices are set by the FilterSet."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("年份"))
        kwargs.setdefault("empty_label", _("全部年份"))
        kwargs.setdefault("choices", [])
        super().__init__(**kwargs)


class SlugChoiceFilter(django_filters.ModelChoiceFilter):
    """A related row chosen by its slug, so filter URLs read ?region=beijing."""

    def __init__(self, **kwargs):
        kwargs.setdefault("to_field_name", "slug")
        super().__init__(**kwargs)


class ReferenceChoiceIterator(ModelChoiceIterator):
    """The options of a whole reference table, kept per content version.

    Regions, categories, kinds and sectors change only when content does, and reading one
    on every list request cost PostgreSQL a server-side cursor (three round trips) per
    select. The chosen value is still checked against the table by the field.
    """

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from self.options()

    def __len__(self):
        return len(self.options()) + (self.field.empty_label is not None)

    def __bool__(self):
        return self.field.empty_label is not None or bool(self.options())

    def options(self):
        queryset = self.queryset
        language = get_language() or ""
        key = f"choices:{queryset.model._meta.label}:{self.field.to_field_name}:{language}"
        return content_cached(
            key,
            lambda: [(self.field.prepare_value(row), self.label_of(row)) for row in queryset],
        )

    def label_of(self, row):
        """A row's name in the active language (its English twin on English pages, if filled)."""
        localized = getattr(row, "localized", None)
        if localized is not None and "name" in row.english_fields:
            return localized.name
        return self.field.label_from_instance(row)


class ReferenceChoiceField(ModelChoiceField):
    iterator = ReferenceChoiceIterator


class ReferenceChoiceFilter(SlugChoiceFilter):
    """A row of a small reference table (every row of it offered), chosen by its slug."""

    field_class = ReferenceChoiceField


class FilterCopies(dict):
    """A FilterSet's filters, copied for one request by a shallow copy of each filter with its
    own `extra` (the only part a request changes: the year choices).

    django-filter deep-copies the class's filters for every FilterSet it builds, querysets,
    lazy labels and all: about a tenth of a list page's CPU time, for values no request
    changes.
    """

    def __deepcopy__(self, memo):
        copies = {}
        for name, filter_ in self.items():
            clone = copies[name] = copy.copy(filter_)
            clone.extra = dict(filter_.extra)
            if filter_.method is not None:
                # A `method=` filter calls through an object bound to its filter: rebind it.
                clone.method = filter_.method
        return copies


class PublicFilterSet(django_filters.FilterSet):
    """Sets the year choices from the content the list can show, in one query."""

    def __init__(self, *args, **kwargs):
        # Read by django-filter's __init__, which deep-copies it (see FilterCopies).
        self.base_filters = FilterCopies(type(self).base_filters)
        super().__init__(*args, **kwargs)
        if "year" in self.filters:
            self.years = content_cached(f"years:{type(self).__name__}", lambda: list(self.available_years()))
            # Labelled when the form is validated against them or rendered, not when it is
            # built: a form copies its fields' choices, and a century of years was 480 copies
            # on every request of a list whose form is kept whole.
            self.filters["year"].extra["choices"] = functools.partial(year_choices, self.years)
            # A form field built from the class's filter before the years were known (the
            # OpenAPI generator reads it) would be copied here with no choices: rebuild it.
            self.filters["year"].__dict__.pop("_field", None)

    def available_years(self):
        raise NotImplementedError


class EventFilter(PublicFilterSet):
    year = YearFilter(method="filter_year")
    category = ReferenceChoiceFilter(
        queryset=Category.objects.all(), label=_("类别"), empty_label=_("全部类别")
    )
    region = ReferenceChoiceFilter(
        field_name="regions", queryset=Province.objects.all(), label=_("地区"), empty_label=_("全部地区")
    )
    q = SearchFilter(search.search_events)

    class Meta:
        model = Event
        form = PublicFilterForm
        fields = ["year", "category", "region", "q"]

    def available_years(self):
        return Event.objects.published().order_by().values_list("year", flat=True).distinct()

    def filter_year(self, queryset, name, value):
        return queryset.for_year(int(value))


class MilestoneFilterForm(PublicFilterForm):
    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("month") and not cleaned_data.get("year"):
            self.add_error("month", "按月份筛选时，请同时选择年份。")
        return cleaned_data


class MilestoneFilter(PublicFilterSet):
    year = YearFilter(method="filter_year")
    month = django_filters.ChoiceFilter(
        label=_("月份"), choices=MONTH_CHOICES, empty_label=_("全部月份"), method="filter_month"
    )
    region = ReferenceChoiceFilter(
        field_name="regions", queryset=Province.objects.all(), label=_("地区"), empty_label=_("全部地区")
    )
    event = SlugChoiceFilter(
        # A callable, so "published" is decided at each request, not once at import.
        queryset=lambda request: Event.objects.published().order_by("-year", "rank"),
        label=_("所属大事"),
        empty_label=_("全部大事"),
    )
    q = SearchFilter(search.search_milestones)

    class Meta:
        model = Milestone
        form = MilestoneFilterForm
        fields = ["year", "month", "region", "event", "q"]

    @property
    def form(self):
        if not hasattr(self, "_form"):
            # Read when the select is rendered (once), not when the form is built: a form kept
            # per content version (events/templatetags/fragments.py) never reads them.
            super().form.fields["event"].widget.choices = functools.cache(self.event_choices)
        return self._form

    def event_choices(self):
        """The events offered in the form: those of the chosen (or latest) year, and the chosen one.

        Any published event is still accepted, but listing every event of every year would
        make the form as long as the archive.
        """
        years = [year for year, _label in year_choices(self.years)]
        year = self.data.get("year", "")
        year = (
            int(year)
            if year.isascii() and year.isdecimal() and int(year) in years
            else (years[0] if years else None)
        )
        fields = ("year", "rank", "slug", "short_title")
        events = list(
            Event.objects.published().filter(year=year).order_by("rank").only(*fields)[:EVENT_CHOICES]
        )
        # The chosen event wherever it ranks. Only a well-formed slug can name an event;
        # anything else is left to the form's error.
        chosen = self.data.get("event", "")
        if chosen and slug_re.fullmatch(chosen) and chosen not in {event.slug for event in events}:
            events += Event.objects.published().filter(slug=chosen).only(*fields)
        choices = [("", _("全部大事"))]
        choices += [
            (event.slug, f"{event.year}年{event.rank_label}、{event.short_title}")
            for event in sorted(events, key=lambda event: (-event.year, event.rank))
        ]
        return choices

    def available_years(self):
        return (
            Milestone.objects.published()
            .annotate(start_year=ExtractYear("date"))
            .order_by()
            .values_list("start_year", flat=True)
            .distinct()
        )

    def filter_year(self, queryset, name, value):
        # With a month, the month filter narrows to that month of this year instead.
        return queryset if self.form.cleaned_data.get("month") else queryset.for_year(int(value))

    def filter_month(self, queryset, name, value):
        return queryset.in_month(int(self.form.cleaned_data["year"]), int(value))


class AwardFilter(PublicFilterSet):
    year = YearFilter(method="filter_year")
    q = SearchFilter(search.search_awards)

    class Meta:
        model = Award
        form = PublicFilterForm
        fields = ["year", "q"]

    def available_years(self):
        return (
            Award.objects.published()
            .annotate(conferred_year=ExtractYear("conferred_on"))
            .order_by()
            .values_list("conferred_year", flat=True)
            .distinct()
        )

    def filter_year(self, queryset, name, value):
        return queryset.for_year(int(value))


class TrainingBaseFilter(PublicFilterSet):
    kind = ReferenceChoiceFilter(
        field_name="batch__kind",
        queryset=TrainingBaseKind.objects.all(),
        label=_("类型"),
        empty_label=_("全部类型"),
    )
    region = ReferenceChoiceFilter(
        field_name="province", queryset=Province.objects.all(), label=_("地区"), empty_label=_("全部地区")
    )
    host = django_filters.ChoiceFilter(
        field_name="host_type", choices=HostType.choices, label=_("依托单位"), empty_label=_("全部依托单位")
    )
    sector = ReferenceChoiceFilter(
        queryset=Sector.objects.select_related("parent"),
        label=_("领域"),
        empty_label=_("全部领域"),
        method="filter_sector",
        help_text="载体所属领域，或其批次涵盖的领域；选大类包括其下各领域。",
    )
    year = YearFilter(method="filter_year", label=_("公布年份"))
    q = SearchFilter(search.search_bases)

    class Meta:
        model = TrainingBase
        form = PublicFilterForm
        fields = ["kind", "region", "host", "sector", "year", "q"]

    def available_years(self):
        return TrainingBaseBatch.objects.published().order_by().values_list("year", flat=True).distinct()

    def filter_year(self, queryset, name, value):
        return queryset.for_year(int(value))

    def filter_sector(self, queryset, name, sector):
        # A top-level sector stands for itself and its children.
        sectors = Sector.objects.filter(pk=sector.pk) | Sector.objects.filter(parent=sector)
        own = TrainingBase.sectors.through.objects.filter(trainingbase=OuterRef("pk"), sector__in=sectors)
        of_batch = TrainingBaseBatch.sectors.through.objects.filter(
            trainingbasebatch=OuterRef("batch"), sector__in=sectors
        )
        return queryset.filter(Exists(own) | Exists(of_batch))
