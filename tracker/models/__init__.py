"""The domain model (DESIGN §2), one module per area."""

from tracker.models.amendments import DocumentAmendment
from tracker.models.api_tokens import ApiToken
from tracker.models.audit import AuditEvent
from tracker.models.documents import Assignment, Document, Target
from tracker.models.duban import DubanEvidence, DubanFeedback, Notice, Webhook
from tracker.models.exports import ExportJob
from tracker.models.heartbeats import Heartbeat
from tracker.models.indicators import IndicatorDepartment
from tracker.models.leaders import LeaderScope
from tracker.models.problems import Problem, ProblemStep
from tracker.models.reminders import (
    DeliveryStatus,
    NoticeKind,
    NoticeLanguage,
    NoticePreference,
    ReminderDay,
    ReminderDigest,
    ReminderLog,
    UnitContact,
)
from tracker.models.reports import (
    COUNTED_STATUSES,
    SUBMITTED_STATUSES,
    Assessment,
    Colour,
    Evidence,
    Judgement,
    ProgressReport,
    TargetValue,
)
from tracker.models.responsibilities import ReportingPeriod, Responsibility
from tracker.models.schedules import CalendarDay, Frequency, ReportingSchedule
from tracker.models.summaries import SlotSummary, SummaryChange
from tracker.models.supervision import AnalysisBulletin, SupervisionAction
from tracker.models.units import Unit, UnitAlias, UnitGroup, unit_order
from tracker.models.users import User

__all__ = [
    "COUNTED_STATUSES",
    "SUBMITTED_STATUSES",
    "AnalysisBulletin",
    "ApiToken",
    "Assessment",
    "Assignment",
    "AuditEvent",
    "CalendarDay",
    "Colour",
    "DeliveryStatus",
    "Document",
    "DocumentAmendment",
    "DubanEvidence",
    "DubanFeedback",
    "Evidence",
    "ExportJob",
    "Frequency",
    "Heartbeat",
    "IndicatorDepartment",
    "Judgement",
    "LeaderScope",
    "Notice",
    "NoticeKind",
    "NoticeLanguage",
    "NoticePreference",
    "Problem",
    "ProblemStep",
    "ProgressReport",
    "ReminderDay",
    "ReminderDigest",
    "ReminderLog",
    "ReportingPeriod",
    "ReportingSchedule",
    "Responsibility",
    "SlotSummary",
    "SummaryChange",
    "SupervisionAction",
    "Target",
    "TargetValue",
    "Unit",
    "UnitAlias",
    "UnitContact",
    "UnitGroup",
    "User",
    "Webhook",
    "unit_order",
]
