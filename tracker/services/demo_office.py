"""The demo's office set-up (issue 12): the city's official order of units (排序号, the order
its roster lists them in) and a leader in charge (分管领导) of the economic departments, to whom
their problems climb at the top of the ladder. Called by tracker.services.demo_load."""

from __future__ import annotations

from typing import Any

from tracker.models import LeaderScope, Unit, User
from tracker.selectors.cached import ROSTER
from tracker.services.summaries import summaries_changed

LEADER_USERNAME = "fsz"
_OVERSEEN = ("云江市发展和改革委员会", "云江市工业和信息化局", "云江市财政局")


def demo_office_load(roster: dict[str, Any], *, password: str) -> None:
    """Idempotent: a unit keeps an order already given, the leader is created once."""
    names = [roster["jurisdiction"]["name"], *(entry["name"] for entry in roster["units"])]
    for position, name in enumerate(names, start=1):
        Unit.objects.filter(name=name, position__isnull=True).update(position=position)
    summaries_changed([ROSTER])  # the order changed by UPDATE, which sends no post_save
    leader, _created = User.objects.get_or_create(
        username=LEADER_USERNAME,
        defaults={
            "role": User.Role.LEADER,
            "last_name": "分管副市长",
            "email": "fsz@yunjiang.example.cn",
            "unit": Unit.objects.filter(name=roster["jurisdiction"]["name"]).first(),
            "password": password,
        },
    )
    for unit in Unit.objects.filter(name__in=_OVERSEEN):
        LeaderScope.objects.get_or_create(leader=leader, unit=unit)
