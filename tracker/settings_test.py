"""Settings for the test suite: the real settings, with the few changes a test run needs."""

import os

# Tests run with DEBUG off (as production does); they still need a key, never a real one.
os.environ.setdefault("DJANGO_SECRET_KEY", "insecure-key-for-tests-only")

from tracker.settings import *  # noqa: F403
from tracker.settings import DATABASES, VAR_DIR

# A file, not an in-memory database, so a Celery worker started by a test in another process
# sees the same data.
if str(DATABASES["default"]["ENGINE"]).endswith("sqlite3"):
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-tracker.sqlite3")}

# Hashing passwords at full strength would dominate the suite's run time.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# WhiteNoise warns about a missing STATIC_ROOT on every request otherwise.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
