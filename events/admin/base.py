"""What every content admin shares, on top of the editorial workflow's VersionedAdmin.

`ContentAdmin` is the one base for content: search as the public search matches, slugs
proposed from pinyin, timestamps, checked images with renditions. `PublishableContentAdmin`
adds publication: the state shown the same way everywhere, and the publish and withdraw
actions, which are steps of the workflow (events never change state any other way).
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import get_fields_from_path, lookup_spawns_duplicates, model_ngettext
from django.core.exceptions import ValidationError
from django.core.validators import slug_re
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import smart_split, unescape_string_literal

from editorial import workflow
from editorial.admin import VersionedAdmin
from events.images import generate_renditions, get_rendition
from events.search import lookup_for

from .filters import PublicationStateFilter
from .forms import (
    IMAGE_HELP,
    CheckedImageField,
    MultipleAutocomplete,
    PlainTextField,
    SlugProposalForm,
    TypedNumberInput,
)

# Form fields every content form uses, on the admin's own pages and in inlines alike.
CONTENT_FORM_FIELDS = {
    models.ImageField: {"form_class": CheckedImageField, "help_text": IMAGE_HELP},
    models.TextField: {"form_class": PlainTextField},
    models.DecimalField: {"widget": TypedNumberInput},
}


def count_of(model, field, **filters):
    """A correlated subquery counting `model` rows whose `field` is the outer row.

    Subqueries rather than Count() over joins: several counts in one list do not multiply
    each other, and the database counts only the rows on the page shown.
    """
    rows = model._default_manager.filter(**{field: OuterRef("pk")}, **filters)
    counted = rows.order_by().values(field).annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted, output_field=models.IntegerField()), 0)


def has_field(model, name):
    return any(f.name == name for f in model._meta.get_fields())


def label_widgets(formfield):
    """Name a field's inputs for screen readers where no <label> points at them: the date and
    the time of a date-time, each cell of a table row."""
    widget = getattr(formfield.widget, "widget", formfield.widget)  # inside the "+" wrapper
    if isinstance(widget, forms.SplitDateTimeWidget):
        date, time = widget.widgets
        date.attrs["aria-label"] = f"{formfield.label}（日期）"
        time.attrs["aria-label"] = f"{formfield.label}（时间）"
    return formfield


class LabelledTabularInline(admin.TabularInline):
    """A tabular inline whose cells are named by their column, for screen readers."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None:
            widget = getattr(formfield.widget, "widget", formfield.widget)
            widget.attrs["aria-label"] = str(formfield.label)
        return formfield

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)

        class LabelledFormSet(formset):
            def add_fields(self, form, index):
                super().add_fields(form, index)
                if "DELETE" in form.fields:
                    form.fields["DELETE"].widget.attrs["aria-label"] = "删除这一行"

        return LabelledFormSet


class ContentAdmin(VersionedAdmin):
    """Search, slugs, timestamps and images, the same on every content model."""

    form = SlugProposalForm
    formfield_overrides = CONTENT_FORM_FIELDS
    timestamp_fields = ("created_at", "updated_at")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        return label_widgets(formfield) if formfield is not None else None

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = MultipleAutocomplete(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    # Links to the site ("view on site") are Django's own: through the contenttypes shortcut
    # to the object's URL on the sites framework's domain (SITE_DOMAIN).

    def get_readonly_fields(self, request, obj=None):
        readonly = [*super().get_readonly_fields(request, obj)]
        readonly += [name for name in self.timestamp_fields if has_field(self.model, name)]
        if has_field(self.model, "image"):
            readonly.append("image_preview")
        return readonly

    # Prefill: the add page takes initial values from its query string (?event=12). A value its
    # form field would refuse (a NUL, a word for an id, a date that is not one) is left out, as
    # the widgets expect values of their field's type and would fail on anything else.

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        fields = self.get_form(request).base_fields
        for name, value in list(initial.items()):
            field = fields.get(name)
            try:
                initial[name] = field.clean(value) if field is not None else value
            except (ValidationError, ValueError, TypeError, OverflowError):
                del initial[name]
        return initial

    # Search: Django's search compares upper-cased copies of every field (`icontains`). A
    # Chinese word has no letter case, so a plain substring match finds the same rows, several
    # times faster, and on PostgreSQL through the trigram indexes. A slug field is only searched
    # for words a slug could contain. Words with letters match whatever their case; quoted
    # phrases ("技能 大师") stay one word, as in Django's search.

    def get_search_results(self, request, queryset, search_term):
        fields = self.get_search_fields(request)
        if any(field[:1] in {"^", "=", "@"} for field in fields):
            return super().get_search_results(request, queryset, search_term)
        words = [
            unescape_string_literal(bit) if bit[:1] in {'"', "'"} and bit[-1:] == bit[:1] else bit
            for bit in smart_split(search_term)
        ]
        words = [word for word in words if word]
        if not fields or not words:
            return queryset, False
        slug_fields = {
            field
            for field in fields
            if isinstance(get_fields_from_path(self.model, field)[-1], models.SlugField)
        }
        condition = Q()
        for word in words:
            lookup = lookup_for(word)
            searched = [field for field in fields if field not in slug_fields or slug_re.fullmatch(word)]
            matches = Q.create([(f"{field}__{lookup}", word) for field in searched], connector=Q.OR)
            # A word that none of the fields could hold matches nothing, as in Django's search.
            condition &= matches if searched else Q(pk__in=[])
        may_have_duplicates = any(lookup_spawns_duplicates(self.opts, field) for field in fields)
        return queryset.filter(condition), may_have_duplicates

    # Images: proven to be images on upload, renditions made at once. Replaced files are kept:
    # earlier versions in the history still show them, and a revert brings them back.

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "image" in form.changed_data and getattr(obj, "image", None):
            generate_renditions(obj.image)

    # Errors: the top of the form counts them and links to each field, inline rows included.

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        summary = error_summary(context.get("adminform"), context.get("inline_admin_formsets", []))
        if summary:
            # The summary (templates/admin/change_form.html) replaces Django's bare note.
            context["error_summary"], context["errors"] = summary, None
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.display(description="图片预览")
    def image_preview(self, obj):
        if obj and obj.image and not getattr(obj.image, "_committed", True):
            # A browser never sends a file field back: the chosen file is gone with the error.
            return format_html(
                '<strong class="image-not-kept">{}</strong>',
                f"所选图片“{obj.image.name}”尚未保存：表单有错误时浏览器不会保留所选文件，"
                "改正错误后请重新选择图片，再保存。",
            )
        picture = get_rendition(obj.image, "list") if obj and obj.image else None
        if picture is None:
            return "（无图片）" if not (obj and obj.image) else "（图片无法读取）"
        return format_html(
            '<img src="{}" width="{}" height="{}" alt="{}"> <br>原图 {}×{}',
            picture.url,
            picture.width,
            picture.height,
            obj.image_alt,
            obj.image_width,
            obj.image_height,
        )

    @admin.display(description="图片", boolean=True, ordering="image")
    def has_image(self, obj):
        return bool(obj.image)


def error_summary(adminform, inline_admin_formsets):
    """Every error of a change form, each with where it is and the id of what to link to."""
    entries = []
    if adminform is None or not adminform.form.is_bound:
        return entries

    def add_form(form, where="", row_anchor=""):
        for name, errors in form.errors.items():
            if name == "__all__" or name not in form.fields:
                label, anchor = "", row_anchor or f"{form._meta.model._meta.model_name}_form"
            else:
                bound = form[name]
                # A field of several inputs (a date and a time) is reached at its first.
                first = f"{bound.auto_id}_0" if bound.auto_id else row_anchor
                label, anchor = form.fields[name].label or name, bound.id_for_label or first
            place = "：".join(part for part in (where, str(label)) if part)
            entries.extend({"where": place, "message": message, "anchor": anchor} for message in errors)

    add_form(adminform.form)
    for inline in inline_admin_formsets:
        formset = inline.formset
        name = str(inline.opts.verbose_name)
        for message in formset.non_form_errors():
            entries.append({"where": name, "message": message, "anchor": f"{formset.prefix}-group"})
        for index, form in enumerate(formset.forms):
            if form.errors:
                add_form(form, f"{name} #{index + 1}", f"{formset.prefix}-{index}")
    return entries


class PublishableContentAdmin(ContentAdmin):
    """Publication through the workflow: editors save and submit, publishers publish.

    The state is never a form field: saving as a draft, submitting, publishing and
    withdrawing are the buttons and actions of the workflow. A publisher may set a later
    publish time, which schedules the item; an editor may propose one while it is a draft.
    """

    actions = ["publish_selected", "unpublish_selected"]

    def has_publish_permission(self, request):
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.publish_{opts.model_name}")

    def get_readonly_fields(self, request, obj=None):
        readonly = [*super().get_readonly_fields(request, obj), "status"]
        if not self.has_publish_permission(request) and obj is not None and obj.is_published:
            readonly.append("published_at")
        return readonly

    def get_list_filter(self, request):
        return (PublicationStateFilter, *super().get_list_filter(request))

    @admin.display(description="状态", ordering="status")
    def publication_state(self, obj):
        if not obj.is_published:
            return format_html('<span class="pub-state pub-draft">{}</span>', "草稿")
        if obj.is_scheduled:
            when = timezone.localtime(obj.published_at).strftime("%Y-%m-%d %H:%M")
            return format_html('<span class="pub-state pub-scheduled">定时 {}</span>', when)
        return format_html('<span class="pub-state pub-public">{}</span>', "已公开")

    @admin.display(description="网站")
    def site_link(self, obj):
        label = "查看" if obj.is_public else "预览"
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), label)

    @admin.action(description="立即发布所选%(verbose_name_plural)s", permissions=["publish"])
    def publish_selected(self, request, queryset):
        published = unchanged = 0
        brought_forward = []
        for obj in queryset:
            scheduled_for = obj.published_at if obj.is_scheduled else None
            try:
                result = workflow.publish_now(obj, user=request.user)
            except workflow.WorkflowError as error:
                self.message_user(request, f"“{obj}”：{error}", messages.ERROR)
                continue
            if result is None:
                unchanged += 1
            else:
                published += 1
                if scheduled_for is not None:
                    when = timezone.localtime(scheduled_for).strftime("%Y-%m-%d %H:%M")
                    brought_forward.append(f"“{obj}”原定 {when}")
        if published:
            earlier = f"其中{'、'.join(brought_forward)} 公开，已提前到现在。" if brought_forward else ""
            self.message_user(
                request,
                f"已发布 {published} 条{model_ngettext(self.opts, published)}，现在公众可以看到。{earlier}",
                messages.SUCCESS,
            )
        if unchanged:
            self.message_user(
                request, f"{unchanged} 条已经公开，也没有待发布的修改，没有改动。", messages.WARNING
            )

    @admin.action(description="撤回所选%(verbose_name_plural)s为草稿", permissions=["publish"])
    def unpublish_selected(self, request, queryset):
        count = sum(1 for obj in queryset if workflow.withdraw(obj, user=request.user) is not None)
        if count:
            text = f"已撤回 {count} 条{model_ngettext(self.opts, count)}，公众不再能看到。"
            self.message_user(request, text, messages.SUCCESS)
        else:
            self.message_user(request, "所选内容都是草稿，没有改动。", messages.WARNING)


class SharedChoicesFormSet(BaseInlineFormSet):
    """An inline formset whose rows share what they would otherwise each work out alone.

    The choices of related fields are read once, not per row: each row's form would
    otherwise query for every select (provinces for each recipient, each milestone), so an
    event with thirty milestones would cost thirty more. And slugs proposed for new rows
    are kept apart from each other, not only from the rows already saved.
    """

    shared_choice_fields = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._shared_choices = {}
        self._proposed_slugs = set()

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.proposed_slugs = self._proposed_slugs
        return self._share_choices(form)

    @property
    def empty_form(self):
        return self._share_choices(super().empty_form)

    def _share_choices(self, form):
        for name in self.shared_choice_fields:
            field = form.fields.get(name)
            if field is None:
                continue
            if name not in self._shared_choices:
                self._shared_choices[name] = list(field.choices)
            field.choices = self._shared_choices[name]
            # The admin wraps related widgets to add the "+" links; the wrapper keeps its
            # own reference to the inner widget, which renders the options.
            inner = getattr(field.widget, "widget", None)
            if inner is not None:
                inner.choices = self._shared_choices[name]
        return form


def shared_choices_formset(*field_names):
    return type("SharedChoicesFormSet", (SharedChoicesFormSet,), {"shared_choice_fields": field_names})
