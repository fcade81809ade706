"""iCalendar (RFC 5545) of the timeline: /milestones/calendar.ics and one file per event.

Day-precision milestones are all-day events, ranges span their days; a milestone known to
the month spans that month and says so in its summary, one known to the year spans the year.
"""

import datetime

import icalendar
from django.conf import settings
from django.http import Http404, HttpResponse
from django.views import View

from events.dates import DatePrecision
from events.models import Event, Milestone
from events.views.content import TIMELINE_ORDER

from .filters import TimelineFilter
from .serializers import period_end

PRODUCT = "-//skillsite//职业能力建设大事记//ZH"
# The site-wide calendar holds the latest milestones up to this many; a year's filter reaches
# older ones.
CALENDAR_LIMIT = 1000


def summary(milestone):
    if milestone.precision == DatePrecision.MONTH:
        return f"{milestone.date_text}：{milestone.title}"
    if milestone.precision == DatePrecision.YEAR:
        return f"{milestone.date_text}（全年）：{milestone.title}"
    return milestone.title


def vevent(milestone, request):
    event = icalendar.Event()
    # The primary key never changes, so a calendar program updates rather than duplicates.
    event.add("uid", f"milestone-{milestone.pk}@{request.get_host().split(':')[0]}")
    event.add("dtstamp", milestone.updated_at)
    event.add("last-modified", milestone.updated_at)
    event.add("summary", summary(milestone))
    event.add("dtstart", milestone.date)
    # DTEND of an all-day event is the day after its last day (RFC 5545, 3.6.1).
    last_day = period_end(milestone.date, milestone.end_date, milestone.precision)
    event.add("dtend", last_day + datetime.timedelta(days=1))
    event.add("description", milestone.description)
    place = [region.short_name for region in milestone.regions.all()]
    if milestone.venue:
        place.append(milestone.venue)
    if place:
        event.add("location", "、".join(place))
    event.add("url", request.build_absolute_uri(milestone.event.get_absolute_url()))
    event.add("categories", [milestone.event.short_title])
    event.add("transp", "TRANSPARENT")
    return event


def calendar_response(name, milestones, request, filename):
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    for milestone in milestones:
        calendar.add_component(vevent(milestone, request))
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def reverse_order(term):
    return term[1:] if term.startswith("-") else f"-{term}"


def calendar_milestones():
    return Milestone.objects.published().select_related("event").prefetch_related("regions")


class MilestoneCalendarView(View):
    """The timeline as a calendar, narrowed by the same filters as /milestones/."""

    def get(self, request):
        filterset = TimelineFilter(request.GET, queryset=calendar_milestones(), request=request)
        if not filterset.is_valid():
            errors = "；".join(f"{name}：{' '.join(messages)}" for name, messages in filterset.errors.items())
            return HttpResponse(
                f"筛选条件无效：{errors}\n", status=400, content_type="text/plain; charset=utf-8"
            )
        latest = filterset.qs.order_by(*(reverse_order(term) for term in TIMELINE_ORDER))[:CALENDAR_LIMIT]
        milestones = sorted(latest, key=lambda m: (m.date, m.end_date or m.date, m.pk))
        return calendar_response("职业能力建设大事记：时间线", milestones, request, "milestones.ics")


class EventCalendarView(View):
    """One event's milestones."""

    def get(self, request, slug):
        event = Event.objects.published().filter(slug=slug).first()
        if event is None:
            raise Http404("没有这件大事。")
        milestones = calendar_milestones().filter(event=event).order_by(*TIMELINE_ORDER)
        return calendar_response(
            f"{event.year}年大事：{event.short_title}", milestones, request, f"{slug}.ics"
        )
