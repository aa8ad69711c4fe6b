"""The domain model (DESIGN §2), one module per area."""

from tracker.models.audit import AuditEvent
from tracker.models.documents import Assignment, Document, Target
from tracker.models.notifications import ReminderLog
from tracker.models.problems import Problem, ProblemStep
from tracker.models.progress import (
    Assessment,
    Colour,
    Evidence,
    Judgement,
    ProgressReport,
    TargetValue,
)
from tracker.models.responsibilities import ReportingPeriod, Responsibility
from tracker.models.supervision import AnalysisBulletin, SupervisionAction
from tracker.models.units import Unit, UnitAlias, UnitGroup
from tracker.models.users import User

__all__ = [
    "AnalysisBulletin",
    "Assessment",
    "Assignment",
    "AuditEvent",
    "Colour",
    "Document",
    "Evidence",
    "Judgement",
    "Problem",
    "ProblemStep",
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
