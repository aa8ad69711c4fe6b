"""忘记密码, throttled: twenty requests for one address sent twenty e-mails. An address, and a
client address, get at most TRACKER_PASSWORD_RESET_PER_HOUR mails an hour; past that the page
answers exactly as before (so it tells nobody whether an account exists) and sends nothing."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseRedirect

from tracker.proxies import client_ip

WINDOW_SECONDS = 3600


def _over_limit(key: str) -> bool:
    """Count one request under `key` in the current hour; True once past the limit."""
    cache.add(key, 0, WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW_SECONDS)
        count = 1
    return count > settings.TRACKER_PASSWORD_RESET_PER_HOUR


class ThrottledPasswordResetView(auth_views.PasswordResetView):
    subject_template_name = "registration/password_reset_subject.txt"

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        email = form.cleaned_data["email"].strip().lower()
        digest = hashlib.sha256(email.encode()).hexdigest()
        by_email = _over_limit(f"password-reset:email:{digest}")
        by_address = _over_limit(f"password-reset:ip:{client_ip(self.request)}")
        if by_email or by_address:
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)
