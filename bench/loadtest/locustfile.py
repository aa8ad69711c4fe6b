"""The load at the deadline (issue 19, item 6): reporters sign in, open 我的任务 and save and
submit their reports (through the HTML form, or through the API), while supervisors reload the
dashboard and work through the review queue, approving reports. Started by
bench/loadtest/run.py (`make loadtest`), which builds the province, starts gunicorn and a Celery
worker, and checks the database afterwards.

Every report a reporter saw accepted is appended to LOADTEST_LEDGER (one JSON line: the
responsibility, the period, the figures sent), for run.py's check that each exists exactly once
with its values. The reporters come from LOADTEST_REPORTERS (one per line: the username and,
after a tab, a session key made before the load, or nothing for one who signs in through the
form), each taken by one simulated user, who keeps the session for the whole run.
"""

from __future__ import annotations

import json
import os
import random
import re
import threading
from typing import Any
from urllib.parse import quote

from locust import HttpUser, between, events, task

PASSWORD = os.environ.get("LOADTEST_PASSWORD", "province2026")
SUPERVISOR = os.environ.get("LOADTEST_SUPERVISOR", "dcs")
LEDGER = os.environ.get("LOADTEST_LEDGER", "loadtest-ledger.jsonl")
_reporters = [
    (*line.rstrip("\n").split("\t"), "")[:2]
    for line in open(os.environ.get("LOADTEST_REPORTERS", "reporters.txt"), encoding="utf-8")
    if line.strip()
]
SESSION_COOKIE = "sessionid"
# Read by run.py from gunicorn's access log; percent-encoded, as a header is ASCII.
TYPE_HEADER = "X-Loadtest-Type"
_lock = threading.Lock()

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
WORK = re.compile(r'href="/work/(\d+)/(\d+)/"')
TARGET = re.compile(r'name="target-(\d+)"')
VERSION = re.compile(r'name="version"[^>]*value="(\d*)"|value="(\d*)"[^>]*name="version"')
APPROVE_VERSION = re.compile(
    r'name="decision" value="approve"><input type="hidden" name="version" value="(\d+)"'
)
ASSIGNMENT_VERSION = re.compile(r'name="assignment_version"[^>]*value="(\d+)"')


def _tag_requests(user: HttpUser) -> None:
    """Every request carries its type (the name in Locust's table) in a header the server's
    access log records, so run.py can set each type's time inside a gunicorn worker beside
    the time Locust waited: the difference is the wait for a free worker."""
    send = user.client.request

    def request(method: str, url: str, name: str | None = None, **kwargs: Any) -> Any:
        kwargs["headers"] = {**(kwargs.get("headers") or {}), TYPE_HEADER: quote(name or url)}
        return send(method, url, name, **kwargs)

    user.client.request = request  # type: ignore[method-assign]


def _record(entry: dict[str, Any]) -> None:
    with _lock, open(LEDGER, "a", encoding="utf-8") as ledger:
        ledger.write(json.dumps(entry) + "\n")


def _sign_in(user: HttpUser, username: str) -> bool:
    page = user.client.get("/accounts/login/", name="sign-in form")
    token = CSRF.search(page.text)
    if token is None:
        return False
    with user.client.post(
        "/accounts/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)},
        headers={"Referer": f"{user.host}/accounts/login/"},
        name="sign in",
        catch_response=True,
        allow_redirects=False,
    ) as answer:
        if answer.status_code != 302:
            answer.failure(f"sign-in refused for {username}: HTTP {answer.status_code}")
            return False
    return True


class Reporter(HttpUser):
    """A unit's reporter in the last days before the 25th: each open slot of the current
    period is filled in, saved as a draft, then submitted; one report in two goes through the
    API instead of the form."""

    fixed_count = int(os.environ.get("LOADTEST_REPORTERS_COUNT", "200"))
    # A person between two pages reads the one in front of them and types figures and a few
    # sentences: 10–30 s (LOADTEST_THINK="10-30") after the list, after opening the form and
    # before submitting what was saved. With no pause inside a report (the earlier scenario),
    # each of 200 reporters filled and submitted a report within a second of opening it, and
    # they asked for about 50 requests a second — no office's deadline day.
    wait_time = between(*(float(s) for s in os.environ.get("LOADTEST_THINK", "10-30").split("-")))

    def on_start(self) -> None:
        _tag_requests(self)
        with _lock:
            self.username, session = _reporters.pop() if _reporters else ("", "")
        if session:
            self.client.cookies.set(SESSION_COOKIE, session)
            self.ready = bool(self.username)
        else:
            self.ready = bool(self.username) and _sign_in(self, self.username)
        self.done: set[tuple[int, int]] = set()

    @task
    def report(self) -> None:
        if not self.ready:
            return
        tasks = self.client.get("/tasks/", name="我的任务")
        slots = [
            (int(r), int(p))
            for r, p in dict.fromkeys(WORK.findall(tasks.text))
            if (int(r), int(p)) not in self.done
        ]
        if not slots:
            return
        responsibility, period = random.choice(slots)
        work = self.client.get(f"/work/{responsibility}/{period}/", name="填报 page")
        token = CSRF.search(work.text)
        targets = TARGET.findall(work.text)
        version_match = VERSION.search(work.text)
        version = next((g for g in version_match.groups() if g), "") if version_match else ""
        assignment_version = ASSIGNMENT_VERSION.search(work.text)
        if token is None or assignment_version is None or 'value="submit"' not in work.text:
            self.done.add((responsibility, period))  # not editable (already submitted)
            return
        # The person types the figures and a few sentences before saving.
        self.wait()
        figures = {t: f"{random.randint(10, 999)}.{random.randint(0, 99):02d}" for t in targets}
        if random.random() < 0.5:
            self._form(
                responsibility,
                period,
                token.group(1),
                figures,
                version,
                assignment_version.group(1),
            )
        else:
            self._api(
                responsibility,
                period,
                token.group(1),
                figures,
                version,
                assignment_version.group(1),
            )

    def _form(
        self,
        responsibility: int,
        period: int,
        token: str,
        figures: dict[str, str],
        version: str,
        assignment_version: str,
    ) -> None:
        url = f"/work/{responsibility}/{period}/"
        data = {
            "csrfmiddlewaretoken": token,
            "narrative": "本季度按计划推进。",
            "problems_text": "",
            "next_steps": "继续推进。",
            "version": version,
            "assignment_version": assignment_version,
            **{f"target-{t}": v for t, v in figures.items()},
        }
        headers = {"Referer": f"{self.host}{url}"}
        with self.client.post(
            url,
            data={**data, "action": "save"},
            headers=headers,
            name="save draft (form)",
            allow_redirects=False,
            catch_response=True,
        ) as saved:
            if saved.status_code != 302:
                saved.failure(f"save: HTTP {saved.status_code}")
                return
        page = self.client.get(url, name="填报 page")
        self.wait()  # reads the saved report over before submitting it
        version_match = VERSION.search(page.text)
        data["version"] = (
            next((g for g in version_match.groups() if g), "") if version_match else ""
        )
        with self.client.post(
            url,
            data={**data, "action": "submit"},
            headers=headers,
            name="submit (form)",
            allow_redirects=False,
            catch_response=True,
        ) as submitted:
            if submitted.status_code != 302:
                submitted.failure(f"submit: HTTP {submitted.status_code}")
                return
        self.done.add((responsibility, period))
        _record(
            {"responsibility": responsibility, "period": period, "values": figures, "via": "form"}
        )

    def _api(
        self,
        responsibility: int,
        period: int,
        token: str,
        figures: dict[str, str],
        version: str,
        assignment_version: str,
    ) -> None:
        headers = self._api_auth_headers()
        body: dict[str, Any] = {
            "responsibility": responsibility,
            "period": period,
            "version": int(version) if version else None,
            "assignment_version": int(assignment_version),
            "narrative": "本季度按计划推进。",
            "values": [{"target": int(t), "actual": v} for t, v in figures.items()],
        }
        with self.client.post(
            "/api/reports/",
            json={**body, "submit": False},
            headers=headers,
            name="save draft (API)",
            catch_response=True,
        ) as saved:
            if saved.status_code != 201:
                saved.failure(f"save: HTTP {saved.status_code} {saved.text[:200]}")
                return
            body["version"] = saved.json()["version"]
        self.wait()  # reads the saved report over before submitting it
        with self.client.post(
            "/api/reports/",
            json={**body, "submit": True},
            headers=headers,
            name="submit (API)",
            catch_response=True,
        ) as submitted:
            if submitted.status_code != 201:
                submitted.failure(f"submit: HTTP {submitted.status_code} {submitted.text[:200]}")
                return
        self.done.add((responsibility, period))
        _record(
            {"responsibility": responsibility, "period": period, "values": figures, "via": "api"}
        )

    def _api_auth_headers(self) -> dict[str, str]:
        """How the API calls authenticate: the page's session cookie, with its CSRF token
        (SessionAuthentication checks it) and a same-origin Referer — a reporter's own browser
        calling the API, as the report form's scripts would. Programs use Bearer tokens."""
        csrf = self.client.cookies.get("csrftoken", "")
        return {"X-CSRFToken": csrf, "Referer": f"{self.host}/api/reports/"}


class Supervisor(HttpUser):
    """督查人员 reloading the dashboard and working through the review queue, approving."""

    fixed_count = int(os.environ.get("LOADTEST_SUPERVISORS_COUNT", "10"))
    wait_time = between(2, 5)

    def on_start(self) -> None:
        _tag_requests(self)
        self.ready = _sign_in(self, SUPERVISOR)

    @task(3)
    def dashboard(self) -> None:
        if self.ready:
            self.client.get("/dashboard/", name="dashboard")

    @task(2)
    def review(self) -> None:
        """Open the queue, a report in it, and approve it (审核通过) as the page's form does."""
        if not self.ready:
            return
        queue = self.client.get("/reviews/", name="review queue")
        reports = re.findall(r'href="/reports/(\d+)/"', queue.text)
        if not reports:
            return
        report = random.choice(reports)
        page = self.client.get(f"/reports/{report}/", name="report page")
        token = CSRF.search(page.text)
        version = APPROVE_VERSION.search(page.text)
        if token is None or version is None:
            return  # not approvable (already reviewed, or the supervisor may not)
        url = f"/reports/{report}/review/"
        with self.client.post(
            url,
            data={
                "csrfmiddlewaretoken": token.group(1),
                "decision": "approve",
                "version": version.group(1),
            },
            headers={"Referer": f"{self.host}/reports/{report}/"},
            name="approve",
            allow_redirects=False,
            catch_response=True,
        ) as answer:
            # 400: another supervisor approved it (or the unit changed it) since the page was
            # read; the refusal is the right answer, not an error.
            if answer.status_code in (302, 400):
                answer.success()
            else:
                answer.failure(f"approve: HTTP {answer.status_code}")


@events.quitting.add_listener
def _summary(environment: Any, **_kwargs: Any) -> None:
    """Percentiles per request type, printed before locust exits."""
    stats = environment.stats
    print(f"\n{'request':<22} {'count':>7} {'fail':>5} {'rps':>6} {'p50':>7} {'p95':>7} {'p99':>7}")
    for entry in sorted(stats.entries.values(), key=lambda e: e.name):
        print(
            f"{entry.name:<22} {entry.num_requests:>7} {entry.num_failures:>5} "
            f"{entry.total_rps:>6.1f} {entry.get_response_time_percentile(0.5):>5.0f}ms "
            f"{entry.get_response_time_percentile(0.95):>5.0f}ms "
            f"{entry.get_response_time_percentile(0.99):>5.0f}ms"
        )
    total = stats.total
    print(
        f"{'all':<22} {total.num_requests:>7} {total.num_failures:>5} {total.total_rps:>6.1f} "
        f"{total.get_response_time_percentile(0.5):>5.0f}ms "
        f"{total.get_response_time_percentile(0.95):>5.0f}ms "
        f"{total.get_response_time_percentile(0.99):>5.0f}ms"
    )
    for error in stats.errors.values():
        print(f"error ×{error.occurrences}: {error.method} {error.name}: {error.error}")
