"""Finding the rows a file names: by natural key, by another unique field, or by name as people
write it.

A reference is first looked up exactly, by the target's natural key or one of its aliases
(specs.REFERENCE_ALIASES): 510000, sichuan, 四川省 and 四川 all name Sichuan. What is not found
so is compared once more after normalisation (name_form): spaces dropped, full-width letters,
digits and brackets read as half-width, Latin letters in either case, and for a province an
optional suffix (省, 市, 自治区 …) left off, so 四川 省, 广西自治区 and 新疆维吾尔自治区 find their rows.
A normalised name that more than one row answers to is ambiguous: the import reports it
with the candidates rather than guess. Normalised names are compared only within lists short
enough to hold in memory (provinces, sectors, kinds, batches); a long list is named exactly.
"""

import difflib
import unicodedata
from collections import defaultdict

from django.db.models import Q

from .specs import NAME_SUFFIXES
from .sql import chunked

QUERY_CHUNK = 500
# Rows of a referenced list that are read whole, for normalised names and "nearest" hints.
SHORT_LIST_LIMIT = 500


def name_form(text):
    """A name as compared after normalisation: NFKC, no whitespace, Latin letters folded."""
    text = unicodedata.normalize("NFKC", str(text))
    return "".join(text.split()).casefold()


def without_suffix(text, suffixes):
    """The name without the first of `suffixes` it ends with (longest first), if anything is left."""
    for suffix in suffixes:
        if text.endswith(suffix) and len(text) > len(suffix):
            return text[: -len(suffix)]
    return text


class References:
    """Looks references up for one import, remembering short lists between batches."""

    def __init__(self):
        self._lists = {}  # label: None (too long) or (names for hints, {form: {pk: name}})
        # label: {key: [names of the rows it could mean]}, for the import's report.
        self.ambiguous = defaultdict(dict)

    def forget(self, label):
        """Rows of `label` were written: read its list again when it is next needed."""
        self._lists.pop(label, None)

    def lookup(self, spec, keys):
        """{key: pk} for the rows these references name; ambiguous names are kept aside."""
        found = {}
        for chunk in chunked(keys, QUERY_CHUNK):
            condition = Q()
            for name in spec.reference_fields:
                condition |= Q(**{f"{name}__in": chunk})
            wanted, rank = set(chunk), {}
            for pk, *values in spec.model._base_manager.filter(condition).values_list(
                "pk", *spec.reference_fields
            ):
                for position, value in enumerate(values):
                    # A row's natural key wins over another row's name that happens to match.
                    if value in wanted and position < rank.get(value, len(values)):
                        found[value], rank[value] = pk, position
        missing = [key for key in keys if key not in found]
        if missing and spec.aliases:
            found.update(self._by_name(spec, missing))
        return found

    def _by_name(self, spec, keys):
        short_list = self._short_list(spec)
        if short_list is None:
            return {}
        _, forms = short_list
        suffixes = NAME_SUFFIXES.get(spec.label, ())
        found = {}
        for key in keys:
            candidates = {}
            for form in dict.fromkeys([name_form(key), name_form(without_suffix(name_form(key), suffixes))]):
                candidates = forms.get(form, {})
                if candidates:
                    break
            if len(candidates) == 1:
                found[key] = next(iter(candidates))
            elif candidates:
                self.ambiguous[spec.label][key] = sorted(candidates.values())
        return found

    def _short_list(self, spec):
        if spec.label not in self._lists:
            fields = spec.reference_fields
            rows = list(spec.model._base_manager.values_list("pk", *fields)[: SHORT_LIST_LIMIT + 1])
            if len(rows) > SHORT_LIST_LIMIT:
                self._lists[spec.label] = None
            else:
                suffixes = NAME_SUFFIXES.get(spec.label, ())
                # A row is shown by the last of its alias fields that reads as a name: 四川省.
                shown = fields.index("name") if "name" in fields else 0
                forms = defaultdict(dict)
                names = []
                for pk, *values in rows:
                    for value in values:
                        if not value:
                            continue
                        names.append(str(value))
                        form = name_form(value)
                        for variant in (form, without_suffix(form, suffixes)):
                            forms[variant][pk] = str(values[shown])
                self._lists[spec.label] = (names, dict(forms))
        return self._lists[spec.label]

    def is_ambiguous(self, label, key):
        return key in self.ambiguous.get(label, {})

    def nearest(self, spec, key):
        """Names and keys of rows like `key`, for lists short enough to offer (provinces, sectors)."""
        short_list = self._short_list(spec) if spec.reference_fields else None
        if short_list is None:
            return []
        return difflib.get_close_matches(str(key), short_list[0], n=3, cutoff=0.5)

    def ambiguity(self, spec, key):
        """The message for a name several rows of `spec` answer to, or None."""
        if candidates := self.ambiguous[spec.label].get(key):
            return f"「{key}」可以指多个{spec.verbose_name}：{'、'.join(candidates)}。"
        return None
