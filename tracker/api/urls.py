from django.urls import path

from tracker.api import views

urlpatterns = [
    path("periods/", views.PeriodList.as_view(), name="api-periods"),
    path("responsibilities/", views.ResponsibilityList.as_view(), name="api-responsibilities"),
    path("reports/", views.ReportList.as_view(), name="api-reports"),
    path("reports/<int:pk>/", views.ReportDetail.as_view(), name="api-report"),
    path("quarter/", views.QuarterTally.as_view(), name="api-quarter"),
]
