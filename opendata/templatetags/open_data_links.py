"""{% data_links "events" %}: a list page's links to its own data, with the active filters."""

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode

register = template.Library()

# The API list of each HTML list, and the lists whose rows are also a calendar.
API_LISTS = {
    "events": "opendata:event_list",
    "milestones": "opendata:milestone_list",
    "awards": "opendata:award_list",
    "bases": "opendata:base_list",
}
CALENDARS = {"milestones": "opendata:milestone_calendar"}


@register.simple_tag(takes_context=True)
def data_links(context, collection):
    request = context["request"]
    filterset = context.get("filter")
    names = filterset.filters if filterset is not None else ()
    query = urlencode([(name, value) for name, value in request.GET.items() if name in names and value])
    query = f"?{query}" if query else ""
    links = [
        ("CSV", reverse(API_LISTS[collection]).rstrip("/") + ".csv"),
        ("JSON", reverse(API_LISTS[collection])),
    ]
    if collection in CALENDARS:
        links.append(("日历（iCalendar）", reverse(CALENDARS[collection])))
    return format_html(
        '<p class="data-links">下载数据：{}</p>',
        format_html_join("、", '<a href="{}{}">{}</a>', ((url, query, label) for label, url in links)),
    )
