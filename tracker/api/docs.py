"""The API's documentation page: Swagger UI from drf-spectacular-sidecar's vendored files.

drf-spectacular's own template starts Swagger UI with an inline script and an inline style,
both refused by the Content-Security-Policy; this page's template reads its settings from data
attributes and starts Swagger UI from a static file (tracker/static/tracker/api_docs.js).
"""

from __future__ import annotations

from drf_spectacular.views import SpectacularSwaggerView


class ApiDocs(SpectacularSwaggerView):
    url_name = "api-schema"
    template_name = "tracker/api/docs.html"
