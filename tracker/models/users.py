"""People: every user acts for one unit, supervises all of them, or oversees some as a leader.

Roles (who does what is decided in tracker.access):
- 填报员 (reporter): writes the unit's reports; where the unit leads an assignment, reads its
  co-units' reports and, unless the unit has a 牵头审核员, returns their input.
- 牵头审核员 (reviewer): everything a reporter does; once a unit has an active reviewer, only its
  reviewers return co-units' input (a reporter of that unit still writes the compiled report).
- 督查员 (supervisor) and 管理员 (administrator): see and supervise every unit's work; only an
  administrator gives or takes the supervisor and administrator roles.
- 分管领导 (leader): oversees the units and assignments named in LeaderScope, reads their work,
  and is the rung of the problem ladder above the lead department.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    class Role(models.TextChoices):
        REPORTER = "reporter", _("填报员")
        REVIEWER = "reviewer", _("牵头审核员")
        SUPERVISOR = "supervisor", _("督查员")
        LEADER = "leader", _("分管领导")
        ADMINISTRATOR = "admin", _("管理员")

    role = models.CharField(_("角色"), max_length=12, choices=Role, default=Role.REPORTER)
    unit = models.ForeignKey(
        "tracker.Unit",
        verbose_name=_("所属单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    # When the last invitation (or password reset) link was sent; the link itself expires
    # after TRACKER_INVITATION_DAYS and once the password is set.
    invited_at = models.DateTimeField(_("邀请发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            # A reporter without a unit would see nothing and could submit for no one.
            models.CheckConstraint(
                condition=~Q(role__in=["reporter", "reviewer"]) | Q(unit__isnull=False),
                name="user_reporter_has_unit",
            ),
        ]

    def __str__(self) -> str:
        full = f"{self.last_name}{self.first_name}".strip()
        return full or self.username

    @property
    def is_supervisor(self) -> bool:
        """Supervisors and administrators see every unit's work."""
        return self.is_active and (
            self.is_superuser or self.role in {self.Role.SUPERVISOR, self.Role.ADMINISTRATOR}
        )

    @property
    def is_leader(self) -> bool:
        return self.is_active and self.role == self.Role.LEADER

    @property
    def is_administrator(self) -> bool:
        return self.is_active and (self.is_superuser or self.role == self.Role.ADMINISTRATOR)
