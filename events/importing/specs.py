"""What the importer knows about each kind of content: its natural key, references and columns.

Everything here is derived from the model, so a new field is importable and exportable the
moment it is added; only the natural keys and the ways a province may be named are stated.
"""

from dataclasses import dataclass, field
from functools import cached_property

from django.apps import apps
from django.db import models

# The natural key of each content model, as fields of the model. A foreign key in a natural key
# stands for the referenced row's own (single-field) natural key.
NATURAL_KEYS = {
    "events.province": ("code",),
    "events.category": ("slug",),
    "events.sourcearticle": ("slug",),
    "events.event": ("slug",),
    "events.milestone": ("slug",),
    "events.keyfigure": ("event", "key"),
    "events.award": ("slug",),
    "events.awardrecipient": ("award", "name"),
    "events.trainingbasekind": ("slug",),
    "events.sector": ("slug",),
    "events.trainingbasebatch": ("slug",),
    "events.trainingbase": ("slug",),
    "events.edition": ("year",),
}

# What names a row when a file gives no slug: a partner's list has names, not slugs. A row
# without a slug is matched to the existing row of the same identity (the k-th such row of a
# file to the k-th such row in the database, in the order they were created), and only a
# genuinely new row gets a slug, proposed from its name as the admin proposes it. The last
# field is the one the row is known by.
IDENTITIES = {
    "events.category": ("name",),
    "events.sourcearticle": ("title",),
    "events.event": ("year", "title"),
    "events.milestone": ("event", "title"),
    "events.award": ("name", "session_number"),
    "events.trainingbasekind": ("name",),
    "events.sector": ("name",),
    "events.trainingbasebatch": ("name",),
    "events.trainingbase": ("batch", "name"),
}

# Key fields that, left empty, are the pinyin of another field, as the admin fills them in:
# a key figure's key from its label (现场观赛 → xian-chang-guan-sai).
KEYS_FROM_TEXT = {
    "events.keyfigure": {"key": "label"},
}

# Besides its natural key, a reference may name a row by any of these unique fields, the
# first taking precedence: a province as 110000, 北京市, 北京 or beijing; a sector as
# cnc-machining or 数控加工.
REFERENCE_ALIASES = {
    "events.province": ("code", "name", "short_name", "slug"),
    "events.category": ("slug", "name"),
    "events.sector": ("slug", "name"),
    "events.trainingbasekind": ("slug", "name"),
    "events.trainingbasebatch": ("slug", "name"),
}
# Endings a name may be written with or without (longest first): 四川省 or 四川, 广西壮族自治区,
# 广西自治区 or 广西, 香港特别行政区 or 香港.
NAME_SUFFIXES = {
    "events.province": ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市"),
}
# References written by name in CSV exports (and the API's CSV): the others by natural key.
EXPORTED_BY_NAME = {"events.province"}

# Fields that say when a row was touched rather than what it says: a change to them alone
# does not make a row "updated", and a real update refreshes them unless the file gives them.
BOOKKEEPING_FIELDS = {"updated_at"}
# Publication state and timestamps close a CSV row, after what the row is about.
LAST_COLUMNS = ("status", "published_at", "created_at", "updated_at")
# An image and its description follow the fields of the content itself.
IMAGE_COLUMNS = ("image", "image_width", "image_height", "image_alt")


@dataclass(frozen=True, eq=False)
class ContentSpec:
    model: type[models.Model]
    natural_key: tuple[str, ...]
    aliases: tuple[str, ...] = field(default=())
    identity: tuple[str, ...] = field(default=())
    keys_from_text: dict = field(default_factory=dict)

    @cached_property
    def label(self):
        return self.model._meta.label_lower

    @cached_property
    def name(self):
        """The short name used for CSV files and the --model option: event, trainingbase…"""
        return self.model._meta.model_name

    @property
    def verbose_name(self):
        return str(self.model._meta.verbose_name)

    @cached_property
    def derived_key(self):
        """The natural key field a row may leave out, made from its identity: the slug, or None."""
        if self.identity and self.natural_key == ("slug",):
            return "slug"
        return None

    @cached_property
    def concrete_fields(self):
        """Every stored field except the database id, in model order."""
        return [f for f in self.model._meta.concrete_fields if not f.primary_key]

    @cached_property
    def foreign_keys(self):
        return [f for f in self.concrete_fields if f.is_relation]

    @cached_property
    def many_to_many(self):
        return list(self.model._meta.many_to_many)

    @cached_property
    def fields_by_name(self):
        return {f.name: f for f in [*self.concrete_fields, *self.many_to_many]}

    @cached_property
    def key_field(self):
        """The single field that other rows use to refer to this one (slug or code)."""
        if len(self.natural_key) != 1:
            return None
        return self.natural_key[0]

    @cached_property
    def reference_fields(self):
        return self.aliases or ((self.key_field,) if self.key_field else ())

    @cached_property
    def unique_sets(self):
        """Unique fields and constraints other than the natural key, checked before writing."""
        sets = [(f.name,) for f in self.concrete_fields if f.unique]
        sets += [tuple(c.fields) for c in self.model._meta.total_unique_constraints]
        return [s for s in dict.fromkeys(sets) if set(s) != set(self.natural_key)]

    @cached_property
    def dependencies(self):
        """Labels of the other content models this one refers to."""
        targets = {f.related_model._meta.label_lower for f in [*self.foreign_keys, *self.many_to_many]}
        targets.discard(self.label)
        return targets

    @cached_property
    def self_references(self):
        return [f for f in self.foreign_keys if f.related_model is self.model]

    def is_required(self, model_field):
        """A field a new row cannot do without: no default, not blank, or part of the key.

        A slug is not: a row without one is known by its identity (its name, say).
        """
        if model_field.name == self.derived_key or model_field.name in self.keys_from_text:
            return False
        if model_field.name in self.natural_key:
            return True
        if model_field.many_to_many:
            return False
        return not model_field.blank and not model_field.has_default() and not model_field.null

    @cached_property
    def columns(self):
        """CSV columns in template order: natural key, the other fields, links, state and timestamps."""
        names = [*self.natural_key]
        late = {*LAST_COLUMNS, *IMAGE_COLUMNS}
        names += [f.name for f in self.concrete_fields if f.name not in names and f.name not in late]
        names += [name for name in IMAGE_COLUMNS if name in self.fields_by_name]
        names += [f.name for f in self.many_to_many]
        names += [name for name in LAST_COLUMNS if name in self.fields_by_name]
        return names

    @cached_property
    def required_columns(self):
        return [name for name in self.columns if self.is_required(self.fields_by_name[name])]

    @cached_property
    def column_aliases(self):
        """Header names a spreadsheet may use for each field: its name or its Chinese label."""
        aliases = {}
        for name in self.columns:
            aliases[name] = name
            label = str(self.fields_by_name[name].verbose_name)
            aliases.setdefault(label, name)
        return aliases

    def natural_key_text(self, key):
        return "/".join(str(part) for part in key)


def _build_specs():
    specs = {}
    for label, natural_key in NATURAL_KEYS.items():
        model = apps.get_model(label)
        specs[label] = ContentSpec(
            model,
            natural_key,
            REFERENCE_ALIASES.get(label, ()),
            IDENTITIES.get(label, ()),
            KEYS_FROM_TEXT.get(label, {}),
        )
    return specs


def _dependency_order(specs):
    order, done = [], set()

    def visit(label, trail=()):
        if label in done:
            return
        if label in trail:
            raise ValueError(f"content models refer to each other in a cycle: {trail}")
        for dependency in sorted(specs[label].dependencies):
            visit(dependency, (*trail, label))
        done.add(label)
        order.append(label)

    for label in specs:
        visit(label)
    return order


class Registry:
    """The content models in dependency order, found by label, model name or CSV file name."""

    def __init__(self):
        specs = _build_specs()
        self.order = _dependency_order(specs)
        self.specs = {label: specs[label] for label in self.order}

    def __iter__(self):
        return iter(self.specs.values())

    def get(self, name):
        """A spec by label (events.event), model name (event), class name (Event) or the
        Chinese name the admin shows (大事, 培训载体)."""
        name = (name or "").strip().lower()
        if name in self.specs:
            return self.specs[name]
        for spec in self:
            opts = spec.model._meta
            if name in (spec.name, str(opts.verbose_name), str(opts.verbose_name_plural)):
                return spec
        return None

    def for_model(self, model):
        return self.specs.get(model._meta.label_lower)

    def for_csv_file(self, filename):
        """The spec whose name the CSV file name starts with: training_bases-beijing.csv → trainingbase."""
        stem = filename.rsplit("/", 1)[-1].rsplit(".", 1)[0].lower()
        # Letters only, after any leading number: 03_training_bases-2023.csv → trainingbases…
        stem = "".join(ch for ch in stem if ch.isalnum()).lstrip("0123456789")
        for spec in sorted(self, key=lambda s: -len(s.name)):
            if stem.startswith(spec.name):
                return spec
        return None


_registry = None


def registry():
    global _registry
    if _registry is None:
        _registry = Registry()
    return _registry
