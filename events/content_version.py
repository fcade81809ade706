"""The content version: one token that changes whenever public content may have changed.

Cached pages and values derived from content (counts, filter options) are stored under the
current version, a token kept in the shared cache. Saving or deleting any content (or a
redirect) replaces the token once the transaction commits, so every app server misses its
old entries at once. Scheduled content needs no write to appear: the token records when the
next scheduled item falls due, and the first request after that moment replaces it.
"""

import hashlib
import uuid
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Min, QuerySet
from django.utils import timezone
from django.utils.functional import cached_property

from . import local_copies

STATE_KEY = "content-state"


_MISSING_STATE = object()
# The content state as this request first read it, so one request reads it once however
# many cached values its page uses. Set per request by the middleware; never shared.
_request_memo = ContextVar("content_state_memo", default=None)


def _next_scheduled_time():
    """When the earliest scheduled item or approved change falls due, as a timestamp, or None."""
    from editorial.models import ChangeRequest

    from .models import Award, Edition, Event, TrainingBase, TrainingBaseBatch

    times = [
        model.objects.scheduled().aggregate(first=Min("published_at"))["first"]
        for model in (Edition, Event, Award, TrainingBaseBatch, TrainingBase)
    ]
    times.append(ChangeRequest.objects.filter(state="scheduled").aggregate(first=Min("go_live_at"))["first"])
    times = [moment for moment in times if moment is not None]
    return min(times).timestamp() if times else None


def _publish_due_changes():
    """Changes approved for a time that has come are written to the live rows now: the first
    request after that time does it, so scheduled changes need no job (a cron job running
    `manage.py publish_scheduled` does the same ahead of any request)."""
    from editorial.workflow import publish_due

    publish_due()


@contextmanager
def read_once_per_request():
    """Within this block (one request), the content state is read from the cache only once."""
    memo = _request_memo.set({})
    try:
        yield
    finally:
        _request_memo.reset(memo)


def _new_state():
    state = {"version": uuid.uuid4().hex, "next_change": _next_scheduled_time()}
    # The state outlives any page stored under it; a lost state only costs a new token.
    cache.set(STATE_KEY, state, timeout=None)
    _remember(state)
    return state


def _remember(state):
    memo = _request_memo.get()
    if memo is not None:
        memo["state"] = state


def content_state(stored=_MISSING_STATE):
    """The current content version and when it next changes by itself.

    `stored` is the state already read from the cache, when the caller fetched it together
    with something else.
    """
    memo = _request_memo.get()
    if stored is _MISSING_STATE and memo and "state" in memo:
        return memo["state"]
    state = cache.get(STATE_KEY) if stored is _MISSING_STATE else stored
    if state is not None and state["next_change"] and timezone.now().timestamp() >= state["next_change"]:
        _publish_due_changes()
        state = None
    if state is None:
        state = _new_state()
    _remember(state)
    return state


def content_changed():
    """Mark every cached page stale, once the current transaction (if any) commits.

    Signals call this for ordinary saves; code that writes in bulk (bulk_create, update())
    calls it itself.
    """
    transaction.on_commit(_new_state)


def invalidate_on_change(sender, **kwargs):
    content_changed()


_MISSING = object()


def content_cached(key, compute):
    """A value derived from content (a count, the years that have events), computed once per
    content version and shared by every app server; computed afresh when caching is off."""
    seconds = settings.CONTENT_CACHE_SECONDS
    if not seconds:
        return compute()
    digest = hashlib.sha256(key.encode()).hexdigest()
    version = content_state()["version"]
    full_key = f"content-value:{version}:{digest}"
    value = local_copies.get_many(version, [full_key]).get(full_key, _MISSING)
    if value is _MISSING:
        value = compute()
        local_copies.set_many(version, {full_key: value}, seconds)
    return value


class ContentCachedPaginator(Paginator):
    """A paginator whose row count is kept per content version under `count_key`, and each
    page's primary keys beside it (KeptKeysPage).

    Counting every published row on each request is the slowest part of a list page on a
    large table; the count only changes when the content does.
    """

    def __init__(self, *args, count_key, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_key = count_key

    @cached_property
    def count(self):
        return content_cached(self.count_key, lambda: Paginator.count.func(self))

    def _get_page(self, *args, **kwargs):
        return KeptKeysPage(*args, **kwargs)


class KeptKeysPage(Page):
    """A page whose rows' primary keys are kept per content version with its paginator's
    count: sorting 10,000 training bases across three tables for a page of 50 took PostgreSQL
    6-8 ms on every request. Parts of pages kept per row (templatetags/fragments.py) then
    need no query at all; the rows are read only to render the ones not kept."""

    @cached_property
    def primary_keys(self):
        def read():
            if isinstance(self.object_list, QuerySet):
                return list(self.object_list.values_list("pk", flat=True))
            return [obj.pk for obj in self.object_list]

        return content_cached(f"{self.paginator.count_key}:page:{self.number}", read)
