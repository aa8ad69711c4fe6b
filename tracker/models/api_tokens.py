"""Per-person API tokens: how programs sign in to /api/ (`Authorization: Bearer <token>`).

Only a SHA-256 digest of the token is kept, as GitHub, Zulip and healthchecks do: the token is a
high-entropy random string, so a fast hash is enough (no password stretching needed), and a
leaked database gives no usable token. The first characters are kept in clear as `prefix`, so a
person can tell their tokens apart and match one seen in a log. The token itself is shown once,
when it is created.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# What every token starts with, so a leaked one is recognisable (secret scanners, logs).
TOKEN_START = "trk_"  # noqa: S105 - the public marker, not a secret
# The clear part kept to identify a token: the start and eight random characters.
PREFIX_LENGTH = len(TOKEN_START) + 8


def token_digest(token: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


class ApiToken(models.Model):
    class State(models.TextChoices):
        ACTIVE = "active", _("有效")
        EXPIRED = "expired", _("已过期")
        REVOKED = "revoked", _("已吊销")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("所属人员"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("名称"), max_length=100)
    prefix = models.CharField(_("前缀"), max_length=16)
    digest = models.CharField(_("摘要"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    # Written at most once a minute (tracker.services.api_tokens.api_token_mark_used), so a busy
    # program does not turn every read into a write.
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    expires_at = models.DateTimeField(_("有效期至"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("吊销人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def state_at(self, moment: datetime) -> ApiToken.State:
        if self.revoked_at is not None:
            return self.State.REVOKED
        if self.expires_at is not None and self.expires_at <= moment:
            return self.State.EXPIRED
        return self.State.ACTIVE
