"""Open data may be read by any web page: Access-Control-Allow-Origin on its GET responses."""

OPEN_METHODS = {"GET", "HEAD"}


class OpenDataCorsMiddleware:
    """Sits inside the page cache, so a cached API response keeps the header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if request.method in OPEN_METHODS and match is not None and match.app_name == "opendata":
            response["Access-Control-Allow-Origin"] = "*"
        return response
