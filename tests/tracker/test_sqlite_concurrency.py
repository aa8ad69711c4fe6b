"""The embedded default: the web process and the Celery worker write one SQLite file at once.

Each writer reads before it writes inside one transaction — the pattern that fails at once with
"database is locked" under SQLite's default DEFERRED transactions, because a reader cannot upgrade
its lock while another connection writes. IMMEDIATE transactions plus the busy timeout make the
writers queue instead.
"""

import os
import subprocess
import sys

import pytest
from django.db import connection

from tests.samples import REPO
from tracker.models import AuditEvent

WRITER = """
import django
django.setup()
from django.db import transaction
from tracker.models import AuditEvent
for i in range({n}):
    with transaction.atomic():
        AuditEvent.objects.filter(action="concurrency").count()
        AuditEvent.objects.create(actor_name="writer{w}", action="concurrency")
"""


@pytest.mark.django_db(transaction=True)
def test_parallel_writers_never_see_database_is_locked():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="tracker.settings",
        DJANGO_SECRET_KEY="test",
        DATABASE_URL=f"sqlite:///{connection.settings_dict['NAME']}",
    )
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER.format(n=60, w=w)],
            cwd=REPO,
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(4)
    ]
    errors = [p.communicate(timeout=120)[1] for p in writers]
    assert [p.returncode for p in writers] == [0, 0, 0, 0], "\n".join(errors)
    assert AuditEvent.objects.filter(action="concurrency").count() == 240
