"""{% json_ld object %}: a detail page's schema.org data as a JSON-LD script element."""

import json

from django import template
from django.utils.safestring import mark_safe

from ..structured_data import structured_data

register = template.Library()

# As Django's json_script: nothing in the data can close the element or open a comment.
ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.simple_tag(takes_context=True)
def json_ld(context, obj):
    data = structured_data(obj, context["request"], context.get("breadcrumbs", []))
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # escaped above
