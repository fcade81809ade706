"""Parts of a page (list rows, a filter form) rendered once per content version and reused.

    {% load fragments %}
    {% cached_each object_list "includes/card.html" "event" show_regions=True as cards %}
    {% for card in cards %}<li>{{ card }}</li>{% endfor %}

Each object is rendered by the template on its own, as `{% include ... with ... only %}`
would: with the object under the given name and the other values, nothing else of the
page. The HTML is kept in the shared cache under the content version (events/content_version.py),
so any save, delete, import or scheduled publication makes every kept row stale at once, as it
does cached pages; the key also holds the language, the display mode (standard or 长辈版), the
template, the values and the object's model and primary key. All rows of a list come back in
one round trip; the ones missing are rendered and stored in one more. Each process also keeps
copies of what it read or stored (events/local_copies.py), so a part it has seen under the
current version costs no round trip at all.

A part that depends on more than its values, such as a list's filter form, is kept whole:

    {% fragment filter_form_key %}{% include "includes/filter_form.html" %}{% endfragment %}

where the key names everything the part shows (the view builds it; None renders the part
afresh and keeps nothing, as for a form with errors). The content version, the language and
the display mode are added to it here.

Only public content belongs here: the lists that use it show nothing else, and a staff preview
renders its page without it. With CONTENT_CACHE_SECONDS at 0 every row is rendered afresh.
"""

import hashlib
from functools import partial

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.db.models import QuerySet, prefetch_related_objects
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from events import local_copies
from events.content_version import KeptKeysPage, content_state

register = template.Library()

FRAGMENT_KEY_PREFIX = "fragment"


def variant_digest(*parts, elder):
    """What, besides the content version, a kept part depends on: the parts named, the language
    and the display mode."""
    return hashlib.sha256(repr((*parts, get_language(), elder)).encode()).hexdigest()


def fragment_keys(model, primary_keys, template_name, name, values, elder, version):
    variant = variant_digest(template_name, name, sorted(values.items()), elder=elder)[:16]
    label = model._meta.label_lower
    return [f"{FRAGMENT_KEY_PREFIX}:{version}:{variant}:{label}:{pk}" for pk in primary_keys]


@register.simple_tag(takes_context=True)
def cached_each(context, objects, template_name, name, prefetch="", **values):
    """The HTML of each of `objects` rendered by `template_name`, in order, as a list.

    `objects` may be a list or a page of a list view (`page_obj`), whose primary keys are kept
    per content version with its count (events/content_version.py); the page's rows are
    fetched, with its queryset's joins, only for the objects whose HTML is not kept, so a list
    page whose rows are all kept costs no query. `prefetch` names the relations the template
    reads (comma-separated, as for prefetch_related): they are fetched for the rows rendered,
    in one query each, and not at all when every row is kept.
    """
    compiled = context.template.engine.get_template(template_name)
    lookups = [lookup for lookup in prefetch.split(",") if lookup]

    def render_all(chosen):
        if lookups:
            prefetch_related_objects(chosen, *lookups)
        return [mark_safe(compiled.render(context.new({name: obj, **values}))) for obj in chosen]

    seconds = settings.CONTENT_CACHE_SECONDS
    if not seconds:
        objects = list(objects)
        return render_all(objects) if objects else []
    model, primary_keys, fetch = keys_and_rows(objects)
    if not primary_keys:
        return []
    version = content_state()["version"]
    elder = bool(context.get("elder_mode"))
    keys = fragment_keys(model, primary_keys, template_name, name, values, elder, version)
    found = local_copies.get_many(version, keys)
    missing = [(key, pk) for key, pk in zip(keys, primary_keys, strict=True) if key not in found]
    if missing:
        rendered = render_all(fetch([pk for _key, pk in missing]))
        fresh = {key: str(html) for (key, _pk), html in zip(missing, rendered, strict=True)}
        local_copies.set_many(version, fresh, seconds)
        found |= fresh
    return [mark_safe(found[key]) for key in keys]


def keys_and_rows(objects):
    """The model and primary keys of `objects` (a page of a list view, or a list), and a
    function giving the objects with some of those keys, in order. A page's rows not yet read
    are fetched only for the keys asked for."""
    if isinstance(objects, KeptKeysPage):
        rows = objects.object_list
        if isinstance(rows, QuerySet) and rows._result_cache is None:
            return rows.model, objects.primary_keys, partial(rows_of, rows)
        objects = rows
    objects = list(objects)
    by_key = {obj.pk: obj for obj in objects}
    return (type(objects[0]) if objects else None), list(by_key), lambda wanted: [by_key[pk] for pk in wanted]


def rows_of(page, primary_keys):
    """The rows of `page` (a sliced queryset) with these primary keys, in their order, fetched
    in one query with the queryset's joins and fields."""
    unsliced = page._chain()
    unsliced.query.clear_limits()
    rows = unsliced.order_by().in_bulk(primary_keys)
    return [rows[pk] for pk in primary_keys]


class FragmentNode(template.Node):
    def __init__(self, nodelist, key):
        self.nodelist = nodelist
        self.key = key

    def render(self, context):
        key = self.key.resolve(context)
        seconds = settings.CONTENT_CACHE_SECONDS
        if key is None or not seconds:
            return self.nodelist.render(context)
        digest = variant_digest(key, elder=bool(context.get("elder_mode")))
        version = content_state()["version"]
        full_key = f"{FRAGMENT_KEY_PREFIX}:{version}:{digest}"
        html = local_copies.get_many(version, [full_key]).get(full_key)
        if html is None:
            html = str(self.nodelist.render(context))
            local_copies.set_many(version, {full_key: html}, seconds)
        return mark_safe(html)


@register.tag
def fragment(parser, token):
    """{% fragment key %}…{% endfragment %}: the enclosed part, kept per content version under
    `key` (with the language and the display mode); rendered afresh when `key` is None."""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError(f"{bits[0]} takes one argument, the part's key.")
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(nodelist, parser.compile_filter(bits[1]))


# Parts of the layout that no content changes: the navigation, the footer, the links in the
# head. Kept in this process, per language, display mode and the values the tag names.
_layout_parts = {}
LAYOUT_PARTS_MAX = 1024


def forget_process_copies(**kwargs):
    """Settings (the footer's lines, static files, how long parts are kept) changed, as tests
    do: render the layout parts anew and drop this process's copies of kept parts."""
    _layout_parts.clear()
    local_copies.copies.clear()


setting_changed.connect(forget_process_copies)


class LayoutPartNode(template.Node):
    def __init__(self, nodelist, values):
        self.nodelist = nodelist
        self.values = values

    def render(self, context):
        key = (
            repr([value.resolve(context) for value in self.values]),
            get_language(),
            bool(context.get("elder_mode")),
        )
        html = _layout_parts.get(key)
        if html is None:
            html = self.nodelist.render(context)
            if len(_layout_parts) < LAYOUT_PARTS_MAX:
                _layout_parts[key] = html
        return html


@register.tag
def layout_part(parser, token):
    """{% layout_part "nav" request.resolver_match.url_name %}…{% endlayout_part %}: a part of
    the layout that depends on nothing but the values named (each from a small, fixed set),
    the language, the display mode and the settings, rendered once per process."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(f"{bits[0]} needs at least the part's name.")
    nodelist = parser.parse(("endlayout_part",))
    parser.delete_first_token()
    return LayoutPartNode(nodelist, [parser.compile_filter(bit) for bit in bits[1:]])
