"""The API's documentation page: Swagger UI from drf-spectacular-sidecar's vendored files.

drf-spectacular's own template starts Swagger UI with an inline script and an inline style,
both refused by the Content-Security-Policy; this page's template reads its settings from data
attributes and starts Swagger UI from a static file (tracker/static/tracker/api_docs.js).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.request import Request
from rest_framework.response import Response


class ApiSchema(SpectacularAPIView):
    """The contract itself, left out of the contract: it answers YAML or JSON as asked, its
    errors too, and describes no data of the product."""

    @extend_schema(exclude=True)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response: Response = super().get(request, *args, **kwargs)  # type: ignore[no-untyped-call]
        return response


class ApiDocs(SpectacularSwaggerView):
    url_name = "api-schema"
    template_name = "tracker/api/docs.html"
