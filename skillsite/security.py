"""Security pieces the settings refer to: the Content-Security-Policy header and the client IP."""

import ipaddress

from django.conf import settings


def policy_header(directives):
    return "; ".join(f"{name} {' '.join(sources)}".strip() for name, sources in directives.items())


class ContentSecurityPolicyMiddleware:
    """Send CONTENT_SECURITY_POLICY on every response that does not set its own.

    The admin's own templates carry style attributes, so paths under ADMIN_URL_PREFIX get
    the ADMIN_CONTENT_SECURITY_POLICY_EXTRA sources added; scripts stay 'self' everywhere.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        site_policy = settings.CONTENT_SECURITY_POLICY
        admin_policy = {name: list(sources) for name, sources in site_policy.items()}
        for name, sources in settings.ADMIN_CONTENT_SECURITY_POLICY_EXTRA.items():
            admin_policy.setdefault(name, []).extend(sources)
        self.site_header = policy_header(site_policy)
        self.admin_header = policy_header(admin_policy)
        self.admin_prefix = settings.ADMIN_URL_PREFIX

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            is_admin = request.path.startswith(self.admin_prefix)
            response["Content-Security-Policy"] = self.admin_header if is_admin else self.site_header
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


def client_ip(request):
    """The visitor's address, trusting X-Forwarded-For only for TRUSTED_PROXY_COUNT hops.

    Each trusted proxy appends the address it saw; the one the nearest untrusted hop gave is
    the client. With no trusted proxy, the socket's address is the client, and so it is when
    the header holds no address where the client's should be (it did not come through the proxy).
    """
    remote = request.META.get("REMOTE_ADDR", "")
    hops = settings.TRUSTED_PROXY_COUNT
    if hops <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < hops:
        return remote
    try:
        return str(ipaddress.ip_address(forwarded[-hops]))
    except ValueError:
        return remote
