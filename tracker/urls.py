"""Every page and endpoint. Each area's views module lists its own urlpatterns."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from tracker import views
from tracker.views import (
    amendments,
    dashboard,
    document_confidence,
    document_review,
    documents,
    exports,
    health,
    holidays,
    lockouts,
    password_reset,
    people,
    periods,
    problems,
    quarter_sheets,
    reminders,
    report_drafts,
    report_review,
    reports,
    rosters,
    schedules,
    search,
    supervision,
    units,
)

urlpatterns = [
    path("", views.home, name="home"),
    *reports.urlpatterns,
    *report_drafts.urlpatterns,
    *documents.urlpatterns,
    *document_review.urlpatterns,
    *document_confidence.urlpatterns,
    *dashboard.urlpatterns,
    *report_review.urlpatterns,
    *periods.urlpatterns,
    *problems.urlpatterns,
    *supervision.urlpatterns,
    *reminders.urlpatterns,
    *units.urlpatterns,
    *people.urlpatterns,
    *rosters.urlpatterns,
    *amendments.urlpatterns,
    *schedules.urlpatterns,
    *holidays.urlpatterns,
    *search.urlpatterns,
    *quarter_sheets.urlpatterns,
    *exports.urlpatterns,
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    *lockouts.urlpatterns,
    *health.urlpatterns,
    path(
        "accounts/password_reset/",
        password_reset.ThrottledPasswordResetView.as_view(),
        name="password_reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/", include("tracker.api.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
