from django.contrib.auth.decorators import login_required
from django.urls import path, re_path

from tracker.api import views
from tracker.api.docs import ApiDocs, ApiSchema
from tracker.api.errors import not_found

urlpatterns = [
    path("periods/", views.PeriodList.as_view(), name="api-periods"),
    path("responsibilities/", views.ResponsibilityList.as_view(), name="api-responsibilities"),
    path("reports/", views.ReportList.as_view(), name="api-reports"),
    path("reports/<int:pk>/", views.ReportDetail.as_view(), name="api-report"),
    path("quarter/", views.QuarterTally.as_view(), name="api-quarter"),
    # The OpenAPI contract: YAML, or JSON with ?format=json or Accept: application/json.
    path("schema/", ApiSchema.as_view(), name="api-schema"),
    # A person reading the contract is sent to sign in first, as on every page.
    path("docs/", login_required(ApiDocs.as_view()), name="api-docs"),
    # Last: any other address under /api/ is answered in the API's error body, not HTML. Only
    # addresses ending in "/", so that /api/periods is still redirected to /api/periods/.
    re_path(r"^(?:.*/)?$", not_found, name="api-not-found"),
]
