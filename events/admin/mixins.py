"""What the content admins share: publication, slugs, images, counts, cheap inlines.

One mixin per concern, so every admin page shows the same thing the same way: the state
of a publishable object, its link to the site, its timestamps, its image.
"""

import copy

from django.contrib import admin, messages
from django.contrib.admin.utils import get_fields_from_path, lookup_spawns_duplicates, model_ngettext
from django.core.validators import slug_re
from django.db import models, transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import smart_split, unescape_string_literal

from events.images import generate_renditions, get_rendition, release_image
from events.models import PublicationStatus
from events.search import lookup_for
from events.slugs import record_slug_change

from .filters import PublicationStateFilter
from .forms import IMAGE_HELP, CheckedImageField, SlugProposalForm


def count_of(model, field, **filters):
    """A correlated subquery counting `model` rows whose `field` is the outer row.

    Subqueries rather than Count() over joins: several counts in one list do not multiply
    each other, and the database counts only the rows on the page shown.
    """
    rows = model._default_manager.filter(**{field: OuterRef("pk")}, **filters)
    counted = rows.order_by().values(field).annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted, output_field=models.IntegerField()), 0)


class ContentSearchMixin:
    """The admin's search box (and its autocompletes), matching words as the public search does.

    Django's search compares upper-cased copies of every field (`icontains`). A Chinese word
    has no letter case, so a plain substring match finds the same rows, several times
    faster, and on PostgreSQL through the trigram indexes. A slug field is only searched for
    words a slug could contain, so a Chinese word is not held up by a column no index
    serves. Words with letters keep matching whatever their case; quoted phrases
    ("技能 大师") stay one word, as in Django's search.
    """

    def get_search_results(self, request, queryset, search_term):
        fields = self.get_search_fields(request)
        if any(field[:1] in {"^", "=", "@"} for field in fields):
            # Django's prefixed lookups (starts with, exact, full text) keep Django's search.
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


class ViewOnSiteMixin:
    """Links to the object's own page, straight to its URL.

    The stock link goes through the contenttypes shortcut, which would send staff to the
    sites framework's domain (example.com) rather than to this site.
    """

    def view_on_site(self, obj):
        return obj.get_absolute_url()


class SlugAdminMixin(ViewOnSiteMixin):
    """Slugs proposed from pinyin; a public page whose slug changes keeps its old address."""

    form = SlugProposalForm

    def save_model(self, request, obj, form, change):
        old_slug = form.initial.get("slug") if change else None
        was_public = change and self.was_public(obj, form)
        super().save_model(request, obj, form, change)
        if was_public and old_slug and old_slug != obj.slug:
            self.keep_old_address(request, obj, old_slug)

    def was_public(self, obj, form):
        """Whether the object's page could have been seen before this save."""
        status = form.initial.get("status", getattr(obj, "status", PublicationStatus.PUBLISHED))
        return status == PublicationStatus.PUBLISHED

    def keep_old_address(self, request, obj, old_slug):
        former = copy.copy(obj)
        former.slug = old_slug
        old_path, new_path = former.get_absolute_url(), obj.get_absolute_url()
        record_slug_change(old_path, new_path)
        messages.info(request, f"网址已从 {old_path} 改为 {new_path}，旧网址会自动跳转到新网址。")


class TimestampedAdminMixin:
    """Created and updated times, read-only, in a section of their own at the end."""

    timestamp_fields = ("created_at", "updated_at")

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), *self.timestamp_fields)


class PublishableAdminMixin(SlugAdminMixin, TimestampedAdminMixin):
    """The publishing workflow, the same on every publishable model.

    Editors (no publish permission) write drafts: the state is read-only to them, and they
    may only propose a publish time while the object is still a draft. Publishers set the
    state on the form or with the bulk actions. A published object whose time is later is
    scheduled: `.published()` keeps it off the site until then, with no job to run.
    """

    actions = ["publish_selected", "unpublish_selected"]
    publication_fields = ("status", "published_at")

    def has_publish_permission(self, request):
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.publish_{opts.model_name}")

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not self.has_publish_permission(request):
            readonly.append("status")
            if obj is not None and obj.status == PublicationStatus.PUBLISHED:
                readonly.append("published_at")
        return readonly

    def get_list_filter(self, request):
        return (PublicationStateFilter, *super().get_list_filter(request))

    def save_model(self, request, obj, form, change):
        # Publishing a draft whose publish time has passed makes it public now, so lists
        # and feeds date it from the day it appeared, not the day it was drafted.
        becomes_published = "status" in form.changed_data and obj.status == PublicationStatus.PUBLISHED
        time_kept = "published_at" not in form.changed_data
        if becomes_published and time_kept and obj.published_at <= timezone.now():
            obj.published_at = timezone.now()
        super().save_model(request, obj, form, change)

    @admin.display(description="状态", ordering="status")
    def publication_state(self, obj):
        if obj.status == PublicationStatus.DRAFT:
            return format_html('<span class="pub-state pub-draft">{}</span>', "草稿")
        if obj.is_scheduled:
            when = timezone.localtime(obj.published_at).strftime("%Y-%m-%d %H:%M")
            return format_html('<span class="pub-state pub-scheduled">定时 {}</span>', when)
        return format_html('<span class="pub-state pub-public">{}</span>', "已公开")

    @admin.display(description="网站")
    def site_link(self, obj):
        label = "查看" if obj.is_public else "预览"
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), label)

    @admin.action(description="发布所选%(verbose_name_plural)s", permissions=["publish"])
    def publish_selected(self, request, queryset):
        now = timezone.now()
        published = scheduled = 0
        with transaction.atomic():
            for obj in queryset.exclude(status=PublicationStatus.PUBLISHED):
                obj.status = PublicationStatus.PUBLISHED
                if obj.published_at <= now:
                    obj.published_at = now
                    published += 1
                    message = "发布"
                else:
                    scheduled += 1
                    when = timezone.localtime(obj.published_at).strftime("%Y-%m-%d %H:%M")
                    message = f"定时发布，{when} 公开"
                obj.save(update_fields=["status", "published_at"])
                self.log_change(request, obj, message)
        if published or scheduled:
            text = f"已发布 {published} 条{model_ngettext(self.opts, published + scheduled)}"
            if scheduled:
                text += f"，其中 {scheduled} 条为定时发布，到时自动公开"
            self.message_user(request, text + "。", messages.SUCCESS)
        else:
            self.message_user(request, "所选内容都已发布，没有改动。", messages.WARNING)

    @admin.action(description="撤回所选%(verbose_name_plural)s为草稿", permissions=["publish"])
    def unpublish_selected(self, request, queryset):
        count = 0
        with transaction.atomic():
            for obj in queryset.filter(status=PublicationStatus.PUBLISHED):
                obj.status = PublicationStatus.DRAFT
                obj.save(update_fields=["status"])
                self.log_change(request, obj, "撤回为草稿")
                count += 1
        if count:
            text = f"已撤回 {count} 条{model_ngettext(self.opts, count)}，公众不再能看到。"
            self.message_user(request, text, messages.SUCCESS)
        else:
            self.message_user(request, "所选内容都是草稿，没有改动。", messages.WARNING)


class ImageAdminMixin:
    """Uploads proven to be images; renditions made at once; old files removed on commit."""

    formfield_overrides = {models.ImageField: {"form_class": CheckedImageField, "help_text": IMAGE_HELP}}

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), "image_preview")

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

    def save_model(self, request, obj, form, change):
        replaced = form.initial.get("image") if change and "image" in form.changed_data else None
        super().save_model(request, obj, form, change)
        if "image" in form.changed_data and obj.image:
            generate_renditions(obj.image)
        if replaced and replaced.name != obj.image.name:
            storage, name = replaced.storage, replaced.name
            transaction.on_commit(lambda: release_image(storage, name))

    def delete_model(self, request, obj):
        self.release_images_on_commit([obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        self.release_images_on_commit(queryset.exclude(image=""))
        super().delete_queryset(request, queryset)

    def release_images_on_commit(self, objects):
        for obj in objects:
            if obj.image:
                storage, name = obj.image.storage, obj.image.name
                transaction.on_commit(lambda storage=storage, name=name: release_image(storage, name))


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
