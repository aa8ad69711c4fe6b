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
        # Derived rows an upgraded installation does not have yet (tracker.services.summaries).
        from django.db.models.signals import post_migrate

        import tracker.tasks  # noqa: F401
        from tracker.services.summaries import summaries_fill_after_upgrade

        post_migrate.connect(summaries_fill_after_upgrade, sender=self)
