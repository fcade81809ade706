"""Dates at their source's precision, in <time datetime>: 2023年11月6日, 2023年9月, 2023年5月至12月."""

import datetime

from django import template

from events import dates
from events.dates import DatePrecision
from events.models.translation import english_active

register = template.Library()


@register.inclusion_tag("includes/date.html")
def timeperiod(value, precision=DatePrecision.DAY):
    """<time datetime> for a date, or for a milestone at its precision (a range gets two).

    `value` is a date, or anything with date, end_date and precision (a Milestone).
    """
    if isinstance(value, datetime.date):
        start, end = value, None
    else:
        start, end, precision = value.date, value.end_date, value.precision
    start_text = dates.local_date(start, precision)
    context = {"start": start_text, "start_iso": dates.iso_date(start, precision), "end": ""}
    if end and end != start:
        english = english_active()
        full = dates.local_range(start, end, precision)
        context["end"] = full.removeprefix(f"{start_text} to " if english else f"{start_text}至")
        context["end_iso"] = dates.iso_date(end, precision)
        context["to"] = " to " if english else "至"
    return context
