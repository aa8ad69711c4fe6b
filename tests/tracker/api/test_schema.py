"""The OpenAPI contract (/api/schema/) and its documentation page (/api/docs/): generated without
a warning, for signed-in people and programs only; and the API bugs the schemathesis run
(test_contract.py) found, each pinned here."""

from __future__ import annotations

import json
import re

import pytest
import yaml
from django.core.management import call_command
from django.urls import reverse

from tests.factories import make_assignment, make_document, make_responsibility
from tracker.api import urls as api_urls

pytestmark = pytest.mark.django_db


def test_the_contract_is_valid_and_complete_without_a_warning(tmp_path):
    # --fail-on-warn turns an endpoint drf-spectacular cannot describe into an error.
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    schema = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert schema["info"]["title"] == "进度跟踪系统 API"
    assert set(schema["paths"]) == {
        "/api/periods/",
        "/api/responsibilities/",
        "/api/reports/",
        "/api/reports/{id}/",
        "/api/quarter/",
    }
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            # Every error is described, in the one error body.
            for code in ("401", "403", "404", "429"):
                error = operation["responses"][code]["content"]["application/json"]["schema"]
                assert error == {"$ref": "#/components/schemas/Error"}, (path, method, code)
    assert schema["components"]["schemas"]["Error"]["required"] == ["detail", "errors"]
    post = schema["paths"]["/api/reports/"]["post"]
    assert {"400", "409", "201"} <= set(post["responses"])
    assert post["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ReportInputRequest"
    }


def test_every_api_endpoint_is_in_the_contract(client, reporter):
    client.force_login(reporter)
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()
    documented = {path.replace("{id}", "<int:pk>") for path in schema["paths"]}
    served = {
        f"/api/{pattern.pattern}"
        for pattern in api_urls.urlpatterns
        if pattern.name not in {"api-schema", "api-docs", "api-not-found"}
    }
    assert served == documented


def test_the_contract_is_for_signed_in_users_only(client, reporter):
    response = client.get(reverse("api-schema"))
    assert (
        response.status_code == 401
    )  # the bearer scheme is named first: a 401 with WWW-Authenticate
    client.force_login(reporter)
    response = client.get(reverse("api-schema"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi")
    assert yaml.safe_load(response.content)["openapi"].startswith("3.")
    response = client.get(reverse("api-schema"), HTTP_ACCEPT="application/json")
    assert json.loads(response.content)["info"]["version"]


def test_the_docs_page_is_vendored_and_has_no_inline_script(client, reporter):
    response = client.get(reverse("api-docs"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    client.force_login(reporter)
    response = client.get(reverse("api-docs"))
    assert response.status_code == 200
    html = response.content.decode()
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts and all(" src=" in tag for tag in scripts)
    assert "<style" not in html and "style=" not in html
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "http://" not in html and "https://" not in html


# --- what schemathesis found ------------------------------------------------------------------


def test_a_year_past_the_calendar_is_a_400_not_a_500(client, supervisor):
    client.force_login(supervisor)
    response = client.get(reverse("api-quarter"), {"year": "23313447", "quarter": "2"})
    assert response.status_code == 400
    assert response.json()["errors"] == {"year": "应为 1900 至 2100 之间的整数。"}
    assert client.get(reverse("api-quarter"), {"year": "2026", "quarter": "2"}).status_code == 200


@pytest.mark.parametrize(
    ("url", "query", "field"),
    [
        ("api-periods", {"year": "10.5"}, "year"),
        ("api-periods", {"year": "99999"}, "year"),
        ("api-responsibilities", {"document": "abc"}, "document"),
        ("api-reports", {"period": "²"}, "period"),
        ("api-reports", {"period": "0"}, "period"),
        ("api-reports", {"status": "lost"}, "status"),
    ],
)
def test_a_filter_the_api_cannot_read_is_refused_not_ignored(client, reporter, url, query, field):
    # Ignoring it answered every object, as if no filter had been asked for.
    client.force_login(reporter)
    response = client.get(reverse(url), query)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


@pytest.mark.parametrize(
    "path", ["/api/", "/api/reports/-56014/", "/api/reports/abc/", "/api/nothing/", "/api/nothing"]
)
def test_an_address_under_the_api_that_names_nothing_is_a_json_404(client, reporter, path):
    client.force_login(reporter)
    response = client.get(path, follow=True)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"detail", "errors"}


def test_an_endpoint_without_its_slash_is_still_redirected_to_it(client, reporter):
    client.force_login(reporter)
    response = client.get("/api/periods")
    assert response.status_code == 301 and response["Location"] == "/api/periods/"


def test_a_task_without_a_deadline_is_described_as_such(client, reporter, units):
    task = make_assignment(make_document(), title="无期限任务")
    assert task.deadline is None
    make_responsibility(task, units["fgw"])
    client.force_login(reporter)
    [row] = client.get(reverse("api-responsibilities")).json()["results"]
    assert row["deadline"] is None
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()
    deadline = schema["components"]["schemas"]["Responsibility"]["properties"]["deadline"]
    assert deadline["nullable"] is True
