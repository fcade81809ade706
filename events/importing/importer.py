"""Validate and upsert records by natural key, in batches, inside one transaction.

One pass reads every file. Records wait in a buffer per model; a full buffer is flushed
after the buffers of the models it refers to, so a milestone is written after its event
even when both come from one file. A flush resolves references with one query per field,
fetches the rows it will update with one more, validates every record in Python (field
validation, clean(), unique fields and constraints against the batch and the database) and
writes the valid ones: new rows with one executemany INSERT, changed rows with bulk_update,
links in bulk. Check constraints are the database's to judge: a batch it refuses is written
again row by row, each in a savepoint, and every refused row is reported with its
constraint's message (constraints.py). A record whose reference is not known yet waits
until the end, for a row defined later in the files.

Every problem is collected; if there is any (or on a dry run) the transaction is rolled
back, so the database is exactly as it was. An interrupt or a crash rolls back too.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import SuspiciousOperation, ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import FileField, Q, UniqueConstraint
from django.utils import timezone
from tqdm import tqdm

from ..content_version import content_changed
from ..models import PublicationStatus
from ..slugs import pinyin_slug, proposed_slug_base, slug_base, unique_slug
from . import sql
from .constraints import constraint_problems
from .ledger import KeyLedger
from .readers import SourceError, read
from .references import References
from .report import ImportReport, Location, Problem, problem_from_validation
from .specs import BOOKKEEPING_FIELDS, ContentSpec, registry
from .sql import chunked
from .values import ABSENT, convert, is_blank

BATCH_SIZE = 1000
QUERY_CHUNK = 500


def _short(value, limit=80):
    """A value as a person reads it in a report, cut short: a key may be anything a file holds."""
    text = repr(value) if isinstance(value, (list, dict, tuple)) else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class ParsedRecord:
    spec: ContentSpec
    location: Location
    # The natural key; empty while a row without a slug waits to be matched by its identity.
    key: tuple
    values: dict = field(default_factory=dict)
    references: dict = field(default_factory=dict)
    many: dict = field(default_factory=dict)
    # Fields whose value could not be read: already reported, left out of validation.
    bad_fields: set = field(default_factory=set)
    has_problems: bool = False

    @property
    def key_text(self):
        if not self.key:
            return self.spec.natural_key_text(
                self.references.get(name) if name in self.references else self.values.get(name, "")
                for name in self.spec.identity
                if self.references.get(name) or self.values.get(name) not in (None, "")
            )
        return self.spec.natural_key_text(self.key)


class Importer:
    def __init__(self, *, dry_run=False, batch_size=BATCH_SIZE, progress=None, user=None, history=None):
        self.registry = registry()
        # Whose import this is: each record needs that user's add or change permission on its
        # model (and the publish permission to touch public content). None: the command,
        # run by whoever may run manage.py.
        self.user = user
        # Told what each batch writes, so the import shows in the items' history (and can be
        # undone); see editorial.imports.
        self.history = None if dry_run else history
        self.dry_run = dry_run
        self.batch_size = batch_size
        self.progress = progress
        self.report = ImportReport(dry_run=dry_run)
        self.buffers = {label: [] for label in self.registry.order}
        self.buffered_keys = {label: set() for label in self.registry.order}
        self.waiting = {label: [] for label in self.registry.order}
        # Every natural key met so far, with where it was met, to catch duplicates and to say
        # why a reference is missing. Keys of records with problems are kept in `failed`.
        self.ledger = None
        self.failed = {label: set() for label in self.registry.order}
        self.bytes_read = 0
        self.bytes_total = 0
        self.now = timezone.now()
        self._targets = {}
        self.references = References()
        # Values every record of the source being read shares, unless it gives its own:
        # (model label, {field name: value}), from --set or the admin's import page.
        self.shared = None

    # Reading ---------------------------------------------------------------------------------

    def run(self, sources):
        sources = list(sources)
        self.report.files = [source.name for source in sources]
        self.bytes_total = sum(source.size for source in sources)
        self.ledger = KeyLedger()
        try:
            self._run(sources)
        finally:
            self.ledger.close()
        return self.report

    def _run(self, sources):
        with transaction.atomic():
            for source in sources:
                self.shared = self.shared_values_of(source)
                try:
                    for raw in read(source, self._on_read):
                        self.report.records_read += 1
                        self.add(raw)
                        if self.progress and self.report.records_read % 500 == 0:
                            self.progress(self)
                except SourceError as error:
                    for problem in error.problems:
                        self.report.add(problem)
                self.report.notes += [f"{source.name}：{note}" for note in source.notes]
            self.flush_all()
            self.settle_waiting()
            if self.history is not None and self.report.ok:
                self.history.finish(self.report)
            if self.progress:
                self.progress(self, done=True)
            if self.dry_run or not self.report.ok:
                transaction.set_rollback(True)
            # Rows are written in bulk, without signals: cached pages go stale once this
            # commits (a rolled-back import discards the callback and changes nothing).
            content_changed()

    def shared_values_of(self, source):
        if not getattr(source, "shared", None):
            return None
        spec = self.registry.get(source.csv_model) or self.registry.for_csv_file(source.name)
        return (spec.label, source.shared) if spec is not None else None

    def _on_read(self, count):
        self.bytes_read += count

    def add(self, raw):
        report = self.report
        if raw.problems:
            for problem in raw.problems:
                report.add(problem)
            return
        spec = self.registry.specs.get(raw.label)
        if spec is None:
            report.add(
                Problem(
                    raw.location,
                    f"未知的内容类型「{raw.label}」。可导入：{', '.join(self.registry.specs)}。",
                    f"Unknown model {raw.label!r}.",
                )
            )
            return
        if self.shared is not None and self.shared[0] == spec.label:
            # A row's own value wins; an empty cell or a missing column takes the shared one.
            for name, value in self.shared[1].items():
                if is_blank(raw.fields.get(name)):
                    raw.fields[name] = value
        record, problems = self.parse(spec, raw)
        if record is None:
            for problem in problems:
                report.add(problem)
            return
        first = self.ledger.add(spec.label, record.key, raw.location) if record.key else None
        if first is not None:
            report.add(
                Problem(
                    raw.location,
                    f"自然键重复：与 {first} 相同，同一次导入中只能出现一次。",
                    f"Duplicate natural key: the same as {first.english}.",
                    spec.label,
                    record.key_text,
                )
            )
            return
        if problems:
            # Still validated with its batch, so that every problem of the record is reported.
            record.has_problems = True
            self.failed[spec.label].add(record.key)
            for problem in problems:
                report.add(problem)
        for self_reference in spec.self_references:
            if (record.references.get(self_reference.name),) in self.buffered_keys[spec.label]:
                self.flush(spec.label)
        self.buffers[spec.label].append(record)
        self.buffered_keys[spec.label].add(record.key)
        if len(self.buffers[spec.label]) >= self.batch_size:
            self.flush(spec.label)

    def parse(self, spec, raw):
        """The record's values converted; (None, problems) when it has no usable natural key."""
        location, problems = raw.location, []
        record = ParsedRecord(spec, location, ())
        named_by = spec.natural_key
        if spec.derived_key and is_blank(raw.fields.get(spec.derived_key)):
            named_by = spec.identity  # a row without a slug is known by its name
        display_key = "/".join(_short(raw.fields.get(name) or "") for name in named_by)
        for name, value in raw.fields.items():
            model_field = spec.fields_by_name.get(name)
            if model_field is None:
                record.bad_fields.add(name)
                problems.append(
                    Problem(
                        location,
                        f"未知字段「{name}」：{spec.verbose_name}没有这个字段。",
                        f"Unknown field {name!r} for {spec.label}.",
                        spec.label,
                        display_key,
                        str(name),
                    )
                )
                continue
            try:
                converted = convert(model_field, value, from_csv=raw.from_csv)
            except ValidationError as error:
                problems += problem_from_validation(
                    location, error, model=spec.label, key=display_key, field=name
                )
                record.bad_fields.add(name)
                continue
            if converted is ABSENT:
                continue
            if model_field.many_to_many:
                record.many[name] = converted
            elif model_field.is_relation:
                record.references[name] = converted
            else:
                record.values[name] = converted
        for name, text_field in spec.keys_from_text.items():
            text = record.values.get(text_field)
            if record.values.get(name) in (None, "") and name not in record.bad_fields and text:
                record.values[name] = pinyin_slug(text, max_length=spec.fields_by_name[name].max_length)
        key = []
        for name in spec.natural_key:
            part = (
                record.references.get(name)
                if spec.fields_by_name[name].is_relation
                else record.values.get(name)
            )
            if part in (None, "") and name == spec.derived_key and name not in record.bad_fields:
                # Matched, or given a slug, by its identity once its references are known.
                if spec.identity[-1] in record.bad_fields:
                    return None, problems  # its name is reported already
                if self.identity_values(spec, record)[-1] in (None, ""):
                    label = spec.fields_by_name[spec.identity[-1]].verbose_name
                    problems.append(
                        Problem(
                            location,
                            f"缺少网址名「{name}」，也缺少用来生成网址名的「{label}」。",
                            f"Neither {name!r} nor {spec.identity[-1]!r} is given.",
                            spec.label,
                            display_key,
                            name,
                        )
                    )
                    return None, problems
                return record, problems
            if part in (None, ""):
                if not any(p.field == name for p in problems):
                    problems.append(
                        Problem(
                            location,
                            f"缺少自然键字段「{name}」，无法确定要新建还是更新哪一条。",
                            f"The natural key field {name!r} is missing.",
                            spec.label,
                            display_key,
                            name,
                        )
                    )
                return None, problems
            key.append(part)
        record.key = tuple(key)
        return record, problems

    @staticmethod
    def identity_values(spec, record):
        return tuple(
            record.references.get(name) if spec.fields_by_name[name].is_relation else record.values.get(name)
            for name in spec.identity
        )

    # Flushing --------------------------------------------------------------------------------

    def flush(self, label, final=False):
        records = self.buffers[label]
        if not records:
            return
        for dependency in self.registry.specs[label].dependencies:
            self.flush(dependency)
        self.buffers[label] = []
        self.buffered_keys[label] = set()
        self.process(self.registry.specs[label], records, final)

    def flush_all(self):
        for label in self.registry.order:
            self.flush(label)

    def settle_waiting(self):
        """Records that referred to rows not seen yet: retry while that helps, then report."""
        waiting = sum(len(records) for records in self.waiting.values())
        final = False
        while waiting:
            for label in self.registry.order:
                records, self.waiting[label] = self.waiting[label], []
                for chunk in chunked(records, self.batch_size):
                    self.process(self.registry.specs[label], chunk, final)
            still = sum(len(records) for records in self.waiting.values())
            final = still == waiting
            waiting = still

    def process(self, spec, records, final):
        resolved = self.resolve_references(spec, records)
        ready = []
        for record in records:
            missing = [
                (name, key)
                for name, keys in self._references(spec, record)
                for key in keys
                if key not in resolved[name]
            ]
            if not missing:
                ready.append(record)
                continue
            targets = [self._target(spec, name) for name, _ in missing]
            if (
                not final
                and not record.has_problems
                and not any(
                    key in self.failed[t.label] or self.references.is_ambiguous(t.label, key)
                    for t, (_, key) in zip(targets, missing, strict=True)
                )
            ):
                self.waiting[spec.label].append(record)
                continue
            self.failed[spec.label].add(record.key)
            for target, (name, key) in zip(targets, missing, strict=True):
                self.report.add(self._missing_reference(spec, record, name, target, key))
                record.bad_fields.add(name)
            # Validated all the same, so that its other problems are reported too.
            record.has_problems = True
            ready.append(record)
        if ready:
            self.write(spec, ready, resolved)

    def _references(self, spec, record):
        for name, key in record.references.items():
            yield name, [key] if key is not None else []
        yield from record.many.items()

    def _target(self, spec, name):
        key = (spec.label, name)
        if key not in self._targets:
            self._targets[key] = self.registry.for_model(spec.fields_by_name[name].related_model)
        return self._targets[key]

    def _missing_reference(self, spec, record, name, target, key):
        first = self.ledger.get(target.label, (key,))
        if ambiguity := self.references.ambiguity(target, key):
            zh = f"{ambiguity}请写出完整的名称或网址名。"
            candidates = self.references.ambiguous[target.label][key]
            en = f"{key!r} could mean several {target.label} rows: {', '.join(candidates)}."
        elif (key,) in self.failed[target.label] and first is not None:
            zh = f"引用的{target.verbose_name}「{key}」有错误（{first}），未能导入。"
            en = f"The referenced {target.label} {key!r} has errors at {first.english}."
        else:
            zh = f"引用的{target.verbose_name}「{key}」不存在：数据库和导入文件中都没有。"
            en = f"The referenced {target.label} {key!r} exists neither in the database nor in the files."
            if nearest := self.references.nearest(target, key):
                zh += f"最接近的：{'、'.join(nearest)}。"
                en += f" Nearest: {', '.join(nearest)}."
        return Problem(record.location, zh, en, spec.label, record.key_text, name)

    def resolve_references(self, spec, records):
        """{field name: {key: pk}} for every reference in the batch, one query per target model."""
        wanted = defaultdict(set)
        for record in records:
            for name, keys in self._references(spec, record):
                wanted[self._target(spec, name).label].update(keys)
        found = {label: self.lookup(self.registry.specs[label], keys) for label, keys in wanted.items()}
        resolved = {}
        for name in [f.name for f in spec.foreign_keys] + [f.name for f in spec.many_to_many]:
            resolved[name] = found.get(self._target(spec, name).label, {})
        return resolved

    def lookup(self, spec, keys):
        """{key: pk} for the rows these references name: natural key, alias or name (references.py)."""
        return self.references.lookup(spec, keys)

    def lookup_exact(self, spec, keys):
        """{key: pk} by the natural key field alone."""
        found = {}
        for chunk in chunked(keys, QUERY_CHUNK):
            found.update(
                spec.model._base_manager.filter(**{f"{spec.key_field}__in": chunk}).values_list(
                    spec.key_field, "pk"
                )
            )
        return found

    def fetch_existing(self, spec, records, resolved):
        """{natural key: instance} for the rows these records will update."""
        manager = spec.model._base_manager
        if len(spec.natural_key) == 1:
            name = spec.natural_key[0]
            keys = [record.key[0] for record in records if record.key]
            rows = {}
            for chunk in chunked(keys, QUERY_CHUNK):
                for instance in manager.filter(**{f"{name}__in": chunk}):
                    rows[(getattr(instance, name),)] = instance
            return rows
        # A key of (parent reference, own field), e.g. (event slug, key) for a figure.
        parent, own = spec.natural_key
        parent_attname = spec.fields_by_name[parent].attname
        pk_to_key = {pk: key for key, pk in resolved[parent].items()}
        pairs = [
            (resolved[parent][record.key[0]], record.key[1])
            for record in records
            if record.key[0] in resolved[parent]
        ]
        rows = {}
        for chunk in chunked(pairs, QUERY_CHUNK):
            condition = Q(
                **{f"{parent_attname}__in": {p for p, _ in chunk}, f"{own}__in": {o for _, o in chunk}}
            )
            for instance in manager.filter(condition):
                parent_key = pk_to_key.get(getattr(instance, parent_attname))
                rows[(parent_key, getattr(instance, own))] = instance
        return rows

    def existing_relations(self, spec, instances):
        """{m2m field name: {pk: set of related pks}} for rows that exist already."""
        pks = [instance.pk for instance in instances if instance.pk]
        relations = {}
        for model_field in spec.many_to_many:
            through = model_field.remote_field.through
            source, target = model_field.m2m_field_name(), model_field.m2m_reverse_field_name()
            current = defaultdict(set)
            for chunk in chunked(pks, QUERY_CHUNK):
                for source_id, target_id in through.objects.filter(**{f"{source}_id__in": chunk}).values_list(
                    f"{source}_id", f"{target}_id"
                ):
                    current[source_id].add(target_id)
            relations[model_field.name] = current
        return relations

    # Validating and writing ------------------------------------------------------------------

    def build(self, spec, record, instance, resolved):
        """Apply the record to the row (new or fetched) and validate it; problems or []."""
        problems = []
        for name, value in record.values.items():
            model_field = spec.fields_by_name[name]
            if isinstance(model_field, FileField):
                # Stored as the file's name; setting it through the field would open the file
                # to measure an image. The width and height come with the record.
                if value and value != getattr(instance, model_field.attname).name:
                    problems += self._missing_file(spec, record, model_field, value)
                if value and model_field.max_length and len(value) > model_field.max_length:
                    error = ValidationError(
                        f"文件名不能超过 {model_field.max_length} 个字符。", code="max_length"
                    )
                    problems += problem_from_validation(
                        record.location, error, model=spec.label, key=record.key_text, field=name
                    )
                instance.__dict__[model_field.attname] = value
            else:
                setattr(instance, model_field.attname, value)
        for name, key in record.references.items():
            if name not in record.bad_fields:
                setattr(instance, spec.fields_by_name[name].attname, resolved[name][key] if key else None)
        # References are resolved above and files checked there; cleaning a file field would
        # open it.
        checked_here = [f.name for f in spec.foreign_keys] + [f.name for f in spec.many_to_many]
        checked_here += [f.name for f in spec.concrete_fields if isinstance(f, FileField)]
        try:
            instance.full_clean(
                exclude=[*checked_here, *record.bad_fields], validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            problems += problem_from_validation(record.location, error, model=spec.label, key=record.key_text)
        except (TypeError, ValueError, ArithmeticError) as error:
            # A value of a shape the model's own checks do not expect (a list inside a list
            # of host types): the record is refused, not the whole import.
            problems.append(
                Problem(
                    record.location,
                    f"记录中有形状不对的值，无法校验（{error.__class__.__name__}）。请检查各字段的值。",
                    f"A value of the wrong shape; the record cannot be checked ({error}).",
                    spec.label,
                    record.key_text,
                )
            )
        for model_field in spec.foreign_keys:
            if model_field.name in record.bad_fields:
                continue
            if getattr(instance, model_field.attname) is None and not model_field.null:
                error = ValidationError(model_field.error_messages["null"], code="null")
                problems += problem_from_validation(
                    record.location, error, model=spec.label, key=record.key_text, field=model_field.name
                )
        return problems

    def _missing_file(self, spec, record, model_field, name):
        try:
            if model_field.storage.exists(name):
                return []
        except (SuspiciousOperation, OSError, ValueError):
            pass  # a name outside the storage (../x.jpg) is as missing as an absent file
        return [
            Problem(
                record.location,
                f"文件「{name}」不在媒体存储中：请先把图片上传到媒体存储，再导入引用它的记录。",
                f"The file {name!r} is not in media storage; upload it before importing records that use it.",
                spec.label,
                record.key_text,
                model_field.name,
            )
        ]

    def check_unique(self, spec, checked):
        """Unique fields and constraints, within the batch and against other rows in the database."""
        problems = {}
        batch_pks = {instance.pk for _, instance, _ in checked if instance.pk}
        for names in spec.unique_sets:
            fields = [spec.fields_by_name[name] for name in names]
            attnames = [f.attname for f in fields]
            claimed = {}
            for record, instance, _ in checked:
                values = tuple(getattr(instance, attname) for attname in attnames)
                if None in values or record.key in problems:
                    continue
                if values in claimed:
                    other = claimed[values][0]
                    problems[record.key] = self._unique_problem(spec, record, instance, names, other.location)
                else:
                    claimed[values] = (record, instance)
            for chunk in chunked(list(claimed), QUERY_CHUNK):
                for pk, *values in sql.matching_rows(spec.model, fields, chunk):
                    if tuple(values) not in claimed:
                        continue
                    record, instance = claimed[tuple(values)]
                    if pk != instance.pk and pk not in batch_pks and record.key not in problems:
                        problems[record.key] = self._unique_problem(spec, record, instance, names, None)
        return problems

    def _unique_problem(self, spec, record, instance, names, other_location):
        error = None
        for constraint in spec.model._meta.total_unique_constraints:
            if tuple(constraint.fields) == tuple(names) and constraint.violation_error_message != (
                UniqueConstraint.default_violation_error_message
            ):
                error = ValidationError(constraint.violation_error_message, code="unique")
        if error is None:
            error = instance.unique_error_message(spec.model, list(names))
        where_zh = f"与 {other_location} 冲突" if other_location else "数据库中已有另一条记录"
        where_en = (
            f"conflicts with {other_location.english}" if other_location else "another row in the database"
        )
        found = problem_from_validation(
            record.location,
            ValidationError(error),
            model=spec.label,
            key=record.key_text,
            field=",".join(names),
        )[0]
        message_en = found.message_en
        if message_en == found.message:
            message_en = f"The value of {', '.join(names)} must be unique"
        return Problem(
            found.location,
            f"{found.message}（{where_zh}）",
            f"{message_en.rstrip('.')} ({where_en}).",
            found.model,
            found.key,
            found.field,
        )

    def assign_keys(self, spec, records, resolved):
        """Give each row without a slug the slug of the row it is, or a new one.

        The row is the existing one of the same identity (batch and name, say) that no other
        record of this import has claimed, the oldest first; so the k-th row of a file named
        "开幕" matches the k-th such row in the database, and the same file imported again
        matches every row it created. A new row's slug is proposed from its name as the
        admin proposes it (events.slugs), unique among the rows and this import's slugs.
        """
        identities = {}
        for record in records:
            identity = []
            for name, value in zip(spec.identity, self.identity_values(spec, record), strict=True):
                if spec.fields_by_name[name].is_relation and value is not None:
                    value = resolved[name].get(value) if name not in record.bad_fields else None
                    if value is None:
                        break  # its reference is reported; the record cannot be matched
                identity.append(value)
            else:
                identities[id(record)] = tuple(identity)
        own = spec.identity[-1]
        attnames = [spec.fields_by_name[name].attname for name in spec.identity]
        existing = defaultdict(list)
        names = sorted({identity[-1] for identity in identities.values()})
        for chunk in chunked(names, QUERY_CHUNK):
            rows = spec.model._base_manager.filter(**{f"{own}__in": chunk}).order_by("pk")
            for *identity, slug in rows.values_list(*attnames, "slug"):
                existing[tuple(identity)].append(slug)
        drafts = []
        for record in records:
            identity = identities.get(id(record))
            if identity is None:
                record.bad_fields.add("slug")
                record.has_problems = True
                continue
            slug = next(
                (slug for slug in existing[identity] if self.ledger.get(spec.label, (slug,)) is None), None
            )
            if slug is None:
                drafts.append(record)
            else:
                self.claim(spec, record, slug)
        self.mint_slugs(spec, drafts)

    def mint_slugs(self, spec, records):
        """New slugs for new rows: the proposal itself when it is free, as the admin's form does."""
        bases = {}
        for record in records:
            draft = spec.model()
            for name, value in record.values.items():
                if not isinstance(spec.fields_by_name[name], FileField):
                    setattr(draft, spec.fields_by_name[name].attname, value)
            bases[id(record)] = slug_base(spec.model, proposed_slug_base(draft))
        taken = set()
        for chunk in chunked(sorted(set(bases.values())), QUERY_CHUNK):
            taken.update(spec.model._base_manager.filter(slug__in=chunk).values_list("slug", flat=True))
        for record in records:
            base, also_taken = bases[id(record)], set()
            slug = base if base not in taken else unique_slug(spec.model, base)
            while self.ledger.get(spec.label, (slug,)) is not None:
                also_taken.add(slug)
                slug = unique_slug(spec.model, base, also_taken=also_taken)
            self.claim(spec, record, slug)

    def claim(self, spec, record, slug):
        """Make `slug` the record's key: a slug no other record of this import has."""
        record.key = (slug,)
        record.values["slug"] = slug
        self.ledger.add(spec.label, record.key, record.location)

    def write(self, spec, records, resolved):
        if pending := [record for record in records if not record.key]:
            self.assign_keys(spec, pending, resolved)
        existing = self.fetch_existing(spec, records, resolved)
        relations = self.existing_relations(spec, existing.values())
        checked = []
        for record in records:
            instance = existing.get(record.key)
            before = None
            if instance is not None:
                before = {f.attname: getattr(instance, f.attname) for f in spec.concrete_fields}
            else:
                instance = spec.model()
            problems = self.build(spec, record, instance, resolved)
            if problems or record.has_problems:
                self.failed[spec.label].add(record.key)
                for problem in problems:
                    self.report.add(problem)
                continue
            checked.append((record, instance, before))
        conflicts = self.check_unique(spec, checked)
        for key, problem in conflicts.items():
            self.failed[spec.label].add(key)
            self.report.add(problem)
        created, updated, changed_fields, links, outcome = [], [], set(), [], []
        for record, instance, before in checked:
            if record.key in conflicts:
                continue
            targets = {name: {resolved[name][key] for key in keys} for name, keys in record.many.items()}
            if before is None:
                if refused := self.refused(spec, record, instance, None):
                    self.failed[spec.label].add(record.key)
                    self.report.add(refused)
                    continue
                created.append(instance)
                links.append((instance, targets))
                outcome.append((record, "created", instance, targets, set()))
                continue
            changed = {
                f.attname
                for f in spec.concrete_fields
                if f.name not in BOOKKEEPING_FIELDS and getattr(instance, f.attname) != before[f.attname]
            }
            relinked = {
                name: pks for name, pks in targets.items() if pks != relations[name].get(instance.pk, set())
            }
            if not changed and not relinked:
                outcome.append((record, "unchanged", instance, {}, set()))
                continue
            if refused := self.refused(spec, record, instance, before):
                self.failed[spec.label].add(record.key)
                self.report.add(refused)
                continue
            for name in BOOKKEEPING_FIELDS & set(spec.fields_by_name):
                if name not in record.values:
                    setattr(instance, name, self.now)
                changed.add(name)
            changed_fields |= changed
            if changed:
                updated.append(instance)
            links.append((instance, relinked))
            outcome.append((record, "updated", instance, relinked, changed))
        if self.history is not None:
            self.history.before_write(
                spec.model, created + [instance for instance, _ in links if instance.pk is not None]
            )
        try:
            self.save(spec, created, updated, changed_fields, links)
        except IntegrityError as error:
            # The database refused a row of the batch (a check constraint): save the rows one
            # by one to find each refused record and report it with the constraint's message.
            saved = self.save_one_by_one(spec, outcome)
            if len(saved) == len(outcome):
                # No row alone explains the refusal: the batch is reported as the database said.
                self.refuse_batch(spec, records, outcome, error)
                return
            outcome = saved
        except DatabaseError as error:
            self.refuse_batch(spec, records, outcome, error)
            return
        if created or updated:
            self.references.forget(spec.label)
        if self.history is not None:
            self.history.written(
                spec.model, [instance for _, action, instance, *_ in outcome if action == "created"]
            )
        for record, action, *_ in outcome:
            self.report.count(spec.label, action, record.key_text)

    def save(self, spec, created, updated, changed_fields, links):
        """Insert, update and link rows in bulk, in a savepoint: all of them or none."""
        # Rows that existed before have ids now; their old links are replaced, not added to.
        existing_links = {instance.pk for instance, _ in links if instance.pk is not None}
        with transaction.atomic():
            if created:
                sql.insert(spec.model, created)
                if spec.many_to_many or (self.history is not None and self.history.follows(spec.model)):
                    self.fetch_ids(spec, created)
            if updated:
                manager = spec.model._base_manager
                manager.bulk_update(updated, sorted(changed_fields), batch_size=self.batch_size)
            self.link(spec, links, existing_links)

    def save_one_by_one(self, spec, outcome):
        """Save each row in a savepoint of its own; report those the database refuses."""
        saved = []
        for record, action, instance, targets, changed in outcome:
            if action != "unchanged":
                try:
                    self.save(
                        spec,
                        [instance] if action == "created" else [],
                        [instance] if changed else [],
                        changed,
                        [(instance, targets)],
                    )
                except IntegrityError as error:
                    if action == "created":
                        instance.pk = None
                    self.failed[spec.label].add(record.key)
                    for problem in constraint_problems(spec, record, instance, error):
                        self.report.add(problem)
                    continue
            saved.append((record, action, instance, targets, changed))
        return saved

    def refuse_batch(self, spec, records, outcome, error):
        detail = str(error).strip().splitlines()[0] if str(error).strip() else error.__class__.__name__
        for record, *_ in outcome:
            self.failed[spec.label].add(record.key)
        self.report.add(
            Problem(
                records[0].location,
                f"数据库拒绝写入这一批 {len(outcome)} 条记录：{detail}",
                f"The database refused this batch of {len(outcome)} records: {detail}",
                spec.label,
            )
        )

    def refused(self, spec, record, instance, before):
        """The problem of a record its user may not apply, or None: add or change, and publish."""
        if self.user is None:
            return None
        opts = spec.model._meta
        action = "add" if before is None else "change"
        if not self.user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}"):
            verb, verb_en = ("新建", "add") if before is None else ("修改", "change")
            return Problem(
                record.location,
                f"你没有{verb}{spec.verbose_name}的权限，这条记录不能导入。",
                f"You may not {verb_en} {opts.verbose_name_plural} ({spec.label}); the record is refused.",
                spec.label,
                record.key_text,
            )
        publish = f"publish_{opts.model_name}"
        public = PublicationStatus.PUBLISHED
        touches_public = getattr(instance, "status", None) == public or (
            before is not None and before.get("status") == public
        )
        if (
            touches_public
            and any(codename == publish for codename, _ in opts.permissions)
            and not self.user.has_perm(f"{opts.app_label}.{publish}")
        ):
            return Problem(
                record.location,
                f"你没有发布{spec.verbose_name}的权限：这条记录会新建、修改或撤回已发布的内容，不能导入。"
                "请把状态设为草稿，或请有发布权限的同事导入。",
                f"You may not publish {opts.verbose_name_plural}; this record would add, change or withdraw "
                "published content.",
                spec.label,
                record.key_text,
                "status",
            )
        return None

    def link(self, spec, links, existing):
        """Replace the many-to-many rows of created and relinked rows, in bulk."""
        for model_field in spec.many_to_many:
            through = model_field.remote_field.through
            source, target = model_field.m2m_field_name(), model_field.m2m_reverse_field_name()
            touched = [
                (instance.pk, targets[model_field.name])
                for instance, targets in links
                if model_field.name in targets
            ]
            if not touched:
                continue
            for chunk in chunked([pk for pk, _ in touched if pk in existing], QUERY_CHUNK):
                through.objects.filter(**{f"{source}_id__in": chunk}).delete()
            pairs = [(pk, target_pk) for pk, target_pks in touched for target_pk in sorted(target_pks)]
            sql.insert_links(
                through,
                through._meta.get_field(source).column,
                through._meta.get_field(target).column,
                pairs,
            )

    def fetch_ids(self, spec, instances):
        """Give rows inserted without RETURNING their ids, found again by natural key."""
        ids = self.lookup_exact(spec, [getattr(instance, spec.key_field) for instance in instances])
        for instance in instances:
            instance.pk = ids[getattr(instance, spec.key_field)]
            instance._state.adding = False


def run_import(sources, *, dry_run=False, batch_size=BATCH_SIZE, progress=None, user=None, history=None):
    """Import the sources in one transaction; the report says what was (or would be) done.

    With a user, every record is checked against that user's permissions on its model.
    """
    importer = Importer(dry_run=dry_run, batch_size=batch_size, progress=progress, user=user, history=history)
    return importer.run(sources)


class TerminalProgress:
    """The import's progress on a terminal, by bytes read, with the records read so far."""

    def __init__(self, stream, interval=0.25):
        self.stream = stream
        self.interval = interval
        self.bar = None

    def __call__(self, importer, done=False):
        if self.bar is None:
            self.bar = tqdm(
                total=importer.bytes_total or None,
                desc="导入中",
                unit="B",
                unit_scale=True,
                file=self.stream,
                mininterval=self.interval,
                dynamic_ncols=True,
            )
        self.bar.set_postfix_str(f"已读 {importer.report.records_read:,} 条", refresh=False)
        self.bar.update(importer.bytes_read - self.bar.n)
        if done:
            self.bar.close()
