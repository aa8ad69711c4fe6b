from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = _("任务分工落实跟踪")

    def ready(self) -> None:
        from tracker.celery import ensure_broker_folders

        ensure_broker_folders()
        # The services queue tasks by name (tracker.celery.queue): register them in every
        # process, not only in the workers that discover them.
        import tracker.tasks  # noqa: F401
