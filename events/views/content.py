"""Lists and detail pages of events, milestones, awards, training bases and provinces.

Each view fetches exactly what its template shows, so a page costs the same number of
queries however much content there is.
"""

from django.db.models import Count, Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView

from .. import dates
from ..content_version import content_cached
from ..dates import DatePrecision
from ..filters import AwardFilter, EventFilter, MilestoneFilter, TrainingBaseFilter
from ..models import (
    Award,
    AwardRecipient,
    Event,
    Milestone,
    Province,
    TrainingBase,
    TrainingBaseBatch,
    public_q,
)
from .mixins import PageMixin, PublicDetailMixin, PublicListView

# How many rows of each kind a province page shows before linking to the filtered list.
PROVINCE_ROWS = 20

# How many ranks either side of an event its side list reaches; a year of ten fits whole.
SIDE_LIST_REACH = 10

# Milestones known only to their year open the year's timeline, before its January.
TIMELINE_ORDER = ("date", "-precision", "end_date", "id")


def public_milestones():
    return Milestone.objects.published().select_related("event")


def public_bases():
    return TrainingBase.objects.published().select_related("batch__kind", "province")


class EventListView(PublicListView):
    model = Event
    filterset_class = EventFilter
    template_name = "events/event_list.html"
    page_title = _("大事")
    page_description = _("历年职业能力建设领域大事，可按年份、类别、地区和关键词筛选。")

    def get_queryset(self):
        # The cards' regions are fetched by the template for the cards it renders
        # (events/templatetags/fragments.py), not for cards kept from an earlier request.
        return super().get_queryset().select_related("category").defer("body")


class EventDetailView(PublicDetailMixin, DetailView):
    model = Event
    template_name = "events/event_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("category", "source")

    def related_lookups(self):
        now = timezone.now()
        return [
            "regions",
            "key_figures",
            Prefetch("milestones", queryset=Milestone.objects.prefetch_related("regions")),
            Prefetch("awards", queryset=Award.objects.published(now), to_attr="public_awards"),
            Prefetch(
                "training_base_batches",
                queryset=TrainingBaseBatch.objects.published(now)
                .select_related("kind")
                .prefetch_related(
                    Prefetch(
                        "bases",
                        queryset=TrainingBase.objects.published(now).select_related("province"),
                        to_attr="public_bases",
                    )
                ),
            ),
        ]

    def get_page_title(self):
        event = self.object
        return gettext("%(year)s年大事%(rank)s：%(title)s") % {
            "year": event.year,
            "rank": event.rank_label,
            "title": event.localized.short_title,
        }

    def get_page_description(self):
        return self.object.localized.summary

    def get_breadcrumbs(self):
        year_url = reverse("events:event_list") + f"?year={self.object.year}"
        return [
            (gettext("大事"), reverse("events:event_list")),
            (gettext("%(year)s年") % {"year": self.object.year}, year_url),
            (self.object.localized.short_title, None),
        ]

    @cached_property
    def neighbours(self):
        """The year's events near this one, for previous/next and the side list: one short
        query. A year of ten is shown whole; a longer list is cut around this event."""
        rank = self.object.rank
        siblings = list(
            Event.objects.published()
            .for_year(self.object.year)
            .filter(rank__gte=rank - SIDE_LIST_REACH - 1, rank__lte=rank + SIDE_LIST_REACH + 1)
            .order_by("rank")
            .only("year", "rank", "slug", "short_title", "short_title_en")
        )
        earlier = [event for event in siblings if event.rank < rank]
        later = [event for event in siblings if event.rank > rank]
        shown = [event for event in siblings if abs(event.rank - rank) <= SIDE_LIST_REACH]
        return {
            "year_events": shown,
            "year_events_cut": len(shown) < len(siblings),
            "previous_event": earlier[-1] if earlier else None,
            "next_event": later[0] if later else None,
        }


class MilestoneListView(PublicListView):
    model = Milestone
    filterset_class = MilestoneFilter
    template_name = "events/milestone_list.html"
    paginate_by = 50
    page_title = _("时间线")
    page_description = _("职业能力建设大事的时间线：按月排列的各个节点，可按年份、月份、地区和所属大事筛选。")

    def get_queryset(self):
        return public_milestones().order_by(*TIMELINE_ORDER)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The page's months and their milestones are kept whole per content version under the
        # filters and the page (not when the form shows errors): the rows are read only when
        # the list is rendered (self.months).
        self.page_rows = context["object_list"]
        form_key = context["filter_form_key"]
        context["rows_key"] = form_key and f"timeline:{form_key}:{context['page_obj'].number}"
        return context

    @cached_property
    def months(self):
        return group_by_month(self.page_rows)


def group_by_month(milestones):
    """Consecutive milestones grouped under the month they start in; year-only ones under the year."""
    groups = []
    for milestone in milestones:
        if milestone.precision == DatePrecision.YEAR:
            key = (milestone.date.year, None)
            label, iso = (
                gettext("%(year)s年（全年）") % {"year": milestone.date.year},
                f"{milestone.date.year:04d}",
            )
        else:
            key = (milestone.date.year, milestone.date.month)
            label = dates.local_date(milestone.date, DatePrecision.MONTH)
            iso = f"{milestone.date.year:04d}-{milestone.date.month:02d}"
        if not groups or groups[-1]["key"] != key:
            groups.append({"key": key, "label": label, "iso": iso, "milestones": []})
        groups[-1]["milestones"].append(milestone)
    return groups


class MilestoneDetailView(PublicDetailMixin, DetailView):
    model = Milestone
    template_name = "events/milestone_detail.html"

    def can_preview(self):
        # Milestones follow their event, so previewing one needs the event permission too.
        return super().can_preview() and self.request.user.has_perm("events.view_event")

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("event__category")
            .prefetch_related(
                "regions",
                Prefetch(
                    "announced_batches", queryset=TrainingBaseBatch.objects.published().select_related("kind")
                ),
            )
        )

    def is_preview(self, obj):
        return not obj.event.is_public

    def get_page_title(self):
        return f"{self.object.date_text} {self.object.localized.title}"

    def get_page_description(self):
        return self.object.localized.description[:150]

    def get_breadcrumbs(self):
        return [
            (gettext("时间线"), reverse("events:milestone_list")),
            (self.object.localized.title, None),
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["event_milestones"] = list(
            self.object.event.milestones.order_by(*TIMELINE_ORDER).only(
                "slug", "title", "title_en", "date", "end_date", "precision", "event"
            )
        )
        return context


class AwardListView(PublicListView):
    model = Award
    filterset_class = AwardFilter
    template_name = "events/award_list.html"
    page_title = _("奖项")
    page_description = _("职业能力建设领域的表彰奖励：届次、授予日期、授予单位与获奖人数。")

    def get_queryset(self):
        return super().get_queryset().select_related("event")


class AwardDetailView(PublicDetailMixin, DetailView):
    model = Award
    template_name = "events/award_detail.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("event")
            .prefetch_related(
                Prefetch("recipients", queryset=AwardRecipient.objects.select_related("province"))
            )
        )

    def get_page_title(self):
        return self.object.heading

    def get_page_description(self):
        award = self.object
        values = {
            "award": award.heading,
            "date": dates.local_date(award.conferred_on, DatePrecision.DAY),
            "body": award.localized.conferring_body,
            "count": award.recipient_count,
        }
        if award.recipient_count is None:
            return gettext("%(award)s：%(date)s由%(body)s授予。") % values
        return gettext("%(award)s：%(date)s由%(body)s授予，获奖%(count)s名。") % values

    def get_breadcrumbs(self):
        return [(gettext("奖项"), reverse("events:award_list")), (self.get_page_title(), None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        award = self.object
        context["event_public"] = award.event if award.event and award.event.is_public else None
        context["same_ceremony"] = (
            list(Award.objects.published().filter(ceremony=award.ceremony).exclude(pk=award.pk))
            if award.ceremony
            else []
        )
        return context


class TrainingBaseListView(PublicListView):
    model = TrainingBase
    filterset_class = TrainingBaseFilter
    template_name = "events/trainingbase_list.html"
    paginate_by = 50
    page_title = _("培训载体目录")
    page_description = _(
        "国家级高技能人才培训基地、技能大师工作室和技能根基工程培训基地目录，"
        "可按类型、地区、依托单位、领域和年份查找。"
    )

    def get_queryset(self):
        return super().get_queryset().select_related("batch__kind", "province")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The totals and the chart beside the list are kept per content version under the
        # query they follow (the chart's links carry it, less the page), not when the form
        # shows errors; they are computed only when rendered.
        query = self.request.GET.copy()
        query.pop("page", None)
        context["aside_key"] = (
            None if self.filterset.errors else f"base-aside:{self.request.path}?{query.urlencode()}"
        )
        return context

    @cached_property
    def kind_totals(self):
        """Each kind with its announced batches: how many were announced, how many are listed."""
        now = timezone.now()
        batches = (
            TrainingBaseBatch.objects.published(now)
            .select_related("kind")
            .prefetch_related("sectors")
            .annotate(listed=Count("bases", filter=public_q("bases__", at=now)))
            .order_by("kind__sort_order", "kind__name", "-year", "name")
        )
        year = self.filterset.form.cleaned_data.get("year") if self.filterset.is_valid() else None
        if year:
            batches = batches.filter(year=year)
        kinds = {}
        for batch in content_cached(f"base-kind-totals:{year}", lambda: list(batches)):
            entry = kinds.setdefault(
                batch.kind_id, {"kind": batch.kind, "batches": [], "announced": 0, "listed": 0}
            )
            entry["batches"].append(batch)
            entry["announced"] += batch.announced_total
            entry["listed"] += batch.listed
        return list(kinds.values())

    @cached_property
    def province_counts(self):
        """Bases per province among the filtered bases, most first; the chart tag draws them."""
        return content_cached(
            f"base-province-chart:{self.filter_key()}",
            lambda: list(
                self.object_list.order_by()
                .values("province__slug", "province__short_name", "province__code")
                .annotate(count=Count("id"))
                .order_by("-count", "province__code")
            ),
        )


class TrainingBaseDetailView(PublicDetailMixin, DetailView):
    model = TrainingBase
    template_name = "events/trainingbase_detail.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("batch__kind", "batch__event", "batch__announcement__event", "province")
            .prefetch_related("sectors__parent")
        )

    def get_page_title(self):
        return self.object.localized.name

    def get_page_description(self):
        base = self.object
        where = f"，位于{base.province.name}" if base.province else ""
        return f"{base.name}：{base.batch.name}之一{where}。"

    def get_breadcrumbs(self):
        kind = self.object.batch.kind
        return [
            (gettext("培训载体目录"), reverse("events:base_list")),
            (kind.name, reverse("events:base_list") + f"?kind={kind.slug}"),
            (self.object.localized.name, None),
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        batch = self.object.batch
        context["batch_event"] = batch.event if batch.event and batch.event.is_public else None
        announcement = batch.announcement
        context["announcement"] = announcement if announcement and announcement.event.is_public else None
        return context


class ProvinceDetailView(PageMixin, DetailView):
    """Everything the site holds about one province."""

    model = Province
    template_name = "events/province_detail.html"

    def get_page_title(self):
        return self.object.localized.name

    def get_page_description(self):
        return gettext("%(name)s的职业能力建设大事、节点、获奖者和培训载体。") % {
            "name": self.object.localized.name
        }

    def get_breadcrumbs(self):
        return [(self.object.localized.name, None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The page's body is kept per content version (events/templatetags/fragments.py); its
        # lists are read only when it is rendered.
        context["body_key"] = f"detail-body:province:{self.object.pk}"
        context["head_key"] = f"detail-head:province:{self.object.pk}:{self.request.get_host()}"
        return context

    @cached_property
    def listing(self):
        province = self.object
        now = timezone.now()
        rows = {
            "events": Event.objects.published(now)
            .filter(regions=province)
            .select_related("category")
            .defer("body"),
            "milestones": Milestone.objects.published(now)
            .filter(regions=province)
            .select_related("event")
            .order_by("-date", "-id"),
            "bases": public_bases().filter(province=province),
            "recipients": AwardRecipient.objects.filter(
                province=province, award__in=Award.objects.published(now)
            ).select_related("award"),
        }
        listing = {}
        for name, queryset in rows.items():
            # One row more than shown tells whether to link to the rest.
            found = list(queryset[: PROVINCE_ROWS + 1])
            listing[name] = found[:PROVINCE_ROWS]
            listing[f"more_{name}"] = len(found) > PROVINCE_ROWS
        return listing
