"""People: every user acts for one unit, or supervises all of them."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    class Role(models.TextChoices):
        REPORTER = "reporter", _("填报员")
        SUPERVISOR = "supervisor", _("督查员")
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

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            # A reporter without a unit would see nothing and could submit for no one.
            models.CheckConstraint(
                condition=~Q(role="reporter") | Q(unit__isnull=False),
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
    def is_administrator(self) -> bool:
        return self.is_active and (self.is_superuser or self.role == self.Role.ADMINISTRATOR)
