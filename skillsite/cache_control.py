"""What caches between the site and its visitors may keep: Cache-Control and Vary.

An anonymous visitor's public page may be kept by a shared cache (the nginx micro-cache in
front, deploy/nginx/) for SHARED_CACHE_SECONDS and served up to SHARED_CACHE_STALE_SECONDS
past that while one request fetches the new version. Browsers keep it BROWSER_CACHE_SECONDS
(none by default: they revalidate with the ETag and get a 304 from the cache in front). A
publish is on every visitor's screen within seconds, while a rush reaches the app as one
request per page every few seconds.

Anything personal is `private, no-store`: staff (who carry a session), previews, the admin,
a page carrying a CSRF token or setting a cookie. Each setting may be given in the settings
module; the defaults come from the environment variables of the same names.
"""

import os

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers

SHAREABLE_METHODS = {"GET", "HEAD"}
# 304 answers a revalidation of a 200 and must say the same.
SHAREABLE_STATUSES = {200, 304}


def setting(name, default):
    return getattr(settings, name, int(os.environ.get(name) or default))


def is_personal(request, response):
    cache_control = response.get("Cache-Control", "")
    return (
        request.path.startswith(settings.ADMIN_URL_PREFIX)
        or settings.SESSION_COOKIE_NAME in request.COOKIES
        or bool(request.META.get("CSRF_COOKIE_NEEDS_UPDATE"))
        or bool(response.cookies)
        or "private" in cache_control
        or "no-store" in cache_control
    )


def is_shareable(request, response):
    return (
        request.method in SHAREABLE_METHODS
        and response.status_code in SHAREABLE_STATUSES
        and not request.path.startswith(settings.PAGE_CACHE_EXCLUDED_PREFIXES)
    )


def language_comes_from_url():
    """True when Accept-Language cannot change a page: one language, or the URL names it."""
    if len(settings.LANGUAGES) == 1:
        return True
    prefixes_used, default_prefixed = is_language_prefix_patterns_used(settings.ROOT_URLCONF)
    return prefixes_used and not default_prefixed


def remove_vary(response, header):
    names = [name.strip() for name in response.get("Vary", "").split(",") if name.strip()]
    kept = [name for name in names if name.lower() != header.lower()]
    if kept:
        response["Vary"] = ", ".join(kept)
    elif "Vary" in response:
        del response["Vary"]


class CacheControlMiddleware:
    """Outside the page cache and conditional GETs, so stored pages and 304s say the same."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method not in SHAREABLE_METHODS or is_personal(request, response):
            add_never_cache_headers(response)
            patch_vary_headers(response, ["Cookie"])
        elif is_shareable(request, response):
            # Replaces the page cache's "no-cache", which shared caches take as "do not keep".
            del response["Cache-Control"]
            patch_cache_control(
                response,
                public=True,
                max_age=setting("BROWSER_CACHE_SECONDS", 0),
                s_maxage=setting("SHARED_CACHE_SECONDS", 5),
                stale_while_revalidate=setting("SHARED_CACHE_STALE_SECONDS", 30),
            )
            # A session changes the page (staff see more), so a cache keys on the cookie; the
            # language does not when it comes from the URL, and a Vary on it would split the
            # cache by every browser's Accept-Language.
            patch_vary_headers(response, ["Cookie"])
            if language_comes_from_url():
                remove_vary(response, "Accept-Language")
        return response
