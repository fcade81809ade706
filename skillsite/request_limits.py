"""Refuse, before anything reads them, requests that would cost the site more than the sender.

- A body larger than REQUEST_BODY_MAX_BYTES, on any route: 413. The largest legitimate body is
  a staff upload (an import file, an image), and those have their own, lower limits.
- A multipart body (file uploads) larger than ANONYMOUS_UPLOAD_MAX_BYTES from anyone not
  logged in: 413, so a visitor cannot make the site spool files to disk. No public page takes
  uploads; the login form is not multipart.
- A NUL byte in an admin query string: 400. Admin filters and searches put parameters into
  SQL, and PostgreSQL refuses NUL in text, which would otherwise be a 500.

Django's DATA_UPLOAD_MAX_MEMORY_SIZE and DATA_UPLOAD_MAX_NUMBER_FIELDS bound the form fields
of a body once it is read; this middleware bounds what is read at all.
"""

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import HttpResponse


class RequestEntityTooLarge(HttpResponse):
    status_code = 413


class RequestLimitsMiddleware:
    """Placed after AuthenticationMiddleware (it asks whether the sender is logged in) and before
    anything reads the body (CsrfViewMiddleware's process_view runs after every middleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        length = self.content_length(request)
        if length > settings.REQUEST_BODY_MAX_BYTES:
            return self.too_large(settings.REQUEST_BODY_MAX_BYTES)
        if (
            length > settings.ANONYMOUS_UPLOAD_MAX_BYTES
            and request.content_type == "multipart/form-data"
            and not request.user.is_authenticated
        ):
            return self.too_large(settings.ANONYMOUS_UPLOAD_MAX_BYTES)
        if request.path.startswith(settings.ADMIN_URL_PREFIX) and "\x00" in "".join(
            name + "".join(values) for name, values in request.GET.lists()
        ):
            raise BadRequest("NUL in an admin query string")
        return self.get_response(request)

    @staticmethod
    def content_length(request):
        try:
            return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
        except ValueError:
            return 0

    @staticmethod
    def too_large(limit):
        return RequestEntityTooLarge(
            f"请求内容过大：不能超过 {limit:,} 字节。\n", content_type="text/plain; charset=utf-8"
        )
