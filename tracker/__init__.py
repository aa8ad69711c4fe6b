"""The task-division tracker: the Django project and its one app."""

from tracker.celery import app as celery_app

__all__ = ["celery_app"]
