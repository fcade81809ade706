"""ASCII slugs for Chinese titles, and redirects that keep old addresses alive.

URLs stay ASCII (the design brief), so a slug is proposed from the title's pinyin:
"世界技能博物馆开馆" becomes "shi-jie-ji-neng-bo-wu-guan-kai-guan". Editors may change the
proposal; once a page is public, changing its slug records a redirect from the old address.
"""

from django.contrib.redirects.models import Redirect
from django.contrib.sites.models import Site
from django.db import transaction
from django.utils.text import slugify

from events.dates import DatePrecision, iso_date

# Room kept at the end of a slug for the "-2", "-3" … that makes a proposal unique.
SUFFIX_ROOM = 4


def pinyin_slug(text, max_length=120):
    """An ASCII slug for Chinese (or mixed) text, cut at a hyphen to fit max_length."""
    # pypinyin loads its phrase dictionary on first import; only slug proposals need it.
    from pypinyin import Style, lazy_pinyin

    syllables = lazy_pinyin(text or "", style=Style.NORMAL, errors="default", v_to_u=False)
    slug = slugify("-".join(syllables))
    return truncate_slug(slug, max_length)


def truncate_slug(slug, max_length):
    if len(slug) <= max_length:
        return slug
    cut = slug[:max_length]
    if "-" in cut and slug[max_length] != "-":
        cut = cut.rsplit("-", 1)[0]
    return cut.strip("-")


def slug_base(model, base, *, max_length=None):
    """`base` cut to leave room for a "-2" suffix; the model's name if nothing is left."""
    max_length = max_length or model._meta.get_field("slug").max_length
    return truncate_slug(base, max_length - SUFFIX_ROOM) or model._meta.model_name


def unique_slug(model, base, *, max_length=None, exclude_pk=None, also_taken=()):
    """`base`, or `base-2`, `base-3` … — the first that no other row of `model` uses.

    `also_taken` holds slugs about to be used, such as those proposed for other new rows
    of the same form.
    """
    base = slug_base(model, base, max_length=max_length)
    taken = model._default_manager.filter(slug__startswith=base)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    taken = set(taken.values_list("slug", flat=True)) | set(also_taken)
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def ordinal(number):
    """1st, 2nd, 3rd, 11th, 16th: the form the seed's award slugs use for a session."""
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def proposed_slug_base(instance):
    """What a new object's slug is made from, following the shipped content's conventions.

    Events start with their year (2023-…), milestones with their date at its precision
    (2023-05-07-…, 2023-09-…), awards with their session (16th-…); everything else is the
    pinyin of its name or title.
    """
    model_name = instance._meta.model_name
    max_length = instance._meta.get_field("slug").max_length
    if model_name == "event":
        parts = [str(instance.year or ""), pinyin_slug(instance.short_title or instance.title, max_length)]
    elif model_name == "milestone":
        date_part = iso_date(instance.date, instance.precision or DatePrecision.DAY) if instance.date else ""
        parts = [date_part, pinyin_slug(instance.title, max_length)]
    elif model_name == "award":
        session = ordinal(instance.session_number) if instance.session_number else ""
        parts = [session, pinyin_slug(instance.name, max_length)]
    else:
        text = getattr(instance, "name", None) or getattr(instance, "title", "")
        parts = [pinyin_slug(text, max_length)]
    return slugify("-".join(part for part in parts if part))


def propose_slug(instance, also_taken=()):
    """A unique slug for an object that has none yet."""
    base = proposed_slug_base(instance)
    return unique_slug(type(instance), base, exclude_pk=instance.pk, also_taken=also_taken)


def record_slug_change(old_path, new_path):
    """Keep `old_path` answering: a permanent redirect to `new_path`, with no chains.

    Redirects that pointed at the old address now point at the new one, and a redirect away
    from the new address (the slug was changed back) is removed, since the page lives there.
    Runs through django.contrib.redirects, whose fallback middleware answers a 404 with it.
    """
    if not old_path or old_path == new_path:
        return
    site = Site.objects.get_current()
    with transaction.atomic():
        Redirect.objects.filter(site=site, old_path=new_path).delete()
        Redirect.objects.filter(site=site, new_path=old_path).update(new_path=new_path)
        Redirect.objects.update_or_create(site=site, old_path=old_path, defaults={"new_path": new_path})


def keep_old_addresses(sender, item, previous_addresses, **kwargs):
    """When an item's change reaches the public, every page whose address changed keeps
    answering at the old one (a redirect), its children's pages included."""
    for (model, pk), old_path in previous_addresses.items():
        row = model._default_manager.filter(pk=pk).first()
        if row is not None:
            record_slug_change(old_path, row.get_absolute_url())
