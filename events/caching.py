"""Whole-page caching for anonymous visitors that never serves stale content.

Every cached page is stored under the current *content version*, a token kept in the shared
cache. Saving or deleting any content (or a redirect) replaces the token once the
transaction commits, so every app server misses its old pages at once. Scheduled content
needs no write to appear: the token records when the next scheduled item falls due, and the
first request after that moment replaces it.
"""

import hashlib
import uuid
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Min
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control, set_response_etag
from django.utils.functional import cached_property

STATE_KEY = "content-state"
PAGE_KEY_PREFIX = "page"
CACHEABLE_METHODS = {"GET", "HEAD"}


_MISSING_STATE = object()
# The content state as this request first read it, so one request reads it once however
# many cached values its page uses. Set per request by the middleware; never shared.
_request_memo = ContextVar("content_state_memo", default=None)


def _next_scheduled_time():
    """When the earliest scheduled item falls due, as a timestamp, or None."""
    from .models import Award, Event, TrainingBase

    times = [
        model.objects.scheduled().aggregate(first=Min("published_at"))["first"]
        for model in (Event, Award, TrainingBase)
    ]
    times = [moment for moment in times if moment is not None]
    return min(times).timestamp() if times else None


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
    if state is None or (state["next_change"] and timezone.now().timestamp() >= state["next_change"]):
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
    full_key = f"content-value:{content_state()['version']}:{digest}"
    value = cache.get(full_key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(full_key, value, seconds)
    return value


class ContentCachedPaginator(Paginator):
    """A paginator whose row count is kept per content version under `count_key`.

    Counting every published row on each request is the slowest part of a list page on a
    large table; the count only changes when the content does.
    """

    def __init__(self, *args, count_key, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_key = count_key

    @cached_property
    def count(self):
        return content_cached(self.count_key, lambda: Paginator.count.func(self))


def page_cache_key(request):
    return f"{PAGE_KEY_PREFIX}:{hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()}"


class PublicPageCacheMiddleware:
    """Cache successful public GETs for visitors without a session.

    Staff (who carry a session cookie) always get fresh pages, including previews; the admin
    and responses that set cookies or say private/no-store are never stored.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        memo = _request_memo.set({})
        try:
            return self.respond(request)
        finally:
            _request_memo.reset(memo)

    def respond(self, request):
        seconds = settings.PAGE_CACHE_SECONDS
        if not seconds or not self.is_cacheable_request(request):
            return self.get_response(request)
        key = page_cache_key(request)
        # One round trip for both: the content version, and the page with the version it
        # was stored under. A page of an older version is stale and rendered afresh.
        found = cache.get_many([STATE_KEY, key])
        state = content_state(found.get(STATE_KEY))
        stored = found.get(key)
        if stored is not None and stored[0] == state["version"]:
            return self.stored_response(stored)
        response = self.get_response(request)
        if self.is_cacheable_response(response):
            set_response_etag(response)
            patch_cache_control(response, public=True, no_cache=True)
            if state["next_change"]:
                seconds = max(1, min(seconds, int(state["next_change"] - timezone.now().timestamp())))
            # Plain values, not the response object: quicker to store and to read back.
            cache.set(
                key,
                (state["version"], response.status_code, list(response.items()), response.content),
                seconds,
            )
            response["X-Page-Cache"] = "miss"
        return response

    @staticmethod
    def stored_response(stored):
        _version, status, headers, content = stored
        response = HttpResponse(content, status=status, headers=dict(headers))
        response["X-Page-Cache"] = "hit"
        return response

    @staticmethod
    def is_cacheable_request(request):
        return (
            request.method in CACHEABLE_METHODS
            and not request.path.startswith(settings.PAGE_CACHE_EXCLUDED_PREFIXES)
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
        )

    @staticmethod
    def is_cacheable_response(response):
        if response.status_code != 200 or response.cookies or response.streaming:
            return False
        cache_control = response.get("Cache-Control", "")
        return not any(word in cache_control for word in ("private", "no-store"))
