"""How the OpenAPI schema (drf-spectacular) describes ApiTokenAuthentication: an HTTP bearer
scheme. Imported by tracker.api.authentication when drf-spectacular is installed."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "tracker.api.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "trk_…",
            "description": "A personal API token, created on 我的 API 令牌 (/account/api-tokens/).",
        }
