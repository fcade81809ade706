"""Admin forms: slugs proposed from pinyin, images proven before they are kept."""

import copy
from decimal import Decimal

from django import forms
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.forms.models import construct_instance
from django.utils.functional import lazy
from PIL import Image

from events.images import limits_text, stored_name, validate_image_file
from events.models import Event, HostType, TrainingBaseBatch
from events.slugs import pinyin_slug, propose_slug, unique_slug

SLUG_HELP = "只用小写字母、数字和连字符。留空则按标题的拼音自动生成；公开后修改，旧网址会自动跳转到新网址。"


class PlainTextField(forms.CharField):
    """Text typed in a textarea, with the browser's line endings (\\r\\n) stored as \\n.

    Paragraphs are separated by a blank line; storing one kind of line ending keeps them
    apart on the page and keeps a save that changed nothing from showing as a change.
    """

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n") if value else value


class TypedNumberInput(forms.NumberInput):
    """A decimal shown as it was typed: 3 and 1.2, not the stored 3.00 and 1.20."""

    def format_value(self, value):
        if isinstance(value, Decimal) and value.is_finite():
            value = format(value.normalize(), "f")
        return super().format_value(value)


class MultipleAutocomplete(AutocompleteSelectMultiple):
    """The admin's autocomplete for several choices, without the clear-all cross.

    Each chosen item has its own cross already; the clear-all one is a <span> that Select2
    puts inside its list of choices, which screen readers then misread.
    """

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs["data-allow-clear"] = "false"
        return attrs


class ReferenceAutocomplete(MultipleAutocomplete):
    """The admin's autocomplete for a short reference list (the provinces), read once per page.

    The stock widget asks the database for each row's chosen options; in an inline of thirty
    milestones that is thirty queries. The forms of one formset share copies of one widget,
    and with it this table of names, filled on first use.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.labels = {}

    def optgroups(self, name, value, attr=None):
        field = self.choices.field
        if not self.labels:
            self.labels.update((str(obj.pk), field.label_from_instance(obj)) for obj in field.queryset)
        chosen = [str(v) for v in value if str(v) in self.labels]
        options = [
            self.create_option(name, pk, self.labels[pk], True, index) for index, pk in enumerate(chosen)
        ]
        return [(None, options, 0)]


class CheckedImageField(forms.ImageField):
    """An image upload refused unless it is a real image within the size and pixel limits.

    Runs our checks in place of the stock ones, so a file that is too large is refused
    before it is decoded, and every refusal names its reason in Chinese.
    """

    def to_python(self, data):
        upload = forms.FileField.to_python(self, data)
        if upload is None:
            return None
        validate_image_file(upload)
        with Image.open(upload) as image:
            upload.content_type = Image.MIME.get(image.format)
            # Stored under the extension of what it is, never the one it was sent with.
            upload.name = stored_name(upload.name, image.format)
        upload.seek(0)
        return upload


def image_help():
    return limits_text() + "列表页和详情页使用自动生成的缩小版本。"


IMAGE_HELP = lazy(image_help, str)()


class SlugProposalForm(forms.ModelForm):
    """A slug that may be left empty: it is then proposed from the title's pinyin.

    A slug typed by hand that another object already uses is refused with a free
    alternative, rather than the generic "already exists".
    """

    # Slugs already proposed to other rows of the same inline formset, which shares this set.
    proposed_slugs = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False
            self.fields["slug"].help_text = SLUG_HELP

    def clean_slug(self):
        slug = self.cleaned_data.get("slug", "")
        if not slug:
            return slug
        model = self._meta.model
        clash = model._default_manager.filter(slug=slug).exclude(pk=self.instance.pk).first()
        if clash is not None:
            free = unique_slug(model, slug, exclude_pk=self.instance.pk)
            raise forms.ValidationError(
                "网址名“%(slug)s”已被“%(other)s”使用，可改用“%(free)s”。",
                code="slug_taken",
                params={"slug": slug, "other": clash, "free": free},
            )
        return slug

    def clean(self):
        cleaned_data = super().clean()
        if "slug" in self.fields and not cleaned_data.get("slug") and "slug" not in self.errors:
            # Propose from what the form now holds, on a copy: the instance itself is only
            # filled in after clean(), by the model's own validation.
            draft = construct_instance(self, copy.copy(self.instance))
            proposed = self.proposed_slugs if self.proposed_slugs is not None else set()
            cleaned_data["slug"] = propose_slug(draft, also_taken=proposed)
            proposed.add(cleaned_data["slug"])
        return cleaned_data


class KeyFigureForm(forms.ModelForm):
    """A key figure whose identifier may be left empty: it is made from the label's pinyin."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "key" in self.fields:
            self.fields["key"].required = False
            self.fields["key"].help_text = "在本大事内唯一的英文标识；留空则按说明的拼音生成。"

    def clean(self):
        cleaned_data = super().clean()
        if "key" in self.fields and not cleaned_data.get("key") and cleaned_data.get("label"):
            cleaned_data["key"] = pinyin_slug(cleaned_data["label"], max_length=60)
        return cleaned_data


class TrainingBaseBatchForm(SlugProposalForm):
    """The main host types as checkboxes rather than a JSON list typed by hand."""

    main_host_types = forms.TypedMultipleChoiceField(
        label="主要依托类型",
        choices=HostType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="多数项目依托的单位类型。",
    )

    class Meta:
        model = TrainingBaseBatch
        fields = [
            "kind",
            "year",
            "label",
            "name",
            "slug",
            "announced_total",
            "announcement",
            "event",
            "coverage_province_count",
            "coverage_includes_corps",
            "sectors",
            "main_host_types",
            "main_host_share",
            "main_host_share_qualifier",
            "published_at",
        ]


class EventForm(SlugProposalForm):
    """A rank already held in the year is refused on the rank, naming the event that holds it."""

    def clean(self):
        cleaned_data = super().clean()
        year, rank = cleaned_data.get("year"), cleaned_data.get("rank")
        if year and rank and not self.has_error("rank"):
            holder = Event.objects.filter(year=year, rank=rank).exclude(pk=self.instance.pk).first()
            if holder is not None:
                self.add_error(
                    "rank",
                    forms.ValidationError(
                        "%(year)s年的第 %(rank)s 件已是“%(holder)s”；请换一个序号，或先修改那件大事的序号。",
                        code="rank_taken",
                        params={"year": year, "rank": rank, "holder": holder.short_title},
                    ),
                )
        return cleaned_data


class MilestoneForm(SlugProposalForm):
    """An end before the start is refused beside the end date, not only above the whole row."""

    def clean(self):
        cleaned_data = super().clean()
        start, end = cleaned_data.get("date"), cleaned_data.get("end_date")
        if start and end and end < start and not self.has_error("end_date"):
            self.add_error(
                "end_date", forms.ValidationError("结束日期不能早于开始日期。", code="end_before_start")
            )
        return cleaned_data
