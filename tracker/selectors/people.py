"""Reads about people: the people list, a unit's leaders in charge (分管领导), the units that hold
responsibilities and have nobody to report them, and the addresses a unit is reached at."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from tracker.models import (
    Assignment,
    Document,
    LeaderScope,
    Responsibility,
    Unit,
    UnitContact,
    User,
    unit_order,
)

# The people who write a unit's reports.
REPORTING_ROLES = (User.Role.REPORTER, User.Role.REVIEWER)


def people(
    *, query: str = "", role: str = "", unit_id: int | None = None, active: bool | None = None
) -> QuerySet[User]:
    """The people list: by unit in the official order, then role and username. Paginate it."""
    users = User.objects.select_related("unit")
    if query:
        users = users.filter(
            Q(username__icontains=query)
            | Q(last_name__icontains=query)
            | Q(first_name__icontains=query)
            | Q(email__icontains=query)
            | Q(unit__name__icontains=query)
        )
    if role in User.Role.values:
        users = users.filter(role=role)
    if unit_id is not None:
        users = users.filter(unit_id=unit_id)
    if active is not None:
        users = users.filter(is_active=active)
    return users.order_by(*unit_order("unit__"), "role", "username")


def leaders_for(*, unit: Unit | None = None, assignment: Assignment | None = None) -> list[User]:
    """The leaders in charge (分管领导) of `assignment` as held by `unit`: the active leaders
    named for the assignment; else those named for the unit; else those of its nearest parent
    unit that has any (the leader of a district government oversees its departments). Empty
    when nobody is named: the caller falls back to the supervisors."""
    active = User.objects.filter(role=User.Role.LEADER, is_active=True)
    if assignment is not None:
        named = list(active.filter(leader_scopes__assignment=assignment).distinct().order_by("pk"))
        if named:
            return named
    seen: set[int] = set()
    current = unit
    while current is not None and current.pk not in seen:
        named = list(active.filter(leader_scopes__unit=current).distinct().order_by("pk"))
        if named:
            return named
        seen.add(current.pk)
        current = current.parent
    return []


def leader_scope(leader: User) -> tuple[list[Unit], list[Assignment]]:
    """The units and assignments a leader oversees."""
    scopes = list(
        LeaderScope.objects.filter(leader=leader).select_related("unit", "assignment__document")
    )
    units = sorted(
        (s.unit for s in scopes if s.unit is not None),
        key=lambda u: (u.position is None, u.position or 0, u.name),
    )
    assignments = [s.assignment for s in scopes if s.assignment is not None]
    return units, assignments


def _has_reporter() -> Exists:
    return Exists(
        User.objects.filter(unit_id=OuterRef("pk"), role__in=REPORTING_ROLES, is_active=True)
    )


def units_without_reporter(unit_ids: Iterable[int] | None = None) -> QuerySet[Unit]:
    """Active units holding responsibilities in published documents (or, with `unit_ids`, those
    units) that have no active reporter: nobody would report their work. Each is annotated with
    `responsibility_total`."""
    units = Unit.objects.filter(is_active=True).exclude(_has_reporter())
    if unit_ids is None:
        units = units.filter(
            Exists(
                Responsibility.objects.filter(
                    unit_id=OuterRef("pk"),
                    assignment__document__status=Document.Status.PUBLISHED,
                )
            )
        )
    else:
        units = units.filter(pk__in=list(unit_ids))
    return units.annotate(
        responsibility_total=Count(
            "responsibilities",
            filter=Q(responsibilities__removed_at__isnull=True),
            distinct=True,
        )
    ).order_by(*unit_order())


@dataclass(frozen=True)
class Reach:
    """Who a set of units reaches: the distinct addresses (people with an e-mail, and the units'
    contact mailboxes) and the units among them with no active reporter."""

    addresses: int
    people: int
    without_reporter: list[Unit]


def units_reach(unit_ids: Iterable[int]) -> Reach:
    """What telling these units would reach (three queries)."""
    ids = list(set(unit_ids))
    people_rows = list(
        User.objects.filter(unit_id__in=ids, is_active=True, role__in=REPORTING_ROLES).values_list(
            "email", flat=True
        )
    )
    contacts = UnitContact.objects.filter(
        unit_id__in=ids, is_active=True, unit__is_active=True
    ).values_list("email", flat=True)
    addresses = {e.lower() for e in [*people_rows, *contacts] if e}
    return Reach(
        addresses=len(addresses),
        people=len(people_rows),
        without_reporter=list(units_without_reporter(ids)),
    )


def unit_addresses(unit_ids: Iterable[int]) -> dict[int, list[str]]:
    """Per unit, the addresses its notices go to: its active reporters' and reviewers' e-mails
    and its active contact mailboxes, each once (compared in lower case)."""
    ids = list(set(unit_ids))
    found: dict[int, list[str]] = {pk: [] for pk in ids}
    seen: dict[int, set[str]] = {pk: set() for pk in ids}
    rows = [
        *User.objects.filter(
            unit_id__in=ids, is_active=True, role__in=REPORTING_ROLES, unit__is_active=True
        )
        .exclude(email="")
        .values_list("unit_id", "email"),
        *UnitContact.objects.filter(unit_id__in=ids, is_active=True, unit__is_active=True)
        .order_by("pk")
        .values_list("unit_id", "email"),
    ]
    for unit_id, email in rows:
        if unit_id is None or email.lower() in seen[unit_id]:
            continue
        seen[unit_id].add(email.lower())
        found[unit_id].append(email)
    return found
