"""The Celery application: configuration comes from Django settings (CELERY_* names)."""

from __future__ import annotations

import os
from pathlib import Path

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

app = Celery("tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["tracker"])


def queue(name: str, *args: object) -> None:
    """Queue the task registered under `name`. Services sit below the tasks (which call them), so
    they queue by name rather than import tracker.tasks; TrackerConfig.ready registers the tasks
    in every process."""
    app.tasks[name].delay(*args)


def ensure_broker_folders() -> None:
    """kombu's filesystem transport expects its folders to exist before the first message."""
    options = app.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if key in options:
            Path(options[key]).mkdir(parents=True, exist_ok=True)
