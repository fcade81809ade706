"""Images at a named size, with the width and height an <img> needs to reserve its space.

    {% load renditions %}
    {% rendition event "list" as picture %}
    {% if picture %}<img src="{{ picture.url }}" width="{{ picture.width }}"
                         height="{{ picture.height }}" alt="{{ event.image_alt }}">{% endif %}

or, for the usual case, the whole element with the object's alt text:

    {% rendition_img event "detail" %}
    {% rendition_img base "list" class="card-image" loading="eager" %}

Sizes: thumb (160 px wide), list (480 px), detail (1200 px); never wider than the original.
"""

from django import template
from django.utils.html import format_html, format_html_join

from events.images import get_rendition

register = template.Library()


@register.simple_tag
def rendition(obj, size="list", field="image"):
    """The Rendition (url, width, height) of obj's image at a named size, or None."""
    field_file = getattr(obj, field, None)
    if not field_file:
        return None
    return get_rendition(field_file, size)


@register.simple_tag
def rendition_img(obj, size="list", field="image", **attributes):
    """An <img> with src, width, height and alt; nothing when obj has no usable image."""
    picture = rendition(obj, size, field)
    if picture is None:
        return ""
    attributes = {"loading": "lazy", "decoding": "async"} | attributes
    extra = format_html_join("", ' {}="{}"', attributes.items())
    return format_html(
        '<img src="{}" width="{}" height="{}" alt="{}"{}>',
        picture.url,
        picture.width,
        picture.height,
        getattr(obj, f"{field}_alt", ""),
        extra,
    )
