"""Template tags and filters of the public site: dates at their precision, search highlights, URLs."""

import datetime
import re

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from events import dates
from events.dates import DatePrecision

register = template.Library()

EXCERPT_RADIUS = 60


@register.inclusion_tag("includes/date.html")
def timeperiod(value, precision=DatePrecision.DAY):
    """<time datetime> for a date, or for a milestone at its precision (a range gets two).

    `value` is a date, or anything with date, end_date and precision (a Milestone).
    """
    if isinstance(value, datetime.date):
        start, end = value, None
    else:
        start, end, precision = value.date, value.end_date, value.precision
    start_text = dates.chinese_date(start, precision)
    context = {"start": start_text, "start_iso": dates.iso_date(start, precision), "end": ""}
    if end and end != start:
        full = dates.chinese_range(start, end, precision)
        context["end"] = full.removeprefix(f"{start_text}至")
        context["end_iso"] = dates.iso_date(end, precision)
    return context


def _pattern(terms):
    words = sorted({term for term in terms if term}, key=len, reverse=True)
    if not words:
        return None
    return re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)


def _marked(text, pattern):
    """Escape text and wrap every match in <mark>; nothing of the text is trusted."""
    if pattern is None:
        return conditional_escape(text)
    parts = []
    position = 0
    for match in pattern.finditer(text):
        parts.append(conditional_escape(text[position : match.start()]))
        parts.append(format_html("<mark>{}</mark>", match.group()))
        position = match.end()
    parts.append(conditional_escape(text[position:]))
    return mark_safe("".join(parts))


@register.filter
def highlight(text, terms):
    """The text, escaped, with each search term marked."""
    return _marked(str(text or ""), _pattern(terms or []))


@register.filter
def excerpt(text, terms):
    """A short passage around the first match, escaped, with the terms marked."""
    text = " ".join(str(text or "").split())
    pattern = _pattern(terms or [])
    match = pattern.search(text) if pattern else None
    if match is None:
        start, end = 0, EXCERPT_RADIUS * 2
    else:
        start = max(0, match.start() - EXCERPT_RADIUS)
        end = match.end() + EXCERPT_RADIUS
    passage = text[start:end]
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return mark_safe(prefix + _marked(passage, pattern) + suffix)


@register.simple_tag(takes_context=True)
def absolute_url(context, path=None):
    """An absolute URL on the host the page was requested from: canonical and og:url."""
    request = context.get("request")
    if request is None:
        return path or "/"
    return request.build_absolute_uri(path if path is not None else request.path)


@register.simple_tag(takes_context=True)
def current_section(context, list_name, *other_names):
    """aria-current on a navigation link: "page" on the list itself, "true" inside its section."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    name = match.url_name if match else None
    if name == list_name:
        return mark_safe(' aria-current="page"')
    if name in other_names:
        return mark_safe(' aria-current="true"')
    return ""
