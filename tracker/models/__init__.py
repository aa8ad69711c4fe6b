"""The domain model (DESIGN §2), one module per area."""

from tracker.models.audit import AuditEvent
from tracker.models.documents import Assignment, Document, Target
from tracker.models.notifications import ReminderLog
from tracker.models.progress import Problem, ProgressReport, SupervisionAction, TargetValue
from tracker.models.responsibilities import ReportingPeriod, Responsibility
from tracker.models.units import Unit, UnitAlias, UnitGroup
from tracker.models.users import User

__all__ = [
    "Assignment",
    "AuditEvent",
    "Document",
    "Problem",
    "ProgressReport",
    "ReminderLog",
    "ReportingPeriod",
    "Responsibility",
    "SupervisionAction",
    "Target",
    "TargetValue",
    "Unit",
    "UnitAlias",
    "UnitGroup",
    "User",
]
