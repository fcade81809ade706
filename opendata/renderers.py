"""Formats of the API: JSON, and CSV in the columns of the import templates."""

import io

from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer

from events.importing import exporting


class CSVRenderer(BaseRenderer):
    """Rows of one content type as exporting.write_csv writes them (UTF-8 with BOM).

    The view hands over {"spec": ContentSpec, "rows": [instances]}; the file then reads back
    through import_content as the content it came from.
    """

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        stream = io.StringIO()
        exporting.write_csv(stream, data["spec"], rows=data["rows"])
        return stream.getvalue().encode("utf-8")


class FormatOnlyNegotiation(DefaultContentNegotiation):
    """Choose the format by `?format=` or the `.csv` suffix only, never by the Accept header.

    Anonymous responses are cached by URL (events/page_cache.py), so the URL alone must
    decide what a response holds.
    """

    def select_renderer(self, request, renderers, format_suffix=None):
        requested = format_suffix or request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
        if requested:
            renderers = self.filter_renderers(renderers, requested)
        renderer = renderers[0]
        return renderer, renderer.media_type
