"""Links of the page itself: its absolute URL (canonical, og:url) and the current navigation section."""

from django import template
from django.utils.safestring import mark_safe

register = template.Library()


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
