"""What an import found and did: every problem with its place, and the counts per model."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import translation

from .limits import MAX_PROBLEMS_KEPT

SAMPLE_SIZE = 20


@dataclass(frozen=True)
class Location:
    """Where a record is: its number in a fixture, its line in a CSV file, its sheet and row in a workbook."""

    file: str
    record: int | None = None
    line: int | None = None
    sheet: str | None = None

    def __str__(self):
        parts = [self.file]
        if self.sheet is not None:
            parts.append(f"工作表「{self.sheet}」")
        if self.record is not None:
            parts.append(f"第 {self.record} 条记录")
        if self.line is not None:
            parts.append(f"第 {self.line} 行")
        return " ".join(parts)

    @property
    def english(self):
        parts = [self.file]
        if self.sheet is not None:
            parts.append(f"sheet {self.sheet!r}")
        if self.record is not None:
            parts.append(f"record {self.record}")
        if self.line is not None:
            parts.append(f"line {self.line}")
        return ", ".join(parts)


@dataclass(frozen=True)
class Problem:
    """One error, in Chinese for staff and in English for partners abroad."""

    location: Location
    message: str
    message_en: str
    model: str = ""
    key: str = ""
    field: str = ""

    @property
    def field_label(self):
        """The field as the admin names it (所在地区), or as the file does if it is unknown."""
        from .specs import registry

        spec = registry().get(self.model) if self.model else None
        labels = []
        for name in self.field.split(","):
            model_field = spec.fields_by_name.get(name) if spec else None
            labels.append(str(model_field.verbose_name) if model_field else name)
        return "、".join(labels)

    @property
    def subject(self):
        parts = []
        if self.model:
            parts.append(f"{self.model}「{self.key}」" if self.key else self.model)
        if self.field:
            parts.append(f"字段「{self.field_label}」")
        return " ".join(parts)

    @property
    def english(self):
        """The English line, naming the field as the file does (province, host_type)."""
        return f"{self.field}: {self.message_en}" if self.field else self.message_en

    def __str__(self):
        text = f"{self.location}"
        if self.subject:
            text += f" {self.subject}"
        text += f"：{self.message}"
        if self.message_en and self.message_en != self.message:
            text += f"（{self.english}）"
        return text


def bilingual(error):
    """Each message of a ValidationError as (Chinese, English), rendered in both languages."""
    pairs = []
    for item in error.error_list:
        rendered = []
        for language in ("zh-hans", "en"):
            with translation.override(language):
                # Format the message itself, not its text: a plural message (max_length's
                # "at most %(limit_value)d characters") is empty until it knows its number.
                message = item.message % item.params if item.params else item.message
                rendered.append(str(message))
        pairs.append(tuple(rendered))
    return pairs


@dataclass
class ModelCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self):
        return self.created + self.updated + self.unchanged


@dataclass
class ImportReport:
    dry_run: bool = False
    files: list[str] = field(default_factory=list)
    # What was learnt about each file while reading it: its encoding, the sheets it holds.
    notes: list[str] = field(default_factory=list)
    records_read: int = 0
    problems: list[Problem] = field(default_factory=list)
    # Problems found beyond those kept in `problems` (see MAX_PROBLEMS_KEPT).
    problems_dropped: int = 0
    counts: dict = field(default_factory=lambda: defaultdict(ModelCounts))
    samples: dict = field(default_factory=lambda: defaultdict(list))

    @property
    def ok(self):
        return not self.problems

    @property
    def problem_count(self):
        return len(self.problems) + self.problems_dropped

    @property
    def applied(self):
        """Whether the database now holds the import: no error, and not a dry run."""
        return self.ok and not self.dry_run

    def count(self, label, action, key_text):
        counts = self.counts[label]
        setattr(counts, action, getattr(counts, action) + 1)
        if action != "unchanged" and len(self.samples[label, action]) < SAMPLE_SIZE:
            self.samples[label, action].append(key_text)

    def add(self, problem):
        if len(self.problems) < MAX_PROBLEMS_KEPT:
            self.problems.append(problem)
        else:
            self.problems_dropped += 1

    def sorted_problems(self):
        files = {name: position for position, name in enumerate(self.files)}
        return sorted(
            self.problems,
            key=lambda p: (
                files.get(p.location.file, len(files)),
                p.location.sheet or "",
                p.location.record or 0,
                p.location.line or 0,
            ),
        )

    def rows(self):
        """(label, verbose name, counts, created sample, updated sample) per model, in import order."""
        from .specs import registry

        rows = []
        for spec in registry():
            if spec.label in self.counts:
                rows.append(
                    {
                        "label": spec.label,
                        "verbose_name": spec.verbose_name,
                        "counts": self.counts[spec.label],
                        "created": self.samples.get((spec.label, "created"), []),
                        "updated": self.samples.get((spec.label, "updated"), []),
                    }
                )
        return rows

    @property
    def totals(self):
        total = ModelCounts()
        for counts in self.counts.values():
            total.created += counts.created
            total.updated += counts.updated
            total.unchanged += counts.unchanged
        return total


def problem_from_validation(location, error, *, model="", key="", field=""):
    """Problems for a ValidationError, one per message and field."""
    problems = []
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            for zh, en in bilingual(ValidationError(errors)):
                field_name = "" if name == "__all__" else name
                problems.append(Problem(location, zh, en, model, key, field_name or field))
    else:
        for zh, en in bilingual(error):
            problems.append(Problem(location, zh, en, model, key, field))
    return problems
