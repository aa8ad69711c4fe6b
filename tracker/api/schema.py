"""What the OpenAPI contract (drf-spectacular) cannot infer from the views: the error answers
every endpoint can give, and how programs sign in.

Every endpoint answers its errors in one body (tracker.api.errors.error_body), so the contract
names them once here and each view lists the statuses it can give.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

# Built inline: a Serializer class may not declare a field named `errors` (its own property).
ERROR = inline_serializer(
    "Error",
    {
        "detail": serializers.CharField(help_text="原因，一句话"),
        "errors": serializers.DictField(
            child=serializers.CharField(), help_text="出错的字段及其问题，可为空"
        ),
    },
)

_ERROR_MEANINGS = {
    400: "请求有误：参数、JSON 或字段不合规定；errors 列出出错的字段。",
    401: "未登录或凭据无效。",
    403: "未登录、凭据无效或缺少 CSRF 令牌（以网页会话调用时）。",
    404: "对象不存在，或属于本账号无权查看的单位。",
    405: "不支持此请求方法。",
    409: "他人已先保存了同一份报告，或任务已调整：请重新读取后再保存。",
    415: "不支持此请求体格式。",
    429: "请求过于频繁，或该账号/地址因登录失败过多被锁定。",
}
# What any endpoint can answer, whatever it does: not signed in, refused, too many requests.
ALWAYS = (401, 403, 405, 429)


def error_responses(*statuses: int) -> dict[int, OpenApiResponse]:
    """The error answers of an endpoint: `statuses` and those any endpoint can give."""
    return {
        code: OpenApiResponse(ERROR, description=_ERROR_MEANINGS[code])
        for code in sorted({*statuses, *ALWAYS})
    }


# drf-spectacular registers extensions as they are subclassed, in an untyped hook; this module is
# imported with the API views (tracker.api.views), so the scheme is known before any schema.
class ApiTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """The personal API token (tracker.api.authentication.ApiTokenAuthentication): HTTP bearer."""

    target_class = "tracker.api.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "trk_…",
            "description": "个人 API 令牌，在“我的 API 令牌”页面（/account/api-tokens/）创建。",
        }
