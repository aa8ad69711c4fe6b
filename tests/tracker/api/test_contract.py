"""The API keeps its OpenAPI contract: schemathesis generates requests from /api/schema/ (valid
ones, and ones that break it), sends them to the WSGI app in-process as a signed-in reporter and
as a supervisor of a reported quarter, and checks every answer: no server error, a status code,
content type, headers and body the contract describes, schema-breaking requests refused.

Generation is bounded and deterministic (derandomize), so the run takes seconds and a failure
reproduces. Signing in is through the session cookie, as the pages do, so the run does not depend
on how programs authenticate.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from rest_framework.throttling import SimpleRateThrottle
from schemathesis import GenerationMode

from tests.samples import reported_quarter
from tracker.models import ProgressReport, ReportingPeriod, Responsibility, User

pytestmark = pytest.mark.django_db

EXAMPLES = 25
OPERATIONS = {
    "GET /api/periods/",
    "GET /api/responsibilities/",
    "GET /api/reports/",
    "POST /api/reports/",
    "GET /api/reports/{id}/",
    "GET /api/quarter/",
}


@pytest.fixture
def quarter(db):
    document, q2 = reported_quarter(4, 6)
    return {"document": document, "q2": q2}


@contextmanager
def _connection_kept_open() -> Iterator[None]:
    """The app closes the database connection around every request, which would end the test's
    transaction; Django's own test client keeps it open the same way (and reconnects the
    signals after each of its requests, so no test client request may run inside)."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


def _contract_for(user: User) -> schemathesis.BaseSchema:
    """The contract as /api/schema/ serves it to `user`, bound to the WSGI app; every request
    generated from it carries a signed-in browser session of `user`: its cookies and CSRF header,
    registered as the schema's auth, so schemathesis knows the session is the credential and
    checks that a request without it is refused."""
    client = Client()
    client.force_login(user)
    client.get("/api/docs/")  # sets the CSRF cookie
    cookies = {name: morsel.value for name, morsel in client.cookies.items()}
    served = client.get("/api/schema/", {"format": "json"})
    assert served.status_code == 200
    schema = schemathesis.openapi.from_dict(served.json())
    schema.app = get_wsgi_application()

    class Session:
        def get(self, case: Any, context: Any) -> dict[str, str]:
            return cookies

        def set(self, case: Any, data: dict[str, str], context: Any) -> None:
            case.cookies = {**(case.cookies or {}), **data}
            case.headers = {**(case.headers or {}), "X-CSRFToken": data["csrftoken"]}

    schema.auth(refresh_interval=None)(Session)
    return schema


def _known_ids(user: User) -> dict[str, list[int]]:
    """Ids that exist, so that generated requests also reach real objects, not only 404s."""
    return {
        "responsibility": list(
            Responsibility.objects.filter(unit=user.unit_id).values_list("pk", flat=True)
        )
        or list(Responsibility.objects.values_list("pk", flat=True)[:5]),
        "period": list(ReportingPeriod.objects.values_list("pk", flat=True)),
        # Periods the user's unit has not reported yet: a save there is a new report.
        "unreported": list(
            ReportingPeriod.objects.exclude(reports__responsibility__unit=user.unit_id).values_list(
                "pk", flat=True
            )
        ),
        "report": list(ProgressReport.objects.values_list("pk", flat=True)[:10]),
    }


def _aim(case: Any, ids: dict[str, list[int]], draw: Any) -> None:
    """Point a generated case at real objects, keeping everything else it generated: the first
    page of a list, an existing report, and a save of one of the user's responsibilities made
    without a version read before (so neither stale nor against an amended task) and without
    figures (generated text is rarely a figure, and a bad one is a 400 before anything saves)."""
    if isinstance(case.query, dict):
        case.query.pop("page", None)
        if "period" in case.query:
            case.query["period"] = draw(st.sampled_from(ids["period"]))
    if case.path_parameters and "id" in case.path_parameters:
        case.path_parameters["id"] = draw(st.sampled_from(ids["report"]))
    if isinstance(case.body, dict) and "responsibility" in case.body:
        case.body["responsibility"] = draw(st.sampled_from(ids["responsibility"]))
        case.body["period"] = draw(st.sampled_from(ids["unreported"]))
        for key in ("version", "assignment_version", "values"):
            case.body.pop(key, None)


def _run(operation: Any, mode: GenerationMode, ids: dict[str, list[int]]) -> Counter[int]:
    """Generate and send the operation's examples; the statuses answered, counted."""
    statuses: Counter[int] = Counter()

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(mode), aim=st.booleans(), data=st.data())
    def check(case: Any, aim: bool, data: Any) -> None:
        if aim and mode is GenerationMode.POSITIVE:
            _aim(case, ids, data.draw)
        # Uncompressed answers: the WSGI client does not undo GZipMiddleware's compression.
        response = case.call_and_validate(headers={"Accept-Encoding": "identity"})
        statuses[response.status_code] += 1

    with _connection_kept_open():
        check()
    return statuses


@pytest.mark.parametrize("role", ["reporter", "supervisor"])
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_the_api_keeps_its_contract(quarter, monkeypatch, settings, role, mode):
    # schemathesis checks that wrong credentials are refused, many times over: the lockout
    # would lock the test's address after five, and the throttles would then refuse the run.
    # Both stay on, with limits a bounded run does not reach. The throttle classes read their
    # rates once, when DRF is imported, so the REST_FRAMEWORK setting would not reach them.
    settings.AXES_FAILURE_LIMIT = 100_000
    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {"anon": "10000/minute", "user": "10000/minute"}
    )
    if role == "supervisor":
        user = User.objects.create_user("duchashi", role=User.Role.SUPERVISOR)
    else:
        user = User.objects.filter(role=User.Role.REPORTER).order_by("pk").first()
    ids = _known_ids(user)
    contract = _contract_for(user)
    operations = [result.ok() for result in contract.get_all_operations()]
    assert {operation.label for operation in operations} == OPERATIONS
    answered = {operation.label: _run(operation, mode, ids) for operation in operations}
    # The run reached the API's behaviour, not only its refusals: real objects were read, the
    # reporter's reports saved, another unit's report and the supervisor's saves refused (404).
    if mode is GenerationMode.POSITIVE:
        for label in ("GET /api/periods/", "GET /api/responsibilities/", "GET /api/reports/"):
            assert answered[label][200], answered
        assert answered["GET /api/reports/{id}/"][200], answered
        assert answered["GET /api/reports/{id}/"][404], answered
        if role == "reporter":
            assert answered["POST /api/reports/"][201], answered
            assert not answered["GET /api/quarter/"][200], answered
        else:
            assert not answered["POST /api/reports/"][201], answered
            assert answered["GET /api/quarter/"][200], answered
    else:
        # Requests that break the contract are refused, never answered as if they were fine.
        assert answered["POST /api/reports/"][400], answered
        assert not answered["POST /api/reports/"][201], answered
    print(role, mode.value, {label: dict(counts) for label, counts in answered.items()})
