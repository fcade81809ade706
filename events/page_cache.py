"""Whole-page caching for anonymous visitors that never serves stale content.

Each page is stored with the content version it was rendered under (events/content_version.py);
a page of an older version is stale and rendered afresh.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control, set_response_etag
from django.utils.translation import get_language_from_path

from .content_version import STATE_KEY, content_state, read_once_per_request
from .display import display_mode

PAGE_KEY_PREFIX = "page"
CACHEABLE_METHODS = {"GET", "HEAD"}


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


class PublicPageCacheMiddleware:
    """Cache successful public GETs for visitors without a session.

    Staff (who carry a session cookie) always get fresh pages, including previews; the admin
    and responses that set cookies or say private/no-store are never stored.
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
