"""The administrators' back office: units, documents and the trail, searchable and filterable.

One module on purpose: Django discovers the back office in admin.py, and each ModelAdmin here is
a short declaration (lists, filters, read-only fields) with nothing to share between them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Count, Model, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from tracker.models import (
    AnalysisBulletin,
    Assignment,
    AuditEvent,
    Document,
    DocumentAmendment,
    Evidence,
    LeaderScope,
    NoticePreference,
    Problem,
    ProblemStep,
    ProgressReport,
    ReminderDigest,
    ReminderLog,
    ReportingPeriod,
    Responsibility,
    SupervisionAction,
    Target,
    TargetValue,
    Unit,
    UnitAlias,
    UnitContact,
    UnitGroup,
    User,
)
from tracker.selectors.cached import ROSTER
from tracker.services.audit import audit_record, snapshot
from tracker.services.summaries import summaries_changed, summaries_refresh

# The stubs make the admin classes generic; Django's own classes cannot be subscripted at runtime.
if TYPE_CHECKING:
    ModelAdmin = admin.ModelAdmin[Any]
    TabularInline = admin.TabularInline[Any, Any]
    UserAdminBase = BaseUserAdmin[User]
else:
    ModelAdmin = admin.ModelAdmin
    TabularInline = admin.TabularInline
    UserAdminBase = BaseUserAdmin

admin.site.site_header = _("任务分工落实跟踪 · 管理后台")
admin.site.site_title = _("任务分工落实跟踪")
admin.site.index_title = _("数据管理")


def _refresh_summaries(obj: Model) -> None:
    """A responsibility, an assignment or a period changed in the back office: its dashboard
    summary rows follow in the same transaction, as they do after the services' writes."""
    if isinstance(obj, Responsibility):
        summaries_refresh(responsibility_ids=[obj.pk])
    elif isinstance(obj, Assignment):
        summaries_refresh(assignment_ids=[obj.pk])
    elif isinstance(obj, ReportingPeriod):
        summaries_refresh(period_ids=[obj.pk])
    elif isinstance(obj, Document):
        # Its periods' due dates and quarters are edited inline on the document's page.
        summaries_refresh(document_id=obj.pk)


class AuditedAdmin(ModelAdmin):
    """Every add, change and delete made in the back office goes to the audit trail too.

    The admin already runs each change view in a transaction, so the row and its record commit
    together.
    """

    def save_model(
        self, request: HttpRequest, obj: Model, form: ModelForm[Any], change: bool
    ) -> None:
        before = snapshot(type(obj)._default_manager.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)
        audit_record(
            actor=_user(request),
            action=f"admin.{obj._meta.model_name}.{'change' if change else 'add'}",
            obj=obj,
            before=before,
            after=snapshot(obj),
        )
        _refresh_summaries(obj)

    def save_related(
        self, request: HttpRequest, form: ModelForm[Any], formsets: Any, change: bool
    ) -> None:
        # Many-to-many fields (a user's groups and permissions, a group's members) are written
        # here, after save_model; a change to them is a permission or membership change.
        obj = form.instance
        before = _many_to_many(obj) if change else {}
        super().save_related(request, form, formsets, change)
        after = _many_to_many(obj)
        if before != after:
            audit_record(
                actor=_user(request),
                action=f"admin.{obj._meta.model_name}.relations_change",
                obj=obj,
                before=before,
                after=after,
            )

    def save_formset(
        self, request: HttpRequest, form: ModelForm[Any], formset: Any, change: bool
    ) -> None:
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            audit_record(
                actor=_user(request),
                action=f"admin.{obj._meta.model_name}.delete",
                obj=obj,
                before=snapshot(obj),
            )
            obj.delete()
        for obj in instances:
            before = snapshot(type(obj)._default_manager.get(pk=obj.pk)) if obj.pk else None
            obj.save()
            audit_record(
                actor=_user(request),
                action=f"admin.{obj._meta.model_name}.{'change' if before else 'add'}",
                obj=obj,
                before=before,
                after=snapshot(obj),
            )
        formset.save_m2m()
        # What was edited inline (an assignment's responsibilities, a document's periods) is
        # refreshed through the object whose page it is.
        _refresh_summaries(form.instance)

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        audit_record(
            actor=_user(request),
            action=f"admin.{obj._meta.model_name}.delete",
            obj=obj,
            before=snapshot(obj),
        )
        super().delete_model(request, obj)
        _deleted()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            audit_record(
                actor=_user(request),
                action=f"admin.{obj._meta.model_name}.delete",
                obj=obj,
                before=snapshot(obj),
            )
        super().delete_queryset(request, queryset)
        _deleted()


def _deleted() -> None:
    """A deletion here can take summary rows with it by CASCADE (a responsibility, a task, a
    period), which no service recounts: the supervisors' kept figures are all counted again
    (tracker.selectors.cached; the roster's mark is in every key)."""
    summaries_changed([ROSTER])


def _many_to_many(obj: Model) -> dict[str, list[int]]:
    return {
        field.name: sorted(getattr(obj, field.name).values_list("pk", flat=True))
        for field in obj._meta.many_to_many
    }


def _user(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None


class ReadOnlyInline(TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # Shown, never edited: a field that is not editable (Evidence.uploaded_at, auto_now_add)
        # listed as a form field made the parent's change page a 500.
        return tuple(str(name) for name in self.fields or ())


class UnitAliasInline(TabularInline):
    model = UnitAlias
    extra = 1
    fields = ("alias",)


@admin.register(Unit)
class UnitAdmin(AuditedAdmin):
    list_display = ("name", "level", "kind", "parent", "needs_review", "is_active", "alias_list")
    list_filter = ("needs_review", "level", "kind", "is_active")
    search_fields = ("name", "aliases__alias")
    autocomplete_fields = ("parent",)
    inlines = (UnitAliasInline,)
    list_editable = ("needs_review",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Unit]:
        return super().get_queryset(request).select_related("parent").prefetch_related("aliases")

    @admin.display(description=_("别名"))
    def alias_list(self, unit: Unit) -> str:
        return "、".join(alias.alias for alias in unit.aliases.all())


@admin.register(UnitGroup)
class UnitGroupAdmin(AuditedAdmin):
    list_display = ("name", "member_count")
    search_fields = ("name", "aliases__alias", "members__name")
    filter_horizontal = ("members",)
    inlines = (UnitAliasInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[UnitGroup]:
        groups: QuerySet[UnitGroup] = super().get_queryset(request)
        return groups.annotate(member_total=Count("members"))

    @admin.display(description=_("成员数"), ordering="member_total")
    def member_count(self, group: Any) -> int:
        return int(group.member_total)


@admin.register(User)
class UserAdmin(AuditedAdmin, UserAdminBase):
    list_display = ("username", "__str__", "role", "unit", "email", "is_active")
    list_filter = ("role", "is_active", "unit__level")
    search_fields = ("username", "first_name", "last_name", "email", "unit__name")
    autocomplete_fields = ("unit",)
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("任务跟踪"), {"fields": ("role", "unit", "phone")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("任务跟踪"), {"fields": ("role", "unit", "email")}),
    )


class ReportingPeriodInline(TabularInline):
    model = ReportingPeriod
    extra = 0
    fields = (
        "year",
        "quarter",
        "opens_on",
        "due_on",
        "first_checkpoint_on",
        "second_checkpoint_on",
        "locked_at",
    )
    readonly_fields = ("locked_at",)


@admin.register(Document)
class DocumentAdmin(AuditedAdmin):
    list_display = (
        "title",
        "year",
        "issuer",
        "status",
        "assignment_count",
        "imported_at",
        "published_at",
    )
    list_filter = ("status", "year")
    search_fields = ("title", "issuer", "source_name")
    date_hierarchy = "imported_at"
    readonly_fields = (
        "source_sha256",
        "extraction_version",
        "imported_by",
        "imported_at",
        "published_by",
        "published_at",
        "updated_at",
    )
    exclude = ("extraction",)
    inlines = (ReportingPeriodInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Document]:
        documents: QuerySet[Document] = super().get_queryset(request)
        return documents.annotate(assignment_total=Count("assignments"))

    @admin.display(description=_("任务数"), ordering="assignment_total")
    def assignment_count(self, document: Any) -> int:
        return int(document.assignment_total)


class TargetInline(TabularInline):
    model = Target
    extra = 0
    fields = (
        "position",
        "indicator",
        "comparator",
        "value",
        "value_high",
        "measure_unit",
        "kind",
        "direction",
        "scope",
    )


class ResponsibilityInline(TabularInline):
    model = Responsibility
    extra = 0
    fields = ("unit", "role", "mention")
    autocomplete_fields = ("unit",)


@admin.register(Assignment)
class AssignmentAdmin(AuditedAdmin):
    list_display = ("ref", "title", "document", "category", "deadline")
    list_filter = ("document", "category")
    search_fields = ("title", "text", "ref")
    list_select_related = ("document",)
    inlines = (TargetInline, ResponsibilityInline)
    exclude = ("document",)
    readonly_fields = ("document_link",)

    @admin.display(description=_("文件"))
    def document_link(self, assignment: Assignment) -> str:
        return str(assignment.document)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # assignments come from importing a document


@admin.register(Responsibility)
class ResponsibilityAdmin(AuditedAdmin):
    list_display = ("unit", "role", "assignment", "mention")
    list_filter = ("role", "unit__level", "assignment__document")
    search_fields = ("unit__name", "assignment__title", "mention")
    list_select_related = ("unit", "assignment")
    autocomplete_fields = ("unit", "assignment")


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(AuditedAdmin):
    list_display = (
        "document",
        "year",
        "quarter",
        "opens_on",
        "due_on",
        "first_checkpoint_on",
        "locked_at",
    )
    list_filter = ("year", "quarter", "document")
    list_select_related = ("document",)


class AppendOnlyAdmin(ModelAdmin):
    """Records the services write (reports, problems, 督办, the calendar's log, the trail):
    administrators read them here; changes go through the pages, which version, recompute
    and audit them."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class TargetValueInline(ReadOnlyInline):
    model = TargetValue
    fields = ("target", "actual", "assessment", "judgement", "note", "completion", "pace", "colour")
    readonly_fields = ("completion", "pace", "colour")
    raw_id_fields = ("target",)


class EvidenceInline(ReadOnlyInline):
    model = Evidence
    fields = ("original_name", "content_type", "size", "uploaded_by", "uploaded_at")


class ProblemInline(ReadOnlyInline):
    model = Problem
    fields = ("description", "level", "level_deadline", "resolved_at")


@admin.register(ProgressReport)
class ProgressReportAdmin(AppendOnlyAdmin):
    list_display = ("responsibility", "period", "status", "is_late", "submitted_at", "version")
    list_filter = (
        "status",
        "is_late",
        "period__year",
        "period__quarter",
        "responsibility__unit__level",
    )
    search_fields = ("responsibility__unit__name", "responsibility__assignment__title", "narrative")
    list_select_related = ("responsibility__unit", "responsibility__assignment", "period")
    raw_id_fields = ("responsibility", "period")
    readonly_fields = (
        "version",
        "colour",
        "submitted_at",
        "submitted_by",
        "reviewed_at",
        "reviewed_by",
        "reopened_at",
        "reopened_by",
    )
    inlines = (TargetValueInline, EvidenceInline, ProblemInline)


class ProblemStepInline(ReadOnlyInline):
    model = ProblemStep
    fields = ("action", "level", "at", "deadline", "actor", "note")


@admin.register(Problem)
class ProblemAdmin(AppendOnlyAdmin):
    list_display = ("description", "unit", "level", "raised_at", "level_deadline", "resolved_at")
    list_filter = ("level", ("resolved_at", admin.EmptyFieldListFilter))
    search_fields = ("description", "unit__name", "resolution")
    list_select_related = ("unit",)
    raw_id_fields = ("report",)
    inlines = (ProblemStepInline,)


@admin.register(SupervisionAction)
class SupervisionActionAdmin(AppendOnlyAdmin):
    list_display = ("kind", "unit", "period", "author", "created_at")
    list_filter = ("kind", "period__year", "period__quarter")
    search_fields = ("unit__name", "reason")
    list_select_related = ("unit", "period", "author")
    raw_id_fields = ("responsibility", "period", "problem")
    autocomplete_fields = ("unit",)


@admin.register(ReminderLog)
class ReminderLogAdmin(AppendOnlyAdmin):
    """What the calendar claimed and sent, to whom and when; failures keep their last error."""

    list_display = (
        "claimed_at",
        "recipient",
        "kind",
        "item_key",
        "period",
        "status",
        "attempts",
        "sent_at",
        "short_error",
    )
    list_filter = ("status", "kind", "period__year", "period__quarter", "period__document")
    search_fields = ("recipient", "item_key", "message_id", "error", "sweep")
    list_select_related = ("period__document",)
    date_hierarchy = "claimed_at"

    @admin.display(description=_("错误"))
    def short_error(self, log: ReminderLog) -> str:
        return log.error[:80]


@admin.register(AnalysisBulletin)
class AnalysisBulletinAdmin(AppendOnlyAdmin):
    list_display = ("period", "published_at", "published_by")
    list_filter = ("period__year", "period__quarter")
    list_select_related = ("period__document", "published_by")


@admin.register(AuditEvent)
class AuditEventAdmin(AppendOnlyAdmin):
    list_display = ("created_at", "actor_name", "action", "object_repr")
    list_filter = ("action", ("content_type", admin.RelatedOnlyFieldListFilter))
    search_fields = ("actor_name", "action", "object_repr", "object_id")
    date_hierarchy = "created_at"


@admin.register(UnitContact)
class UnitContactAdmin(AuditedAdmin):
    list_display = (
        "email",
        "name",
        "unit",
        "is_active",
        "notify_window_open",
        "notify_reminders",
        "notify_checkpoints",
        "language",
    )
    list_filter = ("is_active", "language", "unit__level")
    search_fields = ("email", "name", "unit__name")
    list_select_related = ("unit",)
    autocomplete_fields = ("unit",)


@admin.register(NoticePreference)
class NoticePreferenceAdmin(AuditedAdmin):
    list_display = (
        "user",
        "notify_window_open",
        "notify_reminders",
        "notify_checkpoints",
        "language",
        "updated_at",
    )
    list_filter = ("language",)
    search_fields = ("user__username", "user__email")
    list_select_related = ("user",)
    raw_id_fields = ("user",)


@admin.register(ReminderDigest)
class ReminderDigestAdmin(AppendOnlyAdmin):
    """The e-mails themselves: one per recipient per sweep, with its Message-ID."""

    list_display = (
        "claimed_at",
        "recipient",
        "item_count",
        "status",
        "attempts",
        "sent_at",
        "message_id",
    )
    list_filter = ("status", "language")
    search_fields = ("recipient", "message_id", "sweep", "error")
    date_hierarchy = "claimed_at"


@admin.register(LeaderScope)
class LeaderScopeAdmin(AuditedAdmin):
    """What each leader in charge (分管领导) oversees: a unit, or one assignment."""

    list_display = ("leader", "unit", "assignment", "created_at")
    list_filter = (("unit", admin.RelatedOnlyFieldListFilter),)
    search_fields = (
        "leader__username",
        "leader__last_name",
        "leader__first_name",
        "unit__name",
        "assignment__title",
    )
    list_select_related = ("leader", "unit", "assignment")
    autocomplete_fields = ("leader", "unit", "assignment")


@admin.register(DocumentAmendment)
class DocumentAmendmentAdmin(AppendOnlyAdmin):
    """A published document's amendments are its history: read here, made on its page."""

    list_display = ("document", "number", "kind", "assignment", "unit", "actor", "created_at")
    list_filter = ("kind", ("document", admin.RelatedOnlyFieldListFilter))
    search_fields = ("document__title", "reason", "assignment__title", "unit__name")
    list_select_related = ("document", "assignment", "unit", "actor")
    date_hierarchy = "created_at"
