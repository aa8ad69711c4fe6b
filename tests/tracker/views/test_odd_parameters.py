"""No page or endpoint answers an odd parameter with a 500 (issue 18, item 3).

Every URL pattern is discovered from the URLconf, so pages added later are covered without
touching this file. Each is requested as each role, first with real ids in its path; the query
and form parameters the view actually reads are recorded (every read of request.GET/POST goes
through MultiValueDict's accessors), then each is sent again with each odd value, alone, by GET
and by POST. Path parameters get the odd values their converter lets through. Anything that
answers 500 (or raises) is collected, and the test prints every one of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import product
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils.datastructures import MultiValueDict

from tests.factories import make_assignment, make_document, make_target
from tests.samples import PDF, pages_world, submit_co
from tracker.models import Unit, UnitAlias, UnitGroup, User
from tracker.services.evidence import evidence_attach
from tracker.services.reports import ReportInput, report_save

pytestmark = pytest.mark.django_db

# The list: a superscript digit ("²".isdigit() is true, int() refuses it), full-width
# digits (int() reads them), a negative, a float overflow, thirty digits (past any 64-bit id),
# empty, and text outside ASCII; plus the first id past a signed 64-bit integer, a keyset cursor
# past datetime's last moment, and NUL (PostgreSQL refuses it inside a query's text).
ODD_VALUES = [
    "²",
    "１２",
    "-1",
    "1e309",
    "9" * 30,
    "",
    "名称\u202e",
    "9223372036854775808",
    "999999999999999999-1",
    "单位\x00",
]
SOLO_VALUES = ["²", "9" * 30]
# What each path converter lets through (an int converter only takes ASCII digits).
ODD_PATH_VALUES = {
    "int": ["0", "9" * 30, "9223372036854775808"],
    "str": ["²", "１２", "-1", "1e309", "9" * 30, "名称\u202e"],
    "slug": ["-1", "9" * 30],
    "path": ["²", "9" * 30],
}
# Paths this test leaves out: the back office has its own test (tests/tracker/test_admin.py).
SKIP_PREFIXES = ("admin/",)
# A path segment before <pk> that does not name its model.
SEGMENT_MODELS = {"people": "user", "analysis": "reportingperiod", "work": "responsibility"}


# --- what a view reads -----------------------------------------------------------------------


class _Reads:
    """Keys read from any MultiValueDict (request.GET / request.POST are QueryDicts) while on."""

    def __init__(self) -> None:
        self.keys: dict[int, set[str]] = {}
        self.on = False

    def note(self, mapping: object, key: object) -> None:
        if self.on and isinstance(key, str):
            self.keys.setdefault(id(mapping), set()).add(key)


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> _Reads:
    recorder = _Reads()
    for name in ("get", "__getitem__", "getlist", "__contains__"):
        original = getattr(MultiValueDict, name)

        def spy(self: Any, key: Any, *args: Any, _original: Any = original) -> Any:
            recorder.note(self, key)
            return _original(self, key, *args)

        monkeypatch.setattr(MultiValueDict, name, spy)
    return recorder


# --- the URL patterns ------------------------------------------------------------------------


def _patterns(resolver: URLResolver, prefix: str = "") -> Iterator[str]:
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if route.startswith(SKIP_PREFIXES):
            continue
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, route)
        elif isinstance(entry, URLPattern):
            yield route


ROUTES = sorted(set(_patterns(get_resolver())))
_PARAM = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


def _model_for(route: str, name: str) -> Any:
    """The model a path parameter names: `responsibility_id` → Responsibility, `pk` after
    `documents/` → Document, `schedule_pk` → ReportingSchedule; None when nothing matches."""
    stem = re.sub(r"_(id|pk)$", "", name)
    if stem == "pk":
        before = route[: re.search(r"<(\w+:)?pk>", route).start()].rstrip("/").split("/")
        literal = next((s for s in reversed(before) if s and "<" not in s), "")
        stem = SEGMENT_MODELS.get(literal, literal.removesuffix("s").removesuffix("e"))
        stem = {"alias": "unitalias", "group": "unitgroup"}.get(stem, stem)
    models = [m for m in apps.get_app_config("tracker").get_models()]
    for match in (
        lambda m: m._meta.model_name == stem,
        lambda m: m._meta.model_name.endswith(stem),
        lambda m: stem in m._meta.model_name,
    ):
        found = [m for m in models if match(m)]
        if found:
            return found[0]
    return None


def _real_values(route: str, converter: str, name: str) -> list[str]:
    if converter != "int":
        return ["x"]
    model = _model_for(route, name)
    if model is None:
        return ["1"]
    pks = list(model._default_manager.order_by("pk").values_list("pk", flat=True))
    return [str(pk) for pk in dict.fromkeys(pks[:2] + pks[-1:])] or ["1"]


def _fill(route: str, values: dict[str, str]) -> str:
    return "/" + _PARAM.sub(lambda m: values[m.group("name")], route)


def _urls(route: str) -> tuple[list[str], list[str]]:
    """The URLs of `route` with real ids, and with one odd path value each."""
    params = [(m.group("converter") or "str", m.group("name")) for m in _PARAM.finditer(route)]
    choices = [_real_values(route, c, n) for c, n in params]
    real = [
        _fill(route, dict(zip([n for _, n in params], combo, strict=True)))
        for combo in product(*choices)
    ]
    odd = []
    base = {n: vals[0] for (_, n), vals in zip(params, choices, strict=True)}
    for converter, name in params:
        for value in ODD_PATH_VALUES.get(converter, ODD_PATH_VALUES["str"]):
            odd.append(_fill(route, {**base, name: value}))
    return real, odd


# --- the world and the roles -----------------------------------------------------------------


@pytest.fixture
def world(units, reporter, outsider, supervisor, settings, tmp_path):
    data = pages_world(units, settings, tmp_path)
    report = submit_co(data, outsider, problems="资金未到位")
    draft_report = report_save(
        responsibility=data["lead"],
        period=data["q2"],
        actor=reporter,
        report_input=ReportInput(values={}, narrative="草稿"),
        expected_version=None,
        submit=False,
    )
    evidence_attach(report=draft_report, actor=reporter, filename="佐证.pdf", data=PDF)
    assert report.pk
    draft = make_document(title="草稿方案", published=False)
    make_target(make_assignment(draft, title="新增就业2万人"))
    group = UnitGroup.objects.create(name="各区政府")
    group.members.add(units["fgw"], units["czj"])
    UnitAlias.objects.create(alias="发改", unit=units["fgw"])
    Unit.objects.create(name="云江市统计局")
    return {
        "anonymous": None,
        "supervisor": supervisor,
        "reporter": reporter,
        "co-reporter": outsider,
        "outsider": data["stranger"],
    }


def _signed_in(client: Client) -> bool:
    cookie = client.cookies.get("sessionid")
    return cookie is not None and bool(cookie.value)


def _probe(client: Client, reads: _Reads, user: User | None, failures: list[str]) -> int:
    sent = 0

    def send(method: str, url: str, data: dict[str, str]) -> Any:
        nonlocal sent
        sent += 1
        if user is not None and not _signed_in(client):
            client.force_login(user)  # a probe of the sign-out URL signed the role out
        call = client.get if method == "GET" else client.post
        try:
            response = call(url, data)
        except Exception as exc:
            failures.append(f"{method} {url} {data}: {exc!r}")
            return None
        # A 500 is a crash; a 503 is an answer (/health/ when the workers are not running).
        if response.status_code == 500:
            failures.append(f"{method} {url} {data}: {response.status_code}")
        return response

    for route in ROUTES:
        real, odd = _urls(route)
        for url in odd:
            send("GET", url, {})
        for method in ("GET", "POST"):
            for url in real:
                reads.keys.clear()
                reads.on = True
                response = send(method, url, {})
                reads.on = False
                if response is None or response.status_code in (404, 405):
                    continue
                request = response.wsgi_request
                read = sorted(
                    reads.keys.get(id(request.GET), set()) | reads.keys.get(id(request.POST), set())
                )
                # Every parameter at once with each odd value (forms check all their fields),
                # then each alone with the values that broke parsers before.
                for value in ODD_VALUES:
                    if read:
                        send(method, url, dict.fromkeys(read, value))
                if len(read) > 1:
                    for key in read:
                        for value in SOLO_VALUES:
                            send(method, url, {key: value})
                break  # one URL this role may open is enough per method
    return sent


# Thousands of requests; the supervisor's walk takes about two minutes on a quiet machine.
@pytest.mark.timeout(900)
@pytest.mark.parametrize("role", ["anonymous", "supervisor", "reporter", "co-reporter", "outsider"])
def test_no_url_answers_an_odd_parameter_with_a_server_error(client, world, reads, role):
    client.raise_request_exception = True
    if world[role] is not None:
        client.force_login(world[role])
    failures: list[str] = []
    sent = _probe(client, reads, world[role], failures)
    assert sent > len(ROUTES)
    assert not failures, f"{len(failures)} of {sent} requests failed:\n" + "\n".join(failures)


def test_the_walk_finds_the_pages_added_by_any_views_module():
    assert "documents/<int:pk>/" in ROUTES
    assert "api/reports/<int:pk>/" in ROUTES
    assert _model_for("documents/<int:pk>/assignments/<int:assignment_pk>/", "assignment_pk")
    assert _model_for("work/<int:responsibility_id>/<int:period_id>/", "period_id")
