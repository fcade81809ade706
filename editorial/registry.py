"""What is versioned, and which item a row's changes belong to.

An *item* is a row that is reviewed and published as a whole — an event, an award, a
training base — together with the rows edited on its page (an event's milestones and key
figures, an award's recipients). A change to such a child is a change to its item, and
waits with it for a publisher. Content apps declare their models here once, in their
AppConfig.ready().
"""

from dataclasses import dataclass, field

import reversion
from django.core import serializers

# Fields that say when a row was touched, not what it says: left out of revisions, so a
# published revision dates its rows from its publication, and left out of comparisons.
BOOKKEEPING_FIELDS = ("updated_at",)


@dataclass(frozen=True)
class VersionedModel:
    model: type
    parent: str | None = None
    children: tuple[str, ...] = field(default=())

    @property
    def fields(self):
        opts = self.model._meta
        return tuple(
            f.name
            for f in [*opts.local_fields, *opts.local_many_to_many]
            if not f.primary_key and f.name not in BOOKKEEPING_FIELDS
        )


_registry: dict[type, VersionedModel] = {}


def register(model, *, children=(), parent=None):
    """Version `model`. An item names its `children` (related names); a child its `parent` (a
    foreign key to its item)."""
    spec = VersionedModel(model, parent=parent, children=tuple(children))
    _registry[model] = spec
    reversion.register(model, fields=spec.fields, follow=spec.children)
    return model


def get(model):
    return _registry.get(model._meta.concrete_model if hasattr(model, "_meta") else model)


def is_versioned(model):
    return get(model) is not None


def item_models():
    """Models whose rows are items of their own (not children)."""
    return [spec.model for spec in _registry.values() if spec.parent is None]


def item_of(obj):
    """The item `obj` belongs to: itself, or its parent item."""
    spec = get(type(obj))
    if spec is None or spec.parent is None:
        return obj
    return getattr(obj, spec.parent)


def parent_field(model):
    spec = get(model)
    return spec.parent if spec else None


def rows_of(item):
    """The item and every child row stored with it, in a stable order (prefetched rows are used
    as they are)."""
    rows = [item]
    for name in get(type(item)).children:
        rows.extend(sorted(getattr(item, name).all(), key=lambda row: row.pk))
    return rows


def prefetch_lookups(model):
    """What to prefetch to snapshot many items of `model` in a few queries: their children and
    every many-to-many relation of the item and of its children."""
    spec = get(model)
    lookups = [f.name for f in model._meta.local_many_to_many]
    for name in spec.children:
        lookups.append(name)
        child = model._meta.get_field(name).related_model
        lookups += [f"{name}__{f.name}" for f in child._meta.local_many_to_many]
    return lookups


def load(model, pks):
    """Items of `model` by primary key, with what a snapshot of them reads, in a few queries."""
    return {
        str(item.pk): item
        for item in model._default_manager.filter(pk__in=pks).prefetch_related(*prefetch_lookups(model))
    }


def serialize(obj):
    """One row as a revision stores it (Django's JSON serialization of its versioned fields)."""
    return serializers.serialize("json", [obj], fields=get(type(obj)).fields)


# Publishable items offer is_published, is_public, published_at, mark_published(at) and
# mark_draft(); the content app decides what those mean for its rows.


def needs_review(item):
    """Whether changes to `item` must wait for a publisher: it has been published (public or
    scheduled). Items that were never published are edited in place; nobody sees them yet."""
    return bool(getattr(item, "is_published", False))


def can_publish(user, model):
    opts = model._meta
    return user.has_perm(f"{opts.app_label}.publish_{opts.model_name}")
