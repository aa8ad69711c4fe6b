from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = _("任务分工落实跟踪")

    def ready(self) -> None:
        from tracker.celery import ensure_broker_folders

        ensure_broker_folders()
