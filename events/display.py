"""The elder-friendly display (长辈版, after MIIT's 《互联网网站适老化通用设计规范》).

A cookie holds the reader's choice across pages; the switch is a plain link to
/display/, so it works without JavaScript. The page cache keys on the mode, so both
displays are cached side by side.
"""

from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

COOKIE_NAME = "display"
ELDER = "elder"
STANDARD = "standard"
COOKIE_MAX_AGE = 365 * 24 * 60 * 60


def display_mode(request):
    """ "elder" or "standard", from the reader's cookie; anything else counts as standard."""
    return ELDER if request.COOKIES.get(COOKIE_NAME) == ELDER else STANDARD


class DisplayModeMiddleware:
    """Tells caches downstream (nginx, browsers) that a page differs with the display cookie."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.get("Content-Type", "").startswith("text/html"):
            patch_vary_headers(response, ["Cookie"])
        return response


class DisplayModeView(View):
    """/display/?mode=elder&next=/events/: sets the mode and goes back to where the reader was.

    Only a path on this site is followed back; anything else (another host, a scheme
    such as javascript:) leads home instead.
    """

    def get(self, request):
        mode = request.GET.get("mode")
        target = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            target = reverse("events:home")
        response = HttpResponseRedirect(target)
        if mode == ELDER:
            response.set_cookie(
                COOKIE_NAME,
                ELDER,
                max_age=COOKIE_MAX_AGE,
                samesite="Lax",
                httponly=True,
                secure=settings.SESSION_COOKIE_SECURE,
            )
        else:
            response.delete_cookie(COOKIE_NAME, samesite="Lax")
        add_never_cache_headers(response)
        return response
