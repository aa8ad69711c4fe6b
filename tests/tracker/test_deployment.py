"""Deployment behind a proxy, over HTTPS (issue 18, item 4): proxy headers believed only from
the proxy a setting names, a year of HSTS with subdomains, a Content-Security-Policy with no
inline script or style left in the templates, and `check --deploy` clean with the README's
production variables."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys

import pytest
from django.urls import reverse

from tests.samples import REPO

pytestmark = pytest.mark.django_db

# The README's production variables (its table), with example values.
PRODUCTION = {
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "rw.example.gov.cn",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://rw.example.gov.cn",
    "TRACKER_SITE_URL": "https://rw.example.gov.cn",
    "TRACKER_HTTPS": "true",
    "TRACKER_PROXY_ADDRESSES": "10.0.0.5",
}


def test_check_deploy_prints_no_warning_with_the_readmes_production_variables(tmp_path):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for name in PRODUCTION:
        assert f"`{name}`" in readme, f"{name} is not in the README's production table"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "TRACKER_", "DATABASE_URL", "CELERY_"))
    }
    env |= PRODUCTION | {"TRACKER_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": ""}
    env.pop("DJANGO_SETTINGS_MODULE")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.fixture
def https(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 365 * 24 * 3600
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.TRACKER_PROXY_ADDRESSES = ["10.0.0.5", "10.1.0.0/24"]
    return settings


def test_a_client_claiming_https_in_a_header_is_not_believed(client, https):
    response = client.get(
        reverse("login"), HTTP_X_FORWARDED_PROTO="https", REMOTE_ADDR="203.0.113.9"
    )
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


@pytest.mark.parametrize("proxy", ["10.0.0.5", "10.1.0.77"])
def test_the_named_proxy_is_believed_and_hsts_lasts_a_year(client, https, proxy):
    response = client.get(reverse("login"), HTTP_X_FORWARDED_PROTO="https", REMOTE_ADDR=proxy)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_without_a_named_proxy_no_forwarding_header_is_believed(client, https):
    https.TRACKER_PROXY_ADDRESSES = []
    response = client.get(reverse("login"), HTTP_X_FORWARDED_PROTO="https", REMOTE_ADDR="10.0.0.5")
    assert response.status_code == 301


def test_every_page_carries_a_content_security_policy_without_unsafe_inline(client, supervisor):
    client.force_login(supervisor)
    for name in ("login", "dashboard", "document-list"):
        client.logout() if name == "login" else client.force_login(supervisor)
        policy = client.get(reverse(name))["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "style-src 'self'" in policy
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert "frame-ancestors 'none'" in policy


INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=", re.I)


def test_no_page_template_has_inline_script_or_style():
    """E-mails keep their inline styles (mail readers ignore style sheets); pages have none."""
    found = []
    for path in (REPO / "templates").rglob("*.html"):
        if "emails" in path.relative_to(REPO / "templates").parts:
            continue
        for match in INLINE.finditer(path.read_text(encoding="utf-8")):
            found.append(f"{path.relative_to(REPO)}: {match.group(0)}")
    assert not found
