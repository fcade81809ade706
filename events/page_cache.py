"""Whole-page caching for anonymous visitors that never serves stale content.

Each page is stored with the content version it was rendered under (events/content_version.py);
a page of an older version is stale and rendered afresh.

A page is stored under its canonical address only: the query parameters its view reads, in
one order, blank ones and a first page left out. A request with other parameters, or the same
ones in another order, is answered as the canonical address is (from the cache when it is
there), so junk parameters cannot add entries to the cache. A page showing a form error is
never stored, so nonsense values cannot either.
"""

import functools
import hashlib
from contextlib import nullcontext
from importlib import import_module

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, QueryDict
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control, set_response_etag
from django.utils.translation import get_language_from_path

from .content_version import STATE_KEY, content_state, read_once_per_request
from .display import display_mode

PAGE_KEY_PREFIX = "page"
CACHEABLE_METHODS = {"GET", "HEAD"}

# Parameters read by views that have no FilterSet or paginator to say so, by URL name.
VIEW_PARAMETERS = {
    "search": ("q",),
    "sitemap_section": ("p",),
    "milestone_calendar": ("year", "month", "region", "event", "q"),
    "display_mode": ("mode", "next"),  # never cached, but it must see what it reads
}


def page_cache_key(request):
    return (
        f"{PAGE_KEY_PREFIX}:{hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()}"
        f":{page_variant(request)}"
    )


def page_variant(request):
    """What else a page's content depends on besides its URL: its language (taken from the
    /en/ prefix alone, so also in the URL, but named here so the key says so) and the
    reader's display mode (standard or 长辈版, a cookie)."""
    return f"{get_language_from_path(request.path_info) or settings.LANGUAGE_CODE}:{display_mode(request)}"


def query_parameters(request):
    """The query parameters the view at this path reads, or None when no page is there."""
    return _parameters_at(request.path_info, getattr(request, "urlconf", None) or settings.ROOT_URLCONF)


@functools.lru_cache(maxsize=4096)
def _parameters_at(path_info, urlconf):
    language = translation.get_language_from_path(path_info)
    try:
        with translation.override(language) if language else nullcontext():
            match = resolve(path_info, urlconf)
    except Resolver404:
        return None
    view_class = getattr(match.func, "view_class", None)
    names = set(VIEW_PARAMETERS.get(match.url_name, ()))
    filterset_class = getattr(view_class, "filterset_class", None)
    if filterset_class is not None:
        names.update(filterset_class.base_filters)
    if getattr(view_class, "paginate_by", None):
        names.add(getattr(view_class, "page_kwarg", "page"))
    pagination_class = getattr(view_class, "pagination_class", None)
    if pagination_class is not None:
        names.update({pagination_class.page_query_param, pagination_class.page_size_query_param, "format"})
    names.discard(None)
    return frozenset(names)


def canonical_query(query, names):
    """`query` (a QueryDict) with only `names`, sorted, one value each (the one a form reads),
    blank values and page 1 left out, page numbers without leading zeros."""
    canonical = QueryDict(mutable=True)
    for name in sorted(names & query.keys()):
        value = query[name]
        if name in {"page", "p"} and value.isascii() and value.isdecimal():
            value = str(int(value))
            if value == "1":
                continue
        if value:
            canonical[name] = value
    return canonical


class PublicPageCacheMiddleware:
    """Cache successful public GETs for visitors without a live session.

    Staff (who carry a session) always get fresh pages, including previews; the admin and
    responses that set cookies or say private/no-store are never stored. A session cookie
    that names no live session (expired, logged out, made up) is ignored and removed.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with read_once_per_request():
            return self.respond(request)

    def respond(self, request):
        seconds = settings.PAGE_CACHE_SECONDS
        if not seconds or not self.is_cacheable_request(request):
            return self.get_response(request)
        stale_cookie = self.drop_stale_session_cookie(request)
        if stale_cookie is None:
            return self.get_response(request)
        if request.META.get("QUERY_STRING"):
            names = query_parameters(request)
            if names is None:
                return self.get_response(request)
            self.make_canonical(request, names)
        key = page_cache_key(request)
        # One round trip for both: the content version, and the page with the version it
        # was stored under. A page of an older version is stale and rendered afresh.
        found = cache.get_many([STATE_KEY, key])
        state = content_state(found.get(STATE_KEY))
        stored = found.get(key)
        if stored is not None and stored[0] == state["version"]:
            return self.forget_session_cookie(self.stored_response(stored), stale_cookie)
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
        return self.forget_session_cookie(response, stale_cookie)

    @staticmethod
    def make_canonical(request, names):
        """Let the view see the canonical query only, so the page it renders (and its links)
        is the canonical address's page."""
        canonical = canonical_query(request.GET, names)
        query_string = canonical.urlencode()
        if query_string != request.META.get("QUERY_STRING", ""):
            canonical._mutable = False
            request.GET = canonical
            request.META["QUERY_STRING"] = query_string

    @staticmethod
    def drop_stale_session_cookie(request):
        """False without a session cookie; True when it named no live session and was dropped
        from the request; None when the session is live (the visitor is not anonymous)."""
        session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        if session_key is None:
            return False
        store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
        if store.session_key is not None and store.load():
            return None
        del request.COOKIES[settings.SESSION_COOKIE_NAME]
        return True

    @staticmethod
    def forget_session_cookie(response, stale_cookie):
        if stale_cookie:
            response.delete_cookie(
                settings.SESSION_COOKIE_NAME,
                path=settings.SESSION_COOKIE_PATH,
                domain=settings.SESSION_COOKIE_DOMAIN,
                samesite=settings.SESSION_COOKIE_SAMESITE,
            )
        return response

    @staticmethod
    def stored_response(stored):
        _version, status, headers, content = stored
        response = HttpResponse(content, status=status, headers=dict(headers))
        response["X-Page-Cache"] = "hit"
        return response

    @staticmethod
    def is_cacheable_request(request):
        return request.method in CACHEABLE_METHODS and not request.path.startswith(
            settings.PAGE_CACHE_EXCLUDED_PREFIXES
        )

    @staticmethod
    def is_cacheable_response(response):
        if response.status_code != 200 or response.cookies or response.streaming:
            return False
        cache_control = response.get("Cache-Control", "")
        return not any(word in cache_control for word in ("private", "no-store"))
