"""The error pages. A 400 is often a request with a forged Host header, so error pages are
rendered without the request (nothing on them may build a URL from its host), and they carry
the security headers themselves: an error raised in the outermost middleware never passes
through the middleware that would add them.
"""

from django.conf import settings
from django.http import HttpResponseBadRequest, HttpResponseNotFound, HttpResponseServerError
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

from .security import policy_header


def with_security_headers(response):
    headers = {
        "Content-Security-Policy": policy_header(settings.CONTENT_SECURITY_POLICY),
        "Permissions-Policy": settings.PERMISSIONS_POLICY,
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": settings.X_FRAME_OPTIONS,
        "Referrer-Policy": settings.SECURE_REFERRER_POLICY,
        "Cross-Origin-Opener-Policy": settings.SECURE_CROSS_ORIGIN_OPENER_POLICY,
    }
    for name, value in headers.items():
        response.headers.setdefault(name, value)
    return response


def error_page(response_class, template_name):
    return with_security_headers(response_class(loader.get_template(template_name).render()))


@requires_csrf_token
def bad_request(request, exception):
    return error_page(HttpResponseBadRequest, "400.html")


@requires_csrf_token
def page_not_found(request, exception):
    return error_page(HttpResponseNotFound, "404.html")


@requires_csrf_token
def server_error(request):
    return error_page(HttpResponseServerError, "500.html")
