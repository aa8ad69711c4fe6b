"""The one-time link an invited person sets a password with (Django's token machinery).

A token is signed with the secret key over the person's id, password hash, last login, e-mail
and the moment the invitation was sent; setting the password, signing in, changing the address
or sending a newer invitation invalidates it, and it expires after TRACKER_INVITATION_DAYS.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "tracker.tokens.InvitationTokenGenerator"

    def _make_hash_value(self, user: Any, timestamp: int) -> str:
        invited = "" if user.invited_at is None else user.invited_at.replace(microsecond=0)
        return f"{super()._make_hash_value(user, timestamp)}{invited}"

    def check_token(self, user: Any, token: str | None) -> bool:
        """As Django's, with the invitation's own lifetime instead of PASSWORD_RESET_TIMEOUT."""
        if not (user and token):
            return False
        try:
            ts_b36, _hash = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return False
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        ):
            return False
        age = self._num_seconds(self._now()) - ts
        return age <= settings.TRACKER_INVITATION_DAYS * 86400


invitation_tokens = InvitationTokenGenerator()
