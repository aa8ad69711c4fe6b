"""The reporter's workspace: 我的任务, the quarterly report form, evidence, history, and the
lead unit's view of its co-units."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from tracker import selectors
from tracker.views.common import current_user, today


@login_required
def my_tasks(request: HttpRequest) -> HttpResponse:
    rows = selectors.tasks_for_user(current_user(request), today=today())
    return render(request, "tracker/my_tasks.html", {"rows": rows})


urlpatterns = [
    path("tasks/", my_tasks, name="my-tasks"),
]
