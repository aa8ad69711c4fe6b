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
        from django.db.models.signals import post_delete, post_migrate, post_save

        import tracker.tasks  # noqa: F401
        from tracker.models import Document, Problem, Unit
        from tracker.services.summaries import (
            problem_saved,
            roster_saved,
            summaries_fill_after_upgrade,
        )

        post_migrate.connect(summaries_fill_after_upgrade, sender=self)
        # What the supervisors' cached figures are counted from (tracker.selectors.cached).
        for signal in (post_save, post_delete):
            signal.connect(roster_saved, sender=Unit, dispatch_uid=f"roster-unit-{signal}")
            signal.connect(roster_saved, sender=Document, dispatch_uid=f"roster-doc-{signal}")
            signal.connect(problem_saved, sender=Problem, dispatch_uid=f"problem-{signal}")
