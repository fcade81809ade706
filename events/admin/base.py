"""What every content admin shares, on top of the editorial workflow's VersionedAdmin.

`ContentAdmin` is the one base for content: search as the public search matches, slugs
proposed from pinyin, timestamps, checked images with renditions. `PublishableContentAdmin`
adds publication: the state shown the same way everywhere, and the publish and withdraw
actions, which are steps of the workflow (events never change state any other way).
"""

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
from .forms import IMAGE_HELP, CheckedImageField, PlainTextField, SlugProposalForm

# Form fields every content form uses, on the admin's own pages and in inlines alike.
CONTENT_FORM_FIELDS = {
    models.ImageField: {"form_class": CheckedImageField, "help_text": IMAGE_HELP},
    models.TextField: {"form_class": PlainTextField},
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


class ContentAdmin(VersionedAdmin):
    """Search, slugs, timestamps and images, the same on every content model."""

    form = SlugProposalForm
    formfield_overrides = CONTENT_FORM_FIELDS
    timestamp_fields = ("created_at", "updated_at")

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

    @admin.display(description="图片预览")
    def image_preview(self, obj):
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
        for obj in queryset:
            try:
                result = workflow.publish_now(obj, user=request.user)
            except workflow.WorkflowError as error:
                self.message_user(request, f"“{obj}”：{error}", messages.ERROR)
                continue
            if result is None:
                unchanged += 1
            else:
                published += 1
        if published:
            self.message_user(
                request,
                f"已发布 {published} 条{model_ngettext(self.opts, published)}，现在公众可以看到。",
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
